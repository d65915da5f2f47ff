"""A month's dues ledger for the whole province (4M members) on PostgreSQL: ``dues.generate`` (one INSERT … SELECT
with each member's base and relief in force and the bands as one CASE) against a baseline measured in the same run,
a bare INSERT … SELECT of the same rows with nothing computed. Bases are given to every member first (as the demo
does) when none exist. Medians of ``--reps`` runs, each on an emptied month.
    DATABASE_URL=postgres://… .venv/bin/python bench/bench_dues.py
"""
import argparse
import statistics
import time

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from run import machine  # bench/run.py: django is set up on import

from kernel.core import clock  # noqa: E402
from kernel.orgs.models import Organization  # noqa: E402
from mechanisms.membership import dues  # noqa: E402
from mechanisms.membership.demo_dues import generate_dues  # noqa: E402
from mechanisms.membership.models import DuesBase, DuesLine  # noqa: E402

BASELINE = """
    INSERT INTO membership_duesline (member_id, organization_id, org_path, month, owed, paid, paid_by, source)
    SELECT m.id, p.organization_id, m.org_path, %s, 0, 0, '', ''
    FROM people_member m JOIN people_person p ON p.id = m.person_id WHERE m.status = 'active'"""


def timed(action) -> float:
    started = time.perf_counter()
    with transaction.atomic():
        action()
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--month", default="2026-11")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    root = Organization.objects.get(parent=None)
    today = clock.today()
    if not DuesBase.objects.exists():
        started = time.perf_counter()
        generate_dues(root, today)  # the demo's bases and this month's ledger
        print(f"bases and the demo's ledger: {time.perf_counter() - started:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE membership_duesbase")
    month = dues.month_of(args.month)
    generated, baseline, rows = [], [], 0
    for _ in range(args.reps):
        DuesLine.objects.filter(month=month).delete()
        generated.append(timed(lambda: dues.generate(month, path=root.path)))
        rows = DuesLine.objects.filter(month=month).count()
        DuesLine.objects.filter(month=month).delete()
        with connection.cursor() as cursor:
            baseline.append(timed(lambda: cursor.execute(BASELINE, [month])))
        DuesLine.objects.filter(month=month).delete()
    g, b = statistics.median(generated), statistics.median(baseline)
    print(f"{machine()}")
    print(f"lines: {rows:,}; generate median {g:.1f} s (runs {', '.join(f'{x:.1f}' for x in generated)}); "
          f"bare INSERT … SELECT median {b:.1f} s; ratio {g / b:.2f}; target < 30 s: {'met' if g < 30 else 'MISSED'}")


if __name__ == "__main__":
    main()

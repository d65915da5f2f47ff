"""A month's dues ledger for the whole province (4M members) on PostgreSQL: ``dues.generate`` (one CREATE TABLE … AS
SELECT with each member's base and relief in force and the bands as one CASE, a table for the month whose indexes
are built as it is attached as the month's partition) against two baselines measured in the same run:

- the ledger as one indexed table: a bare INSERT … SELECT of the same rows, nothing computed, into the month's
  partition created first with the ledger's three indexes (what writing the month cost before the partitioning);
- the floor: the same bare INSERT … SELECT into a table with no index at all, nothing computed, nothing attached.

Bases are given to every member first (as the demo does) when none exist. Medians of ``--reps`` runs, each on a
month whose partition is dropped first.
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

BARE = """
    INSERT INTO {table} (member_id, organization_id, org_path, month, owed, paid, paid_by, source)
    SELECT m.id, p.organization_id, m.org_path, %s, 0, 0, '', ''
    FROM people_member m JOIN people_person p ON p.id = m.person_id WHERE m.status = 'active'"""


def drop_month(month) -> str:
    name = f"membership_duesline_y{month:%Y}m{month:%m}"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
        cursor.execute("DROP TABLE IF EXISTS bench_dues_floor")
    return name


def indexed(month):
    name = drop_month(month)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {name} PARTITION OF membership_duesline FOR VALUES FROM (%s) TO (%s)",
                       [month, dues.next_month(month)])
    return lambda: connection.cursor().execute(BARE.format(table="membership_duesline"), [month])


def floor(month):
    drop_month(month)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_dues_floor (LIKE membership_duesline INCLUDING DEFAULTS INCLUDING IDENTITY)")
    return lambda: connection.cursor().execute(BARE.format(table="bench_dues_floor"), [month])


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
    generated, one_table, bare, rows = [], [], [], 0
    for _ in range(args.reps):
        drop_month(month)
        generated.append(timed(lambda: dues.generate(month, path=root.path)))
        rows = DuesLine.objects.filter(month=month).count()
        one_table.append(timed(indexed(month)))
        bare.append(timed(floor(month)))
        print(f"run: generate {generated[-1]:.1f} s, one indexed table {one_table[-1]:.1f} s, "
              f"no index {bare[-1]:.1f} s", flush=True)
        drop_month(month)
    g, i, b = (statistics.median(runs) for runs in (generated, one_table, bare))
    runs = ", ".join(f"{x:.1f}" for x in generated)
    print(f"{machine()}")
    print(f"lines: {rows:,}; generate median {g:.1f} s (runs {runs}); target < 30 s: {'met' if g < 30 else 'MISSED'}")
    print(f"bare INSERT … SELECT into the month with the ledger's indexes: median {i:.1f} s (ratio {g / i:.2f}); "
          f"into a table with no index: median {b:.1f} s (ratio {g / b:.2f})")


if __name__ == "__main__":
    main()

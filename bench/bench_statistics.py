"""The party statistics annual report of the province root (4M members) on PostgreSQL: ``statistics_tables.report`` (the
reconciling form with every movement and the closing members' tables) against hand-written GROUP BY queries of the
same counts measured in the same run (the members at the year's end by row and category; the basic, age, education
and joining columns by row; and the same at the end of the year before, which the two-year comparison counts), which
know nothing of transfers or exits. Medians of ``--reps`` runs.
    DATABASE_URL=postgres://… .venv/bin/python bench/bench_statistics.py
"""
import argparse
import statistics as stats
import time

from django.db import connection  # noqa: E402
from run import machine  # bench/run.py: django is set up on import

from kernel.core import clock  # noqa: E402
from kernel.orgs.models import Organization  # noqa: E402
from mechanisms.membership import statistics, statistics_tables  # noqa: E402

HAND = """
    SELECT substr(m.org_path, 1, %(w)s) AS row,
           CASE WHEN m.full_on <= %(end)s THEN 'full' ELSE 'probationary' END AS category,
           count(*), count(*) FILTER (WHERE p.gender = 'female'), count(*) FILTER (WHERE p.ethnicity <> '01'),
           count(*) FILTER (WHERE p.education IN ('graduate', 'university', 'college')),
           count(*) FILTER (WHERE p.birth_date > %(y30)s), count(*) FILTER (WHERE p.birth_date <= %(y61)s),
           count(*) FILTER (WHERE m.joined_on >= '2012-11-01')
    FROM people_member m JOIN people_person p ON p.id = m.person_id
    WHERE m.status IN ('active', 'suspended') AND m.joined_on <= %(end)s
    GROUP BY 1, 2"""


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--year", type=int, default=clock.today().year)
    args = parser.parse_args()
    root = Organization.objects.get(parent=None)
    period = statistics.Period(root, args.year)
    ends = [period.end, period.before]  # this year's end, and last year's for the two-year comparison
    params = [{"w": period.width, "end": end, "y30": end.replace(year=end.year - 31),
               "y61": end.replace(year=end.year - 61)} for end in ends]
    report_times, hand_times = [], []
    data = None
    for _ in range(args.reps):
        started = time.perf_counter()
        data = statistics_tables.report(period)
        report_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for one in params:
                cursor.execute(HAND, one)
                cursor.fetchall()
        hand_times.append(time.perf_counter() - started)
    r, h = stats.median(report_times), stats.median(hand_times)
    total = data["reconciliation"]["total"]["all"]
    print(machine())
    print(f"members at the end: {total['closing']:,} (reconciles: {total['balanced']}); report median {r:.1f} s "
          f"(runs {', '.join(f'{x:.1f}' for x in report_times)}); hand GROUP BY median {h:.1f} s; ratio {r / h:.2f}; "
          f"targets < 60 s: {'met' if r < 60 else 'MISSED'}, within 3x: {'met' if r <= 3 * h else 'MISSED'}")


if __name__ == "__main__":
    main()

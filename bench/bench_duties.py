"""Duties engine benchmark on PostgreSQL: a year of obligations for 200,000 organizations, and the roll-up.

    PGPORT_THROWAWAY=55487 bash scripts/with-postgres.sh .venv/bin/python bench/bench_duties.py [--orgs N] [--write]

Builds a county of 400 townships and --orgs branches set-based (INSERT ... SELECT generate_series), three
rules (branches: quarterly and half-yearly reports; everyone: a yearly report), then times, each --runs times
with medians:

- ``engines.duties.services.generate`` of the year 2025 for every rule (obligations emptied before each run), against
  a baseline: one plain INSERT ... SELECT of the same rows (subjects × periods, no NOT EXISTS, no states);
- ``engines.duties.selectors.rollup_paths``: counts by state for every node of the tree (read from the tally,
  duties/tally.py), against a baseline: a plain GROUP BY org_path, state (one level only), and against the
  same roll-up counted from the obligations (the query before the tally; the results must be equal);
- ``engines.duties.clock.refresh_states`` on the day the states are read.

With --write the section "Duties engine" of bench/RESULTS.md is replaced (or added). With --keep the county and
obligations a previous run left in the database are reused and generation is not timed again (against a server
of one's own, not the throwaway one: the roll-up can then be measured in a minute).
"""
import argparse
import datetime
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiceng.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from engines.duties import clock, selectors, services, tally  # noqa: E402
from engines.duties.generate import versions_in_force  # noqa: E402
from engines.duties.models import DutyRule, Obligation  # noqa: E402
from engines.duties.periods import deadline, periods_of_year  # noqa: E402
from engines.duties.testing import rule_document  # noqa: E402
from kernel.core.tree import SEGMENT_WIDTH, depth_of, subtree_bounds  # noqa: E402
from kernel.orgs.models import Organization  # noqa: E402
from kernel.orgs.services import org_create  # noqa: E402

VILLAGES_PER_TOWNSHIP = 500
YEAR = 2025
TODAY = datetime.date(2025, 11, 20)
RULES = (
    ("bench-quarterly", "quarterly", {"org_types": ["branch"]}),
    ("bench-half-yearly", "half_yearly", {"org_types": ["branch"]}),
    ("bench-yearly", "yearly", {}),
)


def build(orgs: int) -> Organization:
    county = org_create(user=None, parent=None, code="BENCH", name="基准县委", org_type="committee")
    townships = -(-orgs // VILLAGES_PER_TOWNSHIP)
    common = "'', '', NULL, 'active', NULL, NULL, 0, 0, 0, 0, 1, now(), now()"
    columns = ("code, name, org_type, domain, parent_id, path, depth, name_search, name_initials, short_name, place, "
               "founded_on, status, ended_on, merged_into_id, last_child_segment, child_count, member_count, "
               "subtree_member_count, subtree_org_count, created_at, updated_at")
    with connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO orgs_organization ({columns})
            SELECT 'T' || t, '第' || t || '镇党委', 'party_committee', 'rural', %s,
                   %s || lpad(t::text, 5, '0'), 2, '第' || t || '镇党委', 'd', {common}
            FROM generate_series(1, %s) t""", [county.pk, county.path, townships])
        cursor.execute(f"""
            INSERT INTO orgs_organization ({columns})
            SELECT 'T' || t.code || 'V' || v, t.name || '第' || v || '村党支部', 'branch',
                   CASE WHEN v %% 10 = 0 THEN 'community' ELSE 'rural' END, t.id,
                   t.path || lpad(v::text, 5, '0'), 3, '村' || v, 'c', {common}
            FROM (SELECT id, substr(code, 2) AS code, name, path FROM orgs_organization WHERE depth = 2) t
            CROSS JOIN generate_series(1, %s) v
            WHERE (substr(t.code, 1)::int - 1) * %s + v <= %s""",
                       [VILLAGES_PER_TOWNSHIP, VILLAGES_PER_TOWNSHIP, orgs])
        cursor.execute("ANALYZE orgs_organization")
    for code, cadence, applies_to in RULES:
        services.rule_save(user=None, owner=county, document=rule_document(
            code=code, name=f"基准{cadence}报告", cadence=cadence, applies_to=applies_to, effective_from="2024-01-01"))
    return county


def empty_obligations() -> None:
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE duties_obligation CASCADE")


def run_engine() -> tuple[float, int]:
    empty_obligations()
    started = time.perf_counter()
    with clock.today_is(TODAY):
        inserted = services.generate(user=None, year=YEAR)
    return time.perf_counter() - started, inserted


def baseline_sql(rule: DutyRule) -> tuple[str, list]:
    """The same rows as plain as they come: subjects × a VALUES list of periods, nothing checked."""
    version, _until = versions_in_force(rule)[0]
    rows, params = [], []
    for period in periods_of_year(version.cadence, YEAR):
        due, missed = deadline(version.cadence, period, due_days=version.due_days, grace_days=version.grace_days)
        rows.append("(%s::date, %s::date, %s, %s::date, %s::date)")
        params += [period.start, period.end, period.label, due, missed]
    types = " AND s.org_type = 'branch'" if version.applies_to.get("org_types") else ""
    sql = f"""
        INSERT INTO duties_obligation (rule_id, version_id, organization_id, org_path, owed_to_id, period_start,
            period_end, period_label, due_on, missed_after, required_count, done_count, state, escalation)
        SELECT {rule.pk}, {version.pk}, s.id, s.path, s.parent_id, p.ps, p.pe, p.pl, p.due, p.missed, 1, 0, 'open', 0
        FROM orgs_organization s CROSS JOIN (VALUES {", ".join(rows)}) AS p(ps, pe, pl, due, missed)
        WHERE s.status = 'active'{types}"""
    return sql, params


def run_baseline() -> float:
    empty_obligations()
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for rule in DutyRule.objects.order_by("code"):
            cursor.execute(*baseline_sql(rule))
    return time.perf_counter() - started


def discharge_some() -> None:
    """Bench data only: most obligations done, some late, the rest left to the clock."""
    with connection.cursor() as cursor:
        cursor.execute("""
            UPDATE duties_obligation SET done_count = 1,
                completed_on = CASE WHEN id %% 7 = 0 THEN due_on + 3 ELSE due_on - 2 END,
                state = CASE WHEN id %% 7 = 0 THEN 'late' ELSE 'done' END
            WHERE id %% 10 <> 0 AND due_on < %s""", [TODAY])
        cursor.execute("VACUUM ANALYZE duties_obligation")


def run_rollup(user, county) -> tuple[float, dict]:
    started = time.perf_counter()
    nodes = selectors.rollup_paths(user, county, year=YEAR)
    return time.perf_counter() - started, nodes


def run_group_by() -> float:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT org_path, state, COUNT(*) FROM duties_obligation "
                       "WHERE period_start >= %s AND period_start < %s GROUP BY org_path, state",
                       [datetime.date(YEAR, 1, 1), datetime.date(YEAR + 1, 1, 1)])
        cursor.fetchall()
    return time.perf_counter() - started


def run_live_rollup(county) -> tuple[float, dict]:
    """The roll-up as computed before the tally: every obligation counted per subject path, levels summed."""
    started = time.perf_counter()
    lo, hi = subtree_bounds(county.path)
    states = selectors.STATES
    counts = ", ".join(f"COUNT(*) FILTER (WHERE o.state = '{state}') AS {state}" for state in states)
    sums = ", ".join(f"SUM(leaf.{state})" for state in states)
    root, deepest = depth_of(county.path), Organization.objects.order_by("-depth").values_list("depth", flat=True)[0]
    levels = [f"SELECT leaf.org_path, {', '.join(f'leaf.{state}' for state in states)} FROM leaf "
              f"WHERE length(leaf.org_path) = {deepest * SEGMENT_WIDTH}"]
    levels += [f"SELECT substr(leaf.org_path, 1, {level * SEGMENT_WIDTH}), {sums} FROM leaf "
               f"WHERE length(leaf.org_path) >= {level * SEGMENT_WIDTH} GROUP BY 1" for level in range(root, deepest)]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(f"WITH leaf AS (SELECT o.org_path, {counts} FROM duties_obligation o WHERE o.org_path >= %s "
                       f"AND o.org_path < %s AND o.period_start >= %s AND o.period_start < %s GROUP BY o.org_path) "
                       f"{' UNION ALL '.join(levels)}",
                       [lo, hi, datetime.date(YEAR, 1, 1), datetime.date(YEAR + 1, 1, 1)])
        nodes = {row[0]: row[1:] for row in cursor.fetchall()}
    return time.perf_counter() - started, nodes


def run_rebuild() -> float:
    started = time.perf_counter()
    tally.rebuild()
    return time.perf_counter() - started


def run_refresh() -> float:
    started = time.perf_counter()
    with transaction.atomic():
        services.refresh_states(today=TODAY + datetime.timedelta(days=40))
        transaction.set_rollback(True)
    return time.perf_counter() - started


def median(values) -> float:
    return statistics.median(values) if values else float("nan")


def write_section(text: str) -> None:
    results = ROOT / "bench" / "RESULTS.md"
    current = results.read_text(encoding="utf-8") if results.exists() else ""
    pattern = re.compile(r"\n## Duties engine .*?(?=\n## |\Z)", re.S)
    if pattern.search(current):
        current = pattern.sub(lambda _match: text.rstrip("\n") + "\n", current)
    else:
        current = current.rstrip("\n") + "\n" + text
    results.write_text(current, encoding="utf-8")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--keep", action="store_true",
                        help="reuse the data a previous run left in the database (a server of one's own)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("run on PostgreSQL: scripts/with-postgres.sh .venv/bin/python bench/bench_duties.py")
    load_before = os.getloadavg()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    kept = Organization.objects.filter(code="BENCH").first() if args.keep else None
    county = kept if kept and Obligation.objects.exists() else build(args.orgs)
    built = time.perf_counter() - started
    organizations = Organization.objects.count()
    print(f"{'kept' if county == kept else 'built'} {organizations:,} organizations in {built:.1f} s", flush=True)
    engine, baseline, inserted = [], [], 0
    for run in range(0 if county == kept else args.runs):
        baseline.append(run_baseline())
        seconds, inserted = run_engine()
        engine.append(seconds)
        print(f"run {run + 1}: generate {engine[-1]:.2f} s ({inserted:,} obligations), plain INSERT ... SELECT "
              f"{baseline[-1]:.2f} s", flush=True)
    with clock.today_is(TODAY):
        again = time.perf_counter()
        repeated = services.generate(user=None, year=YEAR)
        again = time.perf_counter() - again
    print(f"generate again: {repeated} new in {again:.2f} s", flush=True)
    discharge_some()
    admin = (get_user_model().objects.filter(username="bench-admin").first()
             or get_user_model().objects.create_superuser("bench-admin", password="x"))
    rollups, group_bys, lives, refreshes, nodes = [], [], [], [], {}
    for run in range(args.runs):
        seconds, nodes = run_rollup(admin, county)
        rollups.append(seconds)
        group_bys.append(run_group_by())
        seconds, live = run_live_rollup(county)
        lives.append(seconds)
        assert {path: tuple(map(int, row)) for path, row in live.items()} == {
            path: tuple(map(int, row)) for path, row in nodes.items()}, "the tally differs from the obligations"
        refreshes.append(run_refresh())
        print(f"run {run + 1}: rollup of every node {rollups[-1]:.2f} s ({len(nodes):,} nodes), plain GROUP BY "
              f"{group_bys[-1]:.2f} s, the same roll-up from the obligations {lives[-1]:.2f} s, refresh_states "
              f"{refreshes[-1]:.2f} s", flush=True)
    rebuilt = run_rebuild()
    print(f"tally rebuilt in {rebuilt:.2f} s", flush=True)
    top = selectors.as_counts(nodes[county.path])
    total_obligations = Obligation.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        pg_version = cursor.fetchone()[0].split(" on ")[0]
    gen_median, base_median = median(engine), median(baseline)
    roll_median, group_median = statistics.median(rollups), statistics.median(group_bys)
    load_after = os.getloadavg()

    def runs(values):
        return ", ".join(f"{value:.2f}" for value in values)

    text = f"""
## Duties engine (bench/bench_duties.py)

2026-11-22 · 2 cores, Python {platform.python_version()}, {pg_version} (scripts/with-postgres.sh: fsync off,
default shared_buffers and work_mem) · load average {load_before[0]:.1f} {load_before[1]:.1f} {load_before[2]:.1f}
at the start, {load_after[0]:.1f} at the end

Command: `PGPORT_THROWAWAY=55487 bash scripts/with-postgres.sh .venv/bin/python bench/bench_duties.py --write`

{organizations:,} organizations (a county, {organizations - args.orgs - 1:,} townships, {args.orgs:,} branches, built
with INSERT ... SELECT generate_series in {built:.0f} s); three rules: a quarterly and a half-yearly report of
every branch and a yearly report of every organization = {total_obligations:,} obligations for 2025, states as of
{TODAY} (Q1–Q3 due). For the roll-up, 90% of what came due was marked done (1 in 7 of them late).
Counts at the county: {top['done']:,} done, {top['late']:,} late, {top['overdue']:,} overdue, {top['missed']:,} missed,
{top['open']:,} open.

| measurement | runs (s) | median (s) | target |
| --- | --- | ---: | --- |
| `services.generate(year=2025)`: every rule, one INSERT ... SELECT per version (subjects × periods, NOT EXISTS, states) | {runs(engine)} | {gen_median:.2f} | < 30 s |
| baseline: a plain INSERT ... SELECT of the same rows (no NOT EXISTS, no states) | {runs(baseline)} | {base_median:.2f} | |
| `generate` again (idempotent: {repeated} new) | {again:.2f} | {again:.2f} | |
| `selectors.rollup_paths`: counts by state for every node ({len(nodes):,} nodes) | {runs(rollups)} | {roll_median:.2f} | < 2 s |
| baseline: a plain GROUP BY org_path, state (the leaves only) | {runs(group_bys)} | {group_median:.2f} | |
| the same roll-up counted from the obligations (the query before the tally; equal result checked) | {runs(lives)} | {median(lives):.2f} | |
| `tally.rebuild()` (duties_rebuild_summary: the tally recounted from the obligations) | {rebuilt:.2f} | {rebuilt:.2f} | |
| `clock.refresh_states` 40 days later (rolled back) | {runs(refreshes)} | {statistics.median(refreshes):.2f} | |

Generation: **{gen_median / base_median:.2f}×** the plain insert, target **{"met" if gen_median < 30 else "missed"}**.
Roll-up of every node: **{roll_median / group_median:.2f}×** the plain GROUP BY, target
**{"met" if roll_median < 2 else "missed"}**.
"""
    print(text)
    if args.write:
        write_section(text)


if __name__ == "__main__":
    main()

"""Grading proposals benchmark on PostgreSQL: grades proposed from data for 200,000 organizations.

    PGPORT_THROWAWAY=55432 bash scripts/with-postgres.sh .venv/bin/python bench/bench_grading.py [--orgs N] [--write]

Builds the county of bench/bench_duties.py (400 townships, --orgs branches) set-based, then the data the rules
read: a 五个好 assessment of the year with a sheet per branch (1 in 20 lagging, 1 in 5 先进, the rest 达标),
a branch general meeting rule with two missed quarters for 1 in 25 branches, and a secretary post for every
branch but 1 in 50. Times ``mechanisms.grading.proposals.propose`` (every graded organization, grades emptied before each
run) and a second run over the same grades (all rewritten in place), each --runs times with medians.

Same-run baselines, timed in every run beside the proposal: the floor of its write, one plain INSERT ... SELECT
of the same number of grade rows straight from the organizations (one level, no reasons, no upsert), and the
floor of its reads, the bare queries the rules run (the graded organizations, the year's sheets, the missed
meetings counted per branch, the branches with a secretary) fetched into Python and nothing decided.

With --write the section "Grading proposals" of bench/RESULTS.md is replaced (or added).
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
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiceng.settings")

import django  # noqa: E402

django.setup()

from bench_duties import build  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402

from engines.duties import services as duties  # noqa: E402
from engines.duties.testing import rule_document  # noqa: E402
from engines.standards.models import Assessment  # noqa: E402
from engines.standards.testing import make_standard  # noqa: E402
from kernel.core.tree import subtree_bounds  # noqa: E402
from mechanisms.grading import proposals  # noqa: E402
from mechanisms.grading.models import Grade  # noqa: E402
from mechanisms.grading.services import scheme_create, upgrading_create  # noqa: E402

YEAR = 2025
ON = datetime.date(2025, 7, 15)


def data(county) -> None:
    version = make_standard(county, code="bench-five-good")
    assessment = Assessment.objects.create(version=version, name="基准五个好", owner=county, owner_path=county.path,
                                           period_kind="year", period_start=datetime.date(YEAR, 1, 1),
                                           period_end=datetime.date(YEAR, 12, 31), period_label=str(YEAR))
    rule = duties.rule_save(user=None, owner=county, document=rule_document(
        code="bench-branch-general", kind="meeting", topic="branch_general", effective_from=f"{YEAR}-01-01"))
    with connection.cursor() as cursor:
        cursor.execute("""
            INSERT INTO standards_sheet (created_at, updated_at, assessment_id, organization_id, org_path, parent_id,
                class_key, declared_tier, vetoed, tier, tier_level, lagging, consequence)
            SELECT now(), now(), %s, id, path, parent_id, domain, '', false,
                   CASE WHEN id %% 20 = 0 THEN '' WHEN id %% 5 = 0 THEN 'advanced' ELSE 'qualified' END,
                   CASE WHEN id %% 20 = 0 THEN 0 WHEN id %% 5 = 0 THEN 2 ELSE 1 END, id %% 20 = 0, ''
            FROM orgs_organization WHERE org_type = 'branch'""", [assessment.pk])
        cursor.execute("""
            INSERT INTO duties_obligation (rule_id, version_id, organization_id, org_path, owed_to_id, period_start,
                period_end, period_label, due_on, missed_after, required_count, done_count, state, escalation)
            SELECT %s, %s, o.id, o.path, o.parent_id, q.ps, q.pe, q.pl, q.pe, q.pe, 1, 0, 'missed', 0
            FROM orgs_organization o CROSS JOIN (VALUES ('2025-01-01'::date, '2025-03-31'::date, '2025-Q1'),
                                                        ('2025-04-01'::date, '2025-06-30'::date, '2025-Q2')) q(ps, pe, pl)
            WHERE o.org_type = 'branch' AND o.id %% 25 = 1""", [rule.rule_id, rule.pk])
        cursor.execute("""
            INSERT INTO people_person (created_at, updated_at, name, gender, ethnicity, education, occupation, phone,
                stage, organization_id, org_path, name_search, name_initials)
            SELECT now(), now(), '书记' || id, 'male', '01', '', '', '', 'full', id, path, '书记' || id, 'sj'
            FROM orgs_organization WHERE id %% 50 <> 7""", [])
        cursor.execute("""
            INSERT INTO people_post (created_at, updated_at, person_id, organization_id, org_path, title)
            SELECT now(), now(), id, organization_id, org_path, 'secretary' FROM people_person""")
        cursor.execute("ANALYZE")


PLAIN_INSERT = """
    INSERT INTO grading_grade (created_at, updated_at, upgrading_id, organization_id, org_path, year, round,
                               level_id, weak_lax, source, reasons)
    SELECT now(), now(), %s, id, path, %s, 'initial', %s, false, 'rule', '[]'::jsonb
    FROM orgs_organization
    WHERE path >= %s AND path < %s AND org_type IN ('branch', 'general_branch') AND status = 'active'"""


def plain_insert(upgrading, level_id) -> int:
    """The write's floor: the same number of grade rows in one INSERT ... SELECT."""
    lo, hi = subtree_bounds(upgrading.owner_path)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE grading_grade")
        cursor.execute(PLAIN_INSERT, [upgrading.pk, upgrading.year, level_id, lo, hi])
        return cursor.rowcount


def bare_reads(upgrading, on) -> int:
    """The reads' floor: what the rules query, fetched and not used."""
    from django.db.models import Q

    from engines.standards.models import Sheet
    from kernel.orgs.models import Organization

    rules = proposals.rules_of(upgrading.scheme)
    under = upgrading.owner_path
    assessment = proposals._assessment(rules, upgrading.year)
    subtree = proposals.subtree_q("path", [under])
    fetched = len(list(Organization.objects.filter(subtree, org_type__in=rules["org_types"], status="active")
                       .values_list("pk", "path").iterator(chunk_size=proposals.BATCH)))
    fetched += len(list(Sheet.objects.filter(Q(assessment=assessment), organization__isnull=False)
                        .filter(proposals.subtree_q("org_path", [under]))
                        .values_list("organization_id", "tier", "tier_level", "lagging")
                        .iterator(chunk_size=proposals.BATCH)))
    fetched += len(proposals._missed_meetings(rules, upgrading.year, under))
    fetched += len(proposals._with_secretary(under, on))
    return fetched


def write_section(text: str) -> None:
    results = ROOT / "bench" / "RESULTS.md"
    current = results.read_text(encoding="utf-8") if results.exists() else ""
    pattern = re.compile(r"\n## Grading proposals .*?(?=\n## |\Z)", re.S)
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
    parser.add_argument("--profile", action="store_true", help="print where one proposal's time goes")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("run on PostgreSQL: scripts/with-postgres.sh .venv/bin/python bench/bench_grading.py")
    load_before = os.getloadavg()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    county = build(args.orgs)
    data(county)
    print(f"built in {time.perf_counter() - started:.1f} s", flush=True)
    scheme = scheme_create(user=None, owner=county, name="分类定级", rules={
        "standard": "bench-five-good", "tier_grades": {"advanced": "advanced", "qualified": "good"}})
    upgrading = upgrading_create(user=None, scheme=scheme, owner=county, year=YEAR)
    if args.profile:
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.runcall(proposals.propose, upgrading, on=ON)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
    fresh, again, inserts, reads, written = [], [], [], [], 0
    level_id = scheme.levels.order_by("level").values_list("pk", flat=True).first()
    for run in range(args.runs):
        started = time.perf_counter()
        inserted = plain_insert(upgrading, level_id)
        inserts.append(time.perf_counter() - started)
        started = time.perf_counter()
        fetched = bare_reads(upgrading, ON)
        reads.append(time.perf_counter() - started)
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE grading_grade")
        started = time.perf_counter()
        written = proposals.propose(upgrading, on=ON)
        fresh.append(time.perf_counter() - started)
        started = time.perf_counter()
        proposals.propose(upgrading, on=ON)
        again.append(time.perf_counter() - started)
        if inserted != written:
            sys.exit(f"the plain insert wrote {inserted:,} rows, the proposal {written:,}")
        print(f"run {run + 1}: plain insert {inserts[-1]:.2f} s, bare reads {reads[-1]:.2f} s ({fetched:,} rows), "
              f"propose {fresh[-1]:.2f} s ({written:,} grades), again {again[-1]:.2f} s", flush=True)
    counts = dict(Grade.objects.values_list("level__name").annotate(n=Count("pk")))
    lagging = Grade.objects.filter(level__lagging=True).count()
    weak = Grade.objects.filter(weak_lax=True).count()
    load_after = os.getloadavg()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    median, median_again = statistics.median(fresh), statistics.median(again)
    median_insert, median_reads = statistics.median(inserts), statistics.median(reads)
    floor = median_insert + median_reads
    text = f"""
## Grading proposals (bench/bench_grading.py)

{datetime.datetime.now(datetime.UTC).date()} (UTC) · {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}, PostgreSQL {server}
(scripts/with-postgres.sh) · load average {' '.join(f'{x:.1f}' for x in load_before)} at the start,
{load_after[0]:.1f} at the end

Command: `PGPORT_THROWAWAY=55432 bash scripts/with-postgres.sh .venv/bin/python bench/bench_grading.py --write`

{written:,} branches graded under a county of 400 townships; data read: a 五个好 sheet per branch (1 in 20
lagging), two missed branch general meetings for 1 in 25, no secretary for 1 in 50. Result:
{', '.join(f'{name} {n:,}' for name, n in sorted(counts.items()))}; {lagging:,} lagging, {weak:,} of them
软弱涣散 (secretary vacant).

| measurement | runs (s) | median (s) | target |
| --- | --- | ---: | --- |
| `proposals.propose`: one query per source, {written:,} grades upserted in batches of {proposals.BATCH:,} | {', '.join(f'{x:.2f}' for x in fresh)} | {median:.2f} | < 30 s |
| the same again (every grade rewritten in place) | {', '.join(f'{x:.2f}' for x in again)} | {median_again:.2f} | |
| baseline: plain `INSERT ... SELECT` of {written:,} grade rows (one level, no reasons) | {', '.join(f'{x:.2f}' for x in inserts)} | {median_insert:.2f} | |
| baseline: the rules' bare queries, fetched ({fetched:,} rows) | {', '.join(f'{x:.2f}' for x in reads)} | {median_reads:.2f} | |

Target **{'met' if median < 30 else 'missed'}**. Same-run ratio: the proposal takes {median / floor:.1f}× the
sum of its two floors ({floor:.2f} s), {median / median_insert:.1f}× the plain insert alone.
"""
    print(text)
    if args.write:
        write_section(text)


if __name__ == "__main__":
    main()

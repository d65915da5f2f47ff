"""Standards engine benchmark on PostgreSQL: results of 200,000 organizations × 50 items (10M item scores).

    PGPORT_THROWAWAY=55486 bash scripts/with-postgres.sh .venv/bin/python bench/bench_standards.py [--orgs N] [--write]

Generates the organizations, sheets and item scores set-based (INSERT ... SELECT generate_series), then
times ``engines.standards.services.compute_results`` (totals, vetoes, tiers, three ranks, consequences) against a
baseline: one hand-written statement computing and storing the same totals and ranks (within the parent
and overall). Each is run --runs times, alternately, the engine from emptied results so that it writes every
row; a recomputation with nothing changed is timed too; medians are reported. The results of the two are
compared row by row. With --write the section of bench/RESULTS.md is replaced. With --keep the data a
previous run left in the database is reused (against a server of one's own, not the throwaway one).
"""
import argparse
import datetime
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiceng.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from engines.standards import services  # noqa: E402
from engines.standards.compute import session_settings  # noqa: E402
from engines.standards.models import Assessment, Item, RaterGroup, StandardVersion  # noqa: E402
from kernel.orgs.services import org_create  # noqa: E402

VILLAGES_PER_TOWNSHIP = 500
POINT_ITEMS, VETO_ITEMS, CHECK_ITEMS = 45, 3, 2


def document() -> dict:
    """A 100-point card: 40 items of 2 points and 5 of 3 (half points), 2 registers of 2.5, 3 vetoes."""
    points = [{"code": f"P{n:02d}", "title": f"工作{n}", "kind": "points", "max": 2 if n < 40 else 3,
               "half_points": True} for n in range(POINT_ITEMS)]
    checks = [{"code": f"C{n}", "title": f"台账{n}", "kind": "pass_fail", "max": 2.5} for n in range(CHECK_ITEMS)]
    vetoes = [{"code": f"V{n}", "title": f"否决{n}", "kind": "pass_fail", "max": 0, "veto": True}
              for n in range(VETO_ITEMS)]
    return {
        "code": "bench-five-good", "name": "基准“五个好”", "subject": "organization", "period": "year",
        "applies_to": {"org_types": ["branch"]},
        "raters": [{"code": "inspectors", "name": "考核组", "weight": 1}],
        "sections": [{"code": "A", "title": "工作", "items": points}, {"code": "B", "title": "台账", "items": checks},
                     {"code": "V", "title": "否决", "items": vetoes}],
        "tiers": [
            {"code": "qualified", "name": "达标", "level": 1, "min_total": 80, "title": "达标"},
            {"code": "advanced", "name": "先进", "level": 2, "min_total": 90, "requires_tier": "qualified",
             "title": "先进"},
        ],
        "consequences": {"commend_top": 10, "yellow_card_last": 1, "lagging_below": "qualified"},
    }


def generate(orgs: int) -> tuple[Assessment, StandardVersion]:
    county = org_create(user=None, parent=None, code="BENCH", name="基准县委", org_type="committee")
    townships = -(-orgs // VILLAGES_PER_TOWNSHIP)
    now = "now()"
    common = (f"'', '', NULL, 'active', NULL, NULL, 0, 0, 0, 0, 1, {now}, {now}")
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
    version = services.standard_save(user=None, document=document(), owner=county)
    assessment = Assessment.objects.create(
        version=version, name="基准年度考评", owner=county, owner_path=county.path, period_kind="year",
        period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2025, 12, 31), period_label="2025")
    StandardVersion.objects.filter(pk=version.pk).update(frozen=True)
    rater = RaterGroup.objects.get(version=version)
    with connection.cursor() as cursor:
        cursor.execute("""
            INSERT INTO standards_sheet (assessment_id, organization_id, org_path, parent_id, class_key,
                declared_tier, vetoed, tier, tier_level, lagging, consequence, created_at, updated_at)
            SELECT %s, id, path, parent_id, domain, '', false, '', 0, false, '', now(), now()
            FROM orgs_organization WHERE org_type = 'branch'""", [assessment.pk])
        # Bulk generation only: skip the foreign-key triggers of 10M rows (the keys are right by construction),
        # and build the covering index once afterwards rather than row by row.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("DROP INDEX itemscore_sheet_rater_sums")
        cursor.execute("""
            INSERT INTO standards_itemscore (sheet_id, item_id, rater_id, points, passed, count, value, failed,
                note, revision, entered_at)
            SELECT s.id, i.id, %s,
                   CASE WHEN i.kind = 'points' THEN g.points END,
                   CASE WHEN i.kind = 'pass_fail' THEN g.passed END, NULL,
                   CASE WHEN i.kind = 'points' THEN g.points WHEN g.passed THEN i.max_points ELSE 0 END,
                   CASE WHEN i.kind = 'points' THEN g.points = 0 ELSE NOT g.passed END,
                   '', 1, now()
            FROM standards_sheet s CROSS JOIN standards_item i
            -- Each sheet has a quality q (0..1, most near the middle, few at the top) and each item some
            -- noise, so totals spread over the 0.5 steps of the card instead of piling up at a few values.
            CROSS JOIN LATERAL (SELECT ((s.id * 7919) %% 1009 + (s.id * 104729) %% 997) / 2006.0 AS q,
                ((s.id * 31 + i.id * 17) %% 101) / 100.0 AS noise) h
            CROSS JOIN LATERAL (SELECT
                GREATEST(0, LEAST(i.max_points,
                    FLOOR(i.max_points * 2 * (0.55 + 0.45 * h.q + 0.3 * (h.noise - 0.5)) + 0.5) / 2)) AS points,
                (s.id * 31 + i.id * 17) %% 97 <> 0 AS passed) g
            WHERE s.assessment_id = %s AND i.version_id = %s""", [rater.pk, assessment.pk, version.pk])
        cursor.execute("SET session_replication_role = origin")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute("CREATE INDEX itemscore_sheet_rater_sums ON standards_itemscore (sheet_id, rater_id) "
                       "INCLUDE (item_id, value, failed)")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE standards_itemscore")
        cursor.execute("VACUUM ANALYZE standards_sheet")
        cursor.execute("ANALYZE orgs_organization")
    return assessment, version


def baseline_sql(assessment: Assessment) -> str:
    veto_ids = ", ".join(str(pk) for pk in Item.objects.filter(version_id=assessment.version_id, veto=True)
                         .values_list("pk", flat=True))
    return f"""
        SELECT s.id, ROUND(COALESCE(t.total, 0), 2) AS total, COALESCE(t.vetoed, 0) AS vetoed,
               RANK() OVER (PARTITION BY s.parent_id ORDER BY COALESCE(t.vetoed, 0), COALESCE(t.total, 0) DESC)
                   AS rank_parent,
               RANK() OVER (ORDER BY COALESCE(t.vetoed, 0), COALESCE(t.total, 0) DESC) AS rank_all
        FROM standards_sheet s
        LEFT JOIN (SELECT sc.sheet_id, SUM(sc.value) AS total,
                          MAX(CASE WHEN sc.failed AND sc.item_id IN ({veto_ids}) THEN 1 ELSE 0 END) AS vetoed
                   FROM standards_itemscore sc GROUP BY sc.sheet_id) t ON t.sheet_id = s.id
        WHERE s.assessment_id = {assessment.pk}"""


def run_baseline(assessment: Assessment) -> float:
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        session_settings(cursor)
        cursor.execute(f"""
            UPDATE standards_sheet SET total = b.total, vetoed = (b.vetoed > 0), rank_parent = b.rank_parent,
                   rank_all = b.rank_all
            FROM ({baseline_sql(assessment)}) b WHERE standards_sheet.id = b.id""")
    return time.perf_counter() - started


def run_baseline_select(assessment: Assessment) -> float:
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        session_settings(cursor)
        cursor.execute(f"SELECT COUNT(*), SUM(b.rank_all), SUM(b.rank_parent) FROM ({baseline_sql(assessment)}) b")
        cursor.fetchone()
    return time.perf_counter() - started


def clear_results(assessment: Assessment) -> None:
    """Empties the result columns (untimed), so that the next computation writes every row."""
    with connection.cursor() as cursor:
        cursor.execute("""
            UPDATE standards_sheet SET total = NULL, vetoed = false, tier = '', tier_level = 0, rank_parent = NULL,
                   rank_class = NULL, rank_all = NULL, lagging = false, consequence = ''
            WHERE assessment_id = %s""", [assessment.pk])
        cursor.execute("VACUUM ANALYZE standards_sheet")


def run_engine(assessment: Assessment) -> tuple[float, int]:
    started = time.perf_counter()
    result = services.compute_results(user=None, assessment=assessment)
    return time.perf_counter() - started, result["changed"]


def differences(assessment: Assessment) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"""
            SELECT COUNT(*) FROM ({baseline_sql(assessment)}) b JOIN standards_sheet s ON s.id = b.id
            WHERE s.total <> b.total OR s.vetoed <> (b.vetoed > 0) OR s.rank_parent <> b.rank_parent
               OR s.rank_all <> b.rank_all""")
        return cursor.fetchone()[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--keep", action="store_true",
                        help="reuse the data a previous run left in the database (a server of one's own)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("run on PostgreSQL: scripts/with-postgres.sh .venv/bin/python bench/bench_standards.py")
    load_before = os.getloadavg()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    kept = Assessment.objects.filter(name="基准年度考评").first() if args.keep else None
    assessment, version = (kept, kept.version) if kept else generate(args.orgs)
    generated = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM standards_itemscore")
        scores = cursor.fetchone()[0]
    sheets = assessment.sheets.count()
    print(f"generated {sheets:,} sheets, {scores:,} item scores in {generated:.1f} s", flush=True)
    engine, recompute, baseline, select = [], [], [], []
    for run in range(args.runs):
        clear_results(assessment)
        seconds, changed = run_engine(assessment)
        assert changed == sheets, changed
        engine.append(seconds)
        baseline.append(run_baseline(assessment))
        select.append(run_baseline_select(assessment))
        seconds, changed = run_engine(assessment)
        assert changed == 0, changed  # the baseline wrote the same totals and ranks
        recompute.append(seconds)
        print(f"run {run + 1}: compute_results {engine[-1]:.2f} s, baseline {baseline[-1]:.2f} s, "
              f"baseline without writing {select[-1]:.2f} s, recomputation {recompute[-1]:.2f} s", flush=True)
    mismatches = differences(assessment)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FILTER (WHERE vetoed), COUNT(*) FILTER (WHERE tier = 'qualified'), "
                       "COUNT(*) FILTER (WHERE consequence = 'commended'), MIN(total), MAX(total), "
                       "COUNT(DISTINCT total), COUNT(*) FILTER (WHERE rank_all = 1) "
                       "FROM standards_sheet WHERE assessment_id = %s", [assessment.pk])
        vetoed, qualified, commended, low, high, distinct, first = cursor.fetchone()
        cursor.execute("SELECT version()")
        pg_version = cursor.fetchone()[0].split(" on ")[0]
    engine_median, baseline_median = statistics.median(engine), statistics.median(baseline)
    select_median = statistics.median(select)
    ratio = engine_median / baseline_median
    verdict = "met" if engine_median < 20 and ratio <= 3 else "missed"
    load_after = os.getloadavg()

    def runs(values):
        return ", ".join(f"{t:.2f}" for t in values)

    text = f"""## Standards engine (bench/bench_standards.py)

2026-11-22 · 2 cores, Python {platform.python_version()}, {pg_version} (scripts/with-postgres.sh: fsync off,
default shared_buffers; the engine's session settings — work_mem 256MB, hash aggregation off — apply to the
baseline too) · load average {load_before[0]:.1f} {load_before[1]:.1f} {load_before[2]:.1f} at the start,
{load_after[0]:.1f} at the end (the machine is shared)

Command: `PGPORT_THROWAWAY=55486 bash scripts/with-postgres.sh .venv/bin/python bench/bench_standards.py --write`

{sheets:,} branch sheets under {sheets // VILLAGES_PER_TOWNSHIP:,} townships × {POINT_ITEMS + VETO_ITEMS + CHECK_ITEMS} items
= {scores:,} item scores (one rater group), generated with INSERT ... SELECT generate_series in {generated:.0f} s.
Results: {vetoed:,} vetoed, {qualified:,} 达标 (no 先进: nobody held the 达标 title before), totals {low}–{high}
in {distinct} distinct values, {first} sheet(s) ranked first, {commended} commended (top 10).

| measurement | runs (s) | median (s) |
| --- | --- | ---: |
| `compute_results` from empty results (totals, vetoes, tiers incl. the 逐步升创 title lookup, 3 ranks, lagging, consequences; CREATE TEMP TABLE AS SELECT, then UPDATE ... FROM it; every row written) | {runs(engine)} | {engine_median:.2f} |
| baseline: one hand-written UPDATE ... FROM computing totals, vetoes, rank in parent and overall (every row written) | {runs(baseline)} | {baseline_median:.2f} |
| for reference: the baseline's SELECT alone, nothing written | {runs(select)} | {select_median:.2f} |
| `compute_results` again with nothing changed (no row written) | {runs(recompute)} | {statistics.median(recompute):.2f} |

Ratio engine / baseline: **{ratio:.2f}×** (engine / the baseline's SELECT alone: {engine_median / select_median:.2f}×);
rows where the engine's totals or ranks differ from the baseline's: {mismatches}.
Target (< 20 s and within 3× of the baseline): **{verdict}**.
"""
    print(text)
    if args.write:
        write_section(text)


def write_section(text: str) -> None:
    """Replaces this bench's section of bench/RESULTS.md (up to the next section), or appends it."""
    path = ROOT / "bench" / "RESULTS.md"
    content = path.read_text(encoding="utf-8")
    heading = "## Standards engine"
    start = content.find(heading)
    if start < 0:
        path.write_text(content.rstrip("\n") + "\n\n" + text, encoding="utf-8")
        return
    end = content.find("\n## ", start + len(heading))
    rest = content[end + 1:] if end >= 0 else ""
    path.write_text(content[:start] + text + ("\n" + rest if rest else ""), encoding="utf-8")


if __name__ == "__main__":
    main()

"""Score workbook import benchmark on PostgreSQL: a county's year of scores (171 subjects × 50 items = 8,550
scores) and a big one (20,000 × 50 = 1,000,000), each read back from the xlsx a rater would upload.

    PGPORT_THROWAWAY=55443 bash scripts/with-postgres.sh .venv/bin/python bench/bench_score_workbook.py [--sizes 171,20000]

For each size: branches and their sheets are generated set-based, scores are entered (untimed) so that the
downloaded workbook carries a value in every cell, then removed again. Each run (--runs, alternately):
``engines.standards.workbooks.workbook_apply`` on that workbook — reading every cell, checking it with the engine's
``score_value``, the scope, the header and the meta sheet, and writing every score through
``services.scores_bulk_set`` — against a plain bulk insert of the same scores in the same run (COPY of the
already-checked rows into the score table, nothing read, nothing checked) and Django's bulk_create of them. The scores are removed before each
timed run so that both insert every row. Medians are reported.
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
from django.utils import timezone  # noqa: E402

from engines.standards import services, workbooks  # noqa: E402
from engines.standards.models import Assessment, ItemScore, RaterGroup, StandardVersion  # noqa: E402
from kernel.orgs.services import org_create  # noqa: E402

VILLAGES_PER_TOWNSHIP = 500
TARGETS = {171: 5.0, 20_000: 60.0}


def document(code: str) -> dict:
    """50 items: 45 of points (halves), 2 registers checked by hand (pass/fail), 3 vetoes."""
    points = [{"code": f"P{n:02d}", "title": f"工作{n}", "kind": "points", "max": 2 if n < 40 else 3,
               "half_points": True} for n in range(45)]
    checks = [{"code": f"C{n}", "title": f"台账{n}", "kind": "pass_fail", "max": 2.5} for n in range(2)]
    vetoes = [{"code": f"V{n}", "title": f"否决{n}", "kind": "pass_fail", "max": 0, "veto": True} for n in range(3)]
    return {
        "code": code, "name": "基准“五个好”", "subject": "organization", "period": "year",
        "applies_to": {"org_types": ["branch"]},
        "raters": [{"code": "inspectors", "name": "考核组", "weight": 1}],
        "sections": [{"code": "A", "title": "工作", "items": points}, {"code": "B", "title": "台账", "items": checks},
                     {"code": "V", "title": "否决", "items": vetoes}],
        "tiers": [{"code": "qualified", "name": "达标", "level": 1, "min_total": 80}],
    }


def generate(size: int) -> tuple[Assessment, RaterGroup]:
    county = org_create(user=None, parent=None, code=f"WB{size}", name=f"基准县委{size}", org_type="committee")
    townships = -(-size // VILLAGES_PER_TOWNSHIP)
    common = "'', '', NULL, 'active', NULL, NULL, 0, 0, 0, 0, 1, now(), now()"
    columns = ("code, name, org_type, domain, parent_id, path, depth, name_search, name_initials, short_name, place, "
               "founded_on, status, ended_on, merged_into_id, last_child_segment, child_count, member_count, "
               "subtree_member_count, subtree_org_count, created_at, updated_at")
    with connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO orgs_organization ({columns})
            SELECT %s || 'T' || t, '第' || t || '镇党委', 'party_committee', 'rural', %s,
                   %s || lpad(t::text, 5, '0'), 2, '第' || t || '镇党委', 'd', {common}
            FROM generate_series(1, %s) t""", [county.code, county.pk, county.path, townships])
        cursor.execute(f"""
            INSERT INTO orgs_organization ({columns})
            SELECT t.code || 'V' || v, t.name || '第' || v || '村党支部', 'branch', 'rural', t.id,
                   t.path || lpad(v::text, 5, '0'), 3, '村' || v, 'c', {common}
            FROM (SELECT id, code, name, path, row_number() OVER (ORDER BY path) AS n FROM orgs_organization
                  WHERE parent_id = %s) t
            CROSS JOIN generate_series(1, %s) v
            WHERE (t.n - 1) * %s + v <= %s""", [county.pk, VILLAGES_PER_TOWNSHIP, VILLAGES_PER_TOWNSHIP, size])
    version = services.standard_save(user=None, document=document(f"bench-workbook-{size}"), owner=county)
    assessment = Assessment.objects.create(
        version=version, name=f"基准评分表{size}", owner=county, owner_path=county.path, period_kind="year",
        period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2025, 12, 31), period_label="2025")
    StandardVersion.objects.filter(pk=version.pk).update(frozen=True)
    with connection.cursor() as cursor:
        cursor.execute("""
            INSERT INTO standards_sheet (assessment_id, organization_id, org_path, parent_id, class_key,
                declared_tier, vetoed, tier, tier_level, lagging, consequence, created_at, updated_at)
            SELECT %s, id, path, parent_id, domain, '', false, '', 0, false, '', now(), now()
            FROM orgs_organization WHERE org_type = 'branch' AND path LIKE %s""", [assessment.pk, county.path + "%"])
        cursor.execute("ANALYZE")
    return assessment, RaterGroup.objects.get(version=version)


def enter_scores(assessment: Assessment, rater: RaterGroup) -> None:
    """Every cell scored (a mix of halves, passes and failures), straight in SQL: only to download a full workbook."""
    with connection.cursor() as cursor:
        cursor.execute("""
            INSERT INTO standards_itemscore (sheet_id, item_id, rater_id, points, passed, count, value, failed,
                note, revision, entered_at, override_reason)
            SELECT s.id, i.id, %s, g.points, g.passed, NULL,
                   COALESCE(g.points, CASE WHEN g.passed THEN i.max_points ELSE 0 END),
                   COALESCE(g.points = 0, NOT g.passed), '', 1, now(), ''
            FROM standards_sheet s CROSS JOIN standards_item i
            CROSS JOIN LATERAL (SELECT
                CASE WHEN i.kind = 'points' THEN ((s.id * 31 + i.id * 17) %% (i.max_points * 2 + 1)::int) / 2.0 END
                    AS points,
                CASE WHEN i.kind = 'pass_fail' THEN (s.id + i.id) %% 13 <> 0 END AS passed) g
            WHERE s.assessment_id = %s AND i.version_id = %s""", [rater.pk, assessment.pk, assessment.version_id])


def clear(assessment: Assessment) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM standards_itemscore WHERE sheet_id IN "
                       "(SELECT id FROM standards_sheet WHERE assessment_id = %s)", [assessment.pk])
        cursor.execute("VACUUM ANALYZE standards_itemscore")


def run_import(assessment, rater, data: bytes) -> tuple[float, int]:
    started = time.perf_counter()
    plan = workbooks.workbook_apply(user=None, assessment=assessment, rater=rater, data=data)
    seconds = time.perf_counter() - started
    assert plan.ok, [e.text() for e in plan.errors[:5]]
    return seconds, len(plan.rows)


def run_plain_insert(rater, rows: list) -> float:
    """The same scores, already checked, copied into the table in one COPY: the floor of any import."""
    now = timezone.now()
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.cursor.copy(
                "COPY standards_itemscore (sheet_id, item_id, rater_id, points, passed, count, value, failed, note, "
                "revision, entered_at, override_reason) FROM STDIN") as copy:
            for sheet_id, item_id, points, passed, count, value, failed in rows:
                copy.write_row((sheet_id, item_id, rater.pk, points, passed, count, value, failed, "", 1, now, ""))
    return time.perf_counter() - started


def run_bulk_create(rater, rows: list) -> float:
    """The same scores through Django's bulk_create (batches of 5,000): the plain ORM insert."""
    now = timezone.now()
    started = time.perf_counter()
    with transaction.atomic():
        ItemScore.objects.bulk_create(
            [ItemScore(sheet_id=sheet_id, item_id=item_id, rater_id=rater.pk, points=points, passed=passed,
                       count=count, value=value, failed=failed, entered_at=now)
             for sheet_id, item_id, points, passed, count, value, failed in rows], batch_size=5000)
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="171,20000", help="subjects per workbook, comma-separated")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("run on PostgreSQL: scripts/with-postgres.sh .venv/bin/python bench/bench_score_workbook.py")
    call_command("migrate", verbosity=0)
    load_before = os.getloadavg()
    lines = []
    for size in (int(n) for n in args.sizes.split(",")):
        assessment, rater = generate(size)
        enter_scores(assessment, rater)
        started = time.perf_counter()
        data = workbooks.build_workbook(user=None, assessment=assessment, rater=rater)
        built = time.perf_counter() - started
        rows = list(ItemScore.objects.filter(sheet__assessment=assessment).values_list(
            "sheet_id", "item_id", "points", "passed", "count", "value", "failed"))
        print(f"{size:,} subjects: workbook of {len(rows):,} scores, {len(data) / 1e3:,.0f} kB, built in "
              f"{built:.1f} s", flush=True)
        imports, plain, orm = [], [], []
        for run in range(args.runs):
            clear(assessment)
            seconds, written = run_import(assessment, rater, data)
            assert written == len(rows), written
            imports.append(seconds)
            clear(assessment)
            plain.append(run_plain_insert(rater, rows))
            clear(assessment)
            orm.append(run_bulk_create(rater, rows))
            print(f"  run {run + 1}: workbook import {imports[-1]:.2f} s, plain COPY {plain[-1]:.2f} s, "
                  f"bulk_create {orm[-1]:.2f} s", flush=True)
        lines.append((size, len(rows), len(data), built, imports, plain, orm))
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        pg_version = cursor.fetchone()[0].split(" on ")[0]
    load_after = os.getloadavg()
    print_section(lines, pg_version, load_before, load_after)


def print_section(lines, pg_version, load_before, load_after) -> None:
    def runs(values):
        return ", ".join(f"{t:.2f}" for t in values)

    rows = []
    for size, scores, size_bytes, built, imports, plain, orm in lines:
        median, floor, django_floor = statistics.median(imports), statistics.median(plain), statistics.median(orm)
        rows.append(f"| {size:,} × 50 = {scores:,} scores ({size_bytes / 1e3:,.0f} kB xlsx, built in {built:.1f} s) "
                    f"| {runs(imports)} | {median:.2f} | {runs(plain)} | {floor:.2f} | {median / floor:.1f}× "
                    f"| {runs(orm)} | {django_floor:.2f} | {median / django_floor:.1f}× | < {TARGETS.get(size, 0):g} s |")
    print(f"""
Python {platform.python_version()}, {pg_version} · load average {load_before[0]:.1f} {load_before[1]:.1f}
{load_before[2]:.1f} at the start, {load_after[0]:.1f} at the end

| workbook | import runs (s) | median (s) | COPY runs (s) | median (s) | import / COPY | bulk_create runs (s) | median (s) | import / bulk_create | target |
| --- | --- | ---: | --- | ---: | ---: | --- | ---: | ---: | --- |
""" + "\n".join(rows))


if __name__ == "__main__":
    main()

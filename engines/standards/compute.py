"""An assessment's results, computed set-based in SQL for every sheet at once.

One ``CREATE TEMP TABLE ... AS SELECT`` computes each sheet's total, veto, tier, the three ranks,
lagging and consequence: the scores are summed per sheet, the tier is a CASE over the version's
tiers (best first), and the ranks are RANK() window functions. One ``UPDATE ... FROM`` that table
then writes the rows whose results changed, so a recomputation after a few new scores writes few
rows. Computing apart from writing lets PostgreSQL run the reading in parallel, which it never
does for a data-modifying statement. It runs on SQLite (3.33+) and PostgreSQL alike.

The version's few values (item ids, rater weights, tier codes, the period's dates) are
written into the statement as literals: they come from the database, keeping them out of
joins lets the database aggregate the score table in one pass, and the one statement
needs no parameters whose order follows its nesting.
"""
import datetime
import re
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Max, Min

from .models import Assessment, Item, ItemKind, RaterGroup, Sheet, Standard, SubjectKind, Tier, TitleAward

RESULTS_TABLE = "standards_computed_results"
VETO_OFFSET = 10 ** 12  # above any total in hundredths (a total has at most 7 digits before the point)
RESULT_COLUMNS = ("total", "vetoed", "tier", "tier_level", "rank_parent", "rank_class", "rank_all", "lagging",
                  "consequence")


def _ids(values) -> str:
    return ", ".join(str(int(v)) for v in values)


def _number(value: Decimal) -> str:
    """A decimal literal; the point keeps SQLite from dividing integers."""
    text = format(Decimal(value).normalize(), "f")
    return text if "." in text else text + ".0"


def _text(value) -> str:
    """A string literal (standard SQL quoting, as both databases read it)."""
    return "'" + str(value).replace("'", "''") + "'"


def _weighted_groups(version_id) -> list[tuple[int, Decimal]]:
    return [(pk, weight) for pk, weight in
            RaterGroup.objects.filter(version_id=version_id, weight__gt=0).values_list("pk", "weight")]


def _aggregate_sql(assessment: Assessment, groups) -> str:
    """Per sheet: the weighted sum of values, whether a veto struck, and the pass/fail tallies."""
    version_id = assessment.version_id
    veto_items = list(Item.objects.filter(version_id=version_id, veto=True).values_list("pk", flat=True))
    pass_fail_items = []
    if Tier.objects.filter(version_id=version_id, all_pass=True).exists():  # tallied only when a tier asks
        pass_fail_items = list(Item.objects.filter(version_id=version_id, kind=ItemKind.PASS_FAIL)
                               .values_list("pk", flat=True))
    weights = {weight for _pk, weight in groups}
    if len(weights) == 1:
        weighted = f"SUM(sc.value) * {_number(weights.pop())}"
    else:
        cases = " ".join(f"WHEN {pk} THEN {_number(weight)}" for pk, weight in groups)
        weighted = f"SUM(sc.value * CASE sc.rater_id {cases} ELSE 0 END)"
    veto = (f"MAX(CASE WHEN sc.failed AND sc.item_id IN ({_ids(veto_items)}) THEN 1 ELSE 0 END)"
            if veto_items else "0")
    if pass_fail_items:
        pf = f"sc.item_id IN ({_ids(pass_fail_items)})"
        pf_failed = f"MAX(CASE WHEN sc.failed AND {pf} THEN 1 ELSE 0 END)"
        pf_passed = f"COUNT(DISTINCT CASE WHEN {pf} AND NOT sc.failed THEN sc.item_id END)"
    else:
        pf_failed, pf_passed = "0", "0"
    # The assessment's sheets were created together, so their ids form one range: reading the scores by that
    # range (the covering index of sheet and rater) needs no join; the rare sheet of another assessment
    # inside the range is summed too and then left out by the join on the assessment's sheets.
    first, last = Sheet.objects.filter(assessment=assessment).aggregate(first=Min("pk"), last=Max("pk")).values()
    return f"""
        SELECT sc.sheet_id, {weighted} AS weighted, {veto} AS veto_hits,
               {pf_failed} AS pf_failed, {pf_passed} AS pf_passed
        FROM standards_itemscore sc
        WHERE sc.sheet_id BETWEEN {int(first or 0)} AND {int(last or 0)}
          AND sc.rater_id IN ({_ids(pk for pk, _w in groups)})
        GROUP BY sc.sheet_id"""


def _required_level(version_id, tier: Tier) -> tuple[int, int] | None:
    """(standard id, minimum tier level) of the title ``tier.requires_tier`` names."""
    code = tier.requires_tier
    if ":" in code:
        standard_code, tier_code = code.split(":", 1)
        standard = Standard.objects.filter(code=standard_code).first()
        if standard is None or standard.current_version_id is None:
            return None
        level = Tier.objects.filter(version_id=standard.current_version_id, code=tier_code).values_list(
            "level", flat=True).first()
        return (standard.pk, level) if level is not None else None
    level = Tier.objects.filter(version_id=version_id, code=code).values_list("level", flat=True).first()
    standard_id = Standard.objects.filter(versions__id=version_id).values_list("pk", flat=True).first()
    return (standard_id, level) if level is not None else None


LABEL = re.compile(r"\s*(\d{4})(?:-(?:([QH])(\d)|(\d{2})))?")


def label_end(label: str) -> datetime.date | None:
    """The last day of the period a label names ("2025", "2025-Q3", "2025-H1", "2025-07"), if it names one."""
    match = LABEL.match(label or "")
    if match is None:
        return None
    year, half_or_quarter, number, month = match.groups()
    last_month = {"Q": 3, "H": 6}.get(half_or_quarter, 0) * int(number or 0) or int(month or 12)
    if not 1 <= last_month <= 12:
        return None
    following = datetime.date(int(year) + last_month // 12, last_month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def _title_held_sql(assessment: Assessment, standard_id: int, level: int, subject: str) -> str:
    """A title of the standard at ``level`` or better FOR a period that ended before this one started (named
    from an earlier assessment, even if granted after this period began; or granted by hand for such a
    period label), and not removed before this period ended (逐步升创)."""
    start, end = _text(assessment.period_start.isoformat()), _text(assessment.period_end.isoformat())
    ended, unnamed = [], []
    labels = (TitleAward.objects.filter(standard_id=standard_id, sheet__isnull=True)
              .values_list("period_label", flat=True).distinct())
    for label in labels:
        label_last_day = label_end(label)
        if label_last_day is None:
            unnamed.append(label)
        elif label_last_day < assessment.period_start:
            ended.append(label)
    by_hand = ["1 = 0"]
    if ended:
        by_hand.append(f"t.period_label IN ({', '.join(_text(label) for label in ended)})")
    if unnamed:
        by_hand.append(f"(t.period_label IN ({', '.join(_text(label) for label in unnamed)}) "
                       f"AND t.granted_on <= {end})")
    return f"""EXISTS (SELECT 1 FROM standards_titleaward t
                LEFT JOIN standards_sheet ts ON ts.id = t.sheet_id
                LEFT JOIN standards_assessment ta ON ta.id = ts.assessment_id
                WHERE t.{subject} = r.{subject} AND t.standard_id = {int(standard_id)}
                  AND t.tier_level >= {int(level)}
                  AND (t.status = 'active' OR t.revoked_on >= {end})
                  AND (ta.period_end < {start} OR (t.sheet_id IS NULL AND ({' OR '.join(by_hand)}))))"""


def _tier_conditions(assessment: Assessment, tier: Tier, n_pass_fail: int) -> str | None:
    conditions = []
    if tier.min_total is not None:
        conditions.append(f"r.total >= {_number(tier.min_total)}")
    if tier.no_veto:
        conditions.append("r.veto_hits = 0")
    if tier.all_pass:
        conditions.append(f"r.pf_failed = 0 AND r.pf_passed = {n_pass_fail}")
    if tier.requires_tier:
        required = _required_level(assessment.version_id, tier)
        if required is None:
            return None
        subject = ("organization_id" if assessment.version.standard.subject_kind == SubjectKind.ORGANIZATION
                   else "person_id")
        conditions.append(_title_held_sql(assessment, required[0], required[1], subject))
    return " AND ".join(conditions) or "1 = 1"


def _tier_sql(assessment: Assessment) -> tuple[str, str]:
    """CASE expressions giving the tier level and code: the best tier whose conditions hold."""
    version_id = assessment.version_id
    n_pass_fail = Item.objects.filter(version_id=version_id, kind=ItemKind.PASS_FAIL).count()
    level_cases, code_cases = [], []
    for tier in Tier.objects.filter(version_id=version_id).order_by("-level"):
        condition = _tier_conditions(assessment, tier, n_pass_fail)
        if condition is not None:
            level_cases.append(f"WHEN {condition} THEN {int(tier.level)}")
            code_cases.append(f"WHEN {int(tier.level)} THEN {_text(tier.code)}")
    level_sql = f"CASE {' '.join(level_cases)} ELSE 0 END" if level_cases else "0"
    code_sql = f"CASE x.tier_level {' '.join(code_cases)} ELSE '' END" if code_cases else "''"
    return level_sql, code_sql


def session_settings(cursor) -> None:
    """Inside the caller's transaction: memory for the ranks' sorts, so 200,000 sheets sort without spilling
    to disk, and the scores summed in sheet order."""
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        cursor.execute("SET LOCAL work_mem = '256MB'")
        # Sum the scores in sheet order from the covering index (workers each take a run of sheets) rather
        # than hashing every sheet in every worker: the planner underrates the former, which is twice as fast.
        cursor.execute("SET LOCAL enable_hashagg = off")


def _results_sql(assessment: Assessment) -> str:
    """One row per sheet with every result column (RESULT_COLUMNS) as it should now be."""
    version = assessment.version
    consequences = version.consequences or {}
    groups = _weighted_groups(version.pk)
    if groups:
        weight_sum = sum((weight for _pk, weight in groups), Decimal("0"))
        aggregate = _aggregate_sql(assessment, groups)
        total = f"ROUND(COALESCE(a.weighted, 0) / {_number(weight_sum)}, 2)"
        scored = f"""
            SELECT s.id, s.organization_id, s.person_id, s.parent_id, s.class_key,
                   {total} AS total, COALESCE(a.veto_hits, 0) AS veto_hits,
                   COALESCE(a.pf_failed, 0) AS pf_failed, COALESCE(a.pf_passed, 0) AS pf_passed
            FROM standards_sheet s LEFT JOIN ({aggregate}) a ON a.sheet_id = s.id
            WHERE s.assessment_id = {int(assessment.pk)}"""
    else:
        scored = f"""
            SELECT s.id, s.organization_id, s.person_id, s.parent_id, s.class_key,
                   0 AS total, 0 AS veto_hits, 0 AS pf_failed, 0 AS pf_passed
            FROM standards_sheet s WHERE s.assessment_id = {int(assessment.pk)}"""
    tier_level, tier_code = _tier_sql(assessment)
    # Ranking order (no veto first, then the higher total) as one integer, which sorts faster than the pair.
    keyed = f"""
        SELECT r.*, CAST(CASE WHEN r.veto_hits > 0 THEN {VETO_OFFSET} ELSE 0 END - ROUND(r.total * 100) AS BIGINT)
                    AS rank_key
        FROM ({scored}) r"""
    ranked = f"""
        SELECT r.id, r.total, r.veto_hits, {tier_level} AS tier_level,
               RANK() OVER (PARTITION BY r.parent_id ORDER BY r.rank_key) AS rank_parent,
               RANK() OVER (PARTITION BY r.class_key ORDER BY r.rank_key) AS rank_class,
               RANK() OVER (ORDER BY r.rank_key) AS rank_all,
               DENSE_RANK() OVER (ORDER BY r.rank_key DESC) AS rank_from_last
        FROM ({keyed}) r"""
    lagging = "0 = 1"
    lagging_tier = consequences.get("lagging_below")
    if lagging_tier:
        level = Tier.objects.filter(version=version, code=lagging_tier).values_list("level", flat=True).first()
        if level is not None:
            lagging = f"x.tier_level < {int(level)}"
    commend_top = int(consequences.get("commend_top") or 0)
    yellow_last = int(consequences.get("yellow_card_last") or 0)
    consequence = (
        f"CASE WHEN x.veto_hits = 0 AND x.rank_all <= {commend_top} THEN 'commended' "
        f"WHEN x.rank_from_last <= {yellow_last} THEN 'yellow_card' ELSE '' END"
    )
    return f"""
        SELECT x.id, x.total, (x.veto_hits > 0) AS vetoed, {tier_code} AS tier, x.tier_level,
               x.rank_parent, x.rank_class, x.rank_all, ({lagging}) AS lagging, {consequence} AS consequence
        FROM ({ranked}) x"""


@transaction.atomic
def compute(assessment: Assessment) -> dict:
    """Fills the result columns of every sheet of ``assessment``; returns {"sheets": n, "changed": m}, m the
    sheets whose results were written because they differ from what they held."""
    assessment = Assessment.objects.select_related("version__standard").get(pk=assessment.pk)
    distinct = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    changed = " OR ".join(f"standards_sheet.{column} {distinct} x.{column}" for column in RESULT_COLUMNS)
    assignments = ", ".join(f"{column} = x.{column}" for column in RESULT_COLUMNS)
    with connection.cursor() as cursor:
        session_settings(cursor)
        cursor.execute(f"DROP TABLE IF EXISTS {RESULTS_TABLE}")
        cursor.execute(f"CREATE TEMP TABLE {RESULTS_TABLE} AS {_results_sql(assessment)}")
        cursor.execute(f"SELECT COUNT(*) FROM {RESULTS_TABLE}")
        sheets = cursor.fetchone()[0]
        cursor.execute(f"""
            UPDATE standards_sheet SET {assignments} FROM {RESULTS_TABLE} x
            WHERE standards_sheet.id = x.id AND ({changed})""")
        written = cursor.rowcount
        cursor.execute(f"DROP TABLE {RESULTS_TABLE}")
    return {"sheets": sheets, "changed": written}

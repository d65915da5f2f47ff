"""Grades proposed from data, set-based: one query per source for the whole subtree, one upsert per batch.

Sources (each configurable in ``GradeScheme.rules``, defaults below):
- the standards engine: the year's latest assessment of ``rules["standard"]`` — a sheet marked lagging
  proposes the lagging grade, the top tier ``advanced``, any other tier ``reached_grade``, none ``default_grade``
  (``tier_grades`` maps tier codes to grade codes explicitly);
- the duties engine: ``missed_meetings`` or more missed obligations of the rule on ``duty_topic``
  ("no branch general meeting for two quarters") propose the lagging grade;
- the register: no current secretary post ("secretary post vacant") proposes the lagging grade, and
  marks 软弱涣散 when listed in ``weak_lax_when``.
Grades set by hand or already confirmed are left alone.

Re-grading (round ``regrade``) looks only at the organizations graded lagging, and only at data since the
initial grades were confirmed (a later assessment, meetings missed since); while an organization's plan is
not closed (验收销号) it stays lagging.
"""
import datetime
import json

from django.db import connection
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from engines.duties.models import Obligation, ObligationState
from engines.standards.models import Assessment, Sheet, Tier
from kernel.core import clock
from kernel.core.tree import subtree_q
from kernel.orgs.models import Organization, OrgStatus
from kernel.people.choices import PostTitle
from kernel.people.models import Post

from .models import Grade, GradeLevel, Plan, Round, Upgrading

DEFAULT_RULES = {
    "org_types": ["branch", "general_branch"],
    "standard": "",
    "tier_grades": {},
    "top_tier_grade": "advanced",
    "reached_grade": "good",
    "default_grade": "average",
    "duty_topic": "branch_general",
    "missed_meetings": 2,
    "secretary_vacant": True,
    "weak_lax_when": ["secretary_vacant"],
}
BATCH = 20000


def rules_of(scheme) -> dict:
    return {**DEFAULT_RULES, **(scheme.rules or {})}


def reason_text(reason: dict) -> str:
    code = reason.get("code")
    if code == "standard_lagging":
        return _("Lagging in %(standard)s") % reason
    if code == "standard_tier":
        return _("%(standard)s: %(tier)s") % reason
    if code == "standard_none":
        return _("%(standard)s: no tier reached") % reason
    if code == "missed_meetings":
        return _("No branch general meeting in %(count)s quarters") % reason
    if code == "secretary_vacant":
        return _("Secretary post vacant")
    if code == "plan_open":
        return _("Rectification not yet accepted")
    if code == "plan_accepted":
        return _("Rectification plan accepted on %(on)s") % reason
    if code == "hand":
        return reason.get("text", "")
    return str(reason)


def _assessment(rules, year, since=None):
    if not rules["standard"]:
        return None
    rows = Assessment.objects.filter(version__standard__code=rules["standard"], period_start__year=year)
    if since:
        rows = rows.filter(period_start__gte=since)
    return (rows
            .select_related("version__standard").order_by("-period_start", "-pk").first())


def _standard_reasons(rules, year, under, lagging_code, since=None) -> dict:
    """{organization_id: (grade code, reason)} from the year's assessment."""
    assessment = _assessment(rules, year, since)
    if assessment is None:
        return {}
    name = assessment.version.standard.name
    tiers = dict(Tier.objects.filter(version_id=assessment.version_id).values_list("code", "name"))
    top = max(Tier.objects.filter(version_id=assessment.version_id).values_list("level", flat=True), default=None)
    out = {}
    sheets = (Sheet.objects.filter(assessment=assessment, organization__isnull=False).filter(subtree_q("org_path", [under]))
              .values_list("organization_id", "tier", "tier_level", "lagging"))
    for org_id, tier, tier_level, lagging in sheets.iterator(chunk_size=BATCH):
        if lagging:
            out[org_id] = (lagging_code, {"code": "standard_lagging", "standard": name})
        elif tier:
            grade = rules["tier_grades"].get(tier) or (
                rules["top_tier_grade"] if tier_level == top else rules["reached_grade"])
            out[org_id] = (grade, {"code": "standard_tier", "standard": name, "tier": tiers.get(tier, tier)})
        else:
            out[org_id] = (rules["default_grade"], {"code": "standard_none", "standard": name})
    return out


def _missed_meetings(rules, year, under, since=None) -> dict:
    if not rules["duty_topic"] or not rules["missed_meetings"]:
        return {}
    rows = Obligation.objects.filter(version__topic=rules["duty_topic"], period_start__year=year,
                                     state=ObligationState.MISSED, organization__isnull=False)
    if since:
        rows = rows.filter(period_start__gte=since)
    rows = (rows
            .filter(subtree_q("org_path", [under])).values("organization_id")
            .annotate(n=Count("pk")).filter(n__gte=rules["missed_meetings"]).values_list("organization_id", "n"))
    return dict(rows)


def _with_secretary(under, on) -> set:
    return set(Post.objects.current(on).filter(title=PostTitle.SECRETARY).filter(subtree_q("org_path", [under]))
               .values_list("organization_id", flat=True).distinct().iterator(chunk_size=BATCH))


def propose(upgrading: Upgrading, *, round: str = Round.INITIAL, on: datetime.date | None = None) -> int:
    """Writes a proposed grade for every graded organization under the owner not set by hand nor confirmed."""
    rules = rules_of(upgrading.scheme)
    on = on or clock.today()
    levels = {level.code: level for level in GradeLevel.objects.filter(scheme=upgrading.scheme)}
    lagging_code = next(code for code, level in sorted(levels.items(), key=lambda kv: kv[1].level) if level.lagging)
    under = upgrading.owner_path
    kept = set(Grade.objects.filter(upgrading=upgrading, round=round).exclude(source=Grade.Source.RULE, confirmed_on=None)
               .values_list("organization_id", flat=True))
    subjects = (Organization.objects.filter(subtree_q("path", [under]), org_type__in=rules["org_types"],
                                            status=OrgStatus.ACTIVE).values_list("pk", "path"))
    since, open_plans, weak_held = None, set(), set()
    if round == Round.REGRADE:
        initial = Grade.objects.filter(upgrading=upgrading, round=Round.INITIAL, level__lagging=True).exclude(
            confirmed_on=None)
        since = initial.aggregate(since=Max("confirmed_on"))["since"]
        subjects = subjects.filter(pk__in=initial.values("organization_id"))
        open_plans = set(Plan.objects.filter(upgrading=upgrading).exclude(case__status="closed")
                         .values_list("organization_id", flat=True))
        open_plans |= set(initial.exclude(organization_id__in=Plan.objects.filter(upgrading=upgrading)
                                          .values("organization_id")).values_list("organization_id", flat=True))
        # Held lagging: a proposal never lifts it, not even by dropping its 软弱涣散 mark (grading/services.py).
        weak_held = set(initial.filter(weak_lax=True).values_list("organization_id", flat=True)) & open_plans
    from_standard = _standard_reasons(rules, upgrading.year, under, lagging_code, since)
    missed = _missed_meetings(rules, upgrading.year, under, since)
    staffed = _with_secretary(under, on) if rules["secretary_vacant"] else None
    weak_when = set(rules["weak_lax_when"])
    rows = []
    for org_id, path in subjects.iterator(chunk_size=BATCH):
        if org_id in kept:
            continue
        grade, reasons = rules["default_grade"], []
        if org_id in from_standard:
            grade, reason = from_standard[org_id]
            reasons.append(reason)
        if org_id in missed:
            grade = lagging_code
            reasons.append({"code": "missed_meetings", "count": missed[org_id]})
        if staffed is not None and org_id not in staffed:
            grade = lagging_code
            reasons.append({"code": "secretary_vacant"})
        if org_id in open_plans:
            grade = lagging_code
            reasons.append({"code": "plan_open"})
        level = levels.get(grade) or levels[rules["default_grade"]]
        weak = level.lagging and (org_id in weak_held or any(reason["code"] in weak_when for reason in reasons))
        rows.append((org_id, path, level.pk, weak, reasons))
    for start in range(0, len(rows), BATCH):
        _upsert(upgrading, round, rows[start:start + BATCH])
    return len(rows)


UPSERT_SQL = """
    INSERT INTO grading_grade (created_at, updated_at, upgrading_id, organization_id, org_path, year, round,
                               level_id, weak_lax, source, reasons)
    SELECT now(), now(), %s, o.id, o.path, %s, %s, r.level_id, r.weak_lax, 'rule', (%s::jsonb[])[r.reasons]
    FROM unnest(%s::bigint[], %s::bigint[], %s::boolean[], %s::int[]) AS r(organization_id, level_id, weak_lax, reasons)
    JOIN orgs_organization o ON o.id = r.organization_id
    ON CONFLICT (upgrading_id, organization_id, round) DO UPDATE SET level_id = EXCLUDED.level_id,
        weak_lax = EXCLUDED.weak_lax, source = EXCLUDED.source, reasons = EXCLUDED.reasons,
        updated_at = EXCLUDED.updated_at"""


def _upsert(upgrading, round, rows: list) -> None:
    """One statement per batch: on PostgreSQL the columns go as arrays (five parameters, whatever the size)."""
    if connection.vendor == "postgresql":
        # Few distinct lists of reasons: sent once each and referred to by number, not 20,000 JSON strings.
        patterns: dict[str, int] = {}
        numbers = [patterns.setdefault(json.dumps(reasons, ensure_ascii=False), len(patterns) + 1)
                   for *_rest, reasons in rows]
        ids, _paths, level_ids, weak, _reasons = zip(*rows)
        with connection.cursor() as cursor:
            cursor.execute(UPSERT_SQL, [upgrading.pk, upgrading.year, round, list(patterns), list(ids),
                                        list(level_ids), list(weak), numbers])
        return
    now = timezone.now()
    Grade.objects.bulk_create(
        [Grade(upgrading=upgrading, organization_id=org_id, org_path=path, year=upgrading.year, round=round,
               level_id=level_id, weak_lax=weak, source=Grade.Source.RULE, reasons=reasons, created_at=now,
               updated_at=now) for org_id, path, level_id, weak, reasons in rows],
        update_conflicts=True, unique_fields=["upgrading", "organization", "round"],
        update_fields=["level", "weak_lax", "source", "reasons", "updated_at"])

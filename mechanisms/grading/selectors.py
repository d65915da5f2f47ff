"""Reads of grading: grades with their counts, teams and loads, and the county's timetable board.

Every query goes through ``restrict(user, …)``.
"""
import datetime

from django.db.models import Count, Max, Q
from django.utils.translation import gettext

from kernel.core import clock
from kernel.core.tree import subtree_q

from .models import Grade, GradeLevel, Measure, Plan, Round, SupportTeam, Upgrading, Visit


def upgradings(user):
    return Upgrading.objects.restrict(user).select_related("owner", "scheme")


def grades(user, upgrading, *, round=Round.INITIAL, level=None, confirmed=None, under=None):
    rows = (Grade.objects.restrict(user).filter(upgrading=upgrading, round=round)
            .select_related("organization", "level", "confirmed_by").order_by("org_path"))
    if level:
        rows = rows.filter(level__code=level)
    if confirmed is not None:
        rows = rows.filter(confirmed_on__isnull=not confirmed)
    if under is not None:
        rows = rows.filter(org_path__startswith=under.path)
    return rows


def grade_counts(user, upgrading, *, round=Round.INITIAL) -> list[dict]:
    """Per grade of the scheme: how many organizations, how many of them still only proposed, how many 软弱涣散."""
    counts = {row["level_id"]: row for row in Grade.objects.restrict(user).filter(upgrading=upgrading, round=round)
              .values("level_id").annotate(n=Count("pk"), open=Count("pk", filter=Q(confirmed_on=None)),
                                           weak=Count("pk", filter=Q(weak_lax=True)))}
    return [{"level": level, "count": counts.get(level.pk, {}).get("n", 0),
             "open": counts.get(level.pk, {}).get("open", 0), "weak": counts.get(level.pk, {}).get("weak", 0)}
            for level in GradeLevel.objects.filter(scheme_id=upgrading.scheme_id)]


def teams(user, upgrading):
    return (SupportTeam.objects.restrict(user).filter(upgrading=upgrading)
            .select_related("organization", "county_leader", "committee_secretary", "cadre").order_by("org_path"))


def loads(user, upgrading) -> dict:
    """{"county_leader": {name: count}, "cadre": {...}, "committee_secretary": {...}}."""
    out = {}
    for field in ("county_leader", "committee_secretary", "cadre"):
        out[field] = dict(teams(user, upgrading).values_list(f"{field}__name").annotate(n=Count("pk"))
                          .order_by(f"{field}__name"))
    return out


def _lagging_grades(user, upgrading):
    return Grade.objects.restrict(user).filter(upgrading=upgrading, round=Round.INITIAL, level__lagging=True).exclude(
        confirmed_on=None)


def board(user, upgrading, *, today: datetime.date | None = None, under=None) -> dict:
    """The timetable: per lagging organization its plan's stage, measures done / overdue, team visits and its
    re-grade; in total how many were lifted (its plan accepted and a confirmed re-grade above the lagging grade
    it had). ``under``: only the organizations under it (one township)."""
    today = today or clock.today()
    lagging = _lagging_grades(user, upgrading)
    if under is not None:
        lagging = lagging.filter(subtree_q("org_path", [under.path]))
    initial = {grade.organization_id: grade for grade in lagging.select_related("organization", "level")}
    regrades = {grade.organization_id: grade for grade in Grade.objects.restrict(user).filter(
        upgrading=upgrading, round=Round.REGRADE, organization_id__in=initial).exclude(confirmed_on=None)
        .select_related("level")}
    plans = {plan.organization_id: plan for plan in Plan.objects.restrict(user).filter(
        upgrading=upgrading, organization_id__in=initial).select_related("case", "case__version").annotate(
        measures_total=Count("measures", distinct=True),
        measures_done=Count("measures", filter=Q(measures__done_on__isnull=False), distinct=True),
        measures_overdue=Count("measures", filter=Q(measures__done_on__isnull=True, measures__deadline__lt=today),
                               distinct=True),
        visit_count=Count("visits", distinct=True), last_visit=Max("visits__on"))}
    team_of = {team.organization_id: team for team in teams(user, upgrading).filter(organization_id__in=initial)}
    stage_defs = _stage_defs(plans.values())
    stage_names = {key: name for key, (name, _order) in stage_defs.items()}
    rows = []
    for org_id, grade in sorted(initial.items(), key=lambda kv: kv[1].org_path):
        plan = plans.get(org_id)
        regrade = regrades.get(org_id)
        closed = bool(plan and plan.case and plan.case.status == "closed")
        # Only the plan's acceptance lifts (grading/services.py): a better re-grade without it is not counted.
        lifted = closed and regrade is not None and regrade.level.level > grade.level.level
        stage = plan.case.stage if plan and plan.case else ""
        rows.append({
            "organization": grade.organization, "grade": grade, "team": team_of.get(org_id), "plan": plan,
            "stage": stage, "stage_name": stage_names.get((plan.case.version_id, stage), stage) if plan and plan.case else "",
            "closed": closed,
            "measures_total": plan.measures_total if plan else 0, "measures_done": plan.measures_done if plan else 0,
            "measures_overdue": plan.measures_overdue if plan else 0, "visits": plan.visit_count if plan else 0,
            "last_visit": plan.last_visit if plan else None, "regrade": regrade, "lifted": lifted,
        })
    lifted = sum(row["lifted"] for row in rows)
    # The stages in the workflow's order (organizations without a plan first), not in the order met in the rows.
    positions = {}
    for row in rows:
        plan = row["plan"]
        if plan and plan.case:
            order = stage_defs.get((plan.case.version_id, row["stage"]), (row["stage"], 10**4))[1]
            positions[row["stage_name"]] = min(order, positions.get(row["stage_name"], order))
    stages = {}
    for row in sorted(rows, key=lambda row: (positions.get(row["stage_name"], -1), row["stage_name"])):
        key = row["stage_name"] or gettext("No plan yet")
        stages[key] = stages.get(key, 0) + 1
    return {
        "rows": rows, "lagging": len(rows), "lifted": lifted, "teams": sum(1 for row in rows if row["team"]),
        "plans": sum(1 for row in rows if row["plan"]), "closed": sum(row["closed"] for row in rows),
        "overdue": sum(row["measures_overdue"] for row in rows), "visits": sum(row["visits"] for row in rows),
        "deadline": upgrading.deadline, "days_left": max((upgrading.deadline - today).days, 0),
        "days_overdue": max((today - upgrading.deadline).days, 0), "stages": stages,
    }


def _stage_defs(plans) -> dict:
    """{(version id, stage code): (name, position in the workflow)} of the plans' workflow versions."""
    from engines.workflows.models import StageDef

    versions = {plan.case.version_id for plan in plans if plan.case}
    return {(version_id, code): (name, order) for version_id, code, name, order in StageDef.objects.filter(
        version_id__in=versions).values_list("version_id", "code", "name", "order")}


def board_chart(board_data: dict) -> dict:
    """ECharts data: organizations per plan stage, and lifted against lagging."""
    return {"stages": list(board_data["stages"].keys()), "counts": list(board_data["stages"].values()),
            "lifted": board_data["lifted"], "lagging": board_data["lagging"]}


def plan_measures(plan, today=None):
    today = today or clock.today()
    rows = list(Measure.objects.filter(plan=plan))
    for measure in rows:
        measure.overdue = measure.done_on is None and measure.deadline < today
    return rows


def plan_visits(plan):
    return Visit.objects.filter(plan=plan)


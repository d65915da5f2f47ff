"""Reads of the first-secretary mechanism. Those taking ``user`` restrict to the user's scope."""
import datetime
from collections import defaultdict
from decimal import ROUND_FLOOR, Decimal

from django.db.models import Count, Max, Q, Sum
from django.utils.translation import gettext as _

from engines.duties import clock
from engines.duties.models import Submission
from engines.standards.models import Assessment, ItemScore, Sheet
from kernel.core.tree import ancestor_paths
from kernel.orgs.models import Organization

from .attendance import month_minimums
from .library import HALF_YEAR_RULE, MONTHLY_STANDARD, WEEKLY_RULE
from .models import CheckIn, Dispatch, EliminationEntry, FirstsecRule, OutcomeLog
from .periods import month_bounds, month_label, months_back, week_start, weeks_between

COUNTING = Q(late=False) | Q(approval=CheckIn.Approval.APPROVED)


def rule_for(organization: Organization) -> FirstsecRule:
    """The settings of the nearest organization at or above ``organization`` that has them, else the defaults."""
    rules = FirstsecRule.objects.filter(org_path__in=ancestor_paths(organization.path))
    found = max(rules, key=lambda rule: len(rule.org_path), default=None)
    return found or FirstsecRule(organization=organization, org_path=organization.path)


def serving_on(dispatch: Dispatch, day: datetime.date) -> bool:
    left = dispatch.left_on if dispatch.status != Dispatch.Status.IN_POST else None
    return dispatch.started_on <= day <= dispatch.ends_on and (left is None or day < left)


# Attendance --------------------------------------------------------------------------------------------------


def attendance_totals(person_ids, start: datetime.date, end: datetime.date) -> dict:
    """{person_id: {"days", "nights", "away", "pending", "refused"}} of the check-ins between the dates. Days in the
    village and nights count only check-ins entered in time or approved."""
    rows = (CheckIn.objects.filter(person_id__in=list(person_ids), day__gte=start, day__lte=end)
            .values("person_id")
            .annotate(days=Count("pk", filter=COUNTING & Q(in_village=True)),
                      nights=Count("pk", filter=COUNTING & Q(in_village=True, night_stayed=True)),
                      away=Count("pk", filter=COUNTING & Q(in_village=False)),
                      pending=Count("pk", filter=Q(approval=CheckIn.Approval.PENDING)),
                      refused=Count("pk", filter=Q(approval=CheckIn.Approval.REFUSED))))
    return {row.pop("person_id"): row for row in rows}


def compliance(totals: dict, rule) -> dict:
    days, nights = totals.get("days", 0), totals.get("nights", 0)
    return {"days": days, "nights": nights, "days_met": days >= rule.min_days, "nights_met": nights >= rule.min_nights,
            "compliant": days >= rule.min_days and nights >= rule.min_nights}


def attendance_points(totals: dict, rule, max_points) -> Decimal:
    """Full points when both minimums are met; otherwise half the points for each minimum in proportion to how
    much of it was reached, rounded down to a half point."""
    max_points = Decimal(max_points)
    days = min(Decimal(totals.get("days", 0)) / max(rule.min_days, 1), Decimal(1))
    nights = min(Decimal(totals.get("nights", 0)) / max(rule.min_nights, 1), Decimal(1))
    points = max_points * (days + nights) / 2
    return ((points * 2).to_integral_value(rounding=ROUND_FLOOR) / 2).quantize(Decimal("0.1"))


def serving_in(dispatches, start: datetime.date, end: datetime.date):
    """The dispatches in post at some time between the dates."""
    return dispatches.filter(started_on__lte=end, ends_on__gte=start).filter(
        Q(status=Dispatch.Status.IN_POST) | Q(left_on__gt=start))


def month_attendance(user, *, year: int, month: int, under=None, rule=None) -> list[dict]:
    """One row per dispatch in the user's scope serving in the month: its totals against the rule."""

    start, end = month_bounds(year, month)
    dispatches = serving_in(dispatches_for(user, under=under), start, end).select_related(
        "person", "village", "township")
    dispatches = list(dispatches)
    totals = attendance_totals([d.person_id for d in dispatches], start, end)
    rows = []
    for dispatch in dispatches:
        chosen = month_minimums(rule or rule_for(dispatch.village), [dispatch], start, end)
        row = compliance(totals.get(dispatch.person_id, {}), chosen)
        row.update(dispatch=dispatch, pending=totals.get(dispatch.person_id, {}).get("pending", 0),
                   min_days=chosen.min_days, min_nights=chosen.min_nights, prorated=chosen.prorated)
        rows.append(row)
    return rows


def month_calendar(dispatch: Dispatch, year: int, month: int) -> list[list[dict | None]]:
    """The month as weeks (Monday first) of days: {"day", "checkin", "serving"}; None outside the month."""

    start, end = month_bounds(year, month)
    checkins = {c.day: c for c in CheckIn.objects.filter(dispatch=dispatch, day__gte=start, day__lte=end)}
    weeks, week = [], [None] * start.weekday()
    day = start
    while day <= end:
        week.append({"day": day, "checkin": checkins.get(day), "serving": serving_on(dispatch, day),
                     "future": day > clock.today()})
        if len(week) == 7:
            weeks.append(week)
            week = []
        day += datetime.timedelta(days=1)
    if week:
        weeks.append(week + [None] * (7 - len(week)))
    return weeks


def pending_checkins(user):
    """Late check-ins awaiting the approval of a township the user may change."""
    from kernel.core.scope import CHANGE, scope_for

    scope = scope_for(user)
    pending = CheckIn.objects.restrict(user).filter(approval=CheckIn.Approval.PENDING).select_related(
        "person", "dispatch__village", "dispatch__township")
    return [c for c in pending.order_by("day")[:500]
            if scope.covers(c.dispatch.township.path if c.dispatch.township else c.org_path, action=CHANGE)]


# Dispatches and rosters --------------------------------------------------------------------------------------


def dispatches_for(user, *, under=None, status: str = "", village_class: str = "", township=None,
                   sending_unit: str = "", person=None, q: str = ""):
    dispatches = Dispatch.objects.restrict(user)
    if under is not None:
        dispatches = dispatches.filter(org_path__startswith=under.path)
    if status:
        dispatches = dispatches.filter(status=status)
    if village_class:
        dispatches = dispatches.filter(village_class=village_class)
    if township is not None:
        dispatches = dispatches.filter(township=township)
    if sending_unit:
        dispatches = dispatches.filter(sending_unit=sending_unit)
    if person is not None:
        dispatches = dispatches.filter(person=person)
    if q:
        dispatches = dispatches.filter(Q(person__name__contains=q) | Q(village__name__contains=q)
                                       | Q(sending_unit__contains=q))
    return dispatches


def roster(user, *, by: str) -> list[dict]:
    """In post and total per sending unit (``by="sending_unit"``) or per township (``by="township"``)."""
    field = "sending_unit" if by == "sending_unit" else "township__name"
    key = "sending_unit" if by == "sending_unit" else "township_id"
    rows = (Dispatch.objects.restrict(user).values(key, field)
            .annotate(total=Count("pk"), in_post=Count("pk", filter=Q(status=Dispatch.Status.IN_POST)),
                      weak_lax=Count("pk", filter=Q(status=Dispatch.Status.IN_POST, village_class="weak_lax")),
                      no_income=Count("pk", filter=Q(status=Dispatch.Status.IN_POST,
                                                     village_class="no_collective_income")),
                      poor=Count("pk", filter=Q(status=Dispatch.Status.IN_POST, village_class="poor")))
            .order_by(field))
    return [{"key": row[key], "name": row[field] or "—", **{k: row[k] for k in
                                                             ("total", "in_post", "weak_lax", "no_income", "poor")}}
            for row in rows]


def roster_totals(user) -> dict:
    counts = Dispatch.objects.restrict(user).aggregate(
        total=Count("pk"), in_post=Count("pk", filter=Q(status=Dispatch.Status.IN_POST)),
        replaced=Count("pk", filter=Q(status=Dispatch.Status.REPLACED)),
        recalled=Count("pk", filter=Q(status=Dispatch.Status.RECALLED)),
        villages=Count("village", distinct=True, filter=Q(status=Dispatch.Status.IN_POST)))
    return counts


# Reports -----------------------------------------------------------------------------------------------------


def reports(dispatch: Dispatch, code: str = WEEKLY_RULE):
    return (Submission.objects.filter(rule__code=code, person_id=dispatch.person_id,
                                      occurred_on__gte=week_start(dispatch.started_on))
            .select_related("obligation").order_by("-occurred_on", "-pk"))


def missing_weeks(dispatch: Dispatch, today: datetime.date | None = None) -> list[datetime.date]:
    """The Mondays of the weeks of the term, up to the last whose report is due (the Monday after), with no
    report that counts."""
    from engines.duties.services import counts

    today = today or clock.today()
    last = min(today - datetime.timedelta(days=8), dispatch.left_on or dispatch.ends_on, dispatch.ends_on)
    if last < dispatch.started_on:
        return []
    reported = {week_start(s.occurred_on) for s in reports(dispatch) if counts(s)}
    return [monday for monday in weeks_between(dispatch.started_on, last) if monday not in reported]


def half_year_reports(dispatch: Dispatch):
    return reports(dispatch, HALF_YEAR_RULE)


# Monthly assessments -----------------------------------------------------------------------------------------


def monthly_assessments(user):
    """The months the user may see: run by an organization in their scope, or with a sheet in it (a township sees
    the county's month for its own secretaries)."""
    visible = (Q(pk__in=Assessment.objects.restrict(user).values("pk"))
               | Q(pk__in=Sheet.objects.restrict(user).values("assessment_id")))
    return (Assessment.objects.filter(version__standard__code=MONTHLY_STANDARD).filter(visible)
            .select_related("owner").order_by("-period_start", "owner_path"))


def ranking(user, assessment: Assessment, *, class_key: str = "") -> list[Sheet]:
    sheets = (Sheet.objects.restrict(user).filter(assessment=assessment).select_related("person", "parent")
              .order_by("class_key", "rank_class", "person__name"))
    if class_key:
        sheets = sheets.filter(class_key=class_key)
    return list(sheets)


def last_ranks(assessment: Assessment) -> dict:
    """{class: the last place's rank} over the whole of the assessment (the county's month), whoever looks: the
    elimination rule counts the last place in the county, so a township seeing its own rows must see the same last
    place, not the last of what it sees. A class with one ranked person has no last place."""
    rows = (Sheet.objects.filter(assessment=assessment, rank_class__isnull=False).values("class_key")
            .annotate(last=Max("rank_class"), ranked=Count("pk")).order_by())
    return {row["class_key"]: row["last"] for row in rows if row["ranked"] > 1}


def satisfaction_by_sheet(sheet_ids, item_code: str) -> dict:
    """{sheet_id: the satisfaction item's value, as the weighted mean of the counted rater groups}."""
    sums, weights = defaultdict(Decimal), defaultdict(Decimal)
    for sheet_id, value, weight in (ItemScore.objects.filter(sheet_id__in=sheet_ids, item__code=item_code,
                                                             rater__weight__gt=0)
                                    .values_list("sheet_id", "value", "rater__weight")):
        sums[sheet_id] += value * weight
        weights[sheet_id] += weight
    return {sheet_id: (sums[sheet_id] / weights[sheet_id]).quantize(Decimal("0.01")) for sheet_id in sums}


def last_in_class(sheets: list[dict]) -> set:
    """The person ids holding the last place of their class (ties included); a class of one has no last place."""
    by_class = defaultdict(list)
    for sheet in sheets:
        if sheet["rank_class"] is not None:
            by_class[sheet["class_key"]].append(sheet)
    last = set()
    for rows in by_class.values():
        if len(rows) < 2:
            continue
        worst = max(row["rank_class"] for row in rows)
        best = min(row["rank_class"] for row in rows)
        if worst == best:
            continue  # everyone tied: nobody is last
        last |= {row["person_id"] for row in rows if row["rank_class"] == worst}
    return last


def elimination_candidates(county, year: int, month: int, rule) -> list[dict]:
    """The people last in their class in each of the rule's months up to (year, month) whose average total or
    average satisfaction over those months lies below the rule's thresholds. No assessment computed for one of
    the months: nobody."""
    months = [month_label(y, m) for y, m in months_back(year, month, rule.elimination_months)]
    assessments = {a.period_label: a for a in Assessment.objects.filter(
        version__standard__code=MONTHLY_STANDARD, owner=county, period_label__in=months, computed_at__isnull=False)}
    if set(assessments) != set(months):
        return []
    sheets_by_month = {label: list(Sheet.objects.filter(assessment=assessments[label]).values(
        "pk", "person_id", "class_key", "rank_class", "total")) for label in months}
    candidates = None
    for label in months:
        last = last_in_class(sheets_by_month[label])
        candidates = last if candidates is None else candidates & last
    if not candidates:
        return []
    rows = [s for label in months for s in sheets_by_month[label] if s["person_id"] in candidates]
    satisfaction = satisfaction_by_sheet([row["pk"] for row in rows], rule.satisfaction_item)
    found = []
    for person_id in sorted(candidates):
        mine = [row for row in rows if row["person_id"] == person_id]
        average_total = (sum((row["total"] or Decimal(0)) for row in mine) / len(mine)).quantize(Decimal("0.01"))
        average_satisfaction = (sum(satisfaction.get(row["pk"], Decimal(0)) for row in mine) / len(mine)).quantize(
            Decimal("0.01"))
        poor_total = rule.elimination_total_below is not None and average_total < rule.elimination_total_below
        poor_response = (rule.elimination_satisfaction_below is not None
                         and average_satisfaction < rule.elimination_satisfaction_below)
        no_threshold = rule.elimination_total_below is None and rule.elimination_satisfaction_below is None
        if not (poor_total or poor_response or no_threshold):
            continue
        reasons = [_("last in class in %(months)s") % {"months": ", ".join(months)}]
        if poor_total:
            reasons.append(_("average total %(total)s below %(limit)s") % {
                "total": average_total, "limit": rule.elimination_total_below})
        if poor_response:
            reasons.append(_("average satisfaction %(value)s below %(limit)s") % {
                "value": average_satisfaction, "limit": rule.elimination_satisfaction_below})
        found.append({"person_id": person_id, "months": months, "average_total": average_total,
                      "average_satisfaction": average_satisfaction, "reason": "; ".join(reasons)[:300]})
    return found


def elimination_list(user, *, pending_only: bool = False):
    entries = (EliminationEntry.objects.restrict(user).select_related("person", "dispatch__village", "county")
               .prefetch_related("decisions"))
    if pending_only:
        entries = entries.filter(decision="")
    return entries


# Outcomes ----------------------------------------------------------------------------------------------------

OUTCOME_FIELDS = ("visits", "problems", "disputes", "funds", "projects")


def _sums(queryset) -> dict:
    sums = queryset.aggregate(**{name: Sum(name) for name in OUTCOME_FIELDS})
    return {name: sums[name] or 0 for name in OUTCOME_FIELDS}


def outcome_totals(user, *, under=None, year: int | None = None) -> dict:
    """{"overall": sums, "by_person": [...], "by_unit": [...]} of the outcome logs in the user's scope."""
    logs = OutcomeLog.objects.restrict(user)
    if under is not None:
        logs = logs.filter(org_path__startswith=under.path)
    if year:
        logs = logs.filter(day__year=year)
    sums = {name: Sum(name) for name in OUTCOME_FIELDS}
    by_person = list(logs.values("dispatch_id", "person__name", "dispatch__village__name", "dispatch__sending_unit")
                     .annotate(**sums).order_by("-visits", "person__name"))
    by_unit = list(logs.values("dispatch__sending_unit").annotate(people=Count("person", distinct=True), **sums)
                   .order_by("dispatch__sending_unit"))
    return {"overall": _sums(logs), "by_person": by_person, "by_unit": by_unit}


def sheets_of(user, person):
    """The person's monthly score sheets, newest first."""
    return (Sheet.objects.restrict(user).filter(person=person, assessment__version__standard__code=MONTHLY_STANDARD)
            .select_related("assessment").order_by("-assessment__period_start"))

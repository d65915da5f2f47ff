"""First secretaries over the API: dispatches (list, filter, detail, create, recall, replace), check-ins (create,
list by secretary and month, approve), weekly reports, monthly results and rankings, the elimination list (and
its decisions), outcome logs and totals. Reads go through ``restrict``; outside the scope: 404.
"""
import datetime
from decimal import Decimal
from typing import Annotated

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from engines.standards.models import Sheet
from kernel.core.api import (
    In,
    NeedsConfirmationOut,
    Page,
    PageParams,
    Ref,
    Year,
    choice,
    get_scoped,
    paginate,
    ref,
    run_service,
    scoped,
)
from kernel.core.scope import CHANGE
from kernel.orgs.models import Organization
from kernel.people.models import Person

from . import selectors, services
from .library import MONTHLY_STANDARD
from .models import CheckIn, Dispatch, EliminationDecision, EliminationEntry, OutcomeLog, VillageClass
from .periods import month_bounds

router = Router(tags=["firstsec"])
MonthNumber = Annotated[int, Field(ge=1, le=12, description="A month, 1 to 12.")]


class FirstsecDispatchOut(Schema):
    id: int
    person: Ref
    village: Ref
    township: Ref | None
    village_class: choice(VillageClass)
    sending_unit: str
    sending_org: Ref | None
    started_on: datetime.date
    ends_on: datetime.date
    status: choice(Dispatch.Status)
    left_on: datetime.date | None
    recall_reason: str
    replaces: int | None


class FirstsecDispatchFilter(Schema):
    status: choice(Dispatch.Status, blank=True) = ""
    village_class: choice(VillageClass, blank=True) = ""
    township: int | None = None
    sending_unit: str = ""
    person: int | None = None
    q: str = ""


class FirstsecDispatchIn(In):
    person: int
    village: int
    village_class: choice(VillageClass)
    sending_unit: str = ""
    sending_org: int | None = None
    started_on: datetime.date
    ends_on: datetime.date


class FirstsecRecallIn(In):
    on: datetime.date
    reason: str


class FirstsecReplaceIn(In):
    person: int
    on: datetime.date
    sending_unit: str = ""
    sending_org: int | None = None
    ends_on: datetime.date | None = None
    reason: str = ""


class FirstsecCheckInIn(In):
    day: datetime.date
    in_village: bool
    night_stayed: bool = False
    away_reason: str = ""
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)
    accuracy: Decimal | None = Field(None, ge=0, le=99999999)


class FirstsecCheckInOut(Schema):
    id: int
    dispatch: int
    person: Ref
    day: datetime.date
    in_village: bool
    away_reason: str
    night_stayed: bool
    latitude: float | None
    longitude: float | None
    accuracy: float | None
    entered_on: datetime.date
    late: bool
    approval: choice(CheckIn.Approval)
    counts: bool


class FirstsecCheckInFilter(Schema):
    dispatch: int | None = None
    person: int | None = None
    year: Year | None = None
    month: MonthNumber | None = None
    approval: choice(CheckIn.Approval, blank=True) = ""


class FirstsecApproveIn(In):
    approve: bool
    note: str = ""


class FirstsecWeeklyIn(In):
    week_start: datetime.date
    title: str
    body: str = ""


class FirstsecReportOut(Schema):
    id: int
    period_label: str | None
    occurred_on: datetime.date
    title: str
    body: str
    submitted_on: datetime.date
    review: str


class FirstsecWeeklyOut(Schema):
    reports: list[FirstsecReportOut]
    missing_weeks: list[datetime.date]


class FirstsecRankingRow(Schema):
    sheet: int
    person: Ref
    village: Ref | None
    village_class: str
    total: float | None
    tier: str
    rank_class: int | None
    rank_all: int | None


class FirstsecRankingOut(Schema):
    assessment: int | None
    month: str
    computed: bool
    rows: list[FirstsecRankingRow]


class FirstsecMonthIn(In):
    county: int
    year: Year
    month: MonthNumber


class FirstsecEliminationOut(Schema):
    id: int
    decided_in: int | None = Field(None, description="The elimination decision in force that decided it.")
    dispatch: int
    person: Ref
    county: Ref
    last_month: str
    months: list[str]
    average_total: float | None
    average_satisfaction: float | None
    reason: str
    decision: choice(EliminationEntry.Decision)
    decided_on: datetime.date | None
    decision_note: str


class FirstsecDecideIn(In):
    decision: choice([(c, c) for c in ("keep", "warn", "recall")])
    note: str = ""
    on: datetime.date | None = None
    confirm: bool = Field(False, description="Without it, the answer is 409 with the preview and nothing is written.")


class FirstsecEntryDecisionIn(In):
    entry: int
    decision: choice([(c, c) for c in ("keep", "warn", "recall")])
    note: str = ""


class FirstsecDecisionIn(In):
    """The county's decision on entries of one month's list (one county's), as one act."""

    county: int
    decisions: list[FirstsecEntryDecisionIn]
    on: datetime.date | None = None
    confirm: bool = Field(False, description="Without it, the answer is 409 with the preview and nothing is written.")


class FirstsecDecisionRow(Schema):
    entry: int
    dispatch: int
    person: Ref
    village: Ref
    note: str
    in_post: bool


class FirstsecDecisionPreviewOut(NeedsConfirmationOut):
    """What deciding would do: how many are kept, warned and recalled, and who."""

    county: Ref
    last_month: str
    count: int
    counts: dict[str, int]
    keep: list[FirstsecDecisionRow]
    warn: list[FirstsecDecisionRow]
    recall: list[FirstsecDecisionRow]


class FirstsecDecisionEntryOut(Schema):
    entry: int
    dispatch: int
    person: Ref
    decision: str
    previous_dispatch_status: str


class FirstsecDecisionOut(Schema):
    id: int
    county: Ref
    last_month: str
    decided_on: datetime.date
    status: choice(EliminationDecision.Status)
    withdraw_reason: str
    counts: dict[str, int]
    entries: list[FirstsecDecisionEntryOut]


class FirstsecWithdrawIn(In):
    reason: str


class FirstsecOutcomeIn(In):
    day: datetime.date
    visits: int = Field(0, ge=0, le=1_000_000)
    problems: int = Field(0, ge=0, le=1_000_000)
    disputes: int = Field(0, ge=0, le=1_000_000)
    funds: Decimal = Field(Decimal(0), ge=0, le=Decimal("999999999999"))
    projects: int = Field(0, ge=0, le=1_000_000)
    note: str = ""


class FirstsecOutcomeOut(Schema):
    id: int
    dispatch: int
    person: Ref
    day: datetime.date
    visits: int
    problems: int
    disputes: int
    funds: float
    projects: int
    note: str


class FirstsecOutcomeSums(Schema):
    visits: int
    problems: int
    disputes: int
    funds: float
    projects: int


class FirstsecOutcomeGroup(FirstsecOutcomeSums):
    name: str


class FirstsecOutcomeTotals(Schema):
    overall: FirstsecOutcomeSums
    by_unit: list[FirstsecOutcomeGroup]
    by_person: list[FirstsecOutcomeGroup]


# --- serializers --------------------------------------------------------------------------------------------


def dispatch_data(d: Dispatch) -> dict:
    return {"id": d.pk, "person": ref(d.person), "village": ref(d.village), "township": ref(d.township),
            "village_class": d.village_class, "sending_unit": d.sending_unit, "sending_org": ref(d.sending_org),
            "started_on": d.started_on, "ends_on": d.ends_on, "status": d.status, "left_on": d.left_on,
            "recall_reason": d.recall_reason, "replaces": d.replaces_id}


def _float(value):
    return None if value is None else float(value)


def checkin_data(c: CheckIn) -> dict:
    return {"id": c.pk, "dispatch": c.dispatch_id, "person": ref(c.person), "day": c.day, "in_village": c.in_village,
            "away_reason": c.away_reason, "night_stayed": c.night_stayed, "latitude": _float(c.latitude),
            "longitude": _float(c.longitude), "accuracy": _float(c.accuracy), "entered_on": c.entered_on,
            "late": c.late, "approval": c.approval, "counts": c.counts}


def report_data(s) -> dict:
    return {"id": s.pk, "period_label": s.obligation.period_label if s.obligation else None,
            "occurred_on": s.occurred_on, "title": s.title, "body": s.body, "submitted_on": s.submitted_on,
            "review": s.review}


def elimination_data(e: EliminationEntry) -> dict:
    return {"id": e.pk, "dispatch": e.dispatch_id, "person": ref(e.person), "county": ref(e.county),
            "last_month": e.last_month, "months": e.months, "average_total": _float(e.average_total),
            "average_satisfaction": _float(e.average_satisfaction), "reason": e.reason, "decision": e.decision,
            "decided_on": e.decided_on, "decision_note": e.decision_note,
            "decided_in": next((d.pk for d in e.decisions.all() if d.status == EliminationDecision.Status.ACTIVE),
                               None)}


def decision_preview_data(preview: dict, message: str = "") -> dict:
    def row(item):
        entry = item["entry"]
        return {"entry": entry.pk, "dispatch": entry.dispatch_id, "person": ref(entry.person),
                "village": ref(entry.dispatch.village), "note": item["note"], "in_post": item["in_post"]}

    return {"message": message, "county": ref(preview["county"]), "last_month": preview["last_month"],
            "count": preview["count"], "counts": preview["counts"],
            **{decision: [row(item) for item in items] for decision, items in preview["rows"].items()}}


def decision_data(act: EliminationDecision, user) -> dict:
    entries = act.entries.restrict(user).select_related("person").order_by("org_path", "pk")
    counts = {decision: 0 for decision in services.DECISIONS}
    rows = []
    for entry in entries:
        decision = entry.decision if act.status == EliminationDecision.Status.ACTIVE else ""
        rows.append({"entry": entry.pk, "dispatch": entry.dispatch_id, "person": ref(entry.person),
                     "decision": decision,
                     "previous_dispatch_status": act.previous[str(entry.pk)]["dispatch"]["status"]})
        if decision:
            counts[decision] += 1
    return {"id": act.pk, "county": ref(act.county), "last_month": act.last_month, "decided_on": act.decided_on,
            "status": act.status, "withdraw_reason": act.withdraw_reason, "counts": counts, "entries": rows}


def outcome_data(o: OutcomeLog) -> dict:
    return {"id": o.pk, "dispatch": o.dispatch_id, "person": ref(o.person), "day": o.day, "visits": o.visits,
            "problems": o.problems, "disputes": o.disputes, "funds": float(o.funds), "projects": o.projects,
            "note": o.note}


def _dispatch(request, pk, action="view") -> Dispatch:
    return get_scoped(Dispatch.objects.select_related("person", "village", "township", "sending_org"), request.auth,
                      action, pk=pk)


def _org(request, pk, action="view") -> Organization | None:
    return None if pk is None else get_scoped(Organization.objects, request.auth, action, pk=pk)


# --- dispatches ---------------------------------------------------------------------------------------------


@router.get("/dispatches", response=Page[FirstsecDispatchOut])
@scoped(Dispatch)
def dispatch_list(request, filters: Query[FirstsecDispatchFilter], page: Query[PageParams]):
    township = _org(request, filters.township) if filters.township else None
    person = get_scoped(Person.objects, request.auth, pk=filters.person) if filters.person else None
    dispatches = selectors.dispatches_for(request.auth, status=filters.status, village_class=filters.village_class,
                                          township=township, sending_unit=filters.sending_unit, person=person,
                                          q=filters.q.strip())
    dispatches = dispatches.select_related("person", "village", "township", "sending_org").order_by("org_path", "pk")
    return paginate(dispatches, page, lambda rows: [dispatch_data(d) for d in rows])


@router.get("/dispatches/{dispatch_id}", response=FirstsecDispatchOut)
@scoped(Dispatch)
def dispatch_detail(request, dispatch_id: int):
    return dispatch_data(_dispatch(request, dispatch_id))


@router.post("/dispatches", response={201: FirstsecDispatchOut})
@scoped(Dispatch)
def dispatch_create(request, payload: FirstsecDispatchIn):
    person = get_scoped(Person.objects, request.auth, pk=payload.person)
    village = _org(request, payload.village, CHANGE)
    dispatch = run_service(request, services.dispatch_create, person=person, village=village,
                           village_class=payload.village_class, sending_unit=payload.sending_unit,
                           sending_org=_org(request, payload.sending_org), started_on=payload.started_on,
                           ends_on=payload.ends_on)
    return Status(201, dispatch_data(_dispatch(request, dispatch.pk)))


@router.post("/dispatches/{dispatch_id}/recall", response=FirstsecDispatchOut)
@scoped(Dispatch)
def dispatch_recall(request, dispatch_id: int, payload: FirstsecRecallIn):
    dispatch = _dispatch(request, dispatch_id)
    run_service(request, services.dispatch_recall, dispatch=dispatch, on=payload.on, reason=payload.reason)
    return dispatch_data(_dispatch(request, dispatch_id))


@router.post("/dispatches/{dispatch_id}/replace", response={201: FirstsecDispatchOut})
@scoped(Dispatch)
def dispatch_replace(request, dispatch_id: int, payload: FirstsecReplaceIn):
    dispatch = _dispatch(request, dispatch_id)
    person = get_scoped(Person.objects, request.auth, pk=payload.person)
    new = run_service(request, services.dispatch_replace, dispatch=dispatch, person=person, on=payload.on,
                      sending_unit=payload.sending_unit, sending_org=_org(request, payload.sending_org),
                      ends_on=payload.ends_on, reason=payload.reason)
    return Status(201, dispatch_data(_dispatch(request, new.pk)))


# --- check-ins ----------------------------------------------------------------------------------------------


@router.get("/checkins", response=Page[FirstsecCheckInOut])
@scoped(CheckIn)
def checkin_list(request, filters: Query[FirstsecCheckInFilter], page: Query[PageParams]):
    checkins = CheckIn.objects.restrict(request.auth).select_related("person")
    if filters.dispatch:
        checkins = checkins.filter(dispatch_id=filters.dispatch)
    if filters.person:
        checkins = checkins.filter(person_id=filters.person)
    if filters.year and filters.month:
        start, end = month_bounds(filters.year, filters.month)
        checkins = checkins.filter(day__gte=start, day__lte=end)
    elif filters.year:
        checkins = checkins.filter(day__year=filters.year)
    if filters.approval:
        checkins = checkins.filter(approval=filters.approval)
    return paginate(checkins.order_by("-day", "pk"), page, lambda rows: [checkin_data(c) for c in rows])


@router.post("/dispatches/{dispatch_id}/checkins", response={201: FirstsecCheckInOut})
@scoped(CheckIn)
def checkin_create(request, dispatch_id: int, payload: FirstsecCheckInIn):
    dispatch = _dispatch(request, dispatch_id)
    checkin = run_service(request, services.checkin_create, dispatch=dispatch, day=payload.day,
                          in_village=payload.in_village, night_stayed=payload.night_stayed,
                          away_reason=payload.away_reason, latitude=payload.latitude, longitude=payload.longitude,
                          accuracy=payload.accuracy)
    return Status(201, checkin_data(checkin))


@router.post("/checkins/{checkin_id}/approve", response=FirstsecCheckInOut)
@scoped(CheckIn)
def checkin_approve(request, checkin_id: int, payload: FirstsecApproveIn):
    checkin = request.scoped.get(pk=checkin_id)
    checkin = run_service(request, services.checkin_approve, checkin=checkin, approve=payload.approve,
                          note=payload.note)
    return checkin_data(checkin)


# --- weekly reports -----------------------------------------------------------------------------------------


@router.get("/dispatches/{dispatch_id}/weekly", response=FirstsecWeeklyOut)
@scoped(Dispatch)
def weekly_list(request, dispatch_id: int):
    dispatch = _dispatch(request, dispatch_id)
    return {"reports": [report_data(s) for s in selectors.reports(dispatch)[:200]],
            "missing_weeks": selectors.missing_weeks(dispatch)}


@router.post("/dispatches/{dispatch_id}/weekly", response={201: FirstsecReportOut})
@scoped(Dispatch)
def weekly_create(request, dispatch_id: int, payload: FirstsecWeeklyIn):
    dispatch = _dispatch(request, dispatch_id)
    submission = run_service(request, services.weekly_report_submit, dispatch=dispatch,
                             week_start=payload.week_start, title=payload.title, body=payload.body)
    return Status(201, report_data(submission))


# --- monthly results ----------------------------------------------------------------------------------------


def _ranking(request, assessment, label: str, class_key: str) -> dict:
    sheets = (Sheet.objects.restrict(request.auth)
              .filter(assessment__version__standard__code=MONTHLY_STANDARD, assessment__period_label=label)
              .select_related("person", "parent").order_by("class_key", "rank_class", "pk"))
    if assessment is not None:
        sheets = sheets.filter(assessment=assessment)
    if class_key:
        sheets = sheets.filter(class_key=class_key)
    return {"assessment": assessment.pk if assessment else None, "month": label,
            "computed": bool(assessment and assessment.computed_at),
            "rows": [{"sheet": s.pk, "person": ref(s.person), "village": ref(s.parent), "village_class": s.class_key,
                      "total": _float(s.total), "tier": s.tier, "rank_class": s.rank_class, "rank_all": s.rank_all}
                     for s in sheets[:2000]]}


@router.get("/rankings", response=FirstsecRankingOut)
@scoped(Sheet)
def ranking(request, year: Year, month: MonthNumber, county: int | None = None,
            village_class: choice(VillageClass, blank=True) = ""):
    label = f"{year:04d}-{month:02d}"
    assessments = selectors.monthly_assessments(request.auth).filter(period_label=label)
    if county:
        assessments = assessments.filter(owner_id=county)
    return _ranking(request, assessments.first(), label, village_class)


@router.post("/rankings", response=FirstsecRankingOut)
@scoped(Sheet)
def ranking_run(request, payload: FirstsecMonthIn):
    county = _org(request, payload.county, CHANGE)
    assessment = run_service(request, services.monthly_assessment, county=county, year=payload.year,
                             month=payload.month)
    run_service(request, services.monthly_results, assessment=assessment)
    assessment.refresh_from_db()
    return _ranking(request, assessment, assessment.period_label, "")


# --- elimination --------------------------------------------------------------------------------------------


@router.get("/elimination", response=Page[FirstsecEliminationOut])
@scoped(EliminationEntry)
def elimination_list(request, page: Query[PageParams], pending: bool = False):
    entries = selectors.elimination_list(request.auth, pending_only=pending).order_by("-last_month", "pk")
    return paginate(entries, page, lambda rows: [elimination_data(e) for e in rows])


@router.post("/elimination/evaluate", response=list[FirstsecEliminationOut])
@scoped(EliminationEntry)
def elimination_evaluate(request, payload: FirstsecMonthIn):
    county = _org(request, payload.county, CHANGE)
    entries = run_service(request, services.elimination_evaluate, county=county, year=payload.year,
                          month=payload.month)
    return [elimination_data(e) for e in entries]


def _decide(request, decisions, on, confirm, county=None):
    try:
        return run_service(request, services.elimination_decide, decisions=decisions, county=county, on=on,
                           confirm=confirm)
    except services.NeedsConfirmation as exc:
        return Status(409, decision_preview_data(exc.details, exc.messages[0]))


@router.post("/elimination/decide", response={200: FirstsecDecisionOut, 409: FirstsecDecisionPreviewOut})
@scoped(EliminationDecision)
def elimination_decision_create(request, payload: FirstsecDecisionIn):
    """Keeps, warns or recalls secretaries of one month's list as one act; without ``confirm: true`` the answer is
    409 with the preview (how many kept, warned and recalled, and who) and nothing is written."""
    county = _org(request, payload.county, CHANGE)
    entries = {entry.pk for entry in EliminationEntry.objects.restrict(request.auth).filter(
        pk__in=[row.entry for row in payload.decisions])}
    if any(row.entry not in entries for row in payload.decisions):
        raise Http404
    act = _decide(request, [row.model_dump() for row in payload.decisions], payload.on, payload.confirm, county)
    return act if isinstance(act, Status) else decision_data(act, request.auth)


@router.post("/elimination/{entry_id}/decide", response={200: FirstsecEliminationOut,
                                                          409: FirstsecDecisionPreviewOut})
@scoped(EliminationEntry)
def elimination_decide(request, entry_id: int, payload: FirstsecDecideIn):
    """One entry's decision, as an act of its own (see ``POST /elimination/decide``)."""
    entry = request.scoped.get(pk=entry_id)
    act = _decide(request, [{"entry": entry.pk, "decision": payload.decision, "note": payload.note}], payload.on,
                  payload.confirm)
    if isinstance(act, Status):
        return act
    return elimination_data(EliminationEntry.objects.select_related("person", "county").get(pk=entry.pk))


def _decision(request, pk, action="view") -> EliminationDecision:
    return get_scoped(EliminationDecision.objects.select_related("county"), request.auth, action, pk=pk)


@router.get("/elimination/decisions", response=Page[FirstsecDecisionOut])
@scoped(EliminationDecision)
def elimination_decision_list(request, page: Query[PageParams]):
    acts = EliminationDecision.objects.restrict(request.auth).select_related("county").order_by("-created_at", "-pk")
    return paginate(acts, page, lambda rows: [decision_data(act, request.auth) for act in rows])


@router.get("/elimination/decisions/{int:decision_id}", response=FirstsecDecisionOut)
@scoped(EliminationDecision)
def elimination_decision_detail(request, decision_id: int):
    return decision_data(_decision(request, decision_id), request.auth)


@router.post("/elimination/decisions/{int:decision_id}/withdraw", response=FirstsecDecisionOut)
@scoped(EliminationDecision)
def elimination_decision_withdraw(request, decision_id: int, payload: FirstsecWithdrawIn):
    """Withdraws the decision as a whole (撤销) with its reason: every entry awaits a decision again, each
    secretary it recalled is back in post, the post's end as before. Twice is refused; so is a decision whose
    recalled secretary's village has had a new dispatch since."""
    act = _decision(request, decision_id, CHANGE)
    run_service(request, services.elimination_decision_withdraw, decision=act, reason=payload.reason)
    return decision_data(_decision(request, decision_id), request.auth)


# --- outcomes -----------------------------------------------------------------------------------------------


@router.get("/outcomes", response=Page[FirstsecOutcomeOut])
@scoped(OutcomeLog)
def outcome_list(request, page: Query[PageParams], dispatch: int | None = None, year: Year | None = None):
    logs = OutcomeLog.objects.restrict(request.auth).select_related("person")
    if dispatch:
        logs = logs.filter(dispatch_id=dispatch)
    if year:
        logs = logs.filter(day__year=year)
    return paginate(logs.order_by("-day", "pk"), page, lambda rows: [outcome_data(o) for o in rows])


@router.post("/dispatches/{dispatch_id}/outcomes", response={201: FirstsecOutcomeOut})
@scoped(OutcomeLog)
def outcome_create(request, dispatch_id: int, payload: FirstsecOutcomeIn):
    dispatch = _dispatch(request, dispatch_id)
    log = run_service(request, services.outcome_add, dispatch=dispatch, **payload.model_dump())
    return Status(201, outcome_data(log))


def _sums(row: dict) -> dict:
    return {name: (float(row.get(name) or 0) if name == "funds" else int(row.get(name) or 0))
            for name in selectors.OUTCOME_FIELDS}


@router.get("/outcomes/totals", response=FirstsecOutcomeTotals)
@scoped(OutcomeLog)
def outcome_totals(request, year: Year | None = None):
    totals = selectors.outcome_totals(request.auth, year=year)
    return {"overall": _sums(totals["overall"]),
            "by_unit": [{"name": row["dispatch__sending_unit"], **_sums(row)} for row in totals["by_unit"]],
            "by_person": [{"name": row["person__name"], **_sums(row)} for row in totals["by_person"]]}


router.add_router("", "mechanisms.firstsec.api_rules.router")  # the county's rules and the month's attendance

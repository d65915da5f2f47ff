"""Care and service in the REST API: the members cared for, a member's care record (hardship, visits, commitments,
volunteer service) and its writes, the mutual-aid fund (a payout answers 409 with its preview until confirmed; an
entry withdrawn), the commitments and their judgement, the volunteer hours, the joint-building pairs and their
outcomes, and the summary figures. Reads through ``restrict``; writes through the services, which check the scope
again. Outside the scope: 404."""
import datetime
from decimal import Decimal

from ninja import Field, Query, Router, Schema, Status

from kernel.core import clock
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
    paginate_rows,
    ref,
    run_service,
    scoped,
)
from kernel.core.scope import CHANGE
from kernel.orgs.models import Organization
from kernel.orgs.views import scope_root
from kernel.people.models import Person

from . import selectors, services
from .models import (
    CareVisit,
    Commitment,
    CommitmentState,
    FundEntry,
    FundKind,
    Hardship,
    HardshipReason,
    Pairing,
    PairingKind,
    PairingOutcome,
    VisitKind,
    VolunteerService,
)

router = Router(tags=["care"])


# --- schemas -----------------------------------------------------------------------------------------------------

class CareMemberOut(Schema):
    id: int
    name: str
    organization: Ref
    birth_date: datetime.date | None
    age: int | None
    hardship: bool
    hardship_reason: str | None
    visits: int
    helped: Decimal
    last_visit: datetime.date | None


class CareHardshipOut(Schema):
    id: int
    reason: choice(HardshipReason)
    detail: str
    since: datetime.date
    lifted_on: datetime.date | None
    lifted_note: str


class CareVisitOut(Schema):
    id: int
    person: Ref
    kind: choice(VisitKind)
    visited_on: datetime.date
    visitor: str
    given: str
    amount: Decimal
    note: str


class CareCommitmentOut(Schema):
    id: int
    person: Ref
    year: int
    text: str
    state: choice(CommitmentState)
    judged_on: datetime.date | None
    judge_note: str


class CareServiceOut(Schema):
    id: int
    served_on: datetime.date
    activity: str
    hours: Decimal


class CarePersonOut(Schema):
    id: int
    name: str
    organization: Ref
    hardships: list[CareHardshipOut]
    visits: list[CareVisitOut]
    commitments: list[CareCommitmentOut]
    services: list[CareServiceOut]


class CareHardshipIn(In):
    reason: choice(HardshipReason)
    detail: str = Field("", max_length=300)
    since: datetime.date | None = None


class CareLiftIn(In):
    on: datetime.date | None = None
    note: str = Field("", max_length=300)


class CareVisitIn(In):
    kind: choice(VisitKind) = VisitKind.VISIT
    visited_on: datetime.date
    visitor: str = Field("", max_length=100)
    given: str = Field("", max_length=300)
    amount: Decimal = Field(Decimal(0), ge=0, le=1_000_000)
    note: str = Field("", max_length=300)


class CareCommitmentIn(In):
    year: Year
    text: str = Field("", max_length=200)


class CareJudgeIn(In):
    state: choice(CommitmentState)
    note: str = Field("", max_length=300)


class CareServiceIn(In):
    served_on: datetime.date
    activity: str = Field("", max_length=200)
    hours: Decimal = Field(..., ge=0, le=24, description="Above 0, up to 24.")


class CareFundEntryOut(Schema):
    id: int
    organization: Ref
    kind: choice(FundKind)
    on: datetime.date
    amount: Decimal
    person: Ref | None
    source: str
    withdrawn_on: datetime.date | None
    withdraw_reason: str


class CareFundBalanceOut(Schema):
    organization: Ref
    income: Decimal
    payouts: Decimal
    balance: Decimal
    members_helped: int


class CareFundOut(Schema):
    balance: Decimal
    funds: list[CareFundBalanceOut]


class CareFundEntryIn(In):
    organization: int = Field(..., description="The organization whose fund it is.")
    kind: choice(FundKind)
    on: datetime.date
    amount: Decimal = Field(..., ge=0, le=1_000_000, description="Above 0.")
    source: str = Field("", max_length=200)
    person: int | None = Field(None, description="The member paid (a payout) or who contributed.")
    confirm: bool = Field(False, description="A payout: without it, 409 with the preview and nothing is written.")


class CareFundPreviewOut(NeedsConfirmationOut):
    organization: str
    person: str
    amount: str
    balance_before: str
    balance_after: str
    on: str
    source: str


class CareWithdrawIn(In):
    reason: str = Field("", max_length=300)


class CareVolunteerOut(Schema):
    person: int
    name: str
    organization: str
    activities: int
    hours: Decimal


class CareOutcomeOut(Schema):
    year: int
    outcome: str
    projects: int
    funds: Decimal


class CarePairingOut(Schema):
    id: int
    organization: Ref
    kind: choice(PairingKind)
    partner: Ref | None
    partner_name: str
    since: datetime.date
    ended_on: datetime.date | None
    activities: str
    outcomes: list[CareOutcomeOut]


class CarePairingIn(In):
    organization: int
    kind: choice(PairingKind)
    partner: int | None = Field(None, description="The other village of a village–village pair.")
    partner_name: str = Field("", max_length=120, description="The enterprise or department.")
    since: datetime.date
    activities: str = Field("", max_length=300)


class CareOutcomeIn(In):
    year: Year
    outcome: str = Field("", max_length=300)
    projects: int = Field(0, ge=0, le=999)
    funds: Decimal = Field(Decimal(0), ge=0, le=1_000_000, description="10,000 yuan.")


class CareEndIn(In):
    on: datetime.date


class CareSummaryOut(Schema):
    year: int
    organization: int
    old: int
    hardship: int
    cared: int
    visited: int
    visited_percent: float | None
    help: Decimal
    fund_balance: Decimal
    funds: int
    commitments_made: int
    commitments_fulfilled: int
    commitments_unfulfilled: int
    fulfilled_percent: float | None
    volunteer_hours: Decimal
    volunteers: int
    pairings: int
    pairings_with_outcome: int


# --- helpers -------------------------------------------------------------------------------------------------------

def _root(request, under):
    if under is not None:
        return get_scoped(Organization.objects, request.auth, pk=under)
    root = scope_root(request.auth)
    if root is None:
        from django.http import Http404
        raise Http404
    return root


def _year(year):
    return clock.today().year if year is None else year


def _person(request, person_id, action="view") -> Person:
    return get_scoped(Person.objects.select_related("organization"), request.auth, action, pk=person_id)


def visit_data(v: CareVisit) -> dict:
    return {"id": v.pk, "person": ref(v.person), "kind": v.kind, "visited_on": v.visited_on, "visitor": v.visitor,
            "given": v.given, "amount": v.amount, "note": v.note}


def commitment_data(c: Commitment) -> dict:
    return {"id": c.pk, "person": ref(c.person), "year": c.year, "text": c.text, "state": c.state,
            "judged_on": c.judged_on, "judge_note": c.judge_note}


def hardship_data(h: Hardship) -> dict:
    return {"id": h.pk, "reason": h.reason, "detail": h.detail, "since": h.since, "lifted_on": h.lifted_on,
            "lifted_note": h.lifted_note}


def entry_data(e: FundEntry) -> dict:
    return {"id": e.pk, "organization": ref(e.organization), "kind": e.kind, "on": e.on, "amount": e.amount,
            "person": ref(e.person) if e.person_id else None, "source": e.source, "withdrawn_on": e.withdrawn_on,
            "withdraw_reason": e.withdraw_reason}


def pairing_data(p: Pairing) -> dict:
    return {"id": p.pk, "organization": ref(p.organization), "kind": p.kind,
            "partner": ref(p.partner) if p.partner_id else None, "partner_name": p.partner_name, "since": p.since,
            "ended_on": p.ended_on, "activities": p.activities,
            "outcomes": [{"year": o.year, "outcome": o.outcome, "projects": o.projects, "funds": o.funds}
                         for o in p.outcomes.all()]}


# --- members cared for ------------------------------------------------------------------------------------------

@router.get("/members", response=Page[CareMemberOut])
@scoped(Person)
def members(request, page: Query[PageParams], under: int | None = None, year: Year | None = None,
            age: int = selectors.OLD_AGE, which: choice([(w, w) for w in selectors.WHICH if w], blank=True) = "",
            q: str = ""):
    """The members in good standing who are old (aged ``age`` or more by the year's end) or in hardship in the year,
    with their visits and help in the year; ``which``: old, hardship, visited, unvisited; ``q``: any member by
    name."""
    root = _root(request, under)
    rows = selectors.cared_for(request.auth, root, _year(year), age=min(max(age, 50), 100), which=which, q=q[:50])
    return paginate(rows, page, lambda items: [
        {"id": p.pk, "name": p.name, "organization": ref(p.organization), "birth_date": p.birth_date, "age": p.age,
         "hardship": p.hardship, "hardship_reason": p.hardship_reason, "visits": p.visits, "helped": p.helped,
         "last_visit": p.last_visit} for p in items])


@router.get("/summary", response=CareSummaryOut)
@scoped(Person)
def summary(request, under: int | None = None, year: Year | None = None, age: int = selectors.OLD_AGE):
    """The figures of the care page and the home panel, each the count or total of one list."""
    root, year = _root(request, under), _year(year)
    return {"year": year, "organization": root.pk,
            **selectors.summary(request.auth, root, year, age=min(max(age, 50), 100))}


@router.get("/people/{person_id}", response=CarePersonOut)
@scoped(Person)
def person_care(request, person_id: int):
    """A member's care record: hardship flags, visits and help, commitments, volunteer service."""
    person = _person(request, person_id)
    user = request.auth
    return {"id": person.pk, "name": person.name, "organization": ref(person.organization),
            "hardships": [hardship_data(h) for h in Hardship.objects.restrict(user).filter(person=person)],
            "visits": [visit_data(v) for v in CareVisit.objects.restrict(user).filter(person=person)
                       .select_related("person")[:200]],
            "commitments": [commitment_data(c) for c in Commitment.objects.restrict(user).filter(person=person)
                            .select_related("person")],
            "services": [{"id": s.pk, "served_on": s.served_on, "activity": s.activity, "hours": s.hours}
                         for s in VolunteerService.objects.restrict(user).filter(person=person)[:200]]}


@router.post("/people/{person_id}/hardships", response={201: CareHardshipOut})
@scoped(Hardship, CHANGE)
def hardship_flag(request, person_id: int, payload: CareHardshipIn):
    """Flags the member as in hardship, with the reason, from a day (default today)."""
    person = _person(request, person_id, CHANGE)
    return Status(201, hardship_data(run_service(request, services.hardship_flag, person=person,
                                                 **payload.model_dump())))


@router.post("/hardships/{hardship_id}/lift", response=CareHardshipOut)
@scoped(Hardship, CHANGE)
def hardship_lift(request, hardship_id: int, payload: CareLiftIn):
    """The member is out of hardship from a day (default today), with why."""
    hardship = request.scoped.get(pk=hardship_id)
    return hardship_data(run_service(request, services.hardship_lift, hardship=hardship, **payload.model_dump()))


@router.post("/people/{person_id}/visits", response={201: CareVisitOut})
@scoped(CareVisit, CHANGE)
def visit_record(request, person_id: int, payload: CareVisitIn):
    """A visit to the member or help given: the day, who, what was given and its value (yuan)."""
    person = _person(request, person_id, CHANGE)
    return Status(201, visit_data(run_service(request, services.visit_record, person=person, **payload.model_dump())))


# --- the mutual-aid fund ------------------------------------------------------------------------------------------

@router.get("/fund", response=CareFundOut)
@scoped(FundEntry)
def fund(request, under: int | None = None):
    """Each fund under the organization: money in, payouts, members helped and balance; and the balance in all."""
    balances = selectors.fund_balances(request.auth, _root(request, under))
    return {"balance": sum((b["balance"] for b in balances), Decimal(0)), "funds": [
        {"organization": {"id": b["organization_id"], "name": b["organization__name"]}, "income": b["income"],
         "payouts": b["payouts"], "balance": b["balance"], "members_helped": b["paid_to"]} for b in balances]}


@router.get("/fund/entries", response=Page[CareFundEntryOut])
@scoped(FundEntry)
def fund_entries(request, page: Query[PageParams], under: int | None = None, year: Year | None = None):
    """The funds' entries, the latest first (withdrawn ones marked)."""
    rows = selectors.fund_entries(request.auth, _root(request, under), year=year)
    return paginate(rows, page, lambda items: [entry_data(e) for e in items])


@router.post("/fund/entries", response={201: CareFundEntryOut, 409: CareFundPreviewOut})
@scoped(FundEntry, CHANGE)
def fund_entry(request, payload: CareFundEntryIn):
    """Money in, or a payout to a member (at most the balance): a payout answers 409 with what it does until sent
    again with ``confirm: true``."""
    organization = get_scoped(Organization.objects, request.auth, CHANGE, pk=payload.organization)
    person = get_scoped(Person.objects, request.auth, pk=payload.person) if payload.person is not None else None
    data = payload.model_dump(exclude={"organization", "person"})
    try:
        entry = run_service(request, services.fund_entry, organization=organization, person=person, **data)
    except services.NeedsConfirmation as exc:
        return Status(409, {"code": "confirmation_required", "message": exc.messages[0], **exc.details})
    return Status(201, entry_data(entry))


@router.post("/fund/entries/{entry_id}/withdraw", response=CareFundEntryOut)
@scoped(FundEntry, CHANGE)
def fund_withdraw(request, entry_id: int, payload: CareWithdrawIn):
    """Withdraws an entry recorded by mistake: it stays, marked, and counts no more."""
    entry = request.scoped.get(pk=entry_id)
    return entry_data(run_service(request, services.fund_withdraw, entry=entry, reason=payload.reason))


# --- commitments and volunteer service ------------------------------------------------------------------------------

@router.get("/commitments", response=Page[CareCommitmentOut])
@scoped(Commitment)
def commitments(request, page: Query[PageParams], under: int | None = None, year: Year | None = None,
                state: choice(CommitmentState, blank=True) = ""):
    """The members' public commitments of the year, with their judgement."""
    rows = selectors.commitments(request.auth, _root(request, under), _year(year), state)
    return paginate(rows, page, lambda items: [commitment_data(c) for c in items])


@router.post("/people/{person_id}/commitments", response={201: CareCommitmentOut})
@scoped(Commitment, CHANGE)
def commitment_set(request, person_id: int, payload: CareCommitmentIn):
    """The member's commitment of a year: made, or changed while not yet judged."""
    person = _person(request, person_id, CHANGE)
    return Status(201, commitment_data(run_service(request, services.commitment_set, person=person,
                                                   **payload.model_dump())))


@router.post("/commitments/{commitment_id}/judge", response=CareCommitmentOut)
@scoped(Commitment, CHANGE)
def commitment_judge(request, commitment_id: int, payload: CareJudgeIn):
    """Judged at the year's end (from 1 December): fulfilled or not (with what was not); ``open`` reopens it."""
    commitment = request.scoped.get(pk=commitment_id)
    return commitment_data(run_service(request, services.commitment_judge, commitment=commitment,
                                       **payload.model_dump()))


@router.get("/volunteer", response=Page[CareVolunteerOut])
@scoped(VolunteerService)
def volunteer(request, page: Query[PageParams], under: int | None = None, year: Year | None = None):
    """Per member with volunteer service in the year: the activities and hours, the most hours first."""
    rows = list(selectors.volunteer_hours(request.auth, _root(request, under), _year(year)))
    return paginate_rows(rows, page, lambda items: [
        {"person": r["person_id"], "name": r["person__name"], "organization": r["person__organization__name"],
         "activities": r["activities"], "hours": r["hours"]} for r in items])


@router.post("/people/{person_id}/volunteer", response={201: CareServiceOut})
@scoped(VolunteerService, CHANGE)
def volunteer_record(request, person_id: int, payload: CareServiceIn):
    """A member's volunteer service: the day, the activity, the hours."""
    person = _person(request, person_id, CHANGE)
    row = run_service(request, services.volunteer_record, person=person, **payload.model_dump())
    return Status(201, {"id": row.pk, "served_on": row.served_on, "activity": row.activity, "hours": row.hours})


# --- joint building ------------------------------------------------------------------------------------------------

@router.get("/pairings", response=Page[CarePairingOut])
@scoped(Pairing)
def pairings(request, page: Query[PageParams], under: int | None = None, year: Year | None = None):
    """The joint-building pairs in force in the year, with every year's outcome."""
    rows = selectors.pairings(request.auth, _root(request, under), year=_year(year)).prefetch_related("outcomes")
    return paginate(rows, page, lambda items: [pairing_data(p) for p in items])


@router.post("/pairings", response={201: CarePairingOut})
@scoped(Pairing, CHANGE)
def pairing_create(request, payload: CarePairingIn):
    """A village's pair with an enterprise, a department (``partner_name``) or another village (``partner``)."""
    organization = get_scoped(Organization.objects, request.auth, CHANGE, pk=payload.organization)
    partner = get_scoped(Organization.objects, request.auth, pk=payload.partner) if payload.partner else None
    row = run_service(request, services.pairing_create, organization=organization, partner=partner,
                      **payload.model_dump(exclude={"organization", "partner"}))
    return Status(201, pairing_data(row))


@router.post("/pairings/{pairing_id}/outcomes", response=CarePairingOut)
@scoped(PairingOutcome, CHANGE)
def outcome_set(request, pairing_id: int, payload: CareOutcomeIn):
    """The pair's outcome of a year: recorded, or corrected."""
    pairing = get_scoped(Pairing.objects, request.auth, CHANGE, pk=pairing_id)
    run_service(request, services.outcome_set, pairing=pairing, **payload.model_dump())
    return pairing_data(Pairing.objects.select_related("organization", "partner").get(pk=pairing.pk))


@router.post("/pairings/{pairing_id}/end", response=CarePairingOut)
@scoped(Pairing, CHANGE)
def pairing_end(request, pairing_id: int, payload: CareEndIn):
    """The pair ends on a day."""
    pairing = request.scoped.get(pk=pairing_id)
    return pairing_data(run_service(request, services.pairing_end, pairing=pairing, on=payload.on))

"""Party representatives in the REST API: congresses, studios (and the idle ones), the register with each
representative's village and households, a congress's list registered in bulk (409 with the preview first), the end of
an office (409 first) and its withdrawal, activities, proposals to an answer, households' requests, the figures and
the monthly ranking. Reads through ``restrict``; writes through the services, which check the scope again. Outside
the scope: 404."""
import datetime
from decimal import Decimal

from django.http import Http404
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
    ref,
    run_service,
    scoped,
)
from kernel.core.scope import CHANGE
from kernel.core.services import NeedsConfirmation
from kernel.orgs.models import Organization
from kernel.people.models import Person

from . import selectors, services
from .models import (
    Activity,
    ActivityKind,
    Congress,
    EndReason,
    Household,
    HouseholdRequest,
    Proposal,
    ProposalKind,
    ProposalStatus,
    RepImport,
    Representative,
    RepStatus,
    RequestState,
    Satisfaction,
    Studio,
)

router = Router(tags=["representatives"])


class RepCongressOut(Schema):
    id: int
    organization: Ref
    number: int
    name: str
    opened_on: datetime.date
    term_ends_on: datetime.date
    representatives: int


class RepCongressIn(In):
    organization: int
    number: int = Field(..., ge=1, le=999)
    name: str = Field("", max_length=100)
    opened_on: datetime.date
    term_ends_on: datetime.date


class RepCongressUpdateIn(In):
    number: int = Field(..., ge=1, le=999)
    name: str = Field("", max_length=100)
    opened_on: datetime.date
    term_ends_on: datetime.date


class RepStudioOut(Schema):
    id: int
    organization: Ref
    name: str
    address: str
    activity_day: int | None
    closed_on: datetime.date | None
    leader: Ref | None
    representatives: int
    last_activity: datetime.date | None
    month_activities: int


class RepStudioIn(In):
    organization: int
    name: str = Field("", max_length=100)
    address: str = Field("", max_length=200)
    activity_day: int | None = Field(None, ge=1, le=31)


class RepStudioUpdateIn(In):
    organization: int | None = Field(None, description="Moving the studio moves its representatives: 409 first.")
    name: str = Field("", max_length=100)
    address: str = Field("", max_length=200)
    activity_day: int | None = Field(None, ge=1, le=31)
    leader: int | None = Field(None, description="A representative of the studio in office.")
    confirm: bool = False


class RepStudioMoveOut(NeedsConfirmationOut):
    studio: str
    to: str
    representatives: int
    households: int


class RepImportOut(Schema):
    id: int
    congress: Ref
    file_name: str
    representatives: int
    households: int
    people_added: int
    created_at: datetime.datetime
    withdrawn_on: datetime.date | None


class RepImportWithdrawIn(In):
    confirm: bool = Field(False, description="Without it: 409 with what the withdrawal removes.")


class RepImportWithdrawPreviewOut(NeedsConfirmationOut):
    representatives: int
    households: int
    people_added: int
    busy: list[str]


class RepHouseholdOut(Schema):
    id: int
    name: str
    address: str
    phone: str


class RepHouseholdIn(In):
    name: str = Field("", max_length=50)
    address: str = Field("", max_length=200)
    phone: str = Field("", max_length=20)


class RepresentativeOut(Schema):
    id: int
    person: Ref
    congress: Ref
    constituency: Ref
    studio: Ref | None
    village: Ref | None
    status: choice(RepStatus)
    ended_on: datetime.date | None
    end_reason: choice(EndReason, blank=True)
    households: int


class RepresentativeDetailOut(RepresentativeOut):
    household_list: list[RepHouseholdOut]


class RepresentativeIn(In):
    congress: int
    person: int | None = Field(None, description="The person; or give name (and ID number) to find or add them.")
    name: str = Field("", max_length=50)
    id_number: str = Field("", max_length=18)
    constituency: int
    studio: int | None = None
    village: int | None = None
    households: list[RepHouseholdIn] = Field(default_factory=list, max_length=services.HOUSEHOLDS)


class RepBulkRowIn(In):
    person: int | None = None
    name: str = Field("", max_length=50)
    id_number: str = Field("", max_length=18)
    constituency: int
    studio: int | None = None
    village: int | None = None
    households: list[RepHouseholdIn] = Field(default_factory=list, max_length=services.HOUSEHOLDS)


class RepBulkIn(In):
    rows: list[RepBulkRowIn] = Field(default_factory=list, max_length=services.MAX_BULK)
    confirm: bool = Field(False, description="Without it: 409 with what would be registered; nothing is written.")


class RepBulkPreviewOut(NeedsConfirmationOut):
    representatives: int
    studios: int
    villages: int
    households: int


class RepBulkOut(Schema):
    created: int


class RepUpdateIn(In):
    studio: int | None = None
    village: int | None = None
    households: list[RepHouseholdIn] | None = Field(None, max_length=services.HOUSEHOLDS)


class RepEndIn(In):
    on: datetime.date
    reason: choice(EndReason)
    note: str = Field("", max_length=300)
    confirm: bool = False


class RepEndPreviewOut(NeedsConfirmationOut):
    representative: str
    congress: str
    households: int
    open_proposals: int
    open_requests: int


class RepActivityOut(Schema):
    id: int
    representative: Ref
    studio: Ref | None
    household: Ref | None
    kind: choice(ActivityKind)
    occurred_on: datetime.date
    content: str


class RepActivityIn(In):
    kind: choice(ActivityKind)
    occurred_on: datetime.date
    content: str = Field("", max_length=500)
    studio: int | None = None
    household: int | None = None


class RepActivityDayIn(In):
    occurred_on: datetime.date
    content: str = Field("", max_length=500)
    attendees: list[int] = Field(default_factory=list, description="The representatives who attended.")


class RepProposalOut(Schema):
    id: int
    representative: Ref
    kind: choice(ProposalKind)
    title: str
    content: str
    submitted_on: datetime.date
    status: choice(ProposalStatus)
    handling_unit: str
    assigned_on: datetime.date | None
    deadline: datetime.date | None
    answer: str
    answered_on: datetime.date | None
    satisfaction: choice(Satisfaction, blank=True)
    overdue: bool


class RepProposalIn(In):
    kind: choice(ProposalKind) = ProposalKind.SUGGESTION
    title: str = Field("", max_length=200)
    content: str = ""
    submitted_on: datetime.date


class RepAssignIn(In):
    handling_unit: str = Field("", max_length=100)
    assigned_on: datetime.date
    deadline: datetime.date | None = None


class RepAnswerIn(In):
    answer: str = ""
    answered_on: datetime.date


class RepCloseIn(In):
    satisfaction: choice(Satisfaction)
    closed_on: datetime.date | None = None


class RepRequestOut(Schema):
    id: int
    household: Ref
    representative: Ref
    matter: str
    received_on: datetime.date
    deadline: datetime.date
    state: choice(RequestState)
    done_on: datetime.date | None
    result: str
    satisfaction: choice(Satisfaction, blank=True)
    overdue: bool


class RepRequestIn(In):
    matter: str = Field("", max_length=300)
    received_on: datetime.date
    deadline: datetime.date | None = None


class RepRequestDoneIn(In):
    done_on: datetime.date
    result: str = Field("", max_length=300)
    satisfaction: choice(Satisfaction, blank=True) = ""


class RepFiguresOut(Schema):
    representatives: int
    studios: int
    with_village: int
    with_households: int
    households: int
    attended_month: int
    proposals_year: int
    answered_year: int
    overdue: int
    idle_studios: int
    open_requests: int


class RepRankingIn(In):
    congress: int
    year: Year
    month: int = Field(..., ge=1, le=12)


class RepRankingRowOut(Schema):
    person: Ref
    studio: str
    total: Decimal | None
    tier: str
    rank_studio: int | None
    rank_all: int | None
    lagging: bool


class RepRankingOut(Schema):
    assessment: int
    period: str
    rows: list[RepRankingRowOut]


# --- helpers -----------------------------------------------------------------------------------------------------

def _org(request, pk, action="view") -> Organization:
    return get_scoped(Organization.objects, request.auth, action, pk=pk)


def _congress(request, pk, action="view") -> Congress:
    return get_scoped(Congress.objects.select_related("organization"), request.auth, action, pk=pk)


def _studio(request, pk, action="view") -> Studio:
    return get_scoped(Studio.objects.select_related("organization", "leader__person"), request.auth, action, pk=pk)


def _rep(request, pk, action="view") -> Representative:
    return get_scoped(Representative.objects.select_related("person", "congress", "constituency", "studio",
                                                            "village"), request.auth, action, pk=pk)


def _optional(getter, request, pk, action="view"):
    return getter(request, pk, action) if pk else None


def congress_data(c: Congress) -> dict:
    return {"id": c.pk, "organization": ref(c.organization), "number": c.number, "name": c.name,
            "opened_on": c.opened_on, "term_ends_on": c.term_ends_on,
            "representatives": c.representatives.filter(status=RepStatus.IN_OFFICE).count()}


def studio_data(s: Studio) -> dict:
    return {"id": s.pk, "organization": ref(s.organization), "name": s.name, "address": s.address,
            "activity_day": s.activity_day, "closed_on": s.closed_on,
            "leader": {"id": s.leader_id, "name": s.leader.person.name} if s.leader_id else None,
            "representatives": getattr(s, "rep_count", 0), "last_activity": getattr(s, "last_activity", None),
            "month_activities": getattr(s, "month_activities", 0)}


def rep_data(r: Representative) -> dict:
    count = getattr(r, "household_count", None)
    return {"id": r.pk, "person": ref(r.person), "congress": ref(r.congress), "constituency": ref(r.constituency),
            "studio": ref(r.studio), "village": ref(r.village), "status": r.status, "ended_on": r.ended_on,
            "end_reason": r.end_reason, "households": r.households.count() if count is None else count}


def rep_detail(r: Representative) -> dict:
    return {**rep_data(r), "household_list": [
        {"id": h.pk, "name": h.name, "address": h.address, "phone": h.phone} for h in r.households.all()]}


def activity_data(a: Activity) -> dict:
    return {"id": a.pk, "representative": ref(a.representative.person) | {"id": a.representative_id},
            "studio": ref(a.studio), "household": ref(a.household), "kind": a.kind, "occurred_on": a.occurred_on,
            "content": a.content}


def proposal_data(p: Proposal, today: datetime.date) -> dict:
    return {"id": p.pk, "representative": {"id": p.representative_id, "name": p.representative.person.name},
            "kind": p.kind, "title": p.title, "content": p.content, "submitted_on": p.submitted_on,
            "status": p.status, "handling_unit": p.handling_unit, "assigned_on": p.assigned_on,
            "deadline": p.deadline, "answer": p.answer, "answered_on": p.answered_on,
            "satisfaction": p.satisfaction, "overdue": p.overdue(today)}


def request_data(r: HouseholdRequest, today: datetime.date) -> dict:
    return {"id": r.pk, "household": ref(r.household),
            "representative": {"id": r.representative_id, "name": r.representative.person.name},
            "matter": r.matter, "received_on": r.received_on, "deadline": r.deadline, "state": r.state,
            "done_on": r.done_on, "result": r.result, "satisfaction": r.satisfaction, "overdue": r.overdue(today)}


def _households(rows) -> list[dict]:
    return [row.model_dump() for row in rows or []]


# --- congresses and studios --------------------------------------------------------------------------------------

@router.get("/congresses", response=Page[RepCongressOut])
@scoped(Congress)
def congress_list(request, page: Query[PageParams]):
    return paginate(selectors.congresses(request.auth).order_by("org_path", "-number"), page,
                    lambda rows: [congress_data(c) for c in rows])


@router.post("/congresses", response={201: RepCongressOut})
@scoped(Congress)
def congress_create(request, payload: RepCongressIn):
    congress = run_service(request, services.congress_create, organization=_org(request, payload.organization, CHANGE),
                           number=payload.number, name=payload.name, opened_on=payload.opened_on,
                           term_ends_on=payload.term_ends_on)
    return Status(201, congress_data(congress))


@router.patch("/congresses/{int:congress_id}", response=RepCongressOut)
@scoped(Congress)
def congress_update(request, congress_id: int, payload: RepCongressUpdateIn):
    congress = run_service(request, services.congress_update, congress=_congress(request, congress_id, CHANGE),
                           number=payload.number, name=payload.name, opened_on=payload.opened_on,
                           term_ends_on=payload.term_ends_on)
    return congress_data(congress)


@router.patch("/studios/{int:studio_id}", response={200: RepStudioOut, 409: RepStudioMoveOut})
@scoped(Studio)
def studio_update(request, studio_id: int, payload: RepStudioUpdateIn):
    """Corrects a studio; moving it to another organization (which moves its representatives) answers 409 with
    what moves unless ``confirm``."""
    studio = _studio(request, studio_id, CHANGE)
    given = payload.model_dump(exclude_unset=True)
    organization = _org(request, payload.organization, CHANGE) if payload.organization else studio.organization
    leader = studio.leader
    if "leader" in given:
        leader = _rep(request, payload.leader) if payload.leader else None
    try:
        run_service(request, services.studio_update, studio=studio, organization=organization,
                    name=payload.name if "name" in given else studio.name,
                    address=payload.address if "address" in given else studio.address,
                    activity_day=payload.activity_day if "activity_day" in given else studio.activity_day,
                    leader=leader, confirm=payload.confirm)
    except NeedsConfirmation as needed:
        details = needed.details
        return Status(409, {"code": "confirmation_required", "message": needed.messages[0], "studio": details["studio"],
                            "to": details["to"], "representatives": details["representatives"],
                            "households": details["households"]})
    return studio_data(selectors.studios(request.auth, today=clock.today()).select_related("leader__person")
                       .get(pk=studio.pk))


@router.get("/studios", response=Page[RepStudioOut])
@scoped(Studio)
def studio_list(request, page: Query[PageParams], under: int | None = None):
    rows = selectors.studios(request.auth, under=_optional(_org, request, under), today=clock.today())
    return paginate(rows, page, lambda items: [studio_data(s) for s in items])


@router.get("/studios/idle", response=Page[RepStudioOut])
@scoped(Studio)
def studio_idle(request, page: Query[PageParams], months: int = 1, under: int | None = None):
    """Open studios with no activity recorded at them or by their representatives in the last ``months`` calendar
    months (this one included)."""
    rows = selectors.idle_studios(request.auth, under=_optional(_org, request, under), today=clock.today(),
                                  months=min(max(months, 1), 24))
    return paginate(rows, page, lambda items: [studio_data(s) for s in items])


@router.post("/studios", response={201: RepStudioOut})
@scoped(Studio)
def studio_create(request, payload: RepStudioIn):
    studio = run_service(request, services.studio_create, organization=_org(request, payload.organization, CHANGE),
                         name=payload.name, address=payload.address, activity_day=payload.activity_day)
    return Status(201, studio_data(studio))


@router.get("/studios/{int:studio_id}", response=RepStudioOut)
@scoped(Studio)
def studio_detail(request, studio_id: int):
    studio = selectors.studios(request.auth, today=clock.today()).filter(pk=studio_id).first()
    if studio is None:
        raise Http404
    return studio_data(studio)


@router.post("/studios/{int:studio_id}/activity-day", response={201: list[RepActivityOut]})
@scoped(Studio)
def studio_activity_day(request, studio_id: int, payload: RepActivityDayIn):
    studio = _studio(request, studio_id, CHANGE)
    attendees = [_rep(request, pk, CHANGE) for pk in payload.attendees]
    rows = run_service(request, services.studio_activity_day, studio=studio, occurred_on=payload.occurred_on,
                       content=payload.content, attendees=attendees)
    return Status(201, [activity_data(a) for a in rows])


# --- representatives ---------------------------------------------------------------------------------------------

@router.get("/representatives", response=Page[RepresentativeOut])
@scoped(Representative)
def rep_list(request, page: Query[PageParams], congress: int | None = None, studio: int | None = None,
             under: int | None = None, status: choice(RepStatus) | None = None, q: str = ""):
    rows = selectors.register(request.auth, congress=_optional(_congress, request, congress),
                              studio=_optional(_studio, request, studio), under=_optional(_org, request, under),
                              status=status or "", q=q)
    return paginate(rows, page, lambda items: [rep_data(r) for r in items])


def _person_or_new(request, payload, constituency):
    if payload.person:
        return get_scoped(Person.objects, request.auth, pk=payload.person)
    return run_service(request, services._person_for, row=payload.model_dump(), constituency=constituency)


@router.post("/representatives", response={201: RepresentativeDetailOut})
@scoped(Representative)
def rep_create(request, payload: RepresentativeIn):
    congress = _congress(request, payload.congress)
    constituency = _org(request, payload.constituency)
    person = _person_or_new(request, payload, constituency)
    rep = run_service(request, services.representative_register, congress=congress, person=person,
                      constituency=constituency, studio=_optional(_studio, request, payload.studio),
                      village=_optional(_org, request, payload.village), households=_households(payload.households))
    return Status(201, rep_detail(rep))


@router.post("/congresses/{int:congress_id}/representatives", response={201: RepBulkOut, 409: RepBulkPreviewOut})
@scoped(Representative)
def rep_bulk(request, congress_id: int, payload: RepBulkIn):
    """A congress's list at once, all or nothing; without ``confirm``, 409 with how many representatives, studios,
    villages and households it would register."""
    congress = _congress(request, congress_id)
    orgs, studios = {}, {}

    def org(pk):
        if pk not in orgs:
            orgs[pk] = _org(request, pk)
        return orgs[pk]

    def studio(pk):
        if pk not in studios:
            studios[pk] = _studio(request, pk)
        return studios[pk]

    rows = [{"person": row.person, "name": row.name, "id_number": row.id_number,
             "constituency": org(row.constituency), "studio": studio(row.studio) if row.studio else None,
             "village": org(row.village) if row.village else None, "households": _households(row.households)}
            for row in payload.rows]
    try:
        created = run_service(request, services.representatives_bulk, congress=congress, rows=rows,
                              confirm=payload.confirm)
    except NeedsConfirmation as needed:
        return Status(409, {"code": "confirmation_required", "message": needed.messages[0], **needed.details})
    return Status(201, {"created": len(created)})


def import_data(b: RepImport) -> dict:
    return {"id": b.pk, "congress": ref(b.congress), "file_name": b.file_name,
            "representatives": b.representatives_count, "households": b.households_count,
            "people_added": b.people_added, "created_at": b.created_at, "withdrawn_on": b.withdrawn_on}


@router.get("/imports", response=Page[RepImportOut])
@scoped(RepImport)
def import_list(request, page: Query[PageParams]):
    """The workbook imports of representatives (made on the import page), the withdrawn ones marked."""
    return paginate(request.scoped().select_related("congress"), page, lambda rows: [import_data(b) for b in rows])


@router.post("/imports/{int:import_id}/withdraw", response={200: RepImportOut, 409: RepImportWithdrawPreviewOut})
@scoped(RepImport, CHANGE)
def import_withdraw(request, import_id: int, payload: RepImportWithdrawIn):
    """Withdraws an import: its representatives and their households go; 409 with what goes unless ``confirm``."""
    batch = get_scoped(RepImport.objects.select_related("congress"), request.auth, CHANGE, pk=import_id)
    try:
        batch = run_service(request, services.import_withdraw, batch=batch, confirm=payload.confirm)
    except NeedsConfirmation as needed:
        d = needed.details
        return Status(409, {"code": "confirmation_required", "message": needed.messages[0],
                            "representatives": d["representatives"], "households": d["households"],
                            "people_added": d["people_added"], "busy": d["busy"]})
    return import_data(batch)


@router.get("/representatives/{int:rep_id}", response=RepresentativeDetailOut)
@scoped(Representative)
def rep_detail_get(request, rep_id: int):
    return rep_detail(_rep(request, rep_id))


@router.patch("/representatives/{int:rep_id}", response=RepresentativeDetailOut)
@scoped(Representative)
def rep_update(request, rep_id: int, payload: RepUpdateIn):
    rep = _rep(request, rep_id, CHANGE)
    given = payload.model_dump(exclude_unset=True)
    studio = _optional(_studio, request, payload.studio) if "studio" in given else rep.studio
    village = _optional(_org, request, payload.village) if "village" in given else rep.village
    households = _households(payload.households) if payload.households is not None else None
    rep = run_service(request, services.representative_update, rep=rep, studio=studio, village=village,
                      households=households)
    return rep_detail(_rep(request, rep.pk))


@router.post("/representatives/{int:rep_id}/end", response={200: RepresentativeOut, 409: RepEndPreviewOut})
@scoped(Representative)
def rep_end(request, rep_id: int, payload: RepEndIn):
    rep = _rep(request, rep_id, CHANGE)
    try:
        rep = run_service(request, services.representative_end, rep=rep, on=payload.on, reason=payload.reason,
                          note=payload.note, confirm=payload.confirm)
    except NeedsConfirmation as needed:
        return Status(409, {"code": "confirmation_required", "message": needed.messages[0], **needed.details})
    return rep_data(rep)


@router.post("/representatives/{int:rep_id}/reinstate", response=RepresentativeOut)
@scoped(Representative)
def rep_reinstate(request, rep_id: int):
    return rep_data(run_service(request, services.representative_reinstate, rep=_rep(request, rep_id, CHANGE)))


# --- activities --------------------------------------------------------------------------------------------------

@router.get("/representatives/{int:rep_id}/activities", response=Page[RepActivityOut])
@scoped(Activity)
def activity_list(request, rep_id: int, page: Query[PageParams]):
    rep = _rep(request, rep_id)
    rows = request.scoped().filter(representative=rep).select_related("representative__person", "studio",
                                                                      "household")
    return paginate(rows, page, lambda items: [activity_data(a) for a in items])


@router.post("/representatives/{int:rep_id}/activities", response={201: RepActivityOut})
@scoped(Activity)
def activity_create(request, rep_id: int, payload: RepActivityIn):
    rep = _rep(request, rep_id, CHANGE)
    household = (get_scoped(Household.objects, request.auth, pk=payload.household) if payload.household else None)
    activity = run_service(request, services.activity_record, rep=rep, kind=payload.kind,
                           occurred_on=payload.occurred_on, content=payload.content,
                           studio=_optional(_studio, request, payload.studio), household=household)
    return Status(201, activity_data(activity))


@router.delete("/activities/{int:activity_id}", response={204: None})
@scoped(Activity, CHANGE)
def activity_delete(request, activity_id: int):
    run_service(request, services.activity_withdraw, activity=request.scoped.get(pk=activity_id))
    return Status(204, None)


# --- proposals ---------------------------------------------------------------------------------------------------

@router.get("/proposals", response=Page[RepProposalOut])
@scoped(Proposal)
def proposal_list(request, page: Query[PageParams], status: choice(ProposalStatus) | None = None,
                  overdue: bool = False, year: Year | None = None, under: int | None = None):
    today = clock.today()
    rows = selectors.proposals(request.auth, under=_optional(_org, request, under), status=status or "",
                               overdue=overdue, today=today, year=year)
    return paginate(rows, page, lambda items: [proposal_data(p, today) for p in items])


@router.post("/representatives/{int:rep_id}/proposals", response={201: RepProposalOut})
@scoped(Proposal)
def proposal_create(request, rep_id: int, payload: RepProposalIn):
    proposal = run_service(request, services.proposal_submit, rep=_rep(request, rep_id, CHANGE), kind=payload.kind,
                           title=payload.title, content=payload.content, submitted_on=payload.submitted_on)
    return Status(201, proposal_data(proposal, clock.today()))


def _proposal(request, pk, action=CHANGE) -> Proposal:
    return get_scoped(Proposal.objects.select_related("representative__person"), request.auth, action, pk=pk)


@router.get("/proposals/{int:proposal_id}", response=RepProposalOut)
@scoped(Proposal)
def proposal_detail(request, proposal_id: int):
    return proposal_data(_proposal(request, proposal_id, "view"), clock.today())


@router.post("/proposals/{int:proposal_id}/assign", response=RepProposalOut)
@scoped(Proposal)
def proposal_assign(request, proposal_id: int, payload: RepAssignIn):
    proposal = run_service(request, services.proposal_assign, proposal=_proposal(request, proposal_id),
                           handling_unit=payload.handling_unit, assigned_on=payload.assigned_on,
                           deadline=payload.deadline)
    return proposal_data(_proposal(request, proposal.pk, "view"), clock.today())


@router.post("/proposals/{int:proposal_id}/answer", response=RepProposalOut)
@scoped(Proposal)
def proposal_answer(request, proposal_id: int, payload: RepAnswerIn):
    proposal = run_service(request, services.proposal_answer, proposal=_proposal(request, proposal_id),
                           answer=payload.answer, answered_on=payload.answered_on)
    return proposal_data(_proposal(request, proposal.pk, "view"), clock.today())


@router.post("/proposals/{int:proposal_id}/close", response=RepProposalOut)
@scoped(Proposal)
def proposal_close(request, proposal_id: int, payload: RepCloseIn):
    proposal = run_service(request, services.proposal_close, proposal=_proposal(request, proposal_id),
                           satisfaction=payload.satisfaction, closed_on=payload.closed_on)
    return proposal_data(_proposal(request, proposal.pk, "view"), clock.today())


@router.delete("/proposals/{int:proposal_id}", response={204: None})
@scoped(Proposal)
def proposal_delete(request, proposal_id: int):
    run_service(request, services.proposal_withdraw, proposal=_proposal(request, proposal_id))
    return Status(204, None)


# --- households' requests ----------------------------------------------------------------------------------------

@router.get("/requests", response=Page[RepRequestOut])
@scoped(HouseholdRequest)
def request_list(request, page: Query[PageParams], state: choice(RequestState) | None = None, overdue: bool = False,
                 under: int | None = None):
    today = clock.today()
    rows = selectors.requests(request.auth, under=_optional(_org, request, under), state=state or "",
                              overdue=overdue, today=today)
    return paginate(rows, page, lambda items: [request_data(r, today) for r in items])


@router.post("/households/{int:household_id}/requests", response={201: RepRequestOut})
@scoped(HouseholdRequest)
def request_create(request, household_id: int, payload: RepRequestIn):
    household = get_scoped(Household.objects.select_related("representative"), request.auth, CHANGE, pk=household_id)
    row = run_service(request, services.request_create, household=household, matter=payload.matter,
                      received_on=payload.received_on, deadline=payload.deadline)
    return Status(201, request_data(row, clock.today()))


@router.post("/requests/{int:request_id}/done", response=RepRequestOut)
@scoped(HouseholdRequest, CHANGE)
def request_done(request, request_id: int, payload: RepRequestDoneIn):
    row = run_service(request, services.request_done, row=request.scoped.get(pk=request_id),
                      done_on=payload.done_on, result=payload.result, satisfaction=payload.satisfaction)
    return request_data(row, clock.today())


@router.post("/requests/{int:request_id}/reopen", response=RepRequestOut)
@scoped(HouseholdRequest, CHANGE)
def request_reopen(request, request_id: int):
    row = run_service(request, services.request_reopen, row=request.scoped.get(pk=request_id))
    return request_data(row, clock.today())


# --- figures and ranking -----------------------------------------------------------------------------------------

@router.get("/figures", response=RepFiguresOut)
@scoped(Representative)
def figures(request, under: int | None = None, congress: int | None = None):
    return selectors.figures(request.auth, under=_optional(_org, request, under), today=clock.today(),
                             congress=_optional(_congress, request, congress))


def ranking_data(assessment) -> dict:
    from engines.standards.models import Sheet, Tier

    from .models import Representative as Rep

    sheets = list(Sheet.objects.filter(assessment=assessment).select_related("person")
                  .order_by("rank_all", "pk"))
    studio_names = dict(Rep.objects.filter(person_id__in=[s.person_id for s in sheets],
                                           congress__org_path=assessment.owner_path)
                        .values_list("person_id", "studio__name"))
    tiers = dict(Tier.objects.filter(version_id=assessment.version_id).values_list("code", "name"))
    return {"assessment": assessment.pk, "period": assessment.period_label, "rows": [
        {"person": ref(s.person), "studio": studio_names.get(s.person_id) or "", "total": s.total, "tier": s.tier,
         "tier_name": tiers.get(s.tier, s.tier),
         "rank_studio": s.rank_class, "rank_all": s.rank_all, "lagging": s.lagging} for s in sheets]}


@router.post("/ranking", response=RepRankingOut)
@scoped(Congress)
def ranking(request, payload: RepRankingIn):
    """The month's ranking of the congress's representatives: every item counted from the records, ranked within
    each studio and overall (made the first time, counted again while open)."""
    congress = _congress(request, payload.congress)
    assessment = run_service(request, services.monthly_assessment, congress=congress, year=payload.year,
                             month=payload.month)
    return ranking_data(assessment)

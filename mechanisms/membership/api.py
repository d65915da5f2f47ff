"""A member's standing and its history, a change of it (409 with the preview before an exit), its withdrawal,
the register of changes, and transfers with their letters. Reads through ``restrict``; writes through the services,
which check the caller's scope again. Outside the scope: 404."""
import datetime

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
from kernel.people.choices import MemberCategory, MemberStatus
from kernel.people.models import Person

from . import floating, selectors, services, transfers
from .models import (
    OPEN_TRANSFER,
    ExitReason,
    FloatDirection,
    FloatingMember,
    Kind,
    StandingChange,
    Transfer,
    TransferKind,
    TransferStatus,
)

router = Router(tags=["membership"])


class StandingChangeOut(Schema):
    id: int
    person: Ref
    kind: choice(Kind)
    on: datetime.date
    reason: str
    until: datetime.date | None
    decision: str
    decided_by: str
    number: str
    note: str
    category_before: str
    category_after: str
    status_before: str
    status_after: str
    withdrawn_on: datetime.date | None
    withdraw_reason: str


class StandingOut(Schema):
    person: Ref
    category: choice(MemberCategory)
    status: choice(MemberStatus)
    status_changed_on: datetime.date | None
    probation_ends_on: datetime.date | None
    lost_contact_on: datetime.date | None
    kept_since: datetime.date | None
    kept_until: datetime.date | None
    changes: list[StandingChangeOut]


class StandingIn(In):
    kind: choice(Kind)
    on: datetime.date | None = None
    reason: choice(ExitReason, blank=True) = ""
    until: datetime.date | None = None
    decision: str = Field("", max_length=300)
    decided_by: str = Field("", max_length=100)
    number: str = Field("", max_length=60)
    note: str = ""
    confirm: bool = Field(False, description="An exit without it: 409 with the preview, and nothing is written.")


class ExitPreviewOut(NeedsConfirmationOut):
    name: str
    organization: str
    reason: str
    on: str
    effects: list[str]


class StandingWithdrawIn(In):
    reason: str = Field(..., min_length=1, max_length=300)


def change_data(change: StandingChange) -> dict:
    return {"id": change.pk, "person": ref(change.person), "kind": change.kind, "on": change.on,
            "reason": change.reason, "until": change.until, "decision": change.decision,
            "decided_by": change.decided_by, "number": change.number, "note": change.note,
            "category_before": change.category_before, "category_after": change.category_after,
            "status_before": change.status_before, "status_after": change.status_after,
            "withdrawn_on": change.withdrawn_on, "withdraw_reason": change.withdraw_reason}


def _member(request, person_id: int):
    person = Person.objects.restrict(request.auth).select_related("membership").filter(pk=person_id).first()
    member = getattr(person, "membership", None) if person else None
    if member is None:
        raise Http404
    return person, member


def standing_data(request, person, member) -> dict:
    changes = StandingChange.objects.restrict(request.auth).filter(member=member).select_related("person")
    return {"person": ref(person), "category": member.category, "status": member.status,
            "status_changed_on": member.status_changed_on,
            "probation_ends_on": services.probation_end(member) if member.category == MemberCategory.PROBATIONARY
            else None, "lost_contact_on": member.lost_contact_on, "kept_since": member.kept_since,
            "kept_until": member.kept_until, "changes": [change_data(c) for c in changes.order_by("on", "pk")]}


@router.get("/people/{person_id}/standing", response=StandingOut)
@scoped(StandingChange)
def standing_get(request, person_id: int):
    """The member's standing now and every change of it, oldest first (withdrawn ones marked)."""
    person, member = _member(request, person_id)
    return standing_data(request, person, member)


@router.post("/people/{person_id}/standing", response={201: StandingChangeOut, 409: ExitPreviewOut})
@scoped(StandingChange)
def standing_create(request, person_id: int, payload: StandingIn):
    """Records a change of standing (MEMBERSHIP.md's rules; refused with the reason when it may not be made). An
    exit needs ``confirm: true``: without it the answer is 409 with what it would do."""
    _person, member = _member(request, person_id)
    data = payload.model_dump()
    try:
        change = run_service(request, services.standing_change, member=member, **data)
    except services.NeedsConfirmation as exc:
        return Status(409, {"code": "confirmation_required", "message": exc.messages[0], **exc.details})
    return Status(201, change_data(change))


@router.post("/changes/{change_id}/withdraw", response=StandingChangeOut)
@scoped(StandingChange)
def standing_withdraw(request, change_id: int, payload: StandingWithdrawIn):
    """Withdraws the member's latest change (the record goes back to what it was before it)."""
    change = request.scoped.get(pk=change_id)
    return change_data(run_service(request, services.standing_withdraw, change=change, reason=payload.reason))


@router.get("/changes", response=Page[StandingChangeOut])
@scoped(StandingChange)
def changes_list(request, page: Query[PageParams], under: int | None = None, year: Year | None = None,
                 kind: choice(Kind, blank=True) = "", reason: choice(ExitReason, blank=True) = ""):
    """The register of changes of standing, newest first: under an organization, in a year, of a kind or a way of
    leaving."""
    org = None
    if under is not None:
        from kernel.orgs.models import Organization

        org = get_scoped(Organization.objects, request.auth, pk=under)
    rows = selectors.changes(request.auth, under=org, year=year, kind=kind, reason=reason)
    return paginate(rows, page, lambda items: [change_data(c) for c in items])


# --- transfers -----------------------------------------------------------------------------------------------------

class TransferOut(Schema):
    id: int
    kind: choice(TransferKind)
    person: Ref
    from_org: Ref | None
    to_org: Ref | None
    outside_name: str
    serial: str
    issued_on: datetime.date
    valid_until: datetime.date
    dues_paid_to: str
    status: choice(TransferStatus)
    status_reason: str
    status_on: datetime.date | None
    accepted_on: datetime.date | None
    in_transit: bool
    receipt_due_on: datetime.date | None
    receipt_state: str


class TransferIn(In):
    kind: choice([("within", "within"), ("out", "out")])
    to_org: int | None = Field(None, description="Within the system: the receiving organization's id.")
    outside_name: str = Field("", max_length=200)
    dues_paid_to: str = Field(..., max_length=7, description="The month dues are paid up to, YYYY-MM.")
    valid_days: int = Field(30, ge=10, le=90)
    note: str = Field("", max_length=300)
    confirm: bool = Field(False, description="Dues behind: without it, 409 with the preview and nothing is written.")


class TransferPreviewOut(NeedsConfirmationOut):
    name: str
    dues_paid_to: str
    owed_since: str


class TransferActionIn(In):
    reason: str = Field("", max_length=300)
    on: datetime.date | None = None


def transfer_data(transfer: Transfer) -> dict:
    obligation = transfer.obligation
    return {"id": transfer.pk, "kind": transfer.kind, "person": ref(transfer.person), "from_org": ref(transfer.from_org),
            "to_org": ref(transfer.to_org), "outside_name": transfer.outside_name, "serial": transfer.serial,
            "issued_on": transfer.issued_on, "valid_until": transfer.valid_until,
            "dues_paid_to": transfer.dues_paid_to, "status": transfer.status, "status_reason": transfer.status_reason,
            "status_on": transfer.status_on, "accepted_on": transfer.accepted_on, "in_transit": transfer.in_transit,
            "receipt_due_on": obligation.due_on if obligation else None,
            "receipt_state": obligation.state if obligation else ""}


TRANSFER_ROWS = ("person", "from_org", "to_org", "obligation")


@router.get("/transfers", response=Page[TransferOut])
@scoped(Transfer)
def transfers_list(request, page: Query[PageParams], status: str = ""):
    """The transfers from or to the caller's organizations (each side sees its half), newest first; ``status``
    one of the statuses or ``open`` (in transit or held)."""
    rows = request.scoped().select_related(*TRANSFER_ROWS)
    if status == "open":
        rows = rows.filter(status__in=OPEN_TRANSFER)
    elif status:
        rows = rows.filter(status=status)
    return paginate(rows.order_by("-issued_on", "-pk"), page, lambda items: [transfer_data(t) for t in items])


@router.get("/transfers/{transfer_id}", response=TransferOut)
@scoped(Transfer)
def transfer_get(request, transfer_id: int):
    return transfer_data(get_scoped(Transfer.objects.select_related(*TRANSFER_ROWS), request.auth, pk=transfer_id))


@router.post("/people/{person_id}/transfers", response={201: TransferOut, 409: TransferPreviewOut})
@scoped(Transfer)
def transfer_create(request, person_id: int, payload: TransferIn):
    """Issues the introduction letter (MEMBERSHIP.md): within the system the member stays counted here until the
    receiver accepts, and the receiver owes the receipt within a month."""
    _person, member = _member(request, person_id)
    to_org = None
    if payload.to_org is not None:
        from kernel.orgs.models import Organization

        to_org = Organization.objects.filter(pk=payload.to_org).first()
        if to_org is None:
            raise Http404
    try:
        transfer = run_service(request, transfers.transfer_issue, member=member, kind=payload.kind, to_org=to_org,
                               outside_name=payload.outside_name, dues_paid_to=payload.dues_paid_to,
                               valid_days=payload.valid_days, note=payload.note, confirm=payload.confirm)
    except services.NeedsConfirmation as exc:
        return Status(409, {"code": "confirmation_required", "message": exc.messages[0], **exc.details})
    return Status(201, transfer_data(transfer))


def _act(request, transfer_id: int, service, **kwargs) -> dict:
    transfer = get_scoped(Transfer.objects.all(), request.auth, pk=transfer_id)
    run_service(request, service, transfer=transfer, **kwargs)
    return transfer_data(Transfer.objects.select_related(*TRANSFER_ROWS).get(pk=transfer.pk))


@router.post("/transfers/{transfer_id}/accept", response=TransferOut)
@scoped(Transfer)
def transfer_accept(request, transfer_id: int, payload: TransferActionIn):
    """The receiver receives the member (on ``on``, default today): the member moves and the receipt is done."""
    return _act(request, transfer_id, transfers.transfer_accept, on=payload.on)


@router.post("/transfers/{transfer_id}/hold", response=TransferOut)
@scoped(Transfer)
def transfer_hold(request, transfer_id: int, payload: TransferActionIn):
    """The receiver holds the transfer (挂起) with a ``reason``: still in transit."""
    return _act(request, transfer_id, transfers.transfer_hold, reason=payload.reason)


@router.post("/transfers/{transfer_id}/return", response=TransferOut)
@scoped(Transfer)
def transfer_return(request, transfer_id: int, payload: TransferActionIn):
    """The receiver sends the transfer back (退回) with a ``reason``: the member stays where they were."""
    return _act(request, transfer_id, transfers.transfer_return, reason=payload.reason)


@router.post("/transfers/{transfer_id}/cancel", response=TransferOut)
@scoped(Transfer)
def transfer_cancel(request, transfer_id: int, payload: TransferActionIn):
    """The sender cancels a letter still in transit, with a ``reason``."""
    return _act(request, transfer_id, transfers.transfer_cancel, reason=payload.reason)


@router.post("/transfers/{transfer_id}/receipt", response=TransferOut)
@scoped(Transfer)
def transfer_receipt(request, transfer_id: int, payload: TransferActionIn):
    """The sender records the receipt of a letter out of the system (on ``on``): the member is transferred out."""
    return _act(request, transfer_id, transfers.transfer_receipt, on=payload.on)


# --- floating members ----------------------------------------------------------------------------------------------

class FloatingOut(Schema):
    id: int
    direction: choice(FloatDirection)
    organization: Ref
    person: Ref | None
    name: str
    home_organization: str
    place: str
    fixed_place: bool
    since: datetime.date
    reason: str
    contact_here: str
    contact_there: str
    expected_return: datetime.date | None
    card_number: str
    card_issued_on: datetime.date | None
    card_valid_until: datetime.date | None
    returned_on: datetime.date | None
    card_checked: bool
    should_transfer: bool


class FloatingIn(In):
    direction: choice(FloatDirection)
    organization: int
    person: int | None = Field(None, description="The outflow register: the member of the organization who is away.")
    name: str = Field("", max_length=50, description="The inflow register: the member's name.")
    home_organization: str = Field("", max_length=200, description="The inflow register: where the member belongs.")
    place: str = Field(..., max_length=200)
    fixed_place: bool = False
    since: datetime.date
    reason: str = Field("", max_length=200)
    contact_here: str = Field("", max_length=100)
    contact_there: str = Field("", max_length=100)
    expected_return: datetime.date | None = None
    card_number: str = Field("", max_length=40)
    card_issued_on: datetime.date | None = None
    card_valid_until: datetime.date | None = None
    note: str = Field("", max_length=300)


class FloatingReturnIn(In):
    on: datetime.date | None = None
    card_checked: bool = False


class FloatingReportIn(In):
    on: datetime.date
    text: str = Field("", max_length=200)


def floating_data(row: FloatingMember, today) -> dict:
    return {"id": row.pk, "direction": row.direction, "organization": ref(row.organization), "person": ref(row.person),
            **{name: getattr(row, name) for name in (
                "name", "home_organization", "place", "fixed_place", "since", "reason", "contact_here",
                "contact_there", "expected_return", "card_number", "card_issued_on", "card_valid_until",
                "returned_on", "card_checked")},
            "should_transfer": row.should_transfer(today)}


def _floating_act(request, floating_id: int, service, **kwargs) -> dict:
    """One register row in the caller's scope (else 404), acted on by ``service``, as it then stands."""
    row = get_scoped(FloatingMember.objects, request.auth, pk=floating_id)
    run_service(request, service, floating=row, **kwargs)
    return floating_data(FloatingMember.objects.select_related("organization", "person").get(pk=row.pk), clock.today())


@router.get("/floating", response=Page[FloatingOut])
@scoped(FloatingMember)
def floating_list(request, page: Query[PageParams], direction: choice(FloatDirection, blank=True) = "",
                  away: bool = True):
    """The outflow and inflow registers of the caller's organizations; ``away`` (default) those not back yet."""
    rows = request.scoped().select_related("organization", "person")
    if direction:
        rows = rows.filter(direction=direction)
    if away:
        rows = rows.filter(returned_on__isnull=True)
    today = clock.today()
    return paginate(rows.order_by("returned_on", "-since", "-pk"), page,
                    lambda items: [floating_data(row, today) for row in items])


@router.post("/floating", response={201: FloatingOut})
@scoped(FloatingMember)
def floating_create(request, payload: FloatingIn):
    """Registers a member away (``out``: the organization's own member, by ``person``) or come in (``in``: by
    ``name`` and ``home_organization``), with the activity card if one was issued."""
    from kernel.orgs.models import Organization

    data = payload.model_dump()
    organization = get_scoped(Organization.objects, request.auth, pk=data.pop("organization"))
    person_id = data.pop("person")
    person = get_scoped(Person.objects, request.auth, pk=person_id) if person_id is not None else None
    row = run_service(request, floating.floating_register, organization=organization, person=person, **data)
    return Status(201, floating_data(row, clock.today()))


@router.post("/floating/{floating_id}/return", response=FloatingOut)
@scoped(FloatingMember)
def floating_back(request, floating_id: int, payload: FloatingReturnIn):
    """The member is back (the activity card checked, when one was issued)."""
    return _floating_act(request, floating_id, floating.floating_return, on=payload.on,
                         card_checked=payload.card_checked)


@router.post("/floating/{floating_id}/report", response=FloatingOut)
@scoped(FloatingMember)
def floating_report(request, floating_id: int, payload: FloatingReportIn):
    """The member's yearly report to the home branch, recorded against the year's duty."""
    return _floating_act(request, floating_id, floating.report_record, on=payload.on, text=payload.text)


# --- the statistics annual report -----------------------------------------------------------------------------------

class StatisticsRowOut(Schema):
    row: str = Field(..., description="The organization's code, or \"total\".")
    name: str
    category: str = Field(..., description="all, probationary or full.")
    opening: int
    joined: int
    moved_in: int
    came_in: int
    moved_out: int
    went_out: int
    left: dict[str, int]
    made_full: int
    closing: int
    balanced: bool


class StatisticsOut(Schema):
    organization: Ref
    year: int
    reconciliation: list[StatisticsRowOut]
    tables: dict[str, dict[str, dict[str, int]]] = Field(..., description="{table: {row code or total: {column: n}}}")
    comparison: dict[str, dict[str, dict[str, int]]] = Field(
        ..., description="Two-year comparison: {before|after: {row code or total: {basic column: n}}}")
    leavers: dict[str, dict[str, int]] = Field(
        ..., description="Leavers by way of leaving (or total): {column (total, women, age:…, education:…, "
                         "joining:…): n}")
    probation: dict[str, dict[str, int]] = Field(
        ..., description="Probationary members made full: {row code or total: {made_full, on_time, "
                         "after_extension, extended, cancelled: n}}")
    admitted: dict[str, dict[str, int]] = Field(
        ..., description="Members admitted in the year: {row code or total: {column: n}}")
    sources: dict[str, dict[str, dict[str, int]]] = Field(
        ..., description="Figures other apps give (training, development): {source: {row code or total: {column: n}}}")
    commendations: dict[str, dict[str, dict[str, int]]] = Field(
        ..., description="In-party commendations: {grid: {honour: {level or total: n}}, rows: {row code or total: "
                         "{honour or total: n}}}")


@router.get("/statistics", response=StatisticsOut)
@scoped(StandingChange)
def statistics_get(request, year: Year, organization: int | None = None):
    """The party statistics annual report of an organization's subtree (default: the caller's top one) for a
    year: the reconciling form per row (each child organization, the organization's own members, the total) and
    category, and the tables of the members at the end of the year."""
    from kernel.orgs.models import Organization
    from kernel.orgs.views import scope_root

    from . import statistics, statistics_tables

    root = get_scoped(Organization.objects, request.auth, pk=organization) if organization else scope_root(request.auth)
    if root is None:
        raise Http404
    period = statistics.Period(root, year)
    data = statistics_tables.report(period)
    codes = {**dict(Organization.objects.filter(path__in=[path for path, _name in data["rows"]])
                    .values_list("path", "code")), "total": "total"}
    names = {**dict(data["rows"]), "total": str(statistics.TOTAL)}
    rows = [{"row": codes.get(path, path), "name": names.get(path, path), "category": category,
             **{key: cell[key] for key in ("opening", "joined", "moved_in", "came_in", "moved_out", "went_out",
                                           "made_full", "closing", "balanced")}, "left": cell["left"]}
            for path, cells in data["reconciliation"].items() for category, cell in cells.items()]
    tables = {table: {codes.get(path, path): cells for path, cells in found.items()}
              for table, found in data["tables"].items()}
    def by_code(found: dict) -> dict:
        return {codes.get(path, path): cells for path, cells in found.items()}

    return {"organization": ref(root), "year": year, "reconciliation": rows, "tables": tables,
            "comparison": {side: by_code(found) for side, found in data["comparison"].items()},
            "leavers": data["leavers"], "probation": by_code(data["probation"]),
            "admitted": by_code(data["admitted"]),
            "sources": {key: by_code({**src["rows"], "total": src["total"]}) for key, src in data["sources"].items()},
            "commendations": {"grid": data["commendations"]["grid"],
                              "rows": by_code(data["commendations"]["rows"])}}

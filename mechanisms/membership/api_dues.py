"""The dues API: a branch's ledger for a month (and opening it), payments, taking one back, a member's dues with
the base and reliefs, the committee above's decision on a relief, arrears and the bands in force. Reads through
``restrict``; writes through the services, which check the caller's scope again. Outside the scope: 404."""
import datetime
from decimal import Decimal

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from kernel.core import clock
from kernel.core.api import In, Page, PageParams, Ref, Year, choice, get_scoped, paginate, ref, run_service, scoped
from kernel.core.scope import CHANGE, VIEW, scope_for
from kernel.core.services import NeedsConfirmation
from kernel.orgs.models import Organization

from . import dues
from .api import _member
from .models_dues import DuesBase, DuesLine, DuesRelief, DuesSchedule, PayerKind, ReliefKind, ReliefStatus

router = Router(tags=["membership"])


class DuesLineOut(Schema):
    id: int
    person: Ref
    organization: Ref
    month: str
    owed: Decimal | None
    paid: Decimal
    paid_on: datetime.date | None
    paid_by: str
    settled: bool


class DuesLedgerOut(Schema):
    organization: Ref
    month: str
    owed: Decimal
    paid: Decimal
    settled: int
    not_on_ledger: int
    lines: list[DuesLineOut]


class DuesMonthIn(In):
    organization: int
    month: str = Field(..., max_length=7, description="YYYY-MM")


class DuesPaymentIn(In):
    months: list[str] = Field(..., max_length=24, description="The months paid, YYYY-MM each (at least one).")
    amount: Decimal | None = Field(None, ge=0, description="One month only; empty: what is owed.")
    paid_on: datetime.date | None = None
    paid_by: str = Field("", max_length=50, description="Who paid on the member's behalf, if someone did.")


class DuesBaseIn(In):
    payer_kind: choice(PayerKind)
    amount: Decimal = Field(..., ge=0)
    from_month: str = Field(..., max_length=7)
    note: str = Field("", max_length=300)


class DuesBaseOut(Schema):
    payer_kind: choice(PayerKind)
    amount: Decimal
    from_month: str
    note: str


class DuesReliefIn(In):
    kind: choice(ReliefKind)
    amount: Decimal | None = Field(None, ge=0)
    from_month: str = Field(..., max_length=7)
    to_month: str = Field(..., max_length=7)
    reason: str = Field(..., max_length=300)
    branch_decision: str = Field(..., max_length=300)
    decided_on: datetime.date


class DuesReliefOut(Schema):
    id: int
    person: Ref
    kind: choice(ReliefKind)
    amount: Decimal | None
    from_month: str
    to_month: str
    reason: str
    branch_decision: str
    decided_on: datetime.date
    status: choice(ReliefStatus)
    approval_note: str


class DuesDecisionIn(In):
    note: str = Field("", max_length=300)


class MemberDuesOut(Schema):
    person: Ref
    paid_up_to: str
    bases: list[DuesBaseOut]
    reliefs: list[DuesReliefOut]
    lines: list[DuesLineOut]


class DuesArrearOut(Schema):
    person: Ref
    organization: str
    months: int
    since: str
    behind: Decimal


class DuesBandOut(Schema):
    payer_kind: choice(PayerKind)
    upto: Decimal | None
    rate: Decimal | None
    minimum: Decimal | None
    maximum: Decimal | None


class DuesBandsOut(Schema):
    owner: Ref | None
    version: int | None
    valid_from: str | None
    bands: list[DuesBandOut]


def line_data(line: DuesLine) -> dict:
    return {"id": line.pk, "person": ref(line.member.person), "organization": ref(line.organization),
            "month": line.month.strftime("%Y-%m"), "owed": line.owed, "paid": line.paid, "paid_on": line.paid_on,
            "paid_by": line.paid_by, "settled": line.settled}


def relief_data(relief: DuesRelief) -> dict:
    return {"id": relief.pk, "person": ref(relief.member.person), "kind": relief.kind, "amount": relief.amount,
            "from_month": relief.from_month.strftime("%Y-%m"), "to_month": relief.to_month.strftime("%Y-%m"),
            "reason": relief.reason, "branch_decision": relief.branch_decision, "decided_on": relief.decided_on,
            "status": relief.status, "approval_note": relief.approval_note}


def _organization(request, pk: int) -> Organization:
    organization = Organization.objects.filter(pk=pk).first()
    if organization is None or not scope_for(request.auth).covers(organization.path, realm="people", action=VIEW):
        raise Http404
    return organization


@router.get("/ledger", response=DuesLedgerOut)
@scoped(DuesLine)
def ledger_get(request, organization: int, month: str):
    """An organization's ledger for a month: each member's line, the totals, and how many owe and have no line
    yet (open the month to add them)."""
    org = _organization(request, organization)
    lines = dues.ledger(request.auth, org, month)
    totals = dues.totals(request.scoped().filter(org_path=org.path, month=dues.month_of(month)))
    return {"organization": ref(org), "month": dues.month_of(month).strftime("%Y-%m"), "owed": totals["owed"],
            "paid": totals["paid"], "settled": totals["settled"], "not_on_ledger": dues.missing_count(org, month),
            "lines": [line_data(line) for line in lines]}


@router.post("/ledger/open", response={201: DuesLedgerOut})
@scoped(DuesLine)
def ledger_open(request, payload: DuesMonthIn):
    """Opens the month's ledger of an organization: a line for each member who owes dues that month."""
    org = _organization(request, payload.organization)
    from kernel.core.services import require_in_scope

    require_in_scope(request.auth, org.path, realm="people")
    dues.generate(payload.month, organization=org)
    return Status(201, ledger_get(request, payload.organization, payload.month))


@router.post("/people/{person_id}/payments", response={201: list[DuesLineOut]})
@scoped(DuesLine)
def payment_create(request, person_id: int, payload: DuesPaymentIn):
    """Records a member's dues paid for months (each in full, or ``amount`` for one month)."""
    _person, member = _member(request, person_id)
    lines = run_service(request, dues.pay, member=member, months=payload.months, amount=payload.amount,
                        paid_on=payload.paid_on, paid_by=payload.paid_by, source="api")
    return Status(201, [line_data(line) for line in
                        DuesLine.objects.filter(pk__in=[line.pk for line in lines]).select_related(
                            "member__person", "organization").order_by("month")])


@router.post("/lines/{line_id}/unpay", response=DuesLineOut)
@scoped(DuesLine)
def line_unpay(request, line_id: int):
    """Takes back a payment recorded by mistake."""
    line = get_scoped(DuesLine.objects.all(), request.auth, pk=line_id)
    line = run_service(request, dues.unpay, line=line)
    return line_data(DuesLine.objects.select_related("member__person", "organization").get(pk=line.pk))


@router.get("/people/{person_id}", response=MemberDuesOut)
@scoped(DuesLine)
def member_dues(request, person_id: int, year: Year | None = None):
    """A member's dues: paid up to, the bases, the reliefs and the year's lines."""
    person, member = _member(request, person_id)
    year = year or clock.today().year
    return {"person": ref(person), "paid_up_to": dues.paid_up_to(member),
            "bases": [{"payer_kind": b.payer_kind, "amount": b.amount, "from_month": b.from_month.strftime("%Y-%m"),
                       "note": b.note} for b in DuesBase.objects.filter(member=member)],
            "reliefs": [relief_data(r) for r in DuesRelief.objects.filter(member=member).select_related("member__person")],
            "lines": [line_data(line) for line in DuesLine.objects.filter(member=member, month__year=year)
                      .select_related("member__person", "organization")]}


@router.post("/people/{person_id}/base", response={201: DuesBaseOut})
@scoped(DuesBase)
def base_create(request, person_id: int, payload: DuesBaseIn):
    """The member's base from a month on; the lines from that month are owed again under it."""
    _person, member = _member(request, person_id)
    base = run_service(request, dues.base_set, member=member, **payload.model_dump())
    return Status(201, {"payer_kind": base.payer_kind, "amount": base.amount,
                        "from_month": base.from_month.strftime("%Y-%m"), "note": base.note})


@router.post("/people/{person_id}/reliefs", response={201: DuesReliefOut})
@scoped(DuesRelief)
def relief_create(request, person_id: int, payload: DuesReliefIn):
    """The branch's decision to reduce or exempt; it counts once the committee above approves it."""
    _person, member = _member(request, person_id)
    return Status(201, relief_data(run_service(request, dues.relief_propose, member=member, **payload.model_dump())))


@router.get("/reliefs", response=Page[DuesReliefOut])
@scoped(DuesRelief)
def reliefs_list(request, page: Query[PageParams], status: choice(ReliefStatus, blank=True) = ""):
    rows = request.scoped().select_related("member__person")
    if status:
        rows = rows.filter(status=status)
    return paginate(rows, page, lambda items: [relief_data(r) for r in items])


def _decide(request, relief_id: int, action: str, note: str) -> dict:
    relief = get_scoped(DuesRelief.objects.all(), request.auth, pk=relief_id)
    if action == "withdraw":
        relief = run_service(request, dues.relief_withdraw, relief=relief, note=note)
    else:
        relief = run_service(request, dues.relief_decide, relief=relief, approve=action == "approve", note=note)
    return relief_data(DuesRelief.objects.select_related("member__person").get(pk=relief.pk))


@router.post("/reliefs/{relief_id}/approve", response=DuesReliefOut)
@scoped(DuesRelief)
def relief_approve(request, relief_id: int, payload: DuesDecisionIn):
    """The committee above the member's branch approves: the months are owed again under it."""
    return _decide(request, relief_id, "approve", payload.note)


@router.post("/reliefs/{relief_id}/refuse", response=DuesReliefOut)
@scoped(DuesRelief)
def relief_refuse(request, relief_id: int, payload: DuesDecisionIn):
    """The committee above does not approve (say why in ``note``)."""
    return _decide(request, relief_id, "refuse", payload.note)


@router.post("/reliefs/{relief_id}/withdraw", response=DuesReliefOut)
@scoped(DuesRelief)
def relief_withdraw(request, relief_id: int, payload: DuesDecisionIn):
    """The branch withdraws its decision (say why in ``note``)."""
    return _decide(request, relief_id, "withdraw", payload.note)


@router.get("/arrears", response=Page[DuesArrearOut])
@scoped(DuesLine)
def arrears_list(request, page: Query[PageParams], under: int | None = None):
    """Members behind with their dues: months before this one owed and not paid in full."""
    org = get_scoped(Organization.objects, request.auth, pk=under) if under is not None else None
    rows = dues.arrears(request.auth, under=org)
    return paginate(rows, page, lambda items: [
        {"person": {"id": row["member__person_id"], "name": row["member__person__name"]},
         "organization": row["organization__name"], "months": row["months"], "since": row["since"].strftime("%Y-%m"),
         "behind": dues.behind(row)} for row in items])


@router.get("/bands", response=DuesBandsOut)
@scoped(DuesSchedule)
def bands_get(request, organization: int | None = None, month: str = ""):
    """The bands in force for an organization (default: the caller's top one) in a month (default: this one)."""
    if organization is not None:
        path = get_scoped(Organization.objects, request.auth, pk=organization).path
    else:
        roots = scope_for(request.auth).roots("org", VIEW)
        path = roots[0] if roots else Organization.objects.filter(depth=1).values_list("path", flat=True).first()
    schedule = dues.schedule_in_force(path or "", dues.month_of(month or clock.today()))
    if schedule is None:
        return {"owner": None, "version": None, "valid_from": None, "bands": []}
    return {"owner": ref(schedule.owner), "version": schedule.version,
            "valid_from": schedule.valid_from.strftime("%Y-%m"),
            "bands": [{"payer_kind": b.payer_kind, "upto": b.upto, "rate": b.rate, "minimum": b.minimum,
                       "maximum": b.maximum} for band_list in dues.bands_of(schedule).values() for b in band_list]}


# --- the bands' versions: a new one (a preview first), the list, a withdrawal ----------------------------------

class DuesBandIn(In):
    payer_kind: choice(PayerKind)
    upto: Decimal | None = Field(None, ge=0, description="A bracket's top (its base up to); empty: the open last one.")
    rate: Decimal | None = Field(None, ge=0, le=100, description="A bracket's percentage of the base.")
    minimum: Decimal | None = Field(None, ge=0, description="Farmers, students…: the lowest amount a month.")
    maximum: Decimal | None = Field(None, ge=0, description="Farmers, students…: the highest amount a month.")


class DuesBandsIn(In):
    owner: int = Field(..., description="The county (or city) committee whose bands these are.")
    valid_from: str = Field(..., max_length=7, description="The month it applies from, YYYY-MM.")
    note: str = Field("", max_length=300)
    bands: list[DuesBandIn] = Field(..., max_length=60, description="Every kind of payer: brackets, or a range.")
    confirm: bool = Field(False, description="Without it, the answer is 409 with the preview and nothing is written.")


class DuesBandsWithdrawIn(In):
    reason: str = Field("", max_length=300)
    confirm: bool = Field(False, description="Without it, the answer is 409 with the preview and nothing is written.")


class DuesBandsChangeOut(Schema):
    payer_kind: choice(PayerKind)
    label: str
    before: str
    after: str
    changed: bool


class DuesBandsReplacedOut(Schema):
    id: int
    version: int
    owner: str
    valid_from: str


class DuesBandsPreviewOut(Schema):
    """What a new version (or a withdrawal) changes: the bands per kind of payer before and after, the members
    whose monthly amount changes from its first month (more, less) and the month's total change, and the ledger
    lines already opened that would be owed again (those paid already counted apart). ``replaces``: the version in
    force before (for a withdrawal, the one owed under again)."""

    code: str = "confirmation_required"
    message: str = ""
    owner: Ref
    version: int
    valid_from: str
    replaces: DuesBandsReplacedOut | None
    bands: list[DuesBandsChangeOut]
    members_changed: int
    members_up: int
    members_down: int
    monthly_change: Decimal
    lines_repriced: int
    lines_paid_repriced: int
    months: list[str]


class DuesBandsVersionOut(Schema):
    id: int
    owner: Ref
    version: int
    valid_from: str
    note: str
    withdrawn_on: datetime.date | None
    withdraw_reason: str
    bands: list[DuesBandOut]


def _bands_mapping(bands: list[DuesBandIn]) -> dict:
    """The bands of the body as the mapping the service checks ({kind: brackets | {minimum, maximum}})."""
    mapping: dict = {}
    for band in bands:
        if band.payer_kind in dues.AMOUNT_KINDS:
            mapping[band.payer_kind] = {"minimum": band.minimum, "maximum": band.maximum}
        else:
            mapping.setdefault(band.payer_kind, []).append({"upto": band.upto, "rate": band.rate})
    return mapping


def version_data(schedule: DuesSchedule) -> dict:
    return {"id": schedule.pk, "owner": ref(schedule.owner), "version": schedule.version,
            "valid_from": schedule.valid_from.strftime("%Y-%m"), "note": schedule.note,
            "withdrawn_on": schedule.withdrawn_on, "withdraw_reason": schedule.withdraw_reason,
            "bands": [{"payer_kind": b.payer_kind, "upto": b.upto, "rate": b.rate, "minimum": b.minimum,
                       "maximum": b.maximum} for band_list in dues.bands_of(schedule).values() for b in band_list]}


def _owner(request, pk: int) -> Organization:
    return get_scoped(Organization.objects, request.auth, pk=pk)


@router.get("/bands/versions", response=list[DuesBandsVersionOut])
@scoped(DuesSchedule)
def bands_versions(request):
    """Every version of the bands the caller works under or sets, withdrawn ones marked, newest first."""
    return [version_data(s) for s in request.scoped().select_related("owner").prefetch_related("bands")]


@router.post("/bands/preview", response=DuesBandsPreviewOut)
@scoped(DuesSchedule)
def bands_preview(request, payload: DuesBandsIn):
    """What saving these bands as a new version would change (nothing is written; ``confirm`` is ignored)."""
    return {"message": "", **run_service(request, dues.schedule_preview, owner=_owner(request, payload.owner),
                                         valid_from=payload.valid_from, bands=_bands_mapping(payload.bands))}


@router.post("/bands", response={201: DuesBandsVersionOut, 409: DuesBandsPreviewOut})
@scoped(DuesSchedule)
def bands_create(request, payload: DuesBandsIn):
    """A new version of an owner's bands from a month on (this month or later): a bulk change, so without
    ``confirm: true`` the answer is 409 with what it would change; with it, the lines opened from that month on
    are owed again under it."""
    try:
        schedule = run_service(request, dues.schedule_save, owner=_owner(request, payload.owner),
                               valid_from=payload.valid_from, bands=_bands_mapping(payload.bands), note=payload.note,
                               confirm=payload.confirm)
    except NeedsConfirmation as exc:
        return Status(409, {"code": "confirmation_required", "message": exc.messages[0], **exc.details})
    return Status(201, version_data(DuesSchedule.objects.select_related("owner").get(pk=schedule.pk)))


@router.post("/bands/{schedule_id}/withdraw", response={200: DuesBandsVersionOut, 409: DuesBandsPreviewOut})
@scoped(DuesSchedule)
def bands_withdraw(request, schedule_id: int, payload: DuesBandsWithdrawIn):
    """Withdraws the owner's latest version, saved by mistake, before any month it priced is paid (say why in
    ``reason``): the lines it priced are owed again under the version before. Without ``confirm: true`` the
    answer is 409 with what it would change."""
    schedule = get_scoped(DuesSchedule.objects.select_related("owner"), request.auth, CHANGE, pk=schedule_id)
    try:
        schedule = run_service(request, dues.schedule_withdraw, schedule=schedule, reason=payload.reason,
                               confirm=payload.confirm)
    except NeedsConfirmation as exc:
        return Status(409, {"code": "confirmation_required", "message": exc.messages[0], **exc.details})
    return version_data(DuesSchedule.objects.select_related("owner").get(pk=schedule.pk))

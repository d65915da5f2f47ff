"""The dues API: a branch's ledger for a month (and opening it), payments, taking one back, a member's dues with
the base and reliefs, the committee above's decision on a relief, arrears and the bands in force. Reads through
``restrict``; writes through the services, which check the caller's scope again. Outside the scope: 404."""
import datetime
from decimal import Decimal

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from kernel.core import clock
from kernel.core.api import In, Page, PageParams, Ref, Year, choice, get_scoped, paginate, ref, run_service, scoped
from kernel.core.scope import VIEW, scope_for
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

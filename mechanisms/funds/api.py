"""Village funds in the REST API: the budgets of a year against what was paid (and the summary with the arrears),
a budget's payments, a payment recorded or withdrawn, a project's budget, the year's operating budgets for every
place (409 with the preview before it is done), and the table of rates by type of place. Reads through
``restrict``; writes through the services, which check the caller's scope again. Outside the scope: 404."""
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
    ref,
    run_service,
    scoped,
)
from kernel.core.scope import CHANGE
from kernel.core.services import NeedsConfirmation
from kernel.orgs.models import Organization

from . import selectors, services
from .models import Budget, BudgetBatch, BudgetKind, FundRate, Payment, PaySource, PlaceType

router = Router(tags=["funds"])
STATUSES = [(selectors.ARREARS, selectors.ARREARS), (selectors.OUTSTANDING, selectors.OUTSTANDING),
            (selectors.PAID, selectors.PAID)]


class FundsPaymentOut(Schema):
    id: int
    budget: int
    paid_on: datetime.date
    amount: Decimal
    source: choice(PaySource)
    note: str
    withdrawn_on: datetime.date | None
    withdraw_reason: str


class FundsBudgetOut(Schema):
    id: int
    organization: Ref
    township: Ref | None
    year: int
    kind: choice(BudgetKind)
    place_type: choice(PlaceType, blank=True)
    title: str
    amount: Decimal
    paid: Decimal
    outstanding: Decimal
    note: str


class FundsSummaryOut(Schema):
    year: int
    budgets: int
    budget: Decimal
    paid: Decimal
    outstanding: Decimal
    open: int
    arrears: Decimal = Field(..., description="What budgets of the years before this one still owe.")
    arrears_budgets: int
    places: int
    without_operating: int


class FundsBudgetIn(In):
    organization: int
    year: Year
    kind: choice(BudgetKind)
    amount: Decimal | None = Field(None, ge=0, description="Operating funds: default, the rate of the place's type.")
    title: str = Field("", max_length=200)
    note: str = Field("", max_length=300)


class FundsPaymentIn(In):
    paid_on: datetime.date | None = None
    amount: Decimal = Field(Decimal(0), ge=0)
    source: choice(PaySource) = PaySource.COUNTY
    note: str = Field("", max_length=300)


class FundsWithdrawIn(In):
    reason: str = Field("", max_length=300)


class FundsGenerateIn(In):
    owner: int
    year: Year
    confirm: bool = Field(False, description="Without it, 409 with what it would do and nothing is written.")


class FundsGenerateTypeOut(Schema):
    place_type: str
    count: int
    amount: str
    total: str


class FundsGeneratePreviewOut(NeedsConfirmationOut):
    owner: str
    year: int
    count: int
    skipped: int
    total: str
    by_type: list[FundsGenerateTypeOut]


class FundsBatchOut(Schema):
    id: int
    owner: Ref
    year: int
    budgets: int
    total: Decimal
    withdrawn_on: datetime.date | None


class FundsRateOut(Schema):
    id: int
    owner: Ref
    place_type: choice(PlaceType)
    amount: Decimal
    from_year: int
    note: str


class FundsRateIn(In):
    owner: int
    place_type: choice(PlaceType)
    amount: Decimal = Field(..., ge=0)
    from_year: Year
    note: str = Field("", max_length=300)


def budget_data(b: Budget) -> dict:
    return {"id": b.pk, "organization": ref(b.organization), "township": ref(b.organization.parent), "year": b.year,
            "kind": b.kind, "place_type": b.place_type, "title": b.title, "amount": b.amount, "paid": b.paid,
            "outstanding": b.outstanding, "note": b.note}


def payment_data(p: Payment) -> dict:
    return {"id": p.pk, "budget": p.budget_id, "paid_on": p.paid_on, "amount": p.amount, "source": p.source,
            "note": p.note, "withdrawn_on": p.withdrawn_on, "withdraw_reason": p.withdraw_reason}


def batch_data(b: BudgetBatch) -> dict:
    return {"id": b.pk, "owner": ref(b.owner), "year": b.year, "budgets": b.budgets, "total": b.total,
            "withdrawn_on": b.withdrawn_on}


def rate_data(row: FundRate) -> dict:
    return {"id": row.pk, "owner": ref(row.owner), "place_type": row.place_type, "amount": row.amount,
            "from_year": row.from_year, "note": row.note}


def _under(request, under):
    return get_scoped(Organization.objects, request.auth, pk=under) if under is not None else None


@router.get("/budgets", response=Page[FundsBudgetOut])
@scoped(Budget)
def budgets_list(request, page: Query[PageParams], year: Year | None = None, under: int | None = None,
                 kind: choice(BudgetKind, blank=True) = "", status: choice(STATUSES, blank=True) = ""):
    """The budgets (of a year, under an organization, of a kind): arrears (years past, not fully paid),
    outstanding (not fully paid) or paid."""
    rows = selectors.budgets(request.auth, year=year, under=_under(request, under), kind=kind, status=status)
    return paginate(rows, page, lambda items: [budget_data(b) for b in items])


@router.get("/summary", response=FundsSummaryOut)
@scoped(Budget)
def summary(request, year: Year | None = None, under: int | None = None):
    """The year's budgets against what was paid, the arrears of the years before, the places without an operating
    budget."""
    year = year or clock.today().year
    return {"year": year, **selectors.summary(request.auth, year=year, under=_under(request, under))}


@router.post("/budgets", response={201: FundsBudgetOut})
@scoped(Budget, CHANGE)
def budget_create(request, payload: FundsBudgetIn):
    """A place's budget of a year: its operating funds (default: the rate of its type of place) or a project's."""
    place = get_scoped(Organization.objects.filter(selectors.place_filter()), request.auth, CHANGE,
                       pk=payload.organization)
    budget = run_service(request, services.budget_create, organization=place,
                         **payload.model_dump(exclude={"organization"}))
    return Status(201, budget_data(Budget.objects.select_related("organization__parent").get(pk=budget.pk)))


@router.post("/budgets/{budget_id}/withdraw", response=FundsBudgetOut)
@scoped(Budget, CHANGE)
def budget_withdraw(request, budget_id: int):
    budget = run_service(request, services.budget_withdraw, budget=request.scoped.get(pk=budget_id))
    return budget_data(Budget.objects.select_related("organization__parent").get(pk=budget.pk))


@router.get("/budgets/{budget_id}/payments", response=list[FundsPaymentOut])
@scoped(Payment)
def payments_list(request, budget_id: int):
    budget = get_scoped(Budget.objects, request.auth, pk=budget_id)
    return [payment_data(p) for p in selectors.payments(request.auth, budget)]


@router.post("/budgets/{budget_id}/payments", response={201: FundsPaymentOut})
@scoped(Payment, CHANGE)
def payment_record(request, budget_id: int, payload: FundsPaymentIn):
    """Money paid against the budget (never more than is outstanding)."""
    budget = get_scoped(Budget.objects, request.auth, CHANGE, pk=budget_id)
    data = payload.model_dump()
    payment = run_service(request, services.payment_record, budget=budget, **data)
    return Status(201, payment_data(payment))


@router.post("/payments/{payment_id}/withdraw", response=FundsPaymentOut)
@scoped(Payment, CHANGE)
def payment_withdraw(request, payment_id: int, payload: FundsWithdrawIn):
    payment = run_service(request, services.payment_withdraw, payment=request.scoped.get(pk=payment_id),
                          reason=payload.reason)
    return payment_data(payment)


@router.post("/generate", response={201: FundsBatchOut, 409: FundsGeneratePreviewOut})
@scoped(BudgetBatch, CHANGE)
def generate(request, payload: FundsGenerateIn):
    """The year's operating budget of every village and community under the owner that has none, at the rate of
    its type of place; without ``confirm``, 409 with the preview."""
    owner = get_scoped(Organization.objects, request.auth, CHANGE, pk=payload.owner)
    try:
        batch = run_service(request, services.operating_generate, owner=owner, year=payload.year,
                            confirm=payload.confirm)
    except NeedsConfirmation as exc:
        return Status(409, {"code": "confirmation_required", "message": exc.messages[0], **exc.details})
    return Status(201, batch_data(batch))


@router.post("/batches/{batch_id}/withdraw", response=FundsBatchOut)
@scoped(BudgetBatch, CHANGE)
def batch_withdraw(request, batch_id: int):
    batch = run_service(request, services.batch_withdraw, batch=request.scoped.get(pk=batch_id))
    return batch_data(batch)


@router.get("/rates", response=list[FundsRateOut])
@scoped(FundRate)
def rates_list(request):
    """The rates the caller works under (a change adds a row in force from its year)."""
    return [rate_data(row) for row in request.scoped().select_related("owner")]


@router.post("/rates", response={201: FundsRateOut})
@scoped(FundRate, CHANGE)
def rate_create(request, payload: FundsRateIn):
    owner = get_scoped(Organization.objects, request.auth, CHANGE, pk=payload.owner)
    row = run_service(request, services.rate_set, owner=owner, **payload.model_dump(exclude={"owner"}))
    return Status(201, rate_data(row))

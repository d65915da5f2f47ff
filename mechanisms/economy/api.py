"""The collective economy in the REST API: the villages of a year with their income and status, a village's
incomes (and setting a year's), the plans against the actuals, the thresholds and the department support. Reads
through ``restrict``; writes through the services, which check the caller's scope again. Outside the scope: 404."""
from decimal import Decimal

from ninja import Field, Query, Router, Schema, Status

from kernel.core.api import In, Page, PageParams, Ref, Year, choice, get_scoped, paginate_rows, ref, run_service, scoped
from kernel.core.scope import CHANGE
from kernel.orgs.models import Organization

from . import selectors, services
from .models import ELIMINATED, NEWLY_EMPTY, RECORDED, EliminationPlan, EmptyThreshold, Income, IncomeSource, Support

router = Router(tags=["economy"])
FILTERS = [("empty", "empty"), ("income", "income"), ("unknown", "unknown"), (ELIMINATED, ELIMINATED),
           (NEWLY_EMPTY, NEWLY_EMPTY), (RECORDED, RECORDED)]


class EconomyVillageOut(Schema):
    organization: Ref
    township: Ref | None
    year: int
    amounts: dict[str, Decimal]
    total: Decimal | None
    threshold: Decimal
    status: str = Field(..., description="empty, income (above the threshold) or unknown (nothing recorded)")
    status_last_year: str
    eliminated: bool
    newly_empty: bool


class EconomyCountsOut(Schema):
    year: int
    villages: int
    empty: int
    income: int
    unknown: int
    eliminated: int
    newly_empty: int
    total: Decimal


class EconomyIncomesIn(In):
    year: Year
    amounts: dict[choice(IncomeSource), Decimal | None] = Field(
        default_factory=dict, description="{source: yuan}; null removes the source's figure")
    note: str = Field("", max_length=300)


class EconomyPlanYearOut(Schema):
    year: int
    target: int
    left_by_plan: int
    eliminated: int
    newly_empty: int
    empty: int
    unknown: int
    villages: int
    met: bool
    recorded: bool


class EconomyPlanOut(Schema):
    id: int
    owner: Ref
    title: str
    start_year: int
    years: int
    per_year: int
    baseline: int
    progress: list[EconomyPlanYearOut]


class EconomyPlanIn(In):
    owner: int
    title: str = Field("", max_length=200)
    start_year: Year
    years: int = Field(3, ge=1, le=10)
    per_year: int = Field(100, ge=1)
    baseline: int | None = Field(None, ge=0, description="Default: the villages empty the year before the first.")
    note: str = ""


class EconomyWithdrawIn(In):
    reason: str = Field("", max_length=300)


class EconomyThresholdOut(Schema):
    id: int
    owner: Ref
    min_income: Decimal
    counts_subsidies: bool
    from_year: int
    note: str


class EconomyThresholdIn(In):
    owner: int
    min_income: Decimal = Field(..., ge=0)
    counts_subsidies: bool = False
    from_year: Year
    note: str = Field("", max_length=300)


class EconomySupportOut(Schema):
    id: int
    organization: Ref
    year: int
    department: str
    leader: str
    measures: str


class EconomySupportIn(In):
    year: Year
    department: str = Field("", max_length=120)
    leader: str = Field("", max_length=50)
    measures: str = Field("", max_length=300)


def village_data(row: selectors.VillageYear) -> dict:
    org = row.organization
    return {"organization": ref(org), "township": ref(org.parent), "year": row.year, "amounts": row.amounts,
            "total": row.total, "threshold": row.line.min_income, "status": row.status,
            "status_last_year": row.before, "eliminated": row.eliminated, "newly_empty": row.newly_empty}


def plan_data(plan: EliminationPlan, under=None) -> dict:
    return {"id": plan.pk, "owner": ref(plan.owner), "title": plan.title, "start_year": plan.start_year,
            "years": plan.years, "per_year": plan.per_year, "baseline": plan.baseline,
            "progress": selectors.progress(plan, under)}


def support_data(row: Support) -> dict:
    return {"id": row.pk, "organization": ref(row.organization), "year": row.year, "department": row.department,
            "leader": row.leader, "measures": row.measures}


def _under(request, under):
    return get_scoped(Organization.objects, request.auth, pk=under) if under is not None else None


def _village(request, organization_id: int, action: str = "view") -> Organization:
    return get_scoped(Organization.objects.filter(selectors.village_filter()), request.auth, action,
                      pk=organization_id)


@router.get("/villages", response=Page[EconomyVillageOut])
@scoped(Income)
def villages_list(request, page: Query[PageParams], year: Year | None = None, under: int | None = None,
                  status: choice(FILTERS, blank=True) = ""):
    """The villages with their income and status in ``year`` (default: the latest year recorded): empty (below
    the threshold), income (above it), unknown (nothing recorded), eliminated (empty the year before, not this
    year), newly empty, or recorded (an income recorded, empty or not)."""
    year = year or selectors.default_year(request.auth)
    rows = selectors.village_years(selectors.villages(request.auth, _under(request, under)), year)
    return paginate_rows(selectors.pick(rows, status), page, lambda items: [village_data(r) for r in items])


@router.get("/counts", response=EconomyCountsOut)
@scoped(Income)
def counts(request, year: Year | None = None, under: int | None = None):
    """How many villages are empty, above the threshold and unknown in ``year``, eliminated and newly empty."""
    year = year or selectors.default_year(request.auth)
    rows = selectors.village_years(selectors.villages(request.auth, _under(request, under)), year)
    return {"year": year, **selectors.counts(rows)}


@router.get("/villages/{organization_id}/incomes", response=list[EconomyVillageOut])
@scoped(Income)
def village_incomes(request, organization_id: int):
    """The village's income and status in each year recorded, the latest first."""
    village = _village(request, organization_id)
    years = sorted(set(request.scoped().filter(organization=village).values_list("year", flat=True)), reverse=True)
    return [village_data(selectors.village_years([village], year)[0]) for year in years]


@router.post("/villages/{organization_id}/incomes", response=EconomyVillageOut)
@scoped(Income, CHANGE)
def village_incomes_set(request, organization_id: int, payload: EconomyIncomesIn):
    """Sets the village's incomes of a year, source by source (null removes a source's figure)."""
    village = _village(request, organization_id, CHANGE)
    run_service(request, services.incomes_set, organization=village, year=payload.year,
                amounts=dict(payload.amounts), note=payload.note)
    return village_data(selectors.village_years([village], payload.year)[0])


@router.get("/plans", response=list[EconomyPlanOut])
@scoped(EliminationPlan)
def plans_list(request, under: int | None = None):
    """The plans in force, each year's target against the actuals (under an organization: its villages)."""
    org = _under(request, under)
    return [plan_data(plan, org if org is not None and org.path.startswith(plan.owner_path) else None)
            for plan in selectors.plans(request.auth)]


@router.post("/plans", response={201: EconomyPlanOut})
@scoped(EliminationPlan, CHANGE)
def plan_create(request, payload: EconomyPlanIn):
    """A plan to eliminate empty villages under the owner: so many a year from a year, for so many years."""
    owner = get_scoped(Organization.objects, request.auth, CHANGE, pk=payload.owner)
    plan = run_service(request, services.plan_create, owner=owner, **payload.model_dump(exclude={"owner"}))
    return Status(201, plan_data(plan))


@router.post("/plans/{plan_id}/withdraw", response=EconomyPlanOut)
@scoped(EliminationPlan, CHANGE)
def plan_withdraw(request, plan_id: int, payload: EconomyWithdrawIn):
    plan = request.scoped.get(pk=plan_id)
    plan = run_service(request, services.plan_withdraw, plan=plan, reason=payload.reason)
    return plan_data(plan)


@router.get("/thresholds", response=list[EconomyThresholdOut])
@scoped(EmptyThreshold)
def thresholds_list(request):
    """The thresholds the caller works under (a change adds a row in force from its year)."""
    return [{"id": row.pk, "owner": ref(row.owner), "min_income": row.min_income,
             "counts_subsidies": row.counts_subsidies, "from_year": row.from_year, "note": row.note}
            for row in request.scoped().select_related("owner")]


@router.post("/thresholds", response={201: EconomyThresholdOut})
@scoped(EmptyThreshold, CHANGE)
def threshold_create(request, payload: EconomyThresholdIn):
    owner = get_scoped(Organization.objects, request.auth, CHANGE, pk=payload.owner)
    row = run_service(request, services.threshold_set, owner=owner, **payload.model_dump(exclude={"owner"}))
    return Status(201, {"id": row.pk, "owner": ref(owner), "min_income": row.min_income,
                        "counts_subsidies": row.counts_subsidies, "from_year": row.from_year, "note": row.note})


@router.get("/support", response=list[EconomySupportOut])
@scoped(Support)
def support_list(request, year: Year | None = None, under: int | None = None):
    """The departments' 挂点 of villages (of a year, under an organization)."""
    return [support_data(row) for row in selectors.supports(request.auth, year=year, under=_under(request, under))]


@router.post("/villages/{organization_id}/support", response={201: EconomySupportOut})
@scoped(Support, CHANGE)
def support_add(request, organization_id: int, payload: EconomySupportIn):
    village = _village(request, organization_id, CHANGE)
    row = run_service(request, services.support_add, organization=village, **payload.model_dump())
    return Status(201, support_data(row))


@router.post("/support/{support_id}/withdraw", response=EconomySupportOut)
@scoped(Support, CHANGE)
def support_withdraw(request, support_id: int):
    row = run_service(request, services.support_withdraw, support=request.scoped.get(pk=support_id))
    return support_data(row)



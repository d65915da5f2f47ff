"""Reads of the village funds, through ``restrict``: the places (villages and communities) in the user's scope
with their type, the rate in force, the budgets of a year against what was paid, and the arrears."""
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from kernel.core import clock
from kernel.core.tree import ancestor_paths, subtree_q
from kernel.orgs.models import Domain, Organization, OrgStatus, OrgType

from .models import Budget, BudgetKind, FundRate, Payment, PlaceType

# Seed 001 (武冈): 村运转经费每年7万元，农村社区每年9万元，城市社区每年15万元.
DEFAULT_RATES = {PlaceType.VILLAGE: Decimal("70000.00"), PlaceType.RURAL_COMMUNITY: Decimal("90000.00"),
                 PlaceType.URBAN_COMMUNITY: Decimal("150000.00")}
CENT = Decimal("0.01")


def money(value) -> Decimal:
    return Decimal(value or 0).quantize(CENT)
PLACE_TYPES = (OrgType.BRANCH, OrgType.GENERAL_BRANCH, OrgType.PARTY_COMMITTEE)
ARREARS, OUTSTANDING, PAID = "arrears", "outstanding", "paid"


def place_filter() -> Q:
    """The villages and communities: active rural or community organizations directly under a township or street
    committee."""
    return Q(domain__in=[Domain.RURAL, Domain.COMMUNITY], org_type__in=PLACE_TYPES, status=OrgStatus.ACTIVE,
             parent__org_type=OrgType.PARTY_COMMITTEE, parent__parent__org_type=OrgType.COMMITTEE)


def places(user, under: Organization | None = None):
    rows = Organization.objects.restrict(user).filter(place_filter())
    if under is not None:
        rows = rows.filter(subtree_q("path", [under.path]))
    return rows.select_related("parent").order_by("path")


def place_type(organization: Organization) -> str:
    """A rural organization is a village; a community under a township a rural community, under a street an urban
    one."""
    if organization.domain == Domain.RURAL:
        return PlaceType.VILLAGE
    parent = organization.parent
    return PlaceType.RURAL_COMMUNITY if parent is not None and parent.domain == Domain.RURAL else \
        PlaceType.URBAN_COMMUNITY


def rates() -> dict:
    found = defaultdict(list)
    for row in FundRate.objects.order_by("-from_year", "-id"):
        found[(row.owner_path, row.place_type)].append(row)
    return found


def rate_for(path: str, kind: str, year: int, table: dict | None = None) -> tuple[Decimal, FundRate | None]:
    """The operating funds a year for a place of ``kind`` at ``path`` in ``year``: the nearest owner above with a
    row for the type, its latest from that year or before; seed 001's figures where none is set."""
    table = rates() if table is None else table
    for owner_path in reversed(ancestor_paths(path)):
        rows = table.get((owner_path, kind))
        if rows:
            row = next((row for row in rows if row.from_year <= year), None)
            if row is not None:
                return row.amount, row
            break
    return DEFAULT_RATES[kind], None


def budgets(user, *, year: int | None = None, under=None, kind: str = "", status: str = ""):
    rows = Budget.objects.restrict(user).filter(withdrawn_on__isnull=True).select_related(
        "organization", "organization__parent")
    if year is not None:
        rows = rows.filter(year=year)
    if under is not None:
        rows = rows.filter(subtree_q("org_path", [under.path]))
    if kind:
        rows = rows.filter(kind=kind)
    if status == ARREARS:
        rows = rows.filter(amount__gt=F("paid"), year__lt=clock.today().year)
    elif status == OUTSTANDING:
        rows = rows.filter(amount__gt=F("paid"))
    elif status == PAID:
        rows = rows.filter(amount__lte=F("paid"))
    return rows.order_by("org_path", "kind", "id")


def totals(rows) -> dict:
    found = rows.aggregate(sum_budget=Sum("amount"), sum_paid=Sum("paid"), n=Count("id"),
                           n_open=Count("id", filter=Q(amount__gt=F("paid"))))
    budget, paid = money(found["sum_budget"]), money(found["sum_paid"])
    return {"budgets": found["n"], "budget": budget, "paid": paid, "outstanding": budget - paid,
            "open": found["n_open"]}


def summary(user, *, year: int, under=None) -> dict:
    """The year's budgets against what was paid, the arrears of the years before, and the places of the year
    without an operating budget."""
    found = totals(budgets(user, year=year, under=under))
    arrears = totals(budgets(user, under=under, status=ARREARS).filter(year__lt=clock.today().year))
    with_operating = set(budgets(user, year=year, under=under, kind=BudgetKind.OPERATING)
                         .values_list("organization_id", flat=True))
    every = list(places(user, under).values_list("pk", flat=True))
    found.update(arrears=arrears["outstanding"], arrears_budgets=arrears["budgets"], places=len(every),
                 without_operating=sum(pk not in with_operating for pk in every))
    return found


def by_kind(user, *, year: int, under=None) -> list[dict]:
    rows = (budgets(user, year=year, under=under).values("kind", "place_type")
            .annotate(n=Count("id"), sum_budget=Sum("amount"), sum_paid=Sum("paid")).order_by("kind", "place_type"))
    return [{**row, "budget": money(row.pop("sum_budget")), "paid": money(row.pop("sum_paid"))} for row in rows]


def payments(user, budget: Budget):
    return Payment.objects.restrict(user).filter(budget=budget).select_related("recorded_by")

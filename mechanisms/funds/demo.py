"""Village funds for the demo county or city (seed 001): the county's rates (70,000 yuan a village, 90,000 a rural
community, 150,000 an urban community a year), each place's operating budget of the last three years paid in
instalments (the years past in full but for a few in arrears, this year up to the current quarter), the remote-
education stations' maintenance (2,000 yuan a year) and new service centers (300,000 yuan each) in some villages."""
import datetime
import random
from decimal import Decimal

from django.db import transaction

from kernel.core import clock
from kernel.core.actor import acting_as
from kernel.core.tree import subtree_q
from kernel.orgs.models import Organization

from . import selectors
from .models import Budget, BudgetKind, FundRate, Payment, PaySource, PlaceType

NOTE = "关于提高村级组织运转经费保障水平的通知"
ARREARS_SHARE = 0.04


def generate_funds(root: Organization, seed: int, progress=print, today: datetime.date | None = None) -> dict:
    with acting_as(None, source="command:demo_data:funds"), transaction.atomic():
        return _generate(root, seed, today or clock.today(), progress)


def _generate(root, seed, today, progress) -> dict:
    if Budget.objects.filter(subtree_q("org_path", [root.path])).exists():
        return {"budgets": 0}
    rng = random.Random(f"funds:{seed}")
    for kind, amount in selectors.DEFAULT_RATES.items():
        FundRate.objects.get_or_create(owner=root, place_type=kind, from_year=2015, defaults={
            "owner_path": root.path, "amount": amount, "note": NOTE})
    places = list(Organization.objects.filter(selectors.place_filter(), subtree_q("path", [root.path]))
                  .select_related("parent").order_by("path"))
    table = selectors.rates()
    budgets = []
    for year in range(today.year - 2, today.year + 1):
        for place in places:
            kind = selectors.place_type(place)
            amount, _row = selectors.rate_for(place.path, kind, year, table)
            budgets.append(Budget(organization=place, org_path=place.path, year=year, kind=BudgetKind.OPERATING,
                                  place_type=kind, amount=amount))
            if kind == PlaceType.VILLAGE and rng.random() < 0.3:
                budgets.append(Budget(organization=place, org_path=place.path, year=year,
                                      kind=BudgetKind.REMOTE_EDUCATION, place_type=kind, title="远教站点维护改造",
                                      amount=Decimal("2000")))
            if kind == PlaceType.VILLAGE and rng.random() < 0.08:
                budgets.append(Budget(organization=place, org_path=place.path, year=year,
                                      kind=BudgetKind.SERVICE_CENTER, place_type=kind, title="新建便民服务中心",
                                      amount=Decimal("300000")))
    Budget.objects.bulk_create(budgets, batch_size=2000)
    quarter_ends = [datetime.date(today.year, m, 25) for m in (3, 6, 9, 12)]
    payments = []
    for budget in budgets:
        if budget.year < today.year:
            share = Decimal("0.5") if rng.random() < ARREARS_SHARE else Decimal(1)
            instalments = [(datetime.date(budget.year, m, 25), budget.amount * share / 4) for m in (3, 6, 9, 12)]
        else:
            paid_quarters = [day for day in quarter_ends if day <= today]
            instalments = [(day, budget.amount / 4) for day in paid_quarters]
        if budget.kind != BudgetKind.OPERATING:
            instalments = [(datetime.date(budget.year, 6, 30), budget.amount)] if (
                budget.year < today.year or today >= datetime.date(today.year, 6, 30)) else []
        paid = Decimal(0)
        for day, amount in instalments:
            amount = amount.quantize(Decimal("0.01"))
            paid += amount
            payments.append(Payment(budget=budget, org_path=budget.org_path, paid_on=day, amount=amount,
                                    source=PaySource.COUNTY if budget.kind == BudgetKind.OPERATING
                                    else rng.choice([PaySource.COUNTY, PaySource.HIGHER])))
        budget.paid = paid
    Payment.objects.bulk_create(payments, batch_size=2000)
    Budget.objects.bulk_update(budgets, ["paid"], batch_size=2000)
    progress(f"funds: {len(places):,} villages and communities, {len(budgets):,} budgets, {len(payments):,} payments")
    return {"budgets": len(budgets), "payments": len(payments)}

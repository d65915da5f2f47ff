"""Township-B rows of the village funds' models at the scope walk's FOREIGN_PK (tests/test_scope_walk.py)."""
import datetime
from decimal import Decimal

from mechanisms.funds.models import Budget, BudgetBatch, FundRate, Payment


def foreign_rows(pk, foreign, org_fields) -> dict:
    def rate(county):
        org = org_fields()["organization"]
        return foreign(FundRate, owner=org, owner_path=org.path, place_type="village", amount=Decimal("70000"),
                       from_year=2015)

    def batch(county):
        org = org_fields()["organization"]
        return foreign(BudgetBatch, owner=org, owner_path=org.path, year=2025)

    def budget(county):
        return foreign(Budget, **org_fields(), year=2025, kind="operating", place_type="village",
                       amount=Decimal("70000"))

    def payment(county):
        return foreign(Payment, budget_id=pk, org_path=org_fields()["org_path"], paid_on=datetime.date(2025, 3, 25),
                       amount=Decimal("17500"))

    return {FundRate: rate, BudgetBatch: batch, Budget: budget, Payment: payment}

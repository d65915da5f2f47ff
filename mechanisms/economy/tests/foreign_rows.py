"""Township-B rows of the collective economy's models at the scope walk's FOREIGN_PK (tests/test_scope_walk.py)."""
from decimal import Decimal

from mechanisms.economy.models import (
    EliminationPlan,
    EmptyThreshold,
    Income,
    IncomeImport,
    IncomeImportLine,
    Support,
)


def foreign_rows(pk, foreign, org_fields) -> dict:
    def owned(model, **fields):
        def make(county):
            org = org_fields()["organization"]
            return foreign(model, owner=org, owner_path=org.path, **fields)
        return make

    def income(county):
        return foreign(Income, **org_fields(), year=2024, source="operating", amount=Decimal("5000"))

    def line(county):
        return foreign(IncomeImportLine, batch_id=pk, **org_fields(), source="operating", amount=Decimal("5000"))

    def support(county):
        return foreign(Support, **org_fields(), year=2024, department="县财政局")

    return {EmptyThreshold: owned(EmptyThreshold, min_income=Decimal("10000"), from_year=2015),
            IncomeImport: owned(IncomeImport, year=2024),
            Income: income, IncomeImportLine: line,
            EliminationPlan: owned(EliminationPlan, title="三年行动", start_year=2024, years=3, per_year=1, baseline=3),
            Support: support}

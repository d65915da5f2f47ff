"""Township-B rows of the first-secretary models at the scope walk's FOREIGN_PK (see tests/test_scope_walk.py)."""
import datetime
from decimal import Decimal

from mechanisms.firstsec.models import (
    CheckIn,
    Dispatch,
    EliminationDecision,
    EliminationEntry,
    FirstsecRule,
    OutcomeLog,
)


def foreign_rows(pk, foreign, org_fields) -> dict:
    def person_fields():
        fields = org_fields()
        return {"person_id": pk, "org_path": fields["org_path"]}

    def rule(county):
        return foreign(FirstsecRule, organization=county.township_b, org_path=county.township_b.path)

    def dispatch(county):
        village = org_fields()["organization"]
        return foreign(Dispatch, **person_fields(), village=village, township=county.township_b,
                       village_class="poor", sending_unit="乙镇财政所", started_on=datetime.date(2024, 1, 1),
                       ends_on=datetime.date(2026, 1, 1), post_id=pk)

    def checkin(county):
        return foreign(CheckIn, **person_fields(), dispatch_id=pk, day=datetime.date(2024, 3, 1),
                       entered_on=datetime.date(2024, 3, 9), late=True, approval="pending")

    def elimination(county):
        return foreign(EliminationEntry, **person_fields(), dispatch_id=pk, county=county.township_b,
                       last_month="2024-03", months=["2024-01", "2024-02", "2024-03"], average_total=Decimal("50"),
                       average_satisfaction=Decimal("4"), reason="王家新村末位")

    def decision(county):
        return foreign(EliminationDecision, county=county.township_b, owner_path=county.township_b.path,
                       last_month="2024-03", decided_on=datetime.date(2024, 4, 1),
                       previous={str(pk): {"decision": "", "dispatch": {"id": pk, "status": "in_post"}}})

    def outcome(county):
        return foreign(OutcomeLog, **person_fields(), dispatch_id=pk, day=datetime.date(2024, 3, 1), visits=5,
                       note="王家新村走访")

    return {FirstsecRule: rule, Dispatch: dispatch, CheckIn: checkin, EliminationEntry: elimination,
            EliminationDecision: decision, OutcomeLog: outcome}

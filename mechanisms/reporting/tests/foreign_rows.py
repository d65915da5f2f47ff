"""Township-B rows of the reporting models at the scope walk's FOREIGN_PK (tests/test_scope_walk.py),
in creation order."""
import datetime

from mechanisms.reporting.models import Finding, Inspection, Rectification, SupervisionNotice, TwoWayEvaluation


def foreign_rows(pk, foreign, org_fields) -> dict:
    def inspection(county):
        return foreign(Inspection, organization=county.township_b, org_path=county.township_b.path, year=2024,
                        quarter=1, inspected_on=datetime.date(2024, 3, 25), team="乙镇党委检查组", note="")

    def finding(county):
        return foreign(Finding, inspection_id=pk, **org_fields(), text="王家新村党支部台账不全")

    def notice(county):
        return foreign(SupervisionNotice, finding_id=pk, number="乙督〔2024〕1号", issuer=county.township_b,
                        **org_fields(), issued_on=datetime.date(2024, 3, 26), deadline=datetime.date(2024, 4, 30),
                        requirement="王家新村党支部限期整改", closure_note="")

    def rectification(county):
        return foreign(Rectification, notice_id=pk, org_path=org_fields()["org_path"],
                        text="王家新村党支部已整改", submitted_on=datetime.date(2024, 4, 20))

    def two_way(county):
        return foreign(TwoWayEvaluation, person_id=pk, org_path=org_fields()["org_path"], period_label="2024-H1",
                        evaluated_by=county.township_b, evaluated_on=datetime.date(2024, 7, 10), grade="好",
                        opinion="王小六述职")


    return {Inspection: inspection, Finding: finding, SupervisionNotice: notice, Rectification: rectification, TwoWayEvaluation: two_way}

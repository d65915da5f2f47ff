"""Township-B rows of the liaison models at the scope walk's FOREIGN_PK (tests/test_scope_walk.py),
in creation order."""
import datetime

from mechanisms.liaison.models import LiaisonPoint, LiaisonVisit, ServiceRequest


def foreign_rows(pk, foreign, org_fields) -> dict:
    def liaison_point(county):
        return foreign(LiaisonPoint, leader_id=pk, **org_fields(), level="township", year=2024,
                        assigned_on=datetime.date(2024, 1, 5), note="王家新村党支部联系点")

    def liaison_visit(county):
        return foreign(LiaisonVisit, point_id=pk, org_path=org_fields()["org_path"],
                        visited_on=datetime.date(2024, 4, 2), content="走访王家新村党支部", help_given="")

    def service_request(county):
        return foreign(ServiceRequest, **org_fields(), service_date=datetime.date(2024, 4, 1), resident_name="王小六",
                        matter="王家新村低保代办", note="")


    return {LiaisonPoint: liaison_point, LiaisonVisit: liaison_visit, ServiceRequest: service_request}

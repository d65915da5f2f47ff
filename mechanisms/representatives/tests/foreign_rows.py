"""Township-B rows of the representatives' models at the scope walk's FOREIGN_PK (tests/test_scope_walk.py)."""
import datetime

from mechanisms.representatives.models import (
    Activity,
    Congress,
    Household,
    HouseholdRequest,
    Proposal,
    RepImport,
    Representative,
    Studio,
)


def foreign_rows(pk, foreign, org_fields) -> dict:
    def congress(county):
        return foreign(Congress, **org_fields(), number=9, name="乙镇第9次党代会", opened_on=datetime.date(2021, 9, 1),
                       term_ends_on=datetime.date(2026, 8, 31))

    def studio(county):
        return foreign(Studio, **org_fields(), name="乙镇党代表工作室")

    def rep(county):
        org = org_fields()["organization"]
        return foreign(Representative, congress_id=pk, person_id=pk, constituency=org, studio_id=pk, village=org,
                       org_path=org.path)

    def household(county):
        return foreign(Household, representative_id=pk, org_path=org_fields()["org_path"], name="王大户",
                       address="一组")

    def activity(county):
        return foreign(Activity, representative_id=pk, studio_id=pk, org_path=org_fields()["org_path"],
                       kind="research", occurred_on=datetime.date(2025, 6, 2), content="调研")

    def proposal(county):
        return foreign(Proposal, representative_id=pk, org_path=org_fields()["org_path"], title="提议", content="内容",
                       submitted_on=datetime.date(2025, 6, 2))

    def request(county):
        return foreign(HouseholdRequest, household_id=pk, representative_id=pk, org_path=org_fields()["org_path"],
                       matter="诉求", received_on=datetime.date(2025, 6, 2), deadline=datetime.date(2025, 6, 17))

    def batch(county):
        return foreign(RepImport, congress_id=pk, org_path=org_fields()["org_path"], file_name="乙镇党代表.xlsx")

    return {RepImport: batch, Congress: congress, Studio: studio, Representative: rep, Household: household, Activity: activity,
            Proposal: proposal, HouseholdRequest: request}

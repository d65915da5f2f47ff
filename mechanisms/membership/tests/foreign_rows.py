"""Township-B rows of the membership models at the scope walk's FOREIGN_PK (tests/test_scope_walk.py)."""
import datetime

from mechanisms.membership.models import FloatingMember, StandingChange, Transfer


def foreign_rows(pk, foreign, org_fields) -> dict:
    def standing_change(county):
        return foreign(StandingChange, person_id=pk, member_id=pk, org_path=org_fields()["org_path"],
                       kind="lose_contact", on=datetime.date(2024, 3, 1), category_before="full",
                       category_after="full", status_before="active", status_after="active")

    def transfer(county):
        org = org_fields()
        return foreign(Transfer, kind="within", person_id=pk, member_id=pk, from_org=org["organization"],
                       from_path=org["org_path"], to_org=org["organization"], to_path=org["org_path"],
                       serial="WJX-2024-0001", issued_on=datetime.date(2024, 3, 1), valid_until=datetime.date(2024, 3, 31),
                       dues_paid_to="2024-02", category="full")

    def floating_member(county):
        return foreign(FloatingMember, direction="out", person_id=pk, name="王五", **org_fields(), place="广东省深圳市",
                       since=datetime.date(2024, 2, 1))

    return {StandingChange: standing_change, Transfer: transfer, FloatingMember: floating_member}

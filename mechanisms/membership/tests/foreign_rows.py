"""Township-B rows of the membership models at the scope walk's FOREIGN_PK (tests/test_scope_walk.py)."""
import datetime
from decimal import Decimal

from mechanisms.membership.models import (
    Commendation,
    DuesBase,
    DuesLine,
    DuesOneOff,
    DuesRelief,
    DuesSchedule,
    EvaluationCase,
    EvaluationGrade,
    FloatingMember,
    LapseWarning,
    StandingChange,
    Talk,
    Transfer,
)


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

    def evaluation_grade(county):
        return foreign(EvaluationGrade, person_id=pk, member_id=pk, **org_fields(), year=2024, grade="unqualified",
                       decided_on=datetime.date(2025, 1, 10))

    def evaluation_case(county):
        return foreign(EvaluationCase, grade_id=pk, person_id=pk, member_id=pk, **org_fields(), year=2024,
                       opened_on=datetime.date(2025, 1, 10))

    def talk(county):
        return foreign(Talk, **org_fields(), on=datetime.date(2024, 5, 6), place="村党群服务中心", kind="members",
                       others="王五，李六", topic="谈思想、谈工作")

    def dues_schedule(county):
        org = org_fields()
        return foreign(DuesSchedule, owner=org["organization"], owner_path=org["org_path"], version=1,
                       valid_from=datetime.date(2024, 1, 1))

    def dues_base(county):
        return foreign(DuesBase, member_id=pk, org_path=org_fields()["org_path"], payer_kind="employed",
                       amount=Decimal("4200"), from_month=datetime.date(2024, 1, 1))

    def dues_relief(county):
        return foreign(DuesRelief, member_id=pk, org_path=org_fields()["org_path"], kind="exempt",
                       from_month=datetime.date(2024, 9, 1), to_month=datetime.date(2024, 12, 1), reason="困难",
                       branch_decision="支部委员会", decided_on=datetime.date(2024, 8, 20))

    def dues_line(county):
        return foreign(DuesLine, member_id=pk, **org_fields(), month=datetime.date(2024, 3, 1), owed=Decimal("42"))

    def dues_one_off(county):
        return foreign(DuesOneOff, member_id=pk, org_path=org_fields()["org_path"], paid_on=datetime.date(2024, 7, 1),
                       amount=Decimal("2000"), upward=True)

    def lapse_warning(county):
        return foreign(LapseWarning, person_id=pk, member_id=pk, **org_fields(), flagged_on=datetime.date(2025, 6, 2),
                       window_from=datetime.date(2024, 12, 1), window_to=datetime.date(2025, 5, 31), no_dues=True,
                       talk_due=datetime.date(2025, 7, 2))

    def commendation(county):
        return foreign(Commendation, person_id=pk, **org_fields(), year=2024, honour="excellent_member",
                       level="township", decided_on=datetime.date(2024, 7, 1))

    return {Commendation: commendation,
            DuesSchedule: dues_schedule, DuesBase: dues_base, DuesRelief: dues_relief, DuesLine: dues_line,
            DuesOneOff: dues_one_off, StandingChange: standing_change, Transfer: transfer, FloatingMember: floating_member,
            EvaluationGrade: evaluation_grade, EvaluationCase: evaluation_case, Talk: talk,
            LapseWarning: lapse_warning}

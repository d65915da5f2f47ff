"""Township-B rows of the orglife models at the scope walk's FOREIGN_PK (tests/test_scope_walk.py),
in creation order."""
import datetime

from mechanisms.orglife.models import Attendance, Meeting, Participant, TrainingClass, TrainingPlan


def foreign_rows(pk, foreign, org_fields) -> dict:
    def meeting(county):
        return foreign(Meeting, **org_fields(), kind="branch_general", date=datetime.date(2024, 3, 20), place="村部",
                        topic="王家新村党支部党员大会", host="王小六", recorder="王小六", minutes="")

    def attendance(county):
        return foreign(Attendance, meeting_id=pk, person_id=pk, org_path=org_fields()["org_path"],
                        date=datetime.date(2024, 3, 20), kind="branch_general", status="present")

    def training_plan(county):
        return foreign(TrainingPlan, year=2024, organizer=county.township_b, org_path=county.township_b.path,
                        title="乙镇党委2024年培训计划")

    def training_class(county):
        return foreign(TrainingClass, plan_id=pk, title="乙镇党委支部书记培训班", level="township",
                        organizer=county.township_b, org_path=county.township_b.path, start_on=datetime.date(2024, 5, 6),
                        end_on=datetime.date(2024, 5, 8), course_series="", place="乙镇")

    def participant(county):
        return foreign(Participant, training_class_id=pk, person_id=pk,
                        org_path=org_fields()["org_path"])


    return {Meeting: meeting, Attendance: attendance, TrainingPlan: training_plan, TrainingClass: training_class, Participant: participant}

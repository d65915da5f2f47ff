"""Township-B rows of the reserve models at the scope walk's FOREIGN_PK (tests/test_scope_walk.py)."""
import datetime

from mechanisms.reserve.models import (
    Cultivation,
    CultivationStep,
    DutyPostAssignment,
    MemberDutyPost,
    ReserveAssessment,
    ReserveCadre,
)


def foreign_rows(pk, foreign, org_fields) -> dict:
    def cadre(county):
        return foreign(ReserveCadre, person_id=pk, **org_fields(), since=datetime.date(2024, 3, 1), source="capable",
                       note="王家新村后备干部")

    def assessment(county):
        return foreign(ReserveAssessment, cadre_id=pk, org_path=org_fields()["org_path"], year=2024,
                       grade="competent")

    def cultivation(county):
        return foreign(Cultivation, person_id=pk, **org_fields(), track="cadre", started_on=datetime.date(2024, 3, 1))

    def step(county):
        return foreign(CultivationStep, cultivation_id=pk, org_path=org_fields()["org_path"],
                       done_on=datetime.date(2024, 4, 1), what="王家新村跟班学习")

    def duty_post(county):
        return foreign(MemberDutyPost, **org_fields(), name="王家新村政策宣传岗")

    def assignment(county):
        return foreign(DutyPostAssignment, post_id=pk, person_id=pk, org_path=org_fields()["org_path"], year=2024)

    return {ReserveCadre: cadre, ReserveAssessment: assessment, Cultivation: cultivation, CultivationStep: step,
            MemberDutyPost: duty_post, DutyPostAssignment: assignment}

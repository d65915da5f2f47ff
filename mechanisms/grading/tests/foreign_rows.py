"""Township-B rows of the grading models at the scope walk's FOREIGN_PK (tests/test_scope_walk.py),
in creation order."""
import datetime

from mechanisms.grading.models import (
    Grade,
    GradeConfirmation,
    GradeLevel,
    GradeScheme,
    Plan,
    PoolMember,
    SupportTeam,
    Upgrading,
)


def foreign_rows(pk, foreign, org_fields) -> dict:
    def grade_scheme(county):
        township = county.township_b
        scheme = foreign(GradeScheme, name="乙镇党委分类定级", owner=township, owner_path=township.path)
        GradeLevel.objects.create(pk=pk, scheme=scheme, code="lagging", name="后进", level=1)
        return scheme

    def upgrading(county):
        township = county.township_b
        return foreign(Upgrading, name="乙镇党委晋位升级", year=2024, scheme_id=pk, owner=township,
                        owner_path=township.path, deadline=datetime.date(2024, 10, 31))

    def grade(county):
        return foreign(Grade, upgrading_id=pk, **org_fields(), year=2024, level_id=pk, source="hand")

    def pool_member(county):
        return foreign(PoolMember, upgrading_id=pk, role="cadre", person_id=pk,
                        owner_path=county.township_b.path)

    def support_team(county):
        return foreign(SupportTeam, upgrading_id=pk, **org_fields(), county_leader_id=pk,
                        committee_secretary_id=pk, cadre_id=pk)

    def plan(county):
        return foreign(Plan, upgrading_id=pk, **org_fields(), target="王家新村党支部晋位升级",
                        case_id=pk)

    def confirmation(county):
        return foreign(GradeConfirmation, upgrading_id=pk, owner_path=county.township_b.path, round="initial",
                       confirmed_on=datetime.date(2024, 3, 1), previous={str(pk): {"confirmed_on": None}})

    return {GradeScheme: grade_scheme, Upgrading: upgrading, Grade: grade, PoolMember: pool_member, SupportTeam: support_team, Plan: plan, GradeConfirmation: confirmation}

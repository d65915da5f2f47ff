"""Township-B rows of the staffing models at the scope walk's FOREIGN_PK (tests/test_scope_walk.py)."""
import datetime

from mechanisms.staffing.models import DepartmentStaff, Instructor, InstructorVisit, Organizer, StaffingNorm


def foreign_rows(pk, foreign, org_fields) -> dict:
    def instructor(county):
        return foreign(Instructor, person_id=pk, **org_fields(), level="unit_head", unit="王家新村帮扶单位",
                       started_on=datetime.date(2024, 1, 5))

    def visit(county):
        return foreign(InstructorVisit, instructor_id=pk, org_path=org_fields()["org_path"],
                       visited_on=datetime.date(2024, 4, 2), content="指导王家新村党支部")

    def organizer(county):
        return foreign(Organizer, person_id=pk, **org_fields(), kind="full_time", started_on=datetime.date(2024, 1, 5))

    def staff(county):
        return foreign(DepartmentStaff, **org_fields(), year=2024, total=20, grassroots=6, note="王家新村")

    def norm(county):
        org = org_fields()["organization"]
        return foreign(StaffingNorm, owner=org, owner_path=org.path, full_time_share=70, part_time_share=90,
                       grassroots_share=30, effective_from=datetime.date(2024, 1, 1), note="王家新村")

    return {Instructor: instructor, InstructorVisit: visit, Organizer: organizer, DepartmentStaff: staff,
            StaffingNorm: norm}

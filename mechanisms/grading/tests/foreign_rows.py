"""Township-B rows of the grading models not in tests/test_scope_walk.py itself, at its FOREIGN_PK."""
import datetime

from mechanisms.grading.models import GradeConfirmation


def foreign_rows(pk, foreign, org_fields) -> dict:
    def confirmation(county):
        return foreign(GradeConfirmation, upgrading_id=pk, owner_path=county.township_b.path, round="initial",
                       confirmed_on=datetime.date(2024, 3, 1), previous={str(pk): {"confirmed_on": None}})

    return {GradeConfirmation: confirmation}

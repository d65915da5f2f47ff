import datetime

import pytest

from mechanisms.development.definition import install


@pytest.fixture
def workflow(county):
    return install(owner=county.county).workflow


def open_candidate(user, county, *, name="赵明", applied=datetime.date(2019, 3, 1), birth=datetime.date(1995, 5, 5),
                   household="", org=None, gender="male"):
    from mechanisms.development.services import candidate_open

    return candidate_open(user=user, organization=org or county.village_a1, applied_on=applied, name=name,
                          gender=gender, birth_date=birth, household=household, today=applied)

import datetime

import pytest

from engines.duties import clock
from kernel.orgs.services import org_create
from mechanisms.firstsec.library import install_firstsec
from tests.kit import make_member


@pytest.fixture
def installed(county):
    return install_firstsec(user=None, owner=county.county)


@pytest.fixture
def agency(county):
    return org_create(user=None, parent=county.county, code="AG1", name="县农业农村局机关党支部", org_type="branch",
                      domain="agency")


@pytest.fixture
def today():
    day = datetime.date(2025, 6, 16)
    with clock.today_is(day):
        yield day


@pytest.fixture
def make_secretary(agency):
    counter = iter(range(1, 1000))

    def make(name=None):
        return make_member(agency, name or f"干部{next(counter):03d}")

    return make

import datetime

import pytest

from kernel.core import clock


@pytest.fixture(autouse=True)
def today():
    with clock.today_is(datetime.date(2025, 6, 16)):
        yield


@pytest.fixture
def shipped(county):
    from mechanisms.staffing.library import install_staffing

    install_staffing(user=None, owner=county.county)

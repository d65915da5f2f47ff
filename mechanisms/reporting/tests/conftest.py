import datetime

import pytest

from engines.duties import clock
from mechanisms.reporting.library import install_reporting_rules


@pytest.fixture
def rules(county):
    return install_reporting_rules(user=None, owner=county.county)


@pytest.fixture
def today():
    """Sets the duties' today; each test moves it as its story needs."""
    def set_day(day: datetime.date):
        clock.set_today(day)
        return day

    yield set_day
    clock.set_today(None)

"""The representatives scenarios' day (16 June 2025) and what the app ships (the duty rules and the monthly
standard), installed for the county as a new site would."""
import datetime

import pytest

from kernel.core import clock
from mechanisms.representatives.library import install_representatives


@pytest.fixture(autouse=True)
def today():
    with clock.today_is(datetime.date(2025, 6, 16)):
        yield


@pytest.fixture
def shipped(county):
    install_representatives(user=None, owner=county.county)

"""The membership scenarios' day (16 June 2025) and the duty rules and dues bands the app ships, installed as a new
site would."""
import datetime

import pytest

from kernel.core import clock
from mechanisms.membership.dues import install_dues_bands
from mechanisms.membership.library import install_membership_rules


@pytest.fixture(autouse=True)
def today():
    with clock.today_is(datetime.date(2025, 6, 16)):
        yield


@pytest.fixture
def shipped(county):
    install_membership_rules(user=None, owner=county.county)
    install_dues_bands(user=None, owner=county.county)

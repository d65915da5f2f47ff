"""The terms scenarios' day (16 June 2025) and what the app ships (the term-expiry rule, the table of term
lengths), installed for the county as a new site would."""
import datetime

import pytest

from kernel.core import clock
from mechanisms.terms.library import install_terms


@pytest.fixture(autouse=True)
def today():
    with clock.today_is(datetime.date(2025, 6, 16)):
        yield


@pytest.fixture
def shipped(county):
    install_terms(user=None, owner=county.county)

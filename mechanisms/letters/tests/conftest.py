"""The letters scenarios' first day: 1 March 2025, before the letters of 2025 are due (the tests move on)."""
import datetime

import pytest

from kernel.core import clock


@pytest.fixture(autouse=True)
def today():
    with clock.today_is(datetime.date(2025, 3, 1)):
        yield

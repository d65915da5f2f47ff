"""The classes scenarios' day: 20 December 2025, when the year's classing is done."""
import datetime

import pytest

from kernel.core import clock


@pytest.fixture(autouse=True)
def today():
    with clock.today_is(datetime.date(2025, 12, 20)):
        yield

"""The collective economy's scenarios on 16 June 2025, in the small county grown to 150 villages (tests.kit's three
and 147 more, a third of them in township B): the county's figures of seed 001 need a hundred and more."""
import datetime

import pytest

from kernel.core import clock
from kernel.orgs.services import org_create

VILLAGES = 150


@pytest.fixture(autouse=True)
def today():
    with clock.today_is(datetime.date(2025, 6, 16)):
        yield


@pytest.fixture
def villages(county):
    """The codes of the county's 150 villages (A1, A2, B1 and V004…V150), in the order of their paths."""
    codes = ["A1", "A2", "B1"]
    for number in range(4, VILLAGES + 1):
        parent = county.township_a if number % 3 else county.township_b
        org_create(user=None, parent=parent, code=f"V{number:03d}", name=f"第{number}村党支部", org_type="branch",
                   domain="rural")
        codes.append(f"V{number:03d}")
    return codes

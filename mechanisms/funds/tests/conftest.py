"""The village funds' scenarios on 16 June 2025, in the small county with a rural community in township A and a
street with an urban community (seed 001's three types of place)."""
import datetime
from types import SimpleNamespace

import pytest

from kernel.core import clock
from kernel.orgs.services import org_create


@pytest.fixture(autouse=True)
def today():
    with clock.today_is(datetime.date(2025, 6, 16)):
        yield


@pytest.fixture
def places(county):
    rural = org_create(user=None, parent=county.township_a, code="RC1", name="甲镇新村社区党支部", org_type="branch",
                       domain="community")
    street = org_create(user=None, parent=county.county, code="ST", name="城东街道党工委", org_type="party_committee",
                        domain="community")
    urban = org_create(user=None, parent=street, code="UC1", name="东门社区党支部", org_type="branch",
                       domain="community")
    return SimpleNamespace(rural_community=rural, street=street, urban_community=urban)

import pytest

from mechanisms.campaigns.library import install_standards
from mechanisms.campaigns.services import campaign_create


@pytest.fixture
def shipped(county):
    return install_standards(user=None, owner=county.county)


@pytest.fixture
def campaign(county, shipped, users):
    return campaign_create(user=users["county"], owner=county.county, name="2002年三级联创", year=2002,
                           versions=[shipped["six-good-township"], shipped["five-good-village"]])

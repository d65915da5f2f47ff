"""The structure of new members over the API (as on /development/structure/), with its shares and year-on-year
change rounded once (core/rates.py); another township's organization answers 404."""
import datetime

import pytest

from mechanisms.development import selectors
from tests.kit import make_member

D = datetime.date


def test_year_on_year_change_is_rounded_once_half_up():
    assert selectors.change(1204, 1000) == "+20.4%"
    assert selectors.change(970, 1000) == "-3.0%"
    assert selectors.change(1001, 2000) == "-50.0%"
    assert selectors.change(3, 8) == "-62.5%"
    assert selectors.change(5, 0) == ""


@pytest.mark.django_db
def test_structure_through_the_api(client, county, users):
    make_member(county.village_a1, "青年甲", gender="female", birth=D(1998, 1, 1), joined=D(2023, 7, 1),
                education="university")
    make_member(county.village_a1, "青年乙", birth=D(1999, 1, 1), joined=D(2023, 7, 1))
    make_member(county.village_a1, "青年丁", birth=D(1999, 1, 1), joined=D(2023, 8, 1))
    client.force_login(users["township_a"])
    body = client.get("/api/development/structure", {"under": county.township_a.pk, "year": 2023}).json()
    assert (body["organization"]["id"], body["year"]) == (county.township_a.pk, 2023)
    assert (body["new"]["total"], body["new"]["women_share"], body["new"]["young_share"]) == (3, 33.3, 100.0)
    assert body["new"]["education"]["university"] == 1 and body["change"]["total"] == ""
    assert client.get("/api/development/structure", {"under": county.township_b.pk}).status_code == 404
    assert client.get("/api/development/structure", {"under": county.county.pk}).status_code == 404

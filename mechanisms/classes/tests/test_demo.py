"""The classes' demo on the small county: three years of classes of every village, the targets of this year and
last, and this year's pairings, as the pages and the API show them."""
import datetime

import pytest
from django.urls import reverse

from kernel.core import clock
from mechanisms.classes.demo import generate_classes

DAY = datetime.date(2026, 12, 7)


@pytest.fixture
def demo(county):
    generate_classes(county.county, seed=7, progress=lambda *a: None, today=DAY)


def test_the_demo_years(client, users, county, demo):
    clock.set_today(DAY)
    client.force_login(users["county"])
    for year in (2024, 2025, 2026):
        rows = client.get("/api/classes/townships", {"year": year}).json()
        assert sum(r["classed"] for r in rows) == sum(r["villages"] for r in rows) == 3
    targets = {(t["township"]["name"], t["year"]): t["share"] for t in client.get("/api/classes/targets").json()}
    assert targets[("甲镇党委", 2026)] == "30.0" and targets[("甲镇党委", 2025)] == "25.0"
    matrix = client.get("/api/classes/matrix", {"year": 2026}).json()
    assert matrix["up"] + matrix["same"] + matrix["down"] == 3
    page = client.get(reverse("classes:overview") + "?year=2026", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200 and 'id="movement-matrix"' in page.content.decode()
    panel = client.get(reverse("core:home_panel", args=["classes.shares"]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert panel.status_code == 200


def test_the_members_demo_years(client, users, county, demo):
    """Every member in good standing classed for last year and this one, by branch, with the movement between."""
    clock.set_today(DAY)
    client.force_login(users["county"])
    for year in (2025, 2026):
        total = client.get("/api/classes/members/counts", {"year": year}).json()["total"]
        assert total["members"] == total["classed"] == 4
        assert total["first"] + total["second"] + total["third"] == 4
    matrix = client.get("/api/classes/members/matrix", {"year": 2026}).json()
    assert matrix["up"] + matrix["same"] + matrix["down"] == 4 and matrix["new"] == 0
    classings = client.get("/api/classes/members/classings").json()
    assert sorted((c["year"], c["branch"]["name"]) for c in classings) == sorted(
        (y, name) for y in (2025, 2026) for name in ("陳家村党支部", "李家村党支部", "王家村党支部"))
    page = client.get(reverse("classes:members") + "?year=2026", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200 and 'id="member-matrix"' in page.content.decode()
    panel = client.get(reverse("core:home_panel", args=["classes.shares"]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert reverse("classes:member_list") + "?year=2026&amp;klass=first" in panel.content.decode()


@pytest.fixture
def big_branch(county):
    """李家村 with 400 members more, then the demo."""
    from tests.factories import MemberFactory

    for _n in range(400):
        MemberFactory(person__organization=county.village_a2, joined_on=datetime.date(2010, 7, 1))
    generate_classes(county.county, seed=3, progress=lambda *a: None, today=DAY)


def test_the_members_demo_shares_at_scale(client, users, big_branch):
    """On 404 members the first year's shares come near 55% / 35% / 10%."""
    clock.set_today(DAY)
    client.force_login(users["county"])
    total = client.get("/api/classes/members/counts", {"year": 2025}).json()["total"]
    assert total["members"] == total["classed"] == 404
    assert 0.48 < total["first"] / 404 < 0.62 and 0.28 < total["second"] / 404 < 0.42
    assert 0.05 < total["third"] / 404 < 0.15

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

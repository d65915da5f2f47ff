"""The letters' demo year on the small county: last year's letters down two levels, signed and checked through the
standards engine; this year's issued, as the list, its figures and the home panel show them."""
import datetime

import pytest
from django.urls import reverse

from kernel.core import clock
from mechanisms.letters.demo import generate_letters

DAY = datetime.date(2026, 12, 7)


@pytest.fixture
def demo(county):
    with clock.today_is(DAY):
        generate_letters(county.county, seed=7, progress=lambda *a: None, today=DAY)


def test_the_demo_year(client, users, county, demo):
    clock.set_today(DAY)
    client.force_login(users["county"])
    last = client.get("/api/letters/counts", {"year": 2025}).json()
    assert (last["issued"], last["signed"], last["checked"]) == (5, 5, 5)  # 2 townships + 3 villages
    this = client.get("/api/letters/counts", {"year": 2026}).json()
    assert this["issued"] == 5 and this["checked"] == 0
    assert len(client.get("/api/letters/checks", {"year": 2025}).json()) == 3  # the county's and each township's
    page = client.get(reverse("letters:list") + "?year=2026", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f'data-figure="issued">{this["issued"]}<' in page
    panel = client.get(reverse("core:home_panel", args=["letters.signed"]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert panel.status_code == 200 and "letters/?year=2026" in panel.content.decode()

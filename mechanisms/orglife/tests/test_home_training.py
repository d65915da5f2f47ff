"""The home page's training panel: township cadres meeting the 3-day rule this year against last year, as the
overdue board filtered to the rule and the roll-up API count them; attendance at meetings as on the rates page and
its API; by township in the table and its workbook; a township sees its own."""
import datetime
import io
import re

import openpyxl
import pytest
from django.urls import reverse

from engines.duties import services as duties
from kernel.core import clock
from kernel.people.services import post_create
from mechanisms.orglife.library import install_rules
from mechanisms.orglife.services import participants_set, plan_create
from tests.kit import county_built_once, make_member

from .conftest import record
from .test_training import make_class

county, users = county_built_once()
pytestmark = pytest.mark.django_db
D = datetime.date
PANEL = "orglife.training"


def panel_figures(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<div class="fs-4 fw-semibold">(?:<a href="([^"]*)"[^>]*>)?([^<]*)<', page)


@pytest.fixture
def year(county):
    rule = install_rules(user=None, owner=county.county, codes=["orglife-township-cadre-training"])[
        "orglife-township-cadre-training"].rule
    cadres = []
    for township, name, title in ((county.township_a, "组织委员甲", "organization_member"),
                                  (county.township_a, "宣传委员甲", "propaganda_member"),
                                  (county.township_b, "组织委员乙", "organization_member")):
        cadre = make_member(township, name)
        post_create(user=None, person=cadre, organization=township, title=title, started_on=D(2021, 1, 1))
        cadres.append(cadre)
    people = county.people
    record(county.village_a1, date=D(2024, 5, 10), attendance={people["zhangsan"].pk: "present",
                                                                 people["chen"].pk: "present"})
    clock.set_today(D(2025, 6, 20))
    duties.generate(user=None, rule=rule, year=2025)
    plan = plan_create(user=None, organizer=county.county, year=2025, title="2025年计划")
    participants_set(user=None, training_class=make_class(plan, days=3, start=D(2025, 6, 9)), rows=[
        {"person_id": cadres[0].pk, "attended_days": 3}, {"person_id": cadres[1].pk, "attended_days": 2},
        {"person_id": cadres[2].pk, "attended_days": 3}])
    record(county.village_a1, date=D(2025, 3, 10), attendance={people["zhangsan"].pk: "present",
                                                                 people["chen"].pk: "absent"})
    record(county.village_b1, date=D(2025, 3, 12), attendance={people["wangwu"].pk: "present"})
    return rule


def test_the_panel_shows_the_boards_and_the_rates_pages_figures(client, users, county, year):
    client.force_login(users["county"])
    url = reverse("core:home_panel", args=[PANEL])
    assert url in client.get("/").content.decode()
    panel = client.get(url).content.decode()
    figures = panel_figures(panel)
    assert [value for _link, value in figures] == ["2", "66.7", "66.7"]
    assert "home-figure-amber" in panel  # not every cadre yet, the year still running
    board_url = figures[0][0].replace("&amp;", "&")
    assert board_url == f"/duties/board/?under={county.county.pk}&year=2025&rule={year.pk}"
    board = client.get(board_url).content.decode()
    assert re.search(r'class="stat-figure duty-text-done">(\d+)<', board).group(1) == "2"
    assert re.search(r'class="stat-figure">(\d+)<', board).group(1) == "3"
    rollup = client.get(f"/api/duties/rollup?root={county.county.pk}&year=2025&rule={year.pk}").json()
    assert (rollup[0]["done"] + rollup[0]["late"], rollup[0]["total"]) == (2, 3)
    assert not re.search(r"(last year|上年)\s*[\d.]+<", panel.split("66.7", 2)[1])  # the rule began in 2025

    rates_page = client.get(figures[2][0].replace("&amp;", "&")).content.decode()
    assert re.search(r'id="overall-rate">[^<]*<b>([^<]*)</b>', rates_page).group(1) == "66.7%"
    api = client.get(f"/api/orglife/rates/{county.county.pk}?year=2025").json()
    assert (api["present"], api["expected"]) == (2, 3)
    before = client.get(f"/api/orglife/rates/{county.county.pk}?year=2024").json()
    assert (before["present"], before["expected"]) == (2, 2) and re.search(r"(last year|上年)\s*100.0%<", panel)

    response = client.get(reverse("core:home_panel_xlsx", args=[PANEL]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = {row[0]: list(row[1:]) for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows == {county.township_a.name: [2, 1, "50.0%", 2, 1, "50.0%"],
                    county.township_b.name: [1, 1, "100.0%", 1, 1, "100.0%"]}


def test_a_township_sees_its_own_cadres_and_meetings(client, users, county, year):
    client.force_login(users["township_b"])
    panel = client.get(reverse("core:home_panel", args=[PANEL])).content.decode()
    assert [value for _link, value in panel_figures(panel)] == ["1", "100.0", "100.0"]
    assert "home-figure-green" in panel and "btn-outline-primary" in panel
    assert county.township_a.name not in panel and county.village_a1.name not in panel
    assert county.village_b1.name in panel


def test_the_inspector_sees_the_figures_of_their_township(client, users, county, year):
    client.force_login(users["inspector"])
    panel = client.get(reverse("core:home_panel", args=[PANEL])).content.decode()
    assert [value for _link, value in panel_figures(panel)] == ["1", "50.0", "50.0"]
    assert "btn-outline-primary" not in panel  # read-only: the figures, no actions

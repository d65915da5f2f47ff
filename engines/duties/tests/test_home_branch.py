"""The branch secretary's home: what the branch owes now and next (the to-do's items: the overdue first, then the
next due), each with the button that opens the page where it is done; nobody else's, and nothing for the read-only
roles."""
import datetime
import re

import pytest
from django.urls import reverse

from engines.duties import clock, services
from engines.duties.testing import make_rule
from tests.kit import county_built_once

county, users = county_built_once()

TODAY = datetime.date(2025, 9, 5)
PANEL = "duties.branch"


@pytest.fixture(autouse=True)
def today():
    with clock.today_is(TODAY):
        yield TODAY


@pytest.fixture
def monthly_report(county):
    """A monthly report of the branches: July's (due 10 August) is overdue, August's is due on 10 September,
    September's on 10 October."""
    version = make_rule(county.county, code="branch-monthly", name="村党支部月度工作报告", cadence="monthly",
                        grace_days=60, effective_from="2025-07-01")
    services.generate(user=None, rule=version.rule, year=2025)
    return version.rule


def owed_items(panel: str) -> list[str]:
    return re.findall(r'<li class="list-group-item[^"]*home-owed-item[^"]*"[^>]*>.*?</li>', panel, re.S)


def action(item: str) -> str:
    return re.search(r'class="btn[^"]*home-action" href="([^"]+)"', item).group(1).replace("&amp;", "&")


def test_the_branch_sees_what_it_owes_overdue_first_each_with_a_working_action(client, users, monthly_report):
    client.force_login(users["branch_a1"])
    home = client.get("/").content.decode()
    assert reverse("core:home_panel", args=[PANEL]) in home
    panel = client.get(reverse("core:home_panel", args=[PANEL])).content.decode()
    items = owed_items(panel)
    assert len(items) == 3, panel
    assert "home-owed-overdue" in items[0] and 'datetime="2025-08-10"' in items[0] and "btn-danger" in items[0]
    assert "26" in re.sub(r"<[^>]+>", " ", items[0])  # 26 days overdue
    assert 'datetime="2025-09-10"' in items[1] and 'datetime="2025-10-10"' in items[2]
    assert all("村党支部月度工作报告" in item and "陳家村党支部" in item for item in items)
    assert "李家村党支部" not in panel  # another branch's duties are not this branch's
    for item in items:
        url = action(item)
        assert url.startswith("/duties/"), url
        assert client.get(url).status_code == 200, url
    # The figures: one overdue (red), one due in the next 30 days (10 October is 35 days away).
    figures = re.findall(r'home-figure[^"]*">\s*<div[^>]*>([^<]+)</div>\s*<div[^>]*>(\d+)</div>', panel)
    assert [value for _label, value in figures] == ["1", "1", "0"], figures
    assert "home-figure-red" in panel
    assert reverse("duties:todo") in panel


def test_the_panels_table_downloads(client, users, monthly_report):
    client.force_login(users["branch_a1"])
    response = client.get(reverse("core:home_panel_xlsx", args=[PANEL]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_branch_that_owes_nothing_says_so(client, users):
    client.force_login(users["branch_a1"])
    panel = client.get(reverse("core:home_panel", args=[PANEL])).content.decode()
    assert "branch-owes-nothing" in panel and not owed_items(panel)


@pytest.mark.parametrize("role", ["leader", "inspector", "member", "county"])
def test_no_one_else_gets_the_branch_panel_nor_its_action_buttons(client, users, monthly_report, role):
    client.force_login(users[role])
    home = client.get("/").content.decode()
    assert reverse("core:home_panel", args=[PANEL]) not in home
    assert client.get(reverse("core:home_panel", args=[PANEL])).status_code == 404
    assert "home-action" not in home

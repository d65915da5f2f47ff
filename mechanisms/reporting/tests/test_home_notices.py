"""The supervision notices' home panel: open, overdue and awaiting closure, each equal to the count of the notices
list it links to and of the API; a township sees its own notices only; read-only users get no actions; the table
downloads as a workbook."""
import datetime
import html
import io
import re

import openpyxl
import pytest
from django.urls import reverse

from mechanisms.reporting.services import finding_add, inspection_create, notice_issue, rectification_submit
from tests.kit import county_built_once

county, users = county_built_once()

D = datetime.date
PANEL = reverse("core:home_panel", args=["reporting.notices"])
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def panel_figures(page: str) -> dict:
    found = {}
    for block in page.split('class="border rounded p-2 h-100 home-figure')[1:]:
        label = html.unescape(re.search(r'<div class="small text-body-secondary">(.*?)</div>', block).group(1))
        link = re.search(r'<a href="([^"]*)" class="text-reset">([^<]*)</a>', block)
        found[label] = {"value": link.group(2), "url": html.unescape(link.group(1))}
    return found


def listed(page: str) -> int:
    body = re.search(r'<table class="table table-sm align-middle" id="notices">(.*?)</table>', page, re.S).group(1)
    return len(re.findall(r'<tr><td><a href="/reporting/notices/\d+/">', body))


@pytest.fixture
def notices(county, users, rules, today):
    """On 1 May 2025: township A's notice past its 20 April deadline, village A1's rectified (awaiting closure),
    village B1's open until 30 June."""
    today(D(2025, 3, 20))
    inspection = inspection_create(user=users["county"], organization=county.county, year=2025, quarter=1,
                                   inspected_on=D(2025, 3, 18), team="县委组织部基层办检查组")
    made = []
    for number, (org, deadline) in enumerate(((county.township_a, D(2025, 4, 20)), (county.village_a1, D(2025, 6, 30)),
                                              (county.village_b1, D(2025, 6, 30))), start=1):
        finding = finding_add(user=users["county"], inspection=inspection, organization=org, category="org_life",
                              text="“三会一课”记录不全")
        made.append(notice_issue(user=users["county"], finding=finding, deadline=deadline,
                                 number=f"督办〔2025〕{number}号"))
    rectification_submit(user=users["branch_a1"], notice=made[1], text="已补齐记录")
    today(D(2025, 5, 1))
    return made


@pytest.mark.parametrize("who, expected", [("county", {"未整改": "2", "已逾期": "1", "待销号": "1"}),
                                           ("township_a", {"未整改": "1", "已逾期": "1", "待销号": "1"})])
def test_the_figures_are_the_lists_and_the_apis(client, users, notices, who, expected):
    client.force_login(users[who])
    assert PANEL in client.get("/", **ZH).content.decode()
    figures = panel_figures(client.get(PANEL, **ZH).content.decode())
    assert {label: figure["value"] for label, figure in figures.items()} == expected
    for figure in figures.values():
        assert str(listed(client.get(figure["url"], **ZH).content.decode())) == figure["value"]
        query = figure["url"].split("?", 1)[1]
        assert str(client.get(f"/api/reporting/notices?{query}").json()["count"]) == figure["value"]


def test_a_township_sees_its_own_notices_only(client, users, county, notices):
    client.force_login(users["township_a"])
    page = client.get(PANEL, **ZH).content.decode()
    assert county.township_a.name in page and county.village_b1.name not in page and "王家村" not in page


def test_readonly_users_see_the_figures_without_actions(client, users, notices):
    client.force_login(users["county"])
    county_page = client.get(PANEL, **ZH).content.decode()
    client.force_login(users["leader"])
    page = client.get(PANEL, **ZH).content.decode()
    assert panel_figures(page) == panel_figures(county_page)
    assert "btn-outline-primary" in county_page and "btn-outline-primary" not in page


def test_the_table_downloads_as_a_workbook(client, users, county, notices):
    client.force_login(users["county"])
    response = client.get(reverse("core:home_panel_xlsx", args=["reporting.notices"]), **ZH)
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[1:] == [[county.township_a.name, 1, 1, 1, 0], [county.township_b.name, 1, 0, 0, 0],
                        ["总体情况", 2, 1, 1, 0]]

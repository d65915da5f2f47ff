"""The campaigns' home panel: this year's rates per standard and tier against the target and last year, each equal to
the overall row of the campaign's page of rates per township it links to and to the standards API's progress; a
township sees its own villages only; read-only users get no actions; the table downloads as a workbook."""
import datetime
import html
import io
import re

import openpyxl
import pytest
from django.urls import reverse

from engines.standards import services as engine
from engines.standards.models import Sheet
from kernel.core import clock
from mechanisms.campaigns.services import campaign_create
from tests.kit import county_built_once

county, users = county_built_once()

D = datetime.date
PANEL = reverse("core:home_panel", args=["campaigns.rates"])
PANEL_XLSX = reverse("core:home_panel_xlsx", args=["campaigns.rates"])
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def panel_figures(page: str) -> dict:
    """{label: {"value", "url", "target", "last_year", "colour"}} of a panel rendered by core/_home_panel.html."""
    found = {}
    for block in page.split('class="border rounded p-2 h-100 home-figure')[1:]:
        label = html.unescape(re.search(r'<div class="small text-body-secondary">(.*?)</div>', block).group(1))
        link = re.search(r'<a href="([^"]*)" class="text-reset">([^<]*)</a>', block)
        target = re.search(r'<div class="small">[^<]*? ([\d.]+)%</div>', block)
        last = re.search(r'<div class="small text-body-secondary">[^<]*? ([\d.]+)%</div>', block)
        colour = re.match(r' home-figure-(\w+)', block)
        found[label] = {"value": link.group(2) if link else None, "url": html.unescape(link.group(1)) if link else "",
                        "target": target.group(1) if target else None, "last_year": last.group(1) if last else None,
                        "colour": colour.group(1) if colour else ""}
    return found


def overall(page: str) -> list[str]:
    row = re.search(r'<tr id="township-total">(.*?)</tr>', page, re.S).group(1)
    return re.findall(r"<td[^>]*>([^<]*)</td>", row)[1:]


@pytest.fixture
def year_data(county, users):
    """2025: 五个好 达标 in A1 only. 2026: A1 先进, A2 达标, B1 nothing; 六个好: township A 达标; target 80% 达标."""
    from mechanisms.campaigns.library import install_standards

    clock.set_today(D(2026, 11, 2))
    shipped = install_standards(user=None, owner=county.county, codes=["five-good-village", "six-good-township"])
    five, six = shipped["five-good-village"], shipped["six-good-township"]
    last = campaign_create(user=users["county"], owner=county.county, name="2025年三级联创", year=2025, versions=[five])
    this = campaign_create(user=users["county"], owner=county.county, name="2026年三级联创", year=2026,
                           versions=[six, five])
    Sheet.objects.filter(assessment__campaigns=last, organization=county.village_a1).update(tier="qualified",
                                                                                            tier_level=1)
    Sheet.objects.filter(assessment__campaigns=this, organization=county.village_a1).update(tier="advanced",
                                                                                            tier_level=2)
    Sheet.objects.filter(assessment__campaigns=this, organization__in=[county.village_a2, county.township_a]).update(
        tier="qualified", tier_level=1)
    engine.target_set(user=users["county"], standard=five.standard, organization=county.county,
                      tier_code="qualified", year=2026, share="0.8")
    engine.title_grant(user=users["county"], standard=five.standard, tier_code="qualified", subject=county.village_a2,
                       period_label="2026", granted_on=D(2026, 10, 1), granted_by="中共示范县委")
    five_assessment = this.assessments.get(version__standard=five.standard)
    return {"campaign": this, "five": five.standard, "assessment": five_assessment}


def label(year_data, tier):
    return f"2026 · {year_data['five'].name} · {tier}"


def test_the_county_sees_the_rates_of_its_campaign_as_the_linked_page_and_the_api(client, users, year_data):
    client.force_login(users["county"])
    assert PANEL in client.get("/", **ZH).content.decode()
    answer = client.get(PANEL, **ZH)
    assert answer.status_code == 200
    figures = panel_figures(answer.content.decode())
    qualified = figures[label(year_data, "达标")]
    assert qualified == {"value": "66.7", "target": "80.0", "last_year": "33.3", "colour": "red",
                         "url": reverse("campaigns:townships", args=[year_data["campaign"].pk,
                                                                    year_data["assessment"].pk]) + "?tier=qualified"}
    assert figures[label(year_data, "先进")]["value"] == "33.3"
    assert figures[label(year_data, "达标") + "：已命名"]["value"] == "1"
    assert figures[label(year_data, "先进") + "：已命名"]["value"] == "0"
    # the page it links to: 3 assessed, 2 reached, 66.7%, 1 title held
    assert overall(client.get(qualified["url"], **ZH).content.decode()) == ["3", "2", "66.7%", "1"]
    # the standards API's progress, this year and last
    progress = client.get(f"/api/standards/{year_data['five'].pk}/progress?year=2026").json()
    row = next(r for r in progress if r["tier"] == "qualified")
    assert row["percent"] == 66.7 and row["target"] == 0.8
    progress = client.get(f"/api/standards/{year_data['five'].pk}/progress?year=2025").json()
    assert next(r for r in progress if r["tier"] == "qualified")["percent"] == 33.3
    assert "campaigns/" in answer.content.decode()  # the county's action: the campaigns list


def test_a_township_sees_its_own_villages_only(client, users, year_data, county):
    client.force_login(users["township_a"])
    page = client.get(PANEL, **ZH).content.decode()
    qualified = panel_figures(page)[label(year_data, "达标")]
    assert qualified["value"] == "100.0" and qualified["last_year"] == "50.0" and qualified["colour"] == "green"
    assert overall(client.get(qualified["url"], **ZH).content.decode()) == ["2", "2", "100.0%", "1"]
    assert county.township_a.name in page and county.township_b.name not in page
    progress = client.get(f"/api/standards/{year_data['five'].pk}/progress?year=2026&under={county.township_a.pk}")
    assert next(r for r in progress.json() if r["tier"] == "qualified")["percent"] == 100.0


def test_readonly_users_see_the_figures_and_no_actions(client, users, year_data):
    client.force_login(users["county"])
    county_figures = panel_figures(client.get(PANEL, **ZH).content.decode())
    client.force_login(users["leader"])
    page = client.get(PANEL, **ZH).content.decode()
    assert panel_figures(page) == county_figures
    assert "btn-outline-primary" not in page


def test_nothing_to_show_without_a_campaign(client, users):
    client.force_login(users["county"])
    assert "home-panel-empty" in client.get(PANEL, **ZH).content.decode()


def test_the_table_downloads_as_a_workbook(client, users, year_data, county):
    client.force_login(users["township_a"])
    response = client.get(PANEL_XLSX, **ZH)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["创建活动", "标准", "档次", "乡镇", "参评数", "达到", "达标率", "获命名数"]
    five_qualified = [r for r in rows[1:] if r[1] == year_data["five"].name and r[2] == "达标"]
    assert [r[3] for r in five_qualified] == [county.township_a.name, "总体情况"]
    assert five_qualified[0][4:] == [2, 2, "100.0%", 1]
    assert not any(county.township_b.name in str(cell) for row in rows for cell in row)

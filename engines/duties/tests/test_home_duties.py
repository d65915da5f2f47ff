"""The duties engine's home panels: this year's obligations on time as the overdue board and the roll-up API show
them (colour with its thresholds, last year's rate), scoped to the user; what a township owes the county and the
decisions waiting, as its to-do list lists them; the board's legend of colours with their thresholds."""
import datetime
import html
import io
import re

import openpyxl
import pytest
from django.urls import reverse

from engines.duties import clock, selectors, services
from engines.duties.models import Obligation, ObligationState
from engines.duties.testing import make_rule
from tests.kit import county_built_once

county, users = county_built_once()

D = datetime.date
TODAY = D(2025, 9, 5)
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def panel_url(code, xlsx=False):
    return reverse("core:home_panel_xlsx" if xlsx else "core:home_panel", args=[code])


def panel_figures(page: str) -> dict:
    """{label: {"value", "url", "last_year", "colour", "note"}} of a panel rendered by core/_home_panel.html."""
    found = {}
    for block in page.split('class="border rounded p-2 h-100 home-figure')[1:]:
        divs = re.findall(r'<div class="small text-body-secondary">(.*?)</div>', block)
        link = re.search(r'<a href="([^"]*)" class="text-reset">([^<]*)</a>', block)
        last = re.search(r'<div class="small text-body-secondary">\S+ ([\d.]+)%?</div>', block)
        colour = re.match(r' home-figure-(\w+)', block)
        found[html.unescape(divs[0])] = {
            "value": link.group(2), "url": html.unescape(link.group(1)), "last_year": last.group(1) if last else None,
            "colour": colour.group(1) if colour else "", "note": html.unescape(divs[-1]) if len(divs) > 1 else ""}
    return found


def board_total(page: str) -> dict:
    block = re.search(r'id="board-total" data-colour="(\w+)">(.*?)\n</div>', page, re.S)
    rate = re.search(r'<div class="stat-figure">([\d.]+)%</div>', block.group(2))
    cells = dict(re.findall(r'<div class="stat-figure duty-text-(\w+)">(\d+)</div>', block.group(2)))
    return {"colour": block.group(1), "rate": rate.group(1), **cells}


@pytest.fixture(autouse=True)
def today():
    with clock.today_is(TODAY):
        yield TODAY


@pytest.fixture
def reports(county, users):
    """The branches' quarterly report (60 days' grace). 2025: Q1 done by A1 and B1, Q2 done by A1 and B1; A2 missed
    Q1 and is overdue with Q2; Q3 and Q4 open. 2024: A1 did all four, the others none."""
    rule = make_rule(county.county, code="branch-report", name="村党支部季度报告", grace_days=60,
                     effective_from="2024-01-01").rule
    services.generate(user=None, rule=rule, year=2024)
    services.generate(user=None, rule=rule, year=2025)
    for day, subjects in ((D(2025, 4, 5), (county.village_a1, county.village_b1)),
                          (D(2025, 7, 5), (county.village_a1, county.village_b1))):
        with clock.today_is(day):
            for subject in subjects:
                services.submit(user=users["county"], rule=rule, subject=subject, occurred_on=day, title="季度报告",
                                period_start=D(2025, day.month - 3, 1))
    services.refresh_states(today=TODAY)
    Obligation.objects.filter(period_start__year=2024, org_path=county.village_a1.path).update(
        state=ObligationState.DONE, completed_on=D(2024, 12, 1), done_count=1)
    return rule


def test_the_county_sees_the_boards_figures(client, users, county, reports):
    client.force_login(users["county"])
    assert panel_url("duties.on_time") in client.get("/", **ZH).content.decode()
    figures = panel_figures(client.get(panel_url("duties.on_time"), **ZH).content.decode())
    rate = figures["2025年按时完成率"]
    board = board_total(client.get(rate["url"], **ZH).content.decode())
    assert board == {"colour": "red", "rate": "66.7", "done": "4", "open": "6", "overdue": "1", "missed": "1"}
    assert rate["value"] == board["rate"] and rate["colour"] == board["colour"]
    assert rate["last_year"] == "33.3"
    assert "20%" in rate["note"]  # the threshold behind red
    assert figures["当前逾期"]["value"] == board["overdue"] and figures["逾期未完成"]["value"] == board["missed"]
    api = client.get(f"/api/duties/rollup?root={county.county.pk}&year=2025").json()[0]
    assert float(api["on_time_percent"]) == 66.7 and api["overdue"] == 1 and api["colour"] == "red"


def test_reports_and_meetings_have_their_own_on_time_rates(client, users, county, reports):
    """A monthly branch meeting rule beside the quarterly report: the panel shows each kind's rate apart, each the
    figure of the board narrowed to that kind, whose links keep the kind down to the obligations."""
    meetings = make_rule(county.county, code="branch-meeting", name="支部委员会会议", kind="meeting", topic="committee",
                         cadence="monthly", due_days=0, grace_days=0).rule
    services.generate(user=None, rule=meetings, year=2025)
    services.refresh_states(today=TODAY)
    client.force_login(users["county"])
    figures = panel_figures(client.get(panel_url("duties.on_time"), **ZH).content.decode())
    report, meeting = figures["报告按时完成率"], figures["会议按时完成率"]
    report_board = board_total(client.get(report["url"], **ZH).content.decode())
    assert "kind=report" in report["url"] and report["value"] == report_board["rate"] == "66.7"
    assert report["last_year"] == "33.3"
    page = client.get(meeting["url"], **ZH).content.decode()
    meeting_board = board_total(page)
    assert meeting["value"] == meeting_board["rate"] == "0.0" and meeting["colour"] == meeting_board["colour"] == "red"
    assert meeting_board["missed"] == str(3 * 8)  # three branches, January to August, no grace; September is open
    everything = board_total(client.get(figures["2025年按时完成率"]["url"], **ZH).content.decode())
    assert int(everything["missed"]) == int(report_board["missed"]) + int(meeting_board["missed"])
    listed = re.search(r'href="([^"]*state=missed[^"]*)"', page).group(1)
    assert "kind=meeting" in html.unescape(listed)
    rows = re.search(r'id="obligation-table".*?</table>', client.get(html.unescape(listed), **ZH).content.decode(),
                     re.S).group(0)
    assert "支部委员会会议" in rows and "村党支部季度报告" not in rows


def test_a_township_sees_its_villages_only(client, users, county, reports):
    client.force_login(users["township_a"])
    page = client.get(panel_url("duties.on_time"), **ZH).content.decode()
    rate = panel_figures(page)["2025年按时完成率"]
    board = board_total(client.get(rate["url"], **ZH).content.decode())
    assert rate["value"] == board["rate"] == "50.0" and rate["last_year"] == "50.0"
    assert county.village_a2.name in page and county.village_b1.name not in page
    api = client.get(f"/api/duties/rollup?root={county.township_a.pk}&year=2025").json()[0]
    assert float(api["on_time_percent"]) == 50.0


def test_readonly_users_see_the_figures_without_actions(client, users, reports):
    client.force_login(users["county"])
    county_page = client.get(panel_url("duties.on_time"), **ZH).content.decode()
    client.force_login(users["leader"])
    page = client.get(panel_url("duties.on_time"), **ZH).content.decode()
    assert panel_figures(page) == panel_figures(county_page)
    assert "btn-outline-primary" in county_page and "btn-outline-primary" not in page
    assert panel_url("duties.decisions") not in client.get("/", **ZH).content.decode()


def test_the_table_downloads_as_a_workbook(client, users, county, reports):
    client.force_login(users["county"])
    response = client.get(panel_url("duties.on_time", xlsx=True), **ZH)
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True)}
    assert rows[county.township_a.name][-2:] == ("50.0%", "红灯")
    assert rows[county.county.name][-3:] == (12, "66.7%", "红灯")


def test_the_board_shows_its_colours_with_their_thresholds(client, users, reports):
    client.force_login(users["county"])
    page = client.get(reverse("duties:board"), **ZH).content.decode()
    legend = re.search(r'<section[^>]*id="board-legend".*?</section>', page, re.S).group(0)
    assert re.findall(r'data-colour="(\w+)"', legend) == ["red", "amber", "green"]
    share = f"{int(selectors.RED_OVERDUE_SHARE * 100)}%"
    assert share in legend and "Red" not in legend


@pytest.fixture
def township_reports(county):
    """The townships' quarterly report to the county: township A is overdue with Q2 and owes Q3 by 10 October."""
    rule = make_rule(county.county, code="township-report", name="乡镇党委季度报告", grace_days=60,
                     applies_to={"org_types": ["party_committee"]}).rule
    services.generate(user=None, rule=rule, year=2025)
    services.refresh_states(today=TODAY)
    return rule


def test_a_township_sees_what_it_owes_the_county_as_its_to_do_lists_it(client, users, township_reports):
    client.force_login(users["township_a"])
    figures = panel_figures(client.get(panel_url("duties.owed"), **ZH).content.decode())
    todo = client.get(figures["已逾期"]["url"], **ZH).content.decode()
    assert figures["已逾期"]["value"] == str(todo.count("todo-item-overdue")) == "1"
    assert figures["下月底前到期"]["value"] == str(todo.count("todo-item-reminder")) == "1"
    client.force_login(users["county"])
    assert client.get(panel_url("duties.owed")).status_code == 404  # a township's panel


def test_decisions_waiting_are_the_reviews_on_the_to_do(client, users, county):
    rule = make_rule(county.county, code="reviewed-report", review=True).rule
    services.generate(user=None, rule=rule, year=2025)
    services.submit(user=users["branch_a1"], rule=rule, subject=county.village_a1, occurred_on=D(2025, 9, 1),
                    title="三季度报告", period_start=D(2025, 7, 1))
    client.force_login(users["township_a"])
    assert panel_url("duties.decisions") in client.get("/", **ZH).content.decode()
    figure = panel_figures(client.get(panel_url("duties.decisions"), **ZH).content.decode())["待您决定"]
    todo = client.get(figure["url"], **ZH).content.decode()
    assert figure["value"] == str(todo.count("todo-item-review")) == "1"
    client.force_login(users["township_b"])
    assert panel_figures(client.get(panel_url("duties.decisions"), **ZH).content.decode())["待您决定"]["value"] == "0"

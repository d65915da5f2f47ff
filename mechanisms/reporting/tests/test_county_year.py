"""Seed 000's county runs a year of reports: 15 township committees report quarterly to the county, 171 village
branches half-yearly to their township. Some are late, some returned and never revised, some missed, some still
overdue. The scenario keeps its own ledger of what it did; the overdue roll-up and the board must show exactly that.
"""
import datetime
from collections import Counter, defaultdict

import pytest

from engines.duties import clock
from engines.duties import selectors as duty_selectors
from engines.duties.services import generate, submission_review, submit
from mechanisms.reporting.library import install_reporting_rules
from mechanisms.reporting.services import rule
from tests.kit import make_user

from .county_build import build_county

D = datetime.date
TODAY = D(2026, 1, 20)  # Q4 and H2 are past due but within grace; earlier periods are past their grace
QUARTERS = [(D(2025, 1, 1), D(2025, 4, 10)), (D(2025, 4, 1), D(2025, 7, 10)), (D(2025, 7, 1), D(2025, 10, 10)),
            (D(2025, 10, 1), D(2026, 1, 10))]
HALVES = [(D(2025, 1, 1), D(2025, 7, 15)), (D(2025, 7, 1), D(2026, 1, 15))]


def township_fate(t: int, q: int) -> str:
    if (t, q) in {(0, 0), (4, 1), (9, 2)}:
        return "late"
    if (t, q) in {(1, 1), (7, 0)}:
        return "missed"
    if q == 3 and t in (2, 11):
        return "overdue"
    if (t, q) == (5, 2):
        return "returned"  # returned for revision and never revised: missed
    return "done"


def village_fate(v: int, h: int) -> str:
    if h == 0 and v % 10 == 3:
        return "late"
    if h == 0 and v % 17 == 5:
        return "missed"
    if h == 0 and v % 29 == 11:
        return "returned"
    if h == 1 and v % 13 == 7:
        return "overdue"
    if h == 1 and v % 19 == 2:
        return "late"
    return "done"


STATE_OF_FATE = {"done": "done", "late": "late", "missed": "missed", "returned": "missed", "overdue": "overdue"}


def _report(rule_obj, org, period_start, due_on, fate):
    if fate in ("missed", "overdue"):
        return
    day = due_on + datetime.timedelta(days=6) if fate == "late" else due_on - datetime.timedelta(days=3)
    with clock.today_is(day):
        submission = submit(user=None, rule=rule_obj, subject=org, occurred_on=period_start,
                            period_start=period_start, title=f"{org.name} {period_start:%Y-%m} 党建工作报告")
        submission_review(user=None, submission=submission, accept=fate != "returned", note="" if fate != "returned"
                          else "请补充")


@pytest.fixture
def year_of_reports(db):
    clock.set_today(D(2025, 1, 2))
    county, townships, villages = build_county()
    install_reporting_rules(user=None, owner=county, codes=["township-quarterly-report", "village-halfyearly-report"])
    quarterly, halfyearly = rule("township-quarterly-report"), rule("village-halfyearly-report")
    generate(user=None, rule=quarterly, year=2025, root=county)
    generate(user=None, rule=halfyearly, year=2025, root=county)
    ledger = defaultdict(Counter)  # township index -> state -> count, as the scenario meant it
    for t, township in enumerate(townships):
        for q, (start, due) in enumerate(QUARTERS):
            fate = township_fate(t, q)
            _report(quarterly, township, start, due, fate)
            ledger[t][STATE_OF_FATE[fate]] += 1
    for v, (t, village) in enumerate(villages):
        for h, (start, due) in enumerate(HALVES):
            fate = village_fate(v, h)
            _report(halfyearly, village, start, due, fate)
            ledger[t][STATE_OF_FATE[fate]] += 1
    clock.set_today(TODAY)
    clock.refresh_states(today=TODAY)
    yield county, townships, ledger
    clock.set_today(None)


STATES = ("done", "late", "overdue", "missed", "open")


def test_rollup_shows_what_the_scenario_did(year_of_reports):
    county, townships, ledger = year_of_reports
    viewer = make_user("qs-county", "county_admin", county)
    rows = duty_selectors.rollup(viewer, county, year=2025)
    assert rows[0]["org"] == county
    by_org = {row["org"].pk: row for row in rows[1:]}
    for t, township in enumerate(townships):
        row = by_org[township.pk]
        assert {state: row[state] for state in STATES} == {state: ledger[t][state] for state in STATES}, township.name
    whole = sum(ledger.values(), Counter())
    assert {state: rows[0][state] for state in STATES} == {state: whole[state] for state in STATES}
    assert rows[0]["total"] == 15 * 4 + 171 * 2
    assert whole["late"] > 0 and whole["missed"] > 0 and whole["overdue"] > 0
    colours = {row["org"].pk: row["colour"] for row in rows[1:]}
    for t, township in enumerate(townships):
        expected = "red" if ledger[t]["missed"] else ("amber" if ledger[t]["overdue"] else "green")
        if not ledger[t]["missed"] and ledger[t]["overdue"] / (sum(ledger[t].values())) > 0.2:
            expected = "red"
        assert colours[township.pk] == expected, township.name


def test_board_page_shows_the_same(client, year_of_reports):
    county, townships, ledger = year_of_reports
    client.force_login(make_user("qs-county", "county_admin", county))
    response = client.get("/duties/board/", {"year": 2025})
    assert response.status_code == 200
    children = {row["org"].pk: row for row in response.context["children"]}
    for t, township in enumerate(townships):
        assert {s: children[township.pk]["counts"][s] for s in STATES} == {s: ledger[t][s] for s in STATES}
    page = response.content.decode()
    assert all(township.name in page for township in townships)
    township_user = make_user("qs-t0", "township_admin", townships[0])
    client.force_login(township_user)
    response = client.get("/duties/board/", {"year": 2025})
    assert {row["org"].pk for row in response.context["children"]} <= {
        org.pk for org in townships[0].__class__.objects.filter(parent=townships[0])}

"""The collective economy at scale and before a year is recorded, on 16 June 2025 (conftest), over HTTP only.

- The plans' progress sums the incomes by village and year in one grouped query over the plan's years: the plans
  page, the plans in the API and the home panel cost as many queries for a township of 50 villages as for one of 5,
  with the same figures.
- The work report of 2025, whose incomes are not recorded yet, still says what is true: how many villages have
  recorded theirs (none, then one), the figures of 2024 named as such, and the plan's target for 2025; every figure
  equals the page it links to."""
import html
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kernel.orgs.services import org_create
from mechanisms.economy.models import EliminationPlan, Income

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
SMALL, LARGE = 5, 50


@pytest.fixture
def townships(county):
    """Township A grown to 5 villages and township B to 50. In 2023 every village earns 1,000 yuan (空壳); in 2024
    the first half of each township's villages earn 20,000 (2 in A, 25 in B eliminated); nothing recorded for 2025.
    Plans from 2024 for three years: the county's (20 a year from 55), township A's (2 a year) and B's (25 a
    year)."""
    grown = {"A": [county.village_a1, county.village_a2], "B": [county.village_b1]}
    for key, parent, size in (("A", county.township_a, SMALL), ("B", county.township_b, LARGE)):
        for number in range(len(grown[key]) + 1, size + 1):
            grown[key].append(org_create(user=None, parent=parent, code=f"{key}{number:03d}",
                                         name=f"{key}{number}村党支部", org_type="branch", domain="rural"))
    incomes = []
    for rows in grown.values():
        for index, village in enumerate(rows):
            incomes.append(Income(organization=village, org_path=village.path, year=2023, source="operating",
                                  amount=Decimal(1000)))
            incomes.append(Income(organization=village, org_path=village.path, year=2024, source="operating",
                                  amount=Decimal(20000 if index < len(rows) // 2 else 1000)))
            incomes.append(Income(organization=village, org_path=village.path, year=2024, source="subsidy",
                                  amount=Decimal(30000)))  # subsidies do not count
    Income.objects.bulk_create(incomes)
    for owner, per_year, baseline in ((county.county, 20, SMALL + LARGE), (county.township_a, 2, SMALL),
                                      (county.township_b, 25, LARGE)):
        EliminationPlan.objects.create(owner=owner, owner_path=owner.path, title=f"{owner.name}三年计划",
                                       start_year=2024, years=3, per_year=per_year, baseline=baseline)
    return grown


def counted(client, url, **query):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, query, **ZH)
    assert response.status_code == 200, response.content[:1000]
    return len(queries), response


def own_plan(plans: list, township) -> dict:
    return next(plan for plan in plans if plan["owner"]["id"] == township.pk)


def test_the_plans_progress_does_not_grow_with_the_villages(client, users, county, townships,
                                                            django_assert_max_num_queries):
    client.force_login(users["township_a"])
    small, small_page = counted(client, reverse("economy:plans"))
    small_api, small_plans = counted(client, "/api/economy/plans")
    small_panel, _panel = counted(client, reverse("core:home_panel", args=["economy.villages"]))
    client.force_login(users["township_b"])
    with django_assert_max_num_queries(small):
        counted(client, reverse("economy:plans"))
    with django_assert_max_num_queries(small_api):
        _large_api, large_plans = counted(client, "/api/economy/plans")
    with django_assert_max_num_queries(small_panel):
        counted(client, reverse("core:home_panel", args=["economy.villages"]))
    # the same figures as village by village: A eliminates 2 of 5 in 2024, B 25 of 50; 2025 is not recorded
    for plans, township, size, done in ((small_plans, county.township_a, SMALL, 2),
                                        (large_plans, county.township_b, LARGE, 25)):
        progress = own_plan(plans.json(), township)["progress"]
        assert [(row["year"], row["eliminated"], row["empty"], row["villages"], row["recorded"], row["met"])
                for row in progress] == [(2024, done, size - done, size, True, True),
                                         (2025, 0, 0, size, False, False), (2026, 0, 0, size, False, False)]
    page = small_page.content.decode()
    assert 'data-figure="eliminated">2</a>' in page and 'data-figure="empty">3</a>' in page


def figure_on_page(client, url: str) -> str:
    """The figure the page at ``url`` shows: its element ``data-figure`` named by the fragment, or the list's
    count (``data-total``)."""
    path, _hash, key = url.partition("#")
    page = client.get(path, **ZH).content.decode()
    if key:
        tags = re.findall(r'<[^<>]*\bdata-figure="' + re.escape(key) + r'"[^<>]*>', page)
        found = [value for tag in tags for value in re.findall(r'\bdata-value="([^"]*)"', tag)]
    else:
        found = re.findall(r'\bdata-total="([^"]*)"', page)
    assert len(found) == 1, (url, found)
    return found[0]


def economy_figures(client, report: dict) -> dict:
    """{url: figure} of the report's economy figures, each checked against its page."""
    links = {html.unescape(link["url"]): link["label"] for link in report["links"] if "/economy/" in link["url"]}
    for url, label in links.items():
        assert label == figure_on_page(client, url), (url, label)
    return links


def test_the_work_report_of_a_year_not_recorded_yet(client, users, county, townships):
    client.force_login(users["county"])
    drafted = client.post("/api/workreport/reports", json.dumps({"organization": county.county.pk, "year": 2025}),
                          content_type="application/json", **ZH)
    assert drafted.status_code == 201, drafted.content
    report = drafted.json()
    figures = economy_figures(client, report)
    villages, plans = reverse("economy:villages"), reverse("economy:plans")
    county_plan = next(plan["id"] for plan in client.get("/api/economy/plans").json()
                       if plan["owner"]["id"] == county.county.pk)
    under = f"under={county.county.pk}"
    assert figures == {
        f"{villages}?year=2025&{under}&status=recorded": "0",          # none recorded for 2025 yet
        f"{villages}?year=2025&{under}": "55",                         # of 55 villages
        f"{villages}?year=2024&{under}&status=empty": "28",            # 截至2024年底: 28 left
        f"{villages}?year=2024&{under}&status=eliminated": "27",       # 27 eliminated in 2024
        f"{plans}#plan-{county_plan}-target-2025": "20",                # the plan's target for 2025
        f"{plans}#plan-{county_plan}-left-2025": "15"}
    body = report["body"]
    assert "2024" in body and "2025" in body
    assert "[28](" in body and "55" in body  # 2024's 28 against 2023's 55 (the year before)
    # a village records its 2025 income: drafting again counts it
    recorded = client.post(f"/api/economy/villages/{county.village_b1.pk}/incomes",
                           json.dumps({"year": 2025, "amounts": {"operating": 50000}}),
                           content_type="application/json")
    assert recorded.status_code in (200, 201), recorded.content
    again = client.post(f"/api/workreport/reports/{report['id']}/redraft", json.dumps({"confirm": True}),
                        content_type="application/json", **ZH)
    assert again.status_code == 200, again.content
    assert economy_figures(client, again.json())[f"{villages}?year=2025&{under}&status=recorded"] == "1"
    # a past year fully recorded keeps the section of its own figures
    past = client.post("/api/workreport/reports", json.dumps({"organization": county.county.pk, "year": 2024}),
                       content_type="application/json", **ZH)
    assert past.status_code == 201, past.content
    assert set(economy_figures(client, past.json()).values()) == {"27", "28"}

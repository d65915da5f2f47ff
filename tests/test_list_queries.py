"""Pinned query counts of the main list pages: each page, loaded by the county's administrator over a county with
rows in its lists, stays at today's number of queries, so that a query per row (N+1) shows as a failure here.

When a page legitimately needs another query, raise its number here in the same change."""
import pytest

from engines.duties import services as duties
from tests.factories import DutyRuleFactory, MemberFactory, StandardFactory, WorkflowFactory
from tests.kit import county_built_once

county, users = county_built_once()

# url (a string, or county → string): the most queries its page may make today.
PAGES = {
    "/orgs/": 8,
    "/orgs/search/?q=村": 8,
    "/people/members/": 10,
    "/people/search/?q=张": 8,
    "/people/search/?q=zs": 8,
    "/accounts/users/": 12,
    "/jobs/": 9,
    "/standards/library/": 10,
    "/standards/assessments/": 9,
    "/standards/titles/": 10,
    "/campaigns/": 9,
    "/duties/todo/": 28,  # a query or two per to-do source (obligations, reviews, approvals, sheets, notices, cases
    # waiting on the user, meetings, measures and grades, late check-ins, selections, rounds, objections and the
    # nominations asked of units, elections, naming decisions, floating members to transfer, members graded 不合格
    # with an open case, members warned of 自行脱党), reminders
    "/duties/obligations/": 9,
    "/duties/rules/": 9,
    "/duties/board/": 13,
    "meetings": 11,  # the meetings ledger of village A1
    "/reporting/": 8,
    "/liaison/": 11,
    "/workflows/": 10,
    "/workflows/definitions/": 8,
    "/development/": 13,
    "/grading/": 8,
    "/firstsec/": 12,
    "/selection/": 9,
    "/elections/": 9,
    "/deliberation/": 15,
}


@pytest.fixture(scope="module")
def lists(county_once, django_db_blocker):
    """Rows in the lists: more members, a yearly duty with its obligations, a standard and a workflow."""
    county, _ = county_once
    with django_db_blocker.unblock():
        for _ in range(3):
            MemberFactory(person__organization=county.village_a2)
        rule = DutyRuleFactory(owner=county.county, document={"cadence": "yearly"})
        duties.generate(user=None, rule=rule, year=2025)
        StandardFactory(owner=county.county)
        WorkflowFactory(owner=county.county)
    return county


def _url(page, county):
    return f"/orglife/orgs/{county.village_a1.pk}/meetings/" if page == "meetings" else page


@pytest.mark.parametrize("page", list(PAGES))
def test_list_page_query_count(page, lists, users, client, django_assert_max_num_queries):
    url = _url(page, lists)
    client.force_login(users["county"])
    assert client.get(url).status_code == 200, url  # the first load fills the caches (content types, settings)
    with django_assert_max_num_queries(PAGES[page]):
        assert client.get(url).status_code == 200

"""The branch secretary's and the member's home on a phone (390 × 844): the panels load, the branch's items carry the
button to where each is done, the member sees their own record and no department menu; nothing overflows sideways."""
import datetime

import pytest

from engines.duties import clock, services
from engines.duties.testing import make_rule
from mechanisms.orglife.library import install_rules
from mechanisms.orglife.services import meeting_save
from tests.kit import make_user

from .conftest import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = datetime.date(2025, 9, 5)


@pytest.fixture(autouse=True)
def today():
    clock.set_today(TODAY)
    yield TODAY
    clock.set_today(None)


def loaded(page, code):
    """The panel's card once its content replaced the spinner."""
    selector = f"#panel-{code.replace('.', '')} .card-body"
    page.wait_for_function(f"document.querySelector('{selector}') && "
                           f"!document.querySelector('{selector} .spinner-border')")
    return page.locator(selector)


def answers_failing(page) -> list:
    """The page's requests answered with an error (but the favicon), as they come."""
    failed = []
    page.on("response", lambda r: failed.append((r.status, r.url)) if r.status >= 400 and "favicon" not in r.url
            else None)
    return failed


def fits_the_phone(page) -> bool:
    """Nothing on the page sticks out past the phone's right edge (a button pushed out of its card included)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1 && Array.from("
                         "document.querySelectorAll('#home-panels *')).every("
                         "e => e.getBoundingClientRect().right <= window.innerWidth + 1)")


def test_the_branch_secretarys_home_on_a_phone(phone_page, county):
    page = phone_page
    version = make_rule(county.county, code="branch-monthly", name="村党支部月度工作报告", cadence="monthly",
                        grace_days=60, effective_from="2025-07-01")
    services.generate(user=None, rule=version.rule, year=2025)
    for rule_version in install_rules(user=None, owner=county.county).values():
        services.generate(user=None, rule=rule_version.rule, year=2025)
    make_user("secretary", "branch_secretary", county.village_a1)
    failed = answers_failing(page)
    login(page, "secretary")
    owed = loaded(page, "duties.branch")
    loaded(page, "orglife.branch_month")
    items = owed.locator(".home-owed-item")
    assert items.count() >= 3
    first = items.first
    assert "home-owed-overdue" in first.get_attribute("class")
    assert first.locator(".home-action").is_visible()
    assert fits_the_phone(page) and not failed, failed
    screenshot(page, "home-branch-phone")
    with page.expect_navigation():
        first.locator(".home-action").tap()
    assert "/duties/" in page.url
    screenshot(page, "home-branch-phone-action")


def test_the_members_home_on_a_phone(phone_page, county):
    page = phone_page
    me = county.people["zhangsan"]
    meeting_save(user=None, organization=county.village_a1, kind="branch_general", date=datetime.date(2025, 3, 3),
                 topic="学习党章", attendance={me.pk: "present"})
    meeting_save(user=None, organization=county.village_a1, kind="lecture", date=datetime.date(2025, 8, 2),
                 topic="专题党课", attendance={me.pk: "absent"})
    make_user("zhangsan", "member", county.village_a1, person=me)
    failed = answers_failing(page)
    login(page, "zhangsan")
    meetings = loaded(page, "orglife.my_meetings")
    loaded(page, "orglife.my_training")
    loaded(page, "orglife.my_evaluations")
    assert meetings.locator(".home-figure .fs-4").first.inner_text().strip() == "1"  # attended 1
    assert page.locator("#scope-overview").count() == 0
    assert page.locator("a[href='/standards/cockpit/']").count() == 0
    assert page.locator("a[href='/reporting/inspections/']").count() == 0
    assert page.locator(".home-action").count() == 0
    assert fits_the_phone(page) and not failed, failed
    screenshot(page, "home-member-phone")

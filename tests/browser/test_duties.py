"""A branch secretary submits the half-yearly report from the to-do list on a phone; the township returns it with a
note; it is submitted again and accepted, and the township's overdue board turns green for the branch."""
import datetime

import pytest

from engines.duties import clock, services
from engines.duties.models import Obligation
from engines.duties.testing import make_rule
from tests.kit import make_user

from .conftest import login, screenshot

TODAY = datetime.date(2025, 7, 15)  # five days past the deadline of the first half-year's reports


@pytest.fixture
def report(county):
    version = make_rule(county.county, code="branch-half-yearly", name="村党支部半年工作报告", cadence="half_yearly",
                        review=True)
    services.generate(user=None, rule=version.rule, year=2025)
    return version.rule


@pytest.fixture(autouse=True)
def today():
    clock.set_today(TODAY)
    yield TODAY
    clock.set_today(None)


def board_colour(page, org):
    return page.get_attribute(f"#board-table tr[data-org='{org.pk}']", "data-colour")


def test_a_report_returned_resubmitted_and_accepted(page, phone_page, county, report):
    make_user("secretary", "branch_secretary", county.village_a1)
    make_user("township", "township_admin", county.township_a)
    own = Obligation.objects.get(rule=report, organization=county.village_a1, period_label="2025-H1")

    login(page, "township")
    page.goto(page.base_url + "/duties/board/")
    page.wait_for_selector("#board-chart svg")
    assert board_colour(page, county.village_a1) == "red"
    screenshot(page, "duties-board-before")

    secretary = phone_page
    login(secretary, "secretary")
    secretary.goto(secretary.base_url + "/duties/todo/")
    screenshot(secretary, "duties-todo-phone")
    # one line per item with its due date and button: the list fits a phone's screen or two
    assert secretary.evaluate("document.documentElement.scrollHeight") < 1800
    secretary.click(f"#todo-list [data-key='duties.obligation:{own.pk}'] .todo-action")
    secretary.fill("#id_title", "陳家村党支部2025年上半年党建工作报告")
    secretary.fill("#id_body", "召开支部党员大会3次，上党课2次，发展党员1名。")
    screenshot(secretary, "duties-submit-phone")
    secretary.click("#submission-form button[type=submit]")
    secretary.wait_for_selector("#obligation-state")
    assert "review-pending" in secretary.inner_html(".submission")

    page.goto(page.base_url + "/duties/todo/")
    page.click("#todo-list .todo-item-review .todo-action")
    page.fill("#id_note", "请补充发展党员的具体情况")
    screenshot(page, "duties-review")
    page.click("#review-form button[value=return]")
    page.wait_for_selector(".review-note")

    secretary.goto(secretary.base_url + "/duties/todo/")
    secretary.click("#todo-notices summary")
    assert "村党支部半年工作报告" in secretary.inner_text("#todo-notices")
    secretary.click(f"#todo-list [data-key='duties.obligation:{own.pk}'] .todo-action")
    assert "请补充发展党员的具体情况" in secretary.inner_text("#returned-note")
    secretary.fill("#id_body", "召开支部党员大会3次，上党课2次，发展党员1名（王某，2025年5月）。")
    secretary.click("#submission-form button[type=submit]")
    secretary.wait_for_selector("#obligation-state")

    page.goto(page.base_url + "/duties/todo/")
    page.click("#todo-list .todo-item-review .todo-action")
    page.click("#review-form button[value=accept]")
    page.wait_for_selector("#obligation-state")
    assert page.inner_text("#obligation-count").replace(" ", "") == "1/1"
    screenshot(page, "duties-obligation-accepted")

    page.goto(page.base_url + "/duties/board/")
    page.wait_for_selector("#board-chart svg")
    assert board_colour(page, county.village_a1) == "green"
    screenshot(page, "duties-board-after")
    page.goto(page.base_url + "/duties/calendar/?year=2025&month=7")
    screenshot(page, "duties-calendar")
    page.goto(page.base_url + "/duties/rules/")
    page.click("text=村党支部半年工作报告")
    page.wait_for_selector("#rule-version")
    screenshot(page, "duties-rule")

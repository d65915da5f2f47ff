"""The county walks a 三定一帮 rectification plan in the browser: it opens the plan from the timetable, records
the problems and measures, has it approved, runs the measures to 100%, accepts it and closes it (销号)."""
import pytest

from mechanisms.grading import services
from mechanisms.grading.models import Plan
from mechanisms.grading.testing import GRADED_ON, make_jinta
from tests.kit import make_user

from .conftest import login, screenshot


@pytest.fixture
def jinta(db):
    tree = make_jinta(townships=1, branches=4, by_standard=0, by_meetings=0, by_secretary=1, leaders=1, cadres=1)
    services.grades_propose(user=None, upgrading=tree.upgrading, on=GRADED_ON)
    services.grades_confirm(user=None, upgrading=tree.upgrading, on=GRADED_ON, confirm=True)
    services.teams_propose(user=None, upgrading=tree.upgrading)
    return tree


def _stage(page) -> str:
    return page.locator('#stages [aria-current="step"]').inner_text()


def test_rectification_plan_through_its_stages(page, jinta):
    make_user("jt_county", "county_admin", jinta.county)
    login(page, "jt_county")
    page.goto(f"{page.base_url}/grading/{jinta.upgrading.pk}/board/")
    page.wait_for_selector("#grading-chart svg")
    screenshot(page, "rectification-board-before")
    page.locator("#board-table button").first.click()
    page.wait_for_selector("#stages")
    assert "拟定" in _stage(page)
    assert page.locator("#advance").is_disabled()

    page.select_option("#problem-form select[name=line]", "leadership")
    page.select_option("#problem-form select[name=kind]", "paralysed")
    page.fill("#problem-form input[name=description]", "支部书记空缺，班子瘫痪")
    page.click("#problem-form button")
    page.fill("#measure-form input[name=content]", "选派优秀党员任支部书记")
    page.fill("#measure-form input[name=owner]", "镇党委")
    page.fill("#measure-form input[name=deadline]", "2013-09-30")
    page.click("#measure-form button")
    assert "选派优秀党员任支部书记" in page.inner_text("#measures")
    page.fill("#visit-form input[name=visitors]", "县领导、镇党委书记、组工干部")
    page.click("#visit-form button")
    screenshot(page, "rectification-drafted")

    page.click("#advance")
    assert "审批" in _stage(page)
    assert page.locator("#advance").is_disabled()  # the county's approval is still missing
    page.click("#approve")
    page.click("#advance")
    assert "整改" in _stage(page)
    page.fill("#measures input[name=progress]", "100")
    page.click("#measures form button")
    assert "✓" in page.inner_text("#measures")
    screenshot(page, "rectification-in-progress")
    page.click("#advance")
    assert "验收" in _stage(page)
    page.click("#approve")
    page.fill("#gate input[name=comment]", "验收合格")
    page.click("#advance")
    assert "销号" in _stage(page)
    plan = Plan.objects.select_related("case").get()
    assert plan.case.status == "closed"
    assert [t.to_stage for t in plan.case.transitions.all()] == ["drafted", "approved", "in_progress", "accepted",
                                                                 "closed"]
    screenshot(page, "rectification-closed")
    page.goto(f"{page.base_url}/grading/{jinta.upgrading.pk}/board/")
    assert "销号" in page.inner_text("#board-table")

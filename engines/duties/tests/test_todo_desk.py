"""The to-do list as a branch secretary uses it: everything their branch owes or must decide, from every engine and
mechanism, sorted by deadline, one line each with the button that opens the page where it is done, paged."""
import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse

from engines.duties import clock, services
from engines.duties.testing import make_rule
from engines.standards.services import assessment_create
from engines.standards.testing import make_standard
from mechanisms.reporting.library import install_reporting_rules
from mechanisms.reporting.services import finding_add, inspection_create, notice_issue
from tests.kit import county_built_once

county, users = county_built_once()

TODAY = datetime.date(2025, 9, 5)
D = datetime.date


@pytest.fixture(autouse=True)
def today():
    with clock.today_is(TODAY):
        yield TODAY


@pytest.fixture
def report(county):
    """A quarterly report of the branches to their township: the third quarter's is due on 10 October."""
    version = make_rule(county.county, code="branch-quarterly", name="村党支部季度工作报告", cadence="quarterly",
                        effective_from="2025-07-01")
    services.generate(user=None, rule=version.rule, year=2025)
    return version.rule


@pytest.fixture
def notice(county, users):
    """The county's supervision notice to village A1, to be rectified by 30 September."""
    install_reporting_rules(user=None, owner=county.county)
    inspection = inspection_create(user=users["county"], organization=county.county, year=2025, quarter=3,
                                   inspected_on=D(2025, 9, 1), team="县委组织部基层办检查组")
    finding = finding_add(user=users["county"], inspection=inspection, organization=county.village_a1,
                          category="org_life", text="“三会一课”记录不全")
    return notice_issue(user=users["county"], finding=finding, deadline=D(2025, 9, 30), number="督办〔2025〕7号")


@pytest.fixture
def declaration(county):
    """An open assessment of the branches: their self-declaration (自评, no weight) is open, the inspectors' is not
    theirs to score."""
    version = make_standard(county.county, code="five-good-test", name="五个好村党组织", raters=[
        {"code": "self", "name": "自评", "weight": 0},
        {"code": "inspectors", "name": "考核组", "weight": 1, "scored_by": ["inspector"]}])
    assessment = assessment_create(user=None, version=version, owner=county.county, name="2025年五个好",
                                   period_kind="year", period_start=D(2025, 1, 1), period_end=D(2025, 12, 31),
                                   period_label="2025")
    return assessment.sheets.get(organization=county.village_a1)


def todo_items(page: str) -> list[str]:
    return re.findall(r'<li class="list-group-item todo-item[^"]*"[^>]*>.*?</li>', page, re.S)


def action_url(item: str) -> str:
    return re.search(r'class="btn[^"]*todo-action" href="([^"]+)"', item).group(1).replace("&amp;", "&")


def test_the_branch_sees_its_declaration_report_and_notice_sorted_by_deadline_each_opening_where_it_is_done(
        client, users, county, report, notice, declaration):
    client.force_login(users["branch_a1"])
    page = client.get(reverse("duties:todo")).content.decode()
    items = todo_items(page)
    assert len(items) == 3, items
    notice_item, report_item, declaration_item = items  # 30 September, 10 October, no deadline
    assert "督办〔2025〕7号" in notice_item and 'datetime="2025-09-30"' in notice_item
    assert "村党支部季度工作报告 · 2025年第三季度" in report_item and 'datetime="2025-10-10"' in report_item
    assert "五个好村党组织 · 2025" in declaration_item
    # each names its rule or standard by name, never by its code and version
    assert "supervision-rectification" not in page and "branch-quarterly" not in page and " v1" not in page
    assert "督办通知限期整改" not in page or "supervision-rectification" not in page
    # each button opens the page where the work is done, and that page holds the form to do it
    assert action_url(notice_item) == reverse("reporting:notice", args=[notice.pk])
    notice_page = client.get(action_url(notice_item))
    assert notice_page.status_code == 200
    assert reverse("reporting:notice_action", args=[notice.pk, "rectify"]) in notice_page.content.decode()
    obligation = report.obligations.get(organization=county.village_a1, period_label="2025-Q3")
    assert action_url(report_item) == reverse("duties:submit", args=[obligation.pk])
    report_page = client.get(action_url(report_item))
    assert report_page.status_code == 200 and 'name="title"' in report_page.content.decode()
    assert action_url(declaration_item) == reverse("standards:sheet", args=[declaration.pk]) + "?rater=self"
    sheet_page = client.get(action_url(declaration_item))
    assert sheet_page.status_code == 200
    assert reverse("standards:declare", args=[declaration.pk]) in sheet_page.content.decode()


def test_a_rectification_sent_leaves_the_branch_and_goes_to_the_issuer(client, users, county, notice):
    from mechanisms.reporting.services import rectification_submit

    rectification_submit(user=users["branch_a1"], notice=notice, text="已补齐记录")
    client.force_login(users["branch_a1"])
    assert "督办〔2025〕7号" not in client.get(reverse("duties:todo")).content.decode()
    client.force_login(users["county"])
    items = todo_items(client.get(reverse("duties:todo")).content.decode())
    [issuer_item] = [item for item in items if "督办〔2025〕7号" in item]
    assert action_url(issuer_item) == reverse("reporting:notice", args=[notice.pk])


def test_a_sibling_branchs_items_are_not_on_the_list(client, users, county, report, notice, declaration):
    page = client.get(reverse("duties:todo"), follow=True)  # anonymous: to the login page
    assert "督办〔2025〕7号" not in page.content.decode()
    from tests.kit import make_user

    sibling = make_user("branch_a2", "branch_secretary", county.village_a2)
    client.force_login(sibling)
    page = client.get(reverse("duties:todo")).content.decode()
    items = todo_items(page)
    assert len(items) == 2  # its own report and declaration
    assert "督办〔2025〕7号" not in page and county.village_a1.name not in page
    assert all(county.village_a2.name in item for item in items)


def test_more_than_a_page_of_items_is_paged_with_its_count(client, users, county):
    for number in range(settings.PAGE_SIZE + 3):
        version = make_rule(county.county, code=f"monthly-{number}", name=f"月报{number:02d}", cadence="monthly",
                            effective_from="2025-09-01")
        services.generate(user=None, rule=version.rule, year=2025)
    client.force_login(users["branch_a1"])
    first = client.get(reverse("duties:todo")).content.decode()
    total = settings.PAGE_SIZE + 3  # each rule's September report (due 10 October) is on the list
    assert f'data-total="{total}"' in first
    assert len(todo_items(first)) == settings.PAGE_SIZE and 'rel="next"' in first
    second = client.get(reverse("duties:todo") + "?page=2").content.decode()
    assert len(todo_items(second)) == 3 and f'data-total="{total}"' in second


# --- reminders (催办) from the overdue board --------------------------------------------------------------------------

def test_the_township_reminds_the_organizations_behind_the_overdue_figure_and_they_see_it_unread_then_read(
        client, users, county, report):
    from tests.kit import make_user

    clock.set_today(D(2025, 10, 15))  # the third quarter's reports were due on 10 October: every branch is overdue
    services.daily(today=D(2025, 10, 15))
    sibling = make_user("branch_a2", "branch_secretary", county.village_a2)
    client.force_login(users["township_a"])
    board = client.get(reverse("duties:board") + f"?under={county.township_a.pk}&year=2025").content.decode()
    assert 'id="board-urge"' in board
    form = client.get(reverse("duties:urge") + f"?under={county.township_a.pk}&year=2025")
    assert form.status_code == 200
    assert county.village_a1.name in form.content.decode() and county.village_b1.name not in form.content.decode()
    sent = client.post(reverse("duties:urge") + f"?under={county.township_a.pk}&year=2025",
                       {"message": "请尽快报送第三季度工作报告"})
    assert sent.status_code == 302
    client.force_login(users["branch_a1"])
    page = client.get(reverse("duties:todo")).content.decode()
    card = page[page.index('id="todo-urgings"'):]
    assert "请尽快报送第三季度工作报告" in card and "urging-unread" in card and "甲镇党委" in card
    read_url = re.search(r'action="(/duties/urgings/\d+/read/)"', card).group(1)
    client.force_login(sibling)
    assert client.post(read_url).status_code == 404  # not theirs: the sibling has a reminder of their own
    assert "urging-unread" in client.get(reverse("duties:todo")).content.decode()
    client.force_login(users["branch_a1"])
    assert client.post(read_url).status_code == 302
    card = client.get(reverse("duties:todo")).content.decode()
    assert "请尽快报送第三季度工作报告" in card and "urging-read" in card and "urging-unread" not in card
    # the other township's branch got nothing
    client.force_login(make_user("branch_b1", "branch_secretary", county.village_b1))
    assert 'id="todo-urgings"' not in client.get(reverse("duties:todo")).content.decode()


def test_a_branch_secretary_cannot_send_reminders(client, users, county, report):
    client.force_login(users["branch_a1"])
    assert client.get(reverse("duties:urge") + f"?under={county.village_a1.pk}").status_code == 403
    assert client.post(reverse("duties:urge") + f"?under={county.village_a1.pk}",
                       {"message": "x"}).status_code == 403

"""A journey per role, in the browser: login through the login page, the home with every panel loaded (desktop
1366 × 900 and phone 390 × 844, nothing wider than the phone), the to-do on the phone, and, for the roles that act,
one real action started from a to-do item's button with its result on the page. The leader and the inspector only
read: no action on their panels, nothing on their to-do.

The small county is at work on Friday 5 September 2025: the branches owe their meetings (三会一课) and a monthly
report the township reviews (village A1 sent August's; 张三 attended July's general meeting), the county's
supervision notice to village A1 was rectified and waits on the county, and a first secretary is in post in village
A1. Screenshots: test-artifacts/journey-*.png.
"""
import datetime

import pytest
from django.conf import settings

from engines.duties import clock, services
from engines.duties.testing import make_rule
from kernel.orgs.services import org_create
from mechanisms.firstsec import services as firstsec
from mechanisms.firstsec.library import install_firstsec
from mechanisms.orglife.library import install_rules
from mechanisms.orglife.services import meeting_save
from mechanisms.reporting.library import install_reporting_rules
from mechanisms.reporting.services import finding_add, inspection_create, notice_issue, rectification_submit
from tests.kit import make_member, make_user, make_users

from .conftest import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

D = datetime.date
TODAY = D(2025, 9, 5)
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def today():
    clock.set_today(TODAY)
    yield TODAY
    clock.set_today(None)


@pytest.fixture
def at_work(county):
    """The county's users (one per role, and the first secretary ``zhao``) and what they have to do."""
    users = make_users(county)
    for version in install_rules(user=None, owner=county.county).values():
        services.generate(user=None, rule=version.rule, year=2025)
    me = county.people["zhangsan"]
    meeting_save(user=None, organization=county.village_a1, kind="branch_general", date=D(2025, 7, 3),
                 topic="学习党章", attendance={me.pk: "present", county.people["chen"].pk: "excused"})
    report = make_rule(county.county, code="branch-monthly", name="村党支部月度工作报告", cadence="monthly",
                       review=True, effective_from="2025-07-01").rule
    services.generate(user=None, rule=report, year=2025)
    services.submit(user=users["branch_a1"], rule=report, subject=county.village_a1, occurred_on=D(2025, 9, 2),
                    title="八月份工作报告", period_start=D(2025, 8, 1))
    install_reporting_rules(user=None, owner=county.county)
    inspection = inspection_create(user=users["county"], organization=county.county, year=2025, quarter=3,
                                   inspected_on=D(2025, 8, 20), team="县委组织部基层办检查组")
    finding = finding_add(user=users["county"], inspection=inspection, organization=county.village_a1,
                          category="org_life", text="“三会一课”记录不全")
    notice = notice_issue(user=users["county"], finding=finding, deadline=D(2025, 9, 30), number="督办〔2025〕7号")
    rectification_submit(user=users["branch_a1"], notice=notice, text="已补齐2025年上半年会议记录")
    install_firstsec(user=None, owner=county.county)
    agency = org_create(user=None, parent=county.county, code="AG1", name="县农业农村局机关党支部", org_type="branch",
                        domain="agency")
    dispatch = firstsec.dispatch_create(user=users["county"], person=make_member(agency, "赵第一"),
                                        village=county.village_a1, village_class="weak_lax", sending_unit="县农业农村局",
                                        sending_org=agency, started_on=D(2025, 6, 2), ends_on=D(2027, 6, 1))
    users["zhao"] = make_user("zhao", "member", county.village_a1, person=dispatch.person)
    services.refresh_states(today=TODAY)
    return users


@pytest.fixture
def desk(browser, live_server):
    """Opens a browser context (desktop or phone, Chinese unless told); all are closed at the end."""
    contexts = []

    def open_page(viewport=DESKTOP, *, storage_state=None, locale="zh-CN"):
        phone = viewport == PHONE
        context = browser.new_context(locale=locale, viewport=viewport, is_mobile=phone, has_touch=phone,
                                      storage_state=storage_state)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30000)
        page.base_url = live_server.url
        page.failed = []
        page.on("response", lambda r: page.failed.append((r.status, r.url))
                if r.status >= 400 and "favicon" not in r.url else None)
        return page

    yield open_page
    for context in contexts:
        context.close()


def panels_loaded(page) -> list[str]:
    """Waits until every home panel's card replaced its spinner; the panels' ids."""
    page.wait_for_selector("#home-panels")
    page.wait_for_function("document.querySelectorAll('#home-panels .home-panel').length > 0 && "
                           "!document.querySelector('#home-panels .spinner-border')")
    page.wait_for_load_state("networkidle")
    return page.eval_on_selector_all("#home-panels .home-panel", "els => els.map(e => e.id)")


def fits_the_phone(page, within="body") -> list[str]:
    """What sticks out past the phone's right edge (nothing, on a good page)."""
    return page.evaluate(
        "(within) => { const w = window.innerWidth + 1; const out = [];"
        " if (document.documentElement.scrollWidth > w) out.push('page ' + document.documentElement.scrollWidth);"
        " document.querySelectorAll(within + ' *').forEach(e => { const r = e.getBoundingClientRect();"
        "  if (r.width && r.right > w && !e.closest('.table-responsive, details:not([open])'))"
        "   out.push(e.tagName + '.' + e.className + ' ' + Math.round(r.right)); });"
        " return out.slice(0, 10); }", within)


def journey(desk, username, role) -> tuple:
    """Login on the desktop, the home (desktop, then phone), the to-do on the phone: (desktop page, phone page)."""
    page = desk(DESKTOP)
    login(page, username)
    assert page.url.rstrip("/") == page.base_url, page.url  # the login leads home
    panels = panels_loaded(page)
    assert panels, "no panel on the home"
    assert not page.failed, page.failed
    assert not page.locator("#home-panels .home-panel-empty").count() == len(panels), "every panel is empty"
    read_at = page.eval_on_selector_all("#home-panels .home-panel",
                                        "els => els.map(e => e.querySelectorAll('.home-read-at').length)")
    assert set(read_at) == {1}, dict(zip(panels, read_at))  # each panel says once when its figures were read
    screenshot(page, f"journey-{role}-desktop")
    phone = desk(PHONE, storage_state=page.context.storage_state())
    phone.goto(phone.base_url + "/")
    assert panels_loaded(phone) == panels
    assert not fits_the_phone(phone, "#home-panels"), fits_the_phone(phone, "#home-panels")
    assert not phone.failed, phone.failed
    screenshot(phone, f"journey-{role}-phone")
    open_todo(phone)
    assert not fits_the_phone(phone, ".todo"), fits_the_phone(phone, ".todo")
    screenshot(phone, f"journey-{role}-todo")
    return page, phone


def open_todo(page):
    page.goto(page.base_url + "/duties/todo/")
    page.wait_for_selector("#todo-list")
    assert not page.failed, page.failed


def todo_item(page, text):
    return page.locator("#todo-list .todo-item", has_text=text)


def test_the_county_administrator_closes_a_rectified_notice_from_the_to_do(desk, at_work):
    page, phone = journey(desk, "county", "county")
    assert page.locator("#panel-dutiesdecisions").count() == 1
    open_todo(page)
    item = todo_item(page, "督办〔2025〕7号")
    assert item.count() == 1 and "已逾期" not in item.inner_text()
    with page.expect_navigation():
        item.locator(".todo-action").click()
    assert "/reporting/notices/" in page.url
    assert "已补齐2025年上半年会议记录" in page.locator("body").inner_text()
    with page.expect_navigation():
        page.locator("#closure-form button.btn-success").click()
    assert not page.failed, page.failed
    assert page.locator(".alert-success").count() >= 1
    screenshot(page, "journey-county-decided")
    open_todo(page)
    assert todo_item(page, "督办〔2025〕7号").count() == 0


def test_the_county_home_reads_in_english(desk, at_work):
    page = desk(DESKTOP, locale="en-US")
    login(page, "county")
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": page.base_url}])
    page.goto(page.base_url + "/")
    panels_loaded(page)
    assert not page.failed, page.failed
    text = page.locator("#home-panels").inner_text()
    assert "Decisions waiting" in text and "Reports and meetings on time" in text
    assert "待" not in text and "按时" not in text and "目标" not in text, text
    screenshot(page, "journey-county-desktop-en")


def test_the_township_administrator_accepts_a_report_from_the_to_do(desk, at_work):
    page, phone = journey(desk, "township_a", "township")
    open_todo(page)
    item = todo_item(page, "八月份工作报告")
    assert item.count() == 1
    with page.expect_navigation():
        item.locator(".todo-action").click()
    assert "/review/" in page.url
    with page.expect_navigation():
        page.locator("#review-form button[value=accept]").click()
    assert not page.failed, page.failed
    screenshot(page, "journey-township-reviewed")
    open_todo(page)
    assert todo_item(page, "八月份工作报告").count() == 0


def test_the_branch_secretary_records_a_meeting_from_the_to_do_on_the_phone(desk, at_work):
    page, phone = journey(desk, "branch_a1", "branch")
    # this month's meeting, held today (August's, overdue, would be dated in August)
    meetings = phone.locator("#todo-list .todo-item", has=phone.locator("a.todo-action[href*='/meetings/new/']"))
    item = meetings.filter(has_text="2025年9月").first
    assert item.count() == 1, meetings.all_inner_texts()
    key = item.get_attribute("data-key")
    title = item.locator(".todo-title").inner_text()
    with phone.expect_navigation():
        item.locator(".todo-action").tap()
    assert "/meetings/new/" in phone.url
    assert phone.locator("#id_kind").input_value()  # the kind filled in from the item
    phone.fill("#id_date", TODAY.isoformat())
    phone.fill("#id_topic", "学习党的二十届三中全会精神")
    phone.fill("#id_place", "村党员活动室")
    phone.locator("#save-meeting").tap()
    phone.wait_for_url("**/orglife/meetings/*/")
    assert not phone.failed, phone.failed
    assert "学习党的二十届三中全会精神" in phone.locator("body").inner_text()
    screenshot(phone, "journey-branch-recorded")
    open_todo(phone)
    assert phone.locator(f"#todo-list .todo-item[data-key='{key}']").count() == 0, title


def test_the_first_secretary_checks_in_from_the_to_do_on_the_phone(desk, at_work):
    page, phone = journey(desk, "zhao", "firstsec")
    assert page.locator("#panel-firstsectoday #not-checked-in").count() == 1
    item = phone.locator("#todo-list .todo-item[data-key^='firstsec.checkin:']")
    assert item.count() == 1 and "今日打卡" in item.inner_text()
    with phone.expect_navigation():
        item.locator(".todo-action").tap()
    assert "/firstsec/checkin/" in phone.url
    phone.locator("label[for=c-night]").tap()
    phone.locator("#c-submit").tap()
    phone.wait_for_selector("#checked-today")
    assert not phone.failed, phone.failed
    screenshot(phone, "journey-firstsec-checked-in")
    open_todo(phone)
    assert phone.locator("#todo-list .todo-item[data-key^='firstsec.checkin:']").count() == 0
    phone.goto(phone.base_url + "/")
    panels_loaded(phone)
    assert phone.locator("#panel-firstsectoday #checked-in-today").count() == 1


def test_the_member_opens_their_record(desk, at_work, county):
    page, phone = journey(desk, "member", "member")
    me = county.people["zhangsan"]
    attended = page.locator("#panel-orglifemy_meetings .home-figure .fs-4").first
    assert attended.inner_text().strip() == "1"  # July's general meeting
    # nothing of the department's: the panels' buttons open the member's own record only
    links = page.locator("#home-panels a.btn, #home-panels .home-action").evaluate_all(
        "els => els.map(e => e.getAttribute('href'))")
    assert all(f"/people/{me.pk}/" in link for link in links), links
    assert page.locator("a[href='/standards/cockpit/']").count() == 0
    items = phone.locator("#todo-list .todo-item .todo-action")
    if items.count():
        with phone.expect_navigation():
            items.first.tap()
    else:
        phone.goto(phone.base_url + "/")
        with phone.expect_navigation():
            phone.locator("#my-record").tap()
        assert "/people/" in phone.url
    assert not phone.failed, phone.failed
    assert me.name in phone.locator("main, body").first.inner_text()
    screenshot(phone, "journey-member-record")


@pytest.mark.parametrize("username", ["leader", "inspector"])
def test_the_leader_and_the_inspector_only_read(desk, at_work, username):
    page, phone = journey(desk, username, username)
    assert page.locator("#home-panels .home-action, #home-panels a.btn, #home-panels form").count() == 0
    assert page.locator("#panel-dutiesdecisions").count() == 0
    assert phone.locator("#todo-list .todo-item").count() == 0
    assert "暂无待办" in phone.locator("#todo-list").inner_text()

"""A transfer in the browser: township A issues the letter for 张三 to 王家村 by its code, township B receives him;
then the floating members' register with a member away past six months at a fixed place, on a phone."""
import pytest

from mechanisms.membership.library import install_membership_rules

from .conftest import login, screenshot


@pytest.fixture
def shipped(county):
    install_membership_rules(user=None, owner=county.county)


def test_a_letter_issued_then_received(browser, live_server, county, users, shipped):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30000)
    page.base_url = live_server.url
    login(page, "township_a")
    page.goto(page.base_url + f"/membership/people/{county.people['zhangsan'].pk}/transfer/")
    page.fill("#id_to_code", county.village_b1.code)
    with page.expect_navigation():
        page.click("#transfer-form button[type=submit]")
    assert page.locator("#transfer-status").get_attribute("data-status") == "issued"
    assert "转接中" in page.locator("#in-transit-note").inner_text()
    screenshot(page, "membership-transfer-issued")
    context.close()

    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.set_default_timeout(30000)
    page.base_url = live_server.url
    login(page, "township_b")
    page.goto(page.base_url + "/membership/transfers/?direction=in")
    with page.expect_navigation():
        page.locator("#transfer-table a", has_text="-0001").first.click()
    with page.expect_navigation():
        page.click("#accept-button")
    assert page.locator("#transfer-status").get_attribute("data-status") == "accepted"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "membership-transfer-received-phone")
    context.close()

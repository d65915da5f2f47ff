"""A township records a member's standing in the browser: out of contact from the person page, then leaving the
party after its preview; the standing page in Chinese and English, on a desktop and on a phone."""
from .conftest import login, screenshot


def _record(page, kind, on, **fields):
    page.select_option("#id_kind", kind)
    page.fill("#id_on", on)
    for name, value in fields.items():
        if name == "reason":
            page.select_option("#id_reason", value)
        else:
            page.fill(f"#id_{name}", value)
    with page.expect_navigation():
        page.click("#standing-form button[type=submit]")


def test_out_of_contact_then_leaving_after_the_preview(page, county, users):
    login(page, "township_a")
    page.goto(page.base_url + f"/people/{county.people['lisi'].pk}/")
    with page.expect_navigation():
        page.locator("#membership a", has_text="党籍").click()
    _record(page, "lose_contact", "2025-01-10")
    assert "失联" in page.locator("#standing-history").inner_text()
    assert page.locator("#standing-lost").inner_text() == "2025-01-10"
    _record(page, "exit", "2025-06-01", reason="persuaded", decided_by="李家村党支部支部大会", number="李支〔2025〕2号")
    preview = page.locator("#exit-preview")
    assert "劝退" in preview.inner_text() and "不再计入" in preview.inner_text()
    screenshot(page, "membership-exit-preview")
    with page.expect_navigation():
        page.click("#confirm-form button.btn-danger")
    assert page.locator("#standing-status").inner_text().startswith("已出党")
    assert page.locator("#withdraw-form").count() == 1
    screenshot(page, "membership-standing")


def test_the_standing_page_in_english_and_on_a_phone(browser, live_server, county, users):
    for name, options in (("membership-standing-en", {"locale": "en-US", "viewport": {"width": 1280, "height": 900}}),
                          ("membership-standing-phone", {"locale": "zh-CN", "viewport": {"width": 390, "height": 844},
                                                         "is_mobile": True, "has_touch": True})):
        context = browser.new_context(**options)
        page = context.new_page()
        page.set_default_timeout(30000)
        page.base_url = live_server.url
        login(page, "township_a")
        page.goto(page.base_url + f"/membership/people/{county.people['zhangsan'].pk}/")
        assert page.locator("#standing-form").is_visible()
        if name.endswith("-en"):
            assert "Record a change of standing" in page.content()
        else:
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, width  # nothing wider than the phone
        screenshot(page, name)
        context.close()

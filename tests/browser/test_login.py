from .conftest import login, screenshot


def test_login_and_wrong_password(page, users):
    page.goto(page.base_url + "/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", "county")
    page.fill("#id_password", "wrong")
    page.click("button[type=submit]")
    assert page.locator(".alert-danger").is_visible()
    screenshot(page, "login-error")
    login(page, "county")
    assert "/accounts/login/" not in page.url
    assert page.get_by_text("county").first.is_visible()

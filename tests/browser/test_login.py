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
    assert page.locator("h1", has_text="county").is_visible()  # the welcome names the user
    assert "county" in page.locator("form[action$='/logout/'] button").get_attribute("title")

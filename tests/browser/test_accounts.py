"""An administrator lists, opens and creates accounts, and imports a workbook of them with its password sheet,
on a desktop and on a phone, in Chinese and in English."""
import io

import pytest
from openpyxl import Workbook

from kernel.accounts import services

from .conftest import login, screenshot

HEADER = ["用户名", "姓名", "手机号", "组织代码", "角色"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def clerks(county, users):
    for n, org in enumerate((county.village_a1, county.village_a2, county.village_b1), start=1):
        account, _password = services.user_create(user=users["county"], username=f"clerk{n}", full_name=f"文书{n}",
                                                  phone=f"1390000000{n}", home=org)
        services.grant_add(user=users["county"], target=account, role="branch_secretary", organization=org)


def accounts_file(path, rows):
    book = Workbook()
    book.active.append(HEADER)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue())
    return str(path)


def no_sideways_scroll(page, width):
    scrolled = page.evaluate("document.documentElement.scrollWidth")
    assert scrolled <= width, f"the page scrolls sideways ({scrolled}px)"


def test_list_account_and_forms(page, county, users, clerks):
    login(page, "county")
    with page.expect_navigation():
        page.click("#nav-accounts")
    assert page.locator("#account-table tbody tr").count() >= 8
    page.select_option("#id_role", "branch_secretary")
    with page.expect_navigation():
        page.click("#apply-filters")
    screenshot(page, "accounts-list")
    with page.expect_navigation():
        page.locator("#account-table a", has_text="clerk1").click()
    assert "文书1" in page.locator("#account-name").inner_text()
    screenshot(page, "accounts-detail")
    with page.expect_navigation():
        page.click("#reset-password")
    screenshot(page, "accounts-reset-confirm")
    with page.expect_navigation():
        page.click("#confirm")
    assert len(page.locator("#one-time-password").inner_text()) == 12
    screenshot(page, "accounts-reset-done")
    page.goto(page.base_url + "/accounts/users/add/")
    screenshot(page, "accounts-create")


def test_import_with_errors_then_the_password_sheet(page, county, users, tmp_path):
    login(page, "township_a")
    page.goto(page.base_url + "/accounts/import/")
    bad = accounts_file(tmp_path / "bad.xlsx", [["a1", "甲", "", "B1", "支部书记"], ["a2", "乙", "123", "A1", "县级管理员"]])
    page.set_input_files("#upload-accounts input[type=file]", bad)
    with page.expect_navigation():
        page.click("#upload-accounts button[type=submit]")
    assert page.locator("#import-errors tbody tr").count() == 3
    screenshot(page, "accounts-import-errors")
    good = accounts_file(tmp_path / "good.xlsx", [["a1", "甲文书", "13900001111", "A1", "支部书记"],
                                                 ["a2", "乙文书", "", "A2", "支部书记"]])
    page.set_input_files("#upload-accounts input[type=file]", good)
    with page.expect_navigation():
        page.click("#upload-accounts button[type=submit]")
    screenshot(page, "accounts-import-preview")
    with page.expect_navigation():
        page.click("#confirm-import")
    screenshot(page, "accounts-import-done")
    with page.expect_download() as download:
        page.click("#download-passwords")
    assert download.value.suggested_filename.endswith(".pdf")
    page.goto(page.base_url + "/accounts/import/done/")
    assert page.locator("#sheet-gone").is_visible()


def test_on_a_phone_in_english(phone_page, county, users, clerks):
    page = phone_page
    login(page, "township_a")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.base_url}])
    page.goto(page.base_url + "/accounts/users/")
    assert page.locator("#account-table tbody tr").count() >= 3
    no_sideways_scroll(page, 390)
    screenshot(page, "accounts-list-phone-en")
    with page.expect_navigation():
        page.locator("#account-table a", has_text="clerk1").click()
    screenshot(page, "accounts-detail-phone-en")
    no_sideways_scroll(page, 390)
    page.goto(page.base_url + "/accounts/import/")
    no_sideways_scroll(page, 390)
    screenshot(page, "accounts-import-phone-en")

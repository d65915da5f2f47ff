"""A township administrator uploads a ledger, checks the preview, confirms, and sees the job finish."""
import pytest

from kernel.people.models import Person
from tests.import_files import member_row, xlsx

from .conftest import login, screenshot


@pytest.fixture(autouse=True)
def _inline_jobs(settings, tmp_path):
    settings.JOBS_MODE = "inline"
    settings.MEDIA_ROOT = tmp_path


def test_upload_preview_confirm_done(page, county, users, tmp_path):
    rows = [member_row(i) for i in range(12)]
    rows[0].update(职务="党支部书记;村委会主任", 任职日期="2021-01-01")
    path = tmp_path / "党员台账.xlsx"
    path.write_bytes(xlsx(rows).getvalue())
    login(page, "township_a")
    page.click("nav a[href='/imports/']")
    page.set_input_files("#upload-members input[type=file]", str(path))
    with page.expect_navigation():
        page.click("#upload-members button[type=submit]")
    assert page.locator("#count-created").inner_text() == "12"
    assert page.locator("#count-unchanged").inner_text() == "0"
    screenshot(page, "import-preview")
    assert not Person.objects.filter(name__startswith="导入").exists()
    with page.expect_navigation():
        page.click("#confirm-import")
    page.wait_for_load_state("networkidle")
    screenshot(page, "import-done")
    assert "/jobs/" in page.url
    assert Person.objects.filter(name__startswith="导入").count() == 12


def test_errors_are_listed_on_the_page(page, county, users, tmp_path):
    rows = [member_row(1), member_row(2, org="B1"), member_row(3, 入党日期="明年")]
    path = tmp_path / "有错误.xlsx"
    path.write_bytes(xlsx(rows).getvalue())
    login(page, "township_a")
    page.goto(page.base_url + "/imports/")
    page.set_input_files("#upload-members input[type=file]", str(path))
    with page.expect_navigation():
        page.click("#upload-members button[type=submit]")
    errors = page.locator("#import-errors tbody tr")
    assert errors.count() == 2
    assert "所在党组织代码" in errors.nth(0).inner_text()
    assert page.locator("#confirm-import").count() == 0
    screenshot(page, "import-errors")

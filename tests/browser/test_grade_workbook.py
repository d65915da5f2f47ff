"""The county downloads the grades workbook from the grades page, changes a grade in it, uploads it, reads the
preview, sees an error listed for a bad row, and uploads it again corrected and saves it."""
import io

import pytest
from openpyxl import load_workbook

from mechanisms.grading import services
from mechanisms.grading.models import Grade
from mechanisms.grading.testing import GRADED_ON, make_jinta
from tests.kit import make_user

from .conftest import login, screenshot


@pytest.fixture
def jinta(db):
    tree = make_jinta(townships=2, branches=6, by_standard=1, by_meetings=0, by_secretary=1, leaders=1, cadres=1)
    services.grades_propose(user=None, upgrading=tree.upgrading, on=GRADED_ON)
    return tree


def _edit(path, code, **cells):
    book = load_workbook(path)
    sheet = book["分类定级"]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(row=r, column=1).value == code)
    for column, value in cells.items():
        sheet[f"{column}{row}"] = value
    book.save(path)


def test_grades_workbook_download_upload_preview_apply(page, jinta, tmp_path):
    make_user("jt_county", "county_admin", jinta.county)
    login(page, "jt_county")
    page.goto(f"{page.base_url}/grading/{jinta.upgrading.pk}/")
    page.locator("#grades-workbook").scroll_into_view_if_needed()
    screenshot(page, "grade-workbook-card")
    with page.expect_download() as download:
        page.click("#workbook-download button")
    path = tmp_path / "grades.xlsx"
    download.value.save_as(path)
    assert load_workbook(io.BytesIO(path.read_bytes()))["分类定级"].max_row == 7

    raised, bad = jinta.branches[2], jinta.branches[3]
    _edit(path, raised.code, H="先进", J="村集体经济收入翻番")
    _edit(path, bad.code, H="先进")
    page.set_input_files("#workbook-upload input[type=file]", str(path))
    with page.expect_navigation():
        page.click("#workbook-upload button[type=submit]")
    assert page.locator("#workbook-errors tbody tr").count() == 1
    assert "理由" in page.locator("#workbook-errors tbody tr").inner_text()
    assert page.locator("#workbook-apply").count() == 0
    screenshot(page, "grade-workbook-errors")

    _edit(path, bad.code, H="较好")  # corrected, and uploaded again from the preview
    page.set_input_files("#workbook-upload input[type=file]", str(path))
    with page.expect_navigation():
        page.click("#workbook-upload button[type=submit]")
    assert page.locator("#count-changed").inner_text() == "1"
    assert page.locator("#count-confirmed").inner_text() == "5"
    assert page.locator("#workbook-changes tbody tr").count() == 1
    screenshot(page, "grade-workbook-preview")
    assert not Grade.objects.exclude(confirmed_on=None).exists()
    with page.expect_navigation():
        page.click("#workbook-apply")
    assert page.locator(".alert-success").count() == 1
    screenshot(page, "grade-workbook-applied")
    assert Grade.objects.get(organization=raised).level.code == "advanced"
    assert Grade.objects.filter(confirmed_on=None).count() == 0

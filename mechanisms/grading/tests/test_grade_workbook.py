"""The grades of a round as a workbook: downloaded with its dropdown, edited, uploaded back, previewed and applied
(through the pages, the API and the command); every bad workbook refused whole; the error workbook holds no
formula; a township administrator works on their own township only."""
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from kernel.core.models import ChangeRecord
from mechanisms.grading import services
from mechanisms.grading.models import Grade, GradeLevel, Round
from mechanisms.grading.testing import GRADED_ON, make_jinta
from tests.kit import make_user

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
HEADERS = ["组织代码", "组织名称", "所属乡镇", "拟定等级", "拟定依据", "来源", "已确认等级", "确认等级", "软弱涣散", "理由"]
LEVEL, WEAK, REASON = "H", "I", "J"
FORMULA = '=HYPERLINK("http://example.com/x","点我")'


@pytest.fixture
def jinta():
    jinta = make_jinta(branches=10, by_standard=2, by_meetings=1, by_secretary=1, leaders=2, cadres=2)
    services.grades_propose(user=None, upgrading=jinta.upgrading, on=GRADED_ON)
    return jinta


@pytest.fixture
def county(client, jinta):
    client.force_login(make_user("jt_county", "county_admin", jinta.county))
    return client


def download(client, jinta, **params):
    response = client.get(f"/grading/{jinta.upgrading.pk}/grades/workbook.xlsx", {"round": "initial", **params})
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def data(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def row_of(book, code) -> int:
    sheet = book["分类定级"]
    return next(row for row in range(2, sheet.max_row + 1) if sheet.cell(row=row, column=1).value == code)


def edit(book, code, *, level=None, weak=None, reason=None):
    sheet, row = book["分类定级"], row_of(book, code)
    for column, value in ((LEVEL, level), (WEAK, weak), (REASON, reason)):
        if value is not None:
            sheet[f"{column}{row}"] = value
    return book


def api_upload(client, jinta, content: bytes, *, dry_run=False, round="initial", name="grades.xlsx"):
    return client.post(f"/api/grading/{jinta.upgrading.pk}/grades/workbook",
                       {"file": SimpleUploadedFile(name, content), "round": round,
                        "dry_run": "true" if dry_run else "false"}, **EN)


def page_upload(client, jinta, content: bytes, *, round="initial", name="grades.xlsx"):
    return client.post(f"/grading/{jinta.upgrading.pk}/grades/workbook/",
                       {"file": SimpleUploadedFile(name, content), "round": round}, **EN)


def grade_records() -> int:
    return ChangeRecord.objects.filter(content_type=ContentType.objects.get_for_model(Grade)).count()


def nothing_written():
    return not Grade.objects.exclude(confirmed_on=None).exists() and not grade_records() and not \
        Grade.objects.filter(source=Grade.Source.HAND).exists()


def stored_uploads() -> list:
    return default_storage.listdir("grade-workbooks")[1] if default_storage.exists("grade-workbooks") else []


def test_the_workbook_holds_each_grade_with_its_dropdown_meta_and_instructions(county, jinta):
    book = download(county, jinta)
    assert book.sheetnames == ["分类定级", "说明", "meta"]
    assert book["meta"].sheet_state == "hidden" and book["说明"].sheet_state == "visible"
    sheet = book["分类定级"]
    assert [cell.value for cell in sheet[1]] == HEADERS
    assert sheet.max_row == 11
    vacant = jinta.lagging_by_secretary[0]
    row = [cell.value for cell in sheet[row_of(book, vacant.code)]]
    assert row[:4] == [vacant.code, vacant.name, vacant.parent.name, "后进"]
    assert "Secretary post vacant" in row[4] or "书记" in row[4]
    assert row[6] is None and row[7] == "后进" and row[8] == "是" and row[9] is None
    (levels, weak) = sheet.data_validations.dataValidation
    assert levels.type == "list" and levels.formula1 == '"先进,较好,一般,后进"'
    assert str(levels.sqref) == "H2:H11" and not levels.allow_blank
    assert weak.type == "list" and str(weak.sqref) == "I2:I11"
    meta = {key: value for key, value, *_ in book["meta"].iter_rows(values_only=True)}
    assert meta["upgrading"] == jinta.upgrading.pk and meta["round"] == "initial" and len(meta["levels"]) == 16
    assert "确认等级" in "".join(str(cell.value) for cell in book["说明"]["A"])


def test_round_trip_download_edit_upload_preview_apply(county, jinta):
    raised, kept = jinta.branches[5], jinta.branches[6]
    book = edit(download(county, jinta), raised.code, level="先进", reason="村集体经济显著增长")
    edit(book, jinta.lagging_by_secretary[0].code, reason="理由不改等级，不记录")
    response = page_upload(county, jinta, data(book))
    assert response.status_code == 302 and response["Location"].endswith("/grades/workbook/")
    assert len(stored_uploads()) == 1
    preview = county.get(response["Location"], **EN)
    page = preview.content.decode()
    assert preview.status_code == 200 and 'id="workbook-errors' not in page
    assert 'id="count-unchanged">0<' in page and 'id="count-changed">1<' in page and 'id="count-confirmed">9<' in page
    assert page.count("<tr data-org=") == 1 and f'data-org="{raised.code}"' in page
    assert nothing_written()
    applied = county.post(f"/grading/{jinta.upgrading.pk}/grades/workbook/apply/", **EN)
    assert applied.status_code == 302 and stored_uploads() == []
    grades = {item["organization"]["id"]: item for item in county.get(
        f"/api/grading/{jinta.upgrading.pk}/grades", {"limit": 50}).json()["items"]}
    assert grades[raised.pk]["grade"] == "advanced" and grades[raised.pk]["source"] == "hand"
    assert grades[raised.pk]["reasons"] == ["村集体经济显著增长"]
    assert grades[kept.pk]["grade"] == "good" and grades[kept.pk]["source"] == "rule"
    assert all(item["confirmed_on"] for item in grades.values())
    assert grade_records() == 10
    record = ChangeRecord.objects.get(object_id=grades[raised.pk]["id"],
                                      content_type=ContentType.objects.get_for_model(Grade))
    assert record.source == "web" and record.user.username == "jt_county"
    assert record.after["source"] == "hand" and record.before["source"] == "rule"
    # The same workbook again: every grade is already as it says.
    again = api_upload(county, jinta, data(book), dry_run=True).json()
    assert again["counts"] == {"unchanged": 10, "changed": 0, "confirmed": 0, "awaiting": 0}


def test_the_api_previews_with_dry_run_then_applies(county, jinta):
    target = jinta.lagging_by_standard[0]
    content = data(edit(download(county, jinta), target.code, level="一般", reason="已整改"))
    preview = api_upload(county, jinta, content, dry_run=True)
    assert preview.status_code == 200, preview.content
    body = preview.json()
    assert body["dry_run"] and not body["applied"]
    assert body["counts"] == {"unchanged": 0, "changed": 1, "confirmed": 9, "awaiting": 0}
    (change,) = body["changed"]
    assert (change["code"], change["grade_before"], change["grade"], change["reason"]) == (
        target.code, "lagging", "average", "已整改")
    assert nothing_written()
    done = api_upload(county, jinta, content)
    assert done.status_code == 200 and done.json()["applied"]
    assert Grade.objects.get(organization=target).level.code == "average"


def _another_campaign(jinta):
    other = services.upgrading_create(user=None, scheme=jinta.upgrading.scheme, owner=jinta.county, year=2014)
    return other


BAD_EDITS = {
    "unknown level": (lambda jinta, book: edit(book, jinta.branches[5].code, level="优秀", reason="x"), "确认等级"),
    "reason missing": (lambda jinta, book: edit(book, jinta.branches[5].code, level="先进"), "理由"),
    "weak and lax on a good grade": (lambda jinta, book: edit(book, jinta.branches[5].code, weak="是", reason="x"),
                                     "软弱涣散"),
    "not graded in this campaign": (
        lambda jinta, book: book["分类定级"].append([jinta.townships[0].code, "", "", "", "", "", "", "一般", "", "x"]),
        "组织代码"),
    "unknown organization": (
        lambda jinta, book: book["分类定级"].append(["NOPE", "", "", "", "", "", "", "一般", "", "x"]), "组织代码"),
    "listed twice": (
        lambda jinta, book: book["分类定级"].append([jinta.branches[5].code, "", "", "", "", "", "", "较好"]), "组织代码"),
    "header changed": (lambda jinta, book: book["分类定级"].cell(row=1, column=10, value="原因"), "理由"),
    "column added": (lambda jinta, book: book["分类定级"].cell(row=1, column=11, value="备注"), "备注"),
    "meta removed": (lambda jinta, book: book.remove(book["meta"]), ""),
    "another campaign": (lambda jinta, book: book["meta"].cell(row=2, column=2, value=_another_campaign(jinta).pk),
                         ""),
    "another round": (lambda jinta, book: book["meta"].cell(row=3, column=2, value="regrade"), ""),
    "levels changed since": (
        lambda jinta, book: GradeLevel.objects.filter(scheme=jinta.upgrading.scheme, code="good").update(name="好"),
        ""),
}


@pytest.mark.parametrize("case", BAD_EDITS)
def test_each_bad_workbook_is_refused_whole(county, jinta, case):
    change, column = BAD_EDITS[case]
    book = download(county, jinta)
    edit(book, jinta.branches[6].code, level="先进", reason="这一行本身没有错")
    change(jinta, book)
    response = api_upload(county, jinta, data(book))
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    assert detail and all(error["loc"][:2] == ["body", "file"] for error in detail)
    if column:
        assert any(error["loc"][3:] == [column] and error["loc"][2] >= 1 for error in detail), detail
    else:
        assert any(error["loc"] == ["body", "file", 0] for error in detail), detail
    assert nothing_written()


def test_a_file_that_is_no_workbook_is_refused(county, jinta):
    for content in (b"organization,grade\nJTB005,good\n", b"PK\x03\x04 not really a zip"):
        response = api_upload(county, jinta, content, name="grades.xlsx")
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "file", 0]
        assert "not an xlsx workbook" in response.json()["detail"][0]["message"]
    another = Workbook()
    another.active.title = "Sheet1"
    assert api_upload(county, jinta, data(another)).status_code == 422
    assert nothing_written()


def test_the_page_lists_the_errors_refuses_to_apply_and_marks_them_in_a_workbook_without_formulas(county, jinta):
    book = download(county, jinta)
    edit(book, jinta.branches[5].code, level="优秀", reason=FORMULA)
    edit(book, jinta.branches[6].code, level="先进")
    book["分类定级"]["B3"] = "=1+1"
    preview = county.get(page_upload(county, jinta, data(book))["Location"], **EN)
    page = preview.content.decode()
    assert 'id="workbook-errors"' in page and 'id="workbook-apply"' not in page
    assert page.count("<tr><td>") == 2
    refused = county.post(f"/grading/{jinta.upgrading.pk}/grades/workbook/apply/", **EN)
    assert refused.status_code == 302 and refused["Location"].endswith("/grades/workbook/")
    assert nothing_written() and len(stored_uploads()) == 1
    errors = county.get(f"/grading/{jinta.upgrading.pk}/grades/workbook/errors.xlsx", **EN)
    assert errors.status_code == 200
    marked = load_workbook(io.BytesIO(errors.content))
    for sheet in marked.worksheets:
        for row in sheet.iter_rows():
            assert not any(cell.data_type == "f" for cell in row), sheet.title
    sheet = marked["分类定级"]
    row = row_of(marked, jinta.branches[5].code)
    assert sheet[f"{REASON}{row}"].value == FORMULA and sheet[f"{REASON}{row}"].data_type == "s"
    assert sheet["B3"].value == "=1+1" and sheet["B3"].data_type == "s"
    assert sheet[f"{LEVEL}{row}"].fill.fgColor.rgb.endswith("FFC7CE") and "优秀" in sheet[f"{LEVEL}{row}"].comment.text
    assert sheet.cell(row=1, column=11).value == "错误" and sheet.cell(row=row, column=11).value
    assert marked["meta"].sheet_state == "hidden" and sheet.data_validations.dataValidation
    # Corrected and uploaded again (the error column comes along and is ignored), it goes through.
    edit(marked, jinta.branches[5].code, level="先进")
    edit(marked, jinta.branches[6].code, reason="带头致富")
    response = api_upload(county, jinta, data(marked))
    assert response.status_code == 200, response.json()
    assert response.json()["counts"]["changed"] == 2
    assert Grade.objects.get(organization=jinta.branches[5]).reasons == [{"code": "hand", "text": FORMULA}]


def test_a_township_administrator_grades_their_own_township_only(client, county, jinta):
    full = download(county, jinta)
    town, other = jinta.townships[0], jinta.townships[1]
    client.force_login(make_user("jt_town", "township_admin", town))
    book = download(client, jinta)
    mine = [org for org in jinta.branches if org.parent_id == town.pk]
    sheet = book["分类定级"]
    assert sorted(sheet.cell(row=row, column=1).value for row in range(2, sheet.max_row + 1)) == sorted(
        org.code for org in mine)
    assert client.get(f"/grading/{jinta.upgrading.pk}/grades/workbook.xlsx", {"under": other.pk}).status_code == 404
    assert download(client, jinta, under=town.pk)["分类定级"].max_row == len(mine) + 1
    # A row of the neighbouring township is refused, with the same answer as an organization not graded at all.
    theirs = next(org for org in jinta.branches if org.parent_id == other.pk)
    foreign = [cell.value for cell in full["分类定级"][row_of(full, theirs.code)]]
    foreign[7], foreign[9] = "先进", "越权"
    sheet.append(foreign)
    response = api_upload(client, jinta, data(book))
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "file", len(mine) + 2, "组织代码"] and "among the organizations" in error["message"]
    assert nothing_written()
    # Their own rows: a change is set and confirmed; the proposals kept stay for the county to confirm.
    book = edit(download(client, jinta), mine[1].code, level="先进", reason="镇党委复核")
    body = api_upload(client, jinta, data(book)).json()
    assert body["counts"] == {"unchanged": 0, "changed": 1, "confirmed": 0, "awaiting": len(mine) - 1}
    assert Grade.objects.get(organization=mine[1]).confirmed_on is not None
    assert not Grade.objects.filter(organization=mine[0]).exclude(confirmed_on=None).exists()


def test_the_grades_page_offers_the_workbook(county, jinta):
    page = county.get(f"/grading/{jinta.upgrading.pk}/", {"round": "initial"}, **EN).content.decode()
    assert 'id="workbook-download"' in page and 'id="workbook-upload"' in page
    assert f'<option value="{jinta.townships[0].pk}">' in page


def test_the_command_reads_the_campaign_from_the_workbook(county, jinta, tmp_path):
    make_user("jt_county2", "county_admin", jinta.county)
    path = tmp_path / "grades.xlsx"
    path.write_bytes(data(edit(download(county, jinta), jinta.branches[5].code, level="先进", reason="带头致富")))
    out = io.StringIO()
    call_command("import_grades", str(path), "--as", "jt_county2", "--dry-run", stdout=out)
    assert "1 changed, 9 confirmed" in out.getvalue() and nothing_written()
    call_command("import_grades", str(path), "--as", "jt_county2", stdout=io.StringIO())
    assert Grade.objects.get(organization=jinta.branches[5]).level.code == "advanced"
    assert ChangeRecord.objects.filter(source="command:import_grades").count() == 10
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(data(edit(download(county, jinta), jinta.branches[6].code, level="后进")))
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_grades", str(bad), stdout=io.StringIO(), stderr=io.StringIO())
    assert Grade.objects.get(organization=jinta.branches[6]).level.code == "good"


def test_the_regrade_round_has_its_own_workbook(county, jinta):
    services.grades_confirm(user=None, upgrading=jinta.upgrading, on=GRADED_ON, confirm=True)
    book = download(county, jinta)
    assert api_upload(county, jinta, data(book), round=Round.REGRADE).status_code == 422

"""Score workbooks (评分表): download, fill in, upload, preview, apply; every bad input refused with nothing
written; the scope; the JSON batch of scores; the commands."""
import datetime
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from engines.standards.library import standard_import
from engines.standards.models import Assessment, ItemScore, Sheet
from engines.standards.services import assessment_close, assessment_create, rater_lock, score_set
from engines.standards.workbooks import FIRST_ITEM_COLUMN, HEADER_ROWS
from tests.kit import county_built_once

from .standard_files import VALID

county, users = county_built_once()

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
COLUMN = {"A1": "E", "A2": "F", "B1": "G", "V1": "H", "reason": "I"}


@pytest.fixture
def version(county):
    return standard_import(user=None, text=VALID, owner=county.county)


def _assessment(county, version, name="2024年度考核"):
    return assessment_create(user=None, version=version, owner=county.county, name=name, period_kind="year",
                             period_start=datetime.date(2024, 1, 1), period_end=datetime.date(2024, 12, 31),
                             period_label="2024")


@pytest.fixture
def assessment(county, version):
    return _assessment(county, version)


def download(client, assessment, rater="inspectors", **query):
    response = client.get(f"/api/standards/assessments/{assessment.pk}/workbook", {"rater": rater, **query}, **EN)
    assert response.status_code == 200, response.content
    return load_workbook(io.BytesIO(response.content))


def rows_by_name(book) -> dict:
    sheet = book["评分"]
    return {sheet.cell(row=r, column=2).value: r for r in range(HEADER_ROWS + 1, sheet.max_row + 1)}


def as_bytes(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, assessment, data: bytes, rater="inspectors", dry_run=False):
    file = SimpleUploadedFile("scores.xlsx", data)
    query = f"?rater={rater}" + ("&dry_run=true" if dry_run else "")
    return client.post(f"/api/standards/assessments/{assessment.pk}/workbook{query}", {"file": file}, **EN)


def fill(book, name, **values):
    sheet = book["评分"]
    row = rows_by_name(book)[name]
    for code, value in values.items():
        sheet[f"{COLUMN[code]}{row}"] = value
    return row


def test_round_trip_download_fill_preview_apply_and_read_through_the_api(client, users, county, assessment):
    client.force_login(users["county"])
    book = download(client, assessment)
    assert book.sheetnames == ["评分", "meta", "说明"]
    assert book["meta"].sheet_state == "hidden"
    sheet = book["评分"]
    assert [sheet.cell(row=2, column=c).value for c in range(FIRST_ITEM_COLUMN, FIRST_ITEM_COLUMN + 4)] == [
        "A1", "A2", "B1", "V1"]
    assert "（台账计数）" in sheet["G3"].value and "班子团结" in sheet["E3"].value
    assert sheet["I1"].value == "改动计数的理由"
    assert sheet.column_dimensions["A"].hidden
    assert set(rows_by_name(book)) == {"陳家村党支部", "李家村党支部", "王家村党支部"}
    assert sheet[f"G{rows_by_name(book)['陳家村党支部']}"].value == "是"  # counted from the members' register
    fill(book, "陳家村党支部", A1=40.5, A2=3, V1="是")
    fill(book, "李家村党支部", A1=12, A2=1, V1="否")

    preview = upload(client, assessment, as_bytes(book), dry_run=True)
    assert preview.status_code == 200, preview.content
    counts = preview.json()
    assert counts["dry_run"] and counts["written"] == 0
    assert (counts["sheets"], counts["sheets_changed"], counts["added"], counts["changed"]) == (3, 3, 9, 0)
    assert not ItemScore.objects.exists()

    applied = upload(client, assessment, as_bytes(book))
    assert applied.status_code == 200, applied.content
    assert applied.json()["written"] == 9
    sheet_a1 = Sheet.objects.get(assessment=assessment, organization=county.village_a1)
    scores = client.get(f"/api/standards/sheets/{sheet_a1.pk}/scores?rater=inspectors").json()["scores"]
    by_code = {s["item_code"]: s for s in scores}
    assert by_code["A1"]["points"] == 40.5 and by_code["A2"]["count"] == 3
    assert by_code["B1"]["passed"] is True and by_code["V1"]["passed"] is True

    again = download(client, assessment)  # the scores come back filled in; uploading it again changes nothing
    assert again["评分"][f"E{rows_by_name(again)['陳家村党支部']}"].value == 40.5
    unchanged = upload(client, assessment, as_bytes(again), dry_run=True).json()
    assert (unchanged["sheets_unchanged"], unchanged["added"], unchanged["changed"]) == (3, 0, 0)

    fill(again, "陳家村党支部", A1=None, A2=5)
    changed = upload(client, assessment, as_bytes(again)).json()
    assert (changed["changed"], changed["cleared"], changed["sheets_changed"]) == (1, 1, 1)
    assert not ItemScore.objects.filter(sheet=sheet_a1, item__code="A1").exists()
    assert ItemScore.objects.get(sheet=sheet_a1, item__code="A2").count == 5


def test_data_validations_are_in_the_download(client, users, assessment):
    client.force_login(users["county"])
    sheet = download(client, assessment)["评分"]
    rules = {str(rule.sqref).split(":")[0][0]: rule for rule in sheet.data_validations.dataValidation}
    assert rules["E"].type == "custom" and "MOD(E4*2,1)=0" in rules["E"].formula1 and "<=50" in rules["E"].formula1
    assert rules["F"].type == "whole" and rules["F"].operator == "greaterThanOrEqual" and rules["F"].formula1 == "0"
    assert rules["G"].type == "list" and rules["G"].formula1 == '"是,否"'
    assert rules["H"].type == "list"  # the veto


def _refused(response, code=None):
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    assert detail
    if code:
        assert code in {error["code"] for error in detail}, detail
    return detail


def test_bad_values_are_listed_by_row_and_column_and_nothing_is_written(client, users, assessment):
    client.force_login(users["county"])
    book = download(client, assessment)
    row = fill(book, "陳家村党支部", A1=50.5, A2=3)
    row2 = fill(book, "李家村党支部", A1=10.3, V1="可以", A2=-1)
    detail = _refused(upload(client, assessment, as_bytes(book)), "bad_value")
    where = {tuple(error["loc"][1:]) for error in detail}
    assert {(row, "E"), (row2, "E"), (row2, "H"), (row2, "F")} <= where
    message = next(e["message"] for e in detail if e["loc"][1:] == [row, "E"])
    assert message.startswith(f"Row {row}, column E (A1 班子团结): ") and "half points" in message
    assert not ItemScore.objects.exists()


@pytest.mark.parametrize("breaking", ["other_assessment", "other_rater", "header", "not_xlsx", "empty", "locked",
                                      "closed", "foreign_sheet", "no_meta"])
def test_each_bad_workbook_is_refused_whole(client, users, county, version, assessment, breaking):
    client.force_login(users["county"])
    book = download(client, assessment)
    fill(book, "陳家村党支部", A1=10)
    target, data = assessment, None
    if breaking == "other_assessment":
        target = _assessment(county, version, name="另一次考核")
    elif breaking == "other_rater":
        book = download(client, assessment, rater="self")
        fill(book, "陳家村党支部", A1=10)
    elif breaking == "header":
        book["评分"]["E2"], book["评分"]["F2"] = "A2", "A1"
    elif breaking == "not_xlsx":
        data = "姓名,分数\n张三,1\n".encode()
    elif breaking == "empty":
        data = b""
    elif breaking == "locked":
        rater_lock(user=None, assessment=assessment, rater_code="inspectors")
    elif breaking == "closed":
        assessment_close(user=None, assessment=assessment)
    elif breaking == "foreign_sheet":
        client.force_login(users["township_a"])
        sheet_b1 = Sheet.objects.get(assessment=assessment, organization=county.village_b1)
        own = download(client, assessment)
        own["评分"][f"A{HEADER_ROWS + 1}"] = sheet_b1.pk
        own["评分"][f"E{HEADER_ROWS + 1}"] = 10
        book = own
    elif breaking == "no_meta":
        del book["meta"]
    response = upload(client, target, data if data is not None else as_bytes(book))
    detail = _refused(response)
    assert all(error["message"] for error in detail)
    assert not ItemScore.objects.exists()
    # The same refusal in the default language: Chinese, no English sentence left in it.
    file = SimpleUploadedFile("scores.xlsx", data if data is not None else as_bytes(book))
    chinese = _refused(client.post(f"/api/standards/assessments/{target.pk}/workbook?rater=inspectors",
                                   {"file": file}))
    for error in chinese:
        assert re.search("[\u4e00-\u9fff]", error["message"]), error
        assert not re.search("[A-Za-z]{3,} [A-Za-z]{3,} [A-Za-z]{3,}", error["message"]), error
    assert not ItemScore.objects.exists()


def test_the_error_copy_marks_bad_cells_and_holds_no_formula(client, users, assessment):
    client.force_login(users["county"])
    book = download(client, assessment)
    row = fill(book, "陳家村党支部", A1=99, V1='=HYPERLINK("http://example.com","是")')
    book["评分"][f"B{row}"] = '=HYPERLINK("http://example.com","x")'
    page = client.post(f"/standards/assessments/{assessment.pk}/workbook/",
                       {"rater": "inspectors", "file": SimpleUploadedFile("s.xlsx", as_bytes(book))}, **EN)
    assert page.status_code == 400
    assert "A formula is not accepted" in page.content.decode()
    marked = client.get(f"/standards/assessments/{assessment.pk}/workbook/errors.xlsx")
    assert marked.status_code == 200
    copy = load_workbook(io.BytesIO(marked.content))
    assert all(cell.data_type != "f" for ws in copy.worksheets for r in ws.iter_rows() for cell in r)
    assert copy["评分"][f"H{row}"].value.startswith("=HYPERLINK") and copy["评分"][f"H{row}"].comment
    assert copy["评分"][f"H{row}"].fill.fgColor.rgb.endswith("FFC7CE")
    assert "错误" in copy.sheetnames
    # The values alone (no formula): 99 is above the maximum, marked in place.
    book["评分"][f"H{row}"], book["评分"][f"B{row}"] = "是", "陳家村党支部"
    page = client.post(f"/standards/assessments/{assessment.pk}/workbook/",
                       {"rater": "inspectors", "file": SimpleUploadedFile("s.xlsx", as_bytes(book))}, **EN)
    assert f"Row {row}, column E (A1" in page.content.decode()
    copy = load_workbook(io.BytesIO(client.get(f"/standards/assessments/{assessment.pk}/workbook/errors.xlsx").content))
    assert copy["评分"][f"E{row}"].comment is not None
    assert not ItemScore.objects.exists()


def test_a_township_workbook_holds_its_own_sheets_only(client, users, county, assessment):
    client.force_login(users["township_a"])
    assert set(rows_by_name(download(client, assessment))) == {"陳家村党支部", "李家村党支部"}
    client.force_login(users["county"])
    assert set(rows_by_name(download(client, assessment, under=county.township_b.pk))) == {"王家村党支部"}
    client.force_login(users["township_a"])
    response = client.get(f"/api/standards/assessments/{assessment.pk}/workbook",
                          {"rater": "inspectors", "under": county.township_b.pk})
    assert response.status_code == 404
    client.force_login(users["township_b"])
    assert set(rows_by_name(download(client, assessment))) == {"王家村党支部"}


def test_overriding_a_counted_item_needs_a_reason(client, users, assessment):
    client.force_login(users["county"])
    book = download(client, assessment)
    row = fill(book, "陳家村党支部", B1="否")
    detail = _refused(upload(client, assessment, as_bytes(book)), "reason_needed")
    assert detail[0]["loc"] == ["file", row, "I"]
    fill(book, "陳家村党支部", reason="花名册未更新")
    response = upload(client, assessment, as_bytes(book))
    assert response.status_code == 200, response.content
    overridden = ItemScore.objects.get(item__code="B1", sheet__organization__name="陳家村党支部")
    assert overridden.passed is False and overridden.override_reason == "花名册未更新"
    assert ItemScore.objects.get(item__code="B1", sheet__organization__name="李家村党支部").override_reason == ""


def test_bulk_scores_in_one_request(client, users, county, assessment):
    client.force_login(users["county"])
    a1 = Sheet.objects.get(assessment=assessment, organization=county.village_a1).pk
    a2 = Sheet.objects.get(assessment=assessment, organization=county.village_a2).pk
    url = f"/api/standards/assessments/{assessment.pk}/scores"
    body = {"rater": "inspectors", "scores": [{"sheet": a1, "item": "A1", "points": 2.5},
                                              {"sheet": a2, "item": "V1", "passed": True},
                                              {"sheet": a2, "item": "A2", "count": 3}]}
    response = client.put(url, json.dumps(body), content_type="application/json", **EN)
    assert response.status_code == 200, response.content
    assert response.json() == {"written": 3}
    bad = {"rater": "inspectors", "scores": [{"sheet": a1, "item": "A1", "points": 2.3},
                                             {"sheet": a1, "item": "ZZ", "points": 1},
                                             {"sheet": a1, "item": "A1", "passed": True},
                                             {"sheet": a2, "item": "A1", "points": 3}]}
    response = client.put(url, json.dumps(bad), content_type="application/json", **EN)
    detail = _refused(response)
    assert [error["loc"][:3] for error in detail] == [["body", "scores", 0], ["body", "scores", 1],
                                                      ["body", "scores", 2]]
    assert ItemScore.objects.count() == 3 and ItemScore.objects.get(sheet_id=a1).points == 2.5
    client.force_login(users["township_b"])
    response = client.put(url, json.dumps({"rater": "inspectors", "scores": [{"sheet": a1, "item": "A1",
                                                                               "points": 1}]}),
                          content_type="application/json", **EN)
    assert _refused(response, "out_of_scope")[0]["loc"] == ["body", "scores", 0, "sheet"]


def test_pages_preview_then_apply(client, users, county, assessment):
    client.force_login(users["township_a"])
    detail = client.get(f"/standards/assessments/{assessment.pk}/", **EN)
    assert b'id="score-workbooks"' in detail.content
    data = client.get(f"/standards/assessments/{assessment.pk}/workbook.xlsx?rater=inspectors").content
    book = load_workbook(io.BytesIO(data))
    fill(book, "李家村党支部", A1=3)
    page = client.post(f"/standards/assessments/{assessment.pk}/workbook/",
                       {"rater": "inspectors", "file": SimpleUploadedFile("s.xlsx", as_bytes(book))}, **EN)
    assert page.status_code == 200 and b'id="workbook-apply"' in page.content
    assert not ItemScore.objects.exists()
    done = client.post(f"/standards/assessments/{assessment.pk}/workbook/apply/", **EN)
    assert done.status_code == 200 and b'id="workbook-applied"' in done.content
    assert ItemScore.objects.get(item__code="A1").points == 3
    again = client.post(f"/standards/assessments/{assessment.pk}/workbook/apply/", **EN)
    assert again.status_code == 302  # the upload was removed once applied


def test_commands_export_and_import(tmp_path, users, county, assessment):
    path = tmp_path / "scores.xlsx"
    call_command("export_score_workbook", assessment.pk, "--rater", "inspectors", "--under", "TA", "-o", str(path),
                 "--as", "township_a")
    book = load_workbook(path)
    assert set(rows_by_name(book)) == {"陳家村党支部", "李家村党支部"}
    fill(book, "陳家村党支部", A1=7)
    book.save(path)
    out = io.StringIO()
    call_command("import_scores", str(path), "--as", "township_a", "--dry-run", stdout=out)
    assert "3 scores added" in out.getvalue() and not ItemScore.objects.exists()  # A1, and B1 as counted twice
    call_command("import_scores", str(path), "--as", "township_a", stdout=io.StringIO())
    assert ItemScore.objects.get(item__code="A1").points == 7
    fill(book, "陳家村党支部", A1=70)
    book.save(path)
    with pytest.raises(CommandError):
        call_command("import_scores", str(path), "--as", "township_a", stderr=io.StringIO())
    blank = tmp_path / "blank.xlsx"
    Workbook().save(blank)
    with pytest.raises(CommandError):
        call_command("import_scores", str(blank))


def test_an_existing_score_is_shown_and_kept(client, users, county, assessment):
    sheet = Sheet.objects.get(assessment=assessment, organization=county.village_a2)
    version = assessment.version
    score_set(user=None, sheet=sheet, item=version.items.get(code="A2"), rater=version.rater_groups.get(code="self"),
              count=4)
    client.force_login(users["county"])
    book = download(client, assessment, rater="self")
    assert book["评分"][f"F{rows_by_name(book)['李家村党支部']}"].value == 4
    assert Assessment.objects.get(pk=assessment.pk).status == "open"

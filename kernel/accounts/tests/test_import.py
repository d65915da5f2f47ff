"""The Excel account import: the template, every row checked, all or nothing, the error workbook, the one-time
password sheet (read back with pdftotext), the API endpoint and the command."""
import io
import re
import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from kernel.accounts import handover
from kernel.accounts.models import Grant, Profile
from tests.kit import county_built_once

county, users = county_built_once()

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
HEADER = ["用户名", "姓名", "手机号", "组织代码", "角色"]
User = get_user_model()


def workbook(rows, header=HEADER) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "accounts.xlsx"
    return buffer


GOOD = [
    ["wang_a1", "王文书", "13900001111", "A1", "支部书记"],
    ["li_a2", "李管理", "", "A2", "branch_secretary"],
    ["zhao_ta", "赵乡镇", "13900003333", "TA", "乡镇管理员"],
    ["sun_insp", "孙检查", "13900004444", "TA", "Inspector"],
]


def pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def one_time_password_after(text: str, username: str) -> str:
    """The first password-like word (12 characters of the services' alphabet, a digit among them) after the name."""
    return re.search(r"\b(?=[A-Za-z]*\d)[A-Za-z2-9]{12}\b", text[text.index(username):]).group()


def test_the_template_has_the_chinese_headers_and_a_role_list(client, users):
    client.force_login(users["township_a"])
    response = client.get("/accounts/import/template.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert [cell.value for cell in book.worksheets[0][1]] == HEADER
    assert "乡镇管理员" in book.worksheets[0].data_validations.dataValidation[0].formula1


def test_upload_preview_apply_and_the_password_sheet_once(client, users, county):
    client.force_login(users["township_a"])
    before = User.objects.count()
    response = client.post("/accounts/import/", {"file": workbook(GOOD)})
    assert response.status_code == 302
    preview = client.get("/accounts/import/", **EN)
    assert [row["label"].split(" ")[0] for row in preview.context["rows"]] == ["wang_a1", "li_a2", "zhao_ta",
                                                                               "sun_insp"]
    assert not preview.context["error_count"] and User.objects.count() == before  # the check writes nothing
    response = client.post("/accounts/import/apply/")
    assert response.status_code == 302 and response.url == "/accounts/import/done/"
    assert User.objects.count() == before + 4
    zhao = User.objects.get(username="zhao_ta")
    assert zhao.get_full_name() == "赵乡镇" and zhao.profile.must_change_password
    assert zhao.profile.home == county.township_a and zhao.profile.phone == "13900003333"
    assert Grant.objects.filter(user=zhao, role="township_admin", organization=county.township_a).exists()
    assert Grant.objects.get(user__username="sun_insp").role == "inspector"

    cookie = client.cookies[handover.COOKIE]
    assert cookie["path"] == "/accounts/import/" and cookie["httponly"]
    held = Session.objects.get(session_key=client.session.session_key).get_decoded()[handover.SESSION_KEY]
    assert "wang_a1" not in str(held)  # encrypted: not even the user names are readable in the database

    done = client.get("/accounts/import/done/", **EN)
    assert done.context["sheet"]["count"] == 4 and "one download" in done.content.decode()
    response = client.post("/accounts/import/passwords.pdf")
    assert response["Content-Type"] == "application/pdf" and response["Cache-Control"] == "no-store"
    text = pdf_text(response.content)
    for username in ("wang_a1", "li_a2", "zhao_ta", "sun_insp"):
        assert username in text
    assert "甲镇党委" in text and "乡镇管理员" in text
    passwords = {name: one_time_password_after(text, name) for name in ("wang_a1", "zhao_ta")}
    assert User.objects.get(username="wang_a1").check_password(passwords["wang_a1"])
    assert User.objects.get(username="zhao_ta").check_password(passwords["zhao_ta"])
    assert handover.SESSION_KEY not in Session.objects.get(session_key=client.session.session_key).get_decoded()
    again = client.post("/accounts/import/passwords.pdf")
    assert again.status_code == 302  # once only


def test_bad_rows_are_listed_by_row_and_column_and_nothing_is_written(client, users, county):
    client.force_login(users["township_a"])
    rows = [
        ["ok_one", "好人", "13900001111", "A1", "支部书记"],
        ["ok_one", "重名", "", "A2", "支部书记"],             # duplicate in the file
        ["branch_a1", "已有", "", "A1", "支部书记"],            # taken in the database
        ["nowhere", "无处", "", "XX9", "支部书记"],             # unknown code
        ["other", "外人", "", "B1", "支部书记"],                # outside township A
        ["boss", "县长", "", "A1", "县级管理员"],               # above a township administrator
        ["phone", "坏号", "12345", "A1", "支部书记"],           # bad phone
        ["", "无名", "", "A1", "支部书记"],                     # missing user name
        ["norole", "无角色", "", "A1", "国王"],                # unknown role
        ["bad name", "空格", "", "A1", "支部书记"],             # not a user name
    ]
    before = User.objects.count()
    client.post("/accounts/import/", {"file": workbook(rows)})
    page = client.get("/accounts/import/", **EN)
    errors = {(error["row"], error["column"], error["code"]) for error in page.context["errors"]}
    assert errors == {
        (3, "用户名", "duplicate"), (4, "用户名", "exists"), (5, "组织代码", "unknown"), (6, "组织代码", "unknown"),
        (7, "角色", "role_above"), (8, "手机号", "phone"), (9, "用户名", "required"), (10, "角色", "choice"),
        (11, "用户名", "username"),
    }
    assert "confirm-import" not in page.content.decode()
    assert client.post("/accounts/import/apply/").status_code == 302
    assert User.objects.count() == before  # all or nothing

    marked = client.get("/accounts/import/errors.xlsx")
    sheet = load_workbook(io.BytesIO(marked.content)).active
    assert sheet.cell(row=1, column=6).value == "错误"
    for bad in ("A3", "A4", "D5", "D6", "E7", "C8", "A9", "E10", "A11"):
        assert sheet[bad].fill.fgColor.rgb.endswith("FFC7CE") and sheet[bad].comment is not None, bad
    assert sheet["A2"].comment is None and sheet.cell(row=2, column=6).value is None
    assert sheet.cell(row=8, column=6).value.startswith("手机号")


def test_a_refusal_when_applying_rolls_everything_back(client, users, county):
    client.force_login(users["township_a"])
    client.post("/accounts/import/", {"file": workbook(GOOD)})
    User.objects.create_user("zhao_ta")  # taken between the check and the apply
    before = User.objects.count()
    client.post("/accounts/import/apply/")
    assert User.objects.count() == before and not Profile.objects.filter(user__username="wang_a1").exists()
    page = client.get("/accounts/import/", **EN)
    assert {(e["row"], e["column"]) for e in page.context["errors"]} == {(4, "用户名")}


def test_the_api_creates_and_returns_the_passwords_or_422(client, users, county):
    client.force_login(users["county"])
    response = client.post("/api/users/import", {"file": workbook(GOOD)}, **EN)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["count"] == 4 and {row["role"] for row in body["created"]} == {
        "branch_secretary", "township_admin", "inspector"}
    first = body["created"][0]
    assert User.objects.get(pk=first["id"]).check_password(first["one_time_password"])

    before = User.objects.count()
    response = client.post("/api/users/import", {"file": workbook([["x1", "某", "", "NOPE", "支部书记"]])}, **EN)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "file", 2, "组织代码"]
    assert User.objects.count() == before

    client.force_login(users["branch_a1"])
    assert client.post("/api/users/import", {"file": workbook(GOOD)}).status_code == 404


def test_the_command_writes_the_password_sheet(tmp_path, users, county):
    source = tmp_path / "accounts.xlsx"
    source.write_bytes(workbook(GOOD).getvalue())
    out = tmp_path / "passwords.pdf"
    stdout = io.StringIO()
    call_command("import_accounts", str(source), "--as", "county", "--pdf", str(out), stdout=stdout,
                 stderr=io.StringIO())
    assert stdout.getvalue().split() == ["wang_a1", "li_a2", "zhao_ta", "sun_insp"]
    text = pdf_text(out.read_bytes())
    assert "li_a2" in text and "李管理" in text
    with pytest.raises(CommandError):
        call_command("import_accounts", str(source), "--as", "county", stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(CommandError):
        call_command("import_accounts", str(source), stdout=io.StringIO(), stderr=io.StringIO())

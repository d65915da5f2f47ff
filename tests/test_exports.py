"""Excel exports: the streamed writer, and the exports of the list pages within the user's scope."""
import csv
import datetime
import hashlib
import io
import os
import shutil
import subprocess
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.contenttypes.models import ContentType

from kernel.core import xlsx_stream
from kernel.core.models import SensitiveAccess
from kernel.jobs.models import Job, JobState
from kernel.people.models import Person
from kernel.people.services import post_create
from tests.kit import make_member

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def read_book(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def sheet_rows(data: bytes) -> list[list]:
    """Every row of every sheet, as values."""
    book = read_book(data)
    return [[cell.value for cell in row] for sheet in book for row in sheet.iter_rows()]


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def column(rows, header):
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


# --- the writer -------------------------------------------------------------------------------------------------

def test_values_come_back_with_their_types():
    rows = [
        ("张三", 42, 3.5, Decimal("7.25"), datetime.date(2015, 6, 1), datetime.datetime(2020, 1, 2, 3, 4, 5), True,
         None, "a < b & c > d", " padded ", "line\nbreak"),
        ("", 0, -1.5, Decimal("0"), datetime.date(1900, 3, 1), datetime.datetime(1999, 12, 31, 23, 59), False,
         "", "x", "y", "z"),
    ]
    data = io.BytesIO()
    count = xlsx_stream.write_xlsx(data, [f"列{i}" for i in range(11)], rows, title="测试")
    assert count == 2
    book = read_book(data.getvalue())
    assert book.sheetnames == ["测试"]
    sheet = book.active
    assert [c.value for c in sheet[1]] == [f"列{i}" for i in range(11)]
    assert [c.value for c in sheet[2]] == ["张三", 42, 3.5, 7.25, datetime.datetime(2015, 6, 1),
                                           datetime.datetime(2020, 1, 2, 3, 4, 5), True, None, "a < b & c > d",
                                           " padded ", "line\nbreak"]
    assert [c.value for c in sheet[3]] == [None, 0, -1.5, 0, datetime.datetime(1900, 3, 1),
                                           datetime.datetime(1999, 12, 31, 23, 59), False, None, "x", "y", "z"]
    assert sheet["E2"].is_date and sheet["E2"].number_format == "yyyy\\-mm\\-dd"
    assert sheet["B2"].data_type == "n"


def test_characters_xml_cannot_hold_are_dropped_not_fatal():
    data = io.BytesIO()
    xlsx_stream.write_xlsx(data, ["名"], [("bell\x07 and nul\x00",), ("\x0b=2+2",)])
    rows = sheet_rows(data.getvalue())
    assert rows[1:] == [["bell and nul"], ["=2+2"]]
    assert read_book(data.getvalue()).active["A3"].data_type != "f"


@pytest.mark.parametrize("text", ["=1+1", "@SUM(A1)", "+8613800001234", "-2+3", "=HYPERLINK(\"http://x\",\"y\")",
                                  "\t=1", "\r=1"])
def test_text_that_looks_like_a_formula_stays_text(text):
    data = io.BytesIO()
    xlsx_stream.write_xlsx(data, ["姓名", "备注"], [(text, "ok"), ("普通", text)])
    sheet = read_book(data.getvalue()).active
    for cell in (sheet["A2"], sheet["B3"]):
        assert cell.value == text
        assert cell.data_type == "s"
        assert cell.quotePrefix  # Excel keeps it text when the cell is edited
    assert not sheet["A3"].quotePrefix


def test_a_full_sheet_continues_on_a_new_one_with_the_header(monkeypatch):
    monkeypatch.setattr(xlsx_stream, "EXCEL_MAX_ROWS", 4)  # the header and three rows per sheet
    data = io.BytesIO()
    rows = [(f"人{i}", i, datetime.date(2000, 1, 1) + datetime.timedelta(days=i)) for i in range(8)]
    xlsx_stream.write_xlsx(data, ["姓名", "序号", "日期"], rows, title="党员")
    book = read_book(data.getvalue())
    assert book.sheetnames == ["党员", "党员 (2)", "党员 (3)"]
    sheets = [[[c.value for c in row] for row in sheet.iter_rows()] for sheet in book]
    assert [len(s) for s in sheets] == [4, 4, 3]
    assert all(s[0] == ["姓名", "序号", "日期"] for s in sheets)
    assert [row[1] for s in sheets for row in s[1:]] == list(range(8))
    assert sheets[2][2][2] == datetime.datetime(2000, 1, 8)


def test_exactly_a_full_sheet_makes_no_empty_sheet(monkeypatch):
    monkeypatch.setattr(xlsx_stream, "EXCEL_MAX_ROWS", 3)
    data = io.BytesIO()
    xlsx_stream.write_xlsx(data, ["n"], [(1,), (2,)])
    assert read_book(data.getvalue()).sheetnames == ["Sheet"]


def test_an_empty_export_still_has_its_header():
    data = io.BytesIO()
    assert xlsx_stream.write_xlsx(data, ["姓名", "性别"], []) == 0
    assert sheet_rows(data.getvalue()) == [["姓名", "性别"]]


def test_the_stream_gives_the_same_workbook_in_pieces():
    rows = [(hashlib.sha256(str(i).encode()).hexdigest(), i, datetime.date(1990, 1, 1)) for i in range(5000)]
    chunks = list(xlsx_stream.iter_xlsx(["摘要", "序号", "日期"], iter(rows), chunk_rows=700))
    assert len(chunks) > 3  # bytes leave as they are written, not all at the end
    read = sheet_rows(b"".join(chunks))
    assert len(read) == 5001
    assert read[4321] == [rows[4320][0], 4320, datetime.datetime(1990, 1, 1)]


def test_repeated_and_mixed_values_in_a_column_are_written_right():
    # A column of few distinct values goes through the formatting cache; mixed types through the slow path.
    rows = [("男" if i % 2 else "女", i if i % 3 else None, "x" if i % 5 else 5) for i in range(1200)]
    data = io.BytesIO()
    xlsx_stream.write_xlsx(data, ["性别", "数", "混"], rows)
    read = sheet_rows(data.getvalue())[1:]
    assert read == [list(row) for row in rows]


def test_safe_cell_keeps_openpyxl_from_writing_a_formula(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    xlsx_stream.safe_cell(sheet["A1"], "=1+1")
    xlsx_stream.safe_cell(sheet["A2"], "plain")
    xlsx_stream.safe_cell(sheet["A3"], 12)
    book.save(tmp_path / "book.xlsx")
    read = openpyxl.load_workbook(tmp_path / "book.xlsx").active
    assert (read["A1"].value, read["A1"].data_type) == ("=1+1", "s")
    assert (read["A2"].value, read["A3"].value) == ("plain", 12)


def test_column_letters():
    assert [xlsx_stream.column_letter(i) for i in (0, 25, 26, 51, 52, 701, 702)] == [
        "A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"]


# --- member export ----------------------------------------------------------------------------------------------

MEMBER_HEADER = ["姓名", "性别", "民族", "出生日期", "公民身份号码", "学历", "职业", "联系电话", "所在党组织代码",
                 "所在党组织名称", "党员类别", "申请入党日期", "入党日期", "转正日期", "党员状态", "无职党员类别",
                 "职务", "任职日期"]


def export_rows(client, url) -> list[list]:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == XLSX
    assert response.streaming  # small exports stream straight to the browser
    assert "attachment" in response["Content-Disposition"]
    return sheet_rows(body(response))


def test_members_export_with_chinese_headers_dates_and_labels(client, users, county):
    client.force_login(users["county"])
    rows = export_rows(client, "/exports/members/")
    assert rows[0] == MEMBER_HEADER
    names = column(rows, "姓名")
    assert sorted(names) == sorted(["张三", "陳小紅", "李四", "王五"])
    chen = rows[1 + names.index("陳小紅")]
    record = dict(zip(MEMBER_HEADER, chen))
    assert record["性别"] == "女"
    assert record["出生日期"] == datetime.datetime(1990, 3, 8)
    assert record["入党日期"] == datetime.datetime(2005, 7, 1)
    assert record["所在党组织代码"] == "A1"
    assert record["所在党组织名称"] == "陳家村党支部"
    assert record["公民身份号码"] == county.people["chen"].id_number  # the county administrator sees it whole
    assert record["联系电话"] == "13800001234"


def test_township_a_export_never_holds_township_b(client, users, county):
    client.force_login(users["township_a"])
    for url in ("/exports/members/", "/exports/members/?status=any", "/exports/members/?q=王",
                "/exports/orgs/?status=any", "/exports/posts/?current=any"):
        text = str(export_rows(client, url))
        assert "王五" not in text and "王家村" not in text and "乙镇" not in text, url
    assert client.get(f"/exports/members/?org={county.village_b1.pk}").status_code == 404
    assert client.get(f"/exports/orgs/?org={county.township_b.pk}").status_code == 404
    assert client.get(f"/exports/posts/?org={county.village_b1.pk}").status_code == 404


def test_members_export_follows_the_member_list_filters(client, users, county):
    client.force_login(users["county"])
    assert column(export_rows(client, "/exports/members/?gender=female"), "姓名") == ["陳小紅"]
    assert column(export_rows(client, f"/exports/members/?org={county.village_a2.pk}"), "姓名") == ["李四"]
    assert column(export_rows(client, "/exports/members/?classification=poor"), "姓名") == ["王五"]
    assert column(export_rows(client, "/exports/members/?age_band=71%2B"), "姓名") == ["李四"]
    # the export lists what the page lists, in the page's order
    page = client.get(f"/people/members/?org={county.township_a.pk}").content.decode()
    exported = column(export_rows(client, f"/exports/members/?org={county.township_a.pk}"), "姓名")
    assert sorted(exported, key=page.index) == exported


def test_the_member_list_links_to_the_export_with_its_filters(client, users, county):
    client.force_login(users["county"])
    html = client.get(f"/people/members/?gender=female&org={county.township_a.pk}").content.decode()
    assert f'href="/exports/members/?gender=female&amp;org={county.township_a.pk}"' in html


def test_masked_roles_get_masked_id_numbers_and_phones_and_no_access_is_logged(client, users, county):
    client.force_login(users["inspector"])
    rows = export_rows(client, "/exports/members/")
    ids, phones = column(rows, "公民身份号码"), column(rows, "联系电话")
    assert ids and all("*" in value for value in ids)
    assert county.people["zhangsan"].id_number not in ids
    assert all(value == "138****1234" for value in phones)
    assert not SensitiveAccess.objects.exists()


def test_an_unmasked_export_is_logged_once_with_its_count(client, users, county):
    client.force_login(users["township_a"])
    rows = export_rows(client, "/exports/members/")
    assert county.people["zhangsan"].id_number in column(rows, "公民身份号码")
    (access,) = SensitiveAccess.objects.all()
    assert access.user == users["township_a"]
    assert access.content_type == ContentType.objects.get_for_model(Person)
    assert access.fields == "id_number,phone"
    assert "3 rows" in access.where and "/exports/members/" in access.where
    assert access.org_path == county.township_a.path


def test_a_member_sees_only_their_own_record_unmasked(client, users, county):
    client.force_login(users["member"])
    rows = export_rows(client, "/exports/members/")
    assert column(rows, "姓名") == ["张三"]
    assert column(rows, "公民身份号码") == [county.people["zhangsan"].id_number]


def test_formula_like_names_are_exported_as_text(client, users, county):
    make_member(county.village_a1, "=1+1")
    make_member(county.village_a1, "@SUM(A1)", phone="+8613800001234")
    client.force_login(users["county"])
    response = client.get("/exports/members/")
    sheet = read_book(body(response)).active
    cells = {cell.value: cell for cell in sheet["A"]}
    for name in ("=1+1", "@SUM(A1)"):
        assert cells[name].data_type != "f"
        assert cells[name].data_type == "s"
    phones = [cell for cell in sheet["H"] if cell.value == "+8613800001234"]
    assert phones and phones[0].data_type == "s"


def test_current_posts_are_exported_as_the_import_writes_them(client, users, county):
    zhangsan = county.people["zhangsan"]
    post_create(user=None, person=zhangsan, organization=county.village_a1, title="secretary",
                started_on=datetime.date(2021, 1, 1))
    post_create(user=None, person=zhangsan, organization=county.village_a1, title="village_director",
                started_on=datetime.date(2021, 3, 1))
    client.force_login(users["county"])
    rows = export_rows(client, "/exports/members/")
    record = dict(zip(rows[0], rows[1 + column(rows, "姓名").index("张三")]))
    assert record["职务"] == "书记;村委会主任"
    assert record["任职日期"] == "2021-01-01;2021-03-01"


def test_export_imports_back_unchanged(client, users, county):
    from tools.dataio.services import run_import

    post_create(user=None, person=county.people["lisi"], organization=county.village_a2, title="secretary",
                started_on=datetime.date(2019, 5, 1))
    client.force_login(users["county"])
    data = body(client.get("/exports/members/"))
    plan = run_import("members", io.BytesIO(data), "members.xlsx", user=users["county"], dry_run=True)
    assert plan.ok, plan.error_dicts()[:5]
    assert plan.counts["unchanged"] == 4
    assert plan.counts["created"] == plan.counts["updated"] == 0


def test_headers_follow_the_user_language(client, users, county):
    client.force_login(users["county"])
    client.cookies["django_language"] = "en"
    rows = export_rows(client, "/exports/members/")
    assert rows[0][:4] == ["Name", "Gender", "Ethnicity", "Birth date"]


# --- organizations and posts ------------------------------------------------------------------------------------

def test_organizations_export_of_a_subtree(client, users, county):
    client.force_login(users["township_a"])
    rows = export_rows(client, "/exports/orgs/")
    assert column(rows, "组织代码") == ["TA", "A1", "A2"]  # the tree's order: parents first
    assert column(rows, "上级组织代码") == ["C", "TA", "TA"]
    assert column(rows, "组织类别") == ["党（工）委", "党支部", "党支部"]
    rows = export_rows(client, f"/exports/orgs/?org={county.village_a2.pk}")
    assert column(rows, "组织代码") == ["A2"]
    assert column(export_rows(client, "/exports/orgs/?q=陈家"), "组织代码") == ["A1"]


def test_posts_export(client, users, county):
    post_create(user=None, person=county.people["zhangsan"], organization=county.village_a1, title="secretary",
                started_on=datetime.date(2020, 1, 1))
    post_create(user=None, person=county.people["wangwu"], organization=county.village_b1, title="secretary",
                started_on=datetime.date(2020, 1, 1))
    client.force_login(users["township_a"])
    rows = export_rows(client, "/exports/posts/")
    assert column(rows, "姓名") == ["张三"]
    assert column(rows, "任职日期") == [datetime.datetime(2020, 1, 1)]
    client.force_login(users["county"])
    assert sorted(column(export_rows(client, "/exports/posts/"), "姓名")) == ["张三", "王五"]


def test_org_pages_offer_the_exports(client, users, county):
    client.force_login(users["township_a"])
    html = client.get(f"/orgs/{county.village_a1.pk}/").content.decode()
    for kind in ("orgs", "members", "posts"):
        assert f"/exports/{kind}/?org={county.village_a1.pk}" in html
    assert "/exports/orgs/" in client.get("/orgs/").content.decode()


# --- big exports become jobs ------------------------------------------------------------------------------------

def test_a_big_export_asks_then_runs_as_a_job_whose_file_only_its_owner_gets(client, users, county, settings):
    settings.EXPORT_DIRECT_MAX_ROWS = 2
    client.force_login(users["township_a"])
    ask = client.get("/exports/members/?status=active")
    assert ask.status_code == 200 and ask["Content-Type"].startswith("text/html")
    assert 'id="start-export"' in ask.content.decode()
    assert not Job.objects.exists()  # asking starts nothing

    started = client.post("/exports/members/?status=active")
    job = Job.objects.get()
    assert started.status_code == 302 and started["Location"] == f"/jobs/{job.pk}/"
    assert (job.kind, job.state, job.user) == ("export_members", JobState.SUCCEEDED, users["township_a"])
    assert job.counts == {"rows": 3, "sheets": 1, "unmasked": 3}
    assert (job.progress_done, job.progress_total) == (3, 3)
    assert SensitiveAccess.objects.count() == 1

    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert f"/jobs/{job.pk}/download/" in page
    rows = sheet_rows(body(client.get(f"/jobs/{job.pk}/download/")))
    assert rows[0] == MEMBER_HEADER
    assert sorted(column(rows, "姓名")) == sorted(["张三", "陳小紅", "李四"])
    assert client.get(f"/api/jobs/{job.pk}").json()["result_url"].endswith(f"/api/jobs/{job.pk}/result")

    client.force_login(users["township_b"])
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 404
    assert client.get(f"/api/jobs/{job.pk}").status_code == 404


def test_an_export_job_whose_organization_left_the_scope_fails(users, county):
    from kernel.jobs.services import job_submit

    job = job_submit(user=users["township_a"], kind="export_orgs", params={"query": {"org": [str(county.township_b.pk)]}})
    assert job.state == JobState.FAILED
    assert not job.result_file


# --- LibreOffice opens the exports ------------------------------------------------------------------------------

def libreoffice() -> str | None:
    found = shutil.which("libreoffice") or shutil.which("soffice")
    if found is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("LibreOffice is missing: run `make system-packages`")
        pytest.skip("LibreOffice is not installed (it is required in CI)")
    return found


def test_libreoffice_reads_the_export_as_written(client, users, county, tmp_path):
    program = libreoffice()
    make_member(county.village_a2, "=1+1", birth=datetime.date(1988, 8, 8))
    client.force_login(users["county"])
    exported = body(client.get("/exports/members/?status=any"))
    source = tmp_path / "members.xlsx"
    source.write_bytes(exported)
    home = tmp_path / "home"
    home.mkdir()
    result = subprocess.run(
        [program, "--headless", "--norestore", f"-env:UserInstallation={(home / 'profile').as_uri()}",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", str(tmp_path), str(source)],
        capture_output=True, timeout=120, env={**os.environ, "HOME": str(home)})
    converted = tmp_path / "members.csv"
    assert converted.exists(), result.stderr.decode(errors="replace") + result.stdout.decode(errors="replace")
    with converted.open(encoding="utf-8") as handle:
        from_libreoffice = list(csv.reader(handle))
    expected = [["" if value is None else value.strftime("%Y-%m-%d") if isinstance(value, datetime.datetime)
                 else str(value) for value in row] for row in sheet_rows(exported)]
    trim = [[cell for cell in row] + [""] * (len(expected[0]) - len(row)) for row in from_libreoffice]
    assert trim == expected
    assert any(row[0] == "=1+1" for row in from_libreoffice)


def test_many_distinct_dates_are_all_written_right(monkeypatch):
    monkeypatch.setattr(xlsx_stream, "_DATE_CELLS_MAX", 5)  # the writer's date cache is emptied again and again
    monkeypatch.setattr(xlsx_stream, "BATCH_ROWS", 7)
    days = [(datetime.date(1950, 1, 1) + datetime.timedelta(days=i * 37),) for i in range(60)]
    data = io.BytesIO()
    xlsx_stream.write_xlsx(data, ["日期"], days + [(None,)] + days[:3])
    read = [row[0] for row in sheet_rows(data.getvalue())[1:]]
    assert read == [datetime.datetime.combine(d, datetime.time()) for (d,) in days] + [None] + [
        datetime.datetime.combine(d, datetime.time()) for (d,) in days[:3]]

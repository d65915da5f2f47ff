"""Hostile and clumsy uploads, scaled down so the suite stays fast: each gets a clear error in the user's language,
no server error, nothing written, and costs the server little memory (measured here with tracemalloc).

The sizes at full scale (a million-row workbook of 3 MB, a 300 MB cell, a 221 MB CSV) are measured in
bench/bench_uploads.py; here the limits are lowered so that the same files, a hundred times smaller, cross them.
"""
import io
import threading
import tracemalloc
import zipfile

import pytest
from django.db import connection, transaction
from django.urls import reverse
from openpyxl import load_workbook

from kernel.core.xlsx_stream import column_letter
from kernel.people.models import Person
from tests.import_files import MEMBER_HEADER, csv_file, member_row, xlsx
from tools.dataio.models import Upload

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MB = 1024 * 1024


@pytest.fixture(autouse=True)
def _limits(settings, tmp_path):
    settings.JOBS_MODE = "inline"
    settings.MEDIA_ROOT = tmp_path
    settings.UPLOAD_MAX_BYTES = 2 * MB
    settings.IMPORT_MAX_ROWS = 2000
    settings.IMPORT_MAX_CELL_CHARS = 2000
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 8 * MB


def raw_xlsx(rows, *, strings=None, name="hostile.xlsx") -> io.BytesIO:
    """A workbook written part by part (streamed into the zip, as a hostile tool would), its sheet from ``rows``:
    an iterable of lists of cell values (str as inline strings, or ("s", index) for a shared string)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                         'package/2006/content-types"/>')
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                         'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                         'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        archive.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
                         'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
                         'relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
        shared = '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/' \
                 'sharedStrings" Target="sharedStrings.xml"/>' if strings is not None else ""
        archive.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                         'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                         'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                         f'{shared}</Relationships>')
        if strings is not None:
            with archive.open("xl/sharedStrings.xml", "w") as part:
                part.write(b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                           b'main">')
                for text in strings:
                    part.write(b"<si><t>")
                    for start in range(0, len(text), MB):
                        part.write(text[start:start + MB].encode())
                    part.write(b"</t></si>")
                part.write(b"</sst>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            part.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                       b'main"><sheetData>')
            for number, row in enumerate(rows, start=1):
                cells = []
                for index, value in enumerate(row):
                    ref = f"{column_letter(index)}{number}"
                    if isinstance(value, tuple):
                        cells.append(f'<c r="{ref}" t="s"><v>{value[1]}</v></c>')
                    else:
                        cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>')
                part.write(f'<row r="{number}">{"".join(cells)}</row>'.encode())
            part.write(b"</sheetData></worksheet>")
    buffer.seek(0)
    buffer.name = name
    return buffer


def _upload(client, file):
    """Uploads ``file`` as the member import through the page; (response, peak bytes allocated meanwhile)."""
    tracemalloc.start()
    try:
        response = client.post(reverse("dataio:upload", args=["members"]), {"file": file})
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return response, peak


def _preview_errors(client) -> str:
    upload = Upload.objects.get()
    page = client.get(reverse("dataio:preview", args=[upload.pk]))
    assert page.status_code == 200
    assert "confirm-import" not in page.content.decode()
    return page.content.decode()


def _nothing_written():
    assert not Person.objects.filter(name__startswith="导入").exists()


def test_a_body_over_the_limit_is_refused_before_it_is_read(client, users):
    client.force_login(users["county"])
    big = io.BytesIO(b"x" * (3 * MB))
    big.name = "big.csv"
    response = client.post(reverse("dataio:upload", args=["members"]), {"file": big})
    assert response.status_code == 413
    assert "2 MB" in response.content.decode() and "文件过大" in response.content.decode()
    assert not Upload.objects.exists()
    big.seek(0)
    response = client.post("/api/imports/members", {"file": big}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 413
    assert "at most 2 MB" in response.json()["message"]
    big.seek(0)  # the score workbook path too: one limit for every upload
    response = client.post("/api/standards/1/workbook?rater=township", {"file": big})
    assert response.status_code == 413
    _nothing_written()


def test_a_workbook_of_many_short_rows_stops_at_the_row_limit(client, users, settings):
    settings.IMPORT_MAX_ERRORS = 1_000_000  # the row limit is what stops it here
    client.force_login(users["county"])
    header = MEMBER_HEADER
    rows = [header, *([f"导入{n}", "男"] for n in range(5000))]  # the template's header, then 5,000 short rows
    file = raw_xlsx(rows)
    assert file.getbuffer().nbytes < 300_000
    response, peak = _upload(client, file)
    assert response.status_code == 302
    page = _preview_errors(client)
    assert "2000" in page and "拆分" in page
    _nothing_written()
    assert peak < 40 * MB, f"{peak / MB:.1f} MB for a {file.getbuffer().nbytes} byte file"


def test_one_huge_cell_is_refused_while_it_is_read(client, users):
    client.force_login(users["county"])
    huge = "长" * (6 * MB // 3)  # 6 MB of text, well past the 2,000-character cell limit
    large = "长" * 200_000  # within the shared strings' share of the unpacked size, past the cell limit
    for file in (raw_xlsx([MEMBER_HEADER, [("s", 0), "男"]], strings=[large]),   # a shared string
                 raw_xlsx([MEMBER_HEADER, [huge, "男"]], name="inline.xlsx")):  # an inline string
        Upload.objects.all().delete()
        response, peak = _upload(client, file)
        assert response.status_code == 302
        page = _preview_errors(client)
        assert "2000" in page and "字符" in page
        assert peak < 8 * MB, f"{peak / MB:.1f} MB"
    _nothing_written()


def test_a_zip_bomb_is_refused_before_it_is_unpacked(client, users):
    client.force_login(users["county"])
    padding = "0" * (20 * MB)  # compresses to a few kilobytes
    file = raw_xlsx([MEMBER_HEADER, [f"导入1{padding[:1]}", "男"]], strings=[padding])
    assert file.getbuffer().nbytes < 100_000
    response, peak = _upload(client, file)
    assert response.status_code == 302
    page = _preview_errors(client)
    assert "8 MB" in page
    assert peak < 4 * MB, f"{peak / MB:.1f} MB"
    _nothing_written()
    # the error workbook lists the error without reading the file again
    upload = Upload.objects.get()
    response = client.get(reverse("dataio:errors", args=[upload.pk]))
    assert response.status_code == 200


def test_a_score_workbook_that_unpacks_too_far_is_refused(client, users):
    from kernel.core.workbook_upload import WorkbookTooLarge, open_workbook

    file = raw_xlsx([["x"]], strings=["0" * (20 * MB)])
    with pytest.raises(WorkbookTooLarge) as refused:
        open_workbook(file)
    assert "8 MB" in refused.value.message


def test_a_csv_with_one_endless_line_is_refused(client, users):
    client.force_login(users["county"])
    line = ",".join(MEMBER_HEADER) + "\n" + "导入," * 10 + "x" * (1 * MB)
    file = io.BytesIO(line.encode())
    file.name = "endless.csv"
    response, peak = _upload(client, file)
    assert response.status_code == 302
    page = _preview_errors(client)
    assert "2000" in page
    assert peak < 12 * MB, f"{peak / MB:.1f} MB"
    _nothing_written()


def test_a_csv_of_too_many_rows_is_refused_over_the_api(client, users):
    client.force_login(users["county"])
    rows = [member_row(n) for n in range(2001)]
    response = client.post("/api/imports/members", {"file": csv_file(rows)}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 202
    job = response.json()
    assert job["state"] == "failed"
    assert any("more than 2000 data rows" in error["message"] for error in job["errors"])
    _nothing_written()


def test_a_file_of_the_right_size_still_imports(client, users):
    client.force_login(users["township_a"])
    response = client.post(reverse("dataio:upload", args=["members"]), {"file": xlsx([member_row(n) for n in range(5)])})
    assert response.status_code == 302
    upload = Upload.objects.get()
    client.post(reverse("dataio:confirm", args=[upload.pk]))
    assert Person.objects.filter(name__startswith="导入").count() == 5


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_on_sqlite_no_transaction_is_open_while_the_file_is_read_and_checked(users, settings):
    """The check runs outside any transaction (so the write lock is free for everyone else), and only the write
    holds one."""
    from tools.dataio.services import run_import

    settings.IMPORT_MAX_ROWS = 100_000
    seen = []

    def progress(done, total, phase=""):
        seen.append((str(phase), connection.in_atomic_block))

    rows = [member_row(n) for n in range(12_000)]
    run_import("members", csv_file(rows), "big.csv", user=users["county"], dry_run=False, progress=progress)
    checking = [atomic for phase, atomic in seen if "Checking" in phase or "检查" in phase]
    writing = [atomic for phase, atomic in seen if "Writing" in phase or "写入" in phase]
    assert checking and not any(checking)
    assert writing and all(writing)
    assert Person.objects.filter(name__startswith="导入").count() == 12_000


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_on_sqlite_others_can_write_while_a_file_is_checked(users, client, settings):
    """While one user's big file is checked, another user's write (a login saves a session) goes through."""
    from tools.dataio.services import run_import

    settings.IMPORT_MAX_ROWS = 100_000
    started, release = threading.Event(), threading.Event()
    results = {}

    def progress(done, total, phase=""):
        if not started.is_set():
            started.set()
            release.wait(30)

    def check():
        try:
            results["plan"] = run_import("members", csv_file([member_row(n) for n in range(6000)]), "big.csv",
                                         user=users["county"], dry_run=True, progress=progress)
        finally:
            connection.close()

    worker = threading.Thread(target=check)
    worker.start()
    try:
        assert started.wait(30)
        with transaction.atomic():  # a write of another user's, while the check is paused mid-file
            client.force_login(users["township_a"])
        assert client.get("/").status_code == 200
    finally:
        release.set()
        worker.join(60)
    assert results["plan"].ok


def test_a_file_of_many_bad_rows_stops_at_the_error_limit(client, users, settings):
    """Each short row has several errors: reading stops once there are IMPORT_MAX_ERRORS of them, and the error
    workbook ends where the reading ended."""
    settings.IMPORT_MAX_ERRORS = 100
    client.force_login(users["county"])
    file = raw_xlsx([MEMBER_HEADER, *([f"导入{n}", "男"] for n in range(5000))])
    response, peak = _upload(client, file)
    assert response.status_code == 302
    page = _preview_errors(client)
    assert "错误超过 100 个" in page
    assert peak < 40 * MB, f"{peak / MB:.1f} MB"
    upload = Upload.objects.get()
    sheet = load_workbook(io.BytesIO(b"".join(client.get(reverse("dataio:errors", args=[upload.pk])).streaming_content)),
                          read_only=True).worksheets[0]
    assert len(list(sheet.iter_rows(values_only=True))) < 200
    _nothing_written()

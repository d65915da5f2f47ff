"""The database storage: what one server saves, another reads, in chunks; an import and an export run through it
end to end (the pages and the API, with FILE_STORAGE set to it as on several servers)."""
import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from kernel.core import dbstorage
from kernel.people.models import Person
from tests.import_files import member_row, read_back, xlsx
from tools.dataio.models import Upload

pytestmark = pytest.mark.django_db

DATABASE = {"default": {"BACKEND": "kernel.core.dbstorage.DatabaseStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@pytest.fixture
def in_database(settings, tmp_path):
    settings.STORAGES = DATABASE
    settings.MEDIA_ROOT = tmp_path / "nothing-here"  # a server's own folder: nothing may be written to it
    settings.JOBS_MODE = "inline"
    yield
    assert not settings.MEDIA_ROOT.exists() or not any(settings.MEDIA_ROOT.rglob("*.*"))


def test_saves_reads_seeks_and_deletes_in_chunks(in_database, monkeypatch):
    monkeypatch.setattr(dbstorage, "CHUNK", 1000)
    data = bytes(range(256)) * 20  # 5,120 bytes: six chunks of a thousand
    name = default_storage.save("jobs/input/a.bin", ContentFile(data))
    assert default_storage.exists(name) and default_storage.size(name) == len(data)
    with default_storage.open(name) as handle:
        assert handle.read() == data
        handle.seek(2995)
        assert handle.read(10) == data[2995:3005]
        handle.seek(-3, io.SEEK_END)
        assert handle.read() == data[-3:]
    assert default_storage.save("jobs/input/a.bin", ContentFile(b"x")) != name  # never overwritten
    default_storage.delete(name)
    assert not default_storage.exists(name)
    with pytest.raises(FileNotFoundError):
        default_storage.open(name)


@given(st.binary(max_size=5000), st.integers(min_value=1, max_value=700))
@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_bytes_come_back_as_saved(in_database, data, chunk):
    original = dbstorage.CHUNK
    dbstorage.CHUNK = chunk
    try:
        name = default_storage.save("p/x.bin", ContentFile(data))
        with default_storage.open(name) as handle:
            assert handle.read() == data
        default_storage.delete(name)
    finally:
        dbstorage.CHUNK = original


def test_a_workbook_opens_as_a_zip_without_a_copy(in_database):
    book = xlsx([member_row(1)])
    name = default_storage.save("imports/m.xlsx", ContentFile(book.getvalue()))
    with default_storage.open(name) as handle:
        assert "xl/workbook.xml" in zipfile.ZipFile(handle).namelist()


def test_an_import_and_its_error_workbook_go_through_the_database(in_database, client, users):
    client.force_login(users["township_a"])
    client.post(reverse("dataio:upload", args=["members"]), {"file": xlsx([member_row(1), member_row(2, org="B1")])})
    upload = Upload.objects.get()
    with pytest.raises(NotImplementedError):
        upload.file.path  # noqa: B018 - no disk behind it
    errors = client.get(reverse("dataio:errors", args=[upload.pk]))
    assert errors.status_code == 200
    sheet = read_back(b"".join(errors.streaming_content))
    assert sheet.max_row >= 3
    response = client.post("/api/imports/members", {"file": xlsx([member_row(n) for n in range(3)])})
    assert response.status_code == 202 and response.json()["state"] == "succeeded"
    assert Person.objects.filter(name__startswith="导入").count() == 3


def test_an_export_job_writes_its_result_to_the_database(in_database, client, users, settings):
    settings.EXPORT_DIRECT_MAX_ROWS = 0  # every export runs as a job
    client.force_login(users["county"])
    response = client.post("/exports/members/")
    assert response.status_code == 302
    job_page = response["Location"]
    job_id = int(job_page.rstrip("/").split("/")[-1])
    download = client.get(reverse("jobs:download", args=[job_id]))
    assert download.status_code == 200
    sheet = read_back(b"".join(download.streaming_content))
    assert sheet.max_row > 1

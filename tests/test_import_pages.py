"""The import pages and API: upload → preview → confirm → job; uploads and jobs are their owner's alone."""
import pytest
from django.urls import reverse

from kernel.people.models import Person
from tests.import_files import csv_file, member_row, read_back, xlsx
from tools.dataio.models import Upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _inline_jobs(settings, tmp_path):
    settings.JOBS_MODE = "inline"
    settings.MEDIA_ROOT = tmp_path


def test_templates_download_with_chinese_headers_and_instructions(client, users):
    client.force_login(users["township_a"])
    response = client.get(reverse("dataio:template", args=["members"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    book = read_back(response.content).parent
    data, instructions = book.worksheets[0], book.worksheets[1]
    assert [c.value for c in data[1]][:5] == ["姓名", "性别", "民族", "出生日期", "公民身份号码"]
    assert any(validation.type == "list" for validation in data.data_validations.dataValidation)
    assert any("公民身份号码" == row[0] for row in instructions.iter_rows(values_only=True))
    orgs = read_back(client.get(reverse("dataio:template", args=["orgs"])).content)
    assert [c.value for c in orgs[1]] == ["组织代码", "名称", "简称", "组织类别", "所属领域", "上级组织代码", "成立日期", "地点"]
    assert client.get("/imports/other/template.xlsx").status_code == 404


def test_upload_preview_confirm(client, users):
    client.force_login(users["township_a"])
    rows = [member_row(i) for i in range(3)]
    response = client.post(reverse("dataio:upload", args=["members"]), {"file": xlsx(rows)})
    upload = Upload.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("dataio:preview", args=[upload.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'id="count-created">3<' in page and "confirm-import" in page
    assert not Person.objects.filter(name__startswith="导入").exists()
    response = client.post(reverse("dataio:confirm", args=[upload.pk]))
    upload.refresh_from_db()
    assert response["Location"] == reverse("jobs:detail", args=[upload.job_id])
    assert upload.applied_at is not None
    assert Person.objects.filter(name__startswith="导入").count() == 3
    # confirming twice imports once
    client.post(reverse("dataio:confirm", args=[upload.pk]))
    assert Person.objects.filter(name__startswith="导入").count() == 3


def test_a_file_with_errors_shows_them_and_offers_the_marked_workbook(client, users):
    client.force_login(users["township_a"])
    rows = [member_row(1), member_row(2, org="B1")]
    client.post(reverse("dataio:upload", args=["members"]), {"file": csv_file(rows)})
    upload = Upload.objects.get()
    page = client.get(reverse("dataio:preview", args=[upload.pk])).content.decode()
    assert "所在党组织代码" in page and "confirm-import" not in page
    workbook = client.get(reverse("dataio:errors", args=[upload.pk]))
    sheet = read_back(b"".join(workbook.streaming_content))
    column = [c.value for c in sheet[1]].index("所在党组织代码") + 1
    assert sheet.cell(row=3, column=column).comment is not None


def test_another_users_upload_is_404(client, users):
    client.force_login(users["township_a"])
    client.post(reverse("dataio:upload", args=["members"]), {"file": xlsx([member_row(1)])})
    upload = Upload.objects.get()
    client.force_login(users["county"])
    assert client.get(reverse("dataio:preview", args=[upload.pk])).status_code == 404
    assert client.post(reverse("dataio:confirm", args=[upload.pk])).status_code == 404
    assert not Person.objects.filter(name="导入1").exists()


def test_the_api_returns_the_job_with_counts_and_row_errors(client, users):
    client.force_login(users["township_a"])
    file = xlsx([member_row(1), member_row(2)])
    response = client.post("/api/imports/members", {"file": file})
    assert response.status_code == 202, response.content
    job = response.json()
    assert job["state"] == "succeeded" and job["counts"]["created"] == 2
    assert client.get(f"/api/jobs/{job['id']}").json()["counts"] == job["counts"]
    bad = xlsx([member_row(3), member_row(4, org="B1")])
    job = client.post("/api/imports/members", {"file": bad}).json()
    assert job["state"] == "failed"
    assert [(e["row"], e["column"]) for e in job["errors"]] == [(3, "所在党组织代码")]
    assert job["result_url"]
    assert not Person.objects.filter(name__in=["导入3", "导入4"]).exists()
    orgs = csv_file([{"组织代码": "Z1", "名称": "新党支部", "组织类别": "branch", "上级组织代码": "TA"}])
    job = client.post("/api/imports/orgs", {"file": orgs}).json()
    assert job["state"] == "succeeded" and job["counts"]["created"] == 1

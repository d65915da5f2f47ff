"""A job whose worker died is failed within a minute (its heartbeat stops), and a failed job can be started again
from its page or the API: same kind, parameters and input, as a new job."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from kernel.jobs.models import Job, JobState
from kernel.people.models import Person
from tests.import_files import csv_file, member_row
from tools.dataio.models import Upload

pytestmark = pytest.mark.django_db


def test_a_worker_that_died_is_noticed_within_a_minute(settings, client, users):
    assert settings.JOBS_HEARTBEAT_SECONDS * 2 < settings.JOBS_STALE_SECONDS <= 45
    assert settings.JOBS_STALE_CHECK_SECONDS + settings.JOBS_STALE_SECONDS <= 60
    assert settings.CELERY_BEAT_SCHEDULE["fail-stale-jobs"]["schedule"] == settings.JOBS_STALE_CHECK_SECONDS
    beat = timezone.now() - datetime.timedelta(seconds=settings.JOBS_STALE_SECONDS + 1)
    job = Job.objects.create(kind="import_members", user=users["county"], state=JobState.RUNNING,
                             started_at=beat, heartbeat_at=beat)
    alive = Job.objects.create(kind="import_members", user=users["county"], state=JobState.RUNNING,
                               started_at=beat, heartbeat_at=timezone.now())
    from kernel.jobs.tasks import fail_stale

    assert fail_stale() == 1
    job.refresh_from_db()
    alive.refresh_from_db()
    assert job.state == JobState.FAILED and job.message
    assert alive.state == JobState.RUNNING


def test_a_failed_import_is_started_again_through_the_api(client, users, county):
    client.force_login(users["township_a"])
    rows = [member_row(1), member_row(2, org="NOPE")]
    failed = client.post("/api/imports/members", {"file": csv_file(rows)}).json()
    assert failed["state"] == "failed"
    # the registry changes (the organization is created), and the same file is tried again
    again = client.post(f"/api/jobs/{failed['id']}/retry")
    assert again.status_code == 202
    assert again.json()["id"] != failed["id"] and again.json()["state"] == "failed"  # NOPE still missing
    response = client.post(f"/api/jobs/{again.json()['id']}/retry", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 202
    done = client.post(f"/api/jobs/{failed['id']}/retry").json()
    assert done["kind"] == "import_members"
    # a job that did not fail is not started again
    ok = client.post("/api/imports/members", {"file": csv_file([member_row(3)])}).json()
    assert ok["state"] == "succeeded"
    refused = client.post(f"/api/jobs/{ok['id']}/retry", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 422 and "failed job" in refused.json()["message"]
    assert Person.objects.filter(name="导入3").count() == 1
    # someone else's job is not there at all
    client.force_login(users["township_b"])
    assert client.post(f"/api/jobs/{failed['id']}/retry").status_code == 404


def test_a_failed_job_has_a_button_to_start_it_again(client, users, county):
    client.force_login(users["township_a"])
    failed = client.post("/api/imports/members", {"file": csv_file([member_row(1, org="NOPE")])}).json()
    page = client.get(reverse("jobs:detail", args=[failed["id"]])).content.decode()
    assert 'id="job-retry"' in page
    response = client.post(reverse("jobs:retry", args=[failed["id"]]))
    assert response.status_code == 302
    new_id = int(response["Location"].rstrip("/").split("/")[-1])
    assert new_id != failed["id"] and Job.objects.get(pk=new_id).input_file


def test_an_upload_follows_the_retry_of_its_import(client, users, county):
    client.force_login(users["township_a"])
    client.post(reverse("dataio:upload", args=["members"]), {"file": csv_file([member_row(5)])})
    upload = Upload.objects.get()
    Job.objects.filter(pk=upload.check_job_id).update(state=JobState.FAILED)  # as if its worker had died
    response = client.post(reverse("jobs:retry", args=[upload.check_job_id]))
    upload.refresh_from_db()
    assert response["Location"] == reverse("jobs:detail", args=[upload.check_job_id])
    assert upload.summary["counts"]["created"] == 1

"""Background jobs: running, progress, failure leaving nothing written, stale workers, owner-only pages and API."""
import datetime
import threading
import time

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from kernel.jobs import runner
from kernel.jobs.models import Job, JobState
from kernel.jobs.registry import JobFailed, job_kind
from kernel.jobs.services import job_submit
from kernel.orgs.models import Organization
from kernel.orgs.services import org_create

ORG_NAME = "作业测试党支部"


@job_kind("test_counting")
def counting(job, progress):
    total = int(job.params.get("total", 10))
    for done in range(1, total + 1):
        progress(done, total, "counting")
    seen = Job.objects.get(pk=job.pk)
    job.counts = {"rows": total, "seen_done": seen.progress_done}
    job.message = "counted"
    job.result_file.save("result.txt", ContentFile(b"the result"), save=False)


@job_kind("test_half_written")
def half_written(job, progress):
    """Writes part of its work, then fails: nothing of it may stay."""
    parent = Organization.objects.get(pk=job.params["parent"])
    org_create(user=job.user, parent=parent, code="HALF1", name=ORG_NAME, org_type="branch", domain="rural")
    assert Organization.objects.filter(code="HALF1").exists()  # written, inside the job's transaction
    progress(1, 2, "half")
    if job.params.get("crash"):
        raise RuntimeError("the worker hit a bug")
    raise JobFailed("row 2 is wrong", errors=[{"row": 2, "column": "名称", "code": "required", "message": "必填"}])


@job_kind("test_killed")
def killed(job, progress):
    parent = Organization.objects.get(pk=job.params["parent"])
    org_create(user=job.user, parent=parent, code="KILL1", name=ORG_NAME, org_type="branch", domain="rural")
    raise KeyboardInterrupt  # the worker process is stopped mid-job


@job_kind("test_waiting", atomic=False)
def waiting(job, progress):
    progress(3, 10, "waiting")
    assert RELEASE.wait(10)
    job.counts = {"rows": 10}


RELEASE = threading.Event()


def test_a_job_runs_reports_progress_and_keeps_its_outcome(users):
    job = job_submit(user=users["township_a"], kind="test_counting", params={"total": 7})
    assert job.state == JobState.SUCCEEDED
    assert (job.progress_done, job.progress_total) == (7, 7)
    assert job.counts == {"rows": 7, "seen_done": 7}  # progress was on the row while the handler ran
    assert job.message == "counted"
    assert job.result_file.read() == b"the result"
    assert job.started_at and job.finished_at and job.finished_at >= job.started_at


def test_a_failed_job_leaves_nothing_it_wrote(users, county):
    before = Organization.objects.count()
    job = job_submit(user=users["county"], kind="test_half_written", params={"parent": county.township_a.pk})
    assert job.state == JobState.FAILED
    assert job.message == "row 2 is wrong"
    assert job.errors == [{"row": 2, "column": "名称", "code": "required", "message": "必填"}]
    assert Organization.objects.count() == before
    assert not Organization.objects.filter(code="HALF1").exists()
    county.township_a.refresh_from_db()
    assert county.township_a.child_count == 2  # the counter the service raised is rolled back too


def test_a_job_that_crashes_leaves_nothing_and_says_so(users, county):
    job = job_submit(user=users["county"], kind="test_half_written",
                     params={"parent": county.township_a.pk, "crash": True})
    assert job.state == JobState.FAILED
    assert job.message == "任务因意外错误中止，其写入的内容均未保留。"
    assert not Organization.objects.filter(code="HALF1").exists()


def test_a_killed_worker_leaves_nothing_and_its_job_turns_failed_when_stale(client, users, county, settings):
    with pytest.raises(KeyboardInterrupt):
        job_submit(user=users["county"], kind="test_killed", params={"parent": county.township_a.pk})
    assert not Organization.objects.filter(code="KILL1").exists()
    job = Job.objects.get(kind="test_killed")
    assert job.state == JobState.RUNNING  # nobody was left to say otherwise
    client.force_login(users["county"])
    assert client.get(f"/api/jobs/{job.pk}").json()["state"] == "running"  # heard from a moment ago

    Job.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - datetime.timedelta(seconds=settings.JOBS_STALE_SECONDS + 1))
    body = client.get(f"/api/jobs/{job.pk}").json()
    assert body["state"] == "failed"
    assert "请重新开始" in body["message"]
    assert Job.objects.get(pk=job.pk).finished_at is not None


def test_an_unknown_kind_fails_cleanly(users):
    job = job_submit(user=users["county"], kind="no_such_kind")
    assert job.state == JobState.FAILED
    assert "no_such_kind" in job.message


def test_input_files_are_kept_with_the_job(users, tmp_path):
    source = tmp_path / "members.csv"
    source.write_bytes("姓名\n张三\n".encode())
    job = job_submit(user=users["county"], kind="test_counting", input_file=source, params={"total": 1})
    assert job.input_file.name.startswith("jobs/input/")
    assert job.input_file.read() == "姓名\n张三\n".encode()


def test_the_celery_runner_runs_the_job_once_the_transaction_commits(users, settings,
                                                                     django_capture_on_commit_callbacks):
    settings.JOBS_MODE = "celery"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from jiceng.celery import app

    app.conf.task_always_eager = True
    with django_capture_on_commit_callbacks(execute=True):
        job = job_submit(user=users["county"], kind="test_counting", params={"total": 3})
        assert Job.objects.get(pk=job.pk).state == JobState.QUEUED
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED
    assert job.counts["rows"] == 3


def _thread_of(job) -> threading.Thread:
    return next(t for t in threading.enumerate() if t.name == f"job-{job.pk}")


@pytest.mark.django_db(transaction=True)
def test_the_thread_runner_shows_progress_while_the_job_runs(client, settings):
    """The job runs in a thread of this process; its page and API show its progress as it goes.

    The test reads the database only while the job thread is not writing (SQLite's in-memory test
    database locks whole tables between connections).
    """
    from tests.kit import make_user

    settings.JOBS_MODE = "thread"
    settings.JOBS_PROGRESS_SECONDS = 3600  # no heartbeat writes during the test; the page reads memory
    user = make_user("threaded", superuser=True)
    RELEASE.clear()
    job = job_submit(user=user, kind="test_waiting")
    deadline = time.monotonic() + 10
    while (runner.live_state(job.pk) or {}).get("done") != 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    client.force_login(user)
    body = client.get(f"/api/jobs/{job.pk}").json()
    assert body["state"] == "running"
    assert body["progress"] == {"done": 3, "total": 10, "percent": 30, "phase": "waiting"}
    fragment = client.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in fragment  # the page keeps polling while the job runs
    assert "30%" in fragment

    RELEASE.set()
    _thread_of(job).join(10)
    body = client.get(f"/api/jobs/{job.pk}").json()
    assert body["state"] == "succeeded"
    assert body["counts"] == {"rows": 10}
    fragment = client.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in fragment  # finished: the polling stops
    assert runner.live_state(job.pk) is None


def test_the_heartbeat_writes_progress_outside_the_handler(users):
    job = Job.objects.create(kind="test_waiting", user=users["county"], state=JobState.RUNNING,
                             heartbeat_at=timezone.now() - datetime.timedelta(minutes=5))
    runner._live[job.pk] = {"done": 40, "total": 80, "phase": "checking rows", "beat": 0}
    try:
        runner.Heartbeat(job.pk).beat()
    finally:
        runner._live.pop(job.pk)
    job.refresh_from_db()
    assert (job.progress_done, job.progress_total, job.phase) == (40, 80, "checking rows")
    assert timezone.now() - job.heartbeat_at < datetime.timedelta(seconds=5)


# --- pages and API: the owner's only ----------------------------------------------------------------------------

@pytest.fixture
def finished_job(users):
    return job_submit(user=users["township_a"], kind="test_counting", params={"total": 4})


@pytest.fixture
def failed_job(users, county):
    return job_submit(user=users["township_a"], kind="test_half_written", params={"parent": county.township_a.pk})


def test_the_owner_sees_the_job_page_and_downloads_the_result(client, users, finished_job):
    client.force_login(users["township_a"])
    page = client.get(f"/jobs/{finished_job.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="job-progress-bar"' in html and "100%" in html
    assert "hx-trigger" not in html
    assert f"/jobs/{finished_job.pk}/download/" in html
    download = client.get(f"/jobs/{finished_job.pk}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"the result"
    assert "attachment" in download["Content-Disposition"]
    listing = client.get("/jobs/").content.decode()
    assert f"/jobs/{finished_job.pk}/" in listing


def test_the_job_page_lists_row_errors(client, users, failed_job):
    client.force_login(users["township_a"])
    html = client.get(f"/jobs/{failed_job.pk}/").content.decode()
    assert 'id="job-errors"' in html
    assert "必填" in html and "名称" in html and "required" in html
    assert "row 2 is wrong" in html


@pytest.mark.parametrize("other", ["township_b", "county", "branch_a1", "nobody"])
def test_other_users_get_404_for_the_job_its_file_and_its_api(client, users, finished_job, other):
    client.force_login(users[other])
    assert client.get(f"/jobs/{finished_job.pk}/").status_code == 404
    assert client.get(f"/jobs/{finished_job.pk}/download/").status_code == 404
    assert client.get(f"/api/jobs/{finished_job.pk}").status_code == 404
    assert client.get("/api/jobs").json()["items"] == []
    assert f"/jobs/{finished_job.pk}/" not in client.get("/jobs/").content.decode()


def test_a_superuser_sees_every_job(client, users, finished_job):
    client.force_login(users["admin"])
    assert client.get(f"/jobs/{finished_job.pk}/").status_code == 200
    assert client.get(f"/api/jobs/{finished_job.pk}").status_code == 200


def test_anonymous_users_are_sent_to_log_in(client, finished_job):
    assert client.get(f"/jobs/{finished_job.pk}/").status_code == 302
    assert client.get(f"/jobs/{finished_job.pk}/download/").status_code == 302
    assert client.get(f"/api/jobs/{finished_job.pk}").status_code == 401


def test_a_job_without_a_result_file_has_nothing_to_download(client, users, failed_job):
    client.force_login(users["township_a"])
    assert client.get(f"/jobs/{failed_job.pk}/download/").status_code == 404


def test_the_api_reports_state_counts_errors_progress_and_the_result(client, users, finished_job, failed_job):
    client.force_login(users["township_a"])
    body = client.get(f"/api/jobs/{finished_job.pk}").json()
    assert body["state"] == "succeeded"
    assert body["kind"] == "test_counting"
    assert body["counts"] == {"rows": 4, "seen_done": 4}
    assert body["progress"] == {"done": 4, "total": 4, "percent": 100, "phase": "counting"}
    assert body["result_url"].endswith(f"/api/jobs/{finished_job.pk}/result")
    assert client.get(body["result_url"]).status_code == 200
    assert body["errors"] == []

    failed = client.get(f"/api/jobs/{failed_job.pk}").json()
    assert failed["state"] == "failed"
    assert failed["errors"] == [{"row": 2, "column": "名称", "code": "required", "message": "必填"}]
    assert failed["result_url"] is None

    listing = client.get("/api/jobs").json()
    assert listing["count"] == 2
    assert [item["id"] for item in listing["items"]] == [failed_job.pk, finished_job.pk]  # newest first


def test_the_api_answers_a_bearer_token(client, users, finished_job):
    from kernel.accounts.models import ApiToken

    _token, secret = ApiToken.issue(users["township_a"])
    response = client.get(f"/api/jobs/{finished_job.pk}", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    _token, other = ApiToken.issue(users["township_b"])
    assert client.get(f"/api/jobs/{finished_job.pk}", HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 404

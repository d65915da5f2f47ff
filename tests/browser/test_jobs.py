"""A user exports a member list too big to download at once: the job's progress bar fills, then the file downloads."""
import time

import openpyxl
import pytest
from django.db import connections

from kernel.jobs import runner

from .conftest import login, screenshot


@pytest.fixture
def jobs_in_threads(settings, monkeypatch):
    """Jobs run in a background thread of the server, slowed down so that their progress can be watched.

    SQLite's in-memory test database is one connection that the live server already shares across threads;
    the job thread uses it too. The page shows progress from memory (no heartbeat writes during the test).
    """
    settings.JOBS_MODE = "thread"
    settings.EXPORT_DIRECT_MAX_ROWS = 2
    settings.JOBS_PROGRESS_SECONDS = 3600
    monkeypatch.setattr("tools.exports.services.PROGRESS_EVERY", 1)
    shared = connections["default"]
    in_memory = shared.vendor == "sqlite" and shared.is_in_memory_db()
    run_in_thread = runner.run_in_thread

    def run_sharing_the_test_database(job_id):
        if in_memory:
            connections["default"] = shared
        run_in_thread(job_id)

    monkeypatch.setattr(runner, "run_in_thread", run_sharing_the_test_database)
    report = runner.Progress.__call__

    def slow_report(self, done, total, phase=""):
        report(self, done, total, phase)
        time.sleep(0.7)

    monkeypatch.setattr(runner.Progress, "__call__", slow_report)
    if in_memory:
        shared.inc_thread_sharing()
    yield
    if in_memory:
        shared.dec_thread_sharing()


def test_a_big_export_runs_as_a_job_with_a_progress_bar_and_a_download(page, county, users, jobs_in_threads,
                                                                        tmp_path):
    login(page, "township_a")
    page.goto(page.base_url + "/people/members/")
    with page.expect_navigation():
        page.click("#export-members")
    assert page.locator("#start-export").is_visible()  # more rows than a direct download: asked first
    with page.expect_navigation():
        page.click("#start-export")
    assert "/jobs/" in page.url
    status = page.locator("#job-status")
    bar = page.locator("#job-progress-bar")

    seen_running = False
    deadline = time.monotonic() + 30
    while status.get_attribute("data-state") != "succeeded" and time.monotonic() < deadline:
        if status.get_attribute("data-state") == "running" and not seen_running and bar.inner_text() not in ("", "0%"):
            seen_running = True
            screenshot(page, "jobs-export-running")
        page.wait_for_timeout(150)
    assert status.get_attribute("data-state") == "succeeded"
    assert seen_running, "the progress bar never showed the job under way"
    assert bar.inner_text() == "100%"
    assert page.locator("#job-counts").inner_text().count("3") >= 1
    screenshot(page, "jobs-export-done")

    with page.expect_download() as download_info:
        page.click("#job-download")
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    sheet = openpyxl.load_workbook(path).active
    names = sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert names == sorted(["张三", "陳小紅", "李四"])

    page.goto(page.base_url + "/jobs/")
    assert page.locator("#job-table tbody tr").count() == 1
    screenshot(page, "jobs-list")

"""The daily run happens once a day however many schedulers fire: cron on each app server, or cron and celery beat
together. Several processes started at once (real processes, on the real database) run the day once."""
import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from kernel.core import daily
from kernel.core.models import DailyRun

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def counting():
    calls = []
    daily.JOBS["zz-count"] = daily.DailyJob("zz-count", lambda today: calls.append(today) or len(calls))
    yield calls
    daily.JOBS.pop("zz-count")


@pytest.mark.django_db
def test_the_day_runs_once_and_again_only_on_purpose(counting, capsys):
    day = datetime.date(2026, 3, 2)
    assert daily.run_day(day) is not None
    assert daily.run_day(day) is None and len(counting) == 1
    run = DailyRun.objects.get(day=day)
    assert run.finished_at is not None and run.results["zz-count"]["ok"]
    call_command("daily", "--today", "2026-03-02")
    assert "already" in capsys.readouterr().out and len(counting) == 1
    call_command("daily", "--today", "2026-03-02", "--again")
    assert len(counting) == 2
    call_command("daily", "--today", "2026-03-03")
    assert len(counting) == 3


@pytest.mark.django_db
def test_a_claim_whose_run_died_is_taken_over(counting, settings):
    day = datetime.date(2026, 3, 4)
    assert daily.claim_day(day)  # a run that starts, then its process dies without finishing
    assert daily.run_day(day) is None  # still running, as far as anyone knows
    DailyRun.objects.filter(day=day).update(started_at=datetime.datetime(2026, 3, 4, 1, 30, tzinfo=datetime.UTC))
    settings.DAILY_TAKEOVER_SECONDS = 60
    assert daily.run_day(day) is not None and len(counting) == 1


@pytest.mark.django_db(transaction=True)
def test_schedulers_firing_together_run_the_day_once(tmp_path, settings):
    """Four `manage.py daily` processes at once on the same database: one runs, three find the day claimed."""
    from django.db import connection

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "jiceng.settings"}
    if connection.vendor == "sqlite":
        database = tmp_path / "daily.sqlite3"
        env["DATABASE_URL"] = f"sqlite:///{database}"
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=600)
    else:
        name = connection.settings_dict["NAME"]
        s = connection.settings_dict
        env["DATABASE_URL"] = f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{name}"
    processes = [subprocess.Popen([sys.executable, "manage.py", "daily", "--today", "2026-05-06"], cwd=ROOT, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = [process.communicate(timeout=600) for process in processes]
    assert all(process.returncode == 0 for process in processes), outputs
    ran = [out for out, _err in outputs if "already" not in out]
    assert len(ran) == 1, outputs
    assert sum("already" in out for out, _err in outputs) == 3

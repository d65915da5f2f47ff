"""The daily run (manage.py daily, kernel.core.daily) runs every app's job: here it stands down ended first secretaries."""
import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kernel.core import daily
from mechanisms.firstsec import services
from mechanisms.firstsec.models import Dispatch


def test_daily_ends_terms_that_are_over_and_runs_the_other_jobs(county, installed, make_secretary):
    dispatch = services.dispatch_create(user=None, person=make_secretary(), village=county.village_a1,
                                        village_class="weak_lax", sending_unit="县农业农村局", started_on=datetime.date(2023, 3, 1),
                                        ends_on=datetime.date(2025, 2, 28))
    still = services.dispatch_create(user=None, person=make_secretary(), village=county.village_a2,
                                     village_class="weak_lax", sending_unit="县农业农村局", started_on=datetime.date(2024, 3, 1),
                                     ends_on=datetime.date(2026, 2, 28))
    out = io.StringIO()
    call_command("daily", "--today", "2025-03-01", stdout=out)
    assert {"duties", "workflows", "firstsec"} <= set(daily.JOBS)
    assert "firstsec: ended: 1" in out.getvalue() and "duties: " in out.getvalue() and "workflows: " in out.getvalue()
    dispatch.refresh_from_db()
    still.refresh_from_db()
    assert (dispatch.status, dispatch.left_on) == (Dispatch.Status.ENDED, datetime.date(2025, 2, 28))
    assert still.status == Dispatch.Status.IN_POST
    call_command("daily", "--today", "2025-03-02", "--only", "firstsec", stdout=out)
    assert out.getvalue().endswith("firstsec: ended: 0\n")


def test_one_failing_job_is_rolled_back_and_the_others_still_run(county, monkeypatch):
    ran = []

    def broken(today):
        county.village_a1.__class__.objects.filter(pk=county.village_a1.pk).update(name="改坏了")
        raise RuntimeError("boom")

    monkeypatch.setitem(daily.JOBS, "aaa-broken", daily.DailyJob("aaa-broken", broken))
    monkeypatch.setitem(daily.JOBS, "zzz-fine", daily.DailyJob("zzz-fine", lambda today: ran.append(today) or 1))
    err = io.StringIO()
    with pytest.raises(CommandError, match="aaa-broken"):
        call_command("daily", "--today", "2025-03-01", "--only", "aaa-broken", "--only", "zzz-fine", stderr=err)
    assert "aaa-broken: FAILED RuntimeError: boom" in err.getvalue()
    assert ran == [datetime.date(2025, 3, 1)]
    county.village_a1.refresh_from_db()
    assert county.village_a1.name != "改坏了"
    with pytest.raises(CommandError, match="no daily job named nothing"):
        call_command("daily", "--only", "nothing")


def test_the_beat_schedule_runs_the_daily_task():
    from django.conf import settings

    from kernel.core.tasks import daily as task

    assert settings.CELERY_BEAT_SCHEDULE["daily"]["task"] == task.name == "kernel.core.daily"

"""The system's daily run: what each app must do once a day, whatever the day brings.

Obligations move to overdue and missed and reminders go out (duties), workflow stage deadlines remind and
escalate (workflows), first secretaries whose term is over are stood down (firstsec), … Each app registers its
job here in its AppConfig.ready(); ``python manage.py daily`` runs them all (from cron on a plain install), and a
Celery beat schedule runs the same task (``kernel.core.daily``) at CORE_DAILY_AT where a worker runs. Every job runs
in its own transaction: one that fails is reported and rolled back, and the others still run.

However many schedulers fire (cron on each app server, cron and beat together), the day runs once: ``run_day``
claims the day in the database (a row of ``DailyRun``, unique by day) before running, and a scheduler that finds
it claimed does nothing. A claim whose run never finished (its process died) is taken over after
DAILY_TAKEOVER_SECONDS; ``run_day(again=True)`` runs a finished day again, on purpose.
"""
import datetime
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

log = logging.getLogger("jiceng.daily")


@dataclass(frozen=True)
class DailyJob:
    name: str
    run: Callable[[datetime.date | None], object]  # run(today) -> a count or a dict of counts
    description: str = ""


JOBS: dict[str, DailyJob] = {}


def daily_job(name: str, description: str = ""):
    """Registers ``fn(today)`` as the daily job ``name`` (use in an AppConfig.ready())."""
    def register(fn):
        JOBS[name] = DailyJob(name, fn, description)
        return fn
    return register


def run_all(today: datetime.date | None = None, only: list[str] | None = None) -> dict[str, dict]:
    """Runs every registered job (or those named in ``only``); returns {name: {"ok": bool, "result"|"error"}}."""
    unknown = sorted(set(only or ()) - set(JOBS))
    if unknown:
        raise KeyError(", ".join(unknown))
    results = {}
    for name in sorted(JOBS):
        if only and name not in only:
            continue
        try:
            with transaction.atomic():
                result = JOBS[name].run(today)
        except Exception as exc:  # one app's failure must not stop the others' daily work
            log.exception("daily job %s failed", name)
            results[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        else:
            results[name] = {"ok": True, "result": result}
    return results


def _runner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


def claim_day(day: datetime.date, *, again: bool = False) -> bool:
    """Claims ``day`` for this process; False when another has it (running, or done unless ``again``)."""
    from .models import DailyRun

    now = timezone.now()
    try:
        with transaction.atomic():
            DailyRun.objects.create(day=day, started_at=now, runner=_runner())
        return True
    except IntegrityError:
        pass
    takeover = now - datetime.timedelta(seconds=getattr(settings, "DAILY_TAKEOVER_SECONDS", 6 * 3600))
    died = Q(finished_at__isnull=True, started_at__lt=takeover)  # claimed by a run that never finished
    claimable = DailyRun.objects.filter(day=day).filter(Q(finished_at__isnull=False) | died if again else died)
    # One conditional UPDATE: of two processes trying at once, the second finds the row no longer claimable.
    return bool(claimable.update(started_at=now, finished_at=None, runner=_runner(), results={}))


def run_day(today: datetime.date | None = None, *, again: bool = False) -> dict[str, dict] | None:
    """The whole daily run of ``today`` (default: the clock's), once: None when another scheduler has claimed it."""
    from .clock import today as clock_today
    from .models import DailyRun

    day = today or clock_today()
    if not claim_day(day, again=again):
        log.info("daily run of %s: already claimed, nothing done", day)
        return None
    results = {}
    try:
        results = run_all(day if today is not None else None)
    finally:
        DailyRun.objects.filter(day=day).update(finished_at=timezone.now(), results=_jsonable(results))
    return results


def _jsonable(results: dict) -> dict:
    import json

    return json.loads(json.dumps(results, default=str))

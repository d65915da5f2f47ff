"""The system's daily run: what each app must do once a day, whatever the day brings.

Obligations move to overdue and missed and reminders go out (duties), workflow stage deadlines remind and
escalate (workflows), first secretaries whose term is over are stood down (firstsec), … Each app registers its
job here in its AppConfig.ready(); ``python manage.py daily`` runs them all (from cron on a plain install), and a
Celery beat schedule runs the same task (``kernel.core.daily``) at CORE_DAILY_AT where a worker runs. Every job runs
in its own transaction: one that fails is reported and rolled back, and the others still run.
"""
import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

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

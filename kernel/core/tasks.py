"""The Celery task of the daily run (scheduled by CELERY_BEAT_SCHEDULE in the settings)."""
from celery import shared_task

from kernel.core.actor import acting_as

from .daily import run_day


@shared_task(name="kernel.core.daily")
def daily() -> dict | None:
    """The day's run, once however many schedulers fire (None when another has claimed the day)."""
    with acting_as(None, source="task:daily"):
        return run_day()

"""The Celery task of the daily run (scheduled by CELERY_BEAT_SCHEDULE in the settings)."""
from celery import shared_task

from kernel.core.actor import acting_as

from .daily import run_all


@shared_task(name="kernel.core.daily")
def daily() -> dict:
    with acting_as(None, source="task:daily"):
        return run_all()

"""The Celery task that runs a job in a worker (JOBS_MODE "celery")."""
from celery import shared_task

from . import runner


@shared_task(name="jobs.run_job", acks_late=True)
def run_job(job_id: int) -> None:
    runner.run(job_id)


@shared_task(name="jobs.fail_stale")
def fail_stale() -> int:
    """Fails the running jobs whose worker stopped writing its heartbeat (scheduled by celery beat)."""
    from .stale import fail_stale_jobs

    return fail_stale_jobs()

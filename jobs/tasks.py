"""The Celery task that runs a job in a worker (JOBS_MODE "celery")."""
from jiceng.celery import app

from . import runner


@app.task(name="jobs.run_job", acks_late=True)
def run_job(job_id: int) -> None:
    runner.run(job_id)

"""Starting jobs, and failing those whose worker died."""
import threading
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from . import runner
from .models import Job, JobState
from .stale import fail_stale_jobs  # noqa: F401 - where callers have always found it


def job_submit(*, user, kind: str, params: dict | None = None, input_file=None, language: str | None = None) -> Job:
    """Creates a job of ``kind`` for ``user`` and starts it the way JOBS_MODE says.

    ``input_file`` is a Django File (an upload) or a path; it is copied under MEDIA_ROOT/jobs/. In the
    "inline" mode the job has finished when this returns; otherwise it starts once the transaction commits.
    """
    job = Job(kind=kind, user=user, params=params or {},
              language=language or translation.get_language() or settings.LANGUAGE_CODE)
    if input_file is not None:
        _attach_input(job, input_file)
    job.save()
    mode = settings.JOBS_MODE
    if mode == "inline":
        runner.run(job.pk, inline=True)
        job.refresh_from_db()
    elif mode == "celery":
        from .tasks import run_job

        transaction.on_commit(lambda: run_job.delay(job.pk))
    else:
        transaction.on_commit(lambda: threading.Thread(
            target=runner.run_in_thread, args=(job.pk,), name=f"job-{job.pk}", daemon=True).start())
    return job


def _attach_input(job: Job, input_file) -> None:
    if isinstance(input_file, (str, Path)):
        path = Path(input_file)
        with path.open("rb") as handle:
            job.input_file.save(path.name, File(handle), save=False)
        return
    name = Path(getattr(input_file, "name", "") or "input").name
    if hasattr(input_file, "seek"):
        input_file.seek(0)
    job.input_file.save(name, input_file if isinstance(input_file, File) else File(input_file), save=False)


def job_retry(job: Job, *, user) -> Job:
    """A new job doing again what a failed one did: same kind, parameters and input (copied through the storage).
    Only the owner retries (the caller has found ``job`` through jobs visible to ``user``); only a failed job."""
    from django.core.exceptions import ValidationError

    if job.state != JobState.FAILED:
        raise ValidationError(_("Only a failed job can be started again."))
    input_file = job.input_file.open("rb") if job.input_file else None
    try:
        again = job_submit(user=user, kind=job.kind, params=job.params, input_file=input_file,
                           language=job.language or None)
    finally:
        if input_file is not None:
            input_file.close()
    for hook in _retried:
        hook(job, again)
    return again


_retried: list = []


def on_retry(hook) -> None:
    """``hook(old_job, new_job)`` runs after a retry (an app whose rows point at jobs follows the new one)."""
    _retried.append(hook)

"""Runs one job: claims it, calls its handler inside the owner's language and actor, records the outcome.

While a job runs in a thread or a Celery worker, a heartbeat thread writes its progress and a heartbeat
to the Job row about once a second through its own connection, outside the handler's transaction (at least every
JOBS_HEARTBEAT_SECONDS when nothing changed); a running job whose heartbeat stops for JOBS_STALE_SECONDS (the
worker died) is failed as stale by ``kernel.jobs.services``. On SQLite a handler writing holds the only write lock,
so those writes wait while it writes (the importers hold it only for their final write); pages served by the same
process read the progress from memory meanwhile.
"""
import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kernel.core.actor import acting_as

from . import registry
from .models import Job, JobState

log = logging.getLogger("jiceng.jobs")

# Progress of the jobs running in this process: job id -> {"done", "total", "phase", "beat"}.
_live: dict[int, dict] = {}


def live_state(job_id: int) -> dict | None:
    """The in-memory progress of a job running in this process, if it is alive."""
    state = _live.get(job_id)
    if state is None or time.monotonic() - state["beat"] > settings.JOBS_STALE_SECONDS:
        return None
    return state


def with_live_progress(job: Job) -> Job:
    """``job`` with the freshest progress this process knows (a handler's transaction may hold the DB's)."""
    state = live_state(job.pk) if job.state == JobState.RUNNING else None
    if state is not None and state["done"] >= job.progress_done:
        job.progress_done, job.progress_total, job.phase = state["done"], state["total"], state["phase"]
    return job


class Progress:
    """The ``progress(done, total, phase="")`` callable a handler receives."""

    def __init__(self, job: Job, *, direct: bool):
        self.job = job
        self.direct = direct  # inline: write the row at once, on the job's own connection

    def __call__(self, done: int, total: int, phase: str = "") -> None:
        job = self.job
        job.progress_done, job.progress_total = max(int(done), 0), max(int(total), 0)
        if phase:
            job.phase = str(phase)[:200]
        _live[job.pk] = {"done": job.progress_done, "total": job.progress_total, "phase": job.phase,
                         "beat": time.monotonic()}
        if self.direct:
            Job.objects.filter(pk=job.pk).update(progress_done=job.progress_done,
                                                 progress_total=job.progress_total, phase=job.phase)


class Heartbeat(threading.Thread):
    """Writes a running job's progress and heartbeat to its row, on a connection of its own."""

    def __init__(self, job_id: int):
        super().__init__(name=f"job-{job_id}-heartbeat", daemon=True)
        self.job_id = job_id
        self.stopped = threading.Event()
        self._written: tuple | None = None
        self._written_at = 0.0

    def run(self):
        try:
            while not self.stopped.wait(settings.JOBS_PROGRESS_SECONDS):
                self.beat()
        finally:
            connections.close_all()

    def beat(self):
        state = _live.get(self.job_id)
        if state is None:
            return
        state["beat"] = time.monotonic()
        values = (state["done"], state["total"], state["phase"])
        if values == self._written and state["beat"] - self._written_at < settings.JOBS_HEARTBEAT_SECONDS:
            return
        try:
            Job.objects.filter(pk=self.job_id, state=JobState.RUNNING).update(
                progress_done=values[0], progress_total=values[1], phase=values[2], heartbeat_at=timezone.now())
        except DatabaseError as error:  # SQLite: the handler's transaction holds the write lock
            log.debug("job %s: heartbeat not written: %s", self.job_id, error)
            return
        self._written, self._written_at = values, state["beat"]

    def stop(self):
        self.stopped.set()
        self.join(timeout=5)


def run(job_id: int, *, inline: bool = False) -> Job | None:
    """Runs a queued job to its end. Returns the job, or None when another worker had already claimed it."""
    now = timezone.now()
    if not Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
            state=JobState.RUNNING, started_at=now, heartbeat_at=now):
        return None
    job = Job.objects.select_related("user").get(pk=job_id)
    _live[job.pk] = {"done": 0, "total": 0, "phase": "", "beat": time.monotonic()}
    heartbeat = None
    if not inline:
        heartbeat = Heartbeat(job.pk)
        heartbeat.start()
    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            _call_handler(job, Progress(job, direct=inline))
    finally:
        if heartbeat is not None:
            heartbeat.stop()
        _live.pop(job.pk, None)
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "progress_done", "progress_total", "phase", "counts", "errors", "message",
                            "result_file", "finished_at"])
    return job


def _call_handler(job: Job, progress: Progress) -> None:
    kind = registry.get_kind(job.kind)
    try:
        if kind is None:
            raise registry.JobFailed(_("This kind of job is not known: %(kind)s.") % {"kind": job.kind})
        with acting_as(job.user, source="job", request_id=f"job-{job.pk}"):
            if kind.atomic:
                with transaction.atomic():
                    kind.handler(job, progress)
            else:
                kind.handler(job, progress)
    except registry.JobFailed as failure:
        job.state = JobState.FAILED
        job.message = failure.message
        if failure.errors:
            job.errors = failure.errors
    except Exception:
        log.exception("job %s (%s) failed", job.pk, job.kind)
        job.state = JobState.FAILED
        job.message = _("The job stopped on an unexpected error. Nothing it was writing was kept.")
    else:
        job.state = JobState.SUCCEEDED
        if job.progress_total:
            job.progress_done = job.progress_total


def run_in_thread(job_id: int) -> None:
    """The embedded runner: one job in a background thread of the web process, a few at a time."""
    with _thread_slots:
        try:
            run(job_id)
        except Exception:
            log.exception("job %s could not run", job_id)
        finally:
            connections.close_all()


_thread_slots = threading.BoundedSemaphore(getattr(settings, "JOBS_THREADS", 2))

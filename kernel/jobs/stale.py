"""Failing the running jobs whose worker died (its heartbeat stopped): called when anyone looks at jobs, and by
celery beat (kernel.jobs.tasks.fail_stale)."""
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import runner
from .models import Job, JobState


def fail_stale_jobs() -> int:
    """Fails the running jobs whose worker has not been heard from: it died, and its transaction with it."""
    stale = [job for job in Job.objects.stale().only("pk", "language")
             if runner.live_state(job.pk) is None]
    for job in stale:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            message = _("The job stopped without finishing (its worker was stopped). Nothing it was writing "
                        "was kept; start it again.")
        Job.objects.filter(pk=job.pk, state=JobState.RUNNING).update(
            state=JobState.FAILED, finished_at=timezone.now(), message=message)
    return len(stale)

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


FINISHED_STATES = (JobState.SUCCEEDED, JobState.FAILED)


class JobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A user's own jobs; a superuser sees everyone's. Anyone else's job is as good as missing."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self if user.is_superuser else self.filter(user=user)

    def stale(self, now=None):
        """Running jobs whose worker has not been heard from for JOBS_STALE_SECONDS: it died or was killed."""
        limit = (now or timezone.now()) - datetime.timedelta(seconds=settings.JOBS_STALE_SECONDS)
        return self.filter(state=JobState.RUNNING, heartbeat_at__lt=limit)


class Job(models.Model):
    """A piece of work that runs in the background: an import or an export, with its progress and outcome.

    ``counts`` holds what the job did ({"created": n, "updated": n, "unchanged": n, ...}); ``errors`` the row
    errors it found ([{"row", "column", "code", "message"}, ...]).
    """

    kind = models.CharField(_("kind"), max_length=40)
    state = models.CharField(_("state"), max_length=12, choices=JobState.choices, default=JobState.QUEUED)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="jobs")
    language = models.CharField(max_length=16, blank=True)
    params = models.JSONField(default=dict, blank=True)
    progress_done = models.PositiveBigIntegerField(default=0)
    progress_total = models.PositiveBigIntegerField(default=0)
    phase = models.CharField(max_length=200, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    input_file = models.FileField(upload_to="jobs/input/%Y/%m/%d/", max_length=300, blank=True)
    result_file = models.FileField(upload_to="jobs/result/%Y/%m/%d/", max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"]), models.Index(fields=["state", "heartbeat_at"])]

    def __str__(self):
        return f"{self.kind} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.state in FINISHED_STATES

    @property
    def percent(self) -> int:
        if self.state == JobState.SUCCEEDED:
            return 100
        if not self.progress_total:
            return 0
        return min(100, int(self.progress_done * 100 / self.progress_total))

    @property
    def duration(self) -> datetime.timedelta | None:
        if self.started_at is None:
            return None
        return (self.finished_at or timezone.now()) - self.started_at

    @property
    def result_name(self) -> str:
        return self.result_file.name.rsplit("/", 1)[-1] if self.result_file else ""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Upload(models.Model):
    """A file a user uploaded to import, kept between the preview and the confirmation. Only its owner sees it."""

    class Kind(models.TextChoices):
        MEMBERS = "members", _("Members")
        ORGS = "orgs", _("Organizations")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    summary = models.JSONField(_("preview"), null=True, blank=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    job_id = models.BigIntegerField(null=True, blank=True)  # the jobs.Job that applied it
    check_job_id = models.BigIntegerField(null=True, blank=True)  # the jobs.Job that checked it for the preview

    class Meta:
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.name

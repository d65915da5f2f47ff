"""A year's work report (工作总结) of an organization: drafted from the data (kernel.core.workreport's sections),
then edited by hand. The body is plain text: paragraphs parted by blank lines, ``## `` headings, and every figure
a link ``[37.3](/page/#key)`` to the page that shows it."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kernel.core.models import BaseModel


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FINAL = "final", _("Final")


class WorkReport(BaseModel):
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField(max_length=255, editable=False, db_index=True)
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("report title"), max_length=200)
    body = models.TextField(_("report text"), blank=True)
    status = models.CharField(_("status"), max_length=8, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    drafted_at = models.DateTimeField(_("drafted from the data at"), null=True, blank=True)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("work report")
        verbose_name_plural = _("work reports")
        ordering = ["-year", "org_path"]
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="workreport_one_a_year")]

    def __str__(self):
        return self.title

"""Reporting (报告制), inspections with supervision notices (督查, 督办通知) and secretaries' two-way reports
(双向述职), as a mechanism on the duties engine.

Reports themselves are duties.Submission rows of the shipped report rules (reporting/rules/*.yaml): this app
keeps no copy. An open supervision notice is a one-off obligation due on its deadline, so an overdue notice
escalates like any other duty; the rectification evidence is a submission the issuer accepts (closes) or
returns (reopens).
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kernel.core.models import BaseModel


class FindingCategory(models.TextChoices):
    LEADERSHIP = "leadership", _("Leadership and responsibility")
    ORGANIZATION = "organization", _("Organization building")
    MEMBERS = "members", _("Party members")
    ORG_LIFE = "org_life", _("Organization life")
    CADRES = "cadres", _("Cadres and training")
    RECORDS = "records", _("Records and reporting")
    ECONOMY = "economy", _("Collective economy")
    OTHER = "other", _("Other")


class Inspection(BaseModel):
    """A quarterly inspection (检查指导) held by an organization (the county's organization department)."""

    organization = models.ForeignKey("orgs.Organization", verbose_name=_("held by"), on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), choices=[(q, f"Q{q}") for q in range(1, 5)])
    inspected_on = models.DateField(_("inspected on"))
    team = models.CharField(_("team"), max_length=200, blank=True)
    members = models.ManyToManyField("people.Person", verbose_name=_("team members"), blank=True, related_name="+")
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_on", "-pk"]

    def __str__(self):
        return f"{self.organization} · {self.year}-Q{self.quarter}"

    @property
    def period_label(self) -> str:
        return f"{self.year}-Q{self.quarter}"


class Finding(BaseModel):
    """What an inspection found at one organization."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization inspected"),
                                     on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    category = models.CharField(pgettext_lazy("finding", "category"), max_length=16, choices=FindingCategory.choices,
                                default=FindingCategory.OTHER)
    text = models.TextField(_("finding"))

    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["inspection", "org_path", "pk"]

    def __str__(self):
        return self.text[:60]


class NoticeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SUBMITTED = "submitted", _("Rectification submitted")
    CLOSED = "closed", _("Closed")


class SupervisionNotice(BaseModel):
    """A supervision notice (督办通知): a finding to rectify by a deadline, closed by the issuer on evidence."""

    finding = models.OneToOneField(Finding, on_delete=models.PROTECT, related_name="notice")
    number = models.CharField(_("document number"), max_length=100, blank=True)
    issuer = models.ForeignKey("orgs.Organization", verbose_name=_("issued by"), on_delete=models.PROTECT,
                               related_name="+")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("to rectify"), on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    issued_on = models.DateField(_("issued on"))
    deadline = models.DateField(_("rectify by"))
    requirement = models.TextField(_("what to rectify"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=NoticeStatus.choices, default=NoticeStatus.OPEN)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    closure_note = models.CharField(_("closure note"), max_length=500, blank=True)
    obligation = models.ForeignKey("duties.Obligation", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("supervision notice")
        verbose_name_plural = _("supervision notices")
        ordering = ["-issued_on", "-pk"]
        indexes = [models.Index(fields=["org_path", "status"]), models.Index(fields=["status", "deadline"])]

    def __str__(self):
        return self.number or f"#{self.pk}"


class Rectification(BaseModel):
    """Evidence of rectification sent by the organization that received the notice."""

    notice = models.ForeignKey(SupervisionNotice, on_delete=models.CASCADE, related_name="rectifications")
    org_path = models.CharField(max_length=255, editable=False)
    text = models.TextField(_("what was done"))
    attachment = models.FileField(_("attachment"), upload_to="rectifications/%Y/", blank=True)
    submitted_on = models.DateField(_("submitted on"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    submission = models.ForeignKey("duties.Submission", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["-submitted_on", "-pk"]

    def __str__(self):
        return self.text[:60]


class TwoWayEvaluation(BaseModel):
    """The parent's evaluation (评议) of a secretary's two-way report for a half-year: the score sheet's
    result and the written opinion."""

    person = models.ForeignKey("people.Person", verbose_name=_("secretary"), on_delete=models.PROTECT,
                               related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    period_label = models.CharField(_("period"), max_length=16)
    submission = models.ForeignKey("duties.Submission", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    sheet = models.ForeignKey("standards.Sheet", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    evaluated_by = models.ForeignKey("orgs.Organization", verbose_name=_("evaluated by"), on_delete=models.PROTECT,
                                     related_name="+")
    evaluated_on = models.DateField(_("evaluated on"))
    total = models.DecimalField(_("total"), max_digits=7, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=100, blank=True)
    opinion = models.TextField(_("evaluation"), blank=True)

    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("two-way report evaluation")
        verbose_name_plural = _("two-way report evaluations")
        ordering = ["-period_label", "org_path"]
        constraints = [models.UniqueConstraint(fields=["person", "period_label"], name="twoway_once_per_period")]

    def __str__(self):
        return f"{self.person} · {self.period_label}"

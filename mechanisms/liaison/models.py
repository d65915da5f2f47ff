"""Liaison points (党建联系点, 示范工程) and the village service day (集中服务日).

Each leading cadre has a liaison organization at one of three levels (county leaders, county departments,
township leaders), assigned at the start of the year and reassigned when people move: an assignment is
ended, never overwritten, so the history stays. Visits and help are logged (日志记实) and summed per leader at
year end. Some points are grown into demonstration points (示范点).

On the weekly service day village cadres sit in the village office and handle residents' matters on their
behalf (全程代办) until done.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kernel.core.models import BaseModel


class Level(models.TextChoices):
    COUNTY = "county", _("County leader")
    DEPARTMENT = "department", _("County department")
    TOWNSHIP = "township", _("Township leader")


class LiaisonPoint(BaseModel):
    """A leader's liaison organization for a year, from ``assigned_on`` until ``ended_on`` (null: current)."""

    leader = models.ForeignKey("people.Person", verbose_name=_("leader"), on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("liaison organization"),
                                     on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    assigned_on = models.DateField(_("assigned on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    demonstration = models.BooleanField(_("demonstration point"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    replaced_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("liaison point")
        verbose_name_plural = _("liaison points")
        ordering = ["-year", "org_path", "assigned_on"]
        indexes = [models.Index(fields=["year", "org_path"]), models.Index(fields=["leader", "year"])]

    def __str__(self):
        return f"{self.leader} · {self.organization}"

    @property
    def current(self) -> bool:
        return self.ended_on is None


class LiaisonVisit(BaseModel):
    """One entry of the liaison log (日志记实): a visit, what was done and what help was given."""

    point = models.ForeignKey(LiaisonPoint, on_delete=models.CASCADE, related_name="visits")
    org_path = models.CharField(max_length=255, editable=False)
    visited_on = models.DateField(_("visited on"))
    content = models.TextField(_("what was done"))
    help_given = models.CharField(_("help given"), max_length=300, blank=True)
    amount = models.DecimalField(_("funds or goods (yuan)"), max_digits=12, decimal_places=2, default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("liaison visit")
        verbose_name_plural = _("liaison visits")
        ordering = ["-visited_on", "-pk"]

    def __str__(self):
        return f"{self.point} · {self.visited_on}"


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class ServiceRequest(BaseModel):
    """A matter a resident brought on the village service day, handled on their behalf until done."""

    organization = models.ForeignKey("orgs.Organization", verbose_name=_("village"), on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    service_date = models.DateField(_("service day"))
    resident_name = models.CharField(_("resident"), max_length=50)
    matter = models.CharField(_("matter"), max_length=300)
    handler = models.ForeignKey("people.Person", verbose_name=_("handled by"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=RequestStatus.choices,
                              default=RequestStatus.RECEIVED)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-service_date", "-pk"]
        indexes = [models.Index(fields=["org_path", "service_date"]), models.Index(fields=["status"])]

    def __str__(self):
        return f"{self.resident_name} · {self.matter[:30]}"

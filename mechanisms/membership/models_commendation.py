"""In-party commendations (党内表彰): the register of the honours given to members and organizations — 优秀共产党员,
优秀党务工作者, 先进基层党组织 and others — with the level of the body that decided them, the decision's number and
date. The statistics annual report counts them by honour and level. A commendation recorded by mistake is withdrawn
(the row stays, marked, with the reason); a withdrawn one counts nowhere."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kernel.core.models import BaseModel
from kernel.core.scope import ScopedQuerySet


class Honour(models.TextChoices):
    EXCELLENT_MEMBER = "excellent_member", _("Outstanding Communist Party member")
    PARTY_WORKER = "party_worker", _("Outstanding Party affairs worker")
    ADVANCED_ORG = "advanced_org", _("Advanced grassroots Party organization")
    OTHER = "other", _("Other honour")


PERSON_HONOURS = (Honour.EXCELLENT_MEMBER, Honour.PARTY_WORKER)


class CommendationLevel(models.TextChoices):
    CENTRAL = "central", _("Central Committee")
    PROVINCE = "province", _("Provincial committee")
    CITY = "city", _("City committee")
    COUNTY = "county", _("County committee")
    TOWNSHIP = "township", _("Township committee")


class Commendation(BaseModel):
    """A member (``person``, kept under their organization) or an organization commended."""

    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="+")
    person = models.ForeignKey("people.Person", verbose_name=_("person"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    honour = models.CharField(_("honour"), max_length=20, choices=Honour.choices)
    title = models.CharField(_("name of the honour"), max_length=100, blank=True)
    level = models.CharField(_("level of the deciding body"), max_length=12, choices=CommendationLevel.choices)
    decided_by = models.CharField(_("decided by"), max_length=100, blank=True)
    number = models.CharField(_("decision number"), max_length=60, blank=True)
    decided_on = models.DateField(_("decided on"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    withdraw_reason = models.CharField(_("why withdrawn"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("commendation")
        verbose_name_plural = _("commendations")
        ordering = ["-year", "-decided_on", "-id"]
        indexes = [models.Index(fields=["org_path", "year"])]

    def __str__(self):
        return f"{self.subject} · {self.get_honour_display()} · {self.year}"

    @property
    def subject(self) -> str:
        return self.person.name if self.person_id else self.organization.name

    @property
    def honour_label(self) -> str:
        return self.title if self.honour == Honour.OTHER and self.title else self.get_honour_display()

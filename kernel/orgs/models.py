from django.db import models
from django.utils.translation import gettext_lazy as _

from kernel.core.models import BaseModel


class OrgType(models.TextChoices):
    COMMITTEE = "committee", _("County/city committee")
    PARTY_COMMITTEE = "party_committee", _("Party (work) committee")
    GENERAL_BRANCH = "general_branch", _("General branch")
    BRANCH = "branch", _("Branch")
    GROUP = "group", _("Party group")


class Domain(models.TextChoices):
    RURAL = "rural", _("Rural")
    COMMUNITY = "community", _("Community")
    AGENCY = "agency", _("Agency")
    INSTITUTION = "institution", _("Public institution")
    SOE = "soe", _("State-owned enterprise")
    PRIVATE = "private", _("Private enterprise")
    SOCIAL = "social", _("Social organization")


class OrgStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    DISSOLVED = "dissolved", _("Dissolved")
    MERGED = "merged", _("Merged")


class Organization(BaseModel):
    """A party organization, placed in the tree by its materialized ``path`` (see kernel.core.tree)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    org_type = models.CharField(_("type"), max_length=20, choices=OrgType.choices)
    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent organization"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, unique=True)
    depth = models.PositiveSmallIntegerField(default=1)
    place = models.CharField(_("place"), max_length=200, blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=OrgStatus.choices, default=OrgStatus.ACTIVE)
    ended_on = models.DateField(_("dissolved or merged on"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name_search = models.CharField(max_length=120, db_index=True, editable=False)
    name_initials = models.CharField(max_length=60, db_index=True, editable=False)
    # Highest path segment handed to a child so far; a new child takes the next one.
    last_child_segment = models.PositiveIntegerField(default=0, editable=False)
    # Counters kept by the services (and rebuilt set-based by kernel.people.counters.recount).
    child_count = models.PositiveIntegerField(_("sub-organizations"), default=0, editable=False)
    member_count = models.PositiveIntegerField(_("members (direct)"), default=0, editable=False)
    subtree_member_count = models.PositiveIntegerField(_("members"), default=0, editable=False)
    subtree_org_count = models.PositiveIntegerField(_("organizations"), default=1, editable=False)

    scope_path_field = "path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["path"]
        indexes = [models.Index(fields=["parent", "path"]), models.Index(fields=["org_type", "domain"])]

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == OrgStatus.ACTIVE

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class OrgStat(models.Model):
    """Counts behind an organization's summary, one row per dimension and value (see orgs/stats.py).

    ``direct`` counts the organization itself and the members it keeps; ``subtree`` adds every
    organization below it, so a subtree's summary is one indexed read of its root's rows.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    dimension = models.CharField(max_length=16)
    value = models.CharField(max_length=24)
    direct = models.IntegerField(default=0)
    subtree = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "dimension", "value"], name="orgstat_unique"),
        ]

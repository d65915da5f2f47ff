"""A yearly campaign (创建活动) run by a county on the standards engine, and its cross-inspection teams.

A campaign groups the assessments it runs (e.g. 六个好 for the township committees, 五个好 for the
village branches) and walks them through three stages, each opened and closed by the county:
自查申报 (the subjects score themselves and declare the tier they seek), 考核评定 (inspectors score,
results computed), 命名授牌 (titles granted from the results, removed from those who fell below).
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kernel.core.models import BaseModel
from kernel.core.scope import OwnedQuerySet, ScopedQuerySet


class StageKind(models.TextChoices):
    DECLARATION = "declaration", _("Self-assessment and declaration")
    EVALUATION = "evaluation", _("Inspection and evaluation")
    NAMING = "naming", _("Naming and plaques")


STAGE_ORDER = [StageKind.DECLARATION, StageKind.EVALUATION, StageKind.NAMING]


class StageStatus(models.TextChoices):
    PENDING = "pending", _("Not yet open")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")




class Campaign(BaseModel):
    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    owner = models.ForeignKey("orgs.Organization", verbose_name=_("run by"), on_delete=models.PROTECT,
                              related_name="+")
    owner_path = models.CharField(max_length=255, editable=False)
    assessments = models.ManyToManyField("standards.Assessment", verbose_name=_("assessments"), blank=True,
                                         related_name="campaigns")
    # The rater groups whose scores each stage collects: closing the stage locks them.
    self_rater = models.CharField(_("self-assessment rater group"), max_length=32, default="self")
    inspector_rater = models.CharField(_("inspectors' rater group"), max_length=32, default="inspectors")
    # The naming decision (命名授牌).
    decision_no = models.CharField(_("document number"), max_length=100, blank=True)
    decided_by = models.CharField(_("named by"), max_length=100, blank=True)
    decided_on = models.DateField(_("named on"), null=True, blank=True)
    # The decision in force; withdrawing it reopens the naming stage (mechanisms.campaigns.services.naming_withdraw).
    decision = models.ForeignKey("standards.TitleDecision", verbose_name=_("naming decision"), null=True,
                                 blank=True, on_delete=models.SET_NULL, related_name="campaigns")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    objects = models.Manager.from_queryset(OwnedQuerySet)()
    scope_path_field = "owner_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-year", "name"]

    def __str__(self):
        return self.name

    def stage(self, kind: str) -> "Stage":
        return next(stage for stage in self.stages.all() if stage.kind == kind)

    @property
    def current_stage(self):
        stages = sorted(self.stages.all(), key=lambda s: STAGE_ORDER.index(s.kind))
        return next((s for s in stages if s.status == StageStatus.OPEN), None)


class Stage(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="stages")
    kind = models.CharField(_("stage"), max_length=16, choices=StageKind.choices)
    status = models.CharField(_("status"), max_length=12, choices=StageStatus.choices, default=StageStatus.PENDING)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    class Meta:
        verbose_name = _("campaign stage")
        verbose_name_plural = _("campaign stages")
        constraints = [models.UniqueConstraint(fields=["campaign", "kind"], name="campaign_stage_unique")]

    def __str__(self):
        return f"{self.campaign} · {self.get_kind_display()}"

    @property
    def order(self) -> int:
        return STAGE_ORDER.index(self.kind)


class InspectionTeam(BaseModel):
    """A cross-inspection team (交叉检查组) drawn from one township committee's members; it inspects the
    villages of other townships only."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="teams")
    number = models.PositiveSmallIntegerField(_("number"))
    township = models.ForeignKey("orgs.Organization", verbose_name=_("home township"), on_delete=models.PROTECT,
                                 related_name="+")
    members = models.ManyToManyField("people.Person", verbose_name=_("members"), blank=True, related_name="+")
    owner_path = models.CharField(max_length=255, editable=False)  # the campaign's owner

    objects = models.Manager.from_queryset(OwnedQuerySet)()
    scope_path_field = "owner_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("inspection team")
        verbose_name_plural = _("inspection teams")
        ordering = ["campaign", "number"]
        constraints = [models.UniqueConstraint(fields=["campaign", "township"], name="team_unique_township")]

    def __str__(self):
        return _("Team %(number)s (%(township)s)") % {"number": self.number, "township": self.township}


class Assignment(BaseModel):
    """One organization (a village branch) given to a team to inspect."""

    team = models.ForeignKey(InspectionTeam, on_delete=models.CASCADE, related_name="assignments")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="assignments")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField(max_length=255, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("inspection assignment")
        verbose_name_plural = _("inspection assignments")
        ordering = ["team__number", "org_path"]
        constraints = [models.UniqueConstraint(fields=["campaign", "organization"], name="assignment_unique")]

    def __str__(self):
        return f"{self.team} → {self.organization}"

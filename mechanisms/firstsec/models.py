"""第一书记 (seed 001): secretaries sent from agencies to villages, their daily check-ins, outcomes and the
county's elimination list. The weekly work report and the half-yearly 述职 are duties (firstsec/rules/), the
monthly assessment a person standard (firstsec/standards/) ranked within each village class.

- ``FirstsecRule``: a county's settings (attendance minimums and whether a part month pro-rates them, see
  firstsec/attendance.py; back-filling window; the elimination rule);
  the nearest one above a village applies, else the shipped defaults.
- ``Dispatch``: one person sent from a sending unit to a village of a class for a term; a replacement links the
  dispatch it replaces; a recall ends it with a reason.
- ``CheckIn``: one day of a dispatch, entered from a phone; one entered too late counts only once approved.
- ``EliminationEntry``: a secretary the 末位淘汰 rule put on the county's list, and the county's decision.
- ``EliminationDecision``: the county's decision on entries of one month's list as one recorded act, holding each
  entry's, dispatch's and post's earlier state so that withdrawing it puts them back.
- ``OutcomeLog``: what a secretary did (visits, problems solved, disputes mediated, funds raised, projects).
"""
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kernel.core.models import BaseModel


class VillageClass(models.TextChoices):
    WEAK_LAX = "weak_lax", _("Weak and lax")
    NO_COLLECTIVE_INCOME = "no_collective_income", _("No collective income")
    POOR = "poor", _("Poverty village")


class FirstsecRule(BaseModel):
    organization = models.OneToOneField("orgs.Organization", verbose_name=_("organization"),
                                        on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    min_days = models.PositiveSmallIntegerField(_("days in the village a month"), default=22)
    min_nights = models.PositiveSmallIntegerField(_("nights in the village a month"), default=12)
    prorate = models.BooleanField(_("pro-rate the minimums to the working days in post"), default=True)
    backfill_days = models.PositiveSmallIntegerField(_("days allowed to enter a check-in"), default=1)
    elimination_months = models.PositiveSmallIntegerField(_("months running last in class"), default=3)
    elimination_total_below = models.DecimalField(_("poor results: average total below"), max_digits=7,
                                                  decimal_places=2, null=True, blank=True, default=Decimal("70"))
    elimination_satisfaction_below = models.DecimalField(
        _("poor response of the masses: average satisfaction below"), max_digits=7, decimal_places=2, null=True,
        blank=True, default=Decimal("6"))
    satisfaction_item = models.CharField(_("satisfaction item code"), max_length=32, default="A6")

    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("first secretary rules")
        verbose_name_plural = _("first secretary rules")

    def __str__(self):
        return str(self.organization)


class Dispatch(BaseModel):
    class Status(models.TextChoices):
        IN_POST = "in_post", _("In post")
        REPLACED = "replaced", _("Replaced")
        RECALLED = "recalled", _("Recalled")
        ENDED = "ended", _("Term ended")

    person = models.ForeignKey("people.Person", verbose_name=_("first secretary"), on_delete=models.PROTECT,
                               related_name="+")
    village = models.ForeignKey("orgs.Organization", verbose_name=_("village"), on_delete=models.PROTECT,
                                related_name="+")
    township = models.ForeignKey("orgs.Organization", verbose_name=_("township"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    village_class = models.CharField(_("village class"), max_length=24, choices=VillageClass.choices)
    sending_org = models.ForeignKey("orgs.Organization", verbose_name=_("sending unit (organization)"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    sending_unit = models.CharField(_("sending unit"), max_length=120)
    home_org = models.ForeignKey("orgs.Organization", verbose_name=_("organization before the dispatch"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="+")
    started_on = models.DateField(_("term starts"))
    ends_on = models.DateField(_("term ends"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.IN_POST)
    post = models.ForeignKey("people.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    replaces = models.OneToOneField("self", verbose_name=_("replaces"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="replaced_by")
    left_on = models.DateField(_("left on"), null=True, blank=True)
    recall_reason = models.CharField(_("reason for recall"), max_length=300, blank=True)

    scope_path_field = "org_path"
    scope_realm = "people"
    scope_self_field = "person_id"

    class Meta:
        verbose_name = _("first secretary dispatch")
        verbose_name_plural = _("first secretary dispatches")
        ordering = ["org_path", "-started_on"]
        indexes = [models.Index(fields=["org_path", "status"]), models.Index(fields=["person", "status"])]

    def __str__(self):
        return f"{self.person.name} · {self.village.name}"

    @property
    def in_post(self) -> bool:
        return self.status == self.Status.IN_POST


class CheckIn(BaseModel):
    class Approval(models.TextChoices):
        NONE = "", _("Not needed")
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="checkins")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    day = models.DateField(_("date"))
    in_village = models.BooleanField(_("in the village"), default=True)
    away_reason = models.CharField(_("reason for being away"), max_length=200, blank=True)
    night_stayed = models.BooleanField(_("stayed the night"), default=False)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    accuracy = models.DecimalField(_("accuracy (m)"), max_digits=9, decimal_places=1, null=True, blank=True)
    entered_on = models.DateField(_("entered on"))
    late = models.BooleanField(_("entered late"), default=False)
    approval = models.CharField(_("approval"), max_length=12, choices=Approval.choices, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    approval_note = models.CharField(_("approval note"), max_length=300, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    scope_path_field = "org_path"
    scope_realm = "people"
    scope_self_field = "person_id"

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["dispatch", "day"], name="firstsec_checkin_unique_day")]
        indexes = [models.Index(fields=["person", "day"]), models.Index(fields=["org_path", "day"])]

    def __str__(self):
        return f"{self.person.name} · {self.day}"

    @property
    def counts(self) -> bool:
        return not self.late or self.approval == self.Approval.APPROVED


class EliminationEntry(BaseModel):
    class Decision(models.TextChoices):
        PENDING = "", _("Awaiting decision")
        KEEP = "keep", _("Keep in post")
        WARN = "warn", _("Warn")
        RECALL = "recall", _("Recall")

    dispatch = models.ForeignKey(Dispatch, on_delete=models.PROTECT, related_name="eliminations")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    county = models.ForeignKey("orgs.Organization", verbose_name=_("decided by"), on_delete=models.PROTECT,
                               related_name="+")
    last_month = models.CharField(_("last month"), max_length=7)
    months = models.JSONField(_("months last in class"), default=list)
    average_total = models.DecimalField(_("average total"), max_digits=7, decimal_places=2, null=True)
    average_satisfaction = models.DecimalField(_("average satisfaction"), max_digits=7, decimal_places=2, null=True)
    reason = models.CharField(_("reason"), max_length=300)
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decision_note = models.CharField(_("note"), max_length=300, blank=True)

    scope_path_field = "org_path"
    scope_realm = "people"
    scope_self_field = "person_id"

    class Meta:
        verbose_name = _("elimination list entry")
        verbose_name_plural = _("elimination list")
        ordering = ["-last_month", "org_path"]
        constraints = [models.UniqueConstraint(fields=["dispatch", "last_month"],
                                               name="firstsec_elimination_unique_month")]

    def __str__(self):
        return f"{self.person.name} · {self.last_month}"


class EliminationDecision(BaseModel):
    """The county keeping, warning or recalling the secretaries of one month's elimination list, as one act
    (elimination_decide). ``previous`` holds, by entry id, each entry's decision fields before, and for a recall the
    dispatch's status, end and reason, its post's end date and the person's organization, so that withdrawing it
    (撤销, elimination_decision_withdraw) restores exactly what it changed."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("In force")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    county = models.ForeignKey("orgs.Organization", verbose_name=_("decided by"), on_delete=models.PROTECT,
                               related_name="+")
    owner_path = models.CharField(max_length=255, editable=False)
    last_month = models.CharField(_("last month"), max_length=7)
    decided_on = models.DateField(_("decided on"))
    decided_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    entries = models.ManyToManyField(EliminationEntry, verbose_name=_("entries decided"), related_name="decisions")
    previous = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    withdraw_reason = models.TextField(_("reason for withdrawal"), blank=True)
    withdrawn_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    scope_path_field = "owner_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("elimination decision")
        verbose_name_plural = _("elimination decisions")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return _("Elimination decision of %(date)s (%(month)s)") % {"date": self.decided_on, "month": self.last_month}


class OutcomeLog(BaseModel):
    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="outcomes")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    day = models.DateField(_("date"))
    visits = models.PositiveIntegerField(_("households visited"), default=0)
    problems = models.PositiveIntegerField(_("problems solved"), default=0)
    disputes = models.PositiveIntegerField(_("disputes mediated"), default=0)
    funds = models.DecimalField(_("funds raised (yuan)"), max_digits=14, decimal_places=2, default=Decimal("0"))
    projects = models.PositiveIntegerField(_("projects brought in"), default=0)
    note = models.CharField(_("note"), max_length=300, blank=True)

    scope_path_field = "org_path"
    scope_realm = "people"
    scope_self_field = "person_id"

    class Meta:
        verbose_name = _("outcome log")
        verbose_name_plural = _("outcome logs")
        ordering = ["-day", "-id"]
        indexes = [models.Index(fields=["org_path", "day"])]

    def __str__(self):
        return f"{self.person.name} · {self.day}"

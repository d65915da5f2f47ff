"""Care and service (seed 002 §五: 党内关爱激励机制, 党员联系服务群众机制, 城乡党组织互帮互助机制).

- ``Hardship``: a member flagged as in hardship (生活困难党员) with the reason, from a day until it is lifted. The
  old members (老党员) are not flagged: they are the registry's members aged at least the threshold on the day.
- ``CareVisit``: a visit to an old member or a member in hardship (走访慰问) or help given (帮扶): the day, the
  visitor, what was given and its value.
- ``FundEntry``: the mutual-aid fund (党内关爱互助基金) an organization keeps: money in (members' and units'
  contributions, allocations) and payouts to members; the balance is what came in less what went out. A payout
  is previewed and confirmed; an entry recorded by mistake is withdrawn, never deleted.
- ``Commitment``: a member's public commitment of the year (一句话承诺), judged fulfilled or not at the year's end.
- ``VolunteerService``: a member's volunteer service (党员志愿服务): the day, the activity, the hours.
- ``Pairing``: a joint-building pair (共建): a village with an enterprise, a department or another village, since a
  day (until it ends), what they do together; ``PairingOutcome`` its outcome of a year.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kernel.core.models import BaseModel, Withdrawable, WithdrawableQuerySet
from kernel.core.scope import ScopedQuerySet


class HardshipReason(models.TextChoices):
    ILLNESS = "illness", _("Serious illness")
    DISABILITY = "disability", _("Disability")
    DISASTER = "disaster", _("Disaster or accident")
    POVERTY = "poverty", _("Low income")
    ALONE = "alone", _("Old and living alone")
    OTHER = "other", pgettext_lazy("hardship reason", "Other")


class Hardship(BaseModel):
    person = models.ForeignKey("people.Person", verbose_name=_("member"), on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    reason = models.CharField(_("reason"), max_length=12, choices=HardshipReason.choices)
    detail = models.CharField(_("details"), max_length=300, blank=True)
    since = models.DateField(_("since"))
    lifted_on = models.DateField(_("lifted on"), null=True, blank=True)
    lifted_note = models.CharField(_("why lifted"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "people"
    scope_self_field = "person_id"

    class Meta:
        verbose_name = _("member in hardship")
        verbose_name_plural = _("members in hardship")
        ordering = ["org_path", "-since", "-id"]
        constraints = [models.UniqueConstraint(fields=["person"], condition=models.Q(lifted_on__isnull=True),
                                               name="care_one_open_hardship",
                                               violation_error_message=_("The member is flagged in hardship already."))]

    def __str__(self):
        return f"{self.person} · {self.get_reason_display()}"


class VisitKind(models.TextChoices):
    VISIT = "visit", _("Visit")
    HELP = "help", _("Help given")


class CareVisit(BaseModel):
    person = models.ForeignKey("people.Person", verbose_name=_("member"), on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    kind = models.CharField(_("kind"), max_length=8, choices=VisitKind.choices, default=VisitKind.VISIT)
    visited_on = models.DateField(_("day"))
    visitor = models.CharField(_("visitor"), max_length=100)
    given = models.CharField(_("what was given"), max_length=300, blank=True)
    amount = models.DecimalField(_("value (yuan)"), max_digits=10, decimal_places=2, default=0)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "people"
    scope_self_field = "person_id"

    class Meta:
        verbose_name = _("care visit")
        verbose_name_plural = _("care visits")
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["org_path", "visited_on"])]

    def __str__(self):
        return f"{self.person} · {self.visited_on}"


class FundKind(models.TextChoices):
    INCOME = "income", _("Money in")
    PAYOUT = "payout", _("Payout")


class FundEntry(Withdrawable, BaseModel):
    """One movement of the mutual-aid fund kept by ``organization``."""
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("fund of"), on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    kind = models.CharField(_("kind"), max_length=8, choices=FundKind.choices)
    on = models.DateField(_("day"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    person = models.ForeignKey("people.Person", verbose_name=_("member"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("from or for"), max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    # withdrawn_on, withdraw_reason: Withdrawable

    objects = WithdrawableQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("mutual-aid fund entry")
        verbose_name_plural = _("mutual-aid fund entries")
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["organization", "on"])]

    def __str__(self):
        return f"{self.organization} · {self.get_kind_display()} {self.amount}"


class CommitmentState(models.TextChoices):
    OPEN = "open", pgettext_lazy("commitment", "Open")
    FULFILLED = "fulfilled", _("Fulfilled")
    UNFULFILLED = "unfulfilled", _("Not fulfilled")


class Commitment(BaseModel):
    person = models.ForeignKey("people.Person", verbose_name=_("member"), on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    text = models.CharField(_("commitment"), max_length=200)
    state = models.CharField(_("state"), max_length=12, choices=CommitmentState.choices,
                             default=CommitmentState.OPEN)
    judged_on = models.DateField(_("judged on"), null=True, blank=True)
    judge_note = models.CharField(_("judgement"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "people"
    scope_self_field = "person_id"

    class Meta:
        verbose_name = _("public commitment")
        verbose_name_plural = _("public commitments")
        ordering = ["-year", "org_path", "id"]
        constraints = [models.UniqueConstraint(fields=["person", "year"], name="care_commitment_one_a_year",
                                               violation_error_message=_("The member has a commitment for that "
                                                                         "year already."))]

    def __str__(self):
        return f"{self.person} {self.year}: {self.text}"


class VolunteerService(BaseModel):
    person = models.ForeignKey("people.Person", verbose_name=_("member"), on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    served_on = models.DateField(_("day"))
    activity = models.CharField(_("activity"), max_length=200)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "people"
    scope_self_field = "person_id"

    class Meta:
        verbose_name = _("volunteer service")
        verbose_name_plural = _("volunteer services")
        ordering = ["-served_on", "-id"]
        indexes = [models.Index(fields=["org_path", "served_on"])]

    def __str__(self):
        return f"{self.person} · {self.activity}"


class PairingKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Village and enterprise")
    VILLAGE = "village", _("Village and village")
    DEPARTMENT = "department", _("Village and department")


class Pairing(BaseModel):
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("village"), on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=PairingKind.choices)
    partner = models.ForeignKey("orgs.Organization", verbose_name=_("partner organization"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    partner_name = models.CharField(_("partner"), max_length=120)
    since = models.DateField(_("since"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    activities = models.CharField(_("what they do together"), max_length=300)

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("joint-building pair")
        verbose_name_plural = _("joint-building pairs")
        ordering = ["org_path", "-since", "id"]

    def __str__(self):
        return f"{self.organization} · {self.partner_name}"


class PairingOutcome(BaseModel):
    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="outcomes")
    org_path = models.CharField(max_length=255, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    projects = models.PositiveSmallIntegerField(_("projects done"), default=0)
    funds = models.DecimalField(_("funds brought (10,000 yuan)"), max_digits=10, decimal_places=2, default=0)
    outcome = models.CharField(_("outcome"), max_length=300)

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("joint-building outcome")
        verbose_name_plural = _("joint-building outcomes")
        ordering = ["pairing", "-year"]
        constraints = [models.UniqueConstraint(fields=["pairing", "year"], name="care_pairing_outcome_one_a_year",
                                               violation_error_message=_("The pair's outcome of that year is recorded "
                                                                         "already."))]

    def __str__(self):
        return f"{self.pairing} {self.year}"

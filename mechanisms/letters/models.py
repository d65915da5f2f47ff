"""Responsibility letters (责任状, seeds 000, 001, 004): the county signs a letter of the year with each township,
each township with each village (市、乡、村三级基层党建责任体系, 层层签订责任状).

- A ``Letter`` is one letter of a year from an issuer (the organization above) to a recipient, with its targets;
  it is signed by a day, a one-off duty of the recipient owed to the issuer (the shipped rule ``letter-signing``),
  and checked at the year's end against its targets (the shipped standard ``responsibility-letter-check`` of the
  standards engine, through a ``LetterCheck``). A letter whose check fails bars the recipient from the 优秀 grade
  of the year (seed 000: 验收不合格的一律不得进入优秀档): its ``consequence`` records it, and the standards
  engine reads it through the data source ``letters.accepted``.
- A ``LetterTarget`` is one target: what, its measure, the figure to reach and its weight; at the year's end, the
  figure reached.
"""
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kernel.core.models import BaseModel
from kernel.core.scope import ScopedQuerySet


class Consequence(models.TextChoices):
    NONE = "", _("None")
    COMMENDED = "commended", _("Commended and rewarded")
    BARS_EXCELLENT = "bars_excellent", _("Barred from the excellent grade")


class CheckTier(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


class LetterStatus(models.TextChoices):
    UNSIGNED = "unsigned", _("Not signed")
    OVERDUE = "overdue", _("Not signed, overdue")
    SIGNED = "signed", pgettext_lazy("letter", "Signed")
    CHECKED = "checked", _("Checked")
    WITHDRAWN = "withdrawn", pgettext_lazy("letter", "Withdrawn")


class Letter(BaseModel):
    year = models.PositiveSmallIntegerField(_("year"))
    issuer = models.ForeignKey("orgs.Organization", verbose_name=_("issued by"), on_delete=models.PROTECT,
                               related_name="+")
    issuer_path = models.CharField(max_length=255, editable=False)
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("signed by"), on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField(max_length=255, editable=False, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("to be signed by"))
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signer = models.CharField(_("signed for the organization by"), max_length=50, blank=True)
    obligation = models.ForeignKey("duties.Obligation", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    year_check = models.ForeignKey("letters.LetterCheck", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="letters")
    total = models.DecimalField(_("check total"), max_digits=7, decimal_places=2, null=True, blank=True)
    tier = models.CharField(_("check grade"), max_length=32, blank=True)
    tier_name = models.CharField(_("check grade"), max_length=100, blank=True)
    accepted = models.BooleanField(_("accepted"), null=True, blank=True)
    consequence = models.CharField(_("consequence"), max_length=20, choices=Consequence.choices, blank=True)
    reward = models.CharField(_("reward"), max_length=300, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdraw_reason = models.CharField(_("why withdrawn"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("responsibility letter")
        verbose_name_plural = _("responsibility letters")
        ordering = ["-year", "issuer_path", "org_path", "id"]
        indexes = [models.Index(fields=["year", "issuer"]), models.Index(fields=["organization", "year"])]

    def __str__(self):
        return self.title

    def status(self) -> str:
        if self.withdrawn_on is not None:
            return LetterStatus.WITHDRAWN
        if self.year_check_id is not None:
            return LetterStatus.CHECKED
        if self.signed_on is not None:
            return LetterStatus.SIGNED
        from kernel.core import clock

        if self.due_on < clock.today():
            return LetterStatus.OVERDUE
        return LetterStatus.UNSIGNED


class LetterTarget(models.Model):
    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="targets")
    org_path = models.CharField(max_length=255, editable=False)
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("target"), max_length=300)
    measure = models.CharField(_("measure"), max_length=40, blank=True)
    target = models.DecimalField(_("figure to reach"), max_digits=12, decimal_places=2)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=Decimal("1"))
    actual = models.DecimalField(_("figure reached"), max_digits=12, decimal_places=2, null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("letter target")
        verbose_name_plural = _("letter targets")
        ordering = ["letter", "position", "id"]

    def __str__(self):
        return self.text

    @property
    def completion(self) -> Decimal | None:
        """The share of the figure reached, at most 1 (a target of 0 is met by anything)."""
        if self.actual is None:
            return None
        if self.target <= 0:
            return Decimal("1")
        return min(Decimal("1"), max(Decimal("0"), self.actual / self.target))

    @property
    def met(self) -> bool | None:
        return None if self.actual is None else self.actual >= self.target


class LetterCheck(BaseModel):
    """The year-end check of the letters an issuer signed for a year: the standards engine's assessment of their
    recipients, and what it gave each letter (copied onto the letters)."""

    year = models.PositiveSmallIntegerField(_("year"))
    issuer = models.ForeignKey("orgs.Organization", verbose_name=_("checked by"), on_delete=models.PROTECT,
                               related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    assessment = models.ForeignKey("standards.Assessment", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    checked_on = models.DateField(_("checked on"))
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    reward = models.CharField(_("reward of the excellent"), max_length=300, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdraw_reason = models.CharField(_("why withdrawn"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("year-end check of letters")
        verbose_name_plural = _("year-end checks of letters")
        ordering = ["-year", "org_path", "-id"]

    def __str__(self):
        return f"{self.issuer} {self.year}"


class PersonRole(models.TextChoices):
    """Who answers for a letter (seed 000 §一.3, 实行创建工作连带责任制)."""
    LINK_LEADER = "link_leader", _("Linked leader")
    TOWNSHIP_LEADER = "township_leader", _("Township leader")
    WORK_TEAM = "work_team", _("Work team (group) member")


class LetterPerson(models.Model):
    """One person answerable for a letter (联点领导, 乡镇领导, 工作队(组)人员): a person of the registry or a name,
    their role and post. A letter whose year-end check fails bars them from the 优秀 grade of the year's annual
    review (不得进入年度考核优秀档): computed from the letter's check, never stored."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="people")
    org_path = models.CharField(max_length=255, editable=False)
    position = models.PositiveSmallIntegerField(default=0)
    person = models.ForeignKey("people.Person", verbose_name=_("person"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(_("full name"), max_length=50)
    role = models.CharField(_("role"), max_length=20, choices=PersonRole.choices)
    post = models.CharField(_("post"), max_length=100, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("person answerable for a letter")
        verbose_name_plural = _("people answerable for letters")
        ordering = ["letter", "position", "id"]

    def __str__(self):
        return self.name

"""Village classes (升级晋档, seed 004, seed 000 §三.2): each year every village's party organization is classed
一类, 二类 or 三类 (一类 the best) with the reason, by its township (or the county) in one bulk classing that is
previewed, confirmed and can be withdrawn; each township has yearly targets (seed 004: 二类村计划要达30%, the share
of its villages at a class or better); the movement between classes year on year; and 三帮三争 pairings of an
advanced village with a lagging one, their outcome read from the lagging village's class the next classing.

- ``Classing``: one bulk classing of a year by an organization; ``ClassEntry``: one village's class of the year in
  it (the live one is ``active``; a later classing of the same village and year replaces it, a withdrawal restores
  what it replaced).
- ``ClassTarget``: a township's target of a year: the share of its villages at ``klass`` or better.
- ``Pairing``: 三帮三争, an advanced village helping a lagging one through a year.
- ``MemberClassing``: one branch's classing of its members for a year (the branch's assessment: 一类/二类/三类
  党员), one bulk act previewed, confirmed and withdrawable like the villages'; ``MemberClassEntry``: one member's
  class of the year in it with the short reason (the live one is ``active``; a later classing of the branch and year
  replaces it, a withdrawal restores what it replaced).
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kernel.core.models import BaseModel, Withdrawable
from kernel.core.scope import ScopedQuerySet


class VillageClass(models.TextChoices):
    FIRST = "first", _("Class one")
    SECOND = "second", _("Class two")
    THIRD = "third", _("Class three")


# The better the class, the lower its rank.
RANK = {VillageClass.FIRST: 1, VillageClass.SECOND: 2, VillageClass.THIRD: 3}


class Movement(models.TextChoices):
    UP = "up", _("Moved up")
    SAME = "same", _("Stayed")
    DOWN = "down", _("Moved down")
    NEW = "new", _("Classed for the first time")


def movement(before: str | None, after: str | None) -> str:
    if not after:
        return ""
    if not before:
        return Movement.NEW
    if RANK[after] < RANK[before]:
        return Movement.UP
    return Movement.DOWN if RANK[after] > RANK[before] else Movement.SAME


class Classing(Withdrawable, BaseModel):
    year = models.PositiveSmallIntegerField(_("year"))
    owner = models.ForeignKey("orgs.Organization", verbose_name=_("classed by"), on_delete=models.PROTECT,
                              related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    classed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("classing of villages")
        verbose_name_plural = _("classings of villages")
        ordering = ["-year", "-created_at", "-id"]

    def __str__(self):
        return f"{self.owner} {self.year}"


class ClassEntry(BaseModel):
    classing = models.ForeignKey(Classing, on_delete=models.CASCADE, related_name="entries")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("village"), on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField(max_length=255, editable=False, db_index=True)
    year = models.PositiveSmallIntegerField(_("year"))
    klass = models.CharField(_("class"), max_length=8, choices=VillageClass.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    active = models.BooleanField(default=True)
    replaced = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("village class")
        verbose_name_plural = _("village classes")
        ordering = ["-year", "org_path", "-id"]
        indexes = [models.Index(fields=["year", "active", "org_path"])]
        constraints = [models.UniqueConstraint(fields=["organization", "year"], condition=models.Q(active=True),
                                               name="classes_one_live_class_a_year")]

    def __str__(self):
        return f"{self.organization} {self.year} {self.get_klass_display()}"


class ClassTarget(BaseModel):
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("township"), on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    klass = models.CharField(_("class to reach or better"), max_length=8, choices=VillageClass.choices)
    share = models.DecimalField(_("share of villages (%)"), max_digits=5, decimal_places=1)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("class target")
        verbose_name_plural = _("class targets")
        ordering = ["-year", "org_path", "klass"]
        constraints = [models.UniqueConstraint(fields=["organization", "year", "klass"], name="classes_target_once")]

    def __str__(self):
        return f"{self.organization} {self.year} {self.get_klass_display()} {self.share}%"


class Outcome(models.TextChoices):
    PENDING = "pending", _("Not classed yet")
    UP = "up", _("Stepped up")
    SAME = "same", pgettext_lazy("pairing outcome", "Unchanged")
    DOWN = "down", _("Moved down")


class Pairing(BaseModel):
    """三帮三争: ``advanced`` helps ``lagging`` through ``year``; the outcome is the lagging village's class of the
    year against the year before."""

    year = models.PositiveSmallIntegerField(_("year"))
    advanced = models.ForeignKey("orgs.Organization", verbose_name=_("advanced village"), on_delete=models.PROTECT,
                                 related_name="+")
    advanced_path = models.CharField(max_length=255, editable=False)
    lagging = models.ForeignKey("orgs.Organization", verbose_name=_("lagging village"), on_delete=models.PROTECT,
                                related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    measures = models.CharField(_("help agreed"), max_length=500, blank=True)
    note = models.CharField(_("outcome note"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("village pairing")
        verbose_name_plural = _("village pairings")
        ordering = ["-year", "org_path", "id"]

    def __str__(self):
        return f"{self.advanced} → {self.lagging} {self.year}"


class MemberClassing(Withdrawable, BaseModel):
    """A branch's classing of its members for a year."""

    year = models.PositiveSmallIntegerField(_("year"))
    branch = models.ForeignKey("orgs.Organization", verbose_name=_("branch"), on_delete=models.PROTECT,
                               related_name="+")
    org_path = models.CharField(max_length=255, editable=False, db_index=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    classed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "people"

    class Meta:
        verbose_name = _("classing of members")
        verbose_name_plural = _("classings of members")
        ordering = ["-year", "-created_at", "-id"]

    def __str__(self):
        return f"{self.branch} {self.year}"


class MemberClassEntry(BaseModel):
    classing = models.ForeignKey(MemberClassing, on_delete=models.CASCADE, related_name="entries")
    member = models.ForeignKey("people.Member", verbose_name=_("member"), on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("branch"), on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    klass = models.CharField(_("class"), max_length=8, choices=VillageClass.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    active = models.BooleanField(default=True)
    replaced = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "people"

    class Meta:
        verbose_name = _("member's class")
        verbose_name_plural = _("members' classes")
        ordering = ["-year", "org_path", "-id"]
        indexes = [models.Index(fields=["year", "active", "org_path"], name="classes_member_year_path"),
                   models.Index(fields=["member", "year", "active"], name="classes_member_year")]
        constraints = [models.UniqueConstraint(fields=["member", "year"], condition=models.Q(active=True),
                                               name="classes_one_live_member_class_a_year")]

    def __str__(self):
        return f"{self.person} {self.year} {self.get_klass_display()}"

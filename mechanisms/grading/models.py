"""分类定级 and 晋位升级 (seed 003): grades of the grassroots organizations by year, the "3+1" support teams of
the lagging ones and their rectification plans (三定一帮), each plan run as a workflow case.

- A ``GradeScheme`` names the grades (先进 / 较好 / 一般 / 后进, each with a level; the lagging one(s) marked)
  and the rules that propose them from data (``rules``, see grading/proposals.py).
- An ``Upgrading`` is a county's year of it: the scheme, the deadline (seed 003: end of October), the
  load cap of the support team members, how early a rectification measure's deadline is reminded.
- A ``Grade`` is one organization's grade in one round of that year: ``initial`` (分类定级) or
  ``regrade`` (after rectification). Proposed by the rules or set by hand, then confirmed by the county; a
  lagging organization's re-grade above lagging is written by its plan's acceptance (grading/services.py).
- ``PoolMember``: the people the county names as county-level leaders and organization cadres.
- ``SupportTeam``: one county leader, one party (work) committee secretary and one cadre per lagging
  organization ("3+1").
- ``Plan`` (三定一帮) with its ``Problem``, ``Measure`` and ``Visit`` rows; its stages live in the case.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kernel.core.models import BaseModel
from kernel.core.scope import OwnedQuerySet, ScopedQuerySet


class GradeScheme(BaseModel):
    name = models.CharField(_("name"), max_length=100)
    owner = models.ForeignKey("orgs.Organization", verbose_name=_("owner"), on_delete=models.PROTECT,
                              related_name="+")
    owner_path = models.CharField(max_length=255, editable=False)
    # Which organizations are graded and how data proposes a grade (defaults in grading/proposals.py).
    rules = models.JSONField(_("rules"), default=dict, blank=True)

    objects = models.Manager.from_queryset(OwnedQuerySet)()
    scope_path_field = "owner_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("grade scheme")
        verbose_name_plural = _("grade schemes")
        ordering = ["owner_path", "name"]

    def __str__(self):
        return self.name


class GradeLevel(models.Model):
    scheme = models.ForeignKey(GradeScheme, on_delete=models.CASCADE, related_name="levels")
    code = models.SlugField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=32)
    level = models.PositiveSmallIntegerField(_("level"))  # higher is better
    lagging = models.BooleanField(_("lagging"), default=False)

    class Meta:
        ordering = ["scheme", "-level"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="gradelevel_unique_code"),
                       models.UniqueConstraint(fields=["scheme", "level"], name="gradelevel_unique_level")]

    def __str__(self):
        return self.name


class Upgrading(BaseModel):
    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    scheme = models.ForeignKey(GradeScheme, verbose_name=_("grade scheme"), on_delete=models.PROTECT,
                               related_name="upgradings")
    owner = models.ForeignKey("orgs.Organization", verbose_name=_("run by"), on_delete=models.PROTECT,
                              related_name="+")
    owner_path = models.CharField(max_length=255, editable=False)
    deadline = models.DateField(_("every lagging organization upgraded by"))
    max_load = models.PositiveSmallIntegerField(_("most organizations per leader or cadre"), default=3)
    # Like a workflow stage's remind_days: a rectification measure's reminder comes this many days before its
    # deadline (the daily run, mechanisms.grading.reminders).
    measure_remind_days = models.PositiveSmallIntegerField(_("remind of a measure days before its deadline"),
                                                           default=3)

    objects = models.Manager.from_queryset(OwnedQuerySet)()
    scope_path_field = "owner_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("upgrading campaign")
        verbose_name_plural = _("upgrading campaigns")
        ordering = ["-year", "name"]

    def __str__(self):
        return self.name


class Round(models.TextChoices):
    INITIAL = "initial", _("Grading")
    REGRADE = "regrade", _("Re-grading")


class Grade(BaseModel):
    class Source(models.TextChoices):
        HAND = "hand", _("Set by hand")
        RULE = "rule", _("Proposed from data")
        PLAN = "plan", _("Rectification plan accepted")

    # Grades are proposed 200,000 at a time (grading/proposals.py), so, as for duties' obligations, the database
    # checks none of their keys row by row (the deferred checks cost as much as the insert); Django still
    # cascades and protects on delete, and organizations are never deleted.
    upgrading = models.ForeignKey(Upgrading, on_delete=models.CASCADE, related_name="grades", db_constraint=False)
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="+", db_index=False, db_constraint=False)
    org_path = models.CharField(max_length=255, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    round = models.CharField(_("round"), max_length=12, choices=Round.choices, default=Round.INITIAL)
    level = models.ForeignKey(GradeLevel, verbose_name=_("grade"), on_delete=models.PROTECT, related_name="+",
                              db_index=False, db_constraint=False)
    weak_lax = models.BooleanField(_("weak and lax"), default=False)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    confirmed_on = models.DateField(_("confirmed on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("grade")
        verbose_name_plural = _("grades")
        ordering = ["upgrading", "round", "org_path"]
        constraints = [models.UniqueConstraint(fields=["upgrading", "organization", "round"], name="grade_unique")]
        indexes = [models.Index(fields=["upgrading", "round", "org_path"])]

    def __str__(self):
        return f"{self.organization} {self.year} {self.level}"

    @property
    def confirmed(self) -> bool:
        return self.confirmed_on is not None


class PoolRole(models.TextChoices):
    COUNTY_LEADER = "county_leader", _("County-level leader")
    CADRE = "cadre", _("Organization cadre")


class PoolMember(BaseModel):
    upgrading = models.ForeignKey(Upgrading, on_delete=models.CASCADE, related_name="pool")
    role = models.CharField(_("role"), max_length=16, choices=PoolRole.choices)
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="+")
    owner_path = models.CharField(max_length=255, editable=False)

    objects = models.Manager.from_queryset(OwnedQuerySet)()
    scope_path_field = "owner_path"
    scope_realm = "org"

    class Meta:
        ordering = ["upgrading", "role", "id"]
        constraints = [models.UniqueConstraint(fields=["upgrading", "role", "person"], name="poolmember_unique")]

    def __str__(self):
        return f"{self.person.name} · {self.get_role_display()}"


class SupportTeam(BaseModel):
    upgrading = models.ForeignKey(Upgrading, on_delete=models.CASCADE, related_name="teams")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    county_leader = models.ForeignKey("people.Person", verbose_name=_("county-level leader"),
                                      on_delete=models.PROTECT, related_name="+")
    committee_secretary = models.ForeignKey("people.Person", verbose_name=_("party (work) committee secretary"),
                                            on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey("people.Person", verbose_name=_("organization cadre"), on_delete=models.PROTECT,
                              related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("support team")
        verbose_name_plural = _("support teams")
        ordering = ["upgrading", "org_path"]
        constraints = [models.UniqueConstraint(fields=["upgrading", "organization"], name="supportteam_unique")]

    def __str__(self):
        return f"{self.organization} 3+1"


class ProblemLine(models.TextChoices):
    """The six lines of seed 003 (一个好支部: 带头人, 发展思路, 工作制度, 活动阵地, 保障机制; plus 覆盖)."""

    LEADERSHIP = "leadership", _("Secretary and leadership team")
    DEVELOPMENT = "development", _("Development path")
    COVERAGE = "coverage", _("Organizational coverage")
    RULES = "rules", _("Rules and procedures")
    PREMISES = "premises", _("Activity premises")
    SUPPORT = "support", _("Funding and support")


class ProblemType(models.TextChoices):
    """Seed 000's 进位工程: 难 villages tackled together, 乱 ones re-elected, 瘫 ones restaffed, 穷 ones supported."""

    DIFFICULT = "difficult", _("Difficult (难)")
    DISORDERLY = "disorderly", _("Disorderly (乱)")
    PARALYSED = "paralysed", _("Paralysed (瘫)")
    POOR = "poor", _("Poor (穷)")


class Plan(BaseModel):
    upgrading = models.ForeignKey(Upgrading, on_delete=models.CASCADE, related_name="plans")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    case = models.OneToOneField("workflows.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    target = models.CharField(_("target"), max_length=200, blank=True)  # 定目标

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("rectification plan")
        verbose_name_plural = _("rectification plans")
        ordering = ["upgrading", "org_path"]
        constraints = [models.UniqueConstraint(fields=["upgrading", "organization"], name="plan_unique")]

    def __str__(self):
        return f"{self.organization} · {self.upgrading.year}"


class Problem(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="problems")
    line = models.CharField(_("line"), max_length=16, choices=ProblemLine.choices)
    kind = models.CharField(_("type"), max_length=16, choices=ProblemType.choices)
    description = models.TextField(_("description"))

    class Meta:
        ordering = ["plan", "id"]

    def __str__(self):
        return self.description[:50]


class Measure(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="measures")
    content = models.TextField(_("measure"))
    owner = models.CharField(_("responsible"), max_length=100)
    deadline = models.DateField(_("deadline"))
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["plan", "deadline", "id"]
        indexes = [models.Index(fields=["plan", "done_on", "deadline"])]

    def __str__(self):
        return self.content[:50]


class Visit(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="visits")
    on = models.DateField(_("date"))
    visitors = models.CharField(_("who came"), max_length=200)
    note = models.TextField(_("what was done"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ["plan", "-on", "-id"]

    def __str__(self):
        return f"{self.plan} {self.on}"


class GradeConfirmation(BaseModel):
    """One bulk confirmation of a round's proposals (grades_confirm) as a recorded act: the grades it confirmed and
    the state each was in before (``previous``: {grade id: {"confirmed_on", "confirmed_by"}}), so that withdrawing
    it (撤销) puts each grade back exactly as it was."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("In force")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    upgrading = models.ForeignKey(Upgrading, on_delete=models.CASCADE, related_name="confirmations")
    owner_path = models.CharField(max_length=255, editable=False)
    round = models.CharField(_("round"), max_length=12, choices=Round.choices, default=Round.INITIAL)
    confirmed_on = models.DateField(_("confirmed on"))
    confirmed_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")
    grades = models.ManyToManyField(Grade, verbose_name=_("grades confirmed"), related_name="confirmations")
    previous = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    withdraw_reason = models.TextField(_("reason for withdrawal"), blank=True)
    withdrawn_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = models.Manager.from_queryset(OwnedQuerySet)()
    scope_path_field = "owner_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("grade confirmation")
        verbose_name_plural = _("grade confirmations")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return _("Confirmation of %(date)s") % {"date": self.confirmed_on}

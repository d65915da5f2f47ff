"""Democratic evaluation outcomes and heart-to-heart talks (民主评议党员, 谈心谈话; MEMBERSHIP.md).

- ``EvaluationGrade`` is a member's grade for a year (优秀/合格/基本合格/不合格), taken from a member-evaluation
  assessment's sheet or entered by hand, with whether the year's goals (目标责任书) were met: unmet goals bar 优秀.
- ``EvaluationCase`` follows a member graded 不合格 (one per member and year): help (帮教) first, then the outcome
  decided by a body on a date: 限期改正 (a deadline, owed as a one-off duty; at its end the member has rectified, or
  the case goes on to 劝退 or 除名), 劝退 or 除名 (both recorded as an exit of the member's standing). A grade
  corrected away from 不合格 withdraws an open case.
- ``Talk`` is a heart-to-heart talk held by an organization: when, where, what kind, who took part (members chosen
  by name, others named as text), the topic and a summary; ``about_member`` marks a talk with one member about
  their situation.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kernel.core.models import BaseModel
from kernel.core.scope import ScopedQuerySet


class Grade(models.TextChoices):
    """The four grades, with the codes of the member-evaluation standard's tiers."""

    EXCELLENT = "excellent", pgettext_lazy("evaluation grade", "Excellent")
    QUALIFIED = "qualified", pgettext_lazy("evaluation grade", "Qualified")
    BASIC = "basic", pgettext_lazy("evaluation grade", "Basically qualified")
    UNQUALIFIED = "unqualified", pgettext_lazy("evaluation grade", "Unqualified")


class GoalsMet(models.TextChoices):
    YES = "yes", _("Goals met")
    NO = "no", _("Goals not met")
    UNKNOWN = "unknown", _("Not recorded")


class GradeSource(models.TextChoices):
    ASSESSMENT = "assessment", _("From the assessment")
    ENTERED = "entered", _("Entered by hand")


class EvaluationGrade(BaseModel):
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey("people.Member", verbose_name=_("member"), on_delete=models.PROTECT,
                               related_name="evaluation_grades")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    grade = models.CharField(_("grade"), max_length=12, choices=Grade.choices)
    goals_met = models.CharField(_("yearly goals"), max_length=8, choices=GoalsMet.choices,
                                 default=GoalsMet.UNKNOWN)
    source = models.CharField(_("source"), max_length=12, choices=GradeSource.choices, default=GradeSource.ENTERED)
    assessment = models.ForeignKey("standards.Assessment", verbose_name=_("assessment"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_on = models.DateField(_("decided on"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "people"

    class Meta:
        verbose_name = _("evaluation grade")
        verbose_name_plural = _("evaluation grades")
        ordering = ["-year", "org_path", "person__name", "pk"]
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="evaluation_grade_one_per_year")]
        indexes = [models.Index(fields=["org_path", "year"])]

    def __str__(self):
        return f"{self.person} · {self.year} · {self.get_grade_display()}"


class CaseState(models.TextChoices):
    HELPING = "helping", _("Being helped")
    RECTIFYING = "rectifying", _("Rectifying within a period")
    RECTIFIED = "rectified", _("Rectified")
    PERSUADED = "persuaded", _("Persuaded to withdraw")
    REMOVED = "removed", _("Removed from the party")
    WITHDRAWN = "withdrawn", _("Withdrawn (grade corrected)")


OPEN_CASE = (CaseState.HELPING, CaseState.RECTIFYING)


class CaseOutcome(models.TextChoices):
    RECTIFY = "rectify", _("Rectify within a period")
    PERSUADE = "persuade", _("Persuade to withdraw")
    REMOVE = "remove", _("Remove from the party")


class EvaluationCase(BaseModel):
    grade = models.OneToOneField(EvaluationGrade, verbose_name=_("grade"), on_delete=models.PROTECT,
                                 related_name="case")
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey("people.Member", verbose_name=_("member"), on_delete=models.PROTECT,
                               related_name="evaluation_cases")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    state = models.CharField(_("state"), max_length=12, choices=CaseState.choices, default=CaseState.HELPING)
    opened_on = models.DateField(_("opened on"))
    helped_on = models.DateField(_("helped on"), null=True, blank=True)
    helped_by = models.CharField(_("helped by"), max_length=100, blank=True)
    help_note = models.TextField(_("how the member was helped"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=CaseOutcome.choices, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.CharField(_("decided by"), max_length=100, blank=True)
    decision = models.CharField(_("decision"), max_length=300, blank=True)
    deadline = models.DateField(_("rectify by"), null=True, blank=True)
    obligation = models.ForeignKey("duties.Obligation", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    exit_change = models.ForeignKey("membership.StandingChange", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    close_note = models.CharField(_("note"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "people"

    class Meta:
        verbose_name = _("unqualified member's case")
        verbose_name_plural = _("unqualified members' cases")
        ordering = ["-year", "org_path", "pk"]
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="evaluation_case_one_per_year")]
        indexes = [models.Index(fields=["org_path", "state"])]

    def __str__(self):
        return f"{self.person} · {self.year} · {self.get_state_display()}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_CASE


class TalkKind(models.TextChoices):
    COMMITTEE = "committee", _("Between committee members")
    COMMITTEE_MEMBER = "committee_member", _("Committee member with a member")
    MEMBERS = "members", _("Among members")
    AT_RISK = "at_risk", _("With a member at risk")


class Talk(BaseModel):
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=200)
    kind = models.CharField(_("kind of talk"), max_length=20, choices=TalkKind.choices)
    people = models.ManyToManyField("people.Person", verbose_name=_("members taking part"), blank=True,
                                    related_name="+")
    others = models.CharField(_("others taking part"), max_length=300, blank=True)
    about_member = models.ForeignKey("people.Member", verbose_name=_("about the member"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="talks_about")
    topic = models.CharField(_("topic"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    submission = models.ForeignKey("duties.Submission", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "people"

    class Meta:
        verbose_name = _("heart-to-heart talk")
        verbose_name_plural = _("heart-to-heart talks")
        ordering = ["-on", "-pk"]
        indexes = [models.Index(fields=["org_path", "on"]), models.Index(fields=["organization", "on"])]

    def __str__(self):
        return f"{self.on.isoformat()} · {self.topic}"

"""Reserve cadres and two-way cultivation (seed 000 §三.1: 建立村级后备干部库, "双向培养", 无职党员设岗定责).

- ``ReserveCadre``: one person in a village's reserve cadre pool (后备干部库) from a day, where they came from, the
  training they had, and how they left the pool: appointed to a post (the post is recorded in the registry) or
  left. An assessment each year (``ReserveAssessment``).
- ``Cultivation``: one person on one of the three tracks of two-way cultivation (capable people made members,
  members made capable, capable members made cadres), with its steps (``CultivationStep``) and its outcome.
- ``MemberDutyPost``: a post set up in a branch for members without office (设岗定责: 政策宣传岗, 矛盾调解岗 …) and
  ``DutyPostAssignment``: a member holding it for a year, with the year's review.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kernel.core.models import BaseModel
from kernel.people.choices import PostTitle


class Source(models.TextChoices):
    CAPABLE = "capable", _("Capable local (getting rich, leading others)")
    RETURNEE = "returnee", _("Returned migrant or entrepreneur")
    GRADUATE = "graduate", _("College graduate")
    VETERAN = "veteran", _("Discharged soldier")
    MEMBER = "member", _("Member without office")
    OTHER = "other", pgettext_lazy("source of a reserve cadre", "Other")


class PoolStatus(models.TextChoices):
    IN_POOL = "in_pool", _("In the pool")
    APPOINTED = "appointed", _("Appointed to a post")
    LEFT = "left", _("Left the pool")


class ReserveCadre(BaseModel):
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("village"), on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    since = models.DateField(_("in the pool since"))
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    training = models.TextField(_("training"), blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=PoolStatus.choices, default=PoolStatus.IN_POOL)
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    outcome_title = models.CharField(_("post appointed to"), max_length=32, blank=True, choices=PostTitle.choices)
    outcome_note = models.CharField(_("outcome note"), max_length=300, blank=True)
    post = models.ForeignKey("people.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("reserve cadre")
        verbose_name_plural = _("reserve cadres")
        ordering = ["org_path", "since", "pk"]
        indexes = [models.Index(fields=["org_path", "status"])]
        constraints = [models.UniqueConstraint(fields=["person"], condition=models.Q(status="in_pool"),
                                               name="reserve_one_pool_entry_per_person",
                                               violation_error_message=_("This person is in a reserve pool "
                                                                         "already."))]

    def __str__(self):
        return f"{self.person} · {self.organization}"


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    COMPETENT = "competent", _("Competent")
    BASIC = "basic", _("Basically competent")
    UNFIT = "unfit", _("Not competent")


class ReserveAssessment(BaseModel):
    cadre = models.ForeignKey(ReserveCadre, on_delete=models.CASCADE, related_name="assessments")
    org_path = models.CharField(max_length=255, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    grade = models.CharField(_("grade"), max_length=12, choices=Grade.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("reserve cadre assessment")
        verbose_name_plural = _("reserve cadre assessments")
        ordering = ["cadre", "-year"]
        constraints = [models.UniqueConstraint(fields=["cadre", "year"], name="reserve_one_assessment_a_year")]

    def __str__(self):
        return f"{self.cadre} · {self.year}"


class Track(models.TextChoices):
    MEMBER = "member", _("Capable person made a member")
    CAPABLE = "capable", _("Member made capable")
    CADRE = "cadre", _("Capable member made a cadre")


class Outcome(models.TextChoices):
    ONGOING = "ongoing", _("Under way")
    ACHIEVED = "achieved", _("Achieved")
    STOPPED = "stopped", _("Stopped")


class Cultivation(BaseModel):
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("village"), on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    track = models.CharField(_("track"), max_length=12, choices=Track.choices)
    started_on = models.DateField(_("started on"))
    mentor = models.CharField(_("mentor"), max_length=50, blank=True)
    goal = models.CharField(_("goal"), max_length=300, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.ONGOING)
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    outcome_note = models.CharField(_("outcome note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("two-way cultivation")
        verbose_name_plural = _("two-way cultivations")
        ordering = ["org_path", "-started_on", "pk"]
        indexes = [models.Index(fields=["org_path", "track"])]
        constraints = [models.UniqueConstraint(fields=["person", "track"], condition=models.Q(outcome="ongoing"),
                                               name="reserve_one_ongoing_cultivation_per_track",
                                               violation_error_message=_("This person is on this track already."))]

    def __str__(self):
        return f"{self.person} · {self.get_track_display()}"


class CultivationStep(BaseModel):
    cultivation = models.ForeignKey(Cultivation, on_delete=models.CASCADE, related_name="steps")
    org_path = models.CharField(max_length=255, editable=False)
    done_on = models.DateField(_("on"))
    what = models.CharField(_("what was done"), max_length=300)

    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("cultivation step")
        verbose_name_plural = _("cultivation steps")
        ordering = ["cultivation", "done_on", "pk"]

    def __str__(self):
        return f"{self.done_on} {self.what}"


class MemberDutyPost(BaseModel):
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("branch"), on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    name = models.CharField(_("post name"), max_length=60)
    duties = models.CharField(_("duties"), max_length=300, blank=True)
    ended_on = models.DateField(_("discontinued on"), null=True, blank=True)

    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("post for members without office")
        verbose_name_plural = _("posts for members without office")
        ordering = ["org_path", "name", "pk"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], condition=models.Q(ended_on=None),
                                               name="reserve_duty_post_unique_name",
                                               violation_error_message=_("The branch has a post of that name "
                                                                         "already."))]

    def __str__(self):
        return f"{self.organization} · {self.name}"


class Rating(models.TextChoices):
    GOOD = "good", _("Duties well done")
    FAIR = "fair", _("Duties done")
    POOR = "poor", _("Duties not done")


class DutyPostAssignment(BaseModel):
    post = models.ForeignKey(MemberDutyPost, on_delete=models.CASCADE, related_name="assignments")
    person = models.ForeignKey("people.Person", verbose_name=_("member"), on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    rating = models.CharField(_("review"), max_length=8, blank=True, choices=Rating.choices)
    review_note = models.CharField(_("review note"), max_length=300, blank=True)
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)

    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("member's post assignment")
        verbose_name_plural = _("members' post assignments")
        ordering = ["-year", "org_path", "post", "pk"]
        constraints = [models.UniqueConstraint(fields=["post", "person", "year"], name="reserve_assignment_unique")]

    def __str__(self):
        return f"{self.person} · {self.post.name} · {self.year}"

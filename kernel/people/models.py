import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kernel.core import clock
from kernel.core.models import BaseModel
from kernel.core.scope import ScopedQuerySet
from kernel.orgs.models import Organization

from .choices import (
    ETHNICITIES,
    Classification,
    Education,
    Gender,
    MemberCategory,
    MemberStatus,
    Occupation,
    PostTitle,
    Stage,
)


class Person(BaseModel):
    """Anyone the registries know: members, applicants and activists, cadres who are not members.

    ``organization`` is the organization that keeps the person's record (a
    member's branch); its path is copied to ``org_path`` so that a subtree of
    people is one range over one index.
    """

    name = models.CharField(_("full name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=2, choices=ETHNICITIES, default="01")
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    # unique by the constraint below: ID numbers are only ever matched whole, so no pattern (LIKE) index
    id_number = models.CharField(_("ID number"), max_length=18, null=True, blank=True)
    education = models.CharField(_("education"), max_length=16, choices=Education.choices, blank=True)
    occupation = models.CharField(_("occupation"), max_length=16, choices=Occupation.choices, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    stage = models.CharField(_("political status"), max_length=12, choices=Stage.choices, default=Stage.MASSES)
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="people"
    )
    org_path = models.CharField(max_length=255, editable=False)
    name_search = models.CharField(max_length=50, editable=False)
    name_initials = models.CharField(max_length=30, editable=False)

    sensitive_fields = ("id_number", "phone")
    scope_path_field = "org_path"
    scope_realm = "people"
    scope_self_field = "pk"

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(fields=["org_path", "id"]),
            # Name search is a prefix LIKE; pattern operator classes let PostgreSQL answer it from the
            # index under any collation (bench/RESULTS.md).
            models.Index(fields=["name_search", "org_path"], name="person_name_prefix_idx",
                         opclasses=["varchar_pattern_ops", "varchar_ops"]),
            models.Index(fields=["name_initials", "org_path"], name="person_initials_prefix_idx",
                         opclasses=["varchar_pattern_ops", "varchar_ops"]),
            # The people on the road to membership (applicants, activists, candidates) are a few in a hundred:
            # development's counts and warnings read them by subtree without scanning every member.
            models.Index(fields=["stage", "org_path"], name="person_stage_path_idx",
                         condition=models.Q(stage__in=["applicant", "activist", "candidate"])),
        ]
        constraints = [
            models.UniqueConstraint(fields=["id_number"], name="person_id_number_unique",
                                    violation_error_message=_("Another person already has this ID number.")),
        ]

    def __str__(self):
        return self.name

    @property
    def age(self) -> int | None:
        if not self.birth_date:
            return None
        today = clock.today()
        return today.year - self.birth_date.year - ((today.month, today.day) < (self.birth_date.month, self.birth_date.day))


class Member(BaseModel):
    """A person's party membership. The member's branch is the person's organization."""

    person = models.OneToOneField(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="membership")
    org_path = models.CharField(max_length=255, editable=False)
    category = models.CharField(_("category"), max_length=16, choices=MemberCategory.choices)
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    joined_on = models.DateField(_("joined on"))
    full_on = models.DateField(_("full membership on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=MemberStatus.choices, default=MemberStatus.ACTIVE)
    status_changed_on = models.DateField(_("status changed on"), null=True, blank=True)
    # Standing that leaves the member counted (MEMBERSHIP.md): 失联 since a date, 保留党籍 since a date (and until).
    lost_contact_on = models.DateField(_("contact lost on"), null=True, blank=True)
    kept_since = models.DateField(_("standing kept since"), null=True, blank=True)
    kept_until = models.DateField(_("standing kept until"), null=True, blank=True)
    # 任职 is derived from posts (kept by the post services); the 无职 subclass is entered.
    holds_post = models.BooleanField(_("holds a post"), default=False, editable=False)
    no_post_class = models.CharField(
        _("class without a post"), max_length=12, blank=True,
        choices=[(c.value, c.label) for c in Classification if c != Classification.OFFICE],
    )

    scope_path_field = "org_path"
    scope_realm = "people"
    scope_self_field = "person_id"

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        indexes = [
            models.Index(fields=["org_path", "id"]),
            models.Index(fields=["status", "org_path", "id"]),
            models.Index(fields=["no_post_class", "status", "org_path", "id"], name="member_class_path_idx"),
            # Probationary members are a few in a hundred: the warnings (probation past its term) and the
            # development figures read them by subtree without scanning every member.
            models.Index(fields=["org_path", "joined_on"], name="member_probationary_idx",
                         condition=models.Q(category="probationary")),
        ]

    def __str__(self):
        return self.person.name

    @property
    def branch(self) -> Organization:
        return self.person.organization

    @property
    def classification(self) -> str:
        return Classification.OFFICE if self.holds_post else self.no_post_class

    def get_classification_display(self) -> str:
        value = self.classification
        return Classification(value).label if value else ""


class PostQuerySet(ScopedQuerySet):
    def current(self, on: datetime.date | None = None):
        on = on or clock.today()
        return self.filter(Q(started_on__isnull=True) | Q(started_on__lte=on)).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=on)
        )


class Post(BaseModel):
    """A post a person holds in an organization for a time; one person may hold several (一肩挑)."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="posts")
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="posts"
    )
    org_path = models.CharField(max_length=255, editable=False)
    title = models.CharField(_("post"), max_length=32, choices=PostTitle.choices)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    objects = models.Manager.from_queryset(PostQuerySet)()
    scope_path_field = "org_path"
    scope_realm = "people"
    scope_self_field = "person_id"

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        indexes = [
            models.Index(fields=["organization", "title"]),
            models.Index(fields=["org_path", "id"]),
        ]

    def __str__(self):
        return f"{self.person.name} · {self.get_title_display()}"

    @property
    def is_current(self) -> bool:
        today = clock.today()
        return (self.started_on is None or self.started_on <= today) and (self.ended_on is None or self.ended_on > today)

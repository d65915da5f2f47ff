"""Party-building instructors, organizers and the department's staffing (seeds 001, 002).

- ``Instructor``: a cadre stationed in a village as its party-building instructor (党建工作指导员; seed 001: 47 city
  leaders and 104 heads of city units), from a day until ended; ``InstructorVisit``: the visit log (date, village,
  what was done, problems found, how they were followed up). Each visit discharges part of the instructor's
  monthly duty (the shipped rule ``instructor-visits``: N visits a month, N its ``min_count``).
- ``Organizer``: a township's full-time or part-time organizer (组织员), certified or not (持证上岗).
- ``DepartmentStaff``: the organization department's staff counts of a year, those on grassroots work among them.
- ``StaffingNorm``: the county's table of ratios (seed 002: ≥70% of townships with full-time organizers, 90% with
  part-time ones, ≥30% of the department's staff on grassroots work), versioned: a change adds a row in force from
  a day.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kernel.core.models import BaseModel
from kernel.core.scope import OwnedQuerySet


class Level(models.TextChoices):
    CITY_LEADER = "city_leader", _("City leader")
    UNIT_HEAD = "unit_head", _("Head of a unit")
    COUNTY_LEADER = "county_leader", _("County leader")
    TOWNSHIP_CADRE = "township_cadre", _("Township cadre")


class Instructor(BaseModel):
    person = models.ForeignKey("people.Person", verbose_name=_("instructor"), on_delete=models.PROTECT,
                               related_name="+")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("village"), on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    unit = models.CharField(_("unit"), max_length=120, blank=True)
    started_on = models.DateField(_("stationed from"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("why ended"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("party-building instructor")
        verbose_name_plural = _("party-building instructors")
        ordering = ["org_path", "started_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["person", "organization"], condition=models.Q(ended_on=None),
                                               name="staffing_one_current_station",
                                               violation_error_message=_("The instructor is stationed in this "
                                                                         "village already."))]

    def __str__(self):
        return f"{self.person} · {self.organization}"


class InstructorVisit(BaseModel):
    instructor = models.ForeignKey(Instructor, on_delete=models.CASCADE, related_name="visits")
    org_path = models.CharField(max_length=255, editable=False)
    visited_on = models.DateField(_("visited on"))
    content = models.CharField(_("what was done"), max_length=300)
    problems = models.CharField(_("problems found"), max_length=300, blank=True)
    follow_up = models.CharField(_("follow-up"), max_length=300, blank=True)
    followed_up = models.BooleanField(_("followed up"), default=False)
    submission = models.ForeignKey("duties.Submission", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("instructor's visit")
        verbose_name_plural = _("instructors' visits")
        ordering = ["-visited_on", "-pk"]
        indexes = [models.Index(fields=["instructor", "visited_on"])]

    def __str__(self):
        return f"{self.instructor} · {self.visited_on}"


class OrganizerKind(models.TextChoices):
    FULL_TIME = "full_time", _("Full-time organizer")
    PART_TIME = "part_time", _("Part-time organizer")


class Organizer(BaseModel):
    person = models.ForeignKey("people.Person", verbose_name=_("organizer"), on_delete=models.PROTECT,
                               related_name="+")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("township"), on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=OrganizerKind.choices)
    certified = models.BooleanField(_("certified"), default=False)
    certificate = models.CharField(_("certificate number"), max_length=40, blank=True)
    started_on = models.DateField(_("since"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("organizer")
        verbose_name_plural = _("organizers")
        ordering = ["org_path", "kind", "pk"]

    def __str__(self):
        return f"{self.person} · {self.organization}"


class DepartmentStaff(BaseModel):
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("county committee"),
                                     on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    total = models.PositiveIntegerField(_("staff of the department"))
    grassroots = models.PositiveIntegerField(_("staff on grassroots work"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("department staff")
        verbose_name_plural = _("department staff")
        ordering = ["org_path", "-year"]
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="staffing_staff_one_a_year")]

    def __str__(self):
        return f"{self.organization} · {self.year}"


class StaffingNorm(BaseModel):
    owner = models.ForeignKey("orgs.Organization", verbose_name=_("set by"), on_delete=models.PROTECT,
                              related_name="+")
    owner_path = models.CharField(max_length=255, editable=False)
    full_time_share = models.PositiveSmallIntegerField(_("townships with a full-time organizer (%)"))
    part_time_share = models.PositiveSmallIntegerField(_("townships with a part-time organizer (%)"))
    grassroots_share = models.PositiveSmallIntegerField(_("department staff on grassroots work (%)"))
    effective_from = models.DateField(_("in force from"))
    note = models.CharField(_("reason"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    objects = models.Manager.from_queryset(OwnedQuerySet)()
    scope_path_field = "owner_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("staffing ratios")
        verbose_name_plural = _("staffing ratios")
        ordering = ["owner_path", "-effective_from", "-pk"]
        constraints = [models.UniqueConstraint(fields=["owner", "effective_from"], name="staffing_norm_unique_day",
                                               violation_error_message=_("Ratios are already in force from that "
                                                                         "day."))]

    def __str__(self):
        return f"{self.owner} · {self.effective_from}"

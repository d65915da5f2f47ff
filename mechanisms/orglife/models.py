"""Organization life (三会一课 and the rest) and training.

- A ``Meeting`` is one meeting a party organization held, with who attended (``Attendance``: one row
  per member expected, present / excused / absent). Each meeting is a record that discharges the
  duty of its kind (a duty rule whose ``topic`` is the meeting kind; see orglife/rules/).
- Training: a ``TrainingPlan`` of an organizer for a year holds ``TrainingClass`` rows (level,
  dates, hours, course series) and each class its ``Participant`` rows (days attended, exam score).
  Days attended discharge the training duty of the people it applies to.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kernel.core.models import BaseModel
from kernel.core.scope import OwnedQuerySet, ScopedQuerySet
from kernel.orgs.models import Domain


class MeetingKind(models.TextChoices):
    BRANCH_GENERAL = "branch_general", _("Branch general meeting")
    COMMITTEE = "committee", _("Branch committee meeting")
    GROUP = "group", _("Party group meeting")
    LECTURE = "lecture", _("Party lecture")
    THEMED_DAY = "themed_day", _("Themed party day")
    LIFE_MEETING = "life_meeting", _("Organization life meeting")


# Meetings all members are expected at: not attending them for six months is flagged.
ORGANIZATION_LIFE = [MeetingKind.BRANCH_GENERAL, MeetingKind.GROUP, MeetingKind.LECTURE, MeetingKind.THEMED_DAY,
                     MeetingKind.LIFE_MEETING]


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    EXCUSED = "excused", _("Excused")
    ABSENT = "absent", _("Absent")


class Meeting(BaseModel):
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=MeetingKind.choices)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    topic = models.CharField(_("topic"), max_length=200)
    host = models.CharField(_("host"), max_length=50, blank=True)
    recorder = models.CharField(_("recorder"), max_length=50, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    attachment = models.FileField(_("attachment"), upload_to="meetings/%Y/", blank=True)
    # Kept by the services from the attendance rows, so a ledger of a year is one query.
    present_count = models.PositiveIntegerField(_("present"), default=0, editable=False)
    excused_count = models.PositiveIntegerField(_("excused"), default=0, editable=False)
    absent_count = models.PositiveIntegerField(_("absent"), default=0, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["org_path", "date"]),
            models.Index(fields=["organization", "date"]),
        ]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} · {self.topic}"

    @property
    def expected_count(self) -> int:
        return self.present_count + self.excused_count + self.absent_count


class Attendance(models.Model):
    """One member expected at one meeting. ``date`` and ``kind`` are the meeting's, copied so that rates and
    the six-month flag read one table."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey("people.Person", verbose_name=_("member"), on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    date = models.DateField()
    kind = models.CharField(max_length=16, choices=MeetingKind.choices)
    status = models.CharField(_("attendance"), max_length=8, choices=AttendanceStatus.choices)

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "people"
    scope_self_field = "person_id"

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="attendance_once")]
        indexes = [
            models.Index(fields=["org_path", "date"]),
            models.Index(fields=["person", "date"]),
        ]

    def __str__(self):
        return f"{self.person_id} · {self.get_status_display()}"


class OrganizedQuerySet(OwnedQuerySet):
    """Training organized above is seen from below (a township sees the county's class its cadres attend)."""


class TrainingLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")
    VILLAGE = "village", _("Village")


class TrainingPlan(BaseModel):
    year = models.PositiveSmallIntegerField(_("year"))
    organizer = models.ForeignKey("orgs.Organization", verbose_name=_("organizer"), on_delete=models.PROTECT,
                                  related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    title = models.CharField(_("title"), max_length=200)

    objects = OrganizedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("training plan")
        verbose_name_plural = _("training plans")
        ordering = ["-year", "title"]

    def __str__(self):
        return self.title


class TrainingClass(BaseModel):
    plan = models.ForeignKey(TrainingPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="classes")
    title = models.CharField(_("title"), max_length=200)
    level = models.CharField(_("level"), max_length=12, choices=TrainingLevel.choices)
    domain = models.CharField(_("domain of the trainees"), max_length=16, choices=Domain.choices, blank=True)
    organizer = models.ForeignKey("orgs.Organization", verbose_name=_("organizer"), on_delete=models.PROTECT,
                                  related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    start_on = models.DateField(_("starts on"))
    end_on = models.DateField(_("ends on"))
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1, default=0)
    course_series = models.CharField(_("course series"), max_length=200, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)

    objects = OrganizedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "org"

    class Meta:
        verbose_name = _("training class")
        verbose_name_plural = _("training classes")
        ordering = ["-start_on", "title"]
        indexes = [models.Index(fields=["org_path", "start_on"])]

    def __str__(self):
        return self.title

    @property
    def days(self) -> int:
        return (self.end_on - self.start_on).days + 1


class Participant(models.Model):
    """A person taking part in a class; ``org_path`` is the person's, so a subtree's trainees are one range."""

    training_class = models.ForeignKey(TrainingClass, verbose_name=_("class"), on_delete=models.CASCADE,
                                       related_name="participants")
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    attended_days = models.PositiveSmallIntegerField(_("days attended"), default=0)
    exam_score = models.DecimalField(_("exam score"), max_digits=5, decimal_places=1, null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    scope_realm = "people"
    scope_self_field = "person_id"

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [models.UniqueConstraint(fields=["training_class", "person"], name="participant_once")]
        indexes = [models.Index(fields=["org_path"]), models.Index(fields=["person"])]

    def __str__(self):
        return f"{self.person_id} · {self.training_class_id}"

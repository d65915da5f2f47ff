"""Writes of organization life and training. Keyword-only, ``user`` first, atomic, each change recorded.

A meeting's attendance is written with bulk statements (one per kind of change), so a meeting of 60 members
saves in a handful of queries; its duty submission follows in the same transaction (orglife/duty_link.py).
"""
import datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from engines.duties import clock
from kernel.core.changelog import record_change, snapshot
from kernel.core.models import ChangeRecord
from kernel.core.services import refuse, require_in_scope
from kernel.core.services import user_or_none as _user_or_none
from kernel.orgs.models import Organization
from kernel.people.choices import MemberStatus
from kernel.people.models import Person

from . import duty_link
from .models import Attendance, AttendanceStatus, Meeting, MeetingKind, Participant, TrainingClass, TrainingPlan

MEETING_FIELDS = ("kind", "date", "place", "topic", "host", "recorder", "minutes")



def expected_people(organization: Organization):
    """The members a meeting of ``organization`` lists: its members in good standing, by name."""
    return (Person.objects.filter(organization=organization, membership__status=MemberStatus.ACTIVE)
            .order_by("name_search", "pk"))


def _check_meeting(organization, data: dict, attendance: dict) -> None:
    if data.get("kind") not in MeetingKind.values:
        refuse(_("Choose the kind of meeting."), field="kind")
    if not isinstance(data.get("date"), datetime.date):
        refuse(_("Give the date of the meeting."), field="date")
    if data["date"] > clock.today():
        refuse(_("A meeting is recorded after it took place."), field="date")
    if not (data.get("topic") or "").strip():
        refuse(_("Give the meeting's topic."), field="topic")
    if any(status not in AttendanceStatus.values for status in attendance.values()):
        refuse(_("Attendance is present, excused or absent."), field="attendance")


def _counts(attendance: dict) -> dict:
    statuses = list(attendance.values())
    return {f"{status}_count": statuses.count(status) for status in AttendanceStatus.values}


@transaction.atomic
def meeting_save(*, user, organization: Organization | None = None, meeting: Meeting | None = None,
                 attendance: dict, attachment=None, **data) -> Meeting:
    """Records a meeting (or edits ``meeting``) with its attendance ``{person_id: status}``; people left out were
    not expected. The meeting discharges the duty of its kind; entered after the duty's back-filling window it
    waits for an approval (the engine decides)."""
    if meeting is not None:
        meeting = Meeting.objects.select_for_update().select_related("organization").get(pk=meeting.pk)
        organization = meeting.organization
        data = {name: data.get(name, getattr(meeting, name)) for name in MEETING_FIELDS}
    require_in_scope(user, organization.path, realm="org")
    data = {name: (data.get(name) or "").strip() if name not in ("date",) else data.get(name)
            for name in MEETING_FIELDS}
    attendance = {int(pk): status for pk, status in attendance.items() if status}
    _check_meeting(organization, data, attendance)
    known = {row[0]: row[1] for row in Attendance.objects.filter(meeting=meeting).values_list(
        "person_id", "status")} if meeting is not None else {}
    allowed = set(expected_people(organization).values_list("pk", flat=True)) | set(known)
    if not set(attendance) <= allowed:
        refuse(_("Attendance can be recorded only for the organization's members."), field="attendance")

    before = snapshot(meeting) if meeting is not None else None
    kind_changed = meeting is not None and meeting.kind != data["kind"]
    date_changed = meeting is not None and meeting.date != data["date"]
    if meeting is None:
        meeting = Meeting(organization=organization, org_path=organization.path, recorded_by=_user_or_none(user))
    for name, value in {**data, **_counts(attendance)}.items():
        setattr(meeting, name, value)
    if attachment is not None:
        meeting.attachment = attachment
    created = meeting.pk is None
    meeting.save()
    _write_attendance(meeting, attendance, known, moved=kind_changed or date_changed)
    if created:
        record_change(meeting, ChangeRecord.Action.CREATE, message=_attendance_message(meeting))
        duty_link.meeting_submit(user=user, meeting=meeting)
    else:
        changed = {pk for pk in set(known) | set(attendance) if known.get(pk) != attendance.get(pk)}
        record_change(meeting, ChangeRecord.Action.UPDATE, before=before,
                      message=_attendance_message(meeting) if changed else "")
        if kind_changed or date_changed or before["topic"] != meeting.topic:
            duty_link.meeting_changed(user=user, meeting=meeting, kind_changed=kind_changed)
    return meeting


def _attendance_message(meeting: Meeting) -> str:
    return _("Attendance: %(present)s present, %(excused)s excused, %(absent)s absent") % {
        "present": meeting.present_count, "excused": meeting.excused_count, "absent": meeting.absent_count}


def _write_attendance(meeting: Meeting, attendance: dict, known: dict, *, moved: bool) -> None:
    """At most three statements: the new rows, the changed ones, the removed ones (plus one if the meeting moved)."""
    fields = {"meeting": meeting, "org_path": meeting.org_path, "date": meeting.date, "kind": meeting.kind}
    new = [Attendance(person_id=pk, status=status, **fields) for pk, status in attendance.items() if pk not in known]
    if new:
        Attendance.objects.bulk_create(new)
    gone = [pk for pk in known if pk not in attendance]
    if gone:
        Attendance.objects.filter(meeting=meeting, person_id__in=gone).delete()
    if moved:
        Attendance.objects.filter(meeting=meeting).update(date=meeting.date, kind=meeting.kind)
    by_status: dict = {}
    for pk, status in attendance.items():
        if pk in known and known[pk] != status:
            by_status.setdefault(status, []).append(pk)
    for status, people in by_status.items():
        Attendance.objects.filter(meeting=meeting, person_id__in=people).update(status=status)


@transaction.atomic
def meeting_delete(*, user, meeting: Meeting) -> None:
    """Deletes a meeting record; the duty it discharged is owed again."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    require_in_scope(user, meeting.org_path, realm="org")
    duty_link.record_withdraw(user=user, record=meeting)
    record_change(meeting, ChangeRecord.Action.DELETE)
    meeting.delete()


# Training ------------------------------------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, user, organizer: Organization, year: int, title: str) -> TrainingPlan:
    require_in_scope(user, organizer.path, realm="org")
    if not title.strip():
        refuse(_("Give the plan a title."), field="title")
    plan = TrainingPlan.objects.create(organizer=organizer, org_path=organizer.path, year=year, title=title.strip())
    record_change(plan, ChangeRecord.Action.CREATE)
    return plan


CLASS_FIELDS = ("title", "level", "domain", "start_on", "end_on", "hours", "course_series", "place")


@transaction.atomic
def class_save(*, user, plan: TrainingPlan | None = None, training_class: TrainingClass | None = None,
               organizer: Organization | None = None, **data) -> TrainingClass:
    """Creates a class of ``plan`` (organized by ``organizer``, default the plan's) or edits ``training_class``."""
    if training_class is not None:
        training_class = TrainingClass.objects.select_for_update().get(pk=training_class.pk)
        plan = training_class.plan
        organizer = organizer or training_class.organizer
        data = {name: data.get(name, getattr(training_class, name)) for name in CLASS_FIELDS}
    organizer = organizer or plan.organizer
    require_in_scope(user, plan.org_path, realm="org")
    require_in_scope(user, organizer.path, realm="org")
    if not (data.get("title") or "").strip():
        refuse(_("Give the class a title."), field="title")
    if not data.get("start_on") or not data.get("end_on") or data["end_on"] < data["start_on"]:
        refuse(_("A class ends on or after the day it starts."), field="end_on")
    before = snapshot(training_class) if training_class is not None else None
    if training_class is None:
        training_class = TrainingClass(plan=plan)
    for name in CLASS_FIELDS:
        value = data.get(name)
        setattr(training_class, name, (value or "") if name in ("domain", "course_series", "place") else value)
    training_class.hours = Decimal(str(data.get("hours") or 0))
    training_class.organizer, training_class.org_path = organizer, organizer.path
    created = training_class.pk is None
    training_class.save()
    record_change(training_class, ChangeRecord.Action.CREATE if created else ChangeRecord.Action.UPDATE, before=before)
    return training_class


@transaction.atomic
def participants_set(*, user, training_class: TrainingClass, rows: list[dict]) -> list[Participant]:
    """Adds or updates participants: ``rows`` of {person_id, attended_days, exam_score}. Days attended discharge
    the people's training duties (e.g. township party-affairs cadres ≥ 3 days a year)."""
    training_class = TrainingClass.objects.select_related("plan").get(pk=training_class.pk)
    require_in_scope(user, training_class.org_path, realm="org")
    wanted = {int(row["person_id"]): row for row in rows}
    people = {p.pk: p for p in Person.objects.filter(pk__in=wanted).only("pk", "org_path", "name")}
    if set(wanted) - set(people):
        refuse(_("Unknown person."), field="person_id")
    existing = {p.person_id: p for p in Participant.objects.filter(training_class=training_class, person_id__in=wanted)}
    saved = []
    for pk, row in wanted.items():
        days = int(row.get("attended_days") or 0)
        if days > training_class.days:
            refuse(_("Days attended cannot exceed the class's days."), field="attended_days")
        score = row.get("exam_score")
        participant = existing.get(pk)
        previous = participant.attended_days if participant is not None else None
        if participant is None:
            participant = Participant(training_class=training_class, person=people[pk])
        participant.org_path = people[pk].org_path
        participant.attended_days = days
        participant.exam_score = None if score in (None, "") else Decimal(str(score))
        participant.save()
        participant.person = people[pk]
        duty_link.participation_sync(user=user, participant=participant, previous_days=previous)
        saved.append(participant)
    record_change(training_class, ChangeRecord.Action.UPDATE,
                  message=_("Participants recorded: %(count)s") % {"count": len(saved)})
    return saved


@transaction.atomic
def participant_remove(*, user, participant: Participant) -> None:
    participant = Participant.objects.select_related("training_class").get(pk=participant.pk)
    require_in_scope(user, participant.training_class.org_path, realm="org")
    duty_link.record_withdraw(user=user, record=participant)
    record_change(participant.training_class, ChangeRecord.Action.UPDATE,
                  message=_("Participant removed: %(person)s") % {"person": participant.person.name})
    participant.delete()

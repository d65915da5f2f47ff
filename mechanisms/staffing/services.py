"""Writes of instructors, organizers, staff counts and the ratios: keyword-only, ``user`` first (None = the system),
atomic, scope-checked again, every change recorded.

An instructor's visit discharges part of the instructor's duty of the month (the rule ``instructor-visits``, a
once-rule opened per instructor and month through the duties engine: due at the month's end, N visits its
``min_count``); a visit withdrawn withdraws its submission.
"""
import calendar
import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from engines.duties import services as duties
from engines.duties.models import DutyRule, Obligation
from kernel.core import clock
from kernel.core.changelog import record_change, snapshot
from kernel.core.models import ChangeRecord
from kernel.core.services import refuse, require_in_scope, user_or_none
from kernel.core.tree import ancestor_paths
from kernel.orgs.models import Domain, Organization, OrgType
from kernel.people.models import Person

from .library import DEFAULT_NORM, VISITS_RULE
from .models import DepartmentStaff, Instructor, InstructorVisit, Level, Organizer, OrganizerKind, StaffingNorm

MAX_TEXT = 300
TOWNSHIP_DOMAINS = (Domain.RURAL, Domain.COMMUNITY)


def _text(value, field, *, required=False, what=""):
    value = (value or "").strip()
    if required and not value:
        refuse(what or _("This field is required."), field=field)
    if len(value) > MAX_TEXT:
        refuse(_("At most %(count)s characters.") % {"count": MAX_TEXT}, field=field)
    return value


def _past(day, field):
    if day is None:
        refuse(_("Give the day."), field=field)
    if day > clock.today():
        refuse(_("The day cannot be in the future."), field=field)
    return day


def is_township(org: Organization) -> bool:
    return (org.org_type == OrgType.PARTY_COMMITTEE and org.domain in TOWNSHIP_DOMAINS and org.parent_id is not None
            and org.parent.org_type == OrgType.COMMITTEE)


# --- the ratios -----------------------------------------------------------------------------------------------------

def norm_in_force(organization: Organization, on: datetime.date) -> dict:
    """The ratios for ``organization`` on ``on``: the row in force of the nearest organization above (or itself) that
    keeps a table; seed 002's defaults where none does."""
    paths = ancestor_paths(organization.path)
    row = (StaffingNorm.objects.filter(owner_path__in=paths, effective_from__lte=on)
           .order_by("-owner_path", "-effective_from", "-pk").first())
    if row is None:
        return {key: DEFAULT_NORM[key] for key in ("full_time_share", "part_time_share", "grassroots_share")}
    return {"full_time_share": row.full_time_share, "part_time_share": row.part_time_share,
            "grassroots_share": row.grassroots_share}


@transaction.atomic
def norm_set(*, user, owner: Organization, full_time_share: int, part_time_share: int, grassroots_share: int,
             effective_from: datetime.date, note: str) -> StaffingNorm:
    """New ratios in force from a day; the rows before stay (earlier years are judged by the ratios of their
    time)."""
    require_in_scope(user, owner.path, realm="org")
    for field, value in (("full_time_share", full_time_share), ("part_time_share", part_time_share),
                         ("grassroots_share", grassroots_share)):
        if value is None or not 0 <= value <= 100:
            refuse(_("A share is a percent from 0 to 100."), field=field)
    if effective_from is None:
        refuse(_("Give the day."), field="effective_from")
    note = _text(note, "note", required=True, what=_("Say why the ratios change (the document or decision)."))
    if StaffingNorm.objects.filter(owner=owner, effective_from=effective_from).exists():
        refuse(_("Ratios are already in force from that day."), field="effective_from")
    row = StaffingNorm.objects.create(owner=owner, owner_path=owner.path, full_time_share=full_time_share,
                                      part_time_share=part_time_share, grassroots_share=grassroots_share,
                                      effective_from=effective_from, note=note, created_by=user_or_none(user))
    record_change(row, ChangeRecord.Action.CREATE)
    return row


# --- instructors ----------------------------------------------------------------------------------------------------

@transaction.atomic
def instructor_station(*, user, person: Person, organization: Organization, level: str, started_on: datetime.date,
                       unit: str = "") -> Instructor:
    """Stations a cadre in a village as its party-building instructor."""
    organization = Organization.objects.get(pk=organization.pk)
    require_in_scope(user, organization.path, realm="org")
    if not organization.is_active or organization.org_type not in (OrgType.BRANCH, OrgType.GENERAL_BRANCH):
        refuse(_("Choose an active village branch."), field="organization")
    if level not in Level.values:
        refuse(_("Choose the instructor's level."), field="level")
    _past(started_on, "started_on")
    if Instructor.objects.filter(person=person, organization=organization, ended_on=None).exists():
        refuse(_("The instructor is stationed in this village already."), field="person")
    row = Instructor.objects.create(person=person, organization=organization, org_path=organization.path,
                                    level=level, unit=_text(unit, "unit")[:120], started_on=started_on,
                                    created_by=user_or_none(user))
    record_change(row, ChangeRecord.Action.CREATE)
    month_obligation(row, clock.today())
    return row


@transaction.atomic
def instructor_end(*, user, instructor: Instructor, on: datetime.date, reason: str) -> Instructor:
    row = Instructor.objects.select_for_update().get(pk=instructor.pk)
    require_in_scope(user, row.org_path, realm="org")
    if row.ended_on is not None:
        refuse(_("The instructor's stationing has ended already."))
    _past(on, "on")
    if on < row.started_on:
        refuse(_("It ends after it began (%(date)s).") % {"date": row.started_on.isoformat()}, field="on")
    before = snapshot(row)
    row.ended_on, row.end_reason = on, _text(reason, "reason", required=True, what=_("Say why it ends."))
    row.save(update_fields=["ended_on", "end_reason", "updated_at"])
    record_change(row, ChangeRecord.Action.UPDATE, before=before)
    return row


def _rule() -> DutyRule | None:
    return DutyRule.objects.filter(code=VISITS_RULE, active=True).first()


def month_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


def month_obligation(instructor: Instructor, day: datetime.date) -> Obligation | None:
    """The instructor's duty of the month containing ``day`` (opened if the rule is installed and the instructor
    served in that month); None otherwise."""
    rule = _rule()
    start, end = month_bounds(day)
    if rule is None or instructor.started_on > end or (instructor.ended_on and instructor.ended_on < start):
        return None
    return duties.obligation_once(user=None, rule=rule, subject=instructor.person, due_on=end, period_start=start)


@transaction.atomic
def visit_log(*, user, instructor: Instructor, visited_on: datetime.date, content: str, problems: str = "",
              follow_up: str = "", followed_up: bool = False) -> InstructorVisit:
    """One visit of the instructor to the village: counted towards the month's duty."""
    instructor = Instructor.objects.select_related("person", "organization").get(pk=instructor.pk)
    require_in_scope(user, instructor.org_path, realm="org")
    _past(visited_on, "visited_on")
    if visited_on < instructor.started_on or (instructor.ended_on and visited_on > instructor.ended_on):
        refuse(_("The visit falls outside the instructor's stationing."), field="visited_on")
    content = _text(content, "content", required=True, what=_("Say what was done."))
    visit = InstructorVisit.objects.create(
        instructor=instructor, org_path=instructor.org_path, visited_on=visited_on, content=content,
        problems=_text(problems, "problems"), follow_up=_text(follow_up, "follow_up"), followed_up=followed_up,
        created_by=user_or_none(user))
    obligation = month_obligation(instructor, visited_on)
    if obligation is not None:
        visit.submission = duties.submit(user=None, rule=obligation.rule, subject=instructor.person,
                                         occurred_on=visited_on, period_start=obligation.period_start,
                                         title=f"{instructor.organization.name} · {content}"[:200], record=visit)
        InstructorVisit.objects.filter(pk=visit.pk).update(submission=visit.submission)
    record_change(visit, ChangeRecord.Action.CREATE)
    return visit


@transaction.atomic
def visit_follow_up(*, user, visit: InstructorVisit, follow_up: str, followed_up: bool) -> InstructorVisit:
    visit = InstructorVisit.objects.select_for_update().get(pk=visit.pk)
    require_in_scope(user, visit.org_path, realm="org")
    before = snapshot(visit)
    visit.follow_up, visit.followed_up = _text(follow_up, "follow_up"), bool(followed_up)
    visit.save(update_fields=["follow_up", "followed_up", "updated_at"])
    record_change(visit, ChangeRecord.Action.UPDATE, before=before)
    return visit


@transaction.atomic
def visit_withdraw(*, user, visit: InstructorVisit) -> None:
    """A visit logged by mistake is taken out, and no longer counts towards the month's duty."""
    visit = InstructorVisit.objects.select_for_update().get(pk=visit.pk)
    require_in_scope(user, visit.org_path, realm="org")
    if visit.submission_id is not None:
        duties.submission_withdraw(user=None, submission=visit.submission)
    record_change(visit, ChangeRecord.Action.DELETE)
    visit.delete()


def open_months(*, today: datetime.date | None = None) -> int:
    """The daily run: every serving instructor's duty of the current month is open."""
    today = today or clock.today()
    start, _end = month_bounds(today)
    opened = 0
    if _rule() is None:
        return 0
    for instructor in Instructor.objects.filter(started_on__lte=today).exclude(ended_on__lt=start).select_related(
            "person"):
        opened += month_obligation(instructor, today) is not None
    return opened


# --- organizers and staff -------------------------------------------------------------------------------------------

@transaction.atomic
def organizer_add(*, user, person: Person, organization: Organization, kind: str, started_on: datetime.date,
                  certified: bool = False, certificate: str = "") -> Organizer:
    organization = Organization.objects.select_related("parent").get(pk=organization.pk)
    require_in_scope(user, organization.path, realm="org")
    if not organization.is_active or not is_township(organization):
        refuse(_("Organizers are recorded for an active township or street committee."), field="organization")
    if kind not in OrganizerKind.values:
        refuse(_("Choose full-time or part-time."), field="kind")
    _past(started_on, "started_on")
    certificate = _text(certificate, "certificate")[:40]
    if certified and not certificate:
        refuse(_("Give the certificate number of a certified organizer."), field="certificate")
    if Organizer.objects.filter(person=person, organization=organization, kind=kind, ended_on=None).exists():
        refuse(_("%(name)s is recorded as such an organizer already.") % {"name": person.name}, field="person")
    row = Organizer.objects.create(person=person, organization=organization, org_path=organization.path, kind=kind,
                                   certified=bool(certified), certificate=certificate, started_on=started_on)
    record_change(row, ChangeRecord.Action.CREATE)
    return row


@transaction.atomic
def organizer_end(*, user, organizer: Organizer, on: datetime.date) -> Organizer:
    row = Organizer.objects.select_for_update().get(pk=organizer.pk)
    require_in_scope(user, row.org_path, realm="org")
    if row.ended_on is not None:
        refuse(_("The organizer has ended already."))
    _past(on, "on")
    if on < row.started_on:
        refuse(_("It ends after it began (%(date)s).") % {"date": row.started_on.isoformat()}, field="on")
    before = snapshot(row)
    row.ended_on = on
    row.save(update_fields=["ended_on", "updated_at"])
    record_change(row, ChangeRecord.Action.UPDATE, before=before)
    return row


@transaction.atomic
def staff_set(*, user, organization: Organization, year: int, total: int, grassroots: int,
              note: str = "") -> DepartmentStaff:
    """The department's staff of a year and those on grassroots work among them (a second entry replaces the
    first)."""
    organization = Organization.objects.get(pk=organization.pk)
    require_in_scope(user, organization.path, realm="org")
    if organization.org_type != OrgType.COMMITTEE:
        refuse(_("Staff counts are kept for a county (city) committee's organization department."),
               field="organization")
    if year is None or not 2000 <= year <= clock.today().year:
        refuse(_("Choose a year up to this one."), field="year")
    if total is None or total < 1:
        refuse(_("The department has at least one member of staff."), field="total")
    if grassroots is None or grassroots < 0 or grassroots > total:
        refuse(_("Those on grassroots work are part of the staff: from 0 to %(total)s.") % {"total": total},
               field="grassroots")
    row = DepartmentStaff.objects.filter(organization=organization, year=year).first()
    if row is None:
        row = DepartmentStaff.objects.create(organization=organization, org_path=organization.path, year=year,
                                             total=total, grassroots=grassroots, note=_text(note, "note"))
        record_change(row, ChangeRecord.Action.CREATE)
    else:
        before = snapshot(row)
        row.total, row.grassroots, row.note = total, grassroots, _text(note, "note")
        row.save(update_fields=["total", "grassroots", "note", "updated_at"])
        record_change(row, ChangeRecord.Action.UPDATE, before=before)
    return row

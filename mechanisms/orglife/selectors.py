"""Reads of organization life and training, all through ``restrict(user)``.

Attendance rows carry their meeting's date and kind and their organization's path, so rates and the
six-month absence flag are aggregates over one table and one index range.
"""
import datetime
from collections import defaultdict

from django.db.models import Count, Max, Q, Sum

from kernel.core import clock
from kernel.core.tree import SEGMENT_WIDTH, subtree_q
from kernel.orgs.models import Organization
from kernel.people.choices import MemberStatus
from kernel.people.models import Person

from .models import (
    ORGANIZATION_LIFE,
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingKind,
    Participant,
    TrainingClass,
)

ABSENCE_MONTHS = 6
PRESENT, EXCUSED, ABSENT = AttendanceStatus.PRESENT, AttendanceStatus.EXCUSED, AttendanceStatus.ABSENT


def months_before(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 - months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _rate(present: int, expected: int) -> float | None:
    return round(present / expected, 4) if expected else None


def _tally():
    return {"present": Count("pk", filter=Q(status=PRESENT)), "excused": Count("pk", filter=Q(status=EXCUSED)),
            "absent": Count("pk", filter=Q(status=ABSENT)), "expected": Count("pk")}


# Meetings -----------------------------------------------------------------------------------------------------


def meetings(user, *, under: Organization | None = None, organization: Organization | None = None, kind=None,
             date_from=None, date_to=None):
    rows = Meeting.objects.restrict(user).select_related("organization")
    if organization is not None:
        rows = rows.filter(organization=organization)
    elif under is not None:
        rows = rows.filter(subtree_q("org_path", [under.path]))
    if kind:
        rows = rows.filter(kind=kind)
    if date_from:
        rows = rows.filter(date__gte=date_from)
    if date_to:
        rows = rows.filter(date__lte=date_to)
    return rows


def ledger(user, organization: Organization, year: int) -> dict:
    """The branch's meetings of ``year`` and the member × meeting grid of the 党员参会考勤登记册.

    Rows: everyone expected at one of the meetings or a member now, by name; a cell is the status or ''.
    """
    start, end = year_bounds(year)
    meeting_rows = list(meetings(user, organization=organization, date_from=start, date_to=end).order_by("date", "pk"))
    cells = defaultdict(dict)
    for person_id, meeting_id, status in Attendance.objects.restrict(user).filter(
            meeting__in=[m.pk for m in meeting_rows]).values_list("person_id", "meeting_id", "status"):
        cells[person_id][meeting_id] = status
    members = set(Person.objects.restrict(user).filter(organization=organization,
                                                       membership__status=MemberStatus.ACTIVE).values_list("pk", flat=True))
    people = Person.objects.restrict(user).filter(pk__in=members | set(cells)).order_by("name_search", "pk")
    grid = []
    for person in people.only("pk", "name", "name_search"):
        row = cells.get(person.pk, {})
        statuses = [row.get(m.pk, "") for m in meeting_rows]
        present, expected = statuses.count(PRESENT), sum(1 for s in statuses if s)
        grid.append({"person": person, "cells": statuses, "present": present, "excused": statuses.count(EXCUSED),
                     "absent": statuses.count(ABSENT), "expected": expected, "rate": _rate(present, expected)})
    by_kind = {kind: sum(1 for m in meeting_rows if m.kind == kind) for kind in MeetingKind.values}
    return {"meetings": meeting_rows, "grid": grid, "by_kind": by_kind, "year": year}


def member_rates(user, organization: Organization, *, date_from, date_to) -> list[dict]:
    """Per person of the organization's meetings in the period: present, excused, absent, rate (present / expected)."""
    rows = (Attendance.objects.restrict(user).filter(meeting__organization=organization, date__gte=date_from,
                                                      date__lte=date_to)
            .values("person_id").annotate(**_tally(), last_present=Max("date", filter=Q(status=PRESENT))))
    names = dict(Person.objects.filter(pk__in=[r["person_id"] for r in rows]).values_list("pk", "name"))
    result = [{**row, "name": names.get(row["person_id"], ""), "rate": _rate(row["present"], row["expected"])}
              for row in rows]
    return sorted(result, key=lambda r: (r["rate"] if r["rate"] is not None else 2, r["name"]))


def branch_rates(user, root: Organization, *, date_from, date_to) -> list[dict]:
    """Per organization holding meetings under ``root`` (itself included): meetings, attendance and the rate."""
    scope = subtree_q("org_path", [root.path])
    tallies = {row["org_path"]: row for row in Attendance.objects.restrict(user).filter(
        scope, date__gte=date_from, date__lte=date_to).values("org_path").annotate(**_tally())}
    held = {row["organization_id"]: row["n"] for row in Meeting.objects.restrict(user).filter(
        scope, date__gte=date_from, date__lte=date_to).values("organization_id").annotate(n=Count("pk"))}
    orgs = Organization.objects.restrict(user).filter(pk__in=held).order_by("path")
    result = []
    for org in orgs:
        tally = tallies.get(org.path, {"present": 0, "excused": 0, "absent": 0, "expected": 0})
        result.append({"organization": org, "meetings": held[org.pk], **{k: tally[k] for k in (
            "present", "excused", "absent", "expected")}, "rate": _rate(tally["present"], tally["expected"])})
    return result


def rate_of(user, root: Organization, *, date_from, date_to) -> dict:
    """The subtree's attendance in one figure: present / expected over every meeting under ``root``."""
    tally = Attendance.objects.restrict(user).filter(
        subtree_q("org_path", [root.path]), date__gte=date_from, date__lte=date_to).aggregate(**_tally())
    return {**tally, "rate": _rate(tally["present"], tally["expected"])}


def absentees(user, root: Organization, *, today: datetime.date | None = None, months: int = ABSENCE_MONTHS):
    """Members absent from organization life for ``months``: expected at its meetings in the window (which began
    after they joined), absent without leave at least once and present at none. Each row: person, branch,
    township, absences, excused, last time present (ever)."""
    today = today or clock.today()
    since = months_before(today, months)
    window = Attendance.objects.restrict(user).filter(subtree_q("org_path", [root.path]), kind__in=ORGANIZATION_LIFE,
                                                     date__gt=since, date__lte=today)
    flagged = list(window.values("person_id").annotate(**_tally()).filter(present=0, absent__gt=0))
    if not flagged:
        return []
    tallies = {row["person_id"]: row for row in flagged}
    people = (Person.objects.restrict(user).filter(pk__in=tallies, membership__status=MemberStatus.ACTIVE,
                                                   membership__joined_on__lte=since)
              .select_related("organization").order_by("org_path", "name_search"))
    last = dict(Attendance.objects.filter(person_id__in=tallies, status=PRESENT).values("person_id")
                .annotate(last=Max("date")).values_list("person_id", "last"))
    townships = _township_names(people, root)
    return [{"person": person, "branch": person.organization, "township": townships.get(person.org_path, ""),
             "absent": tallies[person.pk]["absent"], "excused": tallies[person.pk]["excused"],
             "last_present": last.get(person.pk), "since": since} for person in people]


def absentee_counts(user, root: Organization, *, today=None) -> list[dict]:
    """For the cockpit: flagged members per child of ``root``."""
    counts = defaultdict(int)
    depth = len(root.path) + SEGMENT_WIDTH
    for row in absentees(user, root, today=today):
        counts[row["person"].org_path[:depth]] += 1
    children = Organization.objects.restrict(user).filter(path__in=counts).order_by("path")
    return [{"organization": child, "count": counts[child.path]} for child in children]


def _township_names(people, root: Organization) -> dict:
    """Each person's organization one level under ``root`` (their township, seen from the county)."""
    depth = len(root.path) + SEGMENT_WIDTH
    paths = {p.org_path[:depth] for p in people}
    names = dict(Organization.objects.filter(path__in=paths).values_list("path", "name"))
    return {p.org_path: names.get(p.org_path[:depth], "") for p in people}


# Training -----------------------------------------------------------------------------------------------------


def classes(user, *, under: Organization | None = None, year: int | None = None, level=None):
    rows = TrainingClass.objects.restrict(user).select_related("plan", "organizer")
    if under is not None:
        rows = rows.filter(subtree_q("org_path", [under.path]))
    if year:
        rows = rows.filter(start_on__year=year)
    if level:
        rows = rows.filter(level=level)
    return rows.annotate(person_times=Count("participants", filter=Q(participants__attended_days__gt=0)))


def training_totals(user, root: Organization, *, year: int | None = None) -> dict:
    """Classes, person-times (participants who attended) and person-hours, per level and trainees' domain,
    for classes organized under ``root`` (or, for those above it, attended by people under it)."""
    participants = Participant.objects.restrict(user).filter(attended_days__gt=0).filter(
        Q(subtree_q("training_class__org_path", [root.path])) | Q(subtree_q("org_path", [root.path])))
    if year:
        participants = participants.filter(training_class__start_on__year=year)
    rows = list(participants.values("training_class__level", "training_class__domain").annotate(
        person_times=Count("pk"), hours=Sum("training_class__hours"),
        classes=Count("training_class", distinct=True), days=Sum("attended_days")))
    total = {"classes": len(set(participants.values_list("training_class_id", flat=True))),
             "person_times": sum(r["person_times"] for r in rows), "hours": sum(r["hours"] or 0 for r in rows),
             "days": sum(r["days"] or 0 for r in rows)}
    rows = [{"level": r["training_class__level"], "domain": r["training_class__domain"], "classes": r["classes"],
             "person_times": r["person_times"], "hours": r["hours"] or 0, "days": r["days"] or 0} for r in rows]
    return {"rows": sorted(rows, key=lambda r: (r["level"], r["domain"])), "total": total}


def archive(user, person: Person):
    """A person's training record (培训档案): every class taken, newest first."""
    return (Participant.objects.restrict(user).filter(person=person)
            .select_related("training_class__plan", "training_class__organizer")
            .order_by("-training_class__start_on"))

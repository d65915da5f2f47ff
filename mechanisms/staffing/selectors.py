"""Reads of instructors, organizers and staff, through ``restrict``; the ratios computed once for the pages, the
API, the workbooks and the home panel."""
import datetime

from django.db.models import Count, Q

from engines.duties.models import Obligation
from kernel.core import clock, rates
from kernel.core.tree import subtree_q
from kernel.orgs.models import Organization, OrgStatus, OrgType

from .library import VISITS_RULE
from .models import DepartmentStaff, Instructor, InstructorVisit, Organizer, OrganizerKind
from .services import TOWNSHIP_DOMAINS, month_bounds, norm_in_force


def _under(rows, under, field="org_path"):
    return rows.filter(subtree_q(field, [under.path])) if under is not None else rows


def instructors(user, *, under=None, level: str = "", current: bool = True, on: datetime.date | None = None):
    rows = _under(Instructor.objects.restrict(user), under).select_related("person", "organization")
    if level:
        rows = rows.filter(level=level)
    if current:
        on = on or clock.today()
        rows = rows.filter(started_on__lte=on).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
    return rows.order_by("org_path", "pk")


def month_rows(user, day: datetime.date, *, under=None, level: str = "") -> list[dict]:
    """Each instructor serving in the month of ``day``: visits logged in it, the duty's N and state, met or not."""
    start, end = month_bounds(day)
    rows = list(_under(Instructor.objects.restrict(user), under).filter(started_on__lte=end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=start)).select_related("person", "organization")
        .annotate(month_visits=Count("visits", filter=Q(visits__visited_on__gte=start, visits__visited_on__lte=end)))
        .order_by("org_path", "pk"))
    if level:
        rows = [row for row in rows if row.level == level]
    obligations = {o.person_id: o for o in Obligation.objects.filter(
        rule__code=VISITS_RULE, period_start=start, person_id__in=[row.person_id for row in rows])}
    answer = []
    for row in rows:
        obligation = obligations.get(row.person_id)
        required = obligation.required_count if obligation else None
        answer.append({"instructor": row, "visits": row.month_visits, "required": required,
                       "obligation": obligation, "met": required is not None and row.month_visits >= required})
    return answer


def visits(user, *, under=None, instructor=None, year: int | None = None):
    rows = _under(InstructorVisit.objects.restrict(user), under).select_related(
        "instructor", "instructor__person", "instructor__organization")
    if instructor is not None:
        rows = rows.filter(instructor=instructor)
    if year:
        rows = rows.filter(visited_on__year=year)
    return rows.order_by("-visited_on", "-pk")


def townships(user, *, under=None):
    rows = Organization.objects.restrict(user).filter(
        org_type=OrgType.PARTY_COMMITTEE, domain__in=TOWNSHIP_DOMAINS, parent__org_type=OrgType.COMMITTEE,
        status=OrgStatus.ACTIVE)
    return _under(rows, under, "path").select_related("parent").order_by("path")


def organizers(user, *, under=None, on: datetime.date | None = None):
    on = on or clock.today()
    rows = _under(Organizer.objects.restrict(user), under).filter(started_on__lte=on).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=on))
    return rows.select_related("person", "organization").order_by("org_path", "kind", "pk")


def organizer_ratios(user, on: datetime.date, *, under=None) -> dict:
    """Per township: its current organizers, full-time and part-time, certified or not; per county (committee):
    the townships with a certified full-time organizer and with a certified part-time one against the ratios in
    force; and the totals over the user's scope."""
    towns = list(townships(user, under=under))
    current = list(organizers(user, under=under, on=on))
    per = {town.pk: {"township": town, "full_time": 0, "part_time": 0, "uncertified": 0} for town in towns}
    for organizer in current:
        entry = per.get(organizer.organization_id)
        if entry is None:
            continue
        if not organizer.certified:
            entry["uncertified"] += 1
        elif organizer.kind == OrganizerKind.FULL_TIME:
            entry["full_time"] += 1
        else:
            entry["part_time"] += 1
    counties = {}
    for town in towns:
        county = counties.setdefault(town.parent_id, {"county": town.parent, "townships": 0, "full_time": 0,
                                                      "part_time": 0, "norm": norm_in_force(town.parent, on)})
        county["townships"] += 1
        county["full_time"] += per[town.pk]["full_time"] > 0
        county["part_time"] += per[town.pk]["part_time"] > 0
    for county in counties.values():
        _judge(county)
    total = {"townships": len(towns), "full_time": sum(c["full_time"] for c in counties.values()),
             "part_time": sum(c["part_time"] for c in counties.values()),
             "norm": next(iter(counties.values()))["norm"] if len(counties) == 1 else (
                 norm_in_force(towns[0].parent, on) if towns else None)}
    if total["norm"] is not None:
        _judge(total)
    return {"townships": list(per.values()), "counties": list(counties.values()), "total": total,
            "organizers": current}


def _judge(row: dict) -> None:
    row["full_time_rate"] = rates.rate(row["full_time"], row["townships"])
    row["part_time_rate"] = rates.rate(row["part_time"], row["townships"])
    row["full_time_met"] = row["full_time_rate"] is not None and row["full_time_rate"] >= row["norm"][
        "full_time_share"]
    row["part_time_met"] = row["part_time_rate"] is not None and row["part_time_rate"] >= row["norm"][
        "part_time_share"]


def staff_rows(user, year: int) -> list[dict]:
    """Each county committee's staff of the year in the user's scope: the share on grassroots work against the
    ratio in force at the year's end."""
    answer = []
    for row in DepartmentStaff.objects.restrict(user).filter(year=year).select_related("organization"):
        norm = norm_in_force(row.organization, datetime.date(year, 12, 31))
        share = rates.rate(row.grassroots, row.total)
        answer.append({"row": row, "share": share, "target": norm["grassroots_share"],
                       "met": share is not None and share >= norm["grassroots_share"]})
    return answer

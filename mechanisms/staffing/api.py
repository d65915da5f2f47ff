"""Instructors, organizers and staffing in the REST API: the instructors serving in a month with their visits
against the monthly duty, stationing one, the visit log (log, withdraw), the organizers per township against the
ratios, the department's staff of a year against its ratio, and the table of ratios. Outside the scope: 404."""
import datetime
from decimal import Decimal

from ninja import Field, Router, Schema, Status

from kernel.core import clock
from kernel.core.api import In, Ref, Year, choice, get_scoped, ref, run_service, scoped
from kernel.core.scope import CHANGE
from kernel.orgs.models import Organization
from kernel.people.models import Person

from . import selectors, services
from .models import DepartmentStaff, Instructor, InstructorVisit, Level, Organizer, OrganizerKind, StaffingNorm

router = Router(tags=["staffing"])


class StaffingInstructorOut(Schema):
    id: int
    person: Ref
    organization: Ref
    level: choice(Level)
    unit: str
    started_on: datetime.date
    ended_on: datetime.date | None
    visits: int = Field(description="Visits logged in the month asked for.")
    required: int | None = Field(description="The month's duty: visits required (None: the rule is not installed).")
    met: bool
    obligation: int | None
    state: str


class StaffingInstructorIn(In):
    person: int
    organization: int
    level: choice(Level)
    unit: str = Field("", max_length=120)
    started_on: datetime.date


class StaffingEndIn(In):
    on: datetime.date
    reason: str = Field("", max_length=300)


class StaffingVisitOut(Schema):
    id: int
    instructor: int
    village: Ref
    visited_on: datetime.date
    content: str
    problems: str
    follow_up: str
    followed_up: bool


class StaffingVisitIn(In):
    visited_on: datetime.date
    content: str = Field("", max_length=300)
    problems: str = Field("", max_length=300)
    follow_up: str = Field("", max_length=300)
    followed_up: bool = False


class StaffingOrganizerOut(Schema):
    id: int
    person: Ref
    organization: Ref
    kind: choice(OrganizerKind)
    certified: bool
    certificate: str
    started_on: datetime.date
    ended_on: datetime.date | None


class StaffingOrganizerIn(In):
    person: int
    organization: int
    kind: choice(OrganizerKind)
    started_on: datetime.date
    certified: bool = False
    certificate: str = Field("", max_length=40)


class StaffingTownshipOut(Schema):
    township: Ref
    full_time: int
    part_time: int
    uncertified: int


class StaffingRatioOut(Schema):
    county: Ref | None
    townships: int
    full_time: int
    part_time: int
    full_time_rate: Decimal | None
    part_time_rate: Decimal | None
    full_time_target: int
    part_time_target: int
    full_time_met: bool
    part_time_met: bool


class StaffingRatiosOut(Schema):
    counties: list[StaffingRatioOut]
    total: StaffingRatioOut | None
    townships: list[StaffingTownshipOut]


class StaffingStaffOut(Schema):
    id: int
    organization: Ref
    year: int
    total: int
    grassroots: int
    share: Decimal | None
    target: int
    met: bool


class StaffingStaffIn(In):
    organization: int
    year: Year
    total: int = 0
    grassroots: int = 0
    note: str = Field("", max_length=300)


class StaffingNormOut(Schema):
    id: int
    owner: Ref
    full_time_share: int
    part_time_share: int
    grassroots_share: int
    effective_from: datetime.date
    note: str


class StaffingNormIn(In):
    owner: int
    full_time_share: int = Field(70, ge=0, le=100)
    part_time_share: int = Field(90, ge=0, le=100)
    grassroots_share: int = Field(30, ge=0, le=100)
    effective_from: datetime.date
    note: str = Field("", max_length=300)


def instructor_data(row: dict) -> dict:
    i, o = row["instructor"], row["obligation"]
    return {"id": i.pk, "person": ref(i.person), "organization": ref(i.organization), "level": i.level,
            "unit": i.unit, "started_on": i.started_on, "ended_on": i.ended_on, "visits": row["visits"],
            "required": row["required"], "met": row["met"], "obligation": o.pk if o else None,
            "state": o.state if o else ""}


def visit_data(v: InstructorVisit) -> dict:
    return {"id": v.pk, "instructor": v.instructor_id, "village": ref(v.instructor.organization),
            "visited_on": v.visited_on, "content": v.content, "problems": v.problems, "follow_up": v.follow_up,
            "followed_up": v.followed_up}


def organizer_data(o: Organizer) -> dict:
    return {"id": o.pk, "person": ref(o.person), "organization": ref(o.organization), "kind": o.kind,
            "certified": o.certified, "certificate": o.certificate, "started_on": o.started_on,
            "ended_on": o.ended_on}


def ratio_data(row: dict | None) -> dict | None:
    if row is None or row.get("norm") is None:
        return None
    return {"county": ref(row.get("county")), "townships": row["townships"], "full_time": row["full_time"],
            "part_time": row["part_time"], "full_time_rate": row["full_time_rate"],
            "part_time_rate": row["part_time_rate"], "full_time_target": row["norm"]["full_time_share"],
            "part_time_target": row["norm"]["part_time_share"], "full_time_met": row["full_time_met"],
            "part_time_met": row["part_time_met"]}


def staff_data(r: dict) -> dict:
    return {"id": r["row"].pk, "organization": ref(r["row"].organization), "year": r["row"].year,
            "total": r["row"].total, "grassroots": r["row"].grassroots, "share": r["share"], "target": r["target"],
            "met": r["met"]}


def _under(request, under):
    return get_scoped(Organization.objects, request.auth, pk=under) if under is not None else None


def _month(month: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(f"{month}-01")
    except ValueError:
        return clock.today().replace(day=1)


@router.get("/instructors", response=list[StaffingInstructorOut])
@scoped(Instructor)
def instructors_list(request, month: str = "", under: int | None = None, level: choice(Level, blank=True) = ""):
    """The instructors serving in the month (``month``: YYYY-MM, default this month), each with the visits logged
    in it against the month's duty."""
    rows = selectors.month_rows(request.auth, _month(month), under=_under(request, under), level=level)
    return [instructor_data(row) for row in rows]


@router.post("/instructors", response={201: StaffingInstructorOut})
@scoped(Instructor, CHANGE)
def instructor_station(request, payload: StaffingInstructorIn):
    """Stations a cadre in a village as its party-building instructor; the month's duty opens."""
    organization = get_scoped(Organization.objects, request.auth, CHANGE, pk=payload.organization)
    person = get_scoped(Person.objects, request.auth, pk=payload.person)
    row = run_service(request, services.instructor_station, person=person, organization=organization,
                      **payload.model_dump(exclude={"person", "organization"}))
    month = [r for r in selectors.month_rows(request.auth, clock.today()) if r["instructor"].pk == row.pk]
    return Status(201, instructor_data(month[0]) if month else instructor_data(
        {"instructor": row, "visits": 0, "required": None, "met": False, "obligation": None}))


@router.post("/instructors/{instructor_id}/end", response={204: None})
@scoped(Instructor, CHANGE)
def instructor_end(request, instructor_id: int, payload: StaffingEndIn):
    run_service(request, services.instructor_end, instructor=request.scoped.get(pk=instructor_id),
                **payload.model_dump())
    return Status(204, None)


@router.get("/instructors/{instructor_id}/visits", response=list[StaffingVisitOut])
@scoped(Instructor)
def visits_list(request, instructor_id: int, year: Year | None = None):
    instructor = request.scoped.get(pk=instructor_id)
    return [visit_data(v) for v in selectors.visits(request.auth, instructor=instructor, year=year)]


@router.post("/instructors/{instructor_id}/visits", response={201: StaffingVisitOut})
@scoped(Instructor, CHANGE)
def visit_log(request, instructor_id: int, payload: StaffingVisitIn):
    """Logs a visit of the instructor to the village: counted towards the month's duty."""
    visit = run_service(request, services.visit_log, instructor=request.scoped.get(pk=instructor_id),
                        **payload.model_dump())
    return Status(201, visit_data(InstructorVisit.objects.select_related("instructor__organization").get(
        pk=visit.pk)))


@router.post("/visits/{visit_id}/withdraw", response={204: None})
@scoped(InstructorVisit, CHANGE)
def visit_withdraw(request, visit_id: int):
    """Withdraws a visit logged by mistake: it no longer counts towards the month's duty."""
    run_service(request, services.visit_withdraw, visit=request.scoped.get(pk=visit_id))
    return Status(204, None)


@router.get("/organizers", response=list[StaffingOrganizerOut])
@scoped(Organizer)
def organizers_list(request, under: int | None = None):
    return [organizer_data(o) for o in selectors.organizers(request.auth, under=_under(request, under))]


@router.post("/organizers", response={201: StaffingOrganizerOut})
@scoped(Organizer, CHANGE)
def organizer_add(request, payload: StaffingOrganizerIn):
    organization = get_scoped(Organization.objects, request.auth, CHANGE, pk=payload.organization)
    person = get_scoped(Person.objects, request.auth, pk=payload.person)
    row = run_service(request, services.organizer_add, person=person, organization=organization,
                      **payload.model_dump(exclude={"person", "organization"}))
    return Status(201, organizer_data(row))


@router.post("/organizers/{organizer_id}/end", response=StaffingOrganizerOut)
@scoped(Organizer, CHANGE)
def organizer_end(request, organizer_id: int, on: datetime.date | None = None):
    row = run_service(request, services.organizer_end, organizer=request.scoped.get(pk=organizer_id),
                      on=on or clock.today())
    return organizer_data(row)


@router.get("/organizers/ratios", response=StaffingRatiosOut)
@scoped(Organizer)
def organizer_ratios(request, under: int | None = None):
    """Per county: the townships with a certified full-time organizer and with a certified part-time one against
    the ratios in force (seed 002: 70%, 90%); per township, its organizers."""
    ratios = selectors.organizer_ratios(request.auth, clock.today(), under=_under(request, under))
    return {"counties": [ratio_data(c) for c in ratios["counties"]], "total": ratio_data(ratios["total"]),
            "townships": [{"township": ref(t["township"]), "full_time": t["full_time"], "part_time": t["part_time"],
                           "uncertified": t["uncertified"]} for t in ratios["townships"]]}


@router.get("/staff", response=list[StaffingStaffOut])
@scoped(DepartmentStaff)
def staff_list(request, year: Year):
    """The department's staff of the year, the share on grassroots work against the ratio (seed 002: 30%)."""
    return [staff_data(r) for r in selectors.staff_rows(request.auth, year)]


@router.post("/staff", response={201: StaffingStaffOut})
@scoped(DepartmentStaff, CHANGE)
def staff_set(request, payload: StaffingStaffIn):
    organization = get_scoped(Organization.objects, request.auth, CHANGE, pk=payload.organization)
    row = run_service(request, services.staff_set, organization=organization,
                      **payload.model_dump(exclude={"organization"}))
    return Status(201, next(staff_data(r) for r in selectors.staff_rows(request.auth, row.year)
                            if r["row"].pk == row.pk))


@router.get("/norms", response=list[StaffingNormOut])
@scoped(StaffingNorm)
def norms_list(request):
    return [{"id": n.pk, "owner": ref(n.owner), "full_time_share": n.full_time_share,
             "part_time_share": n.part_time_share, "grassroots_share": n.grassroots_share,
             "effective_from": n.effective_from, "note": n.note}
            for n in StaffingNorm.objects.restrict(request.auth).select_related("owner")]


@router.post("/norms", response={201: StaffingNormOut})
@scoped(StaffingNorm, CHANGE)
def norm_set(request, payload: StaffingNormIn):
    """New ratios in force from a day (the rows before stay). Only for those responsible for the owner."""
    owner = get_scoped(Organization.objects, request.auth, CHANGE, pk=payload.owner)
    n = run_service(request, services.norm_set, owner=owner, **payload.model_dump(exclude={"owner"}))
    return Status(201, {"id": n.pk, "owner": ref(n.owner), "full_time_share": n.full_time_share,
                        "part_time_share": n.part_time_share, "grassroots_share": n.grassroots_share,
                        "effective_from": n.effective_from, "note": n.note})

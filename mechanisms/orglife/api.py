"""Organization life over the API: meetings with their attendance, training classes and participants, rates.

Reads go through ``restrict``; writes through mechanisms.orglife.services, which check the caller's scope again.
Outside the scope: 404.
"""
import datetime
from decimal import Decimal

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from kernel.core.api import (
    In,
    Page,
    PageParams,
    Ref,
    Year,
    choice,
    get_scoped,
    paginate,
    paginate_rows,
    patch_changes,
    ref,
    run_service,
    scoped,
)
from kernel.core.scope import CHANGE
from kernel.core.tree import subtree_q
from kernel.orgs.models import Domain, Organization
from kernel.people.models import Person

from . import selectors, services
from .models import AttendanceStatus, Meeting, MeetingKind, Participant, TrainingClass, TrainingLevel, TrainingPlan

router = Router(tags=["orglife"])


class AttendanceRow(Schema):
    person_id: int
    status: choice(AttendanceStatus)


class AttendanceOut(AttendanceRow):
    name: str


class MeetingOut(Schema):
    id: int
    organization: Ref
    kind: choice(MeetingKind)
    date: datetime.date
    place: str
    topic: str
    host: str
    recorder: str
    minutes: str
    present: int
    excused: int
    absent: int
    attendance: list[AttendanceOut] | None = Field(None, description="Only on a single meeting.")


class MeetingIn(In):
    organization_id: int
    kind: choice(MeetingKind)
    date: datetime.date
    topic: str
    place: str = ""
    host: str = ""
    recorder: str = ""
    minutes: str = ""
    attendance: list[AttendanceRow] = Field([], description="Members expected; those left out were not expected.")


class MeetingPatch(In):
    kind: choice(MeetingKind) | None = None
    date: datetime.date | None = None
    topic: str | None = None
    place: str | None = None
    host: str | None = None
    recorder: str | None = None
    minutes: str | None = None
    attendance: list[AttendanceRow] | None = Field(None, description="Replaces the whole attendance when given.")


def _meeting(meeting: Meeting, attendance=None) -> dict:
    return {"id": meeting.pk, "organization": ref(meeting.organization), "kind": meeting.kind, "date": meeting.date,
            "place": meeting.place, "topic": meeting.topic, "host": meeting.host, "recorder": meeting.recorder,
            "minutes": meeting.minutes, "present": meeting.present_count, "excused": meeting.excused_count,
            "absent": meeting.absent_count, "attendance": attendance}


def _attendance(user, meeting: Meeting) -> list[dict]:
    rows = meeting.attendance.restrict(user).select_related("person").order_by("person__name_search")
    return [{"person_id": a.person_id, "name": a.person.name, "status": a.status} for a in rows]


class MeetingFilters(Schema):
    organization_id: int | None = None
    under: int | None = Field(None, description="An organization: its whole subtree.")
    kind: choice(MeetingKind, blank=True) = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


@router.get("/meetings", response=Page[MeetingOut])
@scoped(Meeting)
def meeting_list(request, filters: Query[MeetingFilters], page: Query[PageParams]):
    rows = Meeting.objects.restrict(request.auth).select_related("organization")
    if filters.organization_id:
        rows = rows.filter(organization_id=filters.organization_id)
    if filters.under:
        root = get_scoped(Organization.objects.all(), request.auth, pk=filters.under)
        rows = rows.filter(subtree_q("org_path", [root.path]))
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.date_from:
        rows = rows.filter(date__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(date__lte=filters.date_to)
    return paginate(rows.order_by("-date", "-pk"), page, lambda items: [_meeting(m) for m in items])


@router.get("/meetings/{int:meeting_id}", response=MeetingOut)
@scoped(Meeting)
def meeting_detail(request, meeting_id: int):
    meeting = get_scoped(Meeting.objects.select_related("organization"), request.auth, pk=meeting_id)
    return _meeting(meeting, _attendance(request.auth, meeting))


@router.post("/meetings", response={201: MeetingOut})
@scoped(Meeting)
def meeting_create(request, payload: MeetingIn):
    org = get_scoped(Organization.objects.all(), request.auth, CHANGE, pk=payload.organization_id)
    data = payload.model_dump(exclude={"organization_id", "attendance"})
    attendance = {row.person_id: row.status for row in payload.attendance}
    meeting = run_service(request, services.meeting_save, organization=org, attendance=attendance, **data)
    return Status(201, _meeting(meeting, _attendance(request.auth, meeting)))


@router.patch("/meetings/{int:meeting_id}", response=MeetingOut)
@scoped(Meeting)
def meeting_update(request, meeting_id: int, payload: MeetingPatch):
    meeting = get_scoped(Meeting.objects.all(), request.auth, CHANGE, pk=meeting_id)
    changes = payload.model_dump(exclude_unset=True, exclude={"attendance"})
    changes = {name: value for name, value in changes.items() if value is not None}
    if payload.attendance is None:
        attendance = dict(meeting.attendance.values_list("person_id", "status"))
    else:
        attendance = {row.person_id: row.status for row in payload.attendance}
    meeting = run_service(request, services.meeting_save, meeting=meeting, attendance=attendance, **changes)
    return _meeting(meeting, _attendance(request.auth, meeting))


@router.delete("/meetings/{int:meeting_id}", response={204: None})
@scoped(Meeting)
def meeting_delete(request, meeting_id: int):
    meeting = get_scoped(Meeting.objects.all(), request.auth, CHANGE, pk=meeting_id)
    run_service(request, services.meeting_delete, meeting=meeting)
    return Status(204, None)


# --- rates ------------------------------------------------------------------------------------------------------


class RateOut(Schema):
    organization: Ref
    meetings: int
    expected: int
    present: int
    excused: int
    absent: int
    rate: float | None


class MemberRateOut(Schema):
    person_id: int
    name: str
    expected: int
    present: int
    excused: int
    absent: int
    rate: float | None
    last_present: datetime.date | None


class RatesOut(Schema):
    organization: Ref
    date_from: datetime.date
    date_to: datetime.date
    rate: float | None
    expected: int
    present: int
    organizations: list[RateOut]
    members: list[MemberRateOut]


@router.get("/rates/{int:org_id}", response=RatesOut)
@scoped(Meeting)
def rates(request, org_id: int, year: Year | None = None):
    org = get_scoped(Organization.objects.all(), request.auth, pk=org_id)
    start, end = selectors.year_bounds(year or datetime.date.today().year)
    total = selectors.rate_of(request.auth, org, date_from=start, date_to=end)
    branches = selectors.branch_rates(request.auth, org, date_from=start, date_to=end)
    members = selectors.member_rates(request.auth, org, date_from=start, date_to=end)
    return {"organization": ref(org), "date_from": start, "date_to": end, "rate": total["rate"],
            "expected": total["expected"], "present": total["present"],
            "organizations": [{**row, "organization": ref(row["organization"])} for row in branches],
            "members": members}


class AbsenteeOut(Schema):
    person_id: int
    name: str
    branch: Ref
    township: str
    absent: int
    excused: int
    last_present: datetime.date | None


def _absentee(row: dict) -> dict:
    return {"person_id": row["person"].pk, "name": row["person"].name, "branch": ref(row["branch"]),
            "township": row["township"], "absent": row["absent"], "excused": row["excused"],
            "last_present": row["last_present"]}


@router.get("/absences/{int:org_id}", response=Page[AbsenteeOut])
@scoped(Meeting)
def absences(request, org_id: int, page: Query[PageParams]):
    """Members absent from organization life for six months, under the organization."""
    org = get_scoped(Organization.objects.all(), request.auth, pk=org_id)
    return paginate_rows(selectors.absentees(request.auth, org), page, lambda rows: [_absentee(r) for r in rows])


# --- training ---------------------------------------------------------------------------------------------------


class PlanIn(In):
    organizer_id: int
    year: int = Field(..., ge=1990, le=2100)
    title: str


class TrainingPlanOut(Schema):
    id: int
    year: int
    organizer: Ref
    title: str


class ClassIn(In):
    plan_id: int
    organizer_id: int | None = None
    title: str
    level: choice(TrainingLevel)
    domain: choice(Domain, blank=True) = ""
    start_on: datetime.date
    end_on: datetime.date
    hours: Decimal = Field(Decimal(0), ge=0)
    course_series: str = ""
    place: str = ""


class ClassPatch(In):
    organizer_id: int | None = None
    title: str | None = Field(None, max_length=200)
    level: choice(TrainingLevel) | None = None
    domain: choice(Domain, blank=True) | None = None
    start_on: datetime.date | None = None
    end_on: datetime.date | None = None
    hours: Decimal | None = Field(None, ge=0, max_digits=6, decimal_places=1)
    course_series: str | None = Field(None, max_length=200)
    place: str | None = Field(None, max_length=200)


class ClassOut(Schema):
    id: int
    plan_id: int
    organizer: Ref
    title: str
    level: choice(TrainingLevel)
    domain: str
    start_on: datetime.date
    end_on: datetime.date
    hours: float
    course_series: str
    place: str


class ParticipantIn(In):
    person_id: int
    attended_days: int = Field(0, ge=0)
    exam_score: Decimal | None = Field(None, ge=0, le=1000)


class ParticipantOut(Schema):
    id: int
    class_id: int
    person_id: int
    name: str
    attended_days: int
    exam_score: float | None


class TotalsRow(Schema):
    level: str
    domain: str
    classes: int
    person_times: int
    days: int
    hours: float


class TotalsOut(Schema):
    organization: Ref
    year: int | None
    classes: int
    person_times: int
    days: int
    hours: float
    rows: list[TotalsRow]


def _class(c: TrainingClass) -> dict:
    return {"id": c.pk, "plan_id": c.plan_id, "organizer": ref(c.organizer), "title": c.title, "level": c.level,
            "domain": c.domain, "start_on": c.start_on, "end_on": c.end_on, "hours": float(c.hours),
            "course_series": c.course_series, "place": c.place}


def _participant(p: Participant) -> dict:
    return {"id": p.pk, "class_id": p.training_class_id, "person_id": p.person_id, "name": p.person.name,
            "attended_days": p.attended_days, "exam_score": None if p.exam_score is None else float(p.exam_score)}


def _plan(plan: TrainingPlan) -> dict:
    return {"id": plan.pk, "year": plan.year, "organizer": ref(plan.organizer), "title": plan.title}


@router.get("/training/plans", response=Page[TrainingPlanOut])
@scoped(TrainingPlan)
def plan_list(request, page: Query[PageParams], year: Year | None = None,
              under: int | None = Query(None, description="An organization: plans organized in its whole subtree.")):
    rows = TrainingPlan.objects.restrict(request.auth).select_related("organizer")
    if under:
        root = get_scoped(Organization.objects.all(), request.auth, pk=under)
        rows = rows.filter(subtree_q("org_path", [root.path]))
    if year:
        rows = rows.filter(year=year)
    return paginate(rows.order_by("-year", "title", "pk"), page, lambda items: [_plan(p) for p in items])


@router.post("/training/plans", response={201: TrainingPlanOut})
@scoped(TrainingPlan)
def plan_create(request, payload: PlanIn):
    organizer = get_scoped(Organization.objects.all(), request.auth, CHANGE, pk=payload.organizer_id)
    plan = run_service(request, services.plan_create, organizer=organizer, year=payload.year, title=payload.title)
    return Status(201, _plan(plan))


@router.get("/training/classes", response=Page[ClassOut])
@scoped(TrainingClass)
def class_list(request, page: Query[PageParams], under: int = Query(None), year: Year | None = None,
               level: choice(TrainingLevel) | None = None):
    root = get_scoped(Organization.objects.all(), request.auth, pk=under) if under else None
    rows = selectors.classes(request.auth, under=root, year=year, level=level).order_by("start_on", "pk")
    return paginate(rows, page, lambda items: [_class(c) for c in items])


@router.post("/training/classes", response={201: ClassOut})
@scoped(TrainingClass)
def class_create(request, payload: ClassIn):
    plan = get_scoped(TrainingPlan.objects.all(), request.auth, CHANGE, pk=payload.plan_id)
    organizer = (get_scoped(Organization.objects.all(), request.auth, CHANGE, pk=payload.organizer_id)
                 if payload.organizer_id else None)
    data = payload.model_dump(exclude={"plan_id", "organizer_id"})
    training_class = run_service(request, services.class_save, plan=plan, organizer=organizer, **data)
    return Status(201, _class(training_class))


@router.patch("/training/classes/{int:class_id}", response=ClassOut)
@scoped(TrainingClass)
def class_update(request, class_id: int, payload: ClassPatch):
    training_class = get_scoped(TrainingClass.objects.all(), request.auth, CHANGE, pk=class_id)
    changes = patch_changes(payload, nullable=("organizer_id",))
    organizer_id = changes.pop("organizer_id", None)
    organizer = get_scoped(Organization.objects.all(), request.auth, CHANGE, pk=organizer_id) if organizer_id else None
    saved = run_service(request, services.class_save, training_class=training_class, organizer=organizer, **changes)
    return _class(TrainingClass.objects.select_related("organizer").get(pk=saved.pk))


@router.get("/training/classes/{int:class_id}/participants", response=Page[ParticipantOut])
@scoped(Participant)
def participant_list(request, class_id: int, page: Query[PageParams]):
    training_class = get_scoped(TrainingClass.objects.all(), request.auth, pk=class_id)
    rows = training_class.participants.restrict(request.auth).select_related("person").order_by("pk")
    return paginate(rows, page, lambda items: [_participant(p) for p in items])


@router.post("/training/classes/{int:class_id}/participants", response=list[ParticipantOut])
@scoped(Participant)
def participants_set(request, class_id: int, payload: list[ParticipantIn]):
    training_class = get_scoped(TrainingClass.objects.all(), request.auth, CHANGE, pk=class_id)
    wanted = [row.person_id for row in payload]
    if Person.objects.restrict(request.auth).filter(pk__in=wanted).count() != len(set(wanted)):
        raise Http404  # a person outside the scope answers as a missing one
    saved = run_service(request, services.participants_set, training_class=training_class,
                        rows=[row.model_dump() for row in payload])
    return [_participant(p) for p in saved]


@router.delete("/training/classes/{int:class_id}/participants/{int:participant_id}", response={204: None})
@scoped(Participant)
def participant_remove(request, class_id: int, participant_id: int):
    """Takes a person off the class (as the class page does); the organizer's scope decides, as for adding."""
    training_class = get_scoped(TrainingClass.objects.all(), request.auth, CHANGE, pk=class_id)
    participant = training_class.participants.filter(pk=participant_id).first()
    if participant is None:
        raise Http404
    run_service(request, services.participant_remove, participant=participant)
    return Status(204, None)


@router.get("/training/totals/{int:org_id}", response=TotalsOut)
@scoped(Participant)
def training_totals(request, org_id: int, year: Year | None = None):
    org = get_scoped(Organization.objects.all(), request.auth, pk=org_id)
    totals = selectors.training_totals(request.auth, org, year=year)
    return {"organization": ref(org), "year": year, **totals["total"], "hours": float(totals["total"]["hours"]),
            "rows": [{**row, "hours": float(row["hours"])} for row in totals["rows"]]}


@router.get("/training/people/{int:person_id}", response=Page[ParticipantOut])
@scoped(Participant)
def person_archive(request, person_id: int, page: Query[PageParams]):
    """A person's training archive, newest class first."""
    person = get_scoped(Person.objects.all(), request.auth, pk=person_id)
    rows = selectors.archive(request.auth, person).select_related("person").order_by("-training_class__start_on", "pk")
    return paginate(rows, page, lambda items: [_participant(p) for p in items])


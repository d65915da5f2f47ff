"""Liaison points, their logs (日志记实), the year-end summary, the titled share, and service-day requests.

Reads go through ``restrict`` (mechanisms.liaison.selectors); writes through mechanisms.liaison.services, which check the
caller's scope again. Outside the scope: 404.
"""
import datetime
from decimal import Decimal

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
    ref,
    run_service,
    scoped,
)
from kernel.core.scope import CHANGE
from kernel.orgs.models import Organization
from kernel.people.models import Person

from . import selectors, services
from .models import Level, LiaisonPoint, LiaisonVisit, RequestStatus, ServiceRequest

router = Router(tags=["liaison"])


class PointOut(Schema):
    id: int
    leader: Ref
    organization: Ref
    level: choice(Level)
    year: int
    assigned_on: datetime.date
    ended_on: datetime.date | None
    demonstration: bool
    note: str
    replaced_by: int | None


class PointIn(In):
    leader: int
    organization: int
    level: choice(Level)
    year: Year
    assigned_on: datetime.date | None = None
    demonstration: bool = False
    note: str = ""


class ReassignIn(In):
    leader: int
    on: datetime.date
    note: str = ""


class VisitOut(Schema):
    id: int
    point: int
    visited_on: datetime.date
    content: str
    help_given: str
    amount: Decimal


class VisitIn(In):
    visited_on: datetime.date
    content: str
    help_given: str = ""
    amount: Decimal = Field(Decimal("0"), ge=0)


class LiaisonSummaryOut(Schema):
    leader: Ref
    points: list[Ref]
    visits: int
    amount: Decimal
    last_visit: datetime.date | None


class ShareOut(Schema):
    standard: str | None
    titled: int = Field(..., description="Organizations holding the title at the year's end.")
    liaison: int = Field(..., description="Of those, how many are liaison points that year.")
    share: Decimal | None = Field(..., description="Percent, one decimal; null when nothing is titled.")


class RequestOut(Schema):
    id: int
    organization: Ref
    service_date: datetime.date
    resident_name: str
    matter: str
    handler: Ref | None
    status: choice(RequestStatus)
    done_on: datetime.date | None
    note: str


class RequestIn(In):
    organization: int
    service_date: datetime.date
    resident_name: str
    matter: str
    handler: int | None = None
    note: str = ""


class AdvanceIn(In):
    status: choice(RequestStatus)
    on: datetime.date | None = None
    note: str | None = None


class CountRow(Schema):
    organization: Ref | None
    received: int
    in_progress: int
    done: int
    total: int


def point_data(point: LiaisonPoint) -> dict:
    return {"id": point.pk, "leader": ref(point.leader), "organization": ref(point.organization),
            "level": point.level, "year": point.year, "assigned_on": point.assigned_on, "ended_on": point.ended_on,
            "demonstration": point.demonstration, "note": point.note, "replaced_by": point.replaced_by_id}


def visit_data(visit: LiaisonVisit) -> dict:
    return {"id": visit.pk, "point": visit.point_id, "visited_on": visit.visited_on, "content": visit.content,
            "help_given": visit.help_given, "amount": visit.amount}


def request_data(item: ServiceRequest) -> dict:
    return {"id": item.pk, "organization": ref(item.organization), "service_date": item.service_date,
            "resident_name": item.resident_name, "matter": item.matter, "handler": ref(item.handler),
            "status": item.status, "done_on": item.done_on, "note": item.note}


def _org(request, pk, action="view") -> Organization:
    return get_scoped(Organization.objects, request.auth, action, pk=pk)


def _person(request, pk) -> Person:
    return get_scoped(Person.objects, request.auth, pk=pk)


# --- points -----------------------------------------------------------------------------------------------------

@router.get("/points", response=Page[PointOut])
@scoped(LiaisonPoint)
def point_list(request, page: Query[PageParams], year: Year | None = None, level: choice(Level) | None = None,
               under: int | None = None, current: bool | None = None):
    rows = selectors.points(request.auth, year=year, level=level, current=current,
                            under=_org(request, under) if under else None)
    return paginate(rows.order_by("-year", "org_path", "pk"), page, lambda items: [point_data(p) for p in items])


@router.post("/points", response={201: PointOut})
@scoped(LiaisonPoint)
def point_create(request, payload: PointIn):
    point = run_service(request, services.point_assign, leader=_person(request, payload.leader),
                        organization=_org(request, payload.organization, CHANGE), level=payload.level,
                        year=payload.year, assigned_on=payload.assigned_on, demonstration=payload.demonstration,
                        note=payload.note)
    return Status(201, point_data(point))


def _point(request, point_id, action="view") -> LiaisonPoint:
    return get_scoped(LiaisonPoint.objects.select_related("leader", "organization"), request.auth, action,
                      pk=point_id)


@router.get("/points/{int:point_id}", response=PointOut)
@scoped(LiaisonPoint)
def point_detail(request, point_id: int):
    return point_data(_point(request, point_id))


@router.post("/points/{int:point_id}/reassign", response={201: PointOut})
@scoped(LiaisonPoint)
def point_reassign(request, point_id: int, payload: ReassignIn):
    successor = run_service(request, services.point_reassign, point=_point(request, point_id, CHANGE),
                            leader=_person(request, payload.leader), on=payload.on, note=payload.note)
    return Status(201, point_data(successor))


@router.get("/points/{int:point_id}/visits", response=Page[VisitOut])
@scoped(LiaisonVisit)
def visit_list(request, point_id: int, page: Query[PageParams]):
    point = _point(request, point_id)
    rows = LiaisonVisit.objects.restrict(request.auth).filter(point=point).order_by("-visited_on", "-pk")
    return paginate(rows, page, lambda items: [visit_data(v) for v in items])


@router.post("/points/{int:point_id}/visits", response={201: VisitOut})
@scoped(LiaisonVisit)
def visit_create(request, point_id: int, payload: VisitIn):
    visit = run_service(request, services.visit_log, point=_point(request, point_id, CHANGE),
                        visited_on=payload.visited_on, content=payload.content, help_given=payload.help_given,
                        amount=payload.amount)
    return Status(201, visit_data(visit))


def summary_data(row: dict) -> dict:
    return {"leader": ref(row["leader"]), "points": [ref(p.organization) for p in row["points"]],
            "visits": row["visits"], "amount": row["amount"], "last_visit": row["last_visit"]}


@router.get("/summary", response=Page[LiaisonSummaryOut])
@scoped(LiaisonPoint)
def summary(request, year: Year, page: Query[PageParams], under: int | None = None):
    """The year-end summary: one row per leader, most visits first."""
    rows = selectors.leader_summary(request.auth, year, under=_org(request, under) if under else None)
    return paginate_rows(rows, page, lambda items: [summary_data(row) for row in items])


@router.get("/titled-share", response=ShareOut)
@scoped(LiaisonPoint)
def titled_share(request, year: Year, under: int, standard: str = selectors.FIVE_GOOD):
    share = selectors.titled_share(request.auth, _org(request, under), year=year, standard_code=standard)
    return {"standard": share["standard"].code if share["standard"] else None, "titled": share["titled"],
            "liaison": share["liaison"], "share": share["share"]}


# --- service day ------------------------------------------------------------------------------------------------

@router.get("/requests", response=Page[RequestOut])
@scoped(ServiceRequest)
def request_list(request, page: Query[PageParams], under: int | None = None,
                 status: choice(RequestStatus) | None = None, date_from: datetime.date | None = None,
                 date_to: datetime.date | None = None):
    rows = selectors.requests(request.auth, under=_org(request, under) if under else None, status=status,
                              date_from=date_from, date_to=date_to)
    return paginate(rows.order_by("-service_date", "-pk"), page, lambda items: [request_data(r) for r in items])


def count_data(row: dict) -> dict:
    return {"organization": ref(row["org"]), **{k: row[k] for k in ("received", "in_progress", "done", "total")}}


@router.get("/requests/counts", response=Page[CountRow])
@scoped(ServiceRequest)
def request_counts(request, under: int, page: Query[PageParams], date_from: datetime.date | None = None,
                   date_to: datetime.date | None = None):
    counts = selectors.request_counts(request.auth, _org(request, under), date_from=date_from, date_to=date_to)
    return paginate_rows(counts["rows"], page, lambda items: [count_data(row) for row in items])


@router.post("/requests", response={201: RequestOut})
@scoped(ServiceRequest)
def request_create(request, payload: RequestIn):
    item = run_service(request, services.request_receive, organization=_org(request, payload.organization, CHANGE),
                       service_date=payload.service_date, resident_name=payload.resident_name,
                       matter=payload.matter, handler=_person(request, payload.handler) if payload.handler else None,
                       note=payload.note)
    return Status(201, request_data(item))


@router.post("/requests/{int:request_id}/status", response=RequestOut)
@scoped(ServiceRequest)
def request_status(request, request_id: int, payload: AdvanceIn):
    item = request.scoped.get(CHANGE, pk=request_id)
    item = run_service(request, services.request_advance, service_request=item, status=payload.status, on=payload.on,
                       note=payload.note)
    return request_data(item)

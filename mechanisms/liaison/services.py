"""Writes to liaison points, their visit logs and service-day requests.

Keyword-only, the acting ``user`` first (``None`` = the system), atomic, scope-checked, changes recorded.
A point lies where its organization lies: whoever may change that organization keeps its log.
"""
import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from kernel.core import clock
from kernel.core.changelog import record_change, snapshot
from kernel.core.models import ChangeRecord
from kernel.core.services import refuse, require_in_scope
from kernel.core.services import user_or_none as _user_or_none
from kernel.orgs.models import Organization
from kernel.people.models import Person

from .models import Level, LiaisonPoint, LiaisonVisit, RequestStatus, ServiceRequest


@transaction.atomic
def point_assign(*, user, leader: Person, organization: Organization, level: str, year: int,
                 assigned_on: datetime.date | None = None, demonstration: bool = False, note: str = "") -> LiaisonPoint:
    """Makes ``organization`` ``leader``'s liaison point for ``year`` (每年初作出具体安排)."""
    require_in_scope(user, organization.path, realm="org")
    if level not in Level.values:
        refuse(_("Choose a level."), field="level")
    assigned_on = assigned_on or datetime.date(year, 1, 1)
    if assigned_on.year != year:
        refuse(_("The assignment date must lie in its year."), field="assigned_on")
    if LiaisonPoint.objects.filter(leader=leader, organization=organization, year=year, ended_on__isnull=True).exists():
        refuse(_("This leader already has this liaison point for the year."))
    point = LiaisonPoint.objects.create(leader=leader, organization=organization, org_path=organization.path,
                                        level=level, year=year, assigned_on=assigned_on, demonstration=demonstration,
                                        note=note)
    record_change(point, ChangeRecord.Action.CREATE)
    return point


@transaction.atomic
def point_end(*, user, point: LiaisonPoint, ended_on: datetime.date, note: str = "") -> LiaisonPoint:
    point = LiaisonPoint.objects.select_for_update().get(pk=point.pk)
    require_in_scope(user, point.org_path, realm="org")
    if point.ended_on is not None:
        refuse(_("This assignment has already ended."))
    if ended_on < point.assigned_on:
        refuse(_("An assignment cannot end before it began."), field="ended_on")
    before = snapshot(point)
    point.ended_on = ended_on
    if note:
        point.note = note[:300]
    point.save()
    record_change(point, ChangeRecord.Action.UPDATE, before=before)
    return point


@transaction.atomic
def point_reassign(*, user, point: LiaisonPoint, leader: Person, on: datetime.date, note: str = "") -> LiaisonPoint:
    """A leader moved (人员变动时及时调整): the point passes to ``leader`` from ``on``; the old assignment ends
    the day before and stays in the history."""
    ended = point_end(user=user, point=point, ended_on=on - datetime.timedelta(days=1) if on > point.assigned_on
                      else point.assigned_on, note=note)
    successor = LiaisonPoint.objects.create(
        leader=leader, organization_id=ended.organization_id, org_path=ended.org_path, level=ended.level,
        year=on.year, assigned_on=on, demonstration=ended.demonstration, note=note[:300])
    LiaisonPoint.objects.filter(pk=ended.pk).update(replaced_by=successor)
    record_change(successor, ChangeRecord.Action.CREATE,
                  message=_("Took over from %(name)s.") % {"name": ended.leader.name})
    return successor


@transaction.atomic
def point_mark_demonstration(*, user, point: LiaisonPoint, demonstration: bool) -> LiaisonPoint:
    point = LiaisonPoint.objects.select_for_update().get(pk=point.pk)
    require_in_scope(user, point.org_path, realm="org")
    before = snapshot(point)
    point.demonstration = demonstration
    point.save()
    record_change(point, ChangeRecord.Action.UPDATE, before=before)
    return point


def _amount(value) -> Decimal:
    try:
        amount = Decimal(str(value or 0))
    except (InvalidOperation, ValueError):
        refuse(_("Enter a number."), field="amount")
    if amount < 0:
        refuse(_("An amount cannot be negative."), field="amount")
    return amount


@transaction.atomic
def visit_log(*, user, point: LiaisonPoint, visited_on: datetime.date, content: str, help_given: str = "",
              amount=0) -> LiaisonVisit:
    """Logs a visit to a liaison point (日志记实)."""
    require_in_scope(user, point.org_path, realm="org")
    if not (content or "").strip():
        refuse(_("Say what was done."), field="content")
    if visited_on < point.assigned_on or (point.ended_on and visited_on > point.ended_on):
        refuse(_("The visit must fall while the assignment lasts."), field="visited_on")
    visit = LiaisonVisit.objects.create(point=point, org_path=point.org_path, visited_on=visited_on,
                                        content=content.strip(), help_given=(help_given or "").strip()[:300],
                                        amount=_amount(amount), created_by=_user_or_none(user))
    record_change(visit, ChangeRecord.Action.CREATE)
    return visit


# Village service day ---------------------------------------------------------------------------------------


@transaction.atomic
def request_receive(*, user, organization: Organization, service_date: datetime.date, resident_name: str,
                    matter: str, handler: Person | None = None, note: str = "") -> ServiceRequest:
    """Records a matter a resident brought on the service day (集中服务日)."""
    require_in_scope(user, organization.path, realm="org")
    if not (resident_name or "").strip():
        refuse(_("Enter the resident's name."), field="resident_name")
    if not (matter or "").strip():
        refuse(_("Say what the matter is."), field="matter")
    if handler is not None:
        require_in_scope(user, handler.org_path, realm="people", action="view")
    request = ServiceRequest.objects.create(
        organization=organization, org_path=organization.path, service_date=service_date,
        resident_name=resident_name.strip()[:50], matter=matter.strip()[:300], handler=handler, note=note[:300])
    record_change(request, ChangeRecord.Action.CREATE)
    return request


NEXT = {RequestStatus.RECEIVED: {RequestStatus.IN_PROGRESS, RequestStatus.DONE},
        RequestStatus.IN_PROGRESS: {RequestStatus.DONE, RequestStatus.RECEIVED},
        RequestStatus.DONE: {RequestStatus.IN_PROGRESS}}


@transaction.atomic
def request_advance(*, user, service_request: ServiceRequest, status: str, on: datetime.date | None = None,
                    handler: Person | None = None, note: str | None = None) -> ServiceRequest:
    """Moves a request along received → in progress → done (全程代办); a done one may be reopened."""
    request = ServiceRequest.objects.select_for_update().get(pk=service_request.pk)
    require_in_scope(user, request.org_path, realm="org")
    if status not in NEXT.get(request.status, set()):
        refuse(_("A request cannot go from “%(from)s” to “%(to)s”.") % {
            "from": RequestStatus(request.status).label, "to": dict(RequestStatus.choices).get(status, status)},
            field="status")
    before = snapshot(request)
    request.status = status
    if status == RequestStatus.DONE:
        request.done_on = on or clock.today()
        if request.done_on < request.service_date:
            refuse(_("A request cannot be done before it was received."), field="done_on")
    else:
        request.done_on = None
    if handler is not None:
        require_in_scope(user, handler.org_path, realm="people", action="view")
        request.handler = handler
    if note is not None:
        request.note = note[:300]
    request.save()
    record_change(request, ChangeRecord.Action.UPDATE, before=before)
    return request

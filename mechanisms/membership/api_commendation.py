"""The register of in-party commendations (党内表彰) over the API: the list of an organization's subtree, recording
one (a member, or an organization), withdrawing one with the reason. Reads through ``restrict``; writes through the
services, which check the caller's scope again. Outside the scope: 404."""
import datetime

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from kernel.core.api import In, Page, PageParams, Ref, Year, choice, get_scoped, paginate, ref, run_service, scoped
from kernel.core.scope import CHANGE
from kernel.orgs.models import Organization
from kernel.orgs.views import scope_root
from kernel.people.models import Person

from . import commendations
from .models_commendation import Commendation, CommendationLevel, Honour

router = Router(tags=["membership"])


class MembershipCommendationOut(Schema):
    id: int
    organization: Ref
    person: Ref | None
    year: int
    honour: choice(Honour)
    title: str = Field(..., description="The name of the honour (another honour's own name).")
    level: choice(CommendationLevel)
    decided_by: str
    number: str
    decided_on: datetime.date
    note: str
    withdrawn_on: datetime.date | None
    withdraw_reason: str


class MembershipCommendationIn(In):
    organization: int = Field(..., description="The organization commended, or the one the member commended belongs "
                                               "to (the member's own branch or one above it).")
    person: int | None = Field(None, description="The member commended (for 优秀共产党员, 优秀党务工作者).")
    honour: choice(Honour)
    title: str = Field("", max_length=100, description="For another honour: its name.")
    level: choice(CommendationLevel)
    year: Year
    decided_by: str = Field("", max_length=100)
    number: str = Field("", max_length=60)
    decided_on: datetime.date
    note: str = Field("", max_length=300)


class MembershipCommendationWithdrawIn(In):
    reason: str = Field(..., max_length=300)


def commendation_data(row: Commendation) -> dict:
    return {"id": row.pk, "organization": ref(row.organization), "person": ref(row.person), "year": row.year,
            "honour": row.honour, "title": row.honour_label, "level": row.level, "decided_by": row.decided_by,
            "number": row.number, "decided_on": row.decided_on, "note": row.note, "withdrawn_on": row.withdrawn_on,
            "withdraw_reason": row.withdraw_reason}


@router.get("", response=Page[MembershipCommendationOut])
@scoped(Commendation)
def commendation_list(request, page: Query[PageParams], organization: int | None = None, year: Year | None = None,
                      honour: str = "", level: str = "", withdrawn: bool = False):
    """The commendations under an organization (default: the caller's top one), newest first."""
    root = get_scoped(Organization.objects, request.auth, pk=organization) if organization else scope_root(request.auth)
    if root is None:
        raise Http404
    rows = commendations.register(request.auth, root=root, year=year,
                                  honour=honour if honour in Honour.values else "",
                                  level=level if level in CommendationLevel.values else "", withdrawn=withdrawn)
    return paginate(rows.order_by("-year", "-decided_on", "-pk"), page, lambda rows: [commendation_data(r) for r in rows])


@router.post("", response={201: MembershipCommendationOut})
@scoped(Commendation)
def commendation_create(request, payload: MembershipCommendationIn):
    """Records a commendation of a member (``person``) or of an organization; 422 with the reason when it cannot
    be (a member's honour with no member, the same honour twice, a date in the future)."""
    organization = get_scoped(Organization.objects, request.auth, CHANGE, pk=payload.organization)
    person = get_scoped(Person.objects, request.auth, CHANGE, pk=payload.person) if payload.person else None
    data = payload.model_dump(exclude={"organization", "person"})
    row = run_service(request, commendations.commendation_record, organization=organization, person=person, **data)
    return Status(201, commendation_data(row))


@router.post("/{int:commendation_id}/withdraw", response=MembershipCommendationOut)
@scoped(Commendation)
def commendation_withdraw(request, commendation_id: int, payload: MembershipCommendationWithdrawIn):
    """Withdraws a commendation recorded by mistake (or revoked): it stays, marked, and counts nowhere."""
    row = get_scoped(Commendation.objects, request.auth, CHANGE, pk=commendation_id)
    row = run_service(request, commendations.commendation_withdraw, commendation=row, reason=payload.reason)
    return commendation_data(row)

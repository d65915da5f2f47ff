"""Members' classes (一类/二类/三类党员) in the REST API: the members of a year with their class, the class of the
year before and the movement; the counts by class of an organization and of each one below it; the movement
matrix; a branch's classing (409 with the preview) and its withdrawal (409 with its preview). Reads through
``restrict``; writes through the services, which check the caller's scope again. Outside the scope: 404."""
import datetime
from decimal import Decimal

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from kernel.core import clock
from kernel.core.api import (
    In,
    NeedsConfirmationOut,
    Page,
    PageParams,
    Ref,
    Year,
    choice,
    get_scoped,
    paginate,
    ref,
    run_service,
    scoped,
)
from kernel.core.scope import CHANGE
from kernel.core.services import NeedsConfirmation
from kernel.orgs.models import Organization
from kernel.orgs.views import scope_root
from kernel.people.models import Member

from . import selectors_members as selectors
from . import services_members as services
from .models import MemberClassEntry, MemberClassing, Movement, VillageClass

router = Router(tags=["classes"])
KLASS_FILTER = [*VillageClass.choices, ("none", "none")]


class ClassesMemberOut(Schema):
    member: int
    person: Ref
    branch: Ref
    klass: choice(VillageClass, blank=True)
    before: choice(VillageClass, blank=True)
    movement: choice(Movement, blank=True)
    reason: str
    status: str


class ClassesMemberCountsOut(Schema):
    organization: Ref | None
    members: int
    first: int
    second: int
    third: int
    none: int = Field(..., description="Members in good standing not classed this year.")
    classed: int
    first_share: Decimal | None = Field(None, description="The share of the classed members in class one (%).")
    up: int
    same: int
    down: int
    new: int


class ClassesMemberSummaryOut(Schema):
    year: int
    total: ClassesMemberCountsOut
    rows: list[ClassesMemberCountsOut]


class ClassesMemberMatrixCellOut(Schema):
    before: choice(VillageClass, blank=True)
    after: choice(VillageClass, blank=True)
    members: int


class ClassesMemberMatrixOut(Schema):
    year: int
    cells: list[ClassesMemberMatrixCellOut]
    up: int
    same: int
    down: int
    new: int


class ClassesMemberRowIn(In):
    member: int
    klass: choice(VillageClass)
    reason: str = Field("", max_length=300)


class ClassesMemberClassingIn(In):
    branch: int
    year: Year
    rows: list[ClassesMemberRowIn] = []
    note: str = Field("", max_length=300)
    confirm: bool = Field(False, description="Without it, 409 with the preview and nothing is written.")


class ClassesMemberCountOut(Schema):
    klass: str
    label: str
    count: int
    share: Decimal | None


class ClassesMemberMoveOut(Schema):
    movement: str
    label: str
    count: int


class ClassesMemberChangeOut(Schema):
    name: str
    movement: str
    label: str
    before: str
    after: str
    reason: str


class ClassesMemberPreviewOut(NeedsConfirmationOut):
    branch: str
    year: int
    members: int
    classes: list[ClassesMemberCountOut]
    movements: list[ClassesMemberMoveOut]
    changed: list[ClassesMemberChangeOut]
    replaced: int
    unclassed: int
    effects: list[str]


class ClassesMemberWithdrawPreviewOut(NeedsConfirmationOut):
    branch: str
    year: int
    members: int
    classes: list[ClassesMemberCountOut]
    restored: int
    effects: list[str]


class ClassesMemberClassingOut(Schema):
    id: int
    year: int
    branch: Ref
    members: int
    note: str
    withdrawn_on: datetime.date | None
    withdraw_reason: str


class ClassesMemberWithdrawIn(In):
    reason: str = Field("", max_length=300)
    confirm: bool = Field(False, description="Without it, 409 with what the withdrawal undoes.")


def _under(request, under):
    return get_scoped(Organization.objects, request.auth, pk=under) if under is not None else None


def counts_data(org, found: dict) -> dict:
    keys = ("members", *VillageClass.values, "none", "classed", *Movement.values)
    return {"organization": ref(org), **{k: found[k] for k in keys},
            "first_share": selectors.share(found["first"], found["classed"])}


def member_data(m) -> dict:
    return {"member": m.pk, "person": ref(m.person), "branch": ref(m.person.organization), "klass": m.member_class,
            "before": m.class_before, "movement": selectors.row_movement(m), "reason": m.class_reason,
            "status": m.status}


def classing_data(c: MemberClassing) -> dict:
    return {"id": c.pk, "year": c.year, "branch": ref(c.branch), "members": c.entries.count(), "note": c.note,
            "withdrawn_on": c.withdrawn_on, "withdraw_reason": c.withdraw_reason}


@router.get("", response=Page[ClassesMemberOut])
@scoped(MemberClassEntry)
def members(request, page: Query[PageParams], year: Year | None = None, under: int | None = None,
            klass: choice(KLASS_FILTER, blank=True) = "", before: choice(KLASS_FILTER, blank=True) = "",
            movement: choice(Movement, blank=True) = ""):
    """The members the caller sees under ``under`` (in good standing, or classed that year) with their class of the
    year (default this one) and of the year before, and the movement; of a class (``none``: not classed), of a class
    the year before, of a movement."""
    rows = selectors.member_rows(request.auth, year or clock.today().year, _under(request, under), klass=klass,
                                 before=before, move=movement)
    return paginate(rows, page, lambda items: [member_data(m) for m in items])


@router.get("/counts", response=ClassesMemberSummaryOut)
@scoped(MemberClassEntry)
def counts(request, year: Year | None = None, under: int | None = None):
    """The year's members by class under ``under`` (default: the caller's top organization) and under each
    organization right below it: each class, not classed, the share in class one, and the movements."""
    year = year or clock.today().year
    root = _under(request, under) or scope_root(request.auth)
    found = selectors.counts(request.auth, year, root)
    return {"year": year, "total": counts_data(root, found["total"]),
            "rows": [counts_data(r["organization"], r) for r in found["rows"]]}


@router.get("/matrix", response=ClassesMemberMatrixOut)
@scoped(MemberClassEntry)
def matrix(request, year: Year | None = None, under: int | None = None):
    """How the members moved between the classes of the year before and the year's (blank: not classed)."""
    year = year or clock.today().year
    found = selectors.matrix(request.auth, year, _under(request, under) or scope_root(request.auth))
    return {"year": year, "cells": [{"before": b, "after": a, "members": n} for (b, a), n in
                                    sorted(found["cells"].items())],
            **{m: found["totals"].get(m, 0) for m in Movement.values}}


@router.get("/classings", response=list[ClassesMemberClassingOut])
@scoped(MemberClassing)
def classings(request, year: Year | None = None, branch: int | None = None):
    """The members' classings the caller sees, the latest first."""
    rows = request.scoped().select_related("branch")
    if year is not None:
        rows = rows.filter(year=year)
    if branch is not None:
        rows = rows.filter(branch_id=branch)
    return [classing_data(c) for c in rows[:500]]


@router.post("/classings", response={201: ClassesMemberClassingOut, 409: ClassesMemberPreviewOut})
@scoped(MemberClassing, CHANGE)
def classing_run(request, payload: ClassesMemberClassingIn):
    """Classes the members of ``branch`` for a year, each with a short reason (needed for class three and wherever
    the class changed from the year before). Without ``confirm``: 409 with the preview (how many in each class, who
    moves up or down). A member outside the caller's scope: 404."""
    branch = get_scoped(Organization.objects, request.auth, CHANGE, pk=payload.branch)
    wanted = {r.member for r in payload.rows}
    seen = {m.pk: m for m in Member.objects.restrict(request.auth).filter(pk__in=wanted).select_related("person")}
    if set(seen) != wanted:
        raise Http404
    rows = [{"member": seen[r.member], "klass": r.klass, "reason": r.reason} for r in payload.rows]
    try:
        classing = run_service(request, services.member_classing_run, branch=branch, year=payload.year, rows=rows,
                               note=payload.note, confirm=payload.confirm)
    except NeedsConfirmation as exc:
        return Status(409, {"code": "confirmation_required", "message": exc.messages[0], **exc.details})
    return Status(201, classing_data(classing))


@router.post("/classings/{classing_id}/withdraw",
             response={200: ClassesMemberClassingOut, 409: ClassesMemberWithdrawPreviewOut})
@scoped(MemberClassing, CHANGE)
def classing_withdraw(request, classing_id: int, payload: ClassesMemberWithdrawIn):
    """Takes a classing back with the reason; the classes it replaced are live again. Without ``confirm``: 409 with
    what it undoes."""
    classing = request.scoped.get(pk=classing_id)
    try:
        run_service(request, services.member_classing_withdraw, classing=classing, reason=payload.reason,
                    confirm=payload.confirm)
    except NeedsConfirmation as exc:
        return Status(409, {"code": "confirmation_required", "message": exc.messages[0], **exc.details})
    return classing_data(MemberClassing.objects.select_related("branch").get(pk=classing.pk))

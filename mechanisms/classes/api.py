"""Village classes in the REST API: the villages' classes of a year with their movement, each township's share
against its target, the movement matrix, a year's classing (409 with the preview) and its withdrawal, the targets,
and the 三帮三争 pairings. Reads through ``restrict``; writes through the services, which check the caller's scope
again. Outside the scope: 404."""
import datetime
from decimal import Decimal

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
    paginate_rows,
    ref,
    run_service,
    scoped,
)
from kernel.core.scope import CHANGE
from kernel.core.services import NeedsConfirmation
from kernel.orgs.models import Organization

from . import selectors, services
from .models import ClassEntry, Classing, ClassTarget, Movement, Outcome, Pairing, VillageClass

router = Router(tags=["classes"])
KLASS_FILTER = [*VillageClass.choices, ("none", "none")]


class ClassesVillageOut(Schema):
    village: Ref
    township: Ref | None
    klass: choice(VillageClass, blank=True)
    before: choice(VillageClass, blank=True)
    movement: choice(Movement, blank=True)
    reason: str


class ClassesTownshipOut(Schema):
    township: Ref
    villages: int
    classed: int
    first: int
    second: int
    third: int
    klass: choice(VillageClass) = Field(..., description="The class the target counts (at it or better).")
    reached: int
    share: Decimal | None
    last_share: Decimal | None
    target: Decimal | None
    met: bool | None
    up: int
    same: int
    down: int


class ClassesMatrixCellOut(Schema):
    before: choice(VillageClass, blank=True)
    after: choice(VillageClass, blank=True)
    villages: int


class ClassesMatrixOut(Schema):
    year: int
    cells: list[ClassesMatrixCellOut]
    up: int
    same: int
    down: int
    new: int


class ClassesRowIn(In):
    organization: int
    klass: choice(VillageClass)
    reason: str = Field("", max_length=300)


class ClassesClassingIn(In):
    owner: int
    year: Year
    rows: list[ClassesRowIn] = []
    note: str = Field("", max_length=300)
    confirm: bool = Field(False, description="Without it, 409 with the preview and nothing is written.")


class ClassesCountOut(Schema):
    klass: str
    label: str
    count: int


class ClassesMoveOut(Schema):
    movement: str
    label: str
    count: int


class ClassesPreviewTownshipOut(Schema):
    township: str
    villages: int
    share: Decimal | None
    target: Decimal | None
    met: bool | None


class ClassesPreviewOut(NeedsConfirmationOut):
    owner: str
    year: int
    villages: int
    classes: list[ClassesCountOut]
    movements: list[ClassesMoveOut]
    replaced: int
    townships: list[ClassesPreviewTownshipOut]
    effects: list[str]


class ClassesClassingOut(Schema):
    id: int
    year: int
    owner: Ref
    villages: int
    note: str
    withdrawn_on: datetime.date | None


class ClassesReasonIn(In):
    reason: str = Field("", max_length=300)


class ClassesTargetIn(In):
    township: int
    year: Year
    klass: choice(VillageClass) = VillageClass.SECOND
    share: Decimal = Field(Decimal("30"), ge=0, le=100)


class ClassesTargetOut(Schema):
    id: int
    township: Ref
    year: int
    klass: choice(VillageClass)
    share: Decimal


class ClassesPairingIn(In):
    year: Year
    advanced: int
    lagging: int
    measures: str = Field("", max_length=500)


class ClassesPairingNoteIn(In):
    note: str = Field("", max_length=500)


class ClassesPairingOut(Schema):
    id: int
    year: int
    advanced: Ref
    lagging: Ref
    measures: str
    note: str
    before: choice(VillageClass, blank=True)
    after: choice(VillageClass, blank=True)
    outcome: choice(Outcome)


def _under(request, under):
    return get_scoped(Organization.objects, request.auth, pk=under) if under is not None else None


def village_data(row) -> dict:
    return {"village": ref(row["village"]), "township": ref(row["township"]), "klass": row["klass"],
            "before": row["before"], "movement": row["movement"], "reason": row["reason"]}


def township_data(row) -> dict:
    return {"township": ref(row["township"]), **{k: row[k] for k in (
        "villages", "classed", "klass", "reached", "share", "last_share", "target", "met", "up", "same", "down")},
        **row["counts"]}


def classing_data(classing: Classing) -> dict:
    return {"id": classing.pk, "year": classing.year, "owner": ref(classing.owner),
            "villages": classing.entries.count(), "note": classing.note, "withdrawn_on": classing.withdrawn_on}


def pairing_data(p) -> dict:
    return {"id": p.pk, "year": p.year, "advanced": ref(p.advanced), "lagging": ref(p.lagging),
            "measures": p.measures, "note": p.note, "before": p.before, "after": p.after, "outcome": p.outcome}


@router.get("/villages", response=Page[ClassesVillageOut])
@scoped(ClassEntry)
def villages(request, page: Query[PageParams], year: Year | None = None, under: int | None = None,
             klass: choice(KLASS_FILTER, blank=True) = "", movement: choice(Movement, blank=True) = ""):
    """Every village the caller sees with its class of the year (default this one) and the year before, and the
    movement; of a class (``none``: not classed), of a movement."""
    rows = selectors.village_rows(request.auth, year or clock.today().year, _under(request, under), klass, movement)
    return paginate_rows(rows, page, lambda items: [village_data(r) for r in items])


@router.get("/townships", response=list[ClassesTownshipOut])
@scoped(ClassEntry)
def townships(request, year: Year | None = None, under: int | None = None):
    """Per township: its villages of each class, the share at the target's class or better against the target
    (seed 004: 二类 30%), last year's share, and the movements."""
    rows = selectors.township_rows(request.auth, year or clock.today().year, _under(request, under))
    return [township_data(r) for r in rows]


@router.get("/matrix", response=ClassesMatrixOut)
@scoped(ClassEntry)
def matrix(request, year: Year | None = None, under: int | None = None):
    """How the villages moved between the classes of the year before and the year's (blank: not classed)."""
    year = year or clock.today().year
    found = selectors.matrix(request.auth, year, _under(request, under))
    return {"year": year, "cells": [{"before": b, "after": a, "villages": n} for (b, a), n in
                                    sorted(found["cells"].items())],
            **{m: found["totals"].get(m, 0) for m in Movement.values}}


@router.get("/classings", response=list[ClassesClassingOut])
@scoped(Classing)
def classings(request, year: Year | None = None):
    """The classings the caller sees, the latest first."""
    rows = request.scoped().select_related("owner")
    if year is not None:
        rows = rows.filter(year=year)
    return [classing_data(c) for c in rows]


@router.post("/classings", response={201: ClassesClassingOut, 409: ClassesPreviewOut})
@scoped(Classing, CHANGE)
def classing_run(request, payload: ClassesClassingIn):
    """Classes the villages under ``owner`` for a year, each with its reason (needed where the class changed from
    the year before). Without ``confirm``: 409 with the preview (classes, movements, each township against its
    target)."""
    owner = get_scoped(Organization.objects, request.auth, CHANGE, pk=payload.owner)
    people = {o.pk: o for o in Organization.objects.restrict(request.auth).filter(
        pk__in=[r.organization for r in payload.rows])}
    rows = [{"organization": people.get(r.organization, r.organization), "klass": r.klass, "reason": r.reason}
            for r in payload.rows]
    try:
        classing = run_service(request, services.classing_run, owner=owner, year=payload.year, rows=rows,
                               note=payload.note, confirm=payload.confirm)
    except NeedsConfirmation as exc:
        return Status(409, {"code": "confirmation_required", "message": exc.messages[0], **exc.details})
    return Status(201, classing_data(classing))


@router.post("/classings/{classing_id}/withdraw", response=ClassesClassingOut)
@scoped(Classing, CHANGE)
def classing_withdraw(request, classing_id: int, payload: ClassesReasonIn):
    """Takes a classing back: the classes it replaced are live again."""
    classing = request.scoped.get(pk=classing_id)
    run_service(request, services.classing_withdraw, classing=classing, reason=payload.reason)
    return classing_data(Classing.objects.select_related("owner").get(pk=classing.pk))


@router.get("/targets", response=list[ClassesTargetOut])
@scoped(ClassTarget)
def targets(request, year: Year | None = None):
    """The townships' targets the caller sees."""
    rows = request.scoped().select_related("organization")
    if year is not None:
        rows = rows.filter(year=year)
    return [{"id": t.pk, "township": ref(t.organization), "year": t.year, "klass": t.klass, "share": t.share}
            for t in rows]


@router.put("/targets", response=ClassesTargetOut)
@scoped(ClassTarget, CHANGE)
def target_set(request, payload: ClassesTargetIn):
    """Sets a township's target of a year: the share of its villages at a class or better."""
    township = get_scoped(Organization.objects, request.auth, CHANGE, pk=payload.township)
    t = run_service(request, services.target_set, township=township, year=payload.year, klass=payload.klass,
                    share=payload.share)
    return {"id": t.pk, "township": ref(t.organization), "year": t.year, "klass": t.klass, "share": t.share}


@router.get("/pairings", response=list[ClassesPairingOut])
@scoped(Pairing)
def pairings(request, year: Year | None = None, under: int | None = None):
    """三帮三争: the year's pairings the caller sees, each with the lagging village's class of the year before and of
    the year, and the outcome."""
    return [pairing_data(p) for p in selectors.pairings(request.auth, year or clock.today().year,
                                                        _under(request, under))]


def _pairing_out(request, pk: int) -> dict:
    p = Pairing.objects.select_related("advanced", "lagging").get(pk=pk)
    return pairing_data(selectors.with_outcomes([p], p.year)[0])


@router.post("/pairings", response={201: ClassesPairingOut})
@scoped(Pairing, CHANGE)
def pairing_create(request, payload: ClassesPairingIn):
    """Pairs an advanced village with a lagging one for a year."""
    advanced = get_scoped(Organization.objects, request.auth, CHANGE, pk=payload.advanced)
    lagging = get_scoped(Organization.objects, request.auth, CHANGE, pk=payload.lagging)
    p = run_service(request, services.pairing_create, year=payload.year, advanced=advanced, lagging=lagging,
                    measures=payload.measures)
    return Status(201, _pairing_out(request, p.pk))


@router.post("/pairings/{pairing_id}/note", response=ClassesPairingOut)
@scoped(Pairing, CHANGE)
def pairing_note(request, pairing_id: int, payload: ClassesPairingNoteIn):
    """The pairing's outcome note."""
    p = request.scoped.get(pk=pairing_id)
    run_service(request, services.pairing_note, pairing=p, note=payload.note)
    return _pairing_out(request, p.pk)


@router.post("/pairings/{pairing_id}/withdraw", response=ClassesPairingOut)
@scoped(Pairing, CHANGE)
def pairing_withdraw(request, pairing_id: int):
    """Withdraws a pairing made by mistake."""
    p = request.scoped.get(pk=pairing_id)
    run_service(request, services.pairing_withdraw, pairing=p)
    return _pairing_out(request, p.pk)

"""Responsibility letters in the REST API: the letters of a year, one letter with its targets, issuing a year's
letters (409 with the preview), adjusting targets, signing, the figures reached, withdrawing, and the year-end
check (409 with the preview) and its withdrawal. Reads through ``restrict``; writes through the services, which
check the caller's scope again. Outside the scope: 404."""
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
    paginate,
    ref,
    run_service,
    scoped,
)
from kernel.core.scope import CHANGE
from kernel.core.services import NeedsConfirmation
from kernel.orgs.models import Organization

from . import selectors, services
from .models import Consequence, Letter, LetterCheck, LetterPerson, LetterStatus, PersonRole

router = Router(tags=["letters"])
STATUS_CHOICES = [*selectors.STATUSES, ("failed", "failed")]


class LettersTargetOut(Schema):
    id: int
    text: str
    measure: str
    target: Decimal
    weight: Decimal
    actual: Decimal | None
    met: bool | None


class LettersPersonOut(Schema):
    id: int
    person: int | None = Field(None, description="The person in the people registry, if one was chosen.")
    name: str
    role: choice(PersonRole)
    post: str


class LettersPersonIn(In):
    person: int | None = Field(None, description="A person of the people registry the caller sees; or give a name.")
    name: str = Field("", max_length=50)
    role: str = Field("", max_length=20, description="link_leader, township_leader or work_team.")
    post: str = Field("", max_length=100)


class LettersPeopleIn(In):
    people: list[LettersPersonIn] = []


class LettersBarredOut(Schema):
    id: int
    person: int | None
    name: str
    role: choice(PersonRole)
    post: str
    organization: Ref
    issuer: Ref
    letter: int
    letter_title: str
    year: int
    total: Decimal | None
    tier: str
    tier_name: str
    checked_on: datetime.date


class LettersLetterOut(Schema):
    id: int
    year: int
    title: str
    issuer: Ref
    organization: Ref
    due_on: datetime.date
    signed_on: datetime.date | None
    signer: str
    status: choice(LetterStatus)
    duty: int | None = Field(None, description="The signing duty's obligation in the duties engine.")
    duty_state: str
    total: Decimal | None
    tier: str
    tier_name: str
    accepted: bool | None
    consequence: choice(Consequence, blank=True)
    reward: str
    withdrawn_on: datetime.date | None
    withdraw_reason: str
    targets: list[LettersTargetOut]
    people: list[LettersPersonOut]


class LettersTargetIn(In):
    text: str = Field("", max_length=300)
    measure: str = Field("", max_length=40)
    target: Decimal = Decimal("0")
    weight: Decimal = Decimal("1")


class LettersIssueIn(In):
    issuer: int
    year: Year
    due_on: datetime.date
    title: str = Field("", max_length=200)
    targets: list[LettersTargetIn] | None = Field(None, description="Default: the issuer's own letter's targets of "
                                                                    "the year (the template copied down).")
    recipients: list[int] | None = Field(None, description="Default: every organization directly under the issuer.")
    confirm: bool = Field(False, description="Without it, 409 with the preview and nothing is written.")


class LettersPreviewTargetOut(Schema):
    text: str
    measure: str
    target: str
    weight: str


class LettersIssuePreviewOut(NeedsConfirmationOut):
    targets: list[LettersPreviewTargetOut]
    issuer: str
    year: int
    due_on: str
    title: str
    recipients: list[str]
    skipped: list[str]
    effects: list[str]


class LettersTargetsIn(In):
    targets: list[LettersTargetIn] = []


class LettersSignIn(In):
    signed_on: datetime.date | None = None
    signer: str = Field("", max_length=50)


class LettersActualIn(In):
    target: int
    actual: Decimal | None = None


class LettersActualsIn(In):
    actuals: list[LettersActualIn] = []


class LettersReasonIn(In):
    reason: str = Field("", max_length=300)


class LettersCheckIn(In):
    issuer: int
    year: Year
    reward: str = Field("", max_length=300)
    confirm: bool = Field(False, description="Without it, 409 with the preview and nothing is written.")


class LettersCheckRowOut(Schema):
    organization: str
    total: str
    tier: str
    tier_name: str
    signed_on_time: bool
    consequence: str


class LettersCheckPreviewOut(NeedsConfirmationOut):
    issuer: str
    year: int
    rows: list[LettersCheckRowOut]
    failed: int
    excellent: int
    effects: list[str]


class LettersCheckOut(Schema):
    id: int
    year: int
    issuer: Ref
    assessment: int | None
    checked_on: datetime.date
    reward: str
    withdrawn_on: datetime.date | None
    letters: int
    failed: int
    excellent: int


class LettersCountsOut(Schema):
    year: int
    issued: int
    signed: int
    unsigned: int
    overdue: int
    checked: int
    failed: int
    barred: int


def letter_data(letter: Letter) -> dict:
    obligation = letter.obligation if letter.obligation_id else None
    return {"id": letter.pk, "year": letter.year, "title": letter.title, "issuer": ref(letter.issuer),
            "organization": ref(letter.organization), "due_on": letter.due_on, "signed_on": letter.signed_on,
            "signer": letter.signer, "status": letter.status(), "duty": letter.obligation_id,
            "duty_state": obligation.state if obligation else "", "total": letter.total, "tier": letter.tier,
            "tier_name": letter.tier_name, "accepted": letter.accepted, "consequence": letter.consequence,
            "reward": letter.reward, "withdrawn_on": letter.withdrawn_on, "withdraw_reason": letter.withdraw_reason,
            "targets": [{"id": t.pk, "text": t.text, "measure": t.measure, "target": t.target, "weight": t.weight,
                         "actual": t.actual, "met": t.met} for t in letter.targets.all()],
            "people": [{"id": p.pk, "person": p.person_id, "name": p.name, "role": p.role, "post": p.post}
                       for p in letter.people.all()]}


def barred_data(row: LetterPerson) -> dict:
    letter = row.letter
    return {"id": row.pk, "person": row.person_id, "name": row.name, "role": row.role, "post": row.post,
            "organization": ref(letter.organization), "issuer": ref(letter.issuer), "letter": letter.pk,
            "letter_title": letter.title, "year": letter.year, "total": letter.total, "tier": letter.tier,
            "tier_name": letter.tier_name, "checked_on": letter.year_check.checked_on}


def check_data(check: LetterCheck) -> dict:
    rows = list(check.letters.values_list("tier", flat=True))
    return {"id": check.pk, "year": check.year, "issuer": ref(check.issuer), "assessment": check.assessment_id,
            "checked_on": check.checked_on, "reward": check.reward, "withdrawn_on": check.withdrawn_on,
            "letters": len(rows), "failed": rows.count("failed"), "excellent": rows.count("excellent")}


def _fresh(pk: int) -> dict:
    return letter_data(Letter.objects.select_related("organization", "issuer", "obligation")
                       .prefetch_related("targets", "people").get(pk=pk))


@router.get("/letters", response=Page[LettersLetterOut])
@scoped(Letter)
def letters_list(request, page: Query[PageParams], year: Year | None = None, under: int | None = None,
                 issuer: int | None = None, status: choice(STATUS_CHOICES, blank=True) = ""):
    """The letters of a year (default this one) the caller sees: as the issuer above or as the organization signing;
    under an organization, from an issuer, of a status (``failed``: failed the year-end check)."""
    org = get_scoped(Organization.objects, request.auth, pk=under) if under is not None else None
    by = get_scoped(Organization.objects, request.auth, pk=issuer) if issuer is not None else None
    rows = selectors.letters(request.auth, year=year or clock.today().year, under=org, issuer=by, status=status)
    return paginate(rows.prefetch_related("targets", "people"), page, lambda items: [letter_data(x) for x in items])


@router.get("/counts", response=LettersCountsOut)
@scoped(Letter)
def letters_counts(request, year: Year | None = None, under: int | None = None):
    """The figures of a year's letters the caller sees: issued, signed, unsigned, overdue, checked, failed."""
    org = get_scoped(Organization.objects, request.auth, pk=under) if under is not None else None
    year = year or clock.today().year
    return {"year": year, **selectors.counts(request.auth, year=year, under=org)}


@router.get("/letters/{letter_id}", response=LettersLetterOut)
@scoped(Letter)
def letter_detail(request, letter_id: int):
    """One letter with its targets, its signing duty and its check."""
    return _fresh(request.scoped.get(pk=letter_id).pk)


@router.post("/issue", response={201: list[LettersLetterOut], 409: LettersIssuePreviewOut})
@scoped(Letter, CHANGE)
def letters_issue(request, payload: LettersIssueIn):
    """Issues the issuer's letters of a year to the organizations directly under it, each to be signed by
    ``due_on`` (a duty). Without ``confirm``: 409 with the preview, nothing written."""
    issuer = get_scoped(Organization.objects, request.auth, CHANGE, pk=payload.issuer)
    targets = [t.model_dump() for t in payload.targets] if payload.targets is not None else None
    try:
        letters = run_service(request, services.letters_issue, issuer=issuer, year=payload.year,
                              due_on=payload.due_on, title=payload.title, targets=targets,
                              recipients=payload.recipients, confirm=payload.confirm)
    except NeedsConfirmation as exc:
        return Status(409, {"code": "confirmation_required", "message": exc.messages[0], **exc.details})
    return Status(201, [_fresh(letter.pk) for letter in letters])


@router.put("/letters/{letter_id}/targets", response=LettersLetterOut)
@scoped(Letter, CHANGE)
def letter_targets(request, letter_id: int, payload: LettersTargetsIn):
    """Adjusts the letter's targets before it is signed (the issuer's)."""
    letter = request.scoped.get(pk=letter_id)
    run_service(request, services.targets_set, letter=letter, targets=[t.model_dump() for t in payload.targets])
    return _fresh(letter.pk)


@router.put("/letters/{letter_id}/people", response=LettersLetterOut)
@scoped(Letter, CHANGE)
def letter_people(request, letter_id: int, payload: LettersPeopleIn):
    """The people answerable for the letter (联点领导, 乡镇领导, 工作队(组)人员), replacing those recorded: the
    issuer's, before the year-end check. If the check fails, they are barred from the excellent grade of the
    year's annual review."""
    letter = request.scoped.get(pk=letter_id)
    run_service(request, services.people_set, letter=letter, people=[p.model_dump() for p in payload.people])
    return _fresh(letter.pk)


@router.get("/barred", response=Page[LettersBarredOut])
@scoped(LetterPerson)
def letters_barred(request, page: Query[PageParams], year: Year | None = None, under: int | None = None):
    """The people barred from the excellent grade of a year's annual review (default this year): those answerable
    for a letter whose year-end check failed, in the caller's subtree (under an organization). A check withdrawn
    or redone as passed lifts the bar."""
    org = get_scoped(Organization.objects, request.auth, pk=under) if under is not None else None
    rows = selectors.barred(request.auth, year=year or clock.today().year, under=org)
    return paginate(rows, page, lambda items: [barred_data(x) for x in items])


@router.post("/letters/{letter_id}/sign", response=LettersLetterOut)
@scoped(Letter, CHANGE)
def letter_sign(request, letter_id: int, payload: LettersSignIn):
    """Records the letter signed (default today): its signing duty is done."""
    letter = request.scoped.get(pk=letter_id)
    run_service(request, services.letter_sign, letter=letter, signed_on=payload.signed_on or clock.today(),
                signer=payload.signer)
    return _fresh(letter.pk)


@router.post("/letters/{letter_id}/actuals", response=LettersLetterOut)
@scoped(Letter, CHANGE)
def letter_actuals(request, letter_id: int, payload: LettersActualsIn):
    """The figures reached at the year's end, per target (the issuer's, before the check)."""
    letter = request.scoped.get(pk=letter_id)
    run_service(request, services.actuals_set, letter=letter, actuals={a.target: a.actual for a in payload.actuals})
    return _fresh(letter.pk)


@router.post("/letters/{letter_id}/withdraw", response=LettersLetterOut)
@scoped(Letter, CHANGE)
def letter_withdraw(request, letter_id: int, payload: LettersReasonIn):
    """Withdraws a letter issued by mistake (before its check): its duty is waived."""
    letter = request.scoped.get(pk=letter_id)
    run_service(request, services.letter_withdraw, letter=letter, reason=payload.reason)
    return _fresh(letter.pk)


@router.get("/checks", response=list[LettersCheckOut])
@scoped(LetterCheck)
def checks_list(request, year: Year | None = None):
    """The year-end checks the caller sees."""
    return [check_data(check) for check in selectors.checks(request.auth, year=year)]


@router.post("/checks", response={201: LettersCheckOut, 409: LettersCheckPreviewOut})
@scoped(LetterCheck, CHANGE)
def check_run(request, payload: LettersCheckIn):
    """The year-end check of the issuer's letters of a year through the standards engine: each letter takes its
    grade; a failed one bars its organization from the excellent grade of the year. Without ``confirm``: 409 with
    the preview."""
    issuer = get_scoped(Organization.objects, request.auth, CHANGE, pk=payload.issuer)
    try:
        check = run_service(request, services.check_run, issuer=issuer, year=payload.year, reward=payload.reward,
                            confirm=payload.confirm)
    except NeedsConfirmation as exc:
        return Status(409, {"code": "confirmation_required", "message": exc.messages[0], **exc.details})
    return Status(201, check_data(check))


@router.post("/checks/{check_id}/withdraw", response=LettersCheckOut)
@scoped(LetterCheck, CHANGE)
def check_withdraw(request, check_id: int, payload: LettersReasonIn):
    """Takes a year-end check back: its letters are unchecked again."""
    check = request.scoped.get(pk=check_id)
    run_service(request, services.check_withdraw, check=check, reason=payload.reason)
    return check_data(LetterCheck.objects.get(pk=check.pk))

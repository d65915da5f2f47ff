"""Members' goals and plaques in the REST API: the common goals per class, the goals letters (issued for a branch
from the templates, 409 with the preview first), their quarterly spot checks and year's outcome (a branch's grid saved
as a batch after a 409 preview, withdrawn the same way), the "五带头" plaques
and their namings (409 preview, withdrawal), the year's 标兵 and the pairings with poor households. Reads through
``restrict``; writes through the services, which check the caller's scope again. Outside the scope: 404."""
import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
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
from kernel.orgs.models import Organization
from kernel.people.choices import Classification
from kernel.people.models import Member

from . import selectors, services
from .models import (
    CheckStatus,
    GoalLetter,
    GoalTemplate,
    LiveStatus,
    ModelLevel,
    ModelMember,
    Outcome,
    OutcomeBatch,
    PairOutcome,
    Plaque,
    PlaqueNaming,
    PlaqueStatus,
    PovertyPair,
    SixOne,
    SpotCheck,
)

router = Router(tags=["goals"])
PAIR_FILTERS = [*PairOutcome.choices, ("out_any", "out or basically out")]


# --- schemas ------------------------------------------------------------------------------------------------------

class GoalsTemplateOut(Schema):
    id: int
    owner: Ref
    year: int
    member_class: choice(Classification)
    common_goals: list[str]
    six_ones: bool
    note: str


class GoalsTemplateIn(In):
    owner: int
    year: Year
    member_class: choice(Classification)
    common_goals: str = Field("", description="One goal a line.")
    six_ones: bool = False
    note: str = Field("", max_length=300)


class GoalsTemplateCopyIn(In):
    owner: int
    year: Year


class GoalsCopiedOut(Schema):
    copied: int


class GoalsLetterOut(Schema):
    id: int
    person: Ref
    member: int
    organization: Ref
    year: int
    member_class: choice(Classification)
    common_goals: list[str]
    individual_goals: list[str]
    six_ones: list[choice(SixOne)]
    six_ones_done: list[choice(SixOne)]
    signed_on: datetime.date
    outcome: choice(Outcome)
    outcome_on: datetime.date | None
    outcome_note: str


class GoalsIssueIn(In):
    year: Year
    signed_on: datetime.date | None = Field(None, description="Default: today.")
    confirm: bool = Field(False, description="Without it: 409 with the preview and nothing is written.")


class GoalsIssueOut(Schema):
    year: int
    organization: str
    to_issue: int
    existing: int
    by_class: dict[str, int]
    skipped: list[str]
    names: list[str]


class GoalsIssuePreviewOut(NeedsConfirmationOut):
    year: int
    organization: str
    to_issue: int
    existing: int
    by_class: dict[str, int]
    skipped: list[str]
    names: list[str]


class GoalsLetterPatch(In):
    individual_goals: str | None = Field(None, description="One goal a line.")
    six_ones: list[choice(SixOne)] | None = None
    six_ones_done: list[choice(SixOne)] | None = None
    signed_on: datetime.date | None = None


class GoalsOutcomeIn(In):
    outcome: choice(Outcome)
    note: str = Field("", max_length=300, description="Which goals were not met (required for not met).")
    on: datetime.date | None = None


OUTCOME_EFFECTS = [("barred", "newly not met: barred from 优秀"), ("lifted", "no longer not met: the bar lifted"),
                   ("changed", "another change of outcome"), ("assessed", "newly assessed met"),
                   ("note", "the note only")]


class GoalsOutcomeRowIn(In):
    letter: int
    outcome: choice(Outcome)
    note: str = Field("", max_length=300, description="Which goals were not met (required for not met).")


class GoalsOutcomesIn(In):
    year: Year
    rows: list[GoalsOutcomeRowIn] = Field([], description="The letters of the branch and year whose outcome is set.")
    confirm: bool = Field(False, description="Without it: 409 with the preview and nothing is written.")


class GoalsOutcomeChangeOut(Schema):
    letter: int
    name: str
    before: choice(Outcome)
    before_note: str
    after: choice(Outcome)
    after_note: str
    effect: choice(OUTCOME_EFFECTS)
    plaque: bool = Field(False, description="Newly barred and holding a five-lead plaque.")
    model_member: bool = Field(False, description="Newly barred and a model member (标兵) of the year.")


class GoalsOutcomeCountsOut(Schema):
    barred: int
    lifted: int
    changed: int
    assessed: int
    note: int


class GoalsOutcomesPreviewOut(NeedsConfirmationOut):
    organization: str
    year: int
    changes: int
    unchanged: int
    rows: list[GoalsOutcomeChangeOut]
    counts: GoalsOutcomeCountsOut


class GoalsOutcomeBatchOut(Schema):
    id: int
    organization: Ref
    year: int
    saved_on: datetime.date
    status: choice(LiveStatus)
    withdraw_reason: str
    withdrawn_on: datetime.date | None
    changes: list[GoalsOutcomeChangeOut]
    counts: GoalsOutcomeCountsOut


class GoalsBatchWithdrawIn(In):
    reason: str = Field("", max_length=300)
    confirm: bool = Field(False, description="Without it: 409 with the preview and nothing is written.")


class GoalsBatchWithdrawPreviewOut(NeedsConfirmationOut):
    organization: str
    year: int
    saved_on: str
    reason: str
    changes: int
    rows: list[GoalsOutcomeChangeOut]
    counts: GoalsOutcomeCountsOut


class GoalsReasonIn(In):
    reason: str = Field("", max_length=300)


class GoalsCheckEntryIn(In):
    letter: int
    status: choice(CheckStatus)
    note: str = Field("", max_length=300)


class GoalsSpotCheckIn(In):
    year: Year
    quarter: int = Field(..., ge=1, le=4)
    checked_on: datetime.date
    checked_by: str = Field("", max_length=100)
    note: str = Field("", max_length=300)
    entries: list[GoalsCheckEntryIn] = []


class GoalsCheckEntryOut(Schema):
    letter: int
    person: Ref
    status: choice(CheckStatus)
    note: str


class GoalsSpotCheckOut(Schema):
    id: int
    organization: Ref
    year: int
    quarter: int
    checked_on: datetime.date
    checked_by: str
    note: str
    duty: int | None = Field(None, description="The quarterly obligation the check discharged.")
    duty_state: str
    entries: list[GoalsCheckEntryOut]


class GoalsSummaryOut(Schema):
    year: int
    members: int
    letters: int
    share: float
    met: int
    not_met: int
    pending: int
    plaques_held: int
    plaques_granted: int
    plaques_removed: int
    models_year: int
    models_total: int
    pairs: int
    out_of_poverty: int
    helping: int


class GoalsPlaqueOut(Schema):
    id: int
    person: Ref
    organization: Ref
    year: int
    granted_on: datetime.date
    naming: int
    village_title: str
    village_title_held: bool
    status: choice(PlaqueStatus)
    removed_on: datetime.date | None
    remove_reason: str


class GoalsNamingIn(In):
    owner: int
    year: Year
    grant: list[int] = Field([], description="Persons (members) to grant a plaque to.")
    remove: list[int] = Field([], description="Plaques to remove.")
    decided_on: datetime.date | None = None
    issuer: str = Field("", max_length=100)
    decision_no: str = Field("", max_length=100)
    remove_reason: str = Field("", max_length=300)
    confirm: bool = Field(False, description="Without it: 409 with the preview and nothing is written.")


class GoalsNamedOut(Schema):
    name: str
    organization: str
    village_title: str = ""
    reason: str = ""


class GoalsNamingPreviewOut(NeedsConfirmationOut):
    owner: str
    year: int
    granted: list[GoalsNamedOut]
    removed: list[GoalsNamedOut]


class GoalsNamingOut(Schema):
    id: int
    owner: Ref
    year: int
    decided_on: datetime.date
    issuer: str
    decision_no: str
    status: choice(LiveStatus)
    withdraw_reason: str
    granted: list[int]
    removed: list[int]


class GoalsModelIn(In):
    owner: int
    year: Year
    members: list[int] = Field([], description="Persons (members) commended.")
    commended_on: datetime.date | None = Field(None, description="Default: 1 July (七一) of the year.")
    issuer: str = Field("", max_length=100)
    citation: str = Field("", max_length=300)
    confirm: bool = Field(False, description="Without it: 409 with the preview and nothing is written.")


class GoalsModelPreviewOut(NeedsConfirmationOut):
    owner: str
    year: int
    level: str
    commended_on: str
    names: list[str]
    count: int


class GoalsModelOut(Schema):
    id: int
    person: Ref
    organization: Ref
    year: int
    level: choice(ModelLevel)
    commended_on: datetime.date
    issuer: str
    citation: str
    status: choice(LiveStatus)


class GoalsModelsOut(Schema):
    year_count: int
    total: int
    items: list[GoalsModelOut]


class GoalsPairIn(In):
    person: int
    household: str = Field("", max_length=50)
    place: str = Field("", max_length=100)
    started_on: datetime.date | None = None
    help: str = Field("", max_length=300)
    note: str = Field("", max_length=300)


class GoalsPairOutcomeIn(In):
    outcome: choice(PairOutcome)
    on: datetime.date | None = None
    help: str | None = Field(None, max_length=300)
    note: str = Field("", max_length=300)


class GoalsPairOut(Schema):
    id: int
    person: Ref
    organization: Ref
    household: str
    place: str
    started_on: datetime.date
    help: str
    outcome: choice(PairOutcome)
    outcome_on: datetime.date | None
    note: str


class GoalsPairFiguresOut(Schema):
    total: int
    out: int
    basically_out: int
    out_any: int
    helping: int
    not_out: int


# --- data ----------------------------------------------------------------------------------------------------------

def template_data(row: GoalTemplate) -> dict:
    return {"id": row.pk, "owner": ref(row.owner), "year": row.year, "member_class": row.member_class,
            "common_goals": row.goal_lines, "six_ones": row.six_ones, "note": row.note}


def letter_data(row: GoalLetter) -> dict:
    return {"id": row.pk, "person": ref(row.person), "member": row.member_id, "organization": ref(row.organization),
            "year": row.year, "member_class": row.member_class, "common_goals": row.common_lines,
            "individual_goals": row.individual_lines, "six_ones": row.six_ones, "six_ones_done": row.six_ones_done,
            "signed_on": row.signed_on, "outcome": row.outcome, "outcome_on": row.outcome_on,
            "outcome_note": row.outcome_note}


def check_data(row: SpotCheck) -> dict:
    obligation = row.submission.obligation if row.submission_id and row.submission.obligation_id else None
    return {"id": row.pk, "organization": ref(row.organization), "year": row.year, "quarter": row.quarter,
            "checked_on": row.checked_on, "checked_by": row.checked_by, "note": row.note,
            "duty": obligation.pk if obligation else None, "duty_state": obligation.state if obligation else "",
            "entries": [{"letter": entry.letter_id, "person": ref(entry.letter.person), "status": entry.status,
                         "note": entry.note} for entry in row.entries.all()]}


def plaque_data(row: Plaque) -> dict:
    title = row.village_title
    return {"id": row.pk, "person": ref(row.person), "organization": ref(row.organization), "year": row.year,
            "granted_on": row.granted_on, "naming": row.naming_id, "village_title": row.village_title_name,
            "village_title_held": bool(title and title.status == title.Status.ACTIVE), "status": row.status,
            "removed_on": row.removed_on, "remove_reason": row.remove_reason}


def batch_data(row: OutcomeBatch) -> dict:
    changes = list(row.changes.select_related("letter__person").order_by("letter__person__name", "pk"))
    items = [{"letter": c.letter_id, "name": c.letter.person.name, "before": c.before_outcome,
              "before_note": c.before_note, "after": c.after_outcome, "after_note": c.after_note,
              "effect": services.outcome_effect(c.before_outcome, c.after_outcome)} for c in changes]
    counts = {key: sum(1 for item in items if item["effect"] == key) for key, _label in OUTCOME_EFFECTS}
    return {"id": row.pk, "organization": ref(row.organization), "year": row.year, "saved_on": row.saved_on,
            "status": row.status, "withdraw_reason": row.withdraw_reason, "withdrawn_on": row.withdrawn_on,
            "changes": items, "counts": counts}


def naming_data(row: PlaqueNaming) -> dict:
    return {"id": row.pk, "owner": ref(row.owner), "year": row.year, "decided_on": row.decided_on,
            "issuer": row.issuer, "decision_no": row.decision_no, "status": row.status,
            "withdraw_reason": row.withdraw_reason, "granted": sorted(row.granted.values_list("pk", flat=True)),
            "removed": sorted(row.removed.values_list("pk", flat=True))}


def model_data(row: ModelMember) -> dict:
    return {"id": row.pk, "person": ref(row.person), "organization": ref(row.organization), "year": row.year,
            "level": row.level, "commended_on": row.commended_on, "issuer": row.issuer, "citation": row.citation,
            "status": row.status}


def pair_data(row: PovertyPair) -> dict:
    return {"id": row.pk, "person": ref(row.person), "organization": ref(row.organization),
            "household": row.household, "place": row.place, "started_on": row.started_on, "help": row.help,
            "outcome": row.outcome, "outcome_on": row.outcome_on, "note": row.note}


def _org(request, organization_id: int | None, action: str = "view") -> Organization | None:
    if organization_id is None:
        return None
    return get_scoped(Organization.objects, request.auth, action, pk=organization_id)


def _members(request, person_ids: list[int], field: str) -> list[Member]:
    ids = list(dict.fromkeys(person_ids))
    found = {m.person_id: m for m in Member.objects.restrict(request.auth, CHANGE).filter(person_id__in=ids)
             .select_related("person__organization")}
    if len(found) != len(ids):
        raise ValidationError({field: [_("Choose members among those you are responsible for.")]})
    return [found[pk] for pk in ids]


def _confirm(exc) -> Status:
    return Status(409, {"code": "confirmation_required", "message": exc.messages[0], **exc.details})


# --- templates and letters ---------------------------------------------------------------------------------------

@router.get("/templates", response=list[GoalsTemplateOut])
@scoped(GoalTemplate)
def template_list(request, year: Year | None = None):
    """The common goals per class of member the caller works under (its own and those set above it)."""
    return [template_data(row) for row in selectors.templates(request.auth, year)]


@router.post("/templates", response={201: GoalsTemplateOut})
@scoped(GoalTemplate, CHANGE)
def template_put(request, payload: GoalsTemplateIn):
    """Sets an owner's common goals for a class and year (letters already signed keep theirs)."""
    owner = _org(request, payload.owner, CHANGE)
    data = payload.model_dump(exclude={"owner"})
    return Status(201, template_data(run_service(request, services.template_set, owner=owner, **data)))


@router.post("/templates/copy", response=GoalsCopiedOut)
@scoped(GoalTemplate, CHANGE)
def template_copy(request, payload: GoalsTemplateCopyIn):
    """Copies the latest earlier year's templates into the year, for the classes it has none of."""
    owner = _org(request, payload.owner, CHANGE)
    return {"copied": run_service(request, services.templates_copy, owner=owner, year=payload.year)}


@router.get("/letters", response=Page[GoalsLetterOut])
@scoped(GoalLetter)
def letter_list(request, year: Year, page: Query[PageParams], under: int | None = None,
                organization: int | None = None, outcome: choice(Outcome, blank=True) = ""):
    """The year's goals letters, under an organization or of one branch, by outcome."""
    rows = selectors.letters(request.auth, year=year, under=_org(request, under),
                             organization=_org(request, organization), outcome=outcome)
    return paginate(rows, page, lambda items: [letter_data(row) for row in items])


@router.get("/letters/{letter_id}", response=GoalsLetterOut)
@scoped(GoalLetter)
def letter_get(request, letter_id: int):
    return letter_data(request.scoped.get(pk=letter_id))


@router.post("/organizations/{organization_id}/letters", response={200: GoalsIssueOut, 409: GoalsIssuePreviewOut})
@scoped(GoalLetter, CHANGE)
def letters_issue(request, organization_id: int, payload: GoalsIssueIn):
    """Issues the year's goals letters of a branch's members in good standing who have none, from the common goals
    of their classes. Without ``confirm``: 409 with the preview."""
    organization = get_scoped(Organization.objects, request.auth, CHANGE, pk=organization_id)
    try:
        return run_service(request, services.letters_issue, organization=organization, **payload.model_dump())
    except services.NeedsConfirmation as exc:
        return _confirm(exc)


@router.patch("/letters/{letter_id}", response=GoalsLetterOut)
@scoped(GoalLetter, CHANGE)
def letter_patch(request, letter_id: int, payload: GoalsLetterPatch):
    """The letter's individual goals, its six quantified goals chosen and reached, its signing day."""
    letter = request.scoped.get(pk=letter_id)
    letter = run_service(request, services.letter_update, letter=letter, **payload.model_dump(exclude_unset=True))
    return letter_data(GoalLetter.objects.select_related("person", "organization").get(pk=letter.pk))


@router.post("/letters/{letter_id}/outcome", response=GoalsLetterOut)
@scoped(GoalLetter, CHANGE)
def letter_outcome(request, letter_id: int, payload: GoalsOutcomeIn):
    """The year's outcome of the letter; democratic evaluation reads it (unmet goals bar 优秀). Kept as a saving of
    one outcome (``/outcome-batches``), withdrawn like the grid's."""
    letter = request.scoped.get(pk=letter_id)
    letter = run_service(request, services.outcome_set, letter=letter, **payload.model_dump())
    return letter_data(GoalLetter.objects.select_related("person", "organization").get(pk=letter.pk))


@router.post("/organizations/{organization_id}/outcomes",
             response={201: GoalsOutcomeBatchOut, 409: GoalsOutcomesPreviewOut})
@scoped(OutcomeBatch, CHANGE)
def outcomes_save(request, organization_id: int, payload: GoalsOutcomesIn):
    """The branch's year-end outcomes, saved together as one batch that can be withdrawn. Without ``confirm``: 409
    with the preview (members newly not met, thereby barred from 优秀 in democratic evaluation; members whose outcome
    changes; those newly assessed met; notes changed)."""
    organization = get_scoped(Organization.objects, request.auth, CHANGE, pk=organization_id)
    ids = list(dict.fromkeys(row.letter for row in payload.rows))
    letters = GoalLetter.objects.restrict(request.auth, CHANGE).select_related("person").in_bulk(ids)
    if len(letters) != len(ids):
        raise Http404
    rows = [(letters[row.letter], row.outcome, row.note) for row in payload.rows]
    try:
        batch = run_service(request, services.outcomes_save, organization=organization, year=payload.year, rows=rows,
                            confirm=payload.confirm)
    except services.NeedsConfirmation as exc:
        return _confirm(exc)
    return Status(201, batch_data(batch))


@router.get("/outcome-batches", response=list[GoalsOutcomeBatchOut])
@scoped(OutcomeBatch)
def batch_list(request, year: Year | None = None, organization: int | None = None, under: int | None = None):
    """The savings of the year-end outcomes (newest first), each with the outcomes it changed."""
    rows = selectors.outcome_batches(request.auth, organization=_org(request, organization),
                                     under=_org(request, under), year=year)
    return [batch_data(row) for row in rows[:200]]


@router.get("/outcome-batches/{batch_id}", response=GoalsOutcomeBatchOut)
@scoped(OutcomeBatch)
def batch_get(request, batch_id: int):
    return batch_data(request.scoped.get(pk=batch_id))


@router.post("/outcome-batches/{batch_id}/withdraw", response={200: GoalsOutcomeBatchOut,
                                                               409: GoalsBatchWithdrawPreviewOut})
@scoped(OutcomeBatch, CHANGE)
def batch_withdraw(request, batch_id: int, payload: GoalsBatchWithdrawIn):
    """Withdraws a saving of outcomes: each letter's outcome back to what it was before it. Without ``confirm``: 409
    with the preview. Refused (422) while a letter's outcome was changed since."""
    batch = request.scoped.get(pk=batch_id)
    try:
        batch = run_service(request, services.outcome_batch_withdraw, batch=batch, reason=payload.reason,
                            confirm=payload.confirm)
    except services.NeedsConfirmation as exc:
        return _confirm(exc)
    return batch_data(OutcomeBatch.objects.select_related("organization").get(pk=batch.pk))


@router.post("/letters/{letter_id}/withdraw", response={204: None})
@scoped(GoalLetter, CHANGE)
def letter_withdraw(request, letter_id: int, payload: GoalsReasonIn):
    """Withdraws a letter issued by mistake, while nothing is recorded against it."""
    letter = request.scoped.get(pk=letter_id)
    run_service(request, services.letter_withdraw, letter=letter, reason=payload.reason)
    return Status(204, None)


@router.get("/spot-checks", response=list[GoalsSpotCheckOut])
@scoped(SpotCheck)
def check_list(request, year: Year | None = None, organization: int | None = None, under: int | None = None):
    """The branches' quarterly spot checks, each with the members checked and the duty it discharged."""
    rows = selectors.spot_checks(request.auth, organization=_org(request, organization), under=_org(request, under),
                                 year=year)
    return [check_data(row) for row in rows[:500]]


@router.post("/organizations/{organization_id}/spot-checks", response={201: GoalsSpotCheckOut})
@scoped(SpotCheck, CHANGE)
def check_record(request, organization_id: int, payload: GoalsSpotCheckIn):
    """Records (or corrects) a branch's spot check of a quarter: each member checked on track or behind (with a
    note). The first check of the quarter discharges the branch's quarterly duty."""
    organization = get_scoped(Organization.objects, request.auth, CHANGE, pk=organization_id)
    letters = GoalLetter.objects.restrict(request.auth, CHANGE).in_bulk([e.letter for e in payload.entries])
    if len(letters) != len({e.letter for e in payload.entries}):
        raise Http404
    entries = [(letters[e.letter], e.status, e.note) for e in payload.entries]
    check = run_service(request, services.spot_check_record, organization=organization, entries=entries,
                        **payload.model_dump(exclude={"entries"}))
    return Status(201, check_data(selectors.spot_checks(request.auth).get(pk=check.pk)))


@router.get("/summary", response=GoalsSummaryOut)
@scoped(GoalLetter)
def summary(request, year: Year | None = None, under: int | None = None):
    """The year's figures under an organization (default: all the caller sees): letters and outcomes, plaques,
    model members (the year's and all years'), pairings and households out of poverty."""
    year = year or clock.today().year
    org = _org(request, under)
    letters = selectors.letter_figures(request.auth, org, year)
    plaques = selectors.plaque_figures(request.auth, org, year)
    models = selectors.model_figures(request.auth, org, year)
    pairs = selectors.pair_figures(request.auth, org)
    return {"year": year, **letters, "plaques_held": plaques["held"], "plaques_granted": plaques["granted"],
            "plaques_removed": plaques["removed"], "models_year": models["year"], "models_total": models["total"],
            "pairs": pairs["total"], "out_of_poverty": pairs["out_any"], "helping": pairs["helping"]}


# --- plaques ------------------------------------------------------------------------------------------------------

@router.get("/plaques", response=Page[GoalsPlaqueOut])
@scoped(Plaque)
def plaque_list(request, page: Query[PageParams], under: int | None = None,
                status: choice(PlaqueStatus, blank=True) = "", year: Year | None = None):
    """Members' "五带头" plaques, each with the title the village held when it was granted."""
    rows = selectors.plaques(request.auth, under=_org(request, under), status=status, year=year)
    return paginate(rows, page, lambda items: [plaque_data(row) for row in items])


@router.get("/namings", response=list[GoalsNamingOut])
@scoped(PlaqueNaming)
def naming_list(request):
    return [naming_data(row) for row in selectors.namings(request.auth)[:200]]


@router.post("/namings", response={201: GoalsNamingOut, 409: GoalsNamingPreviewOut})
@scoped(PlaqueNaming, CHANGE)
def naming_make(request, payload: GoalsNamingIn):
    """The year's "五带头" naming: plaques granted and removed as one act. Without ``confirm``: 409 with the
    preview (each plaque with the village's title; removals with the reason)."""
    owner = _org(request, payload.owner, CHANGE)
    grant = _members(request, payload.grant, "grant")
    remove_ids = list(dict.fromkeys(payload.remove))
    found = Plaque.objects.restrict(request.auth, CHANGE).select_related("person", "organization").in_bulk(remove_ids)
    if len(found) != len(remove_ids):
        raise ValidationError({"remove": [_("Choose plaques among those you are responsible for.")]})
    data = payload.model_dump(exclude={"owner", "grant", "remove"})
    try:
        naming = run_service(request, services.naming_make, owner=owner, grant=grant,
                             remove=[found[pk] for pk in remove_ids], **data)
    except services.NeedsConfirmation as exc:
        return _confirm(exc)
    return Status(201, naming_data(PlaqueNaming.objects.select_related("owner").get(pk=naming.pk)))


@router.post("/namings/{naming_id}/withdraw", response=GoalsNamingOut)
@scoped(PlaqueNaming, CHANGE)
def naming_withdraw(request, naming_id: int, payload: GoalsReasonIn):
    """Withdraws a naming decided by mistake: its plaques withdrawn, those it removed held again."""
    naming = request.scoped.get(pk=naming_id)
    naming = run_service(request, services.naming_withdraw, naming=naming, reason=payload.reason)
    return naming_data(PlaqueNaming.objects.select_related("owner").get(pk=naming.pk))


# --- model members ------------------------------------------------------------------------------------------------

@router.get("/models", response=GoalsModelsOut)
@scoped(ModelMember)
def model_list(request, year: Year | None = None, under: int | None = None):
    """The 标兵 of a year (or all years) in force, with the year's count and the count over the years."""
    org = _org(request, under)
    figures = selectors.model_figures(request.auth, org, year or clock.today().year)
    rows = selectors.model_members(request.auth, under=org, year=year)
    return {"year_count": figures["year"], "total": figures["total"], "items": [model_data(row) for row in rows[:500]]}


@router.post("/models", response={201: list[GoalsModelOut], 409: GoalsModelPreviewOut})
@scoped(ModelMember, CHANGE)
def model_select(request, payload: GoalsModelIn):
    """The year's "五带头" 标兵 of a township or the county, commended on 七一. Without ``confirm``: 409 with the
    preview."""
    owner = _org(request, payload.owner, CHANGE)
    members = _members(request, payload.members, "members")
    try:
        rows = run_service(request, services.models_select, owner=owner, members=members,
                           **payload.model_dump(exclude={"owner", "members"}))
    except services.NeedsConfirmation as exc:
        return _confirm(exc)
    return Status(201, [model_data(row) for row in rows])


@router.post("/models/{model_id}/withdraw", response=GoalsModelOut)
@scoped(ModelMember, CHANGE)
def model_withdraw(request, model_id: int, payload: GoalsReasonIn):
    model = request.scoped.get(pk=model_id)
    return model_data(run_service(request, services.model_withdraw, model=model, reason=payload.reason))


# --- pairs --------------------------------------------------------------------------------------------------------

@router.get("/pairs", response=Page[GoalsPairOut])
@scoped(PovertyPair)
def pair_list(request, page: Query[PageParams], under: int | None = None,
              outcome: choice(PAIR_FILTERS, blank=True) = ""):
    """Members paired with poor households; ``out_any``: out of poverty or basically out."""
    rows = selectors.pairs(request.auth, under=_org(request, under), outcome=outcome)
    return paginate(rows, page, lambda items: [pair_data(row) for row in items])


@router.get("/pairs/figures", response=GoalsPairFiguresOut)
@scoped(PovertyPair)
def pair_figures(request, under: int | None = None):
    """Pairings by outcome: out, basically out, both, still being helped, ended without."""
    return selectors.pair_figures(request.auth, _org(request, under))


@router.post("/pairs", response={201: GoalsPairOut})
@scoped(PovertyPair, CHANGE)
def pair_create(request, payload: GoalsPairIn):
    """Pairs a member with a poor household."""
    member = get_scoped(Member.objects.select_related("person__organization"), request.auth, CHANGE,
                        person_id=payload.person)  # another township's member: 404, as for a missing one
    pair = run_service(request, services.pair_create, member=member, **payload.model_dump(exclude={"person"}))
    return Status(201, pair_data(pair))


@router.post("/pairs/{pair_id}/outcome", response=GoalsPairOut)
@scoped(PovertyPair, CHANGE)
def pair_outcome(request, pair_id: int, payload: GoalsPairOutcomeIn):
    """The pairing's outcome: out of poverty, basically out, ended without, or back to being helped."""
    pair = request.scoped.get(pk=pair_id)
    pair = run_service(request, services.pair_outcome, pair=pair, **payload.model_dump())
    return pair_data(PovertyPair.objects.select_related("person", "organization").get(pk=pair.pk))

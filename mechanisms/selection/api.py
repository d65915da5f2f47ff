"""Good-cadre selection over the API: selections with their rounds and funnel, nominations and nominees, each
round's candidates and outcomes (scores, votes, closing), objections, and the pool of good cadres.

Reads go through ``restrict``; writes through mechanisms.selection.services, which check the caller's scope again.
Outside the scope: 404.
"""
import datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from kernel.core import rates
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
from kernel.people.models import Person

from . import selectors, services
from .models import (
    Candidate,
    Channel,
    Decision,
    Method,
    Nomination,
    Nominee,
    Objection,
    PoolEntry,
    Round,
    RoundClosure,
    Selection,
)

router = Router(tags=["selection"])


class SelectionRoundOut(Schema):
    id: int
    number: int
    code: str
    name: str
    method: str
    keep: int | None
    threshold: Decimal | None
    objection_days: int
    status: str
    opened_on: datetime.date | None
    closed_on: datetime.date | None
    objection_window_ends: datetime.date | None
    entered: int
    passed: int
    eliminated: int
    elimination_rate: float | None
    elimination_percent: Decimal | None = Field(None, description="Percent eliminated, one decimal, rounded once "
                                                                  "from the counts (kernel.core.rates).")


class SelectionOut(Schema):
    id: int
    name: str
    year: int
    owner: Ref
    status: str
    nominated: int
    selected: int | None
    elimination_rate: float | None
    elimination_percent: Decimal | None = Field(None, description="Percent of the nominees eliminated overall, "
                                                                  "one decimal, rounded once (kernel.core.rates).")
    rounds: list[SelectionRoundOut]


class SelectionListItemOut(Schema):
    id: int
    name: str
    year: int
    owner: Ref
    status: str


class SelectionCreateIn(In):
    owner: int
    name: str
    year: Year


class SelectionNomineeOut(Schema):
    id: int
    person: Ref
    organization: Ref
    channels: list[str]


class SelectionNominationIn(In):
    person: int
    channel: choice(Channel)
    nominator: str
    statement: str = ""


class SelectionNominationOut(Schema):
    id: int
    nominee_id: int
    person: Ref
    channel: str
    nominator: str
    statement: str
    nominated_on: datetime.date


class SelectionCandidateOut(Schema):
    id: int
    nominee_id: int
    person: Ref
    organization: Ref
    score: Decimal | None
    votes_for: int | None
    votes_cast: int | None
    outcome: str
    reason: str


class SelectionScoreIn(In):
    candidate: int
    items: dict[str, Decimal]


class SelectionScoresIn(In):
    scores: list[SelectionScoreIn]


class SelectionVoteIn(In):
    candidate: int
    votes_for: int
    votes_cast: int


class SelectionVotesIn(In):
    votes: list[SelectionVoteIn]


class SelectionRoundConfigIn(In):
    method: choice(Method)
    keep: int | None = Field(None, ge=1)
    threshold: Decimal | None = None
    objection_days: int = Field(0, ge=0, le=366)


class SelectionObjectionIn(In):
    raised_by: str
    text: str


class SelectionResolveIn(In):
    upheld: bool
    note: str


class SelectionObjectionOut(Schema):
    id: int
    candidate_id: int
    person: Ref
    round: str
    raised_on: datetime.date
    raised_by: str
    text: str
    resolution: str
    resolution_note: str
    resolved_on: datetime.date | None


class SelectionPoolOut(Schema):
    id: int
    person: Ref
    organization: Ref
    year: int
    selection_id: int
    priority_promotion: bool
    priority_training: bool


class SelectionCountOut(Schema):
    count: int


def round_data(round_: Round) -> dict:
    return {"id": round_.pk, "number": round_.number, "code": round_.code, "name": round_.name,
            "method": round_.method, "keep": round_.keep, "threshold": round_.threshold,
            "objection_days": round_.objection_days, "status": round_.status, "opened_on": round_.opened_on,
            "closed_on": round_.closed_on, "objection_window_ends": services.window_end(round_),
            "entered": round_.entered, "passed": round_.passed, "eliminated": round_.eliminated,
            "elimination_rate": round_.elimination_rate,
            "elimination_percent": rates.rate(round_.eliminated, round_.entered)}


def selection_data(selection: Selection) -> dict:
    funnel = selectors.funnel(selection)
    return {"id": selection.pk, "name": selection.name, "year": selection.year, "owner": ref(selection.owner),
            "status": selection.status, "nominated": funnel["nominated"], "selected": funnel["selected"],
            "elimination_rate": funnel["overall_rate"], "elimination_percent": funnel["overall_percent"], "rounds": [round_data(s["round"]) for s in funnel["steps"]]}


def _person_refs(person: Person) -> dict:
    return {"person": ref(person), "organization": ref(person.organization)}


def candidate_data(candidate: Candidate) -> dict:
    return {"id": candidate.pk, "nominee_id": candidate.nominee_id, **_person_refs(candidate.nominee.person),
            "score": candidate.score, "votes_for": candidate.votes_for, "votes_cast": candidate.votes_cast,
            "outcome": candidate.outcome, "reason": candidate.reason}


def objection_data(objection: Objection) -> dict:
    return {"id": objection.pk, "candidate_id": objection.candidate_id,
            "person": ref(objection.candidate.nominee.person), "round": objection.candidate.round.name,
            "raised_on": objection.raised_on, "raised_by": objection.raised_by, "text": objection.text,
            "resolution": objection.resolution, "resolution_note": objection.resolution_note,
            "resolved_on": objection.resolved_on}


def _selection(request, pk, action="view") -> Selection:
    return get_scoped(Selection.objects.select_related("owner"), request.auth, action, pk=pk)


def _round(request, pk, action="view") -> Round:
    return get_scoped(Round.objects.select_related("selection__owner", "assessment"), request.auth, action, pk=pk)


@router.get("/selections", response=Page[SelectionListItemOut])
@scoped(Selection)
def selection_list(request, page: Query[PageParams], year: Year | None = None):
    rows = selectors.selections(request.auth)
    if year is not None:
        rows = rows.filter(year=year)
    return paginate(rows, page, lambda items: [
        {"id": s.pk, "name": s.name, "year": s.year, "owner": ref(s.owner), "status": s.status} for s in items])


@router.post("/selections", response=SelectionOut)
@scoped(Selection)
def selection_create(request, payload: SelectionCreateIn):
    owner = get_scoped(Organization.objects.all(), request.auth, CHANGE, pk=payload.owner)
    selection = run_service(request, services.selection_create, owner=owner, name=payload.name, year=payload.year)
    return selection_data(selection)


@router.get("/selections/{int:selection_id}", response=SelectionOut)
@scoped(Selection)
def selection_detail(request, selection_id: int):
    """A selection with its rounds: configuration, status, who entered, went through, was eliminated."""
    return selection_data(_selection(request, selection_id))


@router.post("/selections/{int:selection_id}/start", response=SelectionRoundOut)
@scoped(Selection)
def selection_start(request, selection_id: int):
    """Closes the nominations and opens the first round."""
    selection = _selection(request, selection_id, CHANGE)
    return round_data(run_service(request, services.rounds_start, selection=selection))


@router.get("/selections/{int:selection_id}/nominees", response=Page[SelectionNomineeOut])
@scoped(Nominee)
def nominee_list(request, selection_id: int, page: Query[PageParams], channel: str = "", q: str = ""):
    selection = _selection(request, selection_id)
    rows = selectors.nominees(request.auth, selection, channel=channel, search=q.strip())
    return paginate(rows, page, lambda items: [
        {"id": n.pk, **_person_refs(n.person), "channels": n.channels} for n in items])


@router.post("/selections/{int:selection_id}/nominations", response=SelectionNominationOut)
@scoped(Nomination)
def nomination_create(request, selection_id: int, payload: SelectionNominationIn):
    """Nominates a person; nominating someone again adds the channel to the same nominee."""
    selection = _selection(request, selection_id)
    person = get_scoped(Person.objects.select_related("organization"), request.auth, pk=payload.person)
    nomination = run_service(request, services.nomination_add, selection=selection, person=person,
                             channel=payload.channel, nominator=payload.nominator, statement=payload.statement)
    return {"id": nomination.pk, "nominee_id": nomination.nominee_id, "person": ref(person),
            "channel": nomination.channel, "nominator": nomination.nominator, "statement": nomination.statement,
            "nominated_on": nomination.nominated_on}


@router.get("/rounds/{int:round_id}", response=SelectionRoundOut)
@scoped(Round)
def round_detail(request, round_id: int):
    return round_data(_round(request, round_id))


@router.get("/rounds/{int:round_id}/candidates", response=Page[SelectionCandidateOut])
@scoped(Candidate)
def candidate_list(request, round_id: int, page: Query[PageParams], outcome: str = ""):
    """The round's candidates with their scores or votes and, once decided, their outcome and its reason."""
    round_ = _round(request, round_id)
    rows = selectors.candidates(request.auth, round_, outcome=outcome)
    return paginate(rows, page, lambda items: [candidate_data(c) for c in items])


@router.post("/rounds/{int:round_id}/scores", response=SelectionCountOut)
@scoped(Candidate)
def round_scores(request, round_id: int, payload: SelectionScoresIn):
    """Criteria points per candidate ({item code: points}); the totals are recomputed."""
    round_ = _round(request, round_id, CHANGE)
    scores = {row.candidate: dict(row.items) for row in payload.scores}
    return {"count": run_service(request, services.scores_set, round_=round_, scores=scores)}


@router.post("/rounds/{int:round_id}/votes", response=SelectionCountOut)
@scoped(Candidate)
def round_votes(request, round_id: int, payload: SelectionVotesIn):
    round_ = _round(request, round_id, CHANGE)
    votes = {row.candidate: (row.votes_for, row.votes_cast) for row in payload.votes}
    return {"count": run_service(request, services.votes_set, round_=round_, votes=votes)}


@router.post("/rounds/{int:round_id}/configure", response=SelectionRoundOut)
@scoped(Round)
def round_configure(request, round_id: int, payload: SelectionRoundConfigIn):
    """How a round that has not opened yet decides: method, how many go through, threshold or vote share."""
    round_ = _round(request, round_id, CHANGE)
    return round_data(run_service(request, services.round_configure, round_=round_, method=payload.method,
                                  keep=payload.keep, threshold=payload.threshold,
                                  objection_days=payload.objection_days))


class SelectionCloseIn(In):
    confirm: bool = Field(False, description="Without it, the answer is 409 with the preview and nothing is written.")


class SelectionCloseRowOut(Schema):
    candidate: int
    nominee_id: int
    person: Ref
    organization: Ref
    score: Decimal | None
    rank: int | None
    votes_for: int | None
    votes_cast: int | None
    objections: int
    objections_upheld: int
    outcome: str
    reason_code: str = Field(..., description="Why eliminated: below_top, below_threshold, vote_failed, no_votes, "
                                              "or earlier (an upheld objection); empty when going on.")
    reason: str


class SelectionClosePreviewOut(NeedsConfirmationOut):
    """What closing the round would do: who goes on, who is eliminated and why, with the counts (the first 500
    candidates listed)."""

    round: int
    method: str
    keep: int | None
    threshold: Decimal | None
    entered: int
    went_on: int
    eliminated: int
    by_reason: dict[str, int]
    blockers: list[str]
    following: Ref | None = Field(None, description="The round those who go on enter; null: the pool.")
    candidates: list[SelectionCloseRowOut]


class SelectionClosureOut(Schema):
    id: int
    round: SelectionRoundOut
    closed_on: datetime.date
    went_on: int
    eliminated: int
    status: str
    withdraw_reason: str
    candidates: list[int]


class SelectionWithdrawIn(In):
    reason: str


def close_preview_data(preview: dict, message: str = "") -> dict:
    round_ = preview["round"]
    following = preview["following"]
    return {"message": message, "round": round_.pk, "method": round_.method, "keep": round_.keep,
            "threshold": round_.threshold, "entered": preview["entered"], "went_on": preview["went_on"],
            "eliminated": preview["eliminated"], "by_reason": preview["by_reason"], "blockers": preview["blockers"],
            "following": {"id": following.pk, "name": following.name} if following else None,
            "candidates": [{"candidate": row["candidate"].pk, "nominee_id": row["candidate"].nominee_id,
                            **_person_refs(row["candidate"].nominee.person), "score": row["candidate"].score,
                            "rank": row["rank"], "votes_for": row["candidate"].votes_for,
                            "votes_cast": row["candidate"].votes_cast, "objections": row["objections"],
                            "objections_upheld": row["objections_upheld"], "outcome": row["outcome"],
                            "reason_code": row["code"] if row["outcome"] == "eliminated" else "",
                            "reason": row["reason"]} for row in preview["candidates"]]}


def closure_data(closure: RoundClosure) -> dict:
    round_ = Round.objects.get(pk=closure.round_id)
    return {"id": closure.pk, "round": round_data(round_), "closed_on": closure.closed_on,
            "went_on": closure.went_on, "eliminated": closure.eliminated, "status": closure.status,
            "withdraw_reason": closure.withdraw_reason,
            "candidates": sorted(int(pk) for pk in closure.previous.get("candidates", {}))}


@router.get("/rounds/{int:round_id}/close", response=SelectionClosePreviewOut)
@scoped(Round)
def round_close_preview(request, round_id: int):
    """What closing the round would do (nothing is written): each candidate's score, rank, votes, objections,
    outcome and reason, the counts, and what still blocks the close."""
    round_ = _round(request, round_id, CHANGE)
    return close_preview_data(services.round_close_preview(round_))


@router.post("/rounds/{int:round_id}/close", response={200: SelectionClosureOut, 409: SelectionClosePreviewOut})
@scoped(RoundClosure)
def round_close(request, round_id: int, payload: SelectionCloseIn):
    """Decides every pending candidate by the round's rule and opens the next round, as one recorded act (422 with
    what blocks it). Without ``confirm: true`` the answer is 409 with the preview and nothing is written."""
    round_ = _round(request, round_id, CHANGE)
    try:
        closure = run_service(request, services.round_close, round_=round_,
                              confirm=payload.confirm)
    except services.NeedsConfirmation as exc:
        return Status(409, close_preview_data(exc.details, exc.messages[0]))
    return closure_data(closure)


def _closure(request, pk, action="view") -> RoundClosure:
    return get_scoped(RoundClosure.objects.all(), request.auth, action, pk=pk)


@router.get("/closures/{int:closure_id}", response=SelectionClosureOut)
@scoped(RoundClosure)
def round_closure_detail(request, closure_id: int):
    return closure_data(_closure(request, closure_id))


@router.post("/closures/{int:closure_id}/withdraw", response=SelectionClosureOut)
@scoped(RoundClosure)
def round_closure_withdraw(request, closure_id: int, payload: SelectionWithdrawIn):
    """Withdraws a round's close as a whole (撤销) with its reason: the candidates are back exactly as before and
    the round is open again. Twice is refused (code ``withdrawn``); so is a close whose next round has started
    since (code ``later_round_started``)."""
    closure = _closure(request, closure_id, CHANGE)
    run_service(request, services.round_closure_withdraw, closure=closure, reason=payload.reason)
    return closure_data(_closure(request, closure_id))


@router.get("/selections/{int:selection_id}/objections", response=Page[SelectionObjectionOut])
@scoped(Objection)
def objection_list(request, selection_id: int, page: Query[PageParams]):
    selection = _selection(request, selection_id)
    return paginate(selectors.objections(request.auth, selection=selection), page,
                    lambda items: [objection_data(o) for o in items])


@router.post("/candidates/{int:candidate_id}/objections", response=SelectionObjectionOut)
@scoped(Objection)
def objection_create(request, candidate_id: int, payload: SelectionObjectionIn):
    """An objection during the notice window: the candidate is paused until it is resolved."""
    candidate = get_scoped(Candidate.objects.select_related("round__selection"), request.auth, CHANGE,
                           pk=candidate_id)
    get_scoped(Selection.objects.all(), request.auth, CHANGE, pk=candidate.round.selection_id)
    objection = run_service(request, services.objection_raise, candidate=candidate, raised_by=payload.raised_by,
                            text=payload.text)
    return objection_data(Objection.objects.select_related("candidate__nominee__person", "candidate__round")
                          .get(pk=objection.pk))


@router.post("/objections/{int:objection_id}/resolve", response=SelectionObjectionOut)
@scoped(Objection)
def objection_resolve(request, objection_id: int, payload: SelectionResolveIn):
    """Upheld: the candidate is eliminated with the finding. Dismissed: the candidate goes on."""
    objection = get_scoped(Objection.objects.select_related("candidate__round"), request.auth, CHANGE,
                           pk=objection_id)
    get_scoped(Selection.objects.all(), request.auth, CHANGE, pk=objection.candidate.round.selection_id)
    run_service(request, services.objection_resolve, objection=objection, upheld=payload.upheld, note=payload.note)
    return objection_data(Objection.objects.select_related("candidate__nominee__person", "candidate__round")
                          .get(pk=objection.pk))


@router.get("/pool", response=Page[SelectionPoolOut])
@scoped(PoolEntry)
def pool_list(request, page: Query[PageParams], year: Year | None = None, person: int | None = None,
              selection: int | None = None):
    """The good cadres: priority for promotion and training, with the year they were selected."""
    rows = selectors.pool(request.auth, year=year)
    if person is not None:
        rows = rows.filter(person_id=person)
    if selection is not None:
        rows = rows.filter(selection_id=selection)
    return paginate(rows, page, lambda items: [
        {"id": e.pk, **_person_refs(e.person), "year": e.year, "selection_id": e.selection_id,
         "priority_promotion": e.priority_promotion, "priority_training": e.priority_training} for e in items])


class SelectionMarkOut(Schema):
    """A good-cadre mark, as the person's page shows it (kernel.core.marks): the year selected and the priorities."""

    label: str
    year: int
    selection: Ref
    priority_promotion: bool
    priority_training: bool


class SelectionCandidacyOut(Schema):
    id: int
    selection: Ref
    year: int
    round: Ref
    outcome: str
    reason: str
    score: Decimal | None


class SelectionDecisionOut(Schema):
    candidate_id: int
    round: Ref
    outcome: str
    reason: str
    decided_on: datetime.date
    decided_by: str


class SelectionPersonOut(Schema):
    person: Ref
    organization: Ref
    marks: list[SelectionMarkOut]
    candidacies: list[SelectionCandidacyOut]
    decisions: list[SelectionDecisionOut]


@router.get("/people/{int:person_id}", response=SelectionPersonOut)
@scoped(PoolEntry)
def person_record(request, person_id: int):
    """A person's good-cadre record, as /selection/people/<id>/ shows it: the good-cadre marks (the years selected,
    with the priorities), every round taken part in, and the decisions."""
    person = get_scoped(Person.objects.select_related("organization"), request.auth, pk=person_id)
    marks = [{"label": _("Good cadre %(year)s") % {"year": entry.year}, "year": entry.year,
              "selection": ref(entry.selection), "priority_promotion": entry.priority_promotion,
              "priority_training": entry.priority_training}
             for entry in selectors.pool(request.auth, person=person)[:200]]
    candidacies = [{"id": c.pk, "selection": ref(c.round.selection), "year": c.round.selection.year,
                    "round": {"id": c.round_id, "name": c.round.name}, "outcome": c.outcome, "reason": c.reason,
                    "score": c.score}
                   for c in Candidate.objects.restrict(request.auth).filter(nominee__person=person)
                   .select_related("round__selection").order_by("-round__selection__year", "round__number")[:200]]
    decisions = [{"candidate_id": d.candidate_id, "round": {"id": d.candidate.round_id, "name": d.candidate.round.name},
                  "outcome": d.outcome, "reason": d.reason, "decided_on": d.decided_on,
                  "decided_by": d.decided_by.get_username() if d.decided_by else ""}
                 for d in Decision.objects.restrict(request.auth).filter(candidate__nominee__person=person)
                 .select_related("candidate__round", "decided_by").order_by("-decided_at", "-id")[:200]]
    return {**_person_refs(person), "marks": marks, "candidacies": candidacies, "decisions": decisions}

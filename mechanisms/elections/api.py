"""Village elections in the REST API, scoped: outside the caller's subtree, 404 as for a missing row."""
import datetime
from decimal import Decimal

from ninja import Field, Query, Router, Schema

from kernel.core import rates
from kernel.core.api import In, Page, PageParams, Ref, Year, get_scoped, paginate, ref, run_service, scoped
from kernel.core.scope import CHANGE
from kernel.orgs.models import Organization
from kernel.people.models import Person

from . import selectors, services
from .models import Candidate, Election, TermChange, TownshipDeadline

router = Router(tags=["elections"])


class ElectionsDeadlineOut(Schema):
    township: Ref
    deadline: datetime.date


class ElectionsTermOut(Schema):
    id: int
    name: str
    year: int
    owner: Ref
    started_on: datetime.date
    quorum_numerator: int
    quorum_denominator: int
    deadlines: list[ElectionsDeadlineOut]


class ElectionsTermIn(In):
    owner: int
    name: str
    year: Year
    started_on: datetime.date
    quorum_numerator: int = 1
    quorum_denominator: int = 2


class ElectionsDeadlineIn(In):
    township: int
    deadline: datetime.date


class ElectionsProgressOut(Schema):
    township: Ref
    deadline: datetime.date
    done: int
    total: int
    percent: int = Field(..., description="Villages done, in whole percent (kept for old clients; "
                                          "done_percent is the figure the pages show).")
    done_percent: Decimal | None = Field(None, description="Villages done, percent with one decimal, rounded once "
                                                          "from the counts (kernel.core.rates); null with no villages.")
    overdue: bool


class ElectionsShareOut(Schema):
    organization: Ref
    villages: int
    one_shoulder: int
    cross_village: int
    one_shoulder_pct: float
    cross_village_pct: float


class ElectionsFiguresOut(Schema):
    townships: list[ElectionsShareOut]
    total: ElectionsShareOut


class ElectionsCandidateOut(Schema):
    id: int
    person: Ref
    home_organization: Ref
    title: str
    masses_count: int
    members_count: int
    organization_count: int
    review: str
    review_reason: str
    votes: int | None
    elected: bool


class ElectionsElectionOut(Schema):
    id: int
    term_change: int
    organization: Ref
    stage: str
    opened_on: datetime.date
    recommended_on: datetime.date | None
    reviewed_on: datetime.date | None
    held_on: datetime.date | None
    eligible_voters: int | None
    votes_cast: int | None
    candidates: list[ElectionsCandidateOut]


class ElectionsOpenIn(In):
    organization: int


class ElectionsCandidateIn(In):
    person: int
    title: str
    masses_count: int = 0
    members_count: int = 0
    organization_count: int = 0


class ElectionsReviewIn(In):
    passed: bool
    reason: str = ""


class ElectionsVoteIn(In):
    candidate: int
    votes: int


class ElectionsVotesIn(In):
    held_on: datetime.date
    eligible_voters: int
    votes_cast: int
    votes: list[ElectionsVoteIn] = []


def term_data(term) -> dict:
    return {"id": term.pk, "name": term.name, "year": term.year, "owner": ref(term.owner),
            "started_on": term.started_on, "quorum_numerator": term.quorum_numerator,
            "quorum_denominator": term.quorum_denominator,
            "deadlines": [{"township": ref(d.organization), "deadline": d.deadline}
                          for d in term.deadlines.select_related("organization").order_by("org_path")]}


def candidate_data(c) -> dict:
    return {"id": c.pk, "person": ref(c.person), "home_organization": ref(c.home_organization), "title": c.title,
            "masses_count": c.masses_count, "members_count": c.members_count,
            "organization_count": c.organization_count, "review": c.review, "review_reason": c.review_reason,
            "votes": c.votes, "elected": c.elected}


def election_data(e) -> dict:
    return {"id": e.pk, "term_change": e.term_change_id, "organization": ref(e.organization), "stage": e.stage,
            "opened_on": e.opened_on, "recommended_on": e.recommended_on, "reviewed_on": e.reviewed_on,
            "held_on": e.held_on, "eligible_voters": e.eligible_voters, "votes_cast": e.votes_cast,
            "candidates": [candidate_data(c) for c in selectors.candidates(e)]}


def share_data(row) -> dict:
    return {**row, "organization": ref(row["organization"])}


def _term(request, pk, action="view"):
    return get_scoped(TermChange.objects.select_related("owner"), request.auth, action, pk=pk)


def _election(request, pk, action="view"):
    return get_scoped(Election.objects.select_related("organization", "term_change"), request.auth, action, pk=pk)


@router.get("/terms", response=list[ElectionsTermOut])
@scoped(TermChange)
def term_list(request):
    return [term_data(t) for t in selectors.term_changes(request.auth)[:100]]


@router.post("/terms", response=ElectionsTermOut)
@scoped(TermChange)
def term_create(request, payload: ElectionsTermIn):
    owner = get_scoped(Organization.objects.all(), request.auth, CHANGE, pk=payload.owner)
    term = run_service(request, services.term_change_create, owner=owner, name=payload.name, year=payload.year,
                       started_on=payload.started_on,
                       quorum=(payload.quorum_numerator, payload.quorum_denominator))
    return term_data(term)


@router.get("/terms/{int:term_id}", response=ElectionsTermOut)
@scoped(TermChange)
def term_detail(request, term_id: int):
    return term_data(_term(request, term_id))


@router.post("/terms/{int:term_id}/deadlines", response=ElectionsTermOut)
@scoped(TownshipDeadline)
def deadline_set(request, term_id: int, payload: ElectionsDeadlineIn):
    term = _term(request, term_id)
    township = get_scoped(Organization.objects.all(), request.auth, CHANGE, pk=payload.township)
    run_service(request, services.deadline_set, term_change=term, township=township, deadline=payload.deadline)
    return term_data(term)


@router.get("/terms/{int:term_id}/progress", response=list[ElectionsProgressOut])
@scoped(TownshipDeadline)
def term_progress(request, term_id: int):
    rows = selectors.progress(request.auth, _term(request, term_id))
    return [{**row, "township": ref(row["township"]), "done_percent": rates.rate(row["done"], row["total"]),
             # whole percent, half up from the exact quotient (not from the rounded figure)
             "percent": (200 * row["done"] + row["total"]) // (2 * row["total"]) if row["total"] else 0}
            for row in rows]


@router.get("/terms/{int:term_id}/figures", response=ElectionsFiguresOut)
@scoped(TermChange)
def term_figures(request, term_id: int, under: int | None = None):
    term = _term(request, term_id)
    root = get_scoped(Organization.objects.all(), request.auth, pk=under) if under else None
    if root is None:
        root = Organization.objects.restrict(request.auth).order_by("depth", "path").first()
        if root is None:
            return {"townships": [], "total": {"organization": {"id": 0, "name": ""}, "villages": 0,
                                               "one_shoulder": 0, "cross_village": 0, "one_shoulder_pct": 0.0,
                                               "cross_village_pct": 0.0}}
    figures = selectors.figures(request.auth, term, root)
    return {"townships": [share_data(r) for r in figures["townships"]], "total": share_data(figures["total"])}


@router.get("/terms/{int:term_id}/elections", response=Page[ElectionsElectionOut])
@scoped(Election)
def election_list(request, term_id: int, page: Query[PageParams], under: int | None = None, stage: str = ""):
    term = _term(request, term_id)
    root = get_scoped(Organization.objects.all(), request.auth, pk=under) if under else None
    rows = selectors.elections(request.auth, term, under=root, stage=stage or None)
    return paginate(rows, page, lambda items: [election_data(e) for e in items])


@router.post("/terms/{int:term_id}/elections", response=ElectionsElectionOut)
@scoped(Election)
def election_open(request, term_id: int, payload: ElectionsOpenIn):
    term = _term(request, term_id)
    village = get_scoped(Organization.objects.all(), request.auth, CHANGE, pk=payload.organization)
    return election_data(run_service(request, services.election_open, term_change=term, organization=village))


@router.get("/elections/{int:election_id}", response=ElectionsElectionOut)
@scoped(Election)
def election_detail(request, election_id: int):
    return election_data(_election(request, election_id))


@router.post("/elections/{int:election_id}/candidates", response=ElectionsElectionOut)
@scoped(Candidate)
def candidate_add(request, election_id: int, payload: ElectionsCandidateIn):
    election = _election(request, election_id, CHANGE)
    person = get_scoped(Person.objects.all(), request.auth, pk=payload.person)
    run_service(request, services.candidate_add, election=election, person=person, title=payload.title,
                masses_count=payload.masses_count, members_count=payload.members_count,
                organization_count=payload.organization_count)
    return election_data(election)


@router.post("/elections/{int:election_id}/recommended", response=ElectionsElectionOut)
@scoped(Election)
def recommendation_finish(request, election_id: int):
    election = _election(request, election_id, CHANGE)
    return election_data(run_service(request, services.recommendation_finish, election=election))


@router.post("/candidates/{int:candidate_id}/review", response=ElectionsCandidateOut)
@scoped(Candidate)
def candidate_review(request, candidate_id: int, payload: ElectionsReviewIn):
    candidate = get_scoped(Candidate.objects.select_related("election", "person", "home_organization"),
                           request.auth, CHANGE, pk=candidate_id)
    return candidate_data(run_service(request, services.candidate_review, candidate=candidate,
                                      passed=payload.passed, reason=payload.reason))


@router.post("/elections/{int:election_id}/reviewed", response=ElectionsElectionOut)
@scoped(Election)
def review_finish(request, election_id: int):
    election = _election(request, election_id, CHANGE)
    return election_data(run_service(request, services.review_finish, election=election))


@router.post("/elections/{int:election_id}/votes", response=ElectionsElectionOut)
@scoped(Election)
def votes_record(request, election_id: int, payload: ElectionsVotesIn):
    election = _election(request, election_id, CHANGE)
    run_service(request, services.votes_record, election=election, held_on=payload.held_on,
                eligible_voters=payload.eligible_voters, votes_cast=payload.votes_cast,
                votes={v.candidate: v.votes for v in payload.votes})
    return election_data(_election(request, election_id))


@router.post("/elections/{int:election_id}/finish", response=ElectionsElectionOut)
@scoped(Election)
def election_finish(request, election_id: int):
    election = _election(request, election_id, CHANGE)
    run_service(request, services.election_finish, election=election)
    return election_data(_election(request, election_id))

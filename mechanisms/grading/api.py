"""Grading over the API: campaigns, grades and proposals (propose, confirm, set by hand, a workbook of them
uploaded in bulk), "3+1" support teams,
rectification plans with their problems, measures and visits, and the board.

Reads go through ``restrict``; writes through mechanisms.grading.services, which check the caller's scope again.
Outside the scope: 404.
"""
import datetime

from django.core.exceptions import PermissionDenied
from ninja import File, Form, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from pydantic import Field

from kernel.core.api import (
    ErrorOut,
    In,
    NeedsConfirmationOut,
    Page,
    PageParams,
    Ref,
    choice,
    error_body,
    get_scoped,
    paginate,
    ref,
    run_service,
    scoped,
)
from kernel.core.scope import CHANGE
from kernel.orgs.models import Organization
from kernel.people.models import Person

from . import selectors, services, setup, workbooks
from .models import (
    Grade,
    GradeConfirmation,
    GradeScheme,
    Measure,
    Plan,
    PoolMember,
    PoolRole,
    ProblemLine,
    ProblemType,
    Round,
    SupportTeam,
    Upgrading,
)
from .proposals import reason_text

router = Router(tags=["grading"])


class UpgradingOut(Schema):
    id: int
    name: str
    year: int
    deadline: datetime.date
    owner: Ref
    max_load: int


class GradeOut(Schema):
    id: int
    organization: Ref
    year: int
    round: str
    grade: str
    grade_name: str
    lagging: bool
    weak_lax: bool
    source: str
    reasons: list[str]
    confirmed_on: datetime.date | None


class TeamOut(Schema):
    id: int
    organization: Ref
    county_leader: Ref
    committee_secretary: Ref
    cadre: Ref


class MeasureOut(Schema):
    id: int
    content: str
    owner: str
    deadline: datetime.date
    progress: int
    done_on: datetime.date | None


class PlanOut(Schema):
    id: int
    organization: Ref
    case_id: int | None
    stage: str
    status: str
    problems: list[dict]
    measures: list[MeasureOut]
    visits: int


class BoardOut(Schema):
    lagging: int
    lifted: int
    teams: int
    plans: int
    closed: int
    overdue: int
    visits: int
    deadline: datetime.date
    stages: dict


class ProposeIn(In):
    round: str = Round.INITIAL


class ConfirmIn(In):
    round: str = Round.INITIAL
    grades: list[int] | None = None
    confirm: bool = Field(False, description="Without it, the answer is 409 with the preview and nothing is written.")


class GradeChangeOut(Schema):
    grade: int
    organization: Ref
    level: str
    weak_lax: bool
    previous_level: str | None
    previous_weak_lax: bool | None


class ConfirmPreviewOut(NeedsConfirmationOut):
    """What confirming would do: the proposals it confirms, by grade, and those that differ from the organization's
    previous confirmed grade (the first 200 listed)."""

    count: int
    changed: int
    first: int = Field(..., description="Proposals of organizations without a previous confirmed grade.")
    by_level: dict[str, int]
    changes: list[GradeChangeOut]


class GradeConfirmationOut(Schema):
    id: int
    upgrading: int
    round: str
    count: int
    confirmed_on: datetime.date
    status: str
    withdraw_reason: str
    grades: list[int]


class WithdrawIn(In):
    reason: str


class GradeSetIn(In):
    organization: int
    level: str
    reason: str
    weak_lax: bool = False
    round: str = Round.INITIAL


class CountOut(Schema):
    count: int


class GradingTeamSetIn(In):
    organization: int
    county_leader: int
    committee_secretary: int
    cadre: int


class GradingPlanOpenIn(In):
    organization: int
    target: str = Field("", max_length=200)


class GradingProblemIn(In):
    line: choice(ProblemLine)
    type: choice(ProblemType)
    description: str = Field(max_length=1000)


class GradingMeasureIn(In):
    content: str = Field(max_length=500)
    owner: str = Field(max_length=100)
    deadline: datetime.date


class GradingProgressIn(In):
    progress: int = Field(ge=0, le=100)
    on: datetime.date | None = None


class GradingVisitIn(In):
    on: datetime.date
    visitors: str = Field(max_length=200)
    note: str = Field("", max_length=2000)


class GradingPlanMoveIn(In):
    comment: str = Field("", max_length=2000)


class GradingPlanReturnIn(In):
    to_stage: str = Field(max_length=32)
    comment: str = Field(max_length=2000)


def grade_data(grade: Grade) -> dict:
    return {"id": grade.pk, "organization": ref(grade.organization), "year": grade.year, "round": grade.round,
            "grade": grade.level.code, "grade_name": grade.level.name, "lagging": grade.level.lagging,
            "weak_lax": grade.weak_lax, "source": grade.source,
            "reasons": [reason_text(reason) for reason in grade.reasons], "confirmed_on": grade.confirmed_on}


def team_data(team: SupportTeam) -> dict:
    return {"id": team.pk, "organization": ref(team.organization), "county_leader": ref(team.county_leader),
            "committee_secretary": ref(team.committee_secretary), "cadre": ref(team.cadre)}


def plan_data(plan: Plan) -> dict:
    return {"id": plan.pk, "organization": ref(plan.organization), "case_id": plan.case_id,
            "stage": plan.case.stage if plan.case else "", "status": plan.case.status if plan.case else "",
            "problems": [{"line": p.line, "type": p.kind, "description": p.description} for p in plan.problems.all()],
            "measures": list(plan.measures.values("id", "content", "owner", "deadline", "progress", "done_on")),
            "visits": plan.visits.count()}


def upgrading_data(upgrading: Upgrading) -> dict:
    return {"id": upgrading.pk, "name": upgrading.name, "year": upgrading.year, "deadline": upgrading.deadline,
            "owner": ref(upgrading.owner), "max_load": upgrading.max_load}


def _upgrading(request, pk, action="view") -> Upgrading:
    return get_scoped(Upgrading.objects.select_related("owner", "scheme"), request.auth, action, pk=pk)


@router.get("/", response=list[UpgradingOut])
@scoped(Upgrading)
def upgrading_list(request):
    return [upgrading_data(u) for u in selectors.upgradings(request.auth)]


@router.get("/{int:upgrading_id}/grades", response=Page[GradeOut])
@scoped(Grade)
def grade_list(request, upgrading_id: int, page: Query[PageParams], round: str = Round.INITIAL, level: str = "",
               proposed: bool | None = None):
    """Grades of a round; ``proposed=true`` gives the proposals still waiting for the county's confirmation."""
    upgrading = _upgrading(request, upgrading_id)
    rows = selectors.grades(request.auth, upgrading, round=round, level=level or None,
                            confirmed=None if proposed is None else not proposed)
    return paginate(rows, page, lambda items: [grade_data(grade) for grade in items])


@router.post("/{int:upgrading_id}/grades/propose", response=CountOut)
@scoped(Upgrading)
def grade_propose(request, upgrading_id: int, payload: ProposeIn):
    upgrading = _upgrading(request, upgrading_id, CHANGE)
    return {"count": run_service(request, services.grades_propose, upgrading=upgrading, round=payload.round)}


def preview_data(preview: dict, message: str = "") -> dict:
    return {"message": message, "count": preview["count"], "changed": preview["changed"], "first": preview["first"],
            "by_level": preview["by_level"],
            "changes": [{"grade": row["grade"].pk, "organization": ref(row["grade"].organization),
                         "level": row["grade"].level.code, "weak_lax": row["grade"].weak_lax,
                         "previous_level": row["previous"].level.code if row["previous"] else None,
                         "previous_weak_lax": row["previous"].weak_lax if row["previous"] else None}
                        for row in preview["changes"]]}


def confirmation_data(confirmation: GradeConfirmation) -> dict:
    grades = sorted(int(pk) for pk in confirmation.previous)
    return {"id": confirmation.pk, "upgrading": confirmation.upgrading_id, "round": confirmation.round,
            "count": len(grades), "confirmed_on": confirmation.confirmed_on, "status": confirmation.status,
            "withdraw_reason": confirmation.withdraw_reason, "grades": grades}


@router.get("/{int:upgrading_id}/grades/confirm", response=ConfirmPreviewOut)
@scoped(Grade)
def grade_confirm_preview(request, upgrading_id: int, round: str = Round.INITIAL):
    """What confirming the round's open proposals would do."""
    upgrading = _upgrading(request, upgrading_id, CHANGE)
    return preview_data(services.grades_confirm_preview(upgrading, round=round))


@router.post("/{int:upgrading_id}/grades/confirm", response={200: GradeConfirmationOut, 204: None,
                                                              409: ConfirmPreviewOut})
@scoped(GradeConfirmation)
def grade_confirm(request, upgrading_id: int, payload: ConfirmIn):
    """Confirms the round's proposals (or those given) as one act; without ``confirm: true`` the answer is 409
    with the preview (how many, by grade, which differ from the previous confirmed grade) and nothing is written.
    204 when there was nothing to confirm."""
    upgrading = _upgrading(request, upgrading_id, CHANGE)
    try:
        confirmation = run_service(request, services.grades_confirm, upgrading=upgrading, round=payload.round,
                                   grades=payload.grades, confirm=payload.confirm)
    except services.NeedsConfirmation as exc:
        return Status(409, preview_data(exc.details, exc.messages[0]))
    if confirmation is None:
        return Status(204, None)
    return confirmation_data(confirmation)


def _confirmation(request, pk, action="view") -> GradeConfirmation:
    return get_scoped(GradeConfirmation.objects.all(), request.auth, action, pk=pk)


@router.get("/confirmations/{int:confirmation_id}", response=GradeConfirmationOut)
@scoped(GradeConfirmation)
def grade_confirmation_detail(request, confirmation_id: int):
    return confirmation_data(_confirmation(request, confirmation_id))


@router.post("/confirmations/{int:confirmation_id}/withdraw", response=GradeConfirmationOut)
@scoped(GradeConfirmation)
def grade_confirmation_withdraw(request, confirmation_id: int, payload: WithdrawIn):
    """Withdraws the confirmation as a whole (撤销) with its reason: each grade it confirmed is a proposal again,
    as before. Twice is refused; so is a confirmation a rectification plan has since been opened on."""
    confirmation = _confirmation(request, confirmation_id, CHANGE)
    run_service(request, services.grades_confirmation_withdraw, confirmation=confirmation, reason=payload.reason)
    return confirmation_data(_confirmation(request, confirmation_id))


@router.post("/{int:upgrading_id}/grades", response=GradeOut)
@scoped(Grade)
def grade_set(request, upgrading_id: int, payload: GradeSetIn):
    upgrading = _upgrading(request, upgrading_id)
    organization = get_scoped(Organization.objects.all(), request.auth, CHANGE, pk=payload.organization)
    return grade_data(run_service(request, services.grade_set, upgrading=upgrading, organization=organization,
                                  level=payload.level, reason=payload.reason, weak_lax=payload.weak_lax,
                                  round=payload.round))


class WorkbookCounts(Schema):
    unchanged: int
    changed: int
    confirmed: int
    awaiting: int = Field(description="Proposals kept as they are, left for the campaign's organizer to confirm.")


class WorkbookChangeOut(Schema):
    row: int | None
    organization: Ref
    code: str
    grade_before: str
    grade: str
    weak_lax_before: bool
    weak_lax: bool
    reason: str


class WorkbookOut(Schema):
    dry_run: bool
    applied: bool
    counts: WorkbookCounts
    changed: list[WorkbookChangeOut]


def _change_data(change) -> dict:
    grade = change.grade
    return {"row": change.row.line, "organization": ref(grade.organization), "code": grade.organization.code,
            "grade_before": grade.level.code, "grade": change.level.code, "weak_lax_before": grade.weak_lax,
            "weak_lax": change.row.weak_lax, "reason": change.row.reason}


@router.post("/{int:upgrading_id}/grades/workbook", response={200: WorkbookOut, 422: ErrorOut})
@scoped(Grade)
def grade_workbook(request, upgrading_id: int, file: File[UploadedFile], round: Form[choice(Round)] = Round.INITIAL,
                   dry_run: Form[bool] = False):
    """A workbook of grades (downloaded from ``/grading/{id}/grades/workbook.xlsx``) uploaded back: every row
    checked, then all saved or none. ``dry_run`` answers the preview and writes nothing. A refused workbook
    answers 422 with each error located as ``["body", "file", row, column]`` (row 0: the file as a whole)."""
    upgrading = _upgrading(request, upgrading_id)
    result = run_service(request, workbooks.review, upgrading=upgrading, round=round, file=file, apply=not dry_run)
    if not result.ok:
        return Status(422, error_body(422, [
            {"loc": ["body", "file", error["row"], *([error["column"]] if error["column"] else [])],
             "code": "invalid", "message": error["message"]} for error in result.errors]))
    changes = [_change_data(change) for change in result.plan.of("changed")]
    return {"dry_run": dry_run, "applied": result.plan.applied, "counts": result.plan.counts, "changed": changes}


@router.get("/{int:upgrading_id}/teams", response=Page[TeamOut])
@scoped(SupportTeam)
def team_list(request, upgrading_id: int, page: Query[PageParams]):
    rows = selectors.teams(request.auth, _upgrading(request, upgrading_id))
    return paginate(rows, page, lambda items: [team_data(team) for team in items])


@router.post("/{int:upgrading_id}/teams/propose", response=list[TeamOut])
@scoped(SupportTeam)
def team_propose(request, upgrading_id: int):
    upgrading = _upgrading(request, upgrading_id, CHANGE)
    run_service(request, services.teams_propose, upgrading=upgrading)
    return [team_data(team) for team in selectors.teams(request.auth, upgrading)]


@router.get("/{int:upgrading_id}/plans", response=Page[PlanOut])
@scoped(Plan)
def plan_list(request, upgrading_id: int, page: Query[PageParams]):
    upgrading = _upgrading(request, upgrading_id)
    plans = (Plan.objects.restrict(request.auth).filter(upgrading=upgrading).select_related("organization", "case")
             .order_by("org_path", "pk"))
    return paginate(plans, page, lambda items: [plan_data(plan) for plan in items])


@router.get("/plans/{int:plan_id}", response=PlanOut)
@scoped(Plan)
def plan_detail(request, plan_id: int):
    return plan_data(get_scoped(Plan.objects.select_related("organization", "case"), request.auth, pk=plan_id))


@router.get("/{int:upgrading_id}/board", response=BoardOut)
@scoped(Grade)
def board(request, upgrading_id: int):
    return selectors.board(request.auth, _upgrading(request, upgrading_id))



# --- writes: teams by hand, plans with their problems, measures, visits and moves ------------------------------

def _act(request, service, **kwargs):
    try:
        return run_service(request, service, **kwargs)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from None


def _plan(request, plan_id: int) -> Plan:
    return get_scoped(Plan.objects.select_related("organization", "case", "upgrading"), request.auth, pk=plan_id)


def _person(request, pk: int) -> Person:
    return get_scoped(Person.objects, request.auth, pk=pk)


@router.post("/{int:upgrading_id}/teams", response=TeamOut)
@scoped(SupportTeam)
def team_set(request, upgrading_id: int, payload: GradingTeamSetIn):
    """Assigns a lagging organization's "3+1" team by hand (the county leader and cadre from the pool)."""
    upgrading = _upgrading(request, upgrading_id, CHANGE)
    organization = get_scoped(Organization.objects.all(), request.auth, CHANGE, pk=payload.organization)
    team = _act(request, services.team_set, upgrading=upgrading, organization=organization,
                county_leader=_person(request, payload.county_leader),
                committee_secretary=_person(request, payload.committee_secretary), cadre=_person(request, payload.cadre))
    return team_data(team)


@router.post("/{int:upgrading_id}/plans", response={201: PlanOut})
@scoped(Plan)
def plan_open(request, upgrading_id: int, payload: GradingPlanOpenIn):
    """Opens a lagging organization's rectification plan (a workflow case in its first stage)."""
    upgrading = _upgrading(request, upgrading_id)
    organization = get_scoped(Organization.objects.all(), request.auth, CHANGE, pk=payload.organization)
    plan = _act(request, services.plan_open, upgrading=upgrading, organization=organization, target=payload.target)
    return Status(201, plan_data(_plan(request, plan.pk)))


@router.post("/plans/{int:plan_id}/problems", response=PlanOut)
@scoped(Plan)
def problem_add(request, plan_id: int, payload: GradingProblemIn):
    plan = _plan(request, plan_id)
    _act(request, services.problem_add, plan=plan, line=payload.line, kind=payload.type,
         description=payload.description)
    return plan_data(_plan(request, plan_id))


@router.post("/plans/{int:plan_id}/measures", response=PlanOut)
@scoped(Plan)
def measure_add(request, plan_id: int, payload: GradingMeasureIn):
    plan = _plan(request, plan_id)
    _act(request, services.measure_add, plan=plan, content=payload.content, owner=payload.owner,
         deadline=payload.deadline)
    return plan_data(_plan(request, plan_id))


@router.post("/plans/{int:plan_id}/measures/{int:measure_id}/progress", response=PlanOut)
@scoped(Plan)
def measure_progress(request, plan_id: int, measure_id: int, payload: GradingProgressIn):
    plan = _plan(request, plan_id)
    measure = Measure.objects.filter(plan=plan, pk=measure_id).first()
    if measure is None:
        raise HttpError(404, "Not Found")
    _act(request, services.measure_progress, measure=measure, progress=payload.progress, on=payload.on)
    return plan_data(_plan(request, plan_id))


@router.post("/plans/{int:plan_id}/visits", response=PlanOut)
@scoped(Plan)
def visit_add(request, plan_id: int, payload: GradingVisitIn):
    plan = _plan(request, plan_id)
    _act(request, services.visit_add, plan=plan, on=payload.on, visitors=payload.visitors, note=payload.note)
    return plan_data(_plan(request, plan_id))


@router.post("/plans/{int:plan_id}/advance", response=PlanOut)
@scoped(Plan)
def plan_advance(request, plan_id: int, payload: GradingPlanMoveIn):
    """Moves the plan's case on; 422 listing what its stage still lacks, 403 without the stage's role."""
    _act(request, services.plan_advance, plan=_plan(request, plan_id), comment=payload.comment)
    return plan_data(_plan(request, plan_id))


@router.post("/plans/{int:plan_id}/approve", response=PlanOut)
@scoped(Plan)
def plan_approve(request, plan_id: int, payload: GradingPlanMoveIn):
    _act(request, services.plan_approve, plan=_plan(request, plan_id), comment=payload.comment)
    return plan_data(_plan(request, plan_id))


@router.post("/plans/{int:plan_id}/return", response=PlanOut)
@scoped(Plan)
def plan_return(request, plan_id: int, payload: GradingPlanReturnIn):
    _act(request, services.plan_return, plan=_plan(request, plan_id), to_stage=payload.to_stage,
         comment=payload.comment)
    return plan_data(_plan(request, plan_id))


# --- set-up: grade schemes, upgrading campaigns and their pools (grading/setup.py) ------------------------------

class GradeLevelIO(Schema):
    code: str = Field(max_length=32)
    name: str = Field(max_length=32)
    level: int = Field(ge=1, le=99, description="Higher is better.")
    lagging: bool = False


class GradeSchemeOut(Schema):
    id: int
    name: str
    owner: Ref
    levels: list[GradeLevelIO]


class GradeSchemeIn(In):
    owner: int
    name: str = Field(max_length=100)
    levels: list[GradeLevelIO] = Field(
        default_factory=lambda: [GradeLevelIO(code=c, name=n, level=v, lagging=lag)
                                 for c, n, v, lag in services.DEFAULT_LEVELS],
        description="Default: 先进, 较好, 一般, 后进 (the lagging one).")


class UpgradingIn(In):
    scheme: int
    owner: int
    year: int = Field(ge=2000, le=2100)
    deadline: datetime.date | None = Field(None, description="Default: 31 October of the year.")
    name: str = Field("", max_length=200)
    max_load: int = Field(3, ge=1, le=50, description="Most organizations per county leader or cadre.")


class PoolMemberOut(Schema):
    id: int
    role: choice(PoolRole)
    person: Ref
    teams: int


class PoolMemberIn(In):
    role: choice(PoolRole)
    person: int


def scheme_data(scheme) -> dict:
    return {"id": scheme.pk, "name": scheme.name, "owner": ref(scheme.owner),
            "levels": [{"code": lv.code, "name": lv.name, "level": lv.level, "lagging": lv.lagging}
                       for lv in scheme.levels.all()]}


def _pool_data(members, upgrading) -> list[dict]:
    loads = setup.pool_loads(upgrading)
    return [{"id": m.pk, "role": m.role, "person": ref(m.person), "teams": loads[m.role].get(m.person_id, 0)}
            for m in members]


@router.get("/schemes", response=list[GradeSchemeOut])
@scoped(GradeScheme)
def scheme_list(request):
    return [scheme_data(scheme) for scheme in setup.schemes(request.auth)]


@router.post("/schemes", response={201: GradeSchemeOut})
@scoped(GradeScheme)
def scheme_create(request, payload: GradeSchemeIn):
    """A grade scheme with its grades; 422 when the codes or levels repeat or no grade is lagging."""
    owner = get_scoped(Organization.objects.all(), request.auth, CHANGE, pk=payload.owner)
    scheme = run_service(request, setup.scheme_setup, owner=owner, name=payload.name,
                         levels=[(lv.code, lv.name, lv.level, lv.lagging) for lv in payload.levels])
    return Status(201, scheme_data(GradeScheme.objects.select_related("owner").get(pk=scheme.pk)))


@router.post("/", response={201: UpgradingOut})
@scoped(Upgrading)
def upgrading_create(request, payload: UpgradingIn):
    """An upgrading campaign: the year, the scheme, the deadline and the load cap of the "3+1" teams."""
    scheme = get_scoped(GradeScheme.objects.all(), request.auth, pk=payload.scheme)
    owner = get_scoped(Organization.objects.all(), request.auth, CHANGE, pk=payload.owner)
    upgrading = run_service(request, setup.upgrading_setup, scheme=scheme, owner=owner, year=payload.year,
                            deadline=payload.deadline, name=payload.name, max_load=payload.max_load)
    return Status(201, upgrading_data(_upgrading(request, upgrading.pk)))


@router.get("/{int:upgrading_id}/pool", response=list[PoolMemberOut])
@scoped(PoolMember)
def pool_list(request, upgrading_id: int):
    """The pools of county-level leaders and organization cadres, each with the number of teams they are on."""
    upgrading = _upgrading(request, upgrading_id)
    return _pool_data(setup.pool(request.auth, upgrading), upgrading)


@router.post("/{int:upgrading_id}/pool", response={201: PoolMemberOut})
@scoped(PoolMember)
def pool_add(request, upgrading_id: int, payload: PoolMemberIn):
    upgrading = _upgrading(request, upgrading_id, CHANGE)
    member = run_service(request, setup.pool_member_add, upgrading=upgrading, role=payload.role,
                         person=_person(request, payload.person))
    return Status(201, _pool_data([member], upgrading)[0])


@router.delete("/{int:upgrading_id}/pool/{int:member_id}", response={204: None})
@scoped(PoolMember)
def pool_remove(request, upgrading_id: int, member_id: int):
    """Takes a person out of a pool; 422 while they are on a team in that role."""
    upgrading = _upgrading(request, upgrading_id, CHANGE)
    member = get_scoped(PoolMember.objects.select_related("person").filter(upgrading=upgrading), request.auth,
                        CHANGE, pk=member_id)
    run_service(request, setup.pool_member_remove, member=member)
    return Status(204, None)

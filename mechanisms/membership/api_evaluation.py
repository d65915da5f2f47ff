"""The API of democratic evaluation outcomes and heart-to-heart talks: grades (an organization's year, a member's
grade set, the year's grades taken from an assessment after a 409 preview, the figures), the cases of 不合格
members (list, help, outcome with the exit's 409 preview, rectified) and talks (list, record, delete). Reads
through ``restrict``; writes through the services, which check the caller's scope again. Outside the scope: 404."""
import datetime

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

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
from kernel.people.models import Person

from . import evaluation, talks
from .models_evaluation import (
    CaseOutcome,
    CaseState,
    EvaluationCase,
    EvaluationGrade,
    GoalsMet,
    Grade,
    GradeSource,
    Talk,
    TalkKind,
)

router = Router(tags=["membership"])


class EvaluationGradeOut(Schema):
    id: int
    person: Ref
    organization: Ref
    year: int
    grade: choice(Grade)
    goals_met: choice(GoalsMet)
    source: choice(GradeSource)
    assessment: int | None
    decided_on: datetime.date
    note: str
    case: int | None


class EvaluationGradeIn(In):
    person: int = Field(..., description="The member's person id.")
    year: int
    grade: choice(Grade)
    goals_met: choice(GoalsMet) = GoalsMet.UNKNOWN
    decided_on: datetime.date | None = None
    note: str = Field("", max_length=300)


class EvaluationCountsOut(Schema):
    total: int
    excellent: int
    qualified: int
    basic: int
    unqualified: int
    goals_unmet: int


class EvaluationImportIn(In):
    organization: int = Field(..., description="The members under this organization take their grades.")
    assessment: int = Field(..., description="A computed assessment of members (the member-evaluation standard).")
    confirm: bool = Field(False, description="Without it: 409 with the counts, and nothing is written.")


class EvaluationImportOut(Schema):
    year: int
    by_grade: dict[str, int]
    new: int
    changed: int
    unchanged: int
    skipped: list[str]


class EvaluationImportPreviewOut(NeedsConfirmationOut, EvaluationImportOut):
    pass


class EvaluationCaseOut(Schema):
    id: int
    person: Ref
    organization: Ref
    year: int
    state: choice(CaseState)
    opened_on: datetime.date
    helped_on: datetime.date | None
    helped_by: str
    help_note: str
    outcome: choice(CaseOutcome, blank=True)
    decided_on: datetime.date | None
    decided_by: str
    decision: str
    deadline: datetime.date | None
    duty_state: str = Field(..., description="The rectification duty's state (open, done, late, overdue…), or "
                                             "empty.")
    standing_change: int | None
    closed_on: datetime.date | None
    close_note: str


class EvaluationHelpIn(In):
    on: datetime.date | None = None
    helped_by: str = Field(..., max_length=100)
    note: str


class EvaluationDecideIn(In):
    outcome: choice(CaseOutcome)
    decided_on: datetime.date | None = None
    decided_by: str = Field("", max_length=100)
    decision: str = Field("", max_length=300)
    number: str = Field("", max_length=60)
    deadline: datetime.date | None = Field(None, description="For a rectification within a period.")
    confirm: bool = Field(False, description="劝退 or 除名 without it: 409 with the exit's preview, nothing written.")


class EvaluationExitPreviewOut(NeedsConfirmationOut):
    name: str
    organization: str
    reason: str
    on: str
    effects: list[str]


class EvaluationRectifiedIn(In):
    on: datetime.date | None = None
    note: str = Field("", max_length=300)


class TalkOut(Schema):
    id: int
    organization: Ref
    on: datetime.date
    place: str
    kind: choice(TalkKind)
    people: list[Ref]
    others: str
    about_member: Ref | None
    topic: str
    summary: str
    counted: bool = Field(..., description="Counts towards the organization's yearly minimum.")


class TalkIn(In):
    organization: int
    on: datetime.date
    place: str = Field(..., max_length=200)
    kind: choice(TalkKind)
    people: list[int] = Field([], description="Person ids of the members taking part.")
    others: str = Field("", max_length=300, description="Others taking part, by name, separated by commas.")
    about_member: int | None = Field(None, description="The person id of the member the talk is about.")
    topic: str = Field(..., max_length=200)
    summary: str = ""


def grade_data(row: EvaluationGrade) -> dict:
    case = getattr(row, "case", None)
    return {"id": row.pk, "person": ref(row.person), "organization": ref(row.organization), "year": row.year,
            "grade": row.grade, "goals_met": row.goals_met, "source": row.source, "assessment": row.assessment_id,
            "decided_on": row.decided_on, "note": row.note, "case": case.pk if case else None}


def case_data(case: EvaluationCase) -> dict:
    return {"id": case.pk, "person": ref(case.person), "organization": ref(case.organization), "year": case.year,
            "state": case.state, "opened_on": case.opened_on, "helped_on": case.helped_on,
            "helped_by": case.helped_by, "help_note": case.help_note, "outcome": case.outcome,
            "decided_on": case.decided_on, "decided_by": case.decided_by, "decision": case.decision,
            "deadline": case.deadline, "duty_state": case.obligation.state if case.obligation_id else "",
            "standing_change": case.exit_change_id, "closed_on": case.closed_on, "close_note": case.close_note}


def talk_data(talk: Talk) -> dict:
    about = talk.about_member
    return {"id": talk.pk, "organization": ref(talk.organization), "on": talk.on, "place": talk.place,
            "kind": talk.kind, "people": [ref(person) for person in talk.people.all()], "others": talk.others,
            "about_member": ref(about.person) if about else None, "topic": talk.topic, "summary": talk.summary,
            "counted": talk.submission_id is not None}


def _organization(request, organization_id: int, action: str = "view") -> Organization:
    return get_scoped(Organization.objects, request.auth, action, pk=organization_id)


def _member(request, person_id: int):
    person = Person.objects.restrict(request.auth).select_related("membership").filter(pk=person_id).first()
    member = getattr(person, "membership", None) if person else None
    if member is None:
        raise Http404
    return member


# --- grades -----------------------------------------------------------------------------------------------------

@router.get("/grades", response=Page[EvaluationGradeOut])
@scoped(EvaluationGrade)
def grade_list(request, year: Year, page: Query[PageParams], organization: int | None = None,
               under: int | None = None):
    """The grades of a year: of one organization's members, or under an organization (its subtree)."""
    rows = evaluation.grades(request.auth, year=year,
                             organization=_organization(request, organization) if organization else None,
                             under=_organization(request, under) if under else None)
    return paginate(rows.select_related("case"), page, lambda items: [grade_data(row) for row in items])


@router.get("/grades/counts", response=EvaluationCountsOut)
@scoped(EvaluationGrade)
def grade_counts(request, year: Year, under: int | None = None):
    """The year's counts per grade under an organization (default: everything the caller sees)."""
    return evaluation.grade_counts(request.auth, _organization(request, under) if under else None, year)


@router.post("/grades", response=EvaluationGradeOut)
@scoped(EvaluationGrade)
def grade_put(request, payload: EvaluationGradeIn):
    """Records or corrects a member's grade for a year (优秀 refused when the goals are unmet; 不合格 opens the
    member's case, a grade corrected away from it withdraws an open one)."""
    member = _member(request, payload.person)
    data = payload.model_dump(exclude={"person"})
    row = run_service(request, evaluation.grade_set, member=member, **data)
    return grade_data(EvaluationGrade.objects.select_related("person", "organization", "case").get(pk=row.pk))


@router.post("/grades/from-assessment", response={200: EvaluationImportOut, 409: EvaluationImportPreviewOut})
@scoped(EvaluationGrade)
def grade_from_assessment(request, payload: EvaluationImportIn):
    """Takes a year's grades from an assessment's computed tiers (the goals from its pass/fail items) for the
    members under an organization. Without ``confirm``: 409 with the counts."""
    organization = _organization(request, payload.organization, CHANGE)
    assessment = evaluation.assessments_for(request.auth, organization).filter(pk=payload.assessment).first()
    if assessment is None:
        raise Http404
    try:
        return run_service(request, evaluation.grades_from_assessment, organization=organization,
                           assessment=assessment, confirm=payload.confirm)
    except NeedsConfirmation as exc:
        return Status(409, {"code": "confirmation_required", "message": exc.messages[0], **exc.details})


# --- cases ------------------------------------------------------------------------------------------------------

def _case(request, case_id: int, action: str = "view") -> EvaluationCase:
    return get_scoped(EvaluationCase.objects.select_related("person", "organization", "obligation"), request.auth,
                      action, pk=case_id)


@router.get("/cases", response=Page[EvaluationCaseOut])
@scoped(EvaluationCase)
def case_list(request, page: Query[PageParams], under: int | None = None, year: Year | None = None,
              open_only: bool = False):
    """The cases of 不合格 members, under an organization, of a year, open ones only."""
    rows = evaluation.cases(request.auth, under=_organization(request, under) if under else None, year=year,
                            open_only=open_only).select_related("obligation")
    return paginate(rows, page, lambda items: [case_data(case) for case in items])


@router.get("/cases/{int:case_id}", response=EvaluationCaseOut)
@scoped(EvaluationCase)
def case_detail(request, case_id: int):
    return case_data(_case(request, case_id))


@router.post("/cases/{int:case_id}/help", response=EvaluationCaseOut)
@scoped(EvaluationCase)
def case_help(request, case_id: int, payload: EvaluationHelpIn):
    """Records the help (帮教) given to the member."""
    run_service(request, evaluation.case_help, case=_case(request, case_id, CHANGE), **payload.model_dump())
    return case_data(_case(request, case_id))


@router.post("/cases/{int:case_id}/decide", response={200: EvaluationCaseOut, 409: EvaluationExitPreviewOut})
@scoped(EvaluationCase)
def case_decide(request, case_id: int, payload: EvaluationDecideIn):
    """Decides the outcome: 限期改正 with its deadline (a one-off duty due then), 劝退 or 除名 (the member's exit:
    without ``confirm``, 409 with its preview)."""
    try:
        run_service(request, evaluation.case_decide, case=_case(request, case_id, CHANGE), **payload.model_dump())
    except NeedsConfirmation as exc:
        return Status(409, {"code": "confirmation_required", "message": exc.messages[0], **exc.details})
    return case_data(_case(request, case_id))


@router.post("/cases/{int:case_id}/rectified", response=EvaluationCaseOut)
@scoped(EvaluationCase)
def case_rectified(request, case_id: int, payload: EvaluationRectifiedIn):
    """The member rectified: the case closes and its duty is done."""
    run_service(request, evaluation.case_rectified, case=_case(request, case_id, CHANGE), **payload.model_dump())
    return case_data(_case(request, case_id))


# --- talks ------------------------------------------------------------------------------------------------------

@router.get("/talks", response=Page[TalkOut])
@scoped(Talk)
def talk_list(request, page: Query[PageParams], organization: int | None = None, year: Year | None = None):
    """Heart-to-heart talks, newest first: of an organization, of a year."""
    rows = talks.talks(request.auth, organization=_organization(request, organization) if organization else None,
                       year=year)
    return paginate(rows, page, lambda items: [talk_data(talk) for talk in items])


@router.post("/talks", response={201: TalkOut})
@scoped(Talk)
def talk_create(request, payload: TalkIn):
    """Records a talk; the first of each of the three kinds in a year counts towards the yearly minimum."""
    organization = _organization(request, payload.organization, CHANGE)
    people = list(Person.objects.restrict(request.auth).filter(pk__in=payload.people))
    if len(people) != len(set(payload.people)):
        raise Http404
    about = _member(request, payload.about_member) if payload.about_member else None
    data = payload.model_dump(exclude={"organization", "people", "about_member"})
    talk = run_service(request, talks.talk_record, organization=organization, people=people, about_member=about,
                       **data)
    return Status(201, talk_data(talks.talks(request.auth).get(pk=talk.pk)))


@router.delete("/talks/{int:talk_id}", response={204: None})
@scoped(Talk)
def talk_delete(request, talk_id: int):
    """Deletes a talk recorded by mistake; the yearly count moves to the next talk of its kind."""
    run_service(request, talks.talk_delete, talk=get_scoped(Talk.objects, request.auth, CHANGE, pk=talk_id))
    return Status(204, None)

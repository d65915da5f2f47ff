"""Reserve cadres in the REST API: the pool (add, assess, appoint with its 409 preview, leave, withdraw an outcome),
two-way cultivation (start, steps, outcome, the counts per track and year) and posts for members without office
(set up, assign, review). Reads through ``restrict``; writes through the services. Outside the scope: 404."""
import datetime

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

from . import selectors, services
from .models import (
    Cultivation,
    DutyPostAssignment,
    Grade,
    MemberDutyPost,
    Outcome,
    PoolStatus,
    Rating,
    ReserveCadre,
    Source,
    Track,
)

router = Router(tags=["reserve"])
APPOINT_CHOICES = [(t.value, t.label) for t in services.APPOINT_TITLES]


class ReserveAssessmentOut(Schema):
    year: int
    grade: choice(Grade)
    note: str


class ReserveCadreOut(Schema):
    id: int
    person: Ref
    organization: Ref
    since: datetime.date
    source: choice(Source)
    training: str
    note: str
    status: choice(PoolStatus)
    outcome_on: datetime.date | None
    outcome_title: str
    outcome_note: str
    post: int | None
    assessments: list[ReserveAssessmentOut]


class ReserveCadreIn(In):
    organization: int
    person: int
    since: datetime.date
    source: choice(Source)
    training: str = ""
    note: str = Field("", max_length=300)


class ReserveAssessIn(In):
    year: Year
    grade: choice(Grade)
    note: str = Field("", max_length=300)


class ReserveAppointIn(In):
    title: choice(APPOINT_CHOICES)
    on: datetime.date
    note: str = Field("", max_length=300)
    confirm: bool = Field(False, description="Without it: 409 with the preview, nothing written.")


class ReserveAppointPreviewOut(NeedsConfirmationOut):
    name: str
    village: str
    title: str
    on: str
    effects: list[str]


class ReserveLeaveIn(In):
    on: datetime.date
    note: str = Field("", max_length=300)


class ReserveWithdrawIn(In):
    reason: str = Field("", max_length=300)


class ReserveStepOut(Schema):
    done_on: datetime.date
    what: str


class ReserveCultivationOut(Schema):
    id: int
    person: Ref
    organization: Ref
    track: choice(Track)
    started_on: datetime.date
    mentor: str
    goal: str
    outcome: choice(Outcome)
    outcome_on: datetime.date | None
    outcome_note: str
    steps: list[ReserveStepOut]


class ReserveCultivationIn(In):
    organization: int
    person: int
    track: choice(Track)
    started_on: datetime.date
    mentor: str = Field("", max_length=50)
    goal: str = Field("", max_length=300)


class ReserveStepIn(In):
    done_on: datetime.date
    what: str = Field("", max_length=300)


class ReserveCloseIn(In):
    outcome: choice([(o.value, o.label) for o in (Outcome.ACHIEVED, Outcome.STOPPED)])
    on: datetime.date
    note: str = Field("", max_length=300)


class ReserveTrackCountOut(Schema):
    track: choice(Track)
    label: str
    started: int
    achieved: int
    stopped: int
    ongoing: int


class ReserveDutyPostOut(Schema):
    id: int
    organization: Ref
    name: str
    duties: str
    ended_on: datetime.date | None


class ReserveDutyPostIn(In):
    organization: int
    name: str = Field("", max_length=60)
    duties: str = Field("", max_length=300)


class ReserveAssignmentOut(Schema):
    id: int
    post: Ref
    organization: Ref
    person: Ref
    year: int
    rating: choice(Rating, blank=True)
    review_note: str
    reviewed_on: datetime.date | None


class ReserveAssignIn(In):
    person: int
    year: Year


class ReserveReviewIn(In):
    rating: choice(Rating)
    note: str = Field("", max_length=300)


def cadre_data(cadre: ReserveCadre) -> dict:
    return {"id": cadre.pk, "person": ref(cadre.person), "organization": ref(cadre.organization),
            "since": cadre.since, "source": cadre.source, "training": cadre.training, "note": cadre.note,
            "status": cadre.status, "outcome_on": cadre.outcome_on, "outcome_title": cadre.outcome_title,
            "outcome_note": cadre.outcome_note, "post": cadre.post_id,
            "assessments": [{"year": a.year, "grade": a.grade, "note": a.note} for a in cadre.assessments.all()]}


def cultivation_data(row: Cultivation) -> dict:
    return {"id": row.pk, "person": ref(row.person), "organization": ref(row.organization), "track": row.track,
            "started_on": row.started_on, "mentor": row.mentor, "goal": row.goal, "outcome": row.outcome,
            "outcome_on": row.outcome_on, "outcome_note": row.outcome_note,
            "steps": [{"done_on": s.done_on, "what": s.what} for s in row.steps.all()]}


def assignment_data(row: DutyPostAssignment) -> dict:
    return {"id": row.pk, "post": {"id": row.post_id, "name": row.post.name}, "organization":
            ref(row.post.organization), "person": ref(row.person), "year": row.year, "rating": row.rating,
            "review_note": row.review_note, "reviewed_on": row.reviewed_on}


def _org(request, pk, action=CHANGE) -> Organization:
    return get_scoped(Organization.objects, request.auth, action, pk=pk)


def _person(request, pk) -> Person:
    return get_scoped(Person.objects, request.auth, pk=pk)


def _under(request, under):
    return get_scoped(Organization.objects, request.auth, pk=under) if under is not None else None


def _cadre(pk) -> ReserveCadre:
    return ReserveCadre.objects.select_related("person", "organization").prefetch_related("assessments").get(pk=pk)


@router.get("/cadres", response=Page[ReserveCadreOut])
@scoped(ReserveCadre)
def cadres_list(request, page: Query[PageParams], under: int | None = None,
                status: choice(PoolStatus, blank=True) = "", since_year: int | None = None,
                outcome_year: int | None = None):
    """The reserve cadre pool: in the pool, appointed or left; entered in a year, out of the pool in a year."""
    rows = selectors.pool(request.auth, under=_under(request, under), status=status, since_year=since_year,
                          outcome_year=outcome_year).prefetch_related("assessments")
    return paginate(rows, page, lambda items: [cadre_data(c) for c in items])


@router.get("/cadres/{cadre_id}", response=ReserveCadreOut)
@scoped(ReserveCadre)
def cadre_detail(request, cadre_id: int):
    return cadre_data(request.scoped.get(pk=cadre_id))


@router.post("/cadres", response={201: ReserveCadreOut})
@scoped(ReserveCadre, CHANGE)
def cadre_add(request, payload: ReserveCadreIn):
    """Takes a person registered in the village into its reserve cadre pool."""
    data = payload.model_dump(exclude={"organization", "person"})
    cadre = run_service(request, services.cadre_add, organization=_org(request, payload.organization),
                        person=_person(request, payload.person), **data)
    return Status(201, cadre_data(_cadre(cadre.pk)))


@router.post("/cadres/{cadre_id}/assessments", response=ReserveCadreOut)
@scoped(ReserveCadre, CHANGE)
def cadre_assess(request, cadre_id: int, payload: ReserveAssessIn):
    cadre = request.scoped.get(pk=cadre_id)
    run_service(request, services.assess, cadre=cadre, **payload.model_dump())
    return cadre_data(_cadre(cadre.pk))


@router.post("/cadres/{cadre_id}/appoint", response={200: ReserveCadreOut, 409: ReserveAppointPreviewOut})
@scoped(ReserveCadre, CHANGE)
def cadre_appoint(request, cadre_id: int, payload: ReserveAppointIn):
    """Appoints the reserve cadre to a post of the village: out of the pool, the post recorded in the registry.
    Without ``confirm: true``: 409 with what it would do."""
    cadre = request.scoped.get(pk=cadre_id)
    try:
        run_service(request, services.appoint, cadre=cadre, **payload.model_dump())
    except NeedsConfirmation as exc:
        return Status(409, {"code": "confirmation_required", "message": exc.messages[0], **exc.details})
    return cadre_data(_cadre(cadre.pk))


@router.post("/cadres/{cadre_id}/leave", response=ReserveCadreOut)
@scoped(ReserveCadre, CHANGE)
def cadre_leave(request, cadre_id: int, payload: ReserveLeaveIn):
    cadre = request.scoped.get(pk=cadre_id)
    run_service(request, services.leave, cadre=cadre, **payload.model_dump())
    return cadre_data(_cadre(cadre.pk))


@router.post("/cadres/{cadre_id}/withdraw-outcome", response=ReserveCadreOut)
@scoped(ReserveCadre, CHANGE)
def cadre_withdraw(request, cadre_id: int, payload: ReserveWithdrawIn):
    """Withdraws an appointment or a leaving recorded by mistake: back in the pool."""
    cadre = request.scoped.get(pk=cadre_id)
    run_service(request, services.outcome_withdraw, cadre=cadre, **payload.model_dump())
    return cadre_data(_cadre(cadre.pk))


@router.get("/cultivations", response=Page[ReserveCultivationOut])
@scoped(Cultivation)
def cultivations_list(request, page: Query[PageParams], under: int | None = None,
                      track: choice(Track, blank=True) = "", outcome: choice(Outcome, blank=True) = "",
                      started_year: int | None = None, outcome_year: int | None = None):
    rows = selectors.cultivations(request.auth, under=_under(request, under), track=track, outcome=outcome,
                                  started_year=started_year, outcome_year=outcome_year).prefetch_related("steps")
    return paginate(rows, page, lambda items: [cultivation_data(c) for c in items])


@router.get("/cultivations/counts", response=list[ReserveTrackCountOut])
@scoped(Cultivation)
def cultivation_counts(request, year: Year, under: int | None = None):
    """Per track of two-way cultivation: started, achieved and stopped in the year, under way at its end."""
    return selectors.track_counts(request.auth, year, under=_under(request, under))


@router.post("/cultivations", response={201: ReserveCultivationOut})
@scoped(Cultivation, CHANGE)
def cultivation_start(request, payload: ReserveCultivationIn):
    data = payload.model_dump(exclude={"organization", "person"})
    row = run_service(request, services.cultivation_start, organization=_org(request, payload.organization),
                      person=_person(request, payload.person), **data)
    return Status(201, cultivation_data(row))


@router.post("/cultivations/{cultivation_id}/steps", response=ReserveCultivationOut)
@scoped(Cultivation, CHANGE)
def cultivation_step(request, cultivation_id: int, payload: ReserveStepIn):
    row = request.scoped.get(pk=cultivation_id)
    run_service(request, services.step_add, cultivation=row, **payload.model_dump())
    return cultivation_data(Cultivation.objects.get(pk=row.pk))


@router.post("/cultivations/{cultivation_id}/outcome", response=ReserveCultivationOut)
@scoped(Cultivation, CHANGE)
def cultivation_outcome(request, cultivation_id: int, payload: ReserveCloseIn):
    row = request.scoped.get(pk=cultivation_id)
    run_service(request, services.cultivation_close, cultivation=row, **payload.model_dump())
    return cultivation_data(Cultivation.objects.get(pk=row.pk))


@router.post("/cultivations/{cultivation_id}/reopen", response=ReserveCultivationOut)
@scoped(Cultivation, CHANGE)
def cultivation_reopen(request, cultivation_id: int):
    row = request.scoped.get(pk=cultivation_id)
    run_service(request, services.cultivation_reopen, cultivation=row)
    return cultivation_data(Cultivation.objects.get(pk=row.pk))


@router.get("/duty-posts", response=list[ReserveDutyPostOut])
@scoped(MemberDutyPost)
def duty_posts_list(request, under: int | None = None):
    return [{"id": p.pk, "organization": ref(p.organization), "name": p.name, "duties": p.duties,
             "ended_on": p.ended_on} for p in selectors.duty_posts(request.auth, under=_under(request, under))]


@router.post("/duty-posts", response={201: ReserveDutyPostOut})
@scoped(MemberDutyPost, CHANGE)
def duty_post_create(request, payload: ReserveDutyPostIn):
    """Sets up a post for members without office in a branch (设岗定责)."""
    post = run_service(request, services.duty_post_create, organization=_org(request, payload.organization),
                       name=payload.name, duties=payload.duties)
    return Status(201, {"id": post.pk, "organization": ref(post.organization), "name": post.name,
                        "duties": post.duties, "ended_on": post.ended_on})


@router.get("/assignments", response=Page[ReserveAssignmentOut])
@scoped(DutyPostAssignment)
def assignments_list(request, page: Query[PageParams], year: Year, under: int | None = None):
    rows = selectors.assignments(request.auth, year, under=_under(request, under))
    return paginate(rows, page, lambda items: [assignment_data(a) for a in items])


@router.post("/duty-posts/{post_id}/assignments", response={201: ReserveAssignmentOut})
@scoped(MemberDutyPost, CHANGE)
def duty_post_assign(request, post_id: int, payload: ReserveAssignIn):
    """A member without office takes the post for the year."""
    post = request.scoped.get(pk=post_id)
    row = run_service(request, services.assign, post=post, person=_person(request, payload.person),
                      year=payload.year)
    return Status(201, assignment_data(DutyPostAssignment.objects.select_related(
        "post", "post__organization", "person").get(pk=row.pk)))


@router.post("/assignments/{assignment_id}/review", response=ReserveAssignmentOut)
@scoped(DutyPostAssignment, CHANGE)
def assignment_review(request, assignment_id: int, payload: ReserveReviewIn):
    """The year's review of a member in a post."""
    row = request.scoped.get(pk=assignment_id)
    run_service(request, services.review, assignment=row, **payload.model_dump())
    return assignment_data(DutyPostAssignment.objects.select_related("post", "post__organization", "person")
                           .get(pk=row.pk))

"""The API of the warnings of 自行脱党: the warnings (list, one with why it was flagged), the check of who is at risk
under an organization (409 with the preview, then the warnings opened on ``confirm``), the talk, the outcome (the
exit's 409 preview for a member who left of own accord) and the dismissal. Reads through ``restrict``; writes through
lapse.py, which checks the caller's scope again. Outside the scope: 404."""
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
from kernel.people.choices import MemberStatus
from kernel.people.models import Person

from . import lapse
from .forms_lapse import OUTCOMES
from .models_lapse import LapseOutcome, LapseState, LapseWarning

router = Router(tags=["membership"])


class LapseFigureOut(Schema):
    code: str = Field(..., description="life, dues or work: the three tests of the constitution's art. 9.")
    label: str
    met: bool
    detail: str


class LapseWarningOut(Schema):
    id: int
    person: Ref
    organization: Ref
    flagged_on: datetime.date
    window_from: datetime.date
    window_to: datetime.date
    no_life: bool
    no_dues: bool
    no_work: bool
    figures: list[LapseFigureOut]
    criteria: dict = Field(..., description="The figures read: life (present, excused, absent, last_present), dues "
                                            "(months, unpaid, paid_up_to), work (owed, done, failed, first_due).")
    talk_due: datetime.date
    duty_state: str = Field(..., description="The talk duty's state (open, done, late, overdue…), or empty.")
    talk: int | None
    state: choice(LapseState)
    outcome: choice(LapseOutcome, blank=True)
    outcome_on: datetime.date | None
    decided_by: str
    note: str
    standing_change: int | None


class LapseCheckIn(In):
    organization: int = Field(..., description="The members under this organization are checked.")
    confirm: bool = Field(False, description="Without it: 409 with who would be warned, and nothing is written.")


class LapseCheckMemberOut(Schema):
    person: int
    name: str
    organization: str
    tests: list[str]


class LapseCheckOut(Schema):
    organization: str
    window_from: str
    window_to: str
    talk_days: int
    count: int
    members: list[LapseCheckMemberOut]


class LapseCheckPreviewOut(NeedsConfirmationOut, LapseCheckOut):
    pass


class LapseOpenedOut(Schema):
    count: int
    warnings: list[int]


class LapseTalkIn(In):
    on: datetime.date
    place: str = Field(..., max_length=200)
    topic: str = Field(..., max_length=200)
    people: list[int] = Field([], description="Person ids of the branch's members taking part besides the member.")
    others: str = Field("", max_length=300, description="Others taking part, by name, separated by commas.")
    summary: str = ""


class LapseDecideIn(In):
    outcome: choice(OUTCOMES)
    on: datetime.date | None = None
    decided_by: str = Field("", max_length=100)
    decision: str = Field("", max_length=300)
    number: str = Field("", max_length=60)
    note: str = Field("", max_length=300)
    confirm: bool = Field(False, description="Left of own accord without it: 409 with the exit's preview, nothing "
                                             "written.")


class LapseExitPreviewOut(NeedsConfirmationOut):
    name: str
    organization: str
    reason: str
    on: str
    effects: list[str]


class LapseDismissIn(In):
    reason: str = Field(..., max_length=300)
    on: datetime.date | None = None


def warning_data(warning: LapseWarning) -> dict:
    return {"id": warning.pk, "person": ref(warning.person), "organization": ref(warning.organization),
            "flagged_on": warning.flagged_on, "window_from": warning.window_from, "window_to": warning.window_to,
            "no_life": warning.no_life, "no_dues": warning.no_dues, "no_work": warning.no_work,
            "figures": lapse.figures(warning), "criteria": warning.criteria, "talk_due": warning.talk_due,
            "duty_state": warning.obligation.state if warning.obligation_id else "", "talk": warning.talk_id,
            "state": warning.state, "outcome": warning.outcome, "outcome_on": warning.outcome_on,
            "decided_by": warning.decided_by, "note": warning.note, "standing_change": warning.standing_change_id}


def _warning(request, warning_id: int, action: str = "view") -> LapseWarning:
    return get_scoped(LapseWarning.objects.select_related("person", "organization", "obligation"), request.auth,
                      action, pk=warning_id)


def _confirmation(exc: NeedsConfirmation):
    return Status(409, {"code": "confirmation_required", "message": exc.messages[0], **exc.details})


@router.get("/warnings", response=Page[LapseWarningOut])
@scoped(LapseWarning)
def warning_list(request, page: Query[PageParams], under: int | None = None, state: choice(LapseState, blank=True) = "",
                 year: Year | None = None):
    """The warnings, open ones first: under an organization, of a state, flagged in a year."""
    rows = lapse.warnings(request.auth, state=state,
                          under=get_scoped(Organization.objects, request.auth, pk=under) if under else None)
    if year:
        rows = rows.filter(flagged_on__year=year)
    return paginate(rows, page, lambda items: [warning_data(row) for row in items])


@router.get("/warnings/{int:warning_id}", response=LapseWarningOut)
@scoped(LapseWarning)
def warning_detail(request, warning_id: int):
    """One warning, with why the member was flagged (the three tests and their figures)."""
    return warning_data(_warning(request, warning_id))


@router.post("/check", response={200: LapseOpenedOut, 409: LapseCheckPreviewOut})
@scoped(LapseWarning)
def warning_check(request, payload: LapseCheckIn):
    """Checks who is at risk under an organization now. Without ``confirm``: 409 with who would be warned."""
    organization = get_scoped(Organization.objects, request.auth, CHANGE, pk=payload.organization)
    try:
        opened = run_service(request, lapse.check, organization=organization, confirm=payload.confirm)
    except NeedsConfirmation as exc:
        return _confirmation(exc)
    return {"count": len(opened), "warnings": [warning.pk for warning in opened]}


@router.post("/warnings/{int:warning_id}/talk", response=LapseWarningOut)
@scoped(LapseWarning)
def warning_talk(request, warning_id: int, payload: LapseTalkIn):
    """Records the talk with the member; the talk's duty is done (late, after the deadline)."""
    warning = _warning(request, warning_id, CHANGE)
    people = list(Person.objects.restrict(request.auth).filter(
        pk__in=payload.people, organization_id=warning.organization_id, membership__status=MemberStatus.ACTIVE))
    if len(people) != len(set(payload.people)):
        raise Http404
    run_service(request, lapse.talk_record, warning=warning, people=people,
                **payload.model_dump(exclude={"people"}))
    return warning_data(_warning(request, warning_id))


@router.post("/warnings/{int:warning_id}/outcome", response={200: LapseWarningOut, 409: LapseExitPreviewOut})
@scoped(LapseWarning)
def warning_outcome(request, warning_id: int, payload: LapseDecideIn):
    """The outcome: resumed, left of own accord (自行脱党: without ``confirm``, 409 with the exit's preview) or out
    of contact (失联)."""
    try:
        run_service(request, lapse.decide, warning=_warning(request, warning_id, CHANGE), **payload.model_dump())
    except NeedsConfirmation as exc:
        return _confirmation(exc)
    return warning_data(_warning(request, warning_id))


@router.post("/warnings/{int:warning_id}/dismiss", response=LapseWarningOut)
@scoped(LapseWarning)
def warning_dismiss(request, warning_id: int, payload: LapseDismissIn):
    """Dismisses an open warning: a good reason was found."""
    run_service(request, lapse.dismiss, warning=_warning(request, warning_id, CHANGE), **payload.model_dump())
    return warning_data(_warning(request, warning_id))

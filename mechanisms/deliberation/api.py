"""四议两公开 in the REST API, scoped: outside the caller's subtree, 404 as for a missing case.

Matters are cases of the shipped workflow; moves go through mechanisms.deliberation.services and the workflows engine.
"""
import datetime

from ninja import Field, Query, Router, Schema

from engines.workflows import services as engine
from engines.workflows.api import refusals
from engines.workflows.models import Case
from kernel.core.api import In, Page, PageParams, Ref, Year, get_scoped, paginate, ref, run_service, scoped
from kernel.core.scope import CHANGE
from kernel.orgs.models import Organization

from . import selectors, services
from .definition import WORKFLOW_CODE

router = Router(tags=["deliberation"])


class DeliberationStepOut(Schema):
    action: str
    from_stage: str
    to_stage: str
    on: datetime.date
    user: str
    comment: str


class DeliberationMatterOut(Schema):
    id: int
    workflow: str
    title: str
    organization: Ref
    stage: str
    status: str
    opened_on: datetime.date
    stage_entered_on: datetime.date
    due_on: datetime.date | None
    closed_on: datetime.date | None
    data: dict


class DeliberationMatterDetailOut(DeliberationMatterOut):
    missing: list[str]
    steps: list[DeliberationStepOut]


class DeliberationOpenIn(In):
    organization: int
    title: str
    matter: str = ""
    proposal: str = ""
    proposed_on: datetime.date | None = None


class DeliberationRecordIn(In):
    data: dict


class DeliberationAdvanceIn(In):
    comment: str = ""


class DeliberationReturnIn(In):
    to_stage: str = Field(max_length=50)
    comment: str = Field(max_length=2000)


class DeliberationObjectionIn(In):
    text: str = Field(max_length=500)
    on: datetime.date | None = None


class DeliberationResolveIn(In):
    resolution: str = Field(max_length=500)


class DeliberationLedgerRowOut(Schema):
    id: int
    title: str
    matter: str
    proposed_on: str
    committees_on: str
    members_on: str
    members_votes: str
    villagers_on: str
    villagers_votes: str
    resolution_public_on: str
    notice_until: str
    result_public_on: str
    closed_on: str
    stage_name: str


def matter_data(case) -> dict:
    return {"id": case.pk, "workflow": case.workflow.code, "title": case.title,
            "organization": ref(case.organization), "stage": case.stage, "status": case.status,
            "opened_on": case.opened_on, "stage_entered_on": case.stage_entered_on, "due_on": case.due_on,
            "closed_on": case.closed_on, "data": case.data}


def detail_data(case) -> dict:
    steps = [{"action": t.action, "from_stage": t.from_stage, "to_stage": t.to_stage, "on": t.on,
              "user": t.user.username if t.user else "", "comment": t.comment}
             for t in case.transitions.select_related("user")]
    missing = [str(m) for m in engine.gate(case)] if case.status == Case.Status.OPEN else []
    return {**matter_data(case), "missing": missing, "steps": steps}


def _matter(request, case_id, action="view"):
    return get_scoped(Case.objects.filter(workflow__code=WORKFLOW_CODE).select_related("workflow", "organization",
                                                                                        "version"),
                      request.auth, action, pk=case_id)


@router.get("/matters", response=Page[DeliberationMatterOut])
@scoped(Case)
def matter_list(request, page: Query[PageParams], under: int | None = None, stage: str = "", status: str = "",
                overdue: bool | None = None):
    root = get_scoped(Organization.objects.all(), request.auth, pk=under) if under else None
    rows = selectors.matters(request.auth, under=root, stage=stage or None, status=status or None,
                             overdue=overdue).select_related("workflow")
    return paginate(rows, page, lambda items: [matter_data(c) for c in items])


@router.post("/matters", response=DeliberationMatterDetailOut)
@scoped(Case)
@refusals
def matter_open(request, payload: DeliberationOpenIn):
    village = get_scoped(Organization.objects.all(), request.auth, CHANGE, pk=payload.organization)
    case = run_service(request, services.matter_open, organization=village, title=payload.title,
                       matter=payload.matter, proposal=payload.proposal, proposed_on=payload.proposed_on)
    return detail_data(_matter(request, case.pk))


@router.get("/matters/{int:case_id}", response=DeliberationMatterDetailOut)
@scoped(Case)
def matter_detail(request, case_id: int):
    """A 四议两公开 case in the caller's scope with its gate and record (other workflows' cases: 404, as the
    writes answer; they are served by /api/workflows)."""
    return detail_data(_matter(request, case_id))


@router.post("/matters/{int:case_id}/record", response=DeliberationMatterDetailOut)
@scoped(Case)
@refusals
def matter_record(request, case_id: int, payload: DeliberationRecordIn):
    case = _matter(request, case_id, CHANGE)
    run_service(request, services.matter_record, case=case, data=payload.data)
    return detail_data(_matter(request, case_id))


@router.post("/matters/{int:case_id}/advance", response=DeliberationMatterDetailOut)
@scoped(Case)
@refusals
def matter_advance(request, case_id: int, payload: DeliberationAdvanceIn):
    case = _matter(request, case_id, CHANGE)
    run_service(request, services.matter_advance, case=case, comment=payload.comment)
    return detail_data(_matter(request, case_id))


@router.post("/matters/{int:case_id}/return", response=DeliberationMatterDetailOut)
@scoped(Case)
@refusals
def matter_return(request, case_id: int, payload: DeliberationReturnIn):
    """Sends the matter back to a stage its present stage names (the branch's proposal), with a reason; what
    the later stages recorded is voided (the meetings are held again). 422 naming the allowed stages."""
    case = _matter(request, case_id, CHANGE)
    run_service(request, services.matter_return, case=case, to_stage=payload.to_stage, comment=payload.comment)
    return detail_data(_matter(request, case_id))


@router.post("/matters/{int:case_id}/objections", response=DeliberationMatterDetailOut)
@scoped(Case)
@refusals
def matter_objection(request, case_id: int, payload: DeliberationObjectionIn):
    """Records an objection received while the resolution is public; the matter cannot leave the public
    notice until every objection is resolved."""
    case = _matter(request, case_id, CHANGE)
    run_service(request, engine.objection_add, case=case, text=payload.text, on=payload.on)
    return detail_data(_matter(request, case_id))


@router.post("/matters/{int:case_id}/objections/{int:index}/resolve", response=DeliberationMatterDetailOut)
@scoped(Case)
@refusals
def matter_objection_resolve(request, case_id: int, index: int, payload: DeliberationResolveIn):
    """Marks objection ``index`` (its place in ``data.objections``) resolved, saying how."""
    case = _matter(request, case_id, CHANGE)
    run_service(request, engine.objection_resolve, case=case, index=index, resolution=payload.resolution)
    return detail_data(_matter(request, case_id))


@router.get("/ledgers/{int:org_id}", response=list[DeliberationLedgerRowOut])
@scoped(Case)
def ledger(request, org_id: int, year: Year | None = None):
    village = get_scoped(Organization.objects.all(), request.auth, pk=org_id)
    return [{**row, "id": row["case"].pk} for row in selectors.ledger(request.auth, village, year=year)]

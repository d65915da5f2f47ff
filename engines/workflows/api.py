"""The workflow engine over the API: definitions and their files, cases, their stage gates and their
(read-only) transitions, and the moves a case makes.

Reads go through ``restrict`` (directly or through engines.workflows.selectors); writes through
engines.workflows.services, which check the caller's scope and role again. Outside the scope: 404.
"""
import datetime
import functools

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from kernel.core.api import (
    In,
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
    yaml_file_responses,
)
from kernel.core.scope import CHANGE, VIEW
from kernel.orgs.models import Organization
from kernel.people.models import Person

from . import selectors, services
from .format import FormatError
from .models import Case, CaseNotice, SubjectKind, Transition, Workflow, WorkflowVersion

router = Router(tags=["workflows"])


# --- schemas ----------------------------------------------------------------------------------------------------

class StageOut(Schema):
    code: str
    name: str
    actors: list[str]
    required_fields: list[str]
    attachments: int
    approval_roles: list[str]
    vote: dict
    wait_days: int
    no_open_objections: bool
    time_limit_days: int | None
    remind_days: int
    back_to: list[str]
    final: bool


class WorkflowVersionOut(Schema):
    id: int
    number: int
    frozen: bool = Field(..., description="Used by cases: editing makes the next version.")
    stages: list[StageOut]


class WorkflowOut(Schema):
    id: int
    code: str
    name: str
    description: str
    owner: Ref
    subject: choice(SubjectKind)
    current: WorkflowVersionOut | None


class WorkflowDetailOut(WorkflowOut):
    versions: list[WorkflowVersionOut]


class WorkflowImportIn(In):
    owner: int = Field(..., description="The owning organization's id (for an existing workflow: its owner).")
    text: str = Field(..., description="The workflow file (YAML).")


class WorkflowRef(Schema):
    id: int
    code: str
    name: str


class CaseOut(Schema):
    id: int
    workflow: WorkflowRef
    version: int
    organization: Ref
    person: Ref | None
    title: str
    stage: str
    stage_name: str
    stage_entered_on: datetime.date
    due_on: datetime.date | None
    overdue: bool
    status: choice(Case.Status)
    opened_on: datetime.date
    closed_on: datetime.date | None
    data: dict


class CaseDetailOut(CaseOut):
    stages: list[StageOut]
    missing: list[str] = Field(..., description="What the current stage's gate still lacks; empty: may advance.")
    fields: dict = Field(..., description="How the workflow names the data fields: {key: {label, type}}.")


class CaseNoticeOut(Schema):
    id: int
    case: Ref = Field(..., description="The case (its title as name).")
    kind: choice(CaseNotice.Kind)
    stage: str = Field(..., description="The stage the case was in when the notice was written.")
    item: str = Field(..., description="The mechanism's item with its own deadline (e.g. measure:12); empty for "
                                       "the stage's deadline.")
    message: str
    due_on: datetime.date
    created_on: datetime.date
    resolved_on: datetime.date | None


class CaseNoticeFilters(Schema):
    kind: choice(CaseNotice.Kind) | None = None
    case: int | None = Field(None, description="A case's id.")
    pending: bool | None = Field(None, description="Still on the to-do list (or not).")


class CaseFilters(Schema):
    workflow: int | None = Field(None, description="A workflow's id.")
    under: int | None = Field(None, description="An organization's id: cases of its subtree.")
    stage: str | None = Field(None, description="A stage code.")
    status: choice(Case.Status) | None = None
    overdue: bool | None = Field(None, description="Open cases past their stage's deadline (or not).")
    age: int | None = Field(None, ge=0, description="Cases opened at least this many days ago.")


class TransitionOut(Schema):
    id: int
    action: choice(Transition.Action)
    from_stage: str
    to_stage: str
    user: str | None
    at: datetime.datetime
    on: datetime.date
    comment: str
    files: list[str]


class StageCountOut(Schema):
    code: str
    name: str
    count: int
    final: bool


class CaseIn(In):
    workflow: int
    organization: int
    person: int | None = None
    title: str
    data: dict = {}


class DataIn(In):
    data: dict


class CommentIn(In):
    comment: str = ""


class ReturnIn(In):
    to_stage: str
    comment: str


class ApprovalOut(Schema):
    id: int
    stage: str
    role: str
    on: datetime.date
    comment: str


# --- helpers ----------------------------------------------------------------------------------------------------

def stage_data(stage) -> dict:
    return {name: getattr(stage, name) for name in StageOut.model_fields}


def version_data(version: WorkflowVersion) -> dict:
    return {"id": version.pk, "number": version.number, "frozen": version.frozen,
            "stages": [stage_data(stage) for stage in version.stages.order_by("order")]}


def workflow_data(workflow: Workflow) -> dict:
    return {"id": workflow.pk, "code": workflow.code, "name": workflow.name, "description": workflow.description,
            "owner": ref(workflow.owner), "subject": workflow.subject_kind,
            "current": version_data(workflow.current_version) if workflow.current_version else None}


def _person_ref(person) -> dict | None:
    return None if person is None else {"id": person.pk, "name": person.name}


def case_data(case: Case, today=None) -> dict:
    from kernel.core import clock

    today = today or clock.today()
    names = {stage.code: stage.name for stage in case.version.stages.all()}
    return {"id": case.pk, "workflow": {"id": case.workflow_id, "code": case.workflow.code, "name": case.workflow.name},
            "version": case.version.number, "organization": ref(case.organization), "person": _person_ref(case.person),
            "title": case.title, "stage": case.stage, "stage_name": names.get(case.stage, case.stage),
            "stage_entered_on": case.stage_entered_on, "due_on": case.due_on,
            "overdue": case.status == Case.Status.OPEN and case.due_on is not None and case.due_on < today,
            "status": case.status, "opened_on": case.opened_on, "closed_on": case.closed_on, "data": case.data}


def case_detail(case: Case) -> dict:
    return {**case_data(case), "stages": [stage_data(stage) for stage in services.stages_of(case)],
            "missing": services.gate(case) if case.status == Case.Status.OPEN else [],
            "fields": case.version.document.get("fields") or {}}


def transition_data(transition: Transition) -> dict:
    return {"id": transition.pk, "action": transition.action, "from_stage": transition.from_stage,
            "to_stage": transition.to_stage, "user": transition.user.username if transition.user else None,
            "at": transition.at, "on": transition.on, "comment": transition.comment,
            "files": [attachment.name for attachment in transition.files.all()]}


def get_org(request, org_id: int, action: str = VIEW) -> Organization:
    return get_scoped(Organization.objects, request.auth, action, pk=org_id)


def get_workflow(request, workflow_id: int) -> Workflow:
    return get_scoped(Workflow.objects.select_related("owner", "current_version"), request.auth, pk=workflow_id)


def get_case(request, case_id: int) -> Case:
    return get_scoped(Case.objects.select_related("workflow", "version", "organization", "person"), request.auth,
                      pk=case_id)


def act(request, service, **kwargs):
    """Runs a move on a case the caller can see: lacking the stage's role is a 403, not a 404."""
    try:
        return run_service(request, service, **kwargs)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from None


def refusals(view):
    """An operation on a case the caller can see that is refused for the caller's role answers 403 with the
    reason (who may act in the stage) in ``message``, as a refused rule answers 422 with its reason; used by
    the generic case moves and by the mechanisms' own (development, deliberation)."""
    @functools.wraps(view)
    def answer(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except (PermissionDenied, HttpError) as exc:
            if isinstance(exc, HttpError) and exc.status_code != 403:
                raise
            body = error_body(403)
            return JsonResponse({**body, "message": str(exc) or body["message"]}, status=403,
                                json_dumps_params={"ensure_ascii": False})
    return answer


def _format_refused(exc: FormatError) -> ValidationError:
    return ValidationError({"text": [ValidationError(_("line %(line)d: %(reason)s") % {"line": line, "reason": reason},
                                                     code="format") for line, reason in exc.errors]})


# --- definitions ------------------------------------------------------------------------------------------------

@router.get("/definitions", response=Page[WorkflowOut])
@scoped(Workflow)
def workflow_list(request, page: Query[PageParams], q: str = ""):
    return paginate(selectors.workflows(request.auth, q=q), page, lambda rows: [workflow_data(w) for w in rows])


def _detail(workflow: Workflow) -> dict:
    return {**workflow_data(workflow), "versions": [version_data(v) for v in workflow.versions.order_by("-number")]}


@router.get("/definitions/{int:workflow_id}", response=WorkflowDetailOut)
@scoped(Workflow)
def workflow_detail(request, workflow_id: int):
    return _detail(get_workflow(request, workflow_id))


def _import(request, owner_id: int, text):
    owner = get_org(request, owner_id, CHANGE)
    before = WorkflowVersion.objects.count()
    try:
        version = run_service(request, services.workflow_import, text=text, owner=owner)
    except FormatError as exc:
        raise _format_refused(exc) from None
    workflow = get_workflow(request, version.workflow_id)
    return Status(201 if WorkflowVersion.objects.count() > before else 200, _detail(workflow))


@router.post("/definitions/import", response={200: WorkflowDetailOut, 201: WorkflowDetailOut})
@scoped(Workflow)
def workflow_import(request, payload: WorkflowImportIn):
    """Imports a workflow file: 201 for a new workflow or version, 200 when nothing changed; a malformed
    file answers 422 with one error per problem, "line N: reason"."""
    return _import(request, payload.owner, payload.text)


@router.post("/definitions/import-file", response={200: WorkflowDetailOut, 201: WorkflowDetailOut})
@scoped(Workflow)
def workflow_import_file(request, owner: Form[int], file: File[UploadedFile]):
    """The same as /definitions/import, with the file uploaded as multipart/form-data."""
    return _import(request, owner, file.read())


@router.get("/definitions/{int:workflow_id}/export", openapi_extra=yaml_file_responses("The workflow file."))
@scoped(Workflow)
def workflow_export(request, workflow_id: int, version: int | None = None):
    """The workflow file (YAML) of the current version, or of ``version`` (its number)."""
    workflow = get_workflow(request, workflow_id)
    try:
        text = services.workflow_export(workflow, version)
    except WorkflowVersion.DoesNotExist:
        raise Http404 from None
    response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{workflow.code}.yaml"'
    return response


@router.get("/definitions/{int:workflow_id}/stage-counts", response=list[StageCountOut])
@scoped(Case)
def workflow_stage_counts(request, workflow_id: int, under: int | None = None):
    """Open cases per stage, in the scope (and under ``under``)."""
    workflow = get_workflow(request, workflow_id)
    root = get_org(request, under) if under is not None else None
    return selectors.stage_counts(request.auth, workflow, under=root)


# --- cases ------------------------------------------------------------------------------------------------------

@router.get("/cases", response=Page[CaseOut])
@scoped(Case)
def case_list(request, filters: Query[CaseFilters], page: Query[PageParams]):
    workflow = get_workflow(request, filters.workflow) if filters.workflow is not None else None
    under = get_org(request, filters.under) if filters.under is not None else None
    rows = selectors.cases(request.auth, workflow=workflow, under=under, stage=filters.stage, status=filters.status,
                           overdue=filters.overdue, older_than_days=filters.age)
    return paginate(rows.prefetch_related("version__stages"), page, lambda rows: [case_data(c) for c in rows])


def notice_data(notice: CaseNotice) -> dict:
    return {"id": notice.pk, "case": {"id": notice.case_id, "name": notice.case.title}, "kind": notice.kind,
            "stage": notice.stage, "item": notice.key, "message": notice.message, "due_on": notice.due_on,
            "created_on": notice.created_on, "resolved_on": notice.resolved_on}


@router.get("/notices", response=Page[CaseNoticeOut])
@scoped(Case)
def notice_list(request, filters: Query[CaseNoticeFilters], page: Query[PageParams]):
    """The caller's deadline notices (reminders, overdue notices, escalations) of the cases in their scope, the
    newest first."""
    case = get_case(request, filters.case) if filters.case is not None else None
    rows = selectors.notices(request.auth, kind=filters.kind, case=case, pending=filters.pending)
    return paginate(rows, page, lambda rows: [notice_data(n) for n in rows])


@router.get("/cases/{int:case_id}", response=CaseDetailOut)
@scoped(Case)
def case_get(request, case_id: int):
    return case_detail(get_case(request, case_id))


@router.get("/cases/{int:case_id}/transitions", response=list[TransitionOut])
@scoped(Case)
def case_transitions(request, case_id: int):
    """The case's record, oldest first. Transitions are read-only."""
    case = get_case(request, case_id)
    return [transition_data(t) for t in case.transitions.select_related("user").prefetch_related("files")]


@router.get("/cases/{int:case_id}/approvals", response=list[ApprovalOut])
@scoped(Case)
def case_approvals(request, case_id: int):
    return list(get_case(request, case_id).approvals.all())


@router.post("/cases", response={201: CaseDetailOut})
@scoped(Case)
def case_create(request, payload: CaseIn):
    workflow = get_workflow(request, payload.workflow)
    organization = get_org(request, payload.organization)
    person = (get_scoped(Person.objects, request.auth, VIEW, pk=payload.person)
              if payload.person is not None else None)
    case = run_service(request, services.case_open, workflow=workflow, organization=organization, person=person,
                       title=payload.title, data=payload.data)
    return Status(201, case_detail(get_case(request, case.pk)))


@router.post("/cases/{int:case_id}/data", response=CaseDetailOut)
@scoped(Case)
@refusals
def case_update(request, case_id: int, payload: DataIn):
    """Merges ``data`` into the case's data (an actor of the current stage only)."""
    case = get_case(request, case_id)
    act(request, services.case_update, case=case, data=payload.data)
    return case_detail(get_case(request, case_id))


@router.post("/cases/{int:case_id}/advance", response=CaseDetailOut)
@scoped(Case)
@refusals
def case_advance(request, case_id: int, payload: CommentIn):
    """Moves the case to its next stage; 422 listing what the gate still lacks, 403 for a non-actor."""
    case = get_case(request, case_id)
    act(request, services.case_advance, case=case, comment=payload.comment)
    return case_detail(get_case(request, case_id))


@router.post("/cases/{int:case_id}/return", response=CaseDetailOut)
@scoped(Case)
@refusals
def case_return(request, case_id: int, payload: ReturnIn):
    case = get_case(request, case_id)
    act(request, services.case_return, case=case, to_stage=payload.to_stage, comment=payload.comment)
    return case_detail(get_case(request, case_id))


@router.post("/cases/{int:case_id}/cancel", response=CaseDetailOut)
@scoped(Case)
@refusals
def case_cancel(request, case_id: int, payload: CommentIn):
    case = get_case(request, case_id)
    act(request, services.case_cancel, case=case, comment=payload.comment)
    return case_detail(get_case(request, case_id))


@router.post("/cases/{int:case_id}/approve", response=ApprovalOut)
@scoped(Case)
@refusals
def case_approve(request, case_id: int, payload: CommentIn):
    case = get_case(request, case_id)
    return act(request, services.case_approve, case=case, comment=payload.comment)


@router.post("/cases/{int:case_id}/attachments", response={201: dict})
@scoped(Case)
@refusals
def case_attach(request, case_id: int, file: File[UploadedFile], name: Form[str] = ""):
    case = get_case(request, case_id)
    attachment = act(request, services.case_attach, case=case, uploaded_file=file, name=name)
    return Status(201, {"id": attachment.pk, "name": attachment.name, "stage": attachment.stage})

"""Development cases and warnings in the REST API, scoped: outside the caller's subtree, 404. Writes go through
mechanisms.development.services (dates checked against each other, the registry kept by the workflow)."""
import datetime

from django.core.exceptions import PermissionDenied
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from engines.workflows.api import refusals
from engines.workflows.models import Case
from kernel.core.api import In, Page, PageParams, Ref, Year, choice, get_scoped, paginate, ref, run_service, scoped
from kernel.core.scope import CHANGE
from kernel.orgs.models import Organization
from kernel.people.choices import Education, Gender

from . import selectors, services

router = Router(tags=["development"])


class DevelopmentCaseOut(Schema):
    id: int
    person: Ref | None
    organization: Ref
    stage: str
    status: str
    stage_entered_on: datetime.date
    data: dict


class DevelopmentCandidateIn(In):
    organization: int
    name: str = Field(max_length=50)
    gender: choice(Gender)
    birth_date: datetime.date
    applied_on: datetime.date
    education: choice(Education, blank=True) = ""
    household: str = Field("", max_length=200)


class DevelopmentRecordIn(In):
    data: dict


class DevelopmentCommentIn(In):
    comment: str = Field("", max_length=2000)


class DevelopmentObjectionIn(In):
    text: str = Field(max_length=500)
    on: datetime.date | None = None


class DevelopmentResolveIn(In):
    resolution: str = Field(max_length=500)


class WarningOut(Schema):
    kind: str
    label: str
    organization: Ref
    subject: str
    detail: str
    evidence: list[str]


def case_data(case) -> dict:
    return {"id": case.pk, "person": ref(case.person), "organization": ref(case.organization), "stage": case.stage,
            "status": case.status, "stage_entered_on": case.stage_entered_on, "data": case.data}


@router.get("/cases", response=Page[DevelopmentCaseOut])
@scoped(Case)
def case_list(request, page: Query[PageParams], under: int | None = None, stage: str | None = None,
              status: str | None = "open"):
    root = get_scoped(Organization.objects, request.auth, pk=under) if under else None
    rows = selectors.cases(request.auth, under=root, stage=stage, status=status)
    return paginate(rows, page, lambda rows: [case_data(c) for c in rows])


def _act(request, service, **kwargs):
    try:
        return run_service(request, service, **kwargs)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from None


def _case(request, case_id: int):
    return get_scoped(selectors.cases(request.auth, status=None), request.auth, pk=case_id)


@router.post("/cases", response={201: DevelopmentCaseOut})
@scoped(Case)
@refusals
def case_open(request, payload: DevelopmentCandidateIn):
    """Registers the applicant in the branch and opens the case at the application stage."""
    organization = get_scoped(Organization.objects, request.auth, CHANGE, pk=payload.organization)
    extra = {"education": payload.education} if payload.education else {}
    case = _act(request, services.candidate_open, organization=organization, applied_on=payload.applied_on,
                name=payload.name, gender=payload.gender, birth_date=payload.birth_date, household=payload.household,
                **extra)
    return Status(201, case_data(_case(request, case.pk)))


@router.post("/cases/{int:case_id}/record", response=DevelopmentCaseOut)
@scoped(Case)
@refusals
def case_record(request, case_id: int, payload: DevelopmentRecordIn):
    """Records the stage's dates (YYYY-MM-DD), contacts and vote counts; 422 for any that contradict the others."""
    case = _case(request, case_id)
    unknown = sorted(set(payload.data) - services.EDITABLE_FIELDS)
    if unknown:
        raise HttpError(422, ", ".join(unknown))
    _act(request, services.candidate_record, case=case, data=payload.data)
    return case_data(_case(request, case_id))


@router.post("/cases/{int:case_id}/advance", response=DevelopmentCaseOut)
@scoped(Case)
@refusals
def case_advance(request, case_id: int, payload: DevelopmentCommentIn):
    """Moves the candidate to the next stage; 422 listing what is missing, 403 without the stage's role."""
    _act(request, services.candidate_advance, case=_case(request, case_id), comment=payload.comment)
    return case_data(_case(request, case_id))


@router.post("/cases/{int:case_id}/approve", response=DevelopmentCaseOut)
@scoped(Case)
@refusals
def case_approve(request, case_id: int, payload: DevelopmentCommentIn):
    """The township's approval (审批) of the branch vote or of the conversion to full membership: 403 without a
    township or county administrator's role over the branch, 422 with what the stage's record still lacks."""
    _act(request, services.candidate_approve, case=_case(request, case_id), comment=payload.comment)
    return case_data(_case(request, case_id))


@router.post("/cases/{int:case_id}/objections", response=DevelopmentCaseOut)
@scoped(Case)
@refusals
def case_objection(request, case_id: int, payload: DevelopmentObjectionIn):
    """Records an objection raised during the public notice; it holds the case until resolved."""
    _act(request, services.objection_add, case=_case(request, case_id), text=payload.text, on=payload.on)
    return case_data(_case(request, case_id))


@router.post("/cases/{int:case_id}/objections/{int:index}/resolve", response=DevelopmentCaseOut)
@scoped(Case)
@refusals
def case_objection_resolve(request, case_id: int, index: int, payload: DevelopmentResolveIn):
    """Marks objection ``index`` (its place in ``data.objections``) resolved, saying how."""
    _act(request, services.objection_resolve, case=_case(request, case_id), index=index,
         resolution=payload.resolution)
    return case_data(_case(request, case_id))


@router.get("/cases/{int:case_id}", response=DevelopmentCaseOut)
@scoped(Case)
def case_detail(request, case_id: int):
    return case_data(get_scoped(selectors.cases(request.auth, status=None), request.auth, pk=case_id))


@router.get("/warnings", response=list[WarningOut])
@scoped(Organization)
def warning_list(request, under: int):
    root = request.scoped.get(pk=under)
    return [{**w, "label": str(w["label"]), "detail": str(w["detail"]), "organization": ref(w["organization"]),
             "evidence": [url for _text, url in w["evidence"] if url]} for w in selectors.warnings(request.auth, root)]


class StructureFiguresOut(Schema):
    total: int
    young: int = Field(description="Under 35 at the end of the year.")
    women: int
    college: int = Field(description="Junior college or above.")
    young_share: float | None = Field(description="Percent, one decimal, rounded once (core/rates.py).")
    women_share: float | None
    college_share: float | None
    education: dict[str, int] = Field(description="Members by education code.")


class StructureOut(Schema):
    organization: Ref
    year: int
    new: StructureFiguresOut
    previous: StructureFiguresOut
    existing: StructureFiguresOut
    change: dict[str, str] = Field(description='Year-on-year change of the new members: "+20.4%", "" without a base.')


def _structure_figures(figures: dict) -> dict:
    codes = dict((str(label), code) for code, label in Education.choices)
    return {**{key: figures[key] for key in ("total", "young", "women", "college", "young_share", "women_share",
                                             "college_share")},
            "education": {codes[str(label)]: n for label, n in figures["education"]}}


@router.get("/structure", response=StructureOut)
@scoped(Organization)
def structure(request, under: int, year: Year | None = None):
    """New members of ``year`` (default: this year) under an organization against the existing ones, as on the
    structure page."""
    root = request.scoped.get(pk=under)
    figures = selectors.structure(request.auth, root, year or datetime.date.today().year)
    return {"organization": ref(root), "year": figures["year"], "change": figures["change"],
            **{key: _structure_figures(figures[key]) for key in ("new", "previous", "existing")}}

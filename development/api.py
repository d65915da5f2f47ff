"""Development cases and warnings in the REST API, scoped: outside the caller's subtree, 404."""
import datetime

from ninja import Router, Schema

from core.api import Ref, get_scoped, ref, scoped
from orgs.models import Organization
from workflows.models import Case

from . import selectors

router = Router(tags=["development"])


class DevelopmentCaseOut(Schema):
    id: int
    person: Ref | None
    organization: Ref
    stage: str
    status: str
    stage_entered_on: datetime.date
    data: dict


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


@router.get("/cases", response=list[DevelopmentCaseOut])
@scoped(Case)
def case_list(request, under: int | None = None, stage: str | None = None, status: str | None = "open"):
    root = get_scoped(Organization.objects, request.auth, pk=under) if under else None
    return [case_data(c) for c in selectors.cases(request.auth, under=root, stage=stage, status=status)[:500]]


@router.get("/cases/{int:case_id}", response=DevelopmentCaseOut)
@scoped(Case)
def case_detail(request, case_id: int):
    return case_data(get_scoped(selectors.cases(request.auth, status=None), request.auth, pk=case_id))


@router.get("/warnings", response=list[WarningOut])
@scoped(Organization)
def warning_list(request, under: int):
    root = get_scoped(Organization.objects, request.auth, pk=under)
    return [{**w, "label": str(w["label"]), "detail": str(w["detail"]), "organization": ref(w["organization"]),
             "evidence": [url for _text, url in w["evidence"] if url]} for w in selectors.warnings(request.auth, root)]

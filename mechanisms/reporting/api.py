"""Reports, inspections, findings, supervision notices and two-way report evaluations over the API.

Reports and their review are duties submissions (also in the engine's API); the routes here write them
through mechanisms.reporting.services. Reads go through ``restrict``; outside the scope: 404.
"""
import datetime

from ninja import Query, Router, Schema, Status

from engines.duties.models import Submission
from kernel.core.api import In, Page, PageParams, Ref, Year, choice, get_scoped, paginate, ref, run_service, scoped
from kernel.core.pdf import pdf_file_responses, pdf_response, render_official
from kernel.core.scope import CHANGE
from kernel.orgs.models import Organization
from kernel.people.models import Person

from . import selectors, services
from .documents import notice_document, notice_filename
from .library import REPORT_RULES
from .models import Finding, FindingCategory, Inspection, NoticeStatus, SupervisionNotice, TwoWayEvaluation

router = Router(tags=["reporting"])


class ReportIn(In):
    rule: choice([(code, code) for code in REPORT_RULES])
    organization: int
    period_start: datetime.date
    title: str
    body: str = ""


class ReviewIn(In):
    accept: bool
    note: str = ""


class ReportSubmissionOut(Schema):
    id: int
    rule: str
    obligation: int | None
    period_label: str | None
    title: str
    submitted_on: datetime.date
    review: str
    review_note: str


class FindingOut(Schema):
    id: int
    organization: Ref
    category: choice(FindingCategory)
    text: str
    notice: int | None


class InspectionOut(Schema):
    id: int
    organization: Ref
    year: int
    quarter: int
    inspected_on: datetime.date
    team: str
    note: str


class InspectionDetailOut(InspectionOut):
    findings: list[FindingOut]


class InspectionIn(In):
    organization: int
    year: Year
    quarter: int
    inspected_on: datetime.date
    team: str = ""
    note: str = ""


class FindingIn(In):
    organization: int
    category: choice(FindingCategory) = FindingCategory.OTHER
    text: str


class NoticeIn(In):
    deadline: datetime.date
    number: str = ""
    requirement: str = ""
    issued_on: datetime.date | None = None


class SupervisionNoticeOut(Schema):
    id: int
    number: str
    issuer: Ref
    organization: Ref
    finding: int
    issued_on: datetime.date
    deadline: datetime.date
    requirement: str
    status: choice(NoticeStatus)
    overdue: bool
    obligation: int | None
    closed_on: datetime.date | None
    closure_note: str


class RectificationIn(In):
    text: str


class NoteIn(In):
    note: str = ""


class EvaluationIn(In):
    person: int
    period_label: str
    evaluated_by: int
    opinion: str = ""


class EvaluationOut(Schema):
    id: int
    person: Ref
    period_label: str
    evaluated_by: Ref
    evaluated_on: datetime.date
    total: float | None
    grade: str
    opinion: str
    sheet: int | None
    submission: int | None


def submission_data(submission: Submission) -> dict:
    return {"id": submission.pk, "rule": submission.rule.code, "obligation": submission.obligation_id,
            "period_label": submission.obligation.period_label if submission.obligation else None,
            "title": submission.title, "submitted_on": submission.submitted_on, "review": submission.review,
            "review_note": submission.review_note}


def inspection_data(inspection: Inspection) -> dict:
    return {"id": inspection.pk, "organization": ref(inspection.organization), "year": inspection.year,
            "quarter": inspection.quarter, "inspected_on": inspection.inspected_on, "team": inspection.team,
            "note": inspection.note}


def finding_data(finding: Finding) -> dict:
    notice = SupervisionNotice.objects.filter(finding=finding).values_list("pk", flat=True).first()
    return {"id": finding.pk, "organization": ref(finding.organization), "category": finding.category,
            "text": finding.text, "notice": notice}


def notice_data(notice: SupervisionNotice) -> dict:
    from engines.duties import clock

    return {"id": notice.pk, "number": notice.number, "issuer": ref(notice.issuer),
            "organization": ref(notice.organization), "finding": notice.finding_id, "issued_on": notice.issued_on,
            "deadline": notice.deadline, "requirement": notice.requirement, "status": notice.status,
            "overdue": notice.status != NoticeStatus.CLOSED and notice.deadline < clock.today(),
            "obligation": notice.obligation_id, "closed_on": notice.closed_on, "closure_note": notice.closure_note}


def evaluation_data(evaluation: TwoWayEvaluation) -> dict:
    return {"id": evaluation.pk, "person": ref(evaluation.person), "period_label": evaluation.period_label,
            "evaluated_by": ref(evaluation.evaluated_by), "evaluated_on": evaluation.evaluated_on,
            "total": float(evaluation.total) if evaluation.total is not None else None, "grade": evaluation.grade,
            "opinion": evaluation.opinion, "sheet": evaluation.sheet_id, "submission": evaluation.submission_id}


def _org(request, pk, action="view") -> Organization:
    return get_scoped(Organization.objects, request.auth, action, pk=pk)


# --- reports ----------------------------------------------------------------------------------------------------

@router.post("/reports", response={201: ReportSubmissionOut})
@scoped(Submission)
def report_create(request, payload: ReportIn):
    submission = run_service(request, services.report_submit, rule_code=payload.rule,
                             organization=_org(request, payload.organization, CHANGE),
                             period_start=payload.period_start, title=payload.title, body=payload.body)
    return Status(201, submission_data(submission))


@router.post("/reports/{int:submission_id}/review", response=ReportSubmissionOut)
@scoped(Submission)
def report_review(request, submission_id: int, payload: ReviewIn):
    submission = get_scoped(Submission.objects.filter(rule__code__in=REPORT_RULES).select_related("rule", "obligation"),
                            request.auth, pk=submission_id)
    reviewed = run_service(request, services.report_review, submission=submission, accept=payload.accept,
                           note=payload.note)
    return submission_data(reviewed)


# --- inspections ------------------------------------------------------------------------------------------------

@router.get("/inspections", response=Page[InspectionOut])
@scoped(Inspection)
def inspection_list(request, page: Query[PageParams], year: Year | None = None):
    rows = selectors.inspections(request.auth)
    if year:
        rows = rows.filter(year=year)
    return paginate(rows, page, lambda items: [inspection_data(i) for i in items])


@router.post("/inspections", response={201: InspectionOut})
@scoped(Inspection)
def inspection_create(request, payload: InspectionIn):
    inspection = run_service(request, services.inspection_create,
                             organization=_org(request, payload.organization, CHANGE), year=payload.year,
                             quarter=payload.quarter, inspected_on=payload.inspected_on, team=payload.team,
                             note=payload.note)
    return Status(201, inspection_data(inspection))


def _inspection(request, inspection_id, action="view") -> Inspection:
    return get_scoped(Inspection.objects.select_related("organization"), request.auth, action, pk=inspection_id)


@router.get("/inspections/{int:inspection_id}", response=InspectionDetailOut)
@scoped(Inspection)
def inspection_detail(request, inspection_id: int):
    inspection = _inspection(request, inspection_id)
    return {**inspection_data(inspection),
            "findings": [finding_data(f) for f in selectors.inspection_detail(request.auth, inspection)]}


@router.post("/inspections/{int:inspection_id}/findings", response={201: FindingOut})
@scoped(Finding)
def finding_create(request, inspection_id: int, payload: FindingIn):
    finding = run_service(request, services.finding_add, inspection=_inspection(request, inspection_id, CHANGE),
                          organization=_org(request, payload.organization), category=payload.category,
                          text=payload.text)
    return Status(201, finding_data(finding))


@router.post("/findings/{int:finding_id}/notice", response={201: SupervisionNoticeOut})
@scoped(Finding)
def notice_create(request, finding_id: int, payload: NoticeIn):
    finding = get_scoped(Finding.objects.select_related("inspection"), request.auth, pk=finding_id)
    notice = run_service(request, services.notice_issue, finding=finding, deadline=payload.deadline,
                         number=payload.number, requirement=payload.requirement, issued_on=payload.issued_on)
    return Status(201, notice_data(notice))


# --- notices ----------------------------------------------------------------------------------------------------

@router.get("/notices", response=Page[SupervisionNoticeOut])
@scoped(SupervisionNotice)
def notice_list(request, page: Query[PageParams], status: choice([*NoticeStatus.choices, ("overdue", "overdue")]) |
                None = None, under: int | None = None):
    rows = selectors.notices(request.auth, status=status, under=_org(request, under) if under else None)
    return paginate(rows, page, lambda items: [notice_data(n) for n in items])


def _notice(request, notice_id) -> SupervisionNotice:
    return get_scoped(SupervisionNotice.objects.select_related("issuer", "organization"), request.auth, pk=notice_id)


@router.get("/notices/{int:notice_id}", response=SupervisionNoticeOut)
@scoped(SupervisionNotice)
def notice_detail(request, notice_id: int):
    return notice_data(_notice(request, notice_id))


@router.get("/notices/{int:notice_id}/pdf", response={200: str},
            openapi_extra=pdf_file_responses("The supervision notice as an official document (PDF)."))
@scoped(SupervisionNotice)
def notice_pdf(request, notice_id: int):
    """The supervision notice (督查通知) as an official document (GB/T 9704): 文号, finding, what to rectify, deadline."""
    notice = _notice(request, notice_id)
    return pdf_response(render_official("reporting/notice_pdf.html", notice_document(notice), request),
                        notice_filename(notice), attachment=True)


@router.post("/notices/{int:notice_id}/rectification", response=SupervisionNoticeOut)
@scoped(SupervisionNotice)
def notice_rectify(request, notice_id: int, payload: RectificationIn):
    notice = _notice(request, notice_id)
    run_service(request, services.rectification_submit, notice=notice, text=payload.text)
    return notice_data(_notice(request, notice_id))


@router.post("/notices/{int:notice_id}/close", response=SupervisionNoticeOut)
@scoped(SupervisionNotice)
def notice_close(request, notice_id: int, payload: NoteIn):
    return notice_data(run_service(request, services.notice_close, notice=_notice(request, notice_id),
                                   note=payload.note))


@router.post("/notices/{int:notice_id}/reopen", response=SupervisionNoticeOut)
@scoped(SupervisionNotice)
def notice_reopen(request, notice_id: int, payload: NoteIn):
    return notice_data(run_service(request, services.notice_reopen, notice=_notice(request, notice_id),
                                   note=payload.note))


# --- two-way reports --------------------------------------------------------------------------------------------

@router.get("/evaluations", response=Page[EvaluationOut])
@scoped(TwoWayEvaluation)
def evaluation_list(request, page: Query[PageParams], period_label: str | None = None):
    rows = TwoWayEvaluation.objects.restrict(request.auth).select_related("person", "evaluated_by")
    if period_label:
        rows = rows.filter(period_label=period_label)
    return paginate(rows.order_by("-period_label", "org_path", "pk"), page,
                    lambda items: [evaluation_data(e) for e in items])


@router.post("/evaluations", response={201: EvaluationOut})
@scoped(TwoWayEvaluation)
def evaluation_create(request, payload: EvaluationIn):
    person = get_scoped(Person.objects, request.auth, pk=payload.person)
    evaluation = run_service(request, services.two_way_evaluate, person=person, period_label=payload.period_label,
                             evaluated_by=_org(request, payload.evaluated_by, CHANGE), opinion=payload.opinion)
    return Status(201, evaluation_data(evaluation))

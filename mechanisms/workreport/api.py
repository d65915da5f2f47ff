"""Work reports in the REST API: the reports in the caller's scope, one report with its text and figure links,
drafting one from the data, editing it, drafting again (409 with both texts when hand-made changes would be lost)
and marking it final or reopening it. Reads through ``restrict``; writes through the services, which check the
caller's scope again. Outside the scope: 404."""
from ninja import Field, Query, Router, Schema, Status

from kernel.core.api import In, NeedsConfirmationOut, Page, PageParams, get_scoped, paginate, run_service, scoped
from kernel.core.scope import CHANGE
from kernel.orgs.models import Organization

from . import services, text
from .models import WorkReport

router = Router(tags=["workreport"])


class WorkReportLinkOut(Schema):
    label: str
    url: str


class WorkReportOut(Schema):
    id: int
    organization: int
    organization_name: str
    year: int
    title: str
    status: str
    body: str
    drafted_at: str | None
    updated_at: str
    links: list[WorkReportLinkOut]


class WorkReportDraftIn(In):
    organization: int
    year: int = Field(..., ge=services.FIRST_YEAR, le=services.LAST_YEAR)


class WorkReportEditIn(In):
    title: str = ""
    body: str = ""


class WorkReportRedraftIn(In):
    confirm: bool = False


class WorkReportStatusIn(In):
    status: str = Field("", description="draft | final")


class WorkReportRedraftPreviewOut(NeedsConfirmationOut):
    current: str
    draft: str


def report_data(report: WorkReport) -> dict:
    return {"id": report.pk, "organization": report.organization_id, "organization_name": report.organization.name,
            "year": report.year, "title": report.title, "status": report.status, "body": report.body,
            "drafted_at": report.drafted_at.isoformat() if report.drafted_at else None,
            "updated_at": report.updated_at.isoformat(),
            "links": [{"label": label, "url": url} for label, url in text.links(report.body)]}


def _report(request, report_id: int, action: str = "view") -> WorkReport:
    return get_scoped(WorkReport.objects.select_related("organization"), request.auth, action, pk=report_id)


@router.get("/reports", response=Page[WorkReportOut])
@scoped(WorkReport)
def reports_list(request, page: Query[PageParams], year: int | None = None):
    rows = WorkReport.objects.restrict(request.auth).select_related("organization")
    if year is not None:
        rows = rows.filter(year=year)
    return paginate(rows, page, lambda found: [report_data(report) for report in found])


@router.get("/reports/{report_id}", response=WorkReportOut)
@scoped(WorkReport)
def report_get(request, report_id: int):
    return report_data(_report(request, report_id))


@router.post("/reports", response={201: WorkReportOut})
@scoped(WorkReport, CHANGE)
def report_draft(request, payload: WorkReportDraftIn):
    """Drafts the organization's report for the year from the data (409-free: refused if it has one)."""
    organization = get_scoped(Organization.objects, request.auth, CHANGE, pk=payload.organization)
    report = run_service(request, services.report_draft, organization=organization, year=payload.year)
    return Status(201, report_data(report))


@router.put("/reports/{report_id}", response=WorkReportOut)
@scoped(WorkReport, CHANGE)
def report_edit(request, report_id: int, payload: WorkReportEditIn):
    report = _report(request, report_id, CHANGE)
    return report_data(run_service(request, services.report_edit, report=report, title=payload.title,
                                   body=payload.body))


@router.post("/reports/{report_id}/redraft", response={200: WorkReportOut, 409: WorkReportRedraftPreviewOut})
@scoped(WorkReport, CHANGE)
def report_redraft(request, report_id: int, payload: WorkReportRedraftIn):
    """Drafts the text again from today's data; 409 with both texts unless ``confirm`` when they differ."""
    report = _report(request, report_id, CHANGE)
    try:
        report = run_service(request, services.report_redraft, report=report, confirm=payload.confirm)
    except services.NeedsConfirmation as exc:
        return Status(409, {"code": "confirmation_required", "message": exc.messages[0], **exc.details})
    return report_data(report)


@router.post("/reports/{report_id}/status", response=WorkReportOut)
@scoped(WorkReport, CHANGE)
def report_status(request, report_id: int, payload: WorkReportStatusIn):
    report = _report(request, report_id, CHANGE)
    return report_data(run_service(request, services.report_status_set, report=report, status=payload.status))

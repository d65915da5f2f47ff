"""Many scores at once over the API: score workbooks (评分表) down and up, and a JSON batch of scores.

The assessment is looked up like every other assessment operation (engines.standards.api.get_assessment: outside the
scope, 404); which sheets the caller may score is the engine's decision (engines.standards.workbooks.scorable_sheets).
A workbook or batch with any bad entry answers 422 with every error located, and writes nothing.
"""
from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from kernel.core.api import ErrorOut, In, error_body, run_service, scoped

from . import services, workbooks
from .api import get_assessment, get_org
from .models import RaterGroup, Sheet

router = Router(tags=["assessments"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

MAX_ENTRIES = 200_000


class WorkbookResultOut(Schema):
    dry_run: bool
    sheets: int = Field(..., description="Rows of subjects in the workbook.")
    sheets_changed: int
    sheets_unchanged: int
    added: int
    changed: int
    cleared: int = Field(..., description="Scores whose cell was emptied: removed.")
    unchanged: int
    written: int = Field(..., description="Scores written (0 for a dry run).")


class BulkScoreIn(In):
    sheet: int = Field(..., description="The score sheet's id.")
    item: str = Field(..., description="The item's code, e.g. B03.")
    points: float | None = None
    passed: bool | None = None
    count: int | None = None
    reason: str | None = Field(None, max_length=500,
                               description="Why a counted item (one a data source fills) differs from the count.")


class BulkScoresIn(In):
    rater: str = Field(..., description="The rater group's code.")
    scores: list[BulkScoreIn] = Field(..., max_length=MAX_ENTRIES)


class WrittenOut(Schema):
    written: int


def _rater(assessment, code: str | None) -> RaterGroup:
    """The rater group ``code`` names; without one, the first whose scores are open (as the sheet page does)."""
    groups = RaterGroup.objects.filter(version_id=assessment.version_id).order_by("order", "pk")
    if code is None:
        rater = groups.exclude(code__in=assessment.locked_groups or []).first() or groups.first()
    else:
        rater = groups.filter(code=code).first()
    if rater is None:
        raise Http404
    return rater


def workbook_filename(assessment, rater) -> str:
    return f"评分表-{assessment.name}-{rater.name}.xlsx"


@router.get("/{int:assessment_id}/workbook", response={200: str},
            openapi_extra={"responses": {200: {"description": "The score workbook.",
                                               "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}}})
@scoped(Sheet)
def workbook_download(request, assessment_id: int, rater: str | None = None, under: int | None = None):
    """The score workbook (评分表) of ``rater`` (a rater group's code; default: the first open one): a row per
    sheet the caller may score (under ``under``, an organization's id), a column per item, existing scores
    filled in."""
    assessment = get_assessment(request, assessment_id)
    group = _rater(assessment, rater)
    root = get_org(request, under) if under else None
    data = workbooks.build_workbook(user=request.auth, assessment=assessment, rater=group, under=root)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, workbook_filename(assessment, group))
    return response


def _counts(plan, *, dry_run: bool, written: int = 0) -> dict:
    counts = plan.counts
    return {"dry_run": dry_run, "written": written, **{key: counts[key] for key in (
        "sheets", "sheets_changed", "sheets_unchanged", "added", "changed", "cleared", "unchanged")}}


def workbook_errors(plan) -> list[dict]:
    return [{"loc": ["file", error.row, error.column] if error.row else ["file"], "code": error.code,
             "message": error.text()} for error in plan.errors]


@router.post("/{int:assessment_id}/workbook", response={200: WorkbookResultOut, 422: ErrorOut})
@scoped(Sheet)
def workbook_upload(request, assessment_id: int, rater: str, file: File[UploadedFile], dry_run: bool = False):
    """Reads a filled-in score workbook back: every cell is checked; with any error, 422 lists them all (``loc``:
    ["file", row, column]) and nothing is written. ``dry_run=true`` answers what it would change."""
    assessment = get_assessment(request, assessment_id)
    group = _rater(assessment, rater)
    data = file.read(settings.UPLOAD_MAX_BYTES + 1)
    if len(data) > settings.UPLOAD_MAX_BYTES:
        return Status(422, error_body(422, [{"loc": ["file"], "code": "too_large",
                                              "message": _("The file is too large.")}]))
    if dry_run:
        plan = workbooks.read_workbook(data, user=request.auth, assessment=assessment, rater=group)
    else:
        plan = run_service(request, workbooks.workbook_apply, assessment=assessment, rater=group, data=data)
    if not plan.ok:
        return Status(422, error_body(422, workbook_errors(plan)))
    return _counts(plan, dry_run=dry_run, written=0 if dry_run else len(plan.rows) + len(plan.cleared))


@router.put("/{int:assessment_id}/scores", response={200: WrittenOut, 422: ErrorOut})
@scoped(Sheet)
def scores_put(request, assessment_id: int, payload: BulkScoresIn):
    """Many sheets' scores of one rater group in one request, all or nothing: with any bad entry, 422 lists each
    (``loc``: ["body", "scores", index, field]) and nothing is written."""
    assessment = get_assessment(request, assessment_id)
    group = _rater(assessment, payload.rater)
    entries = [entry.model_dump() for entry in payload.scores]
    rows, errors = workbooks.entries_plan(user=request.auth, assessment=assessment, rater=group, entries=entries)
    if errors:
        return Status(422, error_body(422, [{"loc": ["body", "scores", index, name], "code": code, "message": message}
                                            for index, name, code, message in errors]))
    written = run_service(request, services.scores_bulk_set, assessment=assessment, rater=group,
                          rows=workbooks.service_rows(rows)) if rows else 0
    return {"written": written}

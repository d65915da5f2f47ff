"""Jobs over the API: the caller's own jobs, their state, counts, row errors, progress and result file."""
import datetime

from django.http import FileResponse, Http404
from ninja import Query, Router, Schema, Status

from kernel.core.api import Page, PageParams, choice, paginate, scope_exempt

from .models import JobState
from .registry import kind_label
from .selectors import job_for, jobs_for

router = Router(tags=["jobs"])

OWNER_ONLY = "a job is visible only to the user who started it (and superusers); others get 404"


class ProgressOut(Schema):
    done: int
    total: int
    percent: int
    phase: str


class RowErrorOut(Schema):
    row: int | None = None
    column: str | None = None
    code: str = ""
    message: str = ""


class JobOut(Schema):
    id: int
    kind: str
    label: str
    state: choice(JobState)
    progress: ProgressOut
    counts: dict[str, int]
    errors: list[RowErrorOut]
    message: str
    result_url: str | None
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None


def job_out(request, job) -> dict:
    result_url = None
    if job.result_file and job.is_finished:
        result_url = request.build_absolute_uri(f"/api/jobs/{job.pk}/result")
    return {
        "id": job.pk, "kind": job.kind, "label": kind_label(job.kind), "state": job.state,
        "progress": {"done": job.progress_done, "total": job.progress_total, "percent": job.percent,
                     "phase": job.phase},
        "counts": {name: value for name, value in (job.counts or {}).items() if isinstance(value, int)},
        "errors": [_row_error(error) for error in job.errors or []],
        "message": job.message, "result_url": result_url, "created_at": job.created_at,
        "started_at": job.started_at, "finished_at": job.finished_at,
    }


def _row_error(error: dict) -> dict:
    row = error.get("row")
    column = error.get("column")
    return {"row": row if isinstance(row, int) else None, "column": None if column in (None, "") else str(column),
            "code": str(error.get("code", "")), "message": str(error.get("message", ""))}


@router.get("", response=Page[JobOut])
@scope_exempt(OWNER_ONLY)
def list_jobs(request, page: Query[PageParams]):
    return paginate(jobs_for(request.auth), page, lambda jobs: [job_out(request, job) for job in jobs])


@router.get("/{job_id}", response=JobOut)
@scope_exempt(OWNER_ONLY)
def get_job(request, job_id: int):
    return job_out(request, job_for(request.auth, job_id))


@router.post("/{job_id}/retry", response={202: JobOut})
@scope_exempt(OWNER_ONLY)
def retry_job(request, job_id: int):
    """Starts a failed job again (same kind, parameters and input) as a new job; 422 unless it failed."""
    from .services import job_retry

    again = job_retry(job_for(request.auth, job_id), user=request.auth)
    again.refresh_from_db()
    return Status(202, job_out(request, again))


@router.get("/{job_id}/result", response={200: None}, openapi_extra={"responses": {200: {
    "description": "The job's result file (an export, or an import's error workbook), as an attachment.",
    "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}})
@scope_exempt(OWNER_ONLY)
def job_result(request, job_id: int):
    """The result file of a finished job (``result_url``); 404 when it has none."""
    job = job_for(request.auth, job_id)
    if not job.result_file or not job.is_finished:
        raise Http404
    return FileResponse(job.result_file.open("rb"), as_attachment=True, filename=job.result_name)

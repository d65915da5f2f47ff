"""Entry points of the importers, shared by the pages, the API, the commands and the jobs."""
import io

from django.utils import timezone

from kernel.core.localcopy import local_copy

from .common import Plan, no_progress
from .members import import_members
from .models import Upload
from .orgs import import_orgs
from .workbooks import error_workbook

IMPORTERS = {"members": import_members, "orgs": import_orgs}
JOB_KINDS = {"members": "import_members", "orgs": "import_orgs"}
FILE_REFUSALS = ("too_large", "unreadable")  # error codes that refuse the file as a whole


def run_import(kind: str, file, name: str = "", *, user, dry_run: bool = False, progress=no_progress) -> Plan:
    """Checks every row of ``file`` and writes them all (unless ``dry_run``) or nothing. ``user=None`` is the system."""
    file.seek(0)
    return IMPORTERS[kind](file, name, user=user, dry_run=dry_run, progress=progress)


def errors_file(file, name: str, plan_or_errors) -> bytes:
    """The user's rows with the errors marked; when the file itself was refused (too large or unreadable), only
    the errors: it is not read again."""
    errors = plan_or_errors.error_dicts() if isinstance(plan_or_errors, Plan) else plan_or_errors
    if any(error.get("code") in FILE_REFUSALS for error in errors):
        return error_workbook(io.BytesIO(b""), "errors.csv", errors)
    file.seek(0)
    return error_workbook(file, name, errors)


def upload_create(*, user, kind: str, uploaded) -> Upload:
    """Keeps the upload (streamed to the storage in chunks, never read whole); its check for the preview runs
    after, as a job (``check``)."""
    upload = Upload(user=user, kind=kind, name=uploaded.name[:200])
    upload.file.save(uploaded.name, uploaded, save=False)
    upload.save()
    return upload


def upload_check(upload: Upload, *, user) -> Upload:
    """The preview of an upload: a dry run, nothing written to the registries."""
    with local_copy(upload.file, name=upload.name) as file:
        plan = run_import(upload.kind, file, upload.name, user=user, dry_run=True)
    upload.summary = plan.summary()
    upload.save(update_fields=["summary"])
    return upload


def upload_apply(upload: Upload, *, user, progress=no_progress) -> Plan:
    """Checks the stored file again against the registry as it is now, and writes it if it is still all right."""
    with local_copy(upload.file, name=upload.name) as file:
        plan = run_import(upload.kind, file, upload.name, user=user, progress=progress)
    upload.summary = plan.summary()
    if plan.ok:
        upload.applied_at = timezone.now()
    upload.save(update_fields=["summary", "applied_at"])
    return plan

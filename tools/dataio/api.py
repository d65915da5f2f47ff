"""Imports over the API: POST an xlsx or CSV file, get back the job that checks and writes it."""
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import File, Router, Status
from ninja.files import UploadedFile

from kernel.core.api import scope_exempt
from kernel.jobs.api import JobOut, job_out

from . import jobs

router = Router(tags=["imports"])

IMPORT_EXEMPT = "the job checks every row against the caller's scope; the answer is the caller's own job"


def _submit(request, kind: str, file: UploadedFile):
    if not file.name.lower().endswith((".xlsx", ".xlsm", ".csv")):
        raise ValidationError({"file": [_("Choose an xlsx workbook or a CSV file.")]})
    job = jobs.submit(user=request.auth, kind=kind, input_file=file, name=file.name, language=get_language())
    job.refresh_from_db()
    return Status(202, job_out(request, job))


@router.post("/members", response={202: JobOut})
@scope_exempt(IMPORT_EXEMPT)
def import_members(request, file: File[UploadedFile]):
    return _submit(request, "members", file)


@router.post("/orgs", response={202: JobOut})
@scope_exempt(IMPORT_EXEMPT)
def import_orgs(request, file: File[UploadedFile]):
    return _submit(request, "orgs", file)

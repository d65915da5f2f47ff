"""The import job kinds "import_members" and "import_orgs": check every row, then write all or nothing."""
from pathlib import Path

from django.apps import apps
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from .services import JOB_KINDS, errors_file, run_import


def jobs_installed() -> bool:
    return apps.is_installed("kernel.jobs")


def _handler(kind: str):
    def handle(job, progress):
        from kernel.jobs.registry import JobFailed

        name = job.params.get("name") or Path(job.input_file.name).name
        with job.input_file.open("rb") as file:
            plan = run_import(kind, file, name, user=job.user, dry_run=bool(job.params.get("dry_run")),
                              progress=progress)
            job.counts = {**plan.counts, "total": plan.total, "errors": len(plan.errors)}
            if not plan.ok:
                stem = Path(name).stem
                job.result_file.save(f"{stem}-errors.xlsx", ContentFile(errors_file(file, name, plan)), save=False)
                raise JobFailed(_("Nothing was imported: %(n)d rows have errors.") % {
                    "n": len({e.row for e in plan.errors})}, errors=plan.error_dicts())
        job.message = _("%(created)d created, %(updated)d updated, %(unchanged)d unchanged.") % plan.counts
        upload_pk = job.params.get("upload")
        if upload_pk:
            from .models import Upload

            Upload.objects.filter(pk=upload_pk, user=job.user).update(
                applied_at=timezone.now(), summary=plan.summary())

    return handle


if jobs_installed():
    from django.utils.translation import gettext_lazy

    from kernel.jobs.registry import job_kind

    job_kind("import_members", label=gettext_lazy("Member import"))(_handler("members"))
    job_kind("import_orgs", label=gettext_lazy("Organization import"))(_handler("orgs"))


def submit(*, user, kind: str, input_file, name: str, language: str | None = None, **params):
    from kernel.jobs.services import job_submit

    return job_submit(user=user, kind=JOB_KINDS[kind], params={"name": name, **params}, input_file=input_file,
                      language=language)


def submit_upload(upload, *, user, language: str):
    """Starts the job that applies a previewed upload; None when there is no jobs app (then apply inline)."""
    if not jobs_installed():
        return None
    job = submit(user=user, kind=upload.kind, input_file=upload.file.path, name=upload.name, language=language,
                 upload=upload.pk)
    type(upload).objects.filter(pk=upload.pk).update(job_id=job.pk)
    return job

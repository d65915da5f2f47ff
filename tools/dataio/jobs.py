"""The import job kinds "import_members" and "import_orgs": check every row, then write all or nothing."""
from pathlib import Path

from django.apps import apps
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.core.localcopy import local_copy

from .services import JOB_KINDS, errors_file, run_import


def jobs_installed() -> bool:
    return apps.is_installed("kernel.jobs")


def _handler(kind: str):
    def handle(job, progress):
        from kernel.jobs.registry import JobFailed

        from .models import Upload

        name = job.params.get("name") or Path(job.input_file.name).name
        dry_run = bool(job.params.get("dry_run"))
        upload_pk = job.params.get("upload")
        with local_copy(job.input_file, name=name) as file:  # read from this worker's disk, not the store
            plan = run_import(kind, file, name, user=job.user, dry_run=dry_run, progress=progress)
            job.counts = {**plan.counts, "total": plan.total, "errors": len(plan.errors)}
            if not plan.ok:
                stem = Path(name).stem
                job.result_file.save(f"{stem}-errors.xlsx", ContentFile(errors_file(file, name, plan)), save=False)
        rows_wrong = len({e.row for e in plan.errors})
        if upload_pk:
            done = {"applied_at": timezone.now()} if plan.ok and not dry_run else {}
            Upload.objects.filter(pk=upload_pk, user=job.user).update(summary=plan.summary(), **done)
        if dry_run:  # a check: its outcome is the preview, errors included
            job.message = (_("%(n)d rows have errors.") % {"n": rows_wrong} if not plan.ok else
                           _("Checked: %(created)d to create, %(updated)d to update, %(unchanged)d unchanged.")
                           % plan.counts)
            return
        if not plan.ok:
            raise JobFailed(_("Nothing was imported: %(n)d rows have errors.") % {"n": rows_wrong},
                            errors=plan.error_dicts())
        job.message = _("%(created)d created, %(updated)d updated, %(unchanged)d unchanged.") % plan.counts

    return handle


if jobs_installed():
    from django.utils.translation import gettext_lazy

    from kernel.jobs.registry import job_kind

    # Not one transaction around the whole job: the importer checks the file first and writes it in a transaction
    # of its own (tools.dataio.common.checked_then_written), so SQLite's write lock is held only while writing.
    job_kind("import_members", label=gettext_lazy("Member import"), atomic=False)(_handler("members"))
    job_kind("import_orgs", label=gettext_lazy("Organization import"), atomic=False)(_handler("orgs"))

    def _follow_retry(old, new) -> None:
        """An upload follows the retry of its check or its import."""
        from .models import Upload

        upload_pk = new.params.get("upload")
        if upload_pk and new.kind in JOB_KINDS.values():
            Upload.objects.filter(pk=upload_pk, job_id=old.pk).update(job_id=new.pk)
            Upload.objects.filter(pk=upload_pk, check_job_id=old.pk).update(check_job_id=new.pk)

    from kernel.jobs.services import on_retry

    on_retry(_follow_retry)


def submit(*, user, kind: str, input_file, name: str, language: str | None = None, **params):
    from kernel.jobs.services import job_submit

    return job_submit(user=user, kind=JOB_KINDS[kind], params={"name": name, **params}, input_file=input_file,
                      language=language)


def submit_upload(upload, *, user, language: str, dry_run: bool = False):
    """Starts the job that checks (``dry_run``: the preview) or applies an upload; None when there is no jobs app
    (then the caller does it inline). The job reads the upload's own stored file through the storage."""
    if not jobs_installed():
        return None
    with upload.file.open("rb") as file:
        job = submit(user=user, kind=upload.kind, input_file=file, name=upload.name, language=language,
                     upload=upload.pk, dry_run=dry_run)
    field = "check_job_id" if dry_run else "job_id"
    type(upload).objects.filter(pk=upload.pk).update(**{field: job.pk})
    setattr(upload, field, job.pk)
    return job

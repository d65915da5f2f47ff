"""The export job kinds: big exports are written to a result file in the background."""
from django.core.files import File
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.jobs.registry import JobFailed, job_kind

from .services import log_unmasked, scratch_file, write_export
from .sheets import build_export


def run_export(kind: str, job, progress) -> None:
    try:
        export = build_export(kind, job.user, job.params.get("query") or {})
    except Http404:
        raise JobFailed(_("The organization to export is not in your scope.")) from None
    total = export.count()
    progress(0, total, _("Writing the workbook"))
    with scratch_file() as path:
        job.counts = write_export(export, path, progress=progress, total=total)
        with path.open("rb") as handle:  # through the storage API: the store may be shared, not this disk
            job.result_file.save(f"{job.pk}/{export.filename}", File(handle), save=False)
    log_unmasked(export, user=job.user, request_id=f"job-{job.pk}",
                 where=f"job {job.pk}: {job.params.get('path', '')}")


@job_kind("export_members", label=gettext_lazy("Export of party members"), atomic=False)
def export_members(job, progress):
    run_export("members", job, progress)


@job_kind("export_orgs", label=gettext_lazy("Export of organizations"), atomic=False)
def export_orgs(job, progress):
    run_export("orgs", job, progress)


@job_kind("export_posts", label=gettext_lazy("Export of posts"), atomic=False)
def export_posts(job, progress):
    run_export("posts", job, progress)

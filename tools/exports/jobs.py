"""The export job kinds: big exports are written to a result file in the background."""
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.jobs.registry import JobFailed, job_kind

from .services import log_unmasked, result_path, write_export
from .sheets import build_export


def run_export(kind: str, job, progress) -> None:
    try:
        export = build_export(kind, job.user, job.params.get("query") or {})
    except Http404:
        raise JobFailed(_("The organization to export is not in your scope.")) from None
    total = export.count()
    progress(0, total, _("Writing the workbook"))
    name, path = result_path(job, export.filename)
    try:
        job.counts = write_export(export, path, progress=progress, total=total)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    job.result_file.name = name
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

"""The import pages: templates, upload, preview, confirmation and the error workbook.

An upload belongs to its owner alone (another user gets 404). Its rows are checked against the
user's scope by the importer, at the preview and again when it is applied.
"""
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views import View

from . import services
from .models import Upload
from .workbooks import template

OWNER_ONLY = "an upload is its owner's own; the rows it names are checked against the scope by the importer"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE_NAMES = {"members": "党员信息导入模板.xlsx", "orgs": "党组织信息导入模板.xlsx"}



class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File (xlsx or csv)"))

    def clean_file(self):
        file = self.cleaned_data["file"]
        if not file.name.lower().endswith((".xlsx", ".xlsm", ".csv")):
            raise forms.ValidationError(_("Choose an xlsx workbook or a CSV file."))
        if file.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(_("The file is too large."))
        return file


def _kind(kind: str) -> str:
    if kind not in Upload.Kind.values:
        raise Http404
    return kind


def _own_upload(request, pk) -> Upload:
    return get_object_or_404(Upload, pk=pk, user=request.user)


def _attachment(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


class ImportHomeView(LoginRequiredMixin, View):
    scope_exempt = "lists only the user's own uploads"

    def get(self, request):
        uploads = Upload.objects.filter(user=request.user)[:10]
        return render(request, "dataio/home.html", {"form": UploadForm(), "uploads": uploads})


class TemplateDownloadView(LoginRequiredMixin, View):
    scope_exempt = "a blank template: no registry data"

    def get(self, request, kind):
        return _attachment(template(_kind(kind)), TEMPLATE_NAMES[kind])


class UploadView(LoginRequiredMixin, View):
    scope_exempt = OWNER_ONLY

    def post(self, request, kind):
        kind = _kind(kind)
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            uploads = Upload.objects.filter(user=request.user)[:10]
            return render(request, "dataio/home.html", {"form": form, "uploads": uploads, "failed_kind": kind},
                          status=400)
        upload = services.upload_create(user=request.user, kind=kind, uploaded=form.cleaned_data["file"])
        from .jobs import submit_upload

        if submit_upload(upload, user=request.user, language=get_language(), dry_run=True) is None:
            services.upload_check(upload, user=request.user)  # no jobs app: checked here
        return HttpResponseRedirect(reverse("dataio:preview", args=[upload.pk]))


class PreviewView(LoginRequiredMixin, View):
    scope_exempt = OWNER_ONLY

    def get(self, request, pk):
        upload = _own_upload(request, pk)
        summary = upload.summary or {}
        check = _check_job(request, upload) if upload.summary is None else None
        groups = [(action, label, (summary.get("samples") or {}).get(action, []),
                   (summary.get("counts") or {}).get(action, 0))
                  for action, label in (("created", _("To create")), ("updated", _("To update")),
                                        ("unchanged", _("Unchanged")))]
        return render(request, "dataio/preview.html", {
            "upload": upload, "summary": summary, "groups": groups,
            # the file refused as a whole (too large, unreadable) first, however many row errors came before
            "errors": sorted(summary.get("errors", []),
                             key=lambda e: e.get("code") not in (*services.FILE_REFUSALS, "too_many_errors"))[:500],
            "error_count": len(summary.get("errors", [])), "check": check,
        })


def _check_job(request, upload):
    """The job checking the upload for its preview, while there is no preview yet (None without one)."""
    if not upload.check_job_id:
        return None
    from kernel.jobs.selectors import job_for

    try:
        return job_for(request.user, upload.check_job_id)
    except Http404:
        return None


class ConfirmView(LoginRequiredMixin, View):
    scope_exempt = OWNER_ONLY

    def post(self, request, pk):
        upload = _own_upload(request, pk)
        if upload.summary is None or (upload.summary or {}).get("errors"):
            return HttpResponseRedirect(reverse("dataio:preview", args=[upload.pk]))  # not checked, or not right
        if upload.applied_at or upload.job_id:
            messages.info(request, _("This file has already been imported."))
            return HttpResponseRedirect(reverse("dataio:preview", args=[upload.pk]))
        from .jobs import submit_upload

        job = submit_upload(upload, user=request.user, language=get_language())
        if job is not None:
            return HttpResponseRedirect(reverse("jobs:detail", args=[job.pk]))
        plan = services.upload_apply(upload, user=request.user)
        if plan.ok:
            messages.success(request, _("Imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
                             % plan.counts)
        else:
            messages.error(request, _("Nothing was imported: the file has errors."))
        return HttpResponseRedirect(reverse("dataio:preview", args=[upload.pk]))


class ErrorWorkbookView(LoginRequiredMixin, View):
    scope_exempt = OWNER_ONLY

    def get(self, request, pk):
        upload = _own_upload(request, pk)
        errors = (upload.summary or {}).get("errors") or []
        if not errors:
            raise Http404
        check = _check_job(request, upload)
        if check is not None and check.result_file:  # written by the check, off the request
            return FileResponse(check.result_file.open("rb"), as_attachment=True, content_type=XLSX,
                                filename=_("%(name)s-errors.xlsx") % {"name": upload.name.rsplit(".", 1)[0]})
        with upload.file.open("rb") as file:
            data = services.errors_file(file, upload.name, errors)
        stem = upload.name.rsplit(".", 1)[0]
        return _attachment(data, _("%(name)s-errors.xlsx") % {"name": stem})

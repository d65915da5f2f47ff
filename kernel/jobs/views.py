"""The job pages: the user's jobs, one job with its progress (polled by HTMX while it runs), and its result file."""
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from .registry import kind_label
from .selectors import job_for, jobs_for

OWNER_ONLY = "a job is shown only to the user who started it (and superusers); others get 404"
ERRORS_SHOWN = 500
COUNT_LABELS = {
    "created": _("Created"), "updated": _("Updated"), "unchanged": _("Unchanged"), "rows": _("Rows"),
    "sheets": _("Sheets"), "unmasked": _("Rows shown unmasked"), "total": _("Rows in the file"),
    "errors": _("Errors"),
}


def count_rows(job) -> list[tuple]:
    return [(COUNT_LABELS.get(name, name), value) for name, value in (job.counts or {}).items()]


class JobListView(LoginRequiredMixin, View):
    scope_exempt = OWNER_ONLY

    def get(self, request):
        page = Paginator(jobs_for(request.user), 50).get_page(request.GET.get("page"))
        rows = [(job, kind_label(job.kind), count_rows(job)) for job in page]
        return render(request, "jobs/list.html", {"page": page, "rows": rows})


class JobDetailView(LoginRequiredMixin, View):
    scope_exempt = OWNER_ONLY

    def get(self, request, pk):
        job = job_for(request.user, pk)
        context = {"job": job, "label": kind_label(job.kind), "counts": count_rows(job), "errors": job.errors[:ERRORS_SHOWN],
                   "errors_hidden": max(len(job.errors) - ERRORS_SHOWN, 0)}
        template = "jobs/_status.html" if request.headers.get("HX-Request") else "jobs/detail.html"
        return render(request, template, context)


class JobDownloadView(LoginRequiredMixin, View):
    scope_exempt = OWNER_ONLY

    def get(self, request, pk):
        job = job_for(request.user, pk)
        if not job.result_file:
            raise Http404
        try:
            handle = job.result_file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(handle, as_attachment=True, filename=job.result_name)


class JobRetryView(LoginRequiredMixin, View):
    scope_exempt = OWNER_ONLY

    def post(self, request, pk):
        from .services import job_retry

        job = job_for(request.user, pk)
        try:
            again = job_retry(job, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(reverse("jobs:detail", args=[job.pk]))
        return HttpResponseRedirect(reverse("jobs:detail", args=[again.pk]))

"""Export pages: /exports/<kind>/ with the list page's own GET parameters.

Up to EXPORT_DIRECT_MAX_ROWS rows the workbook streams straight to the browser. A bigger export asks
first (GET shows the count) and then runs as a job (POST), whose page shows its progress and result.
"""
from django.conf import settings
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views import View

from kernel.core.views import ScopedMixin
from kernel.jobs.services import job_submit
from kernel.orgs.models import Organization
from kernel.people.models import Member, Post

from .services import XLSX_CONTENT_TYPE, stream_export
from .sheets import build_export


class ExportView(ScopedMixin, View):
    kind = ""

    def get(self, request):
        export = build_export(self.kind, request.user, request.GET)
        limit = settings.EXPORT_DIRECT_MAX_ROWS
        if export.count(cap=limit) <= limit:
            return self.download(request, export)
        return render(request, "exports/confirm.html", {"export": export, "limit": limit,
                                                        "query": request.GET.urlencode()})

    def post(self, request):
        export = build_export(self.kind, request.user, request.GET)
        limit = settings.EXPORT_DIRECT_MAX_ROWS
        if export.count(cap=limit) <= limit:
            return self.download(request, export)
        job = job_submit(user=request.user, kind=f"export_{self.kind}",
                         params={"query": dict(request.GET.lists()), "path": request.get_full_path()})
        return HttpResponseRedirect(reverse("jobs:detail", args=[job.pk]))

    def download(self, request, export):
        stream = stream_export(export, user=request.user, request_id=getattr(request, "request_id", ""),
                               where=request.get_full_path())
        response = StreamingHttpResponse(stream, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, export.filename)
        response["Cache-Control"] = "no-store"
        return response


class MemberExportView(ExportView):
    queryset = Member.objects.all()
    kind = "members"


class OrgExportView(ExportView):
    queryset = Organization.objects.all()
    kind = "orgs"


class PostExportView(ExportView):
    queryset = Post.objects.all()
    kind = "posts"

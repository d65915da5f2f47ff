"""The work report pages: the reports of the user's organizations with the form to draft one, a report with its
figures linked to their pages, its editing, drafting again (a preview when hand-made changes would be lost), final
or reopened, and the PDF in the layout of an official document."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from kernel.core.pdf import pdf_response, render_pdf
from kernel.core.scope import CHANGE
from kernel.core.services import NeedsConfirmation
from kernel.core.views import ScopedMixin, error_messages
from kernel.orgs.models import Organization, OrgStatus
from kernel.people.forms import apply_service_errors

from . import services, text
from .forms import DraftForm, EditForm
from .models import WorkReport


def _draftable(user):
    return (Organization.objects.restrict(user, CHANGE).filter(status=OrgStatus.ACTIVE)
            .exclude(org_type="branch").order_by("path"))


class IndexView(ScopedMixin, View):
    scope_model = WorkReport

    def get(self, request, form=None):
        draftable = _draftable(request.user)
        form = form or DraftForm(organizations=draftable)
        return render(request, "workreport/index.html", {
            "reports": self.get_queryset().select_related("organization")[:200], "form": form,
            "can_draft": draftable.exists()})

    def post(self, request):
        form = DraftForm(request.POST, organizations=_draftable(request.user))
        if not form.is_valid():
            return self.get(request, form)
        try:
            report = services.report_draft(user=request.user, organization=form.cleaned_data["organization"],
                                           year=form.cleaned_data["year"])
        except ValidationError as error:
            apply_service_errors(form, error)
            return self.get(request, form)
        messages.success(request, _("The report is drafted from the data: read it, then edit what it needs."))
        return redirect("workreport:detail", pk=report.pk)


class DetailView(ScopedMixin, View):
    scope_model = WorkReport

    def get(self, request, pk):
        report = self.get_scoped(pk=pk)
        can_change = WorkReport.objects.restrict(request.user, CHANGE).filter(pk=pk).exists()
        return render(request, "workreport/detail.html", {
            "report": report, "blocks": text.blocks(report.body), "can_change": can_change,
            "figures": len(text.links(report.body))})


class EditView(ScopedMixin, View):
    scope_model = WorkReport
    scope_action = CHANGE

    def get(self, request, pk, form=None):
        report = self.get_scoped(pk=pk)
        form = form or EditForm(initial={"title": report.title, "body": report.body})
        return render(request, "workreport/edit.html", {"report": report, "form": form})

    def post(self, request, pk):
        report = self.get_scoped(pk=pk)
        form = EditForm(request.POST)
        if form.is_valid():
            try:
                services.report_edit(user=request.user, report=report, title=form.cleaned_data["title"],
                                     body=form.cleaned_data["body"])
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The report is saved."))
                return redirect("workreport:detail", pk=report.pk)
        return self.get(request, pk, form)


class RedraftView(ScopedMixin, View):
    scope_model = WorkReport
    scope_action = CHANGE

    def post(self, request, pk):
        report = self.get_scoped(pk=pk)
        try:
            services.report_redraft(user=request.user, report=report, confirm=request.POST.get("confirm") == "1")
        except NeedsConfirmation as needed:
            return render(request, "workreport/redraft_confirm.html", {
                "report": report, "message": needed.message, "current": text.blocks(needed.details["current"]),
                "draft": text.blocks(needed.details["draft"])})
        except ValidationError as error:
            error_messages(request, error)
        else:
            messages.success(request, _("The report is drafted again from today's data."))
        return redirect("workreport:detail", pk=report.pk)


class StatusView(ScopedMixin, View):
    scope_model = WorkReport
    scope_action = CHANGE

    def post(self, request, pk):
        report = self.get_scoped(pk=pk)
        try:
            services.report_status_set(user=request.user, report=report, status=request.POST.get("status", ""))
        except ValidationError as error:
            error_messages(request, error)
        return redirect("workreport:detail", pk=report.pk)


class PdfView(ScopedMixin, View):
    scope_model = WorkReport

    def get(self, request, pk):
        report = self.get_scoped(pk=pk)
        doc = {"title": report.title, "issuer": report.organization.name,
               "date": (report.updated_at or timezone.now()).date()}
        data = render_pdf("workreport/report_pdf.html", {"doc": doc, "report": report,
                                                         "blocks": text.blocks(report.body)}, request)
        return pdf_response(data, f"{report.title}.pdf")


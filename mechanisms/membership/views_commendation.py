"""The register of in-party commendations (党内表彰): the list of an organization's subtree by year, honour and
level (the statistics report's figures open it), recording one, withdrawing one (a preview, then the reason), and
the workbook."""
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View
from openpyxl import Workbook

from kernel.core import clock
from kernel.core.paging import paginate
from kernel.core.scope import CHANGE, VIEW, scope_for
from kernel.core.views import ScopedMixin, error_messages
from kernel.core.workbook_upload import header_row, put
from kernel.orgs.models import Organization
from kernel.orgs.views import scope_root
from kernel.people.forms import apply_service_errors

from . import commendations
from .forms_commendation import CommendationForm, CommendationWithdrawForm
from .models_commendation import Commendation, CommendationLevel, Honour
from .views import XLSX_CONTENT_TYPE


def _filters(request) -> dict:
    """The register's filters from the query: the root (the user's top organization by default; 404 outside the
    scope), the year, honour, level, the report's row and whether to show withdrawn ones."""
    value = request.GET.get("root", "")
    root = Organization.objects.filter(pk=int(value)).first() if value.isdigit() else scope_root(request.user)
    if root is None or not scope_for(request.user).covers(root.path, realm="org", action=VIEW):
        raise Http404
    year = request.GET.get("year", "")
    row = request.GET.get("row") or None
    if row is not None and not row.startswith(root.path):
        raise Http404
    return {"root": root, "year": int(year) if year.isdigit() else None,
            "honour": request.GET.get("honour") if request.GET.get("honour") in Honour.values else "",
            "level": request.GET.get("level") if request.GET.get("level") in CommendationLevel.values else "",
            "row": row, "withdrawn": request.GET.get("withdrawn") == "1"}


def _query(filters: dict) -> str:
    from urllib.parse import urlencode

    query = {"root": filters["root"].pk}
    for key in ("year", "honour", "level", "row"):
        if filters[key]:
            query[key] = filters[key]
    if filters["withdrawn"]:
        query["withdrawn"] = "1"
    return urlencode(query)


class CommendationListView(ScopedMixin, View):
    scope_model = Commendation

    def get(self, request, form=None):
        filters = _filters(request)
        rows = commendations.register(request.user, **filters).order_by("-year", "-decided_on", "-pk")
        return render(request, "membership/commendations.html", {
            "page": paginate(request, rows), "filters": filters, "query": _query(filters),
            "honours": Honour.choices, "levels": CommendationLevel.choices,
            "years": range(clock.today().year, clock.today().year - 8, -1),
            "form": form or CommendationForm(user=request.user),
            "can_record": scope_for(request.user).covers(filters["root"].path, realm="org", action=CHANGE)})

    def post(self, request):
        form = CommendationForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.get(request, form=form)
        try:
            row = commendations.commendation_record(user=request.user, **form.service_fields())
        except PermissionDenied as error:
            error_messages(request, error)
            return redirect("membership:commendations")
        except ValidationError as error:
            apply_service_errors(form, error)
            return self.get(request, form=form)
        messages.success(request, _("Recorded: %(subject)s, %(honour)s (%(year)s).") % {
            "subject": row.subject, "honour": row.honour_label, "year": row.year})
        return redirect(f"{reverse('membership:commendations')}?year={row.year}")


class CommendationWithdrawView(ScopedMixin, View):
    """What the withdrawal does (the commendation stays in the register, marked, and no longer counts in the
    report), then the reason and the confirmation."""

    queryset = Commendation.objects.select_related("organization", "person")
    scope_action = CHANGE

    def get(self, request, pk, form=None, status=200):
        row = self.get_scoped(pk=pk)
        return render(request, "membership/commendation_withdraw.html", {
            "row": row, "form": form or CommendationWithdrawForm()}, status=status)

    def post(self, request, pk):
        row = self.get_scoped(pk=pk)
        form = CommendationWithdrawForm(request.POST)
        if not form.is_valid():
            return self.get(request, pk, form=form, status=400)
        try:
            commendations.commendation_withdraw(user=request.user, commendation=row,
                                                reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_service_errors(form, error)
            return self.get(request, pk, form=form, status=400)
        messages.success(request, _("The commendation is withdrawn."))
        return redirect(f"{reverse('membership:commendations')}?year={row.year}")


class CommendationXlsxView(ScopedMixin, View):
    scope_model = Commendation

    def get(self, request):
        filters = _filters(request)
        book = Workbook()
        sheet = book.active
        sheet.title = _("Commendations")[:31]
        header_row(sheet, [_("Year"), _("Commended member or organization"), _("Organization"), _("Honour"),
                           _("Level of the deciding body"), _("Deciding body"), _("Decision number"), _("Decided on"), _("Withdrawn on")])
        rows = commendations.register(request.user, **filters).order_by("-year", "-decided_on", "-pk")
        for line, row in enumerate(rows.iterator(chunk_size=2000), start=2):
            values = [row.year, row.subject, row.organization.name, row.honour_label, row.get_level_display(),
                      row.decided_by, row.number, row.decided_on.isoformat(),
                      row.withdrawn_on.isoformat() if row.withdrawn_on else ""]
            for column, value in enumerate(values, start=1):
                put(sheet.cell(row=line, column=column), value)
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, _("Commendations.xlsx"))
        return response

"""The standing pages: a person's standing with its history and the form to record a change (a preview before
an exit), a change's withdrawal, and the register of changes with its workbook."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View

from kernel.core import clock
from kernel.core.paging import paginate
from kernel.core.scope import CHANGE, scope_for
from kernel.core.services import NeedsConfirmation
from kernel.core.views import ScopedMixin, error_messages
from kernel.core.xlsx_stream import iter_xlsx
from kernel.orgs.views import under_filter
from kernel.people.forms import apply_service_errors
from kernel.people.models import Person

from . import selectors, services
from .forms import StandingForm, WithdrawForm
from .models import FROM_REGISTRY, ExitReason, Kind, StandingChange

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class StandingView(ScopedMixin, View):
    queryset = Person.objects.select_related("organization", "membership")

    def get(self, request, pk, form=None):
        person = self.get_scoped(pk=pk)
        member = getattr(person, "membership", None)
        can_change = member is not None and scope_for(request.user).covers(person.org_path, realm="people",
                                                                             action=CHANGE)
        history = list(selectors.history(request.user, person))
        live = sorted((change for change in history if change.withdrawn_on is None), key=lambda change: change.pk)
        last_live = live[-1] if live else None
        latest = last_live if last_live is not None and last_live.kind not in FROM_REGISTRY else None
        return render(request, "membership/standing.html", {
            "person": person, "member": member, "history": history, "can_change": can_change,
            "form": form or StandingForm(), "withdrawable": latest if latest is last_live else None,
            "probation_end": services.probation_end(member) if member and member.category == "probationary" else None,
            "withdraw_form": WithdrawForm()})

    def post(self, request, pk):
        person = self.get_scoped(pk=pk)
        member = getattr(person, "membership", None)
        form = StandingForm(request.POST)
        if member is None or not form.is_valid():
            return self.get(request, pk, form=form)
        data = form.cleaned_data
        try:
            services.standing_change(user=request.user, member=member, kind=data["kind"], on=data["on"],
                                     reason=data["reason"], until=data["until"], decision=data["decision"],
                                     decided_by=data["decided_by"], number=data["number"], note=data["note"],
                                     confirm=data["confirm"])
        except NeedsConfirmation as needed:
            confirm = StandingForm(initial={**data, "confirm": True})
            return render(request, "membership/confirm.html", {
                "person": person, "preview": needed.details, "form": confirm})
        except PermissionDenied as error:
            error_messages(request, error)
            return redirect("membership:standing", person.pk)
        except ValidationError as error:
            apply_service_errors(form, error)
            return self.get(request, pk, form=form)
        messages.success(request, _("Recorded: %(kind)s.") % {"kind": Kind(data["kind"]).label})
        return redirect("membership:standing", person.pk)


class WithdrawView(ScopedMixin, View):
    queryset = StandingChange.objects.all()
    scope_action = CHANGE

    def post(self, request, pk):
        change = self.get_scoped(pk=pk)
        form = WithdrawForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Say why the change is withdrawn."))
            return redirect("membership:standing", change.person_id)
        try:
            services.standing_withdraw(user=request.user, change=change, reason=form.cleaned_data["reason"])
        except (ValidationError, PermissionDenied) as error:
            error_messages(request, error)
        else:
            messages.success(request, _("The change is withdrawn; the record is as it was before it."))
        return redirect("membership:standing", change.person_id)


class ChangesMixin(ScopedMixin):
    queryset = StandingChange.objects.all()

    def filters(self, request) -> dict:
        under, choices = under_filter(request.user, request.GET.get("under"))
        year = request.GET.get("year", "")
        kind = request.GET.get("kind") if request.GET.get("kind") in Kind.values else ""
        reason = request.GET.get("reason") if request.GET.get("reason") in ExitReason.values else ""
        return {"under": under, "under_choices": choices, "year": int(year) if year.isdigit() else None,
                "kind": kind, "reason": reason}

    def rows(self, request, filters):
        return selectors.changes(request.user, under=filters["under"], year=filters["year"], kind=filters["kind"],
                                 reason=filters["reason"])


class ChangesView(ChangesMixin, View):
    def get(self, request):
        filters = self.filters(request)
        this_year = clock.today().year
        return render(request, "membership/changes.html", {
            **filters, "page": paginate(request, self.rows(request, filters)), "kinds": Kind.choices,
            "reasons": ExitReason.choices, "years": range(this_year, this_year - 6, -1),
            "query": request.GET.urlencode()})


class ChangesXlsxView(ChangesMixin, View):
    def get(self, request):
        filters = self.filters(request)
        header = [_("Name"), _("Organization"), _("Change of standing"), _("On"), _("How the member left"), _("Until"),
                  _("Deciding body"), _("Decision taken"), _("Document number"), _("Withdrawn on")]
        rows = ([change.person.name, change.person.organization.name, str(change.get_kind_display()),
                 change.on.isoformat(), str(change.get_reason_display()) if change.reason else "",
                 change.until.isoformat() if change.until else "", change.decided_by, change.decision, change.number,
                 change.withdrawn_on.isoformat() if change.withdrawn_on else ""]
                for change in self.rows(request, filters).iterator(chunk_size=2000))
        response = StreamingHttpResponse(iter_xlsx(header, rows, title=_("Standing changes")),
                                         content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, f"{_('Standing changes')}.xlsx")
        return response

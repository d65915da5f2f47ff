"""The floating members' registers: outflow (from the person page) and inflow (on the register), the activity card,
the return with the card checked, the yearly report, and the six-month warning."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from kernel.core import clock
from kernel.core.paging import paginate
from kernel.core.scope import CHANGE, scope_for
from kernel.core.views import ScopedMixin, error_messages
from kernel.orgs.models import Organization
from kernel.people.forms import apply_service_errors
from kernel.people.models import Person

from . import floating
from .forms import FloatingForm, FloatingInForm
from .models import FloatDirection, FloatingMember


class FloatingListView(ScopedMixin, View):
    queryset = FloatingMember.objects.select_related("organization")

    def get(self, request, form=None):
        direction = request.GET.get("direction") if request.GET.get("direction") in FloatDirection.values else ""
        rows = self.get_queryset()
        if direction:
            rows = rows.filter(direction=direction)
        if request.GET.get("away") != "0":
            rows = rows.filter(returned_on__isnull=True)
        today = clock.today()
        hosts = [org for org in Organization.objects.restrict(request.user, CHANGE).filter(
            org_type__in=("branch", "general_branch", "party_committee"), status="active").order_by("path")[:300]]
        page = paginate(request, rows.order_by("returned_on", "-since", "-pk"))
        for row in page["rows"]:
            row.warn = row.should_transfer(today)
        return render(request, "membership/floating.html", {
            "page": page, "direction": direction, "away": request.GET.get("away", ""), "hosts": hosts,
            "in_form": form or FloatingInForm(initial={"since": today}), "today": today,
            "host": int(request.POST["organization"]) if request.POST.get("organization", "").isdigit() else 0})

    def post(self, request):
        """The inflow register: a member of an organization elsewhere, living or working here."""
        form = FloatingInForm(request.POST)
        if not form.is_valid():
            return self.get(request, form=form)
        data = dict(form.cleaned_data)
        host = request.POST.get("organization", "")  # the select of the organizations the user may register in
        organization = self.scoped_object(Organization.objects.all(), pk=int(host) if host.isdigit() else 0)
        try:
            floating.floating_register(user=request.user, direction=FloatDirection.IN, organization=organization,
                                       **data)
        except PermissionDenied as error:
            error_messages(request, error)
            return redirect("membership:floating")
        except ValidationError as error:
            apply_service_errors(form, error)
            return self.get(request, form=form)
        messages.success(request, _("Registered in the inflow register."))
        return redirect("membership:floating")


class FloatingOutView(ScopedMixin, View):
    """The outflow register, from the member's page: the home branch registers its member as away."""

    queryset = Person.objects.select_related("organization", "membership")
    scope_action = CHANGE

    def get(self, request, pk, form=None):
        person = self.get_scoped(pk=pk)
        current = FloatingMember.objects.filter(person=person, direction=FloatDirection.OUT,
                                                returned_on__isnull=True).first()
        return render(request, "membership/floating_out.html", {
            "person": person, "form": form or FloatingForm(initial={"since": clock.today()}), "current": current})

    def post(self, request, pk):
        person = self.get_scoped(pk=pk)
        form = FloatingForm(request.POST)
        if not form.is_valid():
            return self.get(request, pk, form=form)
        try:
            row = floating.floating_register(user=request.user, direction=FloatDirection.OUT,
                                             organization=person.organization, person=person, **form.cleaned_data)
        except PermissionDenied as error:
            error_messages(request, error)
            return redirect("membership:floating_out", person.pk)
        except ValidationError as error:
            apply_service_errors(form, error)
            return self.get(request, pk, form=form)
        messages.success(request, _("Registered in the outflow register."))
        return redirect("membership:floating_member", row.pk)


class FloatingDetailView(ScopedMixin, View):
    queryset = FloatingMember.objects.select_related("organization", "person")

    def get(self, request, pk):
        row = self.get_scoped(pk=pk)
        today = clock.today()
        return render(request, "membership/floating_member.html", {
            "row": row, "today": today, "warn": row.should_transfer(today),
            "can_change": scope_for(request.user).covers(row.org_path, realm="people", action=CHANGE)})

    def post(self, request, pk):
        row = self.get_scoped(pk=pk)
        action = request.POST.get("action")
        on = request.POST.get("on") or clock.today().isoformat()
        try:
            from datetime import date

            day = date.fromisoformat(on)
            if action == "return":
                floating.floating_return(user=request.user, floating=row, on=day,
                                         card_checked=request.POST.get("card_checked") == "on")
                messages.success(request, _("Back: the member leaves the register."))
            elif action == "report":
                floating.report_record(user=request.user, floating=row, on=day, text=request.POST.get("text", ""))
                messages.success(request, _("The yearly report is recorded."))
        except ValueError:
            messages.error(request, _("Give the date as YYYY-MM-DD."))
        except (ValidationError, PermissionDenied) as error:
            error_messages(request, error)
        return redirect("membership:floating_member", row.pk)

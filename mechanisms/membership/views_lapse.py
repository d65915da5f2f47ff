"""The pages of the warnings of 自行脱党: the warnings of the user's scope (open first, by township and state) with the
check of who is at risk now (a preview, then the confirmation), and a warning's page: why the member was flagged with
the figures, the talk, the outcome (the exit's preview before it is recorded) and the dismissal."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from kernel.core.paging import paginate
from kernel.core.scope import CHANGE, scope_for
from kernel.core.services import NeedsConfirmation
from kernel.core.views import ScopedMixin, error_messages
from kernel.orgs.models import Organization
from kernel.orgs.views import scope_root, under_filter
from kernel.people.choices import MemberStatus
from kernel.people.forms import apply_service_errors
from kernel.people.models import Member

from . import lapse
from .forms_lapse import LapseCheckForm, LapseDecideForm, LapseDismissForm, LapseFilterForm, LapseTalkForm
from .models_lapse import LapseState, LapseWarning


class LapseListView(ScopedMixin, View):
    scope_model = LapseWarning

    def get(self, request):
        under, choices = under_filter(request.user, request.GET.get("under"))
        filters = LapseFilterForm(request.GET)
        state = filters.cleaned_data["state"] if filters.is_valid() else ""
        root = under or scope_root(request.user)
        page = paginate(request, lapse.warnings(request.user, under=under, state=state))
        can_check = root is not None and scope_for(request.user).covers(root.path, realm="people", action=CHANGE)
        return render(request, "membership/lapse.html", {
            "page": page, "under": under, "under_choices": choices, "state": state, "states": LapseState.choices,
            "root": root, "can_check": can_check, "months": lapse.MONTHS, "talk_days": lapse.TALK_DAYS})


class LapseCheckView(ScopedMixin, View):
    """Who is at risk under an organization now: the preview, then the warnings opened on confirmation."""

    scope_model = LapseWarning
    scope_action = CHANGE

    def post(self, request):
        form = LapseCheckForm(request.POST)
        organization = self.scoped_object(Organization.objects, pk=form.cleaned_data["organization"]
                                          if form.is_valid() else 0)
        try:
            opened = lapse.check(user=request.user, organization=organization, confirm=form.cleaned_data["confirm"])
        except NeedsConfirmation as needed:
            return render(request, "membership/lapse_check.html", {
                "organization": organization, "preview": needed.details, "message": needed.messages[0]})
        except (ValidationError, PermissionDenied) as error:
            error_messages(request, error)
            return redirect("membership:lapse")
        messages.success(request, _("%(count)s warnings opened.") % {"count": len(opened)})
        return redirect("membership:lapse")


class LapseWarningView(ScopedMixin, View):
    queryset = LapseWarning.objects.select_related("person", "member", "organization", "obligation", "talk",
                                                   "standing_change")

    def members(self, warning) -> list[Member]:
        """The branch's members to choose those taking part in the talk from."""
        return list(Member.objects.filter(person__organization_id=warning.organization_id, status=MemberStatus.ACTIVE)
                    .exclude(pk=warning.member_id).select_related("person").order_by("person__name", "pk"))

    def get(self, request, pk, forms=None, status=200):
        warning = self.get_scoped(pk=pk)
        forms = forms or {}
        can_change = scope_for(request.user).covers(warning.org_path, realm="people", action=CHANGE)
        return render(request, "membership/lapse_warning.html", {
            "warning": warning, "figures": lapse.figures(warning), "can_change": can_change,
            "talk_form": forms.get("talk") or (LapseTalkForm(members=self.members(warning))
                                               if can_change and warning.state == LapseState.OPEN else None),
            "decide_form": forms.get("decide") or LapseDecideForm(),
            "dismiss_form": forms.get("dismiss") or LapseDismissForm()}, status=status)


def _talk(view, warning, data):
    chosen = set(data.pop("people"))
    return lapse.talk_record(user=view.request.user, warning=warning, **data,
                             people=[member.person for member in view.members(warning) if member.person_id in chosen])


ACTIONS = {
    "talk": _talk,
    "decide": lambda view, warning, data: lapse.decide(user=view.request.user, warning=warning, **data),
    "dismiss": lambda view, warning, data: lapse.dismiss(user=view.request.user, warning=warning, **data),
}
DONE = {"talk": gettext_lazy("The talk is recorded: decide the outcome."),
        "decide": gettext_lazy("The outcome is recorded: the warning is closed."),
        "dismiss": gettext_lazy("The warning is dismissed.")}


class LapseActionView(LapseWarningView):
    scope_action = CHANGE

    def form(self, action, warning):
        if action == "talk":
            return LapseTalkForm(self.request.POST, members=self.members(warning))
        return {"decide": LapseDecideForm, "dismiss": LapseDismissForm}[action](self.request.POST)

    def post(self, request, pk, action):
        warning = self.get_scoped(pk=pk)
        if action not in ACTIONS:
            return redirect("membership:lapse_warning", warning.pk)
        form = self.form(action, warning)
        if not form.is_valid():
            return self.get(request, pk, forms={action: form}, status=422)
        try:
            ACTIONS[action](self, warning, dict(form.cleaned_data))
        except NeedsConfirmation as needed:
            return render(request, "membership/exit_confirm.html", {
                "action": reverse("membership:lapse_action", args=[warning.pk, "decide"]),
                "back": reverse("membership:lapse_warning", args=[warning.pk]),
                "preview": needed.details, "message": needed.messages[0],
                "form": LapseDecideForm(initial={**form.cleaned_data, "confirm": True})})
        except PermissionDenied as error:
            error_messages(request, error)
            return redirect("membership:lapse_warning", warning.pk)
        except ValidationError as error:
            apply_service_errors(form, error)
            return self.get(request, pk, forms={action: form}, status=422)
        messages.success(request, str(DONE[action]))
        return redirect("membership:lapse_warning", warning.pk)

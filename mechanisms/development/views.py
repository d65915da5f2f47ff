"""Member development pages: the register by stage, a candidate's case, warnings (预警) and structure.

Views parse input, call mechanisms.development.services / selectors and render; every object comes through
``restrict(user, …)``, so outside the user's scope a page is a 404 as for a missing one.
"""
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from engines.workflows.forms import objection_action
from engines.workflows.models import Case
from kernel.core.paging import paginate
from kernel.core.scope import VIEW
from kernel.core.views import ScopedMixin, can_change, error_messages
from kernel.orgs.models import Organization
from kernel.orgs.views import scope_root
from kernel.people.choices import MemberCategory, MemberStatus
from kernel.people.models import Member

from . import selectors, services
from .definition import VOTE
from .forms import CandidateForm, CaseActionForm, StageForm


class RootMixin(ScopedMixin):
    queryset = Organization.objects.all()

    def root(self, request):
        value = request.GET.get("org")
        if value and str(value).isdigit():
            return self.get_scoped(pk=int(value))
        root = scope_root(request.user)
        if root is None:
            raise Http404
        return root


class RegisterView(RootMixin, View):
    def get(self, request):
        root = self.root(request)
        stage = request.GET.get("stage") or None
        page = paginate(request, selectors.cases(request.user, under=root, stage=stage).order_by("org_path", "opened_on", "pk"))
        rows = page["rows"]
        names = dict(selectors.stage_names())
        for case in rows:
            case.stage_name = names.get(case.stage, case.stage)
        return render(request, "development/register.html", {
            "root": root, "register": selectors.register(request.user, root), "cases": rows, "page": page, "stage": stage,
            "stage_name": names.get(stage, ""), "can_open": can_change(request.user, root)})


class CandidateCreateView(RootMixin, View):
    scope_action = "change"

    def get(self, request):
        initial = {"applied_on": datetime.date.today()}
        if request.GET.get("org", "").isdigit():
            initial["organization"] = int(request.GET["org"])
        return render(request, "development/candidate_form.html",
                      {"form": CandidateForm(user=request.user, initial=initial)})

    def post(self, request):
        form = CandidateForm(request.POST, user=request.user)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                case = services.candidate_open(user=request.user, **data)
            except ValidationError as error:
                form.add_error(None, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                return redirect("development:case", case.pk)
        return render(request, "development/candidate_form.html", {"form": form}, status=400)


class CaseView(ScopedMixin, View):
    """A candidate's case: where it stands, what its stage still needs, and the stage's dates and votes."""

    queryset = Case.objects.filter(workflow__code=services.WORKFLOW_CODE).select_related(
        "person", "organization", "version", "workflow")

    def get_case(self, pk, action=VIEW):
        cases = self.scoped if action == self.scope_action else self.queryset.restrict(self.request.user, action)
        return get_object_or_404(cases, pk=pk)

    def get(self, request, pk):
        case = self.get_case(pk)
        initial = {name: value for name, value in case.data.items() if not isinstance(value, list)}
        if case.stage == VOTE and not initial.get("eligible_voters"):
            initial["eligible_voters"] = Member.objects.filter(
                org_path=case.org_path, category=MemberCategory.FULL, status=MemberStatus.ACTIVE).count()
        return self.render(request, case, StageForm(stage=case.stage, initial=initial))

    def render(self, request, case, form, status=200):
        from engines.workflows import services as engine

        stages = list(case.version.stages.order_by("order"))
        current = next((s for s in stages if s.code == case.stage), None)
        objections = engine.objection_rows(case)
        names = {s.code: s.name for s in stages}
        transitions = list(case.transitions.select_related("user"))
        for t in transitions:
            t.from_name, t.to_name = names.get(t.from_stage, t.from_stage), names.get(t.to_stage, t.to_stage)
        return render(request, "development/case.html", {
            "case": case, "stages": stages, "current": current, "form": form,
            "missing": engine.gate(case) if case.status == "open" else [],
            "may_act": case.status == "open" and engine.may_act(request.user, case),
            "may_approve": case.status == "open" and engine.may_approve(request.user, case),
            "approvals": list(case.approvals.filter(stage=case.stage, entry=engine.current_entry(case))
                              .select_related("user")) if case.status == "open" else [],
            "objections": objections,
            "transitions": transitions,
            "member": Member.objects.filter(person_id=case.person_id).first(),
        }, status=status)

    def post(self, request, pk):
        case = self.get_case(pk, "change")
        buttons = CaseActionForm(request.POST)
        buttons.is_valid()
        action, comment = buttons.cleaned_data["action"], buttons.cleaned_data["comment"]
        try:
            if action in ("save", "advance"):
                form = StageForm(request.POST, stage=case.stage)
                if not form.is_valid():
                    return self.render(request, case, form, status=400)
                values = form.posted()
                if values:
                    services.candidate_record(user=request.user, case=case, data=values)
                if action == "advance":
                    services.candidate_advance(user=request.user, case=case, comment=comment)
                    messages.success(request, _("The case moved on."))
                else:
                    messages.success(request, _("Saved."))
            elif action == "approve":
                services.candidate_approve(user=request.user, case=case, comment=comment)
                messages.success(request, _("Approved."))
            elif not objection_action(user=request.user, case=case, action=action, data=request.POST):
                raise Http404
        except ValidationError as error:
            error_messages(request, error)
            if action in ("save", "advance"):
                case = self.get_case(pk)
                return self.render(request, case, StageForm(request.POST, stage=case.stage), status=400)
        except PermissionDenied as error:
            if action != "approve":
                raise Http404 from None
            messages.error(request, str(error))  # a branch secretary may see the case, not approve it
        return redirect("development:case", case.pk)


class WarningsView(RootMixin, View):
    def get(self, request):
        root = self.root(request)
        found = selectors.warnings(request.user, root)
        kinds = {}
        for warning in found:
            kinds.setdefault(warning["kind"], []).append(warning)
        return render(request, "development/warnings.html", {"root": root, "warnings": found, "kinds": kinds})


class StructureView(RootMixin, View):
    def get(self, request):
        root = self.root(request)
        year = request.GET.get("year", "")
        year = int(year) if year.isdigit() else datetime.date.today().year
        figures = selectors.structure(request.user, root, year)
        labels = [label for label, _count in figures["new"]["education"]]
        chart = {
            "labels": [str(label) for label in labels],
            "series": [
                {"name": _("New members %(year)s") % {"year": year},
                 "data": [selectors._percent(n, figures["new"]["total"]) or 0 for _l, n in figures["new"]["education"]]},
                {"name": _("Existing members"),
                 "data": [selectors._percent(n, figures["existing"]["total"]) or 0
                          for _l, n in figures["existing"]["education"]]},
            ],
            "shares": {"labels": [_("Under 35"), _("Women"), _("Junior college or above")],
                       "new": [figures["new"][k] or 0 for k in ("young_share", "women_share", "college_share")],
                       "existing": [figures["existing"][k] or 0
                                    for k in ("young_share", "women_share", "college_share")]},
        }
        return render(request, "development/structure.html", {
            "root": root, "figures": figures, "year": year, "chart": chart})

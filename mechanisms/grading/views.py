"""Grading pages: a campaign's grades (propose, confirm, set by hand), its "3+1" teams, the timetable board
(with its chart, xlsx and PDF), each rectification plan with its stages, and the grades as a workbook to
confirm or change in bulk (grading/workbooks.py).

Views parse input, call mechanisms.grading.services / selectors and render; every object comes through
``restrict(user, action)``, so outside the user's scope a page is a 404 as for a missing one.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from kernel.core import workbook_upload
from kernel.core.paging import paginate
from kernel.core.pdf import pdf_response, render_pdf
from kernel.core.views import ScopedMixin, can_change, error_messages
from kernel.orgs.models import Organization
from kernel.orgs.views import under_filter

from . import exports, selectors, services, workbooks
from .forms import ConfirmForm, GradeSetForm, PlanActionForm, ReasonForm, RoundForm, TeamSetForm
from .models import (
    Grade,
    GradeConfirmation,
    GradeLevel,
    Plan,
    PoolMember,
    PoolRole,
    ProblemLine,
    ProblemType,
    Round,
    Upgrading,
)
from .proposals import reason_text


def _valid(form) -> dict:
    """The cleaned fields of a lenient form (its fields fall back to defaults and never refuse)."""
    form.is_valid()
    return form.cleaned_data


def _run(request, service, **kwargs) -> bool:
    try:
        service(user=request.user, **kwargs)
    except ValidationError as error:
        error_messages(request, error)
        return False
    except PermissionDenied as error:
        error_messages(request, error)
        return False
    return True


class UpgradingMixin(ScopedMixin):
    queryset = Upgrading.objects.all()

    def get_upgrading(self, pk) -> Upgrading:
        return self.scoped_object(Upgrading.objects.select_related("scheme", "owner"), pk=pk)


class UpgradingListView(UpgradingMixin, View):
    def get(self, request):
        page = paginate(request, selectors.upgradings(request.user).order_by("-year", "name", "pk"))
        return render(request, "grading/list.html", {"upgradings": page["rows"], "page": page})


class GradesView(UpgradingMixin, View):
    def get(self, request, pk):
        upgrading = self.get_upgrading(pk)
        round_ = request.GET.get("round") if request.GET.get("round") in Round.values else Round.INITIAL
        level = request.GET.get("level", "")
        page = paginate(request, selectors.grades(request.user, upgrading, round=round_, level=level or None))
        for grade in page["rows"]:
            grade.reason_texts = [reason_text(reason) for reason in grade.reasons]
        return render(request, "grading/grades.html", {
            "upgrading": upgrading, "round": round_, "rounds": Round.choices, "level": level, "grades": page["rows"],
            "page": page,
            "counts": selectors.grade_counts(request.user, upgrading, round=round_),
            "levels": GradeLevel.objects.filter(scheme_id=upgrading.scheme_id),
            "can_run": can_change(request.user, upgrading),
            "organizations": Organization.objects.restrict(request.user, "change").filter(
                path__startswith=upgrading.owner_path, org_type__in=["branch", "general_branch"]).order_by("path")[:500],
            "townships": Organization.objects.restrict(request.user).filter(
                path__startswith=upgrading.owner_path, depth=upgrading.owner.depth + 1).order_by("path")[:300],
            "may_grade": Organization.objects.restrict(request.user, "change").filter(
                path__startswith=upgrading.owner_path).exists(),
            "workbook": workbook_upload.stashed(request, _workbook_key(upgrading)),
            "confirmations": GradeConfirmation.objects.restrict(request.user).filter(
                upgrading=upgrading, round=round_)[:20],
        })


class ProposeView(UpgradingMixin, View):
    scope_action = "change"

    def post(self, request, pk):
        upgrading = self.get_upgrading(pk)
        round_ = _valid(RoundForm(request.POST))["round"]
        try:
            count = services.grades_propose(user=request.user, upgrading=upgrading, round=round_)
        except (ValidationError, PermissionDenied) as error:
            error_messages(request, error)
        else:
            messages.success(request, _("%(count)s grades proposed from data.") % {"count": count})
        return redirect(f"{request.path.rsplit('/propose/', 1)[0]}/?round={round_}")


class ConfirmView(UpgradingMixin, View):
    scope_action = "change"

    def post(self, request, pk):
        upgrading = self.get_upgrading(pk)
        data = _valid(ConfirmForm(request.POST))
        round_, ids = data["round"], data["grade"]
        grades = None
        if ids is not None:
            grades = list(Grade.objects.restrict(request.user, "change").filter(upgrading=upgrading, pk__in=ids))
            if not grades:
                raise Http404
        try:
            confirmation = services.grades_confirm(user=request.user, upgrading=upgrading, grades=grades,
                                                   round=round_, confirm=data["confirm"])
        except services.NeedsConfirmation as needed:
            names = dict(GradeLevel.objects.filter(scheme_id=upgrading.scheme_id).values_list("code", "name"))
            return render(request, "grading/confirm_preview.html", {
                "upgrading": upgrading, "round": round_, "grades": grades or [], "preview": needed.details,
                "by_level": [(code, names.get(code, code), count) for code, count in needed.details["by_level"].items()],
            })
        except (ValidationError, PermissionDenied) as error:
            error_messages(request, error)
            return redirect(f"/grading/{upgrading.pk}/?round={round_}")
        if confirmation is None:
            messages.info(request, _("There was no proposal to confirm."))
            return redirect(f"/grading/{upgrading.pk}/?round={round_}")
        messages.success(request, _("%(count)s grades confirmed.") % {"count": len(confirmation.previous)})
        return redirect("grading:confirmation", confirmation.pk)


class ConfirmationView(ScopedMixin, View):
    """One confirmation of grades: what it confirmed, and its withdrawal (撤销) with a reason."""

    queryset = GradeConfirmation.objects.all()

    def get_confirmation(self, pk) -> GradeConfirmation:
        return self.scoped_object(GradeConfirmation.objects.select_related("upgrading", "confirmed_user",
                                                                           "withdrawn_user"), pk=pk)

    def get(self, request, pk):
        confirmation = self.get_confirmation(pk)
        grades = confirmation.grades.restrict(request.user).select_related("organization", "level").order_by(
            "org_path")[:1000]
        return render(request, "grading/confirmation.html", {
            "confirmation": confirmation, "upgrading": confirmation.upgrading, "grades": grades,
            "count": len(confirmation.previous), "can_run": can_change(request.user, confirmation),
        })


class ConfirmationWithdrawView(ConfirmationView):
    scope_action = "change"

    def post(self, request, pk):
        confirmation = self.get_confirmation(pk)
        if _run(request, services.grades_confirmation_withdraw, confirmation=confirmation,
                reason=_valid(ReasonForm(request.POST))["reason"]):
            messages.success(request, _("The confirmation was withdrawn: its grades are proposals again."))
        return redirect("grading:confirmation", confirmation.pk)


class GradeSetView(UpgradingMixin, View):
    scope_action = "change"

    def post(self, request, pk):
        upgrading = self.get_upgrading(pk)
        data = _valid(GradeSetForm(request.POST))
        organization = self.scoped_object(Organization.objects.all(), pk=data["organization"])
        round_ = data["round"]
        _run(request, services.grade_set, upgrading=upgrading, organization=organization,
             level=data["level"], reason=data["reason"], weak_lax=data["weak_lax"], round=round_)
        return redirect(f"/grading/{upgrading.pk}/?round={round_}")


class TeamsView(UpgradingMixin, View):
    def get(self, request, pk):
        upgrading = self.get_upgrading(pk)
        teams = list(selectors.teams(request.user, upgrading))
        have = {team.organization_id for team in teams}
        pool = PoolMember.objects.restrict(request.user).filter(upgrading=upgrading).select_related("person")
        return render(request, "grading/teams.html", {
            "upgrading": upgrading, "teams": teams, "loads": selectors.loads(request.user, upgrading),
            "without": [org for org in services.lagging_organizations(upgrading).restrict(request.user)
                        .order_by("path") if org.pk not in have],
            "leaders": [m for m in pool if m.role == PoolRole.COUNTY_LEADER],
            "cadres": [m for m in pool if m.role == PoolRole.CADRE], "can_run": can_change(request.user, upgrading),
        })


class TeamsProposeView(UpgradingMixin, View):
    scope_action = "change"

    def post(self, request, pk):
        upgrading = self.get_upgrading(pk)
        _run(request, services.teams_propose, upgrading=upgrading)
        return redirect("grading:teams", upgrading.pk)


class TeamSetView(UpgradingMixin, View):
    scope_action = "change"

    def post(self, request, pk):
        upgrading = self.get_upgrading(pk)
        data = _valid(TeamSetForm(request.POST))
        organization = self.scoped_object(Organization.objects.all(), pk=data["organization"])
        pool = PoolMember.objects.filter(upgrading=upgrading)
        leader = pool.filter(role=PoolRole.COUNTY_LEADER, person_id=data["county_leader"]).first()
        cadre = pool.filter(role=PoolRole.CADRE, person_id=data["cadre"]).first()
        secretary = services.committee_secretary(organization)
        if not (leader and cadre and secretary):
            messages.error(request, _("Choose a county-level leader and a cadre from the pools."))
        else:
            _run(request, services.team_set, upgrading=upgrading, organization=organization,
                 county_leader=leader.person, committee_secretary=secretary, cadre=cadre.person)
        return redirect("grading:teams", upgrading.pk)


def _board(request, upgrading) -> tuple[dict, dict]:
    """The timetable, narrowed to one township when the query names one ("under"), with the filter's choices."""
    under, choices = under_filter(request.user, request.GET.get("under"), upgrading.owner)
    return selectors.board(request.user, upgrading, under=under), {
        "under": under, "under_choices": choices, "under_query": f"?under={under.pk}" if under else ""}


class BoardView(UpgradingMixin, View):
    def get(self, request, pk):
        upgrading = self.get_upgrading(pk)
        data, filters = _board(request, upgrading)
        return render(request, "grading/board.html", {
            "upgrading": upgrading, "board": data, "chart": selectors.board_chart(data),
            "page": paginate(request, data["rows"]), **filters,
            "can_run": can_change(request.user, upgrading)})


class BoardXlsxView(UpgradingMixin, View):
    def get(self, request, pk):
        upgrading = self.get_upgrading(pk)
        data, filters = _board(request, upgrading)
        response = StreamingHttpResponse(exports.board_xlsx(data), content_type=exports.XLSX_TYPE)
        name = f"{upgrading.name}-{filters['under'].name}" if filters["under"] else upgrading.name
        response["Content-Disposition"] = exports.attachment(f"{name}.xlsx")
        return response


class BoardPdfView(UpgradingMixin, View):
    def get(self, request, pk):
        upgrading = self.get_upgrading(pk)
        data, _filters = _board(request, upgrading)
        pdf = render_pdf("grading/board_pdf.html", {"upgrading": upgrading, "board": data,
                                                    "today": timezone.localdate()}, request)
        return pdf_response(pdf, f"{upgrading.name}.pdf")


class PlanOpenView(UpgradingMixin, View):
    scope_action = "change"

    def post(self, request, pk, org_pk):
        upgrading = Upgrading.objects.restrict(request.user).filter(pk=pk).first()  # seen from below too
        if upgrading is None:
            raise Http404
        organization = self.scoped_object(Organization.objects.all(), pk=org_pk)
        try:
            plan = services.plan_open(user=request.user, upgrading=upgrading, organization=organization)
        except (ValidationError, PermissionDenied) as error:
            error_messages(request, error)
            return redirect("grading:board", upgrading.pk)
        return redirect("grading:plan", plan.pk)


class PlanMixin(ScopedMixin):
    queryset = Plan.objects.all()

    def get_plan(self, pk) -> Plan:
        return self.scoped_object(Plan.objects.select_related("organization", "upgrading", "case", "case__version"),
                                  pk=pk)


class PlanView(PlanMixin, View):
    def get(self, request, pk):
        from engines.workflows import services as engine
        from engines.workflows.reminders import days_overdue
        from kernel.core import clock

        plan = self.get_plan(pk)
        case = plan.case
        stages = engine.stages_of(case)
        current = next(stage for stage in stages if stage.code == case.stage)
        names = {stage.code: stage.name for stage in stages}
        transitions = list(case.transitions.select_related("user"))
        for transition in transitions:
            transition.to_name = names.get(transition.to_stage, transition.to_stage)
        return render(request, "grading/plan.html", {
            "plan": plan, "case": case, "stages": stages, "current": current,
            "passed": {stage.code for stage in stages if stage.order < current.order},
            "gate": engine.gate(case) if case.status == "open" else [],
            "late": days_overdue(case, clock.today()),
            "may_act": engine.may_act(request.user, case), "may_approve": engine.may_approve(request.user, case),
            "back_to": [stage for stage in stages if stage.code in current.back_to],
            "problems": plan.problems.all(), "measures": selectors.plan_measures(plan),
            "visits": selectors.plan_visits(plan), "transitions": transitions,
            "lines": ProblemLine.choices, "kinds": ProblemType.choices, "can_change": can_change(request.user, plan),
            "team": plan.upgrading.teams.filter(organization=plan.organization).select_related(
                "county_leader", "committee_secretary", "cadre").first(),
        })


class PlanActionView(PlanMixin, View):
    scope_action = "change"

    def post(self, request, pk, action):
        plan = self.get_plan(pk)
        post = _valid(PlanActionForm(request.POST))
        if action == "problem":
            _run(request, services.problem_add, plan=plan, line=post["line"], kind=post["kind"],
                 description=post["description"])
        elif action == "measure":
            if post["deadline"] is None:
                messages.error(request, _("Give the measure a deadline."))
            else:
                _run(request, services.measure_add, plan=plan, content=post["content"], owner=post["owner"],
                     deadline=post["deadline"])
        elif action == "progress":
            measure = plan.measures.filter(pk=post["measure"]).first()
            if measure is None:
                raise Http404
            _run(request, services.measure_progress, measure=measure, progress=post["progress"])
        elif action == "visit":
            _run(request, services.visit_add, plan=plan, on=post["on"], visitors=post["visitors"], note=post["note"])
        elif action == "advance":
            _run(request, services.plan_advance, plan=plan, comment=post["comment"])
        elif action == "approve":
            _run(request, services.plan_approve, plan=plan, comment=post["comment"])
        elif action == "return":
            _run(request, services.plan_return, plan=plan, to_stage=post["to_stage"], comment=post["comment"])
        else:
            raise Http404
        return redirect("grading:plan", plan.pk)


# --- the grades as a workbook: download, upload, preview, apply ---------------------------------------------------

WORKBOOK_FOLDER = "grade-workbooks"
SHOWN_ROWS = 500


class WorkbookUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Workbook (xlsx)"))
    round = forms.ChoiceField(choices=Round.choices, initial=Round.INITIAL)

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > workbook_upload.MAX_SIZE:
            raise forms.ValidationError(_("The file is too large."))
        return file


def _workbook_key(upgrading: Upgrading) -> str:
    return f"grades-{upgrading.pk}"


class WorkbookMixin(UpgradingMixin):
    """The workbook of a campaign's grades kept in the session between its upload, preview and apply."""

    def stashed(self, request, upgrading):
        return workbook_upload.stashed(request, _workbook_key(upgrading))

    def review(self, request, upgrading, entry, *, apply=False):
        with workbook_upload.open_stashed(entry) as file:
            return workbooks.review(user=request.user, upgrading=upgrading, round=entry["round"], file=file,
                                    apply=apply)

    def back(self, upgrading, round_=Round.INITIAL):
        return redirect(f"{reverse('grading:grades', args=[upgrading.pk])}?round={round_}")


class WorkbookDownloadView(WorkbookMixin, View):
    def get(self, request, pk):
        upgrading = self.get_upgrading(pk)
        round_ = request.GET.get("round") if request.GET.get("round") in Round.values else Round.INITIAL
        under = None
        if request.GET.get("under"):
            if not request.GET["under"].isdigit():
                raise Http404
            under = self.scoped_object(Organization.objects.all(), pk=int(request.GET["under"]))
        return workbook_upload.attachment(workbooks.build(request.user, upgrading, round_, under),
                                          workbooks.filename(upgrading, round_))


class WorkbookView(WorkbookMixin, View):
    """POST: a workbook uploaded (kept until applied); GET: its preview, every row checked again."""

    def post(self, request, pk):
        upgrading = self.get_upgrading(pk)
        form = WorkbookUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            error_messages(request, ValidationError([e for errors in form.errors.values() for e in errors]))
            return self.back(upgrading, _valid(RoundForm(request.POST))["round"])
        upload = form.cleaned_data["file"]
        workbook_upload.stash(request, _workbook_key(upgrading), upload, folder=WORKBOOK_FOLDER,
                              round=form.cleaned_data["round"], filename=upload.name[:200])
        return redirect("grading:workbook", upgrading.pk)

    def get(self, request, pk):
        upgrading = self.get_upgrading(pk)
        entry = self.stashed(request, upgrading)
        if entry is None:
            messages.info(request, _("Upload a workbook of grades first."))
            return self.back(upgrading)
        result = self.review(request, upgrading, entry)
        plan = result.plan
        changes = plan.of("changed") if plan else []
        return render(request, "grading/workbook.html", {
            "upgrading": upgrading, "entry": entry, "round_name": Round(entry["round"]).label, "result": result,
            "errors": result.errors[:SHOWN_ROWS], "error_count": len(result.errors),
            "counts": plan.counts if plan else {}, "changes": changes[:SHOWN_ROWS], "change_count": len(changes),
        })


class WorkbookApplyView(WorkbookMixin, View):
    def post(self, request, pk):
        upgrading = self.get_upgrading(pk)
        entry = self.stashed(request, upgrading)
        if entry is None:
            messages.info(request, _("Upload a workbook of grades first."))
            return self.back(upgrading)
        result = self.review(request, upgrading, entry, apply=True)
        if not (result.plan and result.plan.applied):
            messages.error(request, _("Nothing was changed: the workbook has errors."))
            return redirect("grading:workbook", upgrading.pk)
        workbook_upload.discard(request, _workbook_key(upgrading))
        counts = result.plan.counts
        messages.success(request, _("Grades saved: %(changed)s changed, %(confirmed)s confirmed, %(unchanged)s "
                                    "unchanged.") % {"changed": counts["changed"], "confirmed": counts["confirmed"],
                                                     "unchanged": counts["unchanged"] + counts["awaiting"]})
        return self.back(upgrading, entry["round"])


class WorkbookDiscardView(WorkbookMixin, View):
    def post(self, request, pk):
        upgrading = self.get_upgrading(pk)
        entry = self.stashed(request, upgrading)
        workbook_upload.discard(request, _workbook_key(upgrading))
        return self.back(upgrading, entry["round"] if entry else Round.INITIAL)


class WorkbookErrorsView(WorkbookMixin, View):
    def get(self, request, pk):
        upgrading = self.get_upgrading(pk)
        entry = self.stashed(request, upgrading)
        if entry is None:
            raise Http404
        result = self.review(request, upgrading, entry)
        if not result.errors:
            raise Http404
        stem = entry["filename"].rsplit(".", 1)[0]
        return workbook_upload.attachment(workbooks.marked(upgrading, result),
                                          _("%(name)s-errors.xlsx") % {"name": stem})

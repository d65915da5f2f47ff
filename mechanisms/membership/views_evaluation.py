"""The pages of democratic evaluation outcomes and heart-to-heart talks: the figures of a year per organization
(drilling down the tree) with the grades' workbook, an organization's year page (the grid of its members' grades,
taking them from an assessment after a preview, its figures and cases), a 不合格 case with its steps, and the talks
of an organization's year with the members who had none yet and the form to record one."""
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from kernel.core import clock
from kernel.core.paging import paginate
from kernel.core.scope import CHANGE, scope_for
from kernel.core.services import NeedsConfirmation
from kernel.core.tree import subtree_q
from kernel.core.views import ScopedMixin, error_messages, int_or_none
from kernel.core.xlsx_stream import iter_xlsx
from kernel.orgs.models import Organization
from kernel.orgs.views import scope_root, under_filter
from kernel.people.choices import MemberStatus
from kernel.people.forms import apply_service_errors
from kernel.people.models import Member

from . import evaluation, talks
from .forms_evaluation import CaseDecideForm, CaseHelpForm, CaseRectifiedForm, FromAssessmentForm, TalkForm
from .models_evaluation import EvaluationCase, EvaluationGrade, GoalsMet, Grade, Talk
from .views import XLSX_CONTENT_TYPE

YEARS_SHOWN = 6


def _year(value) -> int:
    """The year asked for; by default last year's (民主评议 is held at the start of the year for the one before)."""
    this_year = clock.today().year
    year = int_or_none(value, this_year - 1)
    return year if this_year - 50 <= year <= this_year else this_year - 1


def _cells(counts: dict) -> list[int]:
    """A row of figures in the grades' order (优秀, 合格, 基本合格, 不合格), for the tables."""
    return [counts[code] for code in Grade.values]


def _years():
    this_year = clock.today().year
    return range(this_year, this_year - YEARS_SHOWN, -1)


class EvaluationIndexView(ScopedMixin, View):
    """The year's figures of an organization and of each organization right under it."""

    scope_model = EvaluationGrade

    def get(self, request):
        under, _choices = under_filter(request.user, request.GET.get("under"))
        root = under or scope_root(request.user)
        year = _year(request.GET.get("year"))
        children = list(Organization.objects.restrict(request.user).filter(parent=root).order_by("path")) \
            if root else []
        by_child = evaluation.grade_counts_by_child(request.user, root, year, children) if root else {}
        figures = evaluation.grade_counts(request.user, root, year)
        return render(request, "membership/evaluation_index.html", {
            "root": root, "year": year, "years": _years(), "grades": Grade.choices,
            "figures": figures, "cells": _cells(figures),
            "rows": [(child, by_child[child.pk], _cells(by_child[child.pk])) for child in children],
            "open_cases": evaluation.cases(request.user, under=root, open_only=True)[:50]})


class EvaluationXlsxView(ScopedMixin, View):
    scope_model = EvaluationGrade

    def get(self, request):
        under, _choices = under_filter(request.user, request.GET.get("under"))
        year = _year(request.GET.get("year"))
        header = [_("Name"), _("Organization"), _("Year"), _("Grade"), _("Yearly goals"), _("Source"),
                  _("Decided on"), _("Note")]
        rows = ([row.person.name, row.organization.name, row.year, str(row.get_grade_display()),
                 str(row.get_goals_met_display()), str(row.get_source_display()), row.decided_on.isoformat(), row.note]
                for row in evaluation.grades(request.user, under=under, year=year).iterator(chunk_size=2000))
        title = _("Democratic evaluation %(year)s") % {"year": year}
        response = StreamingHttpResponse(iter_xlsx(header, rows, title=title), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, f"{title}.xlsx")
        return response


class EvaluationYearView(ScopedMixin, View):
    """An organization's year: the grid of its members (one grade and the goals each, saved in one request), its
    figures, its cases, and the grades taken from an assessment."""

    scope_model = EvaluationGrade

    def members(self, organization, year) -> list[Member]:
        """The organization's members in good standing, and those graded here that year (since gone), by name."""
        graded = EvaluationGrade.objects.filter(organization=organization, year=year).values("member_id")
        return list(Member.objects.filter(Q(person__organization=organization, status=MemberStatus.ACTIVE)
                                          | Q(pk__in=graded)).select_related("person").order_by("person__name", "pk"))

    def get(self, request, pk, year, submitted=None, status=200):
        organization = self.scoped_object(Organization.objects, pk=pk)
        grades = {row.member_id: row for row in EvaluationGrade.objects.restrict(request.user)
                  .filter(organization=organization, year=year).select_related("case")}
        submitted = submitted or {}
        members = self.members(organization, year)
        recorded = evaluation.recorded_goals([member.pk for member in members], year,
                                             {pk: row.goals_met for pk, row in grades.items()})
        rows = [{"member": member, "grade": grades.get(member.pk),
                 "value": submitted.get(f"grade_{member.pk}", getattr(grades.get(member.pk), "grade", "")),
                 "goals": submitted.get(f"goals_{member.pk}", recorded.get(
                     member.pk, getattr(grades.get(member.pk), "goals_met", GoalsMet.UNKNOWN)))}
                for member in members]
        assessments = evaluation.assessments_for(request.user, organization, year)
        return render(request, "membership/evaluation_year.html", {
            "organization": organization, "year": year, "years": _years(), "rows": rows, "grades": Grade.choices,
            "goals": GoalsMet.choices, "cells": _cells(evaluation.grade_counts(request.user, organization, year)),
            "cases": evaluation.cases(request.user, under=organization, year=year), "assessments": assessments,
            "can_change": scope_for(request.user).covers(organization.path, realm="people", action=CHANGE)},
            status=status)

    def post(self, request, pk, year):
        organization = self.scoped_object(Organization.objects, pk=pk)
        rows = [(member, request.POST.get(f"grade_{member.pk}", ""),
                 request.POST.get(f"goals_{member.pk}", GoalsMet.UNKNOWN))
                for member in self.members(organization, year)]
        try:
            written = evaluation.grades_save(user=request.user, organization=organization, year=year, rows=rows)
        except (ValidationError, PermissionDenied) as error:
            error_messages(request, error)
            return self.get(request, pk, year, submitted=request.POST, status=422)
        messages.success(request, _("%(count)s grades saved.") % {"count": written})
        return redirect("membership:evaluation_year", organization.pk, year)


class EvaluationFromAssessmentView(ScopedMixin, View):
    """Takes the year's grades from an assessment: a preview of the counts, then the confirmation."""

    scope_model = EvaluationGrade
    scope_action = CHANGE

    def post(self, request, pk, year):
        organization = self.scoped_object(Organization.objects, pk=pk)
        form = FromAssessmentForm(request.POST)
        back = redirect("membership:evaluation_year", organization.pk, year)
        assessment = evaluation.assessments_for(request.user, organization).filter(
            pk=form.cleaned_data["assessment"] if form.is_valid() else None).first()
        if assessment is None:
            messages.error(request, _("Choose the assessment to take the grades from."))
            return back
        try:
            preview = evaluation.grades_from_assessment(user=request.user, organization=organization,
                                                        assessment=assessment, confirm=form.cleaned_data["confirm"])
        except NeedsConfirmation as needed:
            return render(request, "membership/evaluation_confirm.html", {
                "organization": organization, "year": year, "assessment": assessment, "preview": needed.details,
                "figures": [(label, needed.details["by_grade"][code]) for code, label in Grade.choices]})
        except (ValidationError, PermissionDenied) as error:
            error_messages(request, error)
            return back
        messages.success(request, _("Grades taken from the assessment: %(new)s new, %(changed)s changed.") % preview)
        return redirect("membership:evaluation_year", organization.pk, preview["year"])


class EvaluationCaseView(ScopedMixin, View):
    queryset = EvaluationCase.objects.select_related("person", "member", "organization", "grade", "obligation",
                                                     "exit_change")

    def get(self, request, pk, forms=None, status=200):
        case = self.get_scoped(pk=pk)
        forms = forms or {}
        return render(request, "membership/evaluation_case.html", {
            "case": case, "help_form": forms.get("help") or CaseHelpForm(),
            "decide_form": forms.get("decide") or CaseDecideForm(),
            "rectified_form": forms.get("rectified") or CaseRectifiedForm(),
            "talks": talks.talks_about(case.member, datetime.date(case.year, 1, 1))
            .select_related("organization"),
            "can_change": scope_for(request.user).covers(case.org_path, realm="people", action=CHANGE)},
            status=status)


CASE_ACTIONS = {
    "help": (CaseHelpForm, lambda user, case, data: evaluation.case_help(user=user, case=case, **data)),
    "decide": (CaseDecideForm, lambda user, case, data: evaluation.case_decide(user=user, case=case, **data)),
    "rectified": (CaseRectifiedForm, lambda user, case, data: evaluation.case_rectified(user=user, case=case, **data)),
}
CASE_DONE = {"help": gettext_lazy("The help is recorded."), "decide": gettext_lazy("The outcome is recorded."),
             "rectified": gettext_lazy("The member rectified: the case is closed.")}


class EvaluationCaseActionView(EvaluationCaseView):
    scope_action = CHANGE

    def post(self, request, pk, action):
        case = self.get_scoped(pk=pk)
        if action not in CASE_ACTIONS:
            return redirect("membership:evaluation_case", case.pk)
        form_class, act = CASE_ACTIONS[action]
        form = form_class(request.POST)
        if not form.is_valid():
            return self.get(request, pk, forms={action: form}, status=422)
        try:
            act(request.user, case, form.cleaned_data)
        except NeedsConfirmation as needed:
            return render(request, "membership/exit_confirm.html", {
                "action": reverse("membership:evaluation_case_action", args=[case.pk, "decide"]),
                "back": reverse("membership:evaluation_case", args=[case.pk]),
                "preview": needed.details, "message": needed.messages[0],
                "form": CaseDecideForm(initial={**form.cleaned_data, "confirm": True})})
        except PermissionDenied as error:
            error_messages(request, error)
            return redirect("membership:evaluation_case", case.pk)
        except ValidationError as error:
            apply_service_errors(form, error)
            return self.get(request, pk, forms={action: form}, status=422)
        messages.success(request, str(CASE_DONE[action]))
        return redirect("membership:evaluation_case", case.pk)


# --- talks ------------------------------------------------------------------------------------------------------

class TalkIndexView(ScopedMixin, View):
    """The organizations with members under an organization, with their talks of the year and the yearly duty's
    state; a user who sees one such organization goes straight to its page."""

    scope_model = Talk

    def get(self, request):
        under, _choices = under_filter(request.user, request.GET.get("under"))
        root = under or scope_root(request.user)
        year = _talk_year(request.GET.get("year"))
        organizations = Organization.objects.restrict(request.user).filter(
            Exists(Member.objects.filter(person__organization=OuterRef("pk"), status=MemberStatus.ACTIVE)))
        if root is not None:
            organizations = organizations.filter(subtree_q("path", [root.path]))
        organizations = organizations.order_by("path")
        if root is None or organizations.count() == 1:
            single = organizations.first()
            if single is not None:
                return redirect("membership:talks", single.pk, year)
        page = paginate(request, organizations)
        counts = dict(talks.talks(request.user, year=year).filter(organization__in=page["rows"]).order_by()
                      .values_list("organization_id").annotate(n=Count("pk")))
        return render(request, "membership/talk_index.html", {
            "root": root, "year": year, "years": _years(), "page": page,
            "rows": [(org, counts.get(org.pk, 0), talks.talks_obligation(org, year)) for org in page["rows"]]})


def _talk_year(value) -> int:
    this_year = clock.today().year
    year = int_or_none(value, this_year)
    return year if this_year - 50 <= year <= this_year else this_year


class TalkListView(ScopedMixin, View):
    """An organization's talks of a year, the yearly duty, and its members who had no talk yet."""

    scope_model = Talk

    def get(self, request, pk, year):
        organization = self.scoped_object(Organization.objects, pk=pk)
        return render(request, "membership/talks.html", {
            "organization": organization, "year": year, "years": _years(),
            "talks": talks.talks(request.user, organization=organization, year=year),
            "without": talks.members_without_talk(organization, year),
            "obligation": talks.talks_obligation(organization, year),
            "can_change": scope_for(request.user).covers(organization.path, realm="people", action=CHANGE)})


class TalkRecordView(ScopedMixin, View):
    """The form to record a talk of an organization; its members are those to choose from."""

    scope_model = Talk
    scope_action = CHANGE

    def members(self, organization) -> list[Member]:
        return list(Member.objects.filter(person__organization=organization, status=MemberStatus.ACTIVE)
                    .select_related("person").order_by("person__name", "pk"))

    def get(self, request, pk, form=None, status=200):
        organization = self.scoped_object(Organization.objects, pk=pk)
        return render(request, "membership/talk_form.html", {
            "organization": organization, "form": form or TalkForm(members=self.members(organization))},
            status=status)

    def post(self, request, pk):
        organization = self.scoped_object(Organization.objects, pk=pk)
        members = self.members(organization)
        form = TalkForm(request.POST, members=members)
        if not form.is_valid():
            return self.get(request, pk, form=form, status=422)
        data = dict(form.cleaned_data)
        by_person = {member.person_id: member for member in members}
        about = by_person.get(data.pop("about_member"))
        try:
            talk = talks.talk_record(user=request.user, organization=organization,
                                     people=[by_person[person_id].person for person_id in data.pop("people")],
                                     about_member=about, **data)
        except PermissionDenied as error:
            error_messages(request, error)
            return redirect("membership:talks", organization.pk, clock.today().year)
        except ValidationError as error:
            apply_service_errors(form, error)
            return self.get(request, pk, form=form, status=422)
        messages.success(request, _("The talk is recorded."))
        return redirect("membership:talks", organization.pk, talk.on.year)


class TalkDeleteView(ScopedMixin, View):
    scope_model = Talk
    scope_action = CHANGE

    def post(self, request, pk):
        talk = self.get_scoped(pk=pk)
        try:
            talks.talk_delete(user=request.user, talk=talk)
        except (ValidationError, PermissionDenied) as error:
            error_messages(request, error)
        else:
            messages.success(request, _("The talk is deleted."))
        return redirect("membership:talks", talk.organization_id, talk.on.year)

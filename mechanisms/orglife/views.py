"""Organization life pages: recording a meeting by tapping names, the branch's meeting ledger and its PDF,
attendance rates, absence warnings; training: totals per level and domain, a class, a person's archive.

Every object comes through ``restrict(user, action)``: outside the user's scope a page is a 404.
"""
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from kernel.core.tree import subtree_q
from kernel.core.views import ScopedMixin, can_change
from kernel.orgs.models import Organization, OrgType
from kernel.people.models import Person

from . import duty_link, selectors, services
from .forms import ClassForm, MeetingForm
from .models import (
    ORGANIZATION_LIFE,
    AttendanceStatus,
    Meeting,
    MeetingKind,
    TrainingClass,
    TrainingLevel,
    TrainingPlan,
)
from .pdf import pdf_response, render_pdf

STATUS_PREFIX = "a_"
HOLDING_MEETINGS = (OrgType.BRANCH, OrgType.GENERAL_BRANCH, OrgType.PARTY_COMMITTEE, OrgType.GROUP)


def _year(request) -> int:
    try:
        return int(request.GET.get("year") or datetime.date.today().year)
    except ValueError:
        raise Http404 from None


def _attendance_from(post) -> dict:
    return {key[len(STATUS_PREFIX):]: value for key, value in post.items()
            if key.startswith(STATUS_PREFIX) and key[len(STATUS_PREFIX):].isdigit()}


class OrgMixin(ScopedMixin):
    queryset = Organization.objects.all()

    def get_org(self, pk) -> Organization:
        return self.get_scoped(pk=pk)


class IndexView(OrgMixin, View):
    """Organization life of the user's top organization."""

    def get(self, request):
        org = self.get_queryset().order_by("path").first()
        if org is None:
            raise Http404
        target = "orglife:ledger" if org.org_type in (OrgType.BRANCH, OrgType.GENERAL_BRANCH) else "orglife:rates"
        return redirect(target, org.pk)


class MeetingFormView(ScopedMixin, View):
    """Records a new meeting of an organization (``org_pk``) or edits one (``pk``): the details, then every member
    listed, each tap cycling present → excused → absent → not expected; saved in one POST."""

    queryset = Meeting.objects.all()
    scope_action = "change"

    def _target(self, org_pk=None, pk=None):
        if pk is not None:
            meeting = self.scoped_object(self.get_queryset().select_related("organization"), pk=pk)
            return meeting.organization, meeting
        org = self.scoped_object(Organization.objects.all(), pk=org_pk)
        return org, None

    def get(self, request, org_pk=None, pk=None):
        org, meeting = self._target(org_pk, pk)
        initial = {name: getattr(meeting, name) for name in services.MEETING_FIELDS} if meeting else {}
        if not meeting and request.GET.get("kind") in MeetingKind.values:
            initial["kind"] = request.GET["kind"]
        return self._render(request, org, meeting, MeetingForm(initial=initial), self._statuses(org, meeting))

    def post(self, request, org_pk=None, pk=None):
        org, meeting = self._target(org_pk, pk)
        form = MeetingForm(request.POST, request.FILES)
        attendance = _attendance_from(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            attachment = data.pop("attachment") or None
            try:
                saved = services.meeting_save(user=request.user, organization=org, meeting=meeting,
                                              attendance=attendance, attachment=attachment, **data)
            except ValidationError as error:
                form.add_error(None, [message for message in error.messages])
            except PermissionDenied:
                raise Http404 from None
            else:
                pending = [s for s in duty_link.submissions_of(saved) if s.approval == "pending"]
                if pending:
                    messages.warning(request, _("Saved. This meeting was entered after the recording window and "
                                                "counts once approved."))
                else:
                    messages.success(request, _("Meeting saved: %(present)s present, %(excused)s excused, "
                                                "%(absent)s absent.") % {"present": saved.present_count,
                                                                         "excused": saved.excused_count,
                                                                         "absent": saved.absent_count})
                return redirect("orglife:meeting", saved.pk)
        statuses = {int(pk): status for pk, status in attendance.items()}
        return self._render(request, org, meeting, form, statuses, status=400)

    def _statuses(self, org, meeting) -> dict:
        if meeting is not None:
            return dict(meeting.attendance.values_list("person_id", "status"))
        return {}

    def _render(self, request, org, meeting, form, statuses, status=200):
        people = list(services.expected_people(org).only("pk", "name"))
        if meeting is not None:  # also those recorded earlier who have since left
            listed = {p.pk for p in people}
            people += [p for p in Person.objects.filter(pk__in=set(statuses) - listed).only("pk", "name")]
        fresh = meeting is None and not statuses
        committee = set(org.posts.current().values_list("person_id", flat=True)) if fresh else set()
        rows = [{"person": p, "status": statuses.get(p.pk, "") if not fresh else "present"} for p in people]
        return render(request, "orglife/meeting_form.html", {
            "org": org, "meeting": meeting, "form": form, "rows": rows, "committee": sorted(committee),
            "statuses": AttendanceStatus.choices, "prefix": STATUS_PREFIX,
        }, status=status)


class MeetingDetailView(ScopedMixin, View):
    queryset = Meeting.objects.all()

    def get(self, request, pk):
        meeting = self.scoped_object(self.get_queryset().select_related("organization"), pk=pk)
        attendance = (meeting.attendance.restrict(request.user).select_related("person")
                      .order_by("status", "person__name_search"))
        return render(request, "orglife/meeting_detail.html", {
            "meeting": meeting, "attendance": attendance, "submissions": duty_link.submissions_of(meeting),
            "can_edit": can_change(request.user, meeting),
        })


class MeetingDeleteView(ScopedMixin, View):
    queryset = Meeting.objects.all()
    scope_action = "change"

    def post(self, request, pk):
        meeting = self.get_scoped(pk=pk)
        org_pk = meeting.organization_id
        services.meeting_delete(user=request.user, meeting=meeting)
        messages.success(request, _("Meeting deleted."))
        return redirect("orglife:ledger", org_pk)


class LedgerView(OrgMixin, View):
    """The branch's meetings of a year and the member × meeting attendance grid."""

    def get(self, request, pk):
        org = self.get_org(pk)
        year = _year(request)
        ledger = selectors.ledger(request.user, org, year)
        return render(request, "orglife/ledger.html", {
            "org": org, "ledger": ledger, "year": year,
            "kind_counts": [(label, ledger["by_kind"][value]) for value, label in MeetingKind.choices],
            "can_record": can_change(request.user, org),
        })


class LedgerPdfView(OrgMixin, View):
    """党员参会考勤登记册: one page of the grid per (up to) twelve meetings."""

    COLUMNS = 12

    def get(self, request, pk):
        org = self.get_org(pk)
        year = _year(request)
        ledger = selectors.ledger(request.user, org, year)
        meetings = ledger["meetings"]
        sheets = []
        for start in range(0, max(len(meetings), 1), self.COLUMNS):
            sheets.append({"meetings": meetings[start:start + self.COLUMNS], "rows": [
                {"row": row, "cells": row["cells"][start:start + self.COLUMNS]} for row in ledger["grid"]]})
        data = render_pdf("orglife/ledger_pdf.html", {
            "org": org, "year": year, "ledger": ledger, "sheets": sheets, "printed_on": datetime.date.today(),
            "title": "党员参会考勤登记册"}, request)
        return pdf_response(data, f"{org.name}-{year}-党员参会考勤登记册.pdf")


class RatesView(OrgMixin, View):
    """Attendance rates: per member for a branch, per organization holding meetings for a higher level."""

    def get(self, request, pk):
        org = self.get_org(pk)
        year = _year(request)
        start, end = selectors.year_bounds(year)
        context = {"org": org, "year": year, "total": selectors.rate_of(request.user, org, date_from=start,
                                                                        date_to=end)}
        if org.org_type in (OrgType.BRANCH, OrgType.GROUP):
            context["members"] = selectors.member_rates(request.user, org, date_from=start, date_to=end)
        else:
            context["branches"] = selectors.branch_rates(request.user, org, date_from=start, date_to=end)
        return render(request, "orglife/rates.html", context)


class AbsencesView(OrgMixin, View):
    """Members absent from organization life for six months, by township and branch."""

    def get(self, request, pk):
        org = self.get_org(pk)
        rows = selectors.absentees(request.user, org)
        return render(request, "orglife/absences.html", {
            "org": org, "rows": rows, "months": selectors.ABSENCE_MONTHS,
            "since": selectors.months_before(datetime.date.today(), selectors.ABSENCE_MONTHS),
            "kinds": [MeetingKind(k).label for k in ORGANIZATION_LIFE],
        })


# Training -----------------------------------------------------------------------------------------------------


class TrainingView(OrgMixin, View):
    """Person-times and hours per level and domain, and the classes, under an organization for a year."""

    def get(self, request, pk):
        org = self.get_org(pk)
        year = _year(request)
        totals = selectors.training_totals(request.user, org, year=year)
        levels, domains = dict(TrainingLevel.choices), dict(Organization._meta.get_field("domain").flatchoices)
        for row in totals["rows"]:
            row["level_label"], row["domain_label"] = levels.get(row["level"], ""), domains.get(row["domain"], "")
        return render(request, "orglife/training.html", {
            "org": org, "year": year, "totals": totals,
            "classes": selectors.classes(request.user, under=org, year=year).order_by("start_on"),
            "plans": TrainingPlan.objects.restrict(request.user).filter(
                subtree_q("org_path", [org.path]), year=year).select_related("organizer").order_by("org_path", "title"),
            "can_plan": can_change(request.user, org),
        })


class ClassDetailView(ScopedMixin, View):
    queryset = TrainingClass.objects.all()

    def get(self, request, pk):
        training_class = self.scoped_object(self.get_queryset().select_related("plan", "organizer"), pk=pk)
        participants = (training_class.participants.restrict(request.user).select_related("person__organization")
                        .order_by("person__org_path", "person__name_search"))
        return render(request, "orglife/class_detail.html", {
            "training_class": training_class, "participants": participants,
            "form": ClassForm(initial={name: getattr(training_class, name) for name in services.CLASS_FIELDS}),
            "can_edit": can_change(request.user, training_class),
        })

    def post(self, request, pk):
        training_class = self.scoped_object(self.get_queryset().restrict(request.user, "change"), pk=pk)
        form = ClassForm(request.POST)
        if form.is_valid():
            try:
                services.class_save(user=request.user, training_class=training_class, **form.cleaned_data)
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("Class saved."))
        else:
            messages.error(request, _("Check the class's details."))
        return redirect("orglife:class", training_class.pk)


class ArchiveView(ScopedMixin, View):
    """A person's training archive (培训档案)."""

    queryset = Person.objects.all()

    def get(self, request, pk):
        person = self.scoped_object(self.get_queryset().select_related("organization"), pk=pk)
        rows = list(selectors.archive(request.user, person))
        return render(request, "orglife/archive.html", {
            "person": person, "rows": rows, "days": sum(r.attended_days for r in rows),
            "hours": sum(r.training_class.hours for r in rows if r.attended_days),
        })

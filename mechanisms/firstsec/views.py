"""First-secretary pages: the roster, a dispatch with its month's calendar, reports and outcomes, the phone
check-in, late check-ins to approve, the monthly ranking within each village class, attendance, the elimination
list and the outcome figures.

Views parse input, call mechanisms.firstsec.services / selectors and render; every object comes through
``restrict(user, action)``, so outside the user's scope a page is a 404 as for a missing one.
"""
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from engines.duties import clock
from engines.standards.models import Assessment
from kernel.core.paging import paginate
from kernel.core.scope import CHANGE, scope_for
from kernel.core.views import ScopedMixin, can_change, error_messages
from kernel.orgs.models import Organization, OrgType
from kernel.orgs.views import under_filter
from kernel.people.models import Person

from . import selectors, services
from .attendance import month_minimums
from .forms import (
    ApproveForm,
    CheckInForm,
    CountyMonthForm,
    DecideForm,
    DecideListForm,
    DispatchForm,
    HalfYearReportForm,
    OutcomeForm,
    ReasonForm,
    RecallForm,
    ReplaceForm,
    RulesForm,
    WeeklyReportForm,
    YearForm,
)
from .library import MONTHLY_STANDARD, RATER
from .models import CheckIn, Dispatch, EliminationDecision, EliminationEntry, FirstsecRule, VillageClass
from .periods import last_complete_month, month_bounds, month_label, parse_month, week_start

WEEKDAYS = [gettext_lazy("Mon"), gettext_lazy("Tue"), gettext_lazy("Wed"), gettext_lazy("Thu"), gettext_lazy("Fri"),
            gettext_lazy("Sat"), gettext_lazy("Sun")]


def _run(request, service, **kwargs):
    try:
        return service(user=request.user, **kwargs)
    except (ValidationError, PermissionDenied) as error:
        error_messages(request, error)
        return None


def _date(value, default=None):
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return default


def _month(request, default=None) -> tuple[int, int]:
    """The ``month`` asked for (2025-06); else ``default``, else the month in progress."""
    try:
        year, month = parse_month(request.GET.get("month", ""))
        datetime.date(year, month, 1)
        return year, month
    except (ValueError, TypeError):
        today = clock.today()
        return default or (today.year, today.month)


def _shift(year: int, month: int, step: int) -> str:
    index = year * 12 + month - 1 + step
    return month_label(index // 12, index % 12 + 1)


def form_messages(request, form) -> None:
    """A form's refusals as the page's error messages (its fields are read leniently: only the form refuses)."""
    for message in form.non_field_errors():
        messages.error(request, message)


def _candidates(user):
    """People of the agencies and institutions in the user's scope, who may be sent."""
    return (Person.objects.restrict(user).filter(organization__status="active")
            .exclude(organization__domain__in=["rural", "community"]).select_related("organization")
            .order_by("organization__path", "name")[:500])


def _counties(user):
    """The committees (counties) whose first secretaries the user may run."""
    return Organization.objects.restrict(user, CHANGE).filter(org_type=OrgType.COMMITTEE, status="active")


class DispatchMixin(ScopedMixin):
    queryset = Dispatch.objects.select_related("person", "village", "township", "sending_org", "replaces", "post")

    def get_dispatch(self, pk) -> Dispatch:
        return self.get_scoped(pk=pk)


class IndexView(DispatchMixin, View):
    """The roster: counts in post of total, by sending unit or township, and the dispatches with filters."""

    def get(self, request):
        by = "township" if request.GET.get("by") == "township" else "sending_unit"
        status = request.GET.get("status", "")
        village_class = request.GET.get("class", "")
        q = request.GET.get("q", "").strip()
        dispatches = selectors.dispatches_for(request.user, status=status if status in Dispatch.Status.values else "",
                                              village_class=village_class if village_class in VillageClass.values
                                              else "", q=q, sending_unit=request.GET.get("unit", ""))
        own = Dispatch.objects.filter(person_id=scope_for(request.user).self_person_id,
                                      status=Dispatch.Status.IN_POST).first()
        page = paginate(request, dispatches.select_related("person", "village", "township")
                        .order_by("org_path", "-started_on", "pk"))
        return render(request, "firstsec/index.html", {
            "by": by, "rows": selectors.roster(request.user, by=by), "totals": selectors.roster_totals(request.user),
            "dispatches": page["rows"], "page": page,
            "statuses": Dispatch.Status.choices, "classes": VillageClass.choices, "status": status,
            "village_class": village_class, "q": q, "own": own,
            "can_dispatch": _counties(request.user).exists() or bool(scope_for(request.user).roots("people", CHANGE)),
        })


class DispatchCreateView(DispatchMixin, View):
    def _context(self, request, **extra):
        villages = (Organization.objects.restrict(request.user, CHANGE)
                    .filter(org_type=OrgType.BRANCH, domain="rural", status="active").order_by("path")[:2000])
        units = (Organization.objects.restrict(request.user).filter(status="active")
                 .exclude(domain="rural").exclude(domain="community").order_by("path")[:500])
        return {"villages": villages, "units": units, "classes": VillageClass.choices,
                "candidates": _candidates(request.user), **extra}

    def get(self, request):
        return render(request, "firstsec/dispatch_form.html", self._context(request, data={}))

    def post(self, request):
        form = DispatchForm(request.POST, user=request.user)
        if not form.is_valid():
            form_messages(request, form)
            return render(request, "firstsec/dispatch_form.html", self._context(request, data=form.data),
                          status=400)
        person, village = form.cleaned_data["person"], form.cleaned_data["village"]
        dispatch = _run(request, services.dispatch_create, **form.cleaned_data)
        if dispatch is None:
            return render(request, "firstsec/dispatch_form.html", self._context(request, data=form.data),
                          status=400)
        messages.success(request, _("%(name)s is sent to %(village)s.") % {"name": person.name,
                                                                           "village": village.name})
        return redirect("firstsec:dispatch", dispatch.pk)


class DispatchView(DispatchMixin, View):
    def get(self, request, pk):
        dispatch = self.get_dispatch(pk)
        year, month = _month(request)
        start_month = datetime.date(year, month, 1)
        rule = month_minimums(services.rule_for(dispatch.village), [dispatch], *month_bounds(year, month))
        totals = selectors.attendance_totals([dispatch.person_id], start_month,
                                             month_bounds(year, month)[1]).get(dispatch.person_id, {})
        outcomes = dispatch.outcomes.all()
        return render(request, "firstsec/dispatch.html", {
            "dispatch": dispatch, "month": month_label(year, month), "previous": _shift(year, month, -1),
            "next": _shift(year, month, 1), "calendar": selectors.month_calendar(dispatch, year, month),
            "attendance": selectors.compliance(totals, rule), "pending": totals.get("pending", 0), "rule": rule,
            "missing": selectors.missing_weeks(dispatch), "weekly": selectors.reports(dispatch)[:12],
            "half_year": selectors.half_year_reports(dispatch)[:4], "outcomes": outcomes[:20],
            "outcome_sums": selectors._sums(outcomes),
            "can_change": can_change(request.user, dispatch), "is_self": services.is_self(request.user, dispatch),
            "replaced_by": Dispatch.objects.restrict(request.user).filter(replaces=dispatch).first(),
            "sheets": selectors.sheets_of(request.user, dispatch.person)[:12], "today": clock.today(),
            "candidates": _candidates(request.user) if can_change(request.user, dispatch) else [],
            "weekdays": WEEKDAYS,
        })


class RecallView(DispatchMixin, View):
    def post(self, request, pk):
        dispatch = self.get_dispatch(pk)
        form = RecallForm(request.POST)
        form.full_clean()
        if _run(request, services.dispatch_recall, dispatch=dispatch, **form.cleaned_data):
            messages.success(request, _("The first secretary is recalled."))
        return redirect("firstsec:dispatch", dispatch.pk)


class ReplaceView(DispatchMixin, View):
    def post(self, request, pk):
        dispatch = self.get_dispatch(pk)
        form = ReplaceForm(request.POST, user=request.user)
        if not form.is_valid():
            form_messages(request, form)
            return redirect("firstsec:dispatch", dispatch.pk)
        new = _run(request, services.dispatch_replace, dispatch=dispatch, **form.cleaned_data)
        return redirect("firstsec:dispatch", new.pk if new else dispatch.pk)


class CheckInView(DispatchMixin, View):
    """The phone page: today's check-in with the location the browser reports, and the month so far."""

    def _dispatch(self, request, pk):
        if pk is not None:
            return self.get_dispatch(pk)
        own = Dispatch.objects.filter(person_id=scope_for(request.user).self_person_id,
                                      status=Dispatch.Status.IN_POST).order_by("-started_on").first()
        return own

    def get(self, request, pk=None):
        dispatch = self._dispatch(request, pk)
        context = {"dispatch": dispatch, "today": clock.today()}
        if dispatch is not None:
            today = clock.today()
            rule = month_minimums(services.rule_for(dispatch.village), [dispatch], *month_bounds(today.year, today.month))
            totals = selectors.attendance_totals([dispatch.person_id], today.replace(day=1), today).get(
                dispatch.person_id, {})
            context.update(attendance=selectors.compliance(totals, rule), rule=rule,
                           recent=dispatch.checkins.order_by("-day")[:7],
                           checked_today=dispatch.checkins.filter(day=today).first())
        return render(request, "firstsec/checkin.html", context)

    def post(self, request, pk=None):
        dispatch = self._dispatch(request, pk)
        if dispatch is None:
            return redirect("firstsec:checkin_own")
        form = CheckInForm(request.POST)
        form.full_clean()
        checkin = _run(request, services.checkin_create, dispatch=dispatch, **form.service_fields())
        if checkin is not None:
            messages.success(request, _("Checked in for %(day)s.") % {"day": checkin.day.isoformat()}
                             if not checkin.late else
                             _("Entered late for %(day)s: it counts once the township approves it.")
                             % {"day": checkin.day.isoformat()})
        target = reverse("firstsec:checkin", args=[dispatch.pk]) if pk is not None else reverse("firstsec:checkin_own")
        return redirect(target)


class ApprovalsView(ScopedMixin, View):
    queryset = CheckIn.objects.all()

    def get(self, request):
        return render(request, "firstsec/approvals.html", {"checkins": selectors.pending_checkins(request.user)})


class ApproveView(ScopedMixin, View):
    queryset = CheckIn.objects.all()

    def post(self, request, pk):
        checkin = self.get_scoped(pk=pk)
        form = ApproveForm(request.POST)
        form.is_valid()
        if _run(request, services.checkin_approve, checkin=checkin, **form.service_fields()):
            messages.success(request, _("Decision saved."))
        return redirect("firstsec:approvals")


class WeeklyReportView(DispatchMixin, View):
    def get(self, request, pk):
        dispatch = self.get_dispatch(pk)
        monday = week_start(_date(request.GET.get("week"), clock.today()))
        return render(request, "firstsec/weekly.html", {
            "dispatch": dispatch, "week": monday, "missing": selectors.missing_weeks(dispatch),
            "reports": selectors.reports(dispatch)[:20]})

    def post(self, request, pk):
        dispatch = self.get_dispatch(pk)
        form = WeeklyReportForm(request.POST)
        form.full_clean()
        if _run(request, services.weekly_report_submit, dispatch=dispatch,
                week_start=week_start(form.cleaned_data["week"]), title=form.cleaned_data["title"],
                body=form.cleaned_data["body"]):
            messages.success(request, _("The week's report is filed."))
        return redirect("firstsec:weekly", dispatch.pk)


class HalfYearReportView(DispatchMixin, View):
    def post(self, request, pk):
        dispatch = self.get_dispatch(pk)
        form = HalfYearReportForm(request.POST)
        form.full_clean()
        if _run(request, services.half_year_report_submit, dispatch=dispatch, **form.service_fields()):
            messages.success(request, _("The half-yearly report is filed."))
        return redirect("firstsec:dispatch", dispatch.pk)


class OutcomeAddView(DispatchMixin, View):
    def post(self, request, pk):
        dispatch = self.get_dispatch(pk)
        form = OutcomeForm(request.POST)
        form.full_clean()
        if _run(request, services.outcome_add, dispatch=dispatch, **form.service_fields()):
            messages.success(request, _("Outcome logged."))
        return redirect("firstsec:dispatch", dispatch.pk)


class AssessmentMixin(ScopedMixin):
    queryset = Assessment.objects.filter(version__standard__code=MONTHLY_STANDARD)

    def get_assessment(self, pk) -> Assessment:
        """A month seen through its sheets in the user's scope (or run in it); otherwise 404."""
        found = selectors.monthly_assessments(self.request.user).filter(pk=pk).select_related("owner", "version")
        return get_object_or_404(found)


class RankingListView(AssessmentMixin, View):
    def get(self, request):
        assessments = selectors.monthly_assessments(request.user)
        latest = assessments.first()
        if latest is not None and not request.GET.get("all"):
            return redirect("firstsec:ranking", latest.pk)
        return render(request, "firstsec/rankings.html", {
            "assessments": assessments[:60], "counties": _counties(request.user), "today": clock.today()})


class RankingView(AssessmentMixin, View):
    def get(self, request, pk):
        assessment = self.get_assessment(pk)
        class_key = request.GET.get("class", "")
        sheets = selectors.ranking(request.user, assessment, class_key=class_key)
        attendance = {row["dispatch"].person_id: row for row in selectors.month_attendance(
            request.user, year=assessment.period_start.year, month=assessment.period_start.month,
            under=assessment.owner)}
        groups, last = [], selectors.last_ranks(assessment)
        for key, label in VillageClass.choices:
            rows = [s for s in sheets if s.class_key == key]
            if rows:
                groups.append({"key": key, "label": label, "sheets": [(s, attendance.get(s.person_id)) for s in rows],
                               "last": last.get(key)})
        return render(request, "firstsec/ranking.html", {
            "assessment": assessment, "groups": groups, "class_key": class_key, "classes": VillageClass.choices,
            "assessments": selectors.monthly_assessments(request.user)[:24],
            "can_run": can_change(request.user, assessment), "rater": RATER})


class RankingRunView(AssessmentMixin, View):
    """Creates (or refreshes the attendance of) a county's month, then computes its ranking."""

    def post(self, request):
        form = CountyMonthForm(request.POST)
        form.is_valid()
        county = self.scoped_object(_counties(request.user), pk=form.cleaned_data["county"])
        if form.cleaned_data["month"] is None:
            messages.error(request, _("Choose a month."))
            return redirect(reverse("firstsec:rankings") + "?all=1")
        year, month = form.cleaned_data["month"]
        assessment = _run(request, services.monthly_assessment, county=county, year=year, month=month)
        if assessment is None:
            return redirect(reverse("firstsec:rankings") + "?all=1")
        _run(request, services.monthly_results, assessment=assessment)
        messages.success(request, _("Attendance filled from the check-ins and the ranking computed."))
        return redirect("firstsec:ranking", assessment.pk)


class AttendanceView(DispatchMixin, View):
    def get(self, request):
        # by default the last complete month: in the month in progress nobody can have met the minimums yet
        year, month = _month(request, default=last_complete_month(clock.today()))
        under, choices = under_filter(request.user, request.GET.get("under"))
        rows = selectors.month_attendance(request.user, year=year, month=month, under=under)
        return render(request, "firstsec/attendance.html", {
            "rows": rows, "month": month_label(year, month), "previous": _shift(year, month, -1),
            "next": _shift(year, month, 1), "compliant": sum(1 for row in rows if row["compliant"]),
            "under": under, "under_choices": choices, "under_query": f"&under={under.pk}" if under else ""})


class EliminationView(ScopedMixin, View):
    queryset = EliminationEntry.objects.all()

    def get(self, request):
        return render(request, "firstsec/elimination.html", {
            "entries": selectors.elimination_list(request.user)[:300], "counties": _counties(request.user),
            "decisions": [c for c in EliminationEntry.Decision.choices if c[0]], "today": clock.today(),
            "acts": EliminationDecision.objects.restrict(request.user).select_related("county")[:20]})


class EliminationEvaluateView(ScopedMixin, View):
    queryset = EliminationEntry.objects.all()

    def post(self, request):
        form = CountyMonthForm(request.POST)
        form.is_valid()
        county = self.scoped_object(_counties(request.user), pk=form.cleaned_data["county"])
        year, month = form.cleaned_data["month"] or (clock.today().year, clock.today().month)
        entries = _run(request, services.elimination_evaluate, county=county, year=year, month=month)
        if entries is not None:
            messages.success(request, _("%(count)s on the list for %(month)s.") % {
                "count": len(entries), "month": month_label(year, month)})
        return redirect("firstsec:elimination")


def _decide(request, decisions, *, confirm: bool):
    """Previews a decision on the list, or records it once its preview was confirmed."""
    try:
        act = services.elimination_decide(user=request.user, decisions=decisions, confirm=confirm)
    except services.NeedsConfirmation as needed:
        return render(request, "firstsec/elimination_preview.html", {
            "preview": needed.details, "decisions": decisions,
            "groups": [(value, label, needed.details["rows"][value])
                       for value, label in EliminationEntry.Decision.choices if value]})
    except (ValidationError, PermissionDenied) as error:
        error_messages(request, error)
        return redirect("firstsec:elimination")
    messages.success(request, _("Decision saved."))
    return redirect("firstsec:elimination_decision", act.pk)


class EliminationDecideView(ScopedMixin, View):
    """One entry's decision (its buttons on the list), through the same preview."""

    queryset = EliminationEntry.objects.all()

    def post(self, request, pk):
        entry = self.get_scoped(pk=pk)
        form = DecideForm(request.POST)
        form.is_valid()
        data = form.cleaned_data
        return _decide(request, [{"entry": entry.pk, "decision": data["decision"], "note": data["note"]}],
                       confirm=data["confirm"])


class EliminationDecideListView(ScopedMixin, View):
    """The decision on several entries of a month's list (``decision_<entry id>``, ``note_<entry id>``)."""

    queryset = EliminationEntry.objects.all()

    def post(self, request):
        form = DecideListForm(request.POST)
        form.is_valid()
        chosen = form.cleaned_data["chosen"]
        visible = set(self.scoped.filter(pk__in=chosen).values_list("pk", flat=True))
        if set(chosen) - visible:
            raise Http404
        return _decide(request, form.decisions(), confirm=form.cleaned_data["confirm"])


class EliminationDecisionView(ScopedMixin, View):
    """One elimination decision: whom it kept, warned and recalled, and its withdrawal (撤销) with a reason."""

    queryset = EliminationDecision.objects.select_related("county", "decided_user", "withdrawn_user")

    def get_decision(self, pk) -> EliminationDecision:
        return self.get_scoped(pk=pk)

    def get(self, request, pk):
        act = self.get_decision(pk)
        entries = act.entries.restrict(request.user).select_related("person", "dispatch__village").order_by(
            "org_path", "pk")
        return render(request, "firstsec/elimination_decision.html", {
            "decision": act, "entries": [(entry, act.previous.get(str(entry.pk), {})) for entry in entries],
            "can_run": can_change(request.user, act)})


class EliminationDecisionWithdrawView(EliminationDecisionView):
    scope_action = "change"

    def post(self, request, pk):
        act = self.get_decision(pk)
        form = ReasonForm(request.POST)
        form.is_valid()
        if _run(request, services.elimination_decision_withdraw, decision=act, reason=form.cleaned_data["reason"]):
            messages.success(request, _("The decision was withdrawn: its entries await a decision again."))
        return redirect("firstsec:elimination_decision", act.pk)


class OutcomesView(ScopedMixin, View):
    queryset = Dispatch.objects.all()

    def get(self, request):
        form = YearForm(request.GET)
        form.full_clean()
        year = form.cleaned_data["year"] or None
        totals = selectors.outcome_totals(request.user, year=year)
        chart = {"units": [row["dispatch__sending_unit"] for row in totals["by_unit"]],
                 "visits": [row["visits"] or 0 for row in totals["by_unit"]],
                 "problems": [row["problems"] or 0 for row in totals["by_unit"]],
                 "disputes": [row["disputes"] or 0 for row in totals["by_unit"]],
                 "projects": [row["projects"] or 0 for row in totals["by_unit"]],
                 "funds": [float(row["funds"] or 0) for row in totals["by_unit"]]}
        return render(request, "firstsec/outcomes.html", {
            "totals": totals, "chart": chart, "roster": selectors.roster_totals(request.user), "year": year})


class RulesView(ScopedMixin, View):
    """A county's settings: attendance minimums, the back-filling window and the elimination rule."""

    queryset = FirstsecRule.objects.all()

    def _rows(self, request):
        return [{"organization": county, "rule": services.rule_for(county)} for county in _counties(request.user)]

    def get(self, request):
        return render(request, "firstsec/rules.html", {"rows": self._rows(request)})

    def post(self, request):
        form = RulesForm(request.POST)
        form.full_clean()
        county = self.scoped_object(_counties(request.user), pk=form.cleaned_data["organization"])
        if _run(request, services.rule_save, organization=county, **form.service_fields()):
            messages.success(request, _("Settings saved."))
        return redirect("firstsec:rules")

"""Reporting pages: reports per period with their state, writing a report and reviewing it, inspections with
findings, supervision notices (list by township, detail with rectification and closure, printable PDF) and
the secretaries' two-way reports with their score sheets and evaluations.

Views parse input, call mechanisms.reporting.services / selectors and render; every object comes through
``restrict(user, action)``, so outside the user's scope a page is a 404 as for a missing one.
"""
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views import View

from engines.duties import clock
from engines.duties.models import DutyRule, Obligation, ObligationState, Submission
from engines.duties.services import submit as duty_submit
from kernel.core import official
from kernel.core.paging import paginate
from kernel.core.tree import subtree_q
from kernel.core.views import ScopedMixin, can_change, error_messages, int_or_none
from kernel.orgs.models import Organization

from . import selectors, services
from .documents import notice_document, notice_filename, notice_numbers
from .forms import (
    EvaluationForm,
    FindingForm,
    InspectionForm,
    NoticeForm,
    PeriodForm,
    RectificationForm,
    ReportForm,
    ReportReviewForm,
    ReviewForm,
    TwoWayActionForm,
)
from .library import REPORT_RULES, TWO_WAY_RULE
from .models import Finding, Inspection, NoticeStatus, SupervisionNotice
from .pdf import pdf_response, render_official


def _first(*values):
    """The first of the values that is given (a number, even 0, is; None is not)."""
    return next(value for value in values if value is not None)


def _form_errors(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def _top(user) -> Organization | None:
    return Organization.objects.restrict(user).order_by("path").first()


def _under(request) -> Organization | None:
    chosen = int_or_none(request.GET.get("under"))
    if chosen is None:
        return _top(request.user)
    org = Organization.objects.restrict(request.user).filter(pk=chosen).first()
    if org is None:
        raise Http404
    return org


def _sheet_url(sheet) -> str:
    try:
        return reverse("standards:sheet", args=[sheet.pk]) if sheet else ""
    except NoReverseMatch:
        return f"/standards/sheets/{sheet.pk}/"


class ObligationMixin(ScopedMixin):
    queryset = Obligation.objects.filter(rule__code__in=[*REPORT_RULES, TWO_WAY_RULE])


class ReportListView(ObligationMixin, View):
    """Reports of one rule and period in the user's scope, with each one's state and latest report."""

    def get(self, request):
        rules = selectors.report_rules()
        if not rules:
            return render(request, "reporting/reports.html", {"rules": []})
        rule = next((r for r in rules if r.code == request.GET.get("rule")), rules[0])
        year = int_or_none(request.GET.get("year"), clock.today().year)
        periods = selectors.periods(rule, year)
        period = request.GET.get("period") if request.GET.get("period") in periods else periods[0]
        under = _under(request)
        rows = selectors.reports(request.user, rule, period, under=under) if under else []
        page = paginate(request, rows)
        for row in page["rows"]:
            row.can_write = can_change(request.user, row)
            row.can_review = bool(row.latest and row.latest.review == Submission.Review.PENDING
                                  and row.owed_to and can_change(request.user, row.owed_to))
        counts = {}
        for row in rows:
            counts[row.state] = counts.get(row.state, 0) + 1
        states = [(label, counts[state]) for state, label in ObligationState.choices if counts.get(state)]
        return render(request, "reporting/reports.html", {
            "rules": rules, "rule": rule, "year": year, "periods": periods, "period": period, "rows": page["rows"],
            "states": states, "under": under, "page": page,
        })


class ReportWriteView(ObligationMixin, View):
    scope_action = "change"

    def _obligation(self, pk):
        return self.scoped_object(self.get_queryset().select_related("rule", "organization", "person"), pk=pk)

    def get(self, request, pk):
        obligation = self._obligation(pk)
        title = f"{obligation.organization or obligation.person} · {obligation.rule.name} · {official.period_text(obligation.period_label)}"
        return render(request, "reporting/write.html", {
            "obligation": obligation, "form": ReportForm(initial={"title": title}),
            "submissions": obligation.submissions.order_by("-submitted_on", "-pk"),
        })

    def post(self, request, pk):
        obligation = self._obligation(pk)
        form = ReportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                duty_submit(user=request.user, rule=obligation.rule,
                            subject=obligation.person or obligation.organization,
                            occurred_on=obligation.period_start, period_start=obligation.period_start,
                            title=data["title"], body=data["body"], attachment=data["attachment"])
            except ValidationError as error:
                form.add_error(None, error)
            except PermissionDenied:
                raise Http404 from None
            else:
                messages.success(request, _("Report sent for review."))
                return redirect("reporting:write", obligation.pk)
        return render(request, "reporting/write.html", {
            "obligation": obligation, "form": form,
            "submissions": obligation.submissions.order_by("-submitted_on", "-pk")}, status=400)


class ReviewView(ScopedMixin, View):
    """The recipient reads a report and accepts it or returns it with a note."""

    queryset = Submission.objects.filter(rule__code__in=[*REPORT_RULES, TWO_WAY_RULE])

    def _submission(self, pk):
        submission = self.scoped_object(self.get_queryset().select_related(
            "rule", "organization", "person", "obligation__owed_to"), pk=pk)
        return submission

    def _can_review(self, request, submission) -> bool:
        owed_to = submission.obligation.owed_to if submission.obligation else None
        return bool(owed_to and can_change(request.user, owed_to) and submission.review == Submission.Review.PENDING)

    def get(self, request, pk):
        submission = self._submission(pk)
        return render(request, "reporting/review.html", {
            "submission": submission, "form": ReviewForm(), "can_review": self._can_review(request, submission)})

    def post(self, request, pk):
        submission = self._submission(pk)
        if not self._can_review(request, submission):
            raise Http404
        form = ReportReviewForm(request.POST)
        form.is_valid()
        accept = form.accepted()
        try:
            services.report_review(user=request.user, submission=submission, accept=accept,
                                   note=form.cleaned_data.get("note") or "")
        except ValidationError as error:
            error_messages(request, error)
            return redirect("reporting:review", submission.pk)
        except PermissionDenied:
            raise Http404 from None
        messages.success(request, _("Report accepted.") if accept else _("Report returned for revision."))
        return redirect("reporting:review", submission.pk)


class InspectionMixin(ScopedMixin):
    queryset = Inspection.objects.all()


class InspectionListView(InspectionMixin, View):
    def get(self, request):
        page = paginate(request, selectors.inspections(request.user))
        form = InspectionForm(user=request.user)
        return render(request, "reporting/inspections.html", {
            "inspections": page["rows"], "page": page, "page_path": request.path,
            "form": form if form.fields["organization"].queryset.exists() else None})

    def post(self, request):
        form = InspectionForm(request.POST, user=request.user)
        if not form.is_valid():
            _form_errors(request, form)
            return redirect("reporting:inspections")
        try:
            inspection = services.inspection_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            error_messages(request, error)
            return redirect("reporting:inspections")
        except PermissionDenied:
            raise Http404 from None
        return redirect("reporting:inspection", inspection.pk)


class InspectionDetailView(InspectionMixin, View):
    def _inspection(self, pk):
        return self.scoped_object(self.get_queryset().select_related("organization"), pk=pk)

    def _below(self, request, inspection):
        return (Organization.objects.restrict(request.user).filter(subtree_q("path", [inspection.org_path]))
                .exclude(path=inspection.org_path).filter(status="active").order_by("path"))

    def get(self, request, pk):
        inspection = self._inspection(pk)
        editable = can_change(request.user, inspection)
        findings = list(selectors.inspection_detail(request.user, inspection))
        for finding in findings:
            finding.the_notice = SupervisionNotice.objects.filter(finding=finding).first()
        return render(request, "reporting/inspection.html", {
            "inspection": inspection, "findings": findings, "can_edit": editable,
            "finding_form": FindingForm(organizations=self._below(request, inspection)) if editable else None,
            "notice_form": NoticeForm(initial={
                "deadline": clock.today() + datetime.timedelta(days=30),
                "number": official.suggested_number(inspection.organization.name, "notice", clock.today().year,
                                                    taken=notice_numbers(inspection.organization))}),
        })

    def post(self, request, pk):
        inspection = self._inspection(pk)
        if not can_change(request.user, inspection):
            raise Http404
        form = FindingForm(request.POST, organizations=self._below(request, inspection))
        if not form.is_valid():
            _form_errors(request, form)
        else:
            try:
                services.finding_add(user=request.user, inspection=inspection, **form.cleaned_data)
            except ValidationError as error:
                error_messages(request, error)
            else:
                messages.success(request, _("Finding recorded."))
        return redirect("reporting:inspection", inspection.pk)


class NoticeIssueView(ScopedMixin, View):
    queryset = Finding.objects.all()
    scope_action = "view"

    def post(self, request, pk):
        finding = self.scoped_object(self.get_queryset().select_related("inspection"), pk=pk)
        if not can_change(request.user, finding.inspection):
            raise Http404
        form = NoticeForm(request.POST)
        if not form.is_valid():
            _form_errors(request, form)
            return redirect("reporting:inspection", finding.inspection_id)
        try:
            notice = services.notice_issue(user=request.user, finding=finding, **form.cleaned_data)
        except ValidationError as error:
            error_messages(request, error)
            return redirect("reporting:inspection", finding.inspection_id)
        messages.success(request, _("Supervision notice issued."))
        return redirect("reporting:notice", notice.pk)


class NoticeMixin(ScopedMixin):
    queryset = SupervisionNotice.objects.all()

    def notice(self, pk):
        return self.scoped_object(self.get_queryset().select_related(
            "organization", "issuer", "finding__inspection", "obligation"), pk=pk)


class NoticeListView(NoticeMixin, View):
    def get(self, request):
        status = request.GET.get("status", "")
        if status not in ("", selectors.OVERDUE, *NoticeStatus.values):
            status = ""
        under = _under(request)
        page = paginate(request, selectors.notices(request.user, status=status, under=under) if under else [])
        return render(request, "reporting/notices.html", {
            "notices": page["rows"], "page": page, "page_path": request.path, "status": status,
            "statuses": NoticeStatus.choices,
            "counts": selectors.notice_counts(request.user, under) if under else [], "under": under,
            "today": clock.today(),
        })


class NoticeDetailView(NoticeMixin, View):
    def get(self, request, pk):
        notice = self.notice(pk)
        is_issuer = can_change(request.user, notice.issuer)
        return render(request, "reporting/notice.html", {
            "notice": notice, "rectifications": notice.rectifications.all(), "today": clock.today(),
            "can_rectify": can_change(request.user, notice) and notice.status != NoticeStatus.CLOSED,
            "is_issuer": is_issuer, "rectification_form": RectificationForm(), "review_form": ReviewForm(),
        })


class NoticeActionView(NoticeMixin, View):
    """POST rectify (the organization), close or reopen (the issuer)."""

    def post(self, request, pk, action):
        notice = self.notice(pk)
        try:
            if action == "rectify":
                form = RectificationForm(request.POST, request.FILES)
                if not form.is_valid():
                    _form_errors(request, form)
                    return redirect("reporting:notice", notice.pk)
                services.rectification_submit(user=request.user, notice=notice, text=form.cleaned_data["text"],
                                              attachment=form.cleaned_data["attachment"])
                messages.success(request, _("Rectification sent to the issuer."))
            elif action in ("close", "reopen"):
                form = ReviewForm(request.POST)
                form.is_valid()
                note = form.cleaned_data.get("note") or ""
                if action == "close":
                    services.notice_close(user=request.user, notice=notice, note=note)
                    messages.success(request, _("Notice closed."))
                else:
                    services.notice_reopen(user=request.user, notice=notice, note=note)
                    messages.success(request, _("Notice reopened."))
            else:
                raise Http404
        except ValidationError as error:
            error_messages(request, error)
        except PermissionDenied:
            raise Http404 from None
        return redirect("reporting:notice", notice.pk)


class NoticePdfView(NoticeMixin, View):
    def get(self, request, pk):
        notice = self.notice(pk)
        data = render_official("reporting/notice_pdf.html", notice_document(notice), request)
        return pdf_response(data, notice_filename(notice))


class TwoWayView(ObligationMixin, View):
    """The secretaries' two-way reports of a half-year: report, score sheet (standards engine), evaluation."""

    def _period(self, request):
        today = clock.today()
        asked, posted = PeriodForm(request.GET), PeriodForm(request.POST)
        asked.is_valid()
        posted.is_valid()
        year = _first(asked.cleaned_data["year"], posted.cleaned_data["year"], today.year)
        half = _first(asked.cleaned_data["half"], posted.cleaned_data["half"], 1 if today.month <= 6 else 2)
        return year, half if half in (1, 2) else 1

    def get(self, request):
        year, half = self._period(request)
        under = _under(request)
        rows = selectors.two_way(request.user, year, half, under=under) if under else []
        for row in rows:
            row.sheet_url = _sheet_url(row.sheet)
            row.can_evaluate = bool(row.owed_to and can_change(request.user, row.owed_to))
            row.can_review = bool(row.latest and row.latest.review == Submission.Review.PENDING and row.can_evaluate)
        assessable = Organization.objects.restrict(request.user, "change").filter(
            org_type__in=["committee", "party_committee"]).order_by("path")[:50]
        return render(request, "reporting/two_way.html", {
            "rows": rows, "year": year, "half": half, "period": f"{year}-H{half}", "under": under,
            "assessable": assessable,
            "evaluation_form": EvaluationForm(), "rule": DutyRule.objects.filter(code=TWO_WAY_RULE).first(),
        })

    def post(self, request):
        year, half = self._period(request)
        form = TwoWayActionForm(request.POST)
        form.is_valid()
        try:
            if form.cleaned_data["action"] == "assess":
                owner = Organization.objects.restrict(request.user, "change").filter(
                    pk=form.cleaned_data["owner"]).first()
                if owner is None:
                    raise Http404
                assessment = services.two_way_assessment(user=request.user, owner=owner, year=year, half=half)
                messages.success(request, _("%(count)s score sheets ready.") % {"count": assessment.sheets.count()})
            else:
                obligation = self.scoped_object(self.get_queryset().select_related("person", "owed_to"),
                                                pk=form.cleaned_data["obligation"])
                if not obligation.owed_to or not can_change(request.user, obligation.owed_to):
                    raise Http404
                services.two_way_evaluate(user=request.user, person=obligation.person,
                                          period_label=obligation.period_label, evaluated_by=obligation.owed_to,
                                          opinion=form.cleaned_data.get("opinion") or "")
                messages.success(request, _("Evaluation recorded."))
        except ValidationError as error:
            error_messages(request, error)
        except PermissionDenied:
            raise Http404 from None
        return redirect(f"{reverse('reporting:two_way')}?year={year}&half={half}")

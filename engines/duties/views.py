"""The duties pages: my to-do list, the duty calendar, the overdue board, obligations, submissions,
review and late-entry approval.

Views parse input, call engines.duties.services and engines.duties.selectors, and render. Obligations and submissions
come through ``restrict(user, action)``: outside the user's scope a page is a 404 as for a missing one.
Submitting needs the subject inside the user's change scope; reviewing and approving need the
recipient (the organization owed) inside it.
"""
import calendar as month_calendar
import datetime
from collections import defaultdict

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Min
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views import View

from kernel.core import paging
from kernel.core import todo as todo_sources
from kernel.core.scope import CHANGE, VIEW
from kernel.core.views import ScopedMixin, can_change
from kernel.core.widgets import IsoDateInput
from kernel.core.xlsx_stream import iter_xlsx
from kernel.orgs.models import Organization
from kernel.orgs.views import scope_root

from . import clock, selectors, services
from .forms import DecisionForm
from .models import DutyKind, DutyRule, Notice, Obligation, ObligationState, Submission
from .urging import may_urge, received

SECTION = "duties"
PAGE_SIZE = 50
MAX_ATTACHMENT = 20 * 1024 * 1024
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The kinds a person discharges with the generic form; meetings, trainings and rectifications have their own pages.
FORM_KINDS = (DutyKind.REPORT, DutyKind.RECORD, DutyKind.OTHER)
# Board and chart order: the good first, then what still can be saved, then what is lost.
STATE_ORDER = [ObligationState.DONE, ObligationState.LATE, ObligationState.OPEN, ObligationState.OVERDUE,
               ObligationState.MISSED, ObligationState.WAIVED]
RAG_LABELS = {"red": gettext_lazy("Red"), "amber": gettext_lazy("Amber"), "green": gettext_lazy("Green")}
STATE_COLOURS = {"done": "#198754", "late": "#20c997", "open": "#adb5bd", "overdue": "#fd7e14",
                 "missed": "#b71c1c", "waived": "#dee2e6"}


# --- helpers -------------------------------------------------------------------------------------------------------

def context(**values) -> dict:
    return {"section": SECTION, "states": ObligationState, **values}


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def int_param(request, name, default=None):
    value = request.GET.get(name, "")
    try:
        return int(value)
    except ValueError:
        return default


def org_from_query(user, value):
    """The organization ``value`` names, through the user's scope (404 outside it); None when not given."""
    if value in (None, ""):
        return None
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return get_object_or_404(Organization.objects.restrict(user), pk=pk)


def visible_rules(user):
    return DutyRule.objects.restrict(user).order_by("code")


def rule_from_query(user, value):
    if not str(value or "").isdigit():
        return None
    return visible_rules(user).filter(pk=int(value)).first()


def paginate(request, queryset, size=PAGE_SIZE) -> dict:
    """One page of ``queryset`` without counting the whole of it."""
    number = max(int_param(request, "page", 1) or 1, 1)
    rows = list(queryset[(number - 1) * size: number * size + 1])
    query = request.GET.copy()
    query.pop("page", None)
    return {"rows": rows[:size], "page_number": number, "has_previous": number > 1,
            "has_next": len(rows) > size, "query_string": query.urlencode()}


def recipient_of(obligation):
    """The organization that reviews and approves what discharges ``obligation``."""
    if obligation.owed_to_id:
        return obligation.owed_to
    subject_org = obligation.organization or (obligation.person.organization if obligation.person_id else None)
    return subject_org.parent if subject_org is not None and subject_org.parent_id else subject_org


def can_decide(user, submission) -> bool:
    """Whether ``user`` may review or approve ``submission``: the recipient lies in their change scope."""
    return submission.obligation_id is not None and selectors.can_decide(user, submission)


def error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- my to-do list -------------------------------------------------------------------------------------------------

class TodoView(ScopedMixin, View):
    """Everything the user's organizations owe or must decide, from every engine and mechanism (kernel.core.todo),
    sorted by deadline and paged; the user's unread notices folded below."""

    queryset = Obligation.objects.all()
    NOTICES_SHOWN = 20

    def get(self, request):
        today = clock.today()
        page = paging.paginate(request, todo_sources.collect(request.user, today))
        unread = list(selectors.notices(request.user, unread=True)[: self.NOTICES_SHOWN + 1])
        notice_count = len(unread) if len(unread) <= self.NOTICES_SHOWN else selectors.notices(
            request.user, unread=True).count()
        return render(request, "duties/todo.html", context(
            today=today, page=page, page_path=request.path, notices=unread[: self.NOTICES_SHOWN],
            notice_count=notice_count, urgings=list(received(request.user, today)[: self.NOTICES_SHOWN])))


class NoticeReadView(View):
    """Marks one of the user's notices read (or all of them with ``all``); nobody else's notice is found."""

    scope_exempt = "a user's own notices, looked up by user"

    def post(self, request, pk=None):
        if not request.user.is_authenticated:
            raise Http404
        notices = Notice.objects.filter(user=request.user, read_at__isnull=True)
        if pk is not None:
            notices = notices.filter(pk=pk)
            if not notices.exists():
                raise Http404
        notices.update(read_at=timezone.now())
        if is_htmx(request):
            return HttpResponse("")
        return redirect("duties:todo")


# --- calendar ------------------------------------------------------------------------------------------------------

class CalendarView(ScopedMixin, View):
    """A month of deadlines in the user's scope: per day, each rule with its obligations counted by state."""

    queryset = Obligation.objects.all()

    def get(self, request):
        today = clock.today()
        year = int_param(request, "year", today.year)
        month = int_param(request, "month", today.month)
        if not (1 <= month <= 12 and 1900 <= year <= 2200):
            raise Http404
        first = datetime.date(year, month, 1)
        grid = month_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
        due = due_by_day_and_rule(request.user, grid[0][0], grid[-1][-1])
        weeks = []
        for week in grid:
            weeks.append([{"date": day, "in_month": day.month == month, "today": day == today,
                           "rules": due.get(day, [])} for day in week])
        previous = first - datetime.timedelta(days=1)
        following = first + datetime.timedelta(days=32)
        return render(request, "duties/calendar.html", context(
            weeks=weeks, first=first, today=today,
            previous={"year": previous.year, "month": previous.month},
            next={"year": following.year, "month": following.month},
            weekdays=[date_format(cell["date"], "D") for cell in weeks[0]],
            state_colours=STATE_COLOURS))


def due_by_day_and_rule(user, first, last) -> dict:
    """{day: [{rule, total, worst state, counts per state, the obligation when it is the only one}]}: the
    obligations in the user's scope due between ``first`` and ``last``, counted in the database."""
    rows = (selectors.obligations(user, due_from=first, due_to=last).order_by()
            .values("due_on", "rule_id", "state").annotate(n=Count("pk"), one=Min("pk")))
    grouped: dict = {}
    for row in rows:
        entry = grouped.setdefault((row["due_on"], row["rule_id"]), {"total": 0, "counts": {}, "one": row["one"]})
        entry["total"] += row["n"]
        entry["counts"][row["state"]] = row["n"]
    rules = DutyRule.objects.in_bulk({rule_id for _day, rule_id in grouped})
    days: dict = defaultdict(list)
    for (day, rule_id), entry in sorted(grouped.items(), key=lambda item: (item[0][0], rules[item[0][1]].code)):
        counts = entry["counts"]
        days[day].append({
            "rule": rules[rule_id], "total": entry["total"],
            "worst": next((s for s in reversed(STATE_ORDER[:5]) if counts.get(s)), ObligationState.WAIVED),
            "single": entry["one"] if entry["total"] == 1 else None,
            "counts": [(state.value, state.label, counts[state]) for state in STATE_ORDER if counts.get(state)],
        })
    return days


# --- the overdue board ---------------------------------------------------------------------------------------------

class BoardMixin(ScopedMixin):
    queryset = Obligation.objects.all()

    def figures(self, request) -> dict:
        user = request.user
        root = org_from_query(user, request.GET.get("under")) or scope_root(user)
        year = int_param(request, "year", clock.today().year)
        rule = rule_from_query(user, request.GET.get("rule"))
        kind = None if rule is not None else kind_from_query(request.GET.get("kind"))
        rows = selectors.rollup(user, root, year=year, rule=rule, kind=kind) if root is not None else []
        rows = [board_row(row) for row in rows]
        total = next((row for row in rows if row["org"].pk == root.pk), None) if root else None
        children = [row for row in rows if root is None or row["org"].pk != root.pk]
        return {"root": root, "year": year, "rule": rule, "kind": kind or "", "total": total, "children": children,
                "filter_query": filter_query(rule, kind)}


def kind_from_query(value) -> str | None:
    """A DutyKind from the query (reports, meetings, …), or None."""
    return value if value in DutyKind.values else None


def filter_query(rule, kind) -> str:
    """The rule or kind the board and obligation list are narrowed to, as the query its links carry."""
    if rule is not None:
        return f"&rule={rule.pk}"
    return f"&kind={kind}" if kind else ""


def board_row(row: dict) -> dict:
    """A rollup row as the board shows it: the counts in STATE_ORDER, the on-time rate as a percentage."""
    rate = row.get("on_time_percent")
    return {
        "org": row["org"],
        "counts": {state.value: row.get(state.value, 0) for state in STATE_ORDER},
        "cells": [(state.value, row.get(state.value, 0)) for state in STATE_ORDER],
        "total": row.get("total", 0),
        "due": row.get("due", 0),
        "rate": None if rate is None or not row.get("due") else rate,
        "colour": row["colour"],
        "colour_label": RAG_LABELS.get(row["colour"], row["colour"]),
    }


class BoardView(BoardMixin, View):
    def get(self, request):
        figures = self.figures(request)
        chart = {
            "labels": [row["org"].display_name for row in figures["children"]],
            "series": [{"state": state.value, "name": str(state.label), "colour": STATE_COLOURS[state.value],
                        "data": [row["counts"][state.value] for row in figures["children"]]}
                       for state in STATE_ORDER if any(row["counts"][state.value] for row in figures["children"])],
        }
        show_waived = any(row["counts"][ObligationState.WAIVED] for row in figures["children"])
        breadcrumb = []
        if figures["root"] is not None:
            top = scope_root(request.user)
            visible = Organization.objects.restrict(request.user)
            ancestors = visible.filter(path__in=ancestor_prefixes(figures["root"].path)).order_by("depth")
            breadcrumb = [org for org in ancestors if top is None or org.depth >= top.depth]
        return render(request, "duties/board.html", context(
            **figures, chart=chart, breadcrumb=breadcrumb, rules=visible_rules(request.user),
            years=range(clock.today().year + 1, clock.today().year - 5, -1),
            state_order=[state for state in STATE_ORDER if state != ObligationState.WAIVED or show_waived],
            show_waived=show_waived, can_urge=figures["root"] is not None and may_urge(request.user, figures["root"]),
            query=request.GET.urlencode()))


def ancestor_prefixes(path: str) -> list[str]:
    from kernel.core.tree import ancestor_paths

    return [*ancestor_paths(path), path]


class BoardXlsxView(BoardMixin, View):
    def get(self, request):
        figures = self.figures(request)
        header = [_("Organization"), *[str(state.label) for state in STATE_ORDER], _("All obligations"),
                  _("On-time rate (%)"), _("Colour")]
        rows = [[row["org"].name, *[row["counts"][state.value] for state in STATE_ORDER], row["total"],
                 None if row["rate"] is None else float(row["rate"]), str(row["colour_label"])]
                for row in [*figures["children"], *([figures["total"]] if figures["total"] else [])]]
        title = f"{figures['year']}"
        response = StreamingHttpResponse(iter_xlsx(header, rows, title=title), content_type=XLSX_CONTENT_TYPE)
        name = figures["root"].name if figures["root"] else "duties"
        response["Content-Disposition"] = content_disposition_header(True, f"{name}-{figures['year']}.xlsx")
        return response


# --- obligations ---------------------------------------------------------------------------------------------------

class ObligationListView(ScopedMixin, View):
    queryset = Obligation.objects.all()

    def get(self, request):
        user = request.user
        under = org_from_query(user, request.GET.get("under"))
        rule = rule_from_query(user, request.GET.get("rule"))
        kind = None if rule is not None else kind_from_query(request.GET.get("kind"))
        state = request.GET.get("state", "")
        state = state if state in ObligationState.values else None
        period = request.GET.get("period", "").strip() or None
        due = parse_date(request.GET.get("due", "") or "")
        obligations = selectors.obligations(user, under=under, rule=rule, state=state, period=period,
                                            due_from=due, due_to=due, kind=kind)
        return render(request, "duties/obligation_list.html", context(
            under=under, rule=rule, kind=kind or "", state=state or "", period=period or "", due=due,
            rules=visible_rules(user), kind_choices=DutyKind.choices, state_choices=ObligationState.choices,
            **paginate(request, obligations)))


class ObligationMixin(ScopedMixin):
    queryset = Obligation.objects.select_related("rule", "version", "organization", "person", "owed_to")

    def get_obligation(self, pk, action=VIEW):
        obligation = get_object_or_404(self.queryset.restrict(self.request.user), pk=pk)
        if action == CHANGE and not can_change(self.request.user, obligation):
            raise PermissionDenied
        return obligation


def can_submit(user, obligation) -> bool:
    """Whether the generic form is offered: a document kind, the subject in the user's change scope, and
    the obligation not yet covered by what is counted or awaiting review."""
    if obligation.version.kind not in FORM_KINDS or obligation.state == ObligationState.WAIVED:
        return False
    if not can_change(user, obligation):
        return False
    waiting = obligation.submissions.filter(review=Submission.Review.PENDING).count()
    return obligation.done_count + waiting < obligation.required_count


class ObligationDetailView(ObligationMixin, View):
    def get(self, request, pk):
        obligation = self.get_obligation(pk)
        submissions = list(Submission.objects.restrict(request.user).filter(obligation=obligation)
                           .select_related("submitted_by", "reviewed_by", "approved_by").order_by("-created_at"))
        for submission in submissions:
            submission.can_decide = can_decide(request.user, submission)
        subject = obligation.organization or obligation.person
        history = [row for row in reversed(selectors.history(request.user, subject, rule=obligation.rule))
                   if row.pk != obligation.pk][:24]
        return render(request, "duties/obligation_detail.html", context(
            obligation=obligation, version=obligation.version, submissions=submissions, history=history,
            subject=subject, recipient=recipient_of(obligation), can_submit=can_submit(request.user, obligation),
            accepted_count=sum(1 for s in submissions if s.review == Submission.Review.ACCEPTED)))


# --- submissions ---------------------------------------------------------------------------------------------------

class SubmissionForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("document", "Title"), max_length=200,
                            widget=forms.TextInput(attrs={"class": "form-control"}))
    occurred_on = forms.DateField(label=gettext_lazy("Took place on"), required=False,
                                  widget=IsoDateInput(attrs={"class": "form-control"}))
    body = forms.CharField(label=gettext_lazy("Content"), required=False,
                           widget=forms.Textarea(attrs={"rows": 10, "class": "form-control"}))
    attachment = forms.FileField(label=gettext_lazy("Attachment"), required=False,
                                 widget=forms.ClearableFileInput(attrs={"class": "form-control"}))

    def __init__(self, *args, obligation, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.obligation, self.today = obligation, today
        self.is_report = obligation.version.kind == DutyKind.REPORT
        if self.is_report:
            del self.fields["occurred_on"]
        else:
            self.fields["occurred_on"].required = True
            self.fields["occurred_on"].help_text = _("Between %(start)s and %(end)s.") % {
                "start": obligation.period_start, "end": min(obligation.period_end, today)}

    def clean_occurred_on(self):
        day = self.cleaned_data["occurred_on"]
        if day and day > self.today:
            raise forms.ValidationError(_("The date lies in the future."))
        if day and not (self.obligation.period_start <= day <= self.obligation.period_end):
            raise forms.ValidationError(_("The date lies outside the period %(period)s.")
                                        % {"period": self.obligation.period_label})
        return day

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload and upload.size > MAX_ATTACHMENT:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("body") and not cleaned.get("attachment") and not self.errors:
            raise forms.ValidationError(_("Write the content or attach a document."))
        return cleaned

    def counted_on(self):
        """For a report, the day of its period nearest today: the report is counted for that period."""
        if not self.is_report:
            return self.cleaned_data["occurred_on"]
        return min(max(self.today, self.obligation.period_start), self.obligation.period_end)


class SubmitView(ObligationMixin, View):
    """The generic submission form for a report, a record or another document; from the to-do list or the
    obligation page."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.obligation = self.get_obligation(kwargs["pk"])
        if not can_submit(request.user, self.obligation):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, request, form):
        return render(request, "duties/submit.html", context(
            form=form, obligation=self.obligation, version=self.obligation.version,
            returned=Submission.objects.filter(obligation=self.obligation, review=Submission.Review.RETURNED)
            .order_by("-reviewed_at").first()))

    def get(self, request, pk):
        initial = {}
        returned = (Submission.objects.filter(obligation=self.obligation, review=Submission.Review.RETURNED)
                    .order_by("-reviewed_at").first())
        if returned is not None:
            initial = {"title": returned.title, "body": returned.body, "occurred_on": returned.occurred_on}
        else:
            initial = {"title": f"{self.obligation.rule.name} · {self.obligation.period_label}"}
        return self.render_form(request, SubmissionForm(initial=initial, obligation=self.obligation,
                                                        today=clock.today()))

    def post(self, request, pk):
        form = SubmissionForm(request.POST, request.FILES, obligation=self.obligation, today=clock.today())
        if not form.is_valid():
            return self.render_form(request, form)
        obligation = self.obligation
        try:
            submission = services.submit(
                user=request.user, rule=obligation.rule, subject=obligation.organization or obligation.person,
                occurred_on=form.counted_on(), title=form.cleaned_data["title"],
                body=form.cleaned_data.get("body") or "", attachment=form.cleaned_data.get("attachment"),
                period_start=obligation.period_start)
        except ValidationError as error:
            form.add_error(None, error_text(error))
            return self.render_form(request, form)
        if submission.approval == Submission.Approval.PENDING:
            messages.warning(request, _("Submitted after the time allowed: it counts once approved."))
        elif submission.review == Submission.Review.PENDING:
            messages.success(request, _("Submitted for review."))
        else:
            messages.success(request, _("Submitted."))
        return redirect("duties:obligation", pk=submission.obligation_id or obligation.pk)


class SubmissionMixin(ScopedMixin):
    queryset = Submission.objects.select_related("obligation__rule", "obligation__version", "obligation__owed_to",
                                                 "obligation__organization", "obligation__person", "rule",
                                                 "organization", "person", "submitted_by")

    def get_submission(self, pk, *, decide=False):
        submission = self.get_scoped(pk=pk)
        if decide and not can_decide(self.request.user, submission):
            raise PermissionDenied
        return submission


class AttachmentView(SubmissionMixin, View):
    def get(self, request, pk):
        submission = self.get_submission(pk)
        if not submission.attachment:
            raise Http404
        name = submission.attachment.name.rsplit("/", 1)[-1]
        return FileResponse(submission.attachment.open("rb"), as_attachment=True, filename=name)


class ReviewView(SubmissionMixin, View):
    """The recipient reads a submission and accepts it, or returns it for revision with a note."""

    template_name = "duties/review.html"
    pending = Submission.Review.PENDING
    decisions = {"accept": True, "return": False}

    def state_of(self, submission):
        return submission.review

    def get(self, request, pk):
        submission = self.get_submission(pk, decide=True)
        return self.render_page(request, submission, DecisionForm())

    def render_page(self, request, submission, form):
        return render(request, self.template_name, context(
            submission=submission, obligation=submission.obligation, form=form,
            is_pending=self.state_of(submission) == self.pending))

    def post(self, request, pk):
        submission = self.get_submission(pk, decide=True)
        form = DecisionForm(request.POST)
        valid = form.is_valid()
        yes = self.decisions.get(form.cleaned_data["decision"])
        if not valid or yes is None:
            return self.render_page(request, submission, form)
        if not yes and not form.cleaned_data["note"].strip():
            form.add_error("note", _("Say why."))
            return self.render_page(request, submission, form)
        try:
            self.decide(request, submission, yes, form.cleaned_data["note"].strip())
        except ValidationError as error:
            messages.error(request, error_text(error))
            return redirect(request.path)
        return redirect("duties:obligation", pk=submission.obligation_id)

    def decide(self, request, submission, yes, note):
        services.submission_review(user=request.user, submission=submission, accept=yes, note=note)
        messages.success(request, _("Accepted.") if yes else _("Returned for revision."))


class ApprovalView(ReviewView):
    """A record entered after the time allowed counts only once the recipient approves it."""

    template_name = "duties/approval.html"
    pending = Submission.Approval.PENDING

    decisions = {"approve": True, "refuse": False}

    def state_of(self, submission):
        return submission.approval

    def decide(self, request, submission, yes, note):
        services.submission_approve(user=request.user, submission=submission, approve=yes, note=note)
        messages.success(request, _("Approved: the entry counts.") if yes else _("Refused: the entry does not count."))


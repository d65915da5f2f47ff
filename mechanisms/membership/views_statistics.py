"""The party statistics annual report's pages: the report of an organization's subtree for a year (the reconciling
form, the leaving table, the closing members' tables, democratic evaluation, the further tables of
``statistics_grids`` — two-year comparison, leaving, probation, development, training, commendations —,
organizations, the reviewers' checks), the people behind any figure, the workbook, the submission upward as the base
committee's yearly duty, and its withdrawal while next year's report is not in."""
import datetime
import io
import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View
from openpyxl import Workbook

from engines.duties import services as duties
from engines.duties.models import DutyRule, Submission
from kernel.core import clock
from kernel.core.paging import paginate
from kernel.core.scope import CHANGE, VIEW, scope_for
from kernel.core.views import ScopedMixin, error_messages
from kernel.core.workbook_upload import header_row, put
from kernel.orgs.models import Organization, OrgType
from kernel.orgs.views import scope_root
from kernel.people.models import Member

from . import evaluation, statistics, statistics_grids, statistics_tables
from .library import STATISTICS_RULE
from .models import ExitReason
from .statistics import CATEGORY_LABELS, LEAVING, ROW_LABELS, TABLE_TITLES, TOTAL, UNRECORDED, Period
from .views import XLSX_CONTENT_TYPE

FLOW = ("opening", "joined", "moved_in", "came_in", "moved_out", "went_out", "left_total", "made_full", "closing")


def leaving_labels() -> dict:
    return {**dict(ExitReason.choices), UNRECORDED: _("Way of leaving not recorded")}


class StatisticsMixin(ScopedMixin):
    """The report's organization (the user's top one by default; 404 outside the people scope) and year (last
    year by default: the report is made after the year ends)."""

    scope_model = Member

    def period(self, request) -> Period:
        value = request.GET.get("root") or request.POST.get("root") or ""
        root = Organization.objects.filter(pk=int(value)).first() if value.isdigit() else scope_root(request.user)
        if root is None or not scope_for(request.user).covers(root.path, realm="people", action=VIEW):
            raise Http404
        year = request.GET.get("year") or request.POST.get("year") or ""
        today = clock.today()
        year = int(year) if year.isdigit() and 1950 <= int(year) <= today.year else today.year - 1
        return Period(root, year)


def _submission_of(root, year: int):
    return (Submission.objects.filter(rule__code=STATISTICS_RULE, organization=root,
                                      obligation__period_start=datetime.date(year, 1, 1)).order_by("-pk").first())


def _next_submission(period: Period):
    """Next year's report as submitted: once it is, this year's can no longer be withdrawn (its closing figures are
    next year's opening check)."""
    return _submission_of(period.root, period.year + 1)


def _last_submitted(period: Period) -> dict | None:
    """The figures of last year's report as submitted (its body), if it was."""
    submission = (Submission.objects.filter(rule__code=STATISTICS_RULE, organization=period.root,
                                            obligation__period_start=datetime.date(period.year - 1, 1, 1))
                  .order_by("-pk").first())
    if submission is None:
        return None
    try:
        return json.loads(submission.body).get("closing")
    except (ValueError, AttributeError):
        return None


class StatisticsView(StatisticsMixin, View):
    def get(self, request):
        period = self.period(request)
        data = statistics_tables.report(period)
        category = request.GET.get("category", "all")
        category = category if category in CATEGORY_LABELS else "all"
        rows = [*data["rows"], ("total", TOTAL)]
        reconciliation = data["reconciliation"]
        flow, leaving = [], []
        for path, name in rows:
            cell = reconciliation.get(path, {}).get(category)
            if cell is None and path != "total":
                continue
            cell = cell or statistics.blank_cell()
            flow.append({"path": path, "name": name, "balanced": cell["balanced"], "expected": cell["expected"],
                         "cells": [(key, cell[key], "left" if key == "left_total" else key) for key in FLOW]})
            leaving.append({"path": path, "name": name,
                            "cells": [(reason, cell["left"][reason], f"left:{reason}") for reason in LEAVING]})
        tables = []
        for key, title in TABLE_TITLES.items():
            columns = statistics.table_filters(period)[key]
            found = data["tables"].get(key, {})
            tables.append({"key": key, "title": title, "columns": [label for _key, label, _q in columns], "rows": [
                {"path": path, "name": name, "cells": [(found.get(path, {}).get(column, 0), f"{key}:{column}")
                                                       for column, _label, _q in columns]}
                for path, name in rows if path in found or path == "total"]})
        children = list(Organization.objects.filter(parent=period.root).order_by("path"))
        by_child = evaluation.grade_counts_by_child(request.user, period.root, period.year, children)
        grades = [(child.name, by_child.get(child.pk) or {}) for child in children]
        grades.append((TOTAL, evaluation.grade_counts(request.user, period.root, period.year)))
        grade_rows = [(name, counts.get("total") or 0, [counts.get(value) or 0 for value, _label in
                                                         evaluation.Grade.choices]) for name, counts in grades]
        submission = (Submission.objects.filter(rule__code=STATISTICS_RULE, organization=period.root,
                                                obligation__period_start=datetime.date(period.year, 1, 1))
                      .order_by("-pk").first())
        org_types = dict(OrgType.choices)
        return render(request, "membership/statistics.html", {
            "period": period, "category": category, "categories": CATEGORY_LABELS.items(), "flow": flow,
            "leaving": leaving, "flow_columns": [ROW_LABELS.get(key) or _("Left the party") for key in FLOW],
            "leaving_columns": [leaving_labels()[reason] for reason in LEAVING], "tables": tables,
            "grade_rows": grade_rows, "grade_columns": [label for _value, label in evaluation.Grade.choices],
            "organizations": [(org_types.get(kind, kind), n) for kind, n in data["organizations"]["by_type"].items()],
            "checks": statistics.checks(period, data, _last_submitted(period)), "submission": submission,
            "grids": statistics_grids.grids(period, data),
            "can_withdraw": submission is not None and scope_for(request.user).covers(
                period.root.path, realm="org", action=CHANGE) and _next_submission(period) is None,
            "years": range(clock.today().year, clock.today().year - 6, -1),
            "can_submit": period.root.org_type == OrgType.PARTY_COMMITTEE and scope_for(request.user).covers(
                period.root.path, realm="org", action=CHANGE),
            "query": f"root={period.root.pk}&year={period.year}"})


class StatisticsPeopleView(StatisticsMixin, View):
    """The members behind one figure."""

    def get(self, request):
        period = self.period(request)
        figure, row = request.GET.get("figure", ""), request.GET.get("row") or None
        if row == "total":
            row = None
        if row is not None and not row.startswith(period.root.path):
            raise Http404
        category = request.GET.get("category", "")
        rows = statistics_tables.people(period, figure, row=row, category=category if category in statistics.CATEGORIES
                                 else "")
        if rows is None:
            raise Http404
        return render(request, "membership/statistics_people.html", {
            "period": period, "page": paginate(request, rows), "figure": figure, "persons": rows.model is not Member,
            "back": f"{reverse('membership:statistics')}?root={period.root.pk}&year={period.year}"})


def workbook(period: Period, data: dict) -> bytes:
    """The report's tables in one workbook, a sheet each, rows the organizations, as the official forms lay them."""
    book = Workbook()
    book.remove(book.active)
    rows = [*data["rows"], ("total", str(TOTAL))]
    sheet = book.create_sheet(_("Member changes")[:31])
    columns = [str(ROW_LABELS.get(key) or _("Left the party")) for key in FLOW]
    header_row(sheet, [str(_("Organization")), str(_("Category")), *columns])
    line = 2
    for path, name in rows:
        for category, label in CATEGORY_LABELS.items():
            cell = data["reconciliation"].get(path, {}).get(category)
            if cell is None:
                continue
            for column, value in enumerate([name, str(label), *[cell[key] for key in FLOW]], start=1):
                put(sheet.cell(row=line, column=column), value)
            line += 1
    sheet = book.create_sheet(_("Leaving the party")[:31])
    labels = leaving_labels()
    header_row(sheet, [_("Organization"), *[str(labels[reason]) for reason in LEAVING], str(TOTAL)])
    for line, (path, name) in enumerate(rows, start=2):
        cell = data["reconciliation"].get(path, {}).get("all") or statistics.blank_cell()
        for column, value in enumerate([name, *[cell["left"][reason] for reason in LEAVING], cell["left_total"]],
                                       start=1):
            put(sheet.cell(row=line, column=column), value)
    for key, title in TABLE_TITLES.items():
        sheet = book.create_sheet(str(title)[:31])
        columns = statistics.table_filters(period)[key]
        header_row(sheet, [_("Organization"), *[str(label) for _key, label, _q in columns]])
        for line, (path, name) in enumerate(rows, start=2):
            cells = data["tables"].get(key, {}).get(path) or {}
            for column, value in enumerate([name, *[cells.get(k, 0) for k, _label, _q in columns]], start=1):
                put(sheet.cell(row=line, column=column), value)
    for grid in statistics_grids.grids(period, data):
        sheet = book.create_sheet(_sheet_title(book, grid["sheet"]))
        header_row(sheet, [grid["first"], *grid["columns"]])
        for line, row in enumerate(grid["rows"], start=2):
            for column, value in enumerate([row["name"], *[n for n, _link in row["cells"]]], start=1):
                put(sheet.cell(row=line, column=column), value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_title(book, title: str) -> str:
    """A sheet name Excel takes: none of the characters []:*?/ and backslash, at most 31 characters, not one the
    workbook has already."""
    clean = "".join(" " if char in "[]:*?/\\" else char for char in str(title)).strip()[:31] or "Sheet"
    name, n = clean, 2
    while name in book.sheetnames:
        suffix = f" {n}"
        name, n = clean[: 31 - len(suffix)] + suffix, n + 1
    return name


class StatisticsXlsxView(StatisticsMixin, View):
    def get(self, request):
        period = self.period(request)
        response = HttpResponse(workbook(period, statistics_tables.report(period)), content_type=XLSX_CONTENT_TYPE)
        filename = _("Party statistics %(year)s %(name)s.xlsx") % {"year": period.year, "name": period.root.name}
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response


class StatisticsSubmitView(StatisticsMixin, View):
    """The base committee submits the year's report upward: its yearly duty, done with the workbook attached and
    the closing figures kept for next year's check."""

    def post(self, request):
        period = self.period(request)
        back = f"{reverse('membership:statistics')}?root={period.root.pk}&year={period.year}"
        rule = DutyRule.objects.filter(code=STATISTICS_RULE).first()
        try:
            if rule is None:
                raise ValidationError(_("The duty rule “%(code)s” is not installed (manage.py install_shipped).") % {
                    "code": STATISTICS_RULE})
            if period.root.org_type != OrgType.PARTY_COMMITTEE:
                raise ValidationError(_("The annual report is submitted by a base committee."))
            if period.year >= clock.today().year:
                raise ValidationError(_("A year's report is submitted once the year is over."))
            if request.POST.get("confirm") != "1":
                raise ValidationError(_("Read the checks, then confirm the submission."))
            data = statistics_tables.report(period)
            attachment = ContentFile(workbook(period, data), name=f"statistics-{period.root.code}-{period.year}.xlsx")
            duties.submit(user=request.user, rule=rule, subject=period.root, occurred_on=clock.today(),
                          title=_("Party statistics annual report %(year)s") % {"year": period.year},
                          body=json.dumps({"closing": statistics.closing_figures(data)}),
                          attachment=attachment, period_start=datetime.date(period.year, 1, 1))
        except (ValidationError, PermissionDenied) as error:
            error_messages(request, error)
            return redirect(back)
        messages.success(request, _("The report is submitted to the committee above."))
        return redirect(back)


class StatisticsWithdrawView(StatisticsMixin, View):
    """Withdraws the year's submission: a preview of what it undoes (the duty open again, the kept closing figures
    dropped), then the confirmation. Allowed while next year's report has not been submitted."""

    def _context(self, request):
        period = self.period(request)
        submission = _submission_of(period.root, period.year)
        if submission is None or not scope_for(request.user).covers(period.root.path, realm="org", action=CHANGE):
            raise Http404
        back = f"{reverse('membership:statistics')}?root={period.root.pk}&year={period.year}"
        closing = {}
        try:
            closing = (json.loads(submission.body).get("closing") or {}).get("total", {})
        except (ValueError, AttributeError):
            pass
        return {"period": period, "submission": submission, "back": back, "closing": closing.get("all"),
                "next_submission": _next_submission(period),
                "obligation": submission.obligation}

    def get(self, request):
        return render(request, "membership/statistics_withdraw.html", self._context(request))

    def post(self, request):
        context = self._context(request)
        period, submission = context["period"], context["submission"]
        try:
            if context["next_submission"] is not None:
                raise ValidationError(_("Next year's report has been submitted: this one can no longer be "
                                        "withdrawn."))
            if request.POST.get("confirm") != "1":
                raise ValidationError(_("Confirm the withdrawal after reading what it undoes."))
            duties.submission_withdraw(user=request.user, submission=submission)
        except (ValidationError, PermissionDenied) as error:
            error_messages(request, error)
            return render(request, "membership/statistics_withdraw.html", context, status=400)
        messages.success(request, _("The %(year)s report is withdrawn: the duty is open again.") % {
            "year": period.year})
        return redirect(context["back"])

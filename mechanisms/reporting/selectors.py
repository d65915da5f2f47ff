"""Reads of reports, inspections, notices and two-way reports, every one through the user's scope."""
from collections import defaultdict

from django.db.models import Prefetch

from engines.duties import clock
from engines.duties import selectors as duty_selectors
from engines.duties.models import DutyRule, Submission
from engines.standards.models import Sheet
from kernel.core.tree import SEGMENT_WIDTH, subtree_q
from kernel.orgs.models import Organization

from .library import REPORT_RULES, TWO_WAY_RULE
from .models import Inspection, NoticeStatus, SupervisionNotice, TwoWayEvaluation

OVERDUE = "overdue"


def report_rules():
    return list(DutyRule.objects.filter(code__in=REPORT_RULES).select_related("current_version").order_by("code"))


def _latest_submissions(obligation_ids) -> dict:
    latest = {}
    for submission in (Submission.objects.filter(obligation_id__in=obligation_ids)
                       .order_by("obligation_id", "-submitted_on", "-pk")):
        latest.setdefault(submission.obligation_id, submission)
    return latest


def reports(user, rule: DutyRule, period: str, *, under: Organization | None = None, state=None) -> list:
    """The obligations of a report rule for one period in the user's scope, each with its latest report."""
    rows = list(duty_selectors.obligations(user, rule=rule, period=period, under=under, state=state)
                .order_by("org_path"))
    latest = _latest_submissions([row.pk for row in rows])
    for row in rows:
        row.latest = latest.get(row.pk)
    return rows


def periods(rule: DutyRule, year: int) -> list[str]:
    from engines.duties.periods import periods_of_year

    return [period.label for period in periods_of_year(rule.current_version.cadence, year)]


def notices(user, *, status=None, under: Organization | None = None):
    """Notices in the user's scope; ``status`` "overdue" means open (or awaiting closure) past the deadline."""
    rows = SupervisionNotice.objects.restrict(user).select_related("organization", "issuer", "finding")
    if under is not None:
        rows = rows.filter(subtree_q("org_path", [under.path]))
    if status == OVERDUE:
        rows = rows.exclude(status=NoticeStatus.CLOSED).filter(deadline__lt=clock.today())
    elif status:
        rows = rows.filter(status=status)
    return rows


def notice_counts(user, root: Organization) -> list[dict]:
    """Per child of ``root`` (township): open, overdue, awaiting closure, closed."""
    today = clock.today()
    counts = defaultdict(lambda: {"open": 0, "overdue": 0, "submitted": 0, "closed": 0})
    width = len(root.path) + SEGMENT_WIDTH
    for path, status, deadline in notices(user, under=root).values_list("org_path", "status", "deadline"):
        row = counts[path[:width]]
        row[status] += 1
        if status != NoticeStatus.CLOSED and deadline < today:
            row["overdue"] += 1
    names = {org.path: org for org in Organization.objects.restrict(user).filter(path__in=counts.keys())}
    return [{"org": names.get(path), **row} for path, row in sorted(counts.items())]


def inspections(user):
    return Inspection.objects.restrict(user).select_related("organization")


def inspection_detail(user, inspection: Inspection):
    from .models import Finding

    return (Finding.objects.restrict(user).filter(inspection=inspection).select_related("organization")
            .prefetch_related(Prefetch("notice", queryset=SupervisionNotice.objects.all())))


def two_way(user, year: int, half: int, *, under: Organization | None = None) -> list:
    """The secretaries' two-way report obligations of a half-year with report, score sheet and evaluation."""
    rule = DutyRule.objects.filter(code=TWO_WAY_RULE).first()
    if rule is None:
        return []
    label = f"{year}-H{half}"
    rows = list(duty_selectors.obligations(user, rule=rule, period=label, under=under).order_by("org_path"))
    latest = _latest_submissions([row.pk for row in rows])
    person_ids = [row.person_id for row in rows]
    sheets = {sheet.person_id: sheet for sheet in Sheet.objects.restrict(user).filter(
        person_id__in=person_ids, assessment__period_label=label,
        assessment__version__standard__code="secretary-report").order_by("assessment__created_at")}
    evaluations = {e.person_id: e for e in TwoWayEvaluation.objects.restrict(user).filter(
        person_id__in=person_ids, period_label=label)}
    for row in rows:
        row.latest = latest.get(row.pk)
        row.sheet = sheets.get(row.person_id)
        row.evaluation = evaluations.get(row.person_id)
    return rows

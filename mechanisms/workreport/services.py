"""Writes of work reports: keyword-only, ``user`` first (None = the system), atomic, scope-checked again.

A report is drafted from the data once per organization and year, then edited by hand. Drafting again replaces the
text, so it needs confirmation when the text has been edited since (the preview shows both). A final report is
fixed until reopened."""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.core.changelog import record_change, snapshot
from kernel.core.models import ChangeRecord
from kernel.core.services import NeedsConfirmation, refuse, require_in_scope, user_or_none
from kernel.orgs.models import Organization

from . import text
from .models import ReportStatus, WorkReport

FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_TEXT = 100_000


def _check_year(year) -> int:
    if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        refuse(_("Choose a year from %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}, field="year")
    return year


def default_title(organization: Organization, year: int) -> str:
    return _("%(organization)s: work report for %(year)s") % {"organization": organization.name, "year": year}


@transaction.atomic
def report_draft(*, user, organization: Organization, year: int) -> WorkReport:
    """The organization's report for ``year``, drafted from the data (refused if it has one: draft that again)."""
    require_in_scope(user, organization.path, realm="org")
    _check_year(year)
    if WorkReport.objects.filter(organization=organization, year=year).exists():
        refuse(_("%(organization)s has a work report for %(year)s already: open it and draft it again there.") % {
            "organization": organization.name, "year": year}, field="year", code="conflict")
    report = WorkReport.objects.create(
        organization=organization, org_path=organization.path, year=year, title=default_title(organization, year),
        body=text.draft(user, organization, year), drafted_at=timezone.now(), edited_by=user_or_none(user))
    record_change(report, ChangeRecord.Action.CREATE)
    return report


def _editable(report: WorkReport) -> None:
    if report.status == ReportStatus.FINAL:
        refuse(_("The report is final: reopen it to change it."), code="locked")


@transaction.atomic
def report_redraft(*, user, report: WorkReport, confirm: bool = False) -> WorkReport:
    """Drafts the text again from today's data. Needs ``confirm`` when the new text differs from the current one
    (its preview: both texts)."""
    report = WorkReport.objects.select_for_update(of=("self",)).select_related("organization").get(pk=report.pk)
    require_in_scope(user, report.org_path, realm="org")
    _editable(report)
    fresh = text.draft(user, report.organization, report.year)
    if fresh != report.body and not confirm:
        raise NeedsConfirmation(_("Drafting again replaces the text, with any changes made to it by hand."),
                                {"current": report.body, "draft": fresh})
    before = snapshot(report)
    report.body, report.drafted_at, report.edited_by = fresh, timezone.now(), user_or_none(user)
    report.save()
    record_change(report, ChangeRecord.Action.UPDATE, before=before)
    return report


@transaction.atomic
def report_edit(*, user, report: WorkReport, title: str, body: str) -> WorkReport:
    report = WorkReport.objects.select_for_update(of=("self",)).get(pk=report.pk)
    require_in_scope(user, report.org_path, realm="org")
    _editable(report)
    title, body = (title or "").strip(), (body or "").replace("\r\n", "\n").strip()
    if not title:
        refuse(_("Give the report a title."), field="title")
    if len(title) > 200:
        refuse(_("A title has at most 200 characters."), field="title")
    if len(body) > MAX_TEXT:
        refuse(_("The text is too long (at most %(max)s characters).") % {"max": MAX_TEXT}, field="body")
    before = snapshot(report)
    report.title, report.body, report.edited_by = title, body, user_or_none(user)
    report.save()
    record_change(report, ChangeRecord.Action.UPDATE, before=before)
    return report


@transaction.atomic
def report_status_set(*, user, report: WorkReport, status: str) -> WorkReport:
    """Marks the report final (fixed) or reopens it as a draft."""
    report = WorkReport.objects.select_for_update(of=("self",)).get(pk=report.pk)
    require_in_scope(user, report.org_path, realm="org")
    if status not in ReportStatus.values:
        refuse(_("Choose draft or final."), field="status")
    if status == report.status:
        return report
    before = snapshot(report)
    report.status = status
    report.save()
    record_change(report, ChangeRecord.Action.UPDATE, before=before)
    return report

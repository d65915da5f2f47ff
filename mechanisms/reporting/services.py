"""Writes of the reporting mechanism: reports and their review, inspections, findings, supervision notices
with rectification and closure, and the 双向述职 (its report, its score sheet, its evaluation record).

Reports and two-way reports are submissions of the shipped duty rules (duties.services.submit and
submission_review). A supervision notice is a one-off obligation of the rule ``supervision-rectification``
due on the notice's deadline, so an overdue notice escalates through the engine's clock; its evidence is a
submission the issuer accepts (closes the notice) or returns (reopens it).

Keyword-only, the acting ``user`` first (``None`` = the system), atomic, scope-checked, changes recorded.
"""
import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from engines.duties import clock
from engines.duties import services as duties
from engines.duties.models import DutyRule, Obligation, Submission
from engines.standards.models import Assessment, Sheet, Standard
from kernel.core import official
from kernel.core.changelog import record_change, snapshot
from kernel.core.models import ChangeRecord
from kernel.core.services import refuse, require_in_scope
from kernel.core.services import user_or_none as _user_or_none
from kernel.core.tree import in_subtree
from kernel.orgs.models import Organization
from kernel.people.models import Person

from .library import NOTICE_RULE, REPORT_RULES, SECRETARY_STANDARD, TWO_WAY_RULE
from .models import (
    Finding,
    FindingCategory,
    Inspection,
    NoticeStatus,
    Rectification,
    SupervisionNotice,
    TwoWayEvaluation,
)


def rule(code: str) -> DutyRule:
    found = DutyRule.objects.filter(code=code).select_related("current_version").first()
    if found is None:
        refuse(_("The duty rule “%(code)s” is not installed (manage.py install_reporting_rules).") % {"code": code})
    return found


# Reports ---------------------------------------------------------------------------------------------------


def report_submit(*, user, rule_code: str, organization: Organization, period_start: datetime.date, title: str,
                  body: str = "", attachment=None) -> Submission:
    """An organization's report for the period starting on ``period_start`` (报告制)."""
    if rule_code not in REPORT_RULES:
        refuse(_("Not a report duty."), field="rule")
    return duties.submit(user=user, rule=rule(rule_code), subject=organization, occurred_on=period_start,
                         title=title, body=body, attachment=attachment, period_start=period_start)


def report_review(*, user, submission: Submission, accept: bool, note: str = "") -> Submission:
    """The recipient accepts the report or returns it for revision with a note."""
    if not accept and not note.strip():
        refuse(_("Say what to revise."), field="note")
    return duties.submission_review(user=user, submission=submission, accept=accept, note=note)


# Inspections and supervision notices ----------------------------------------------------------------------


@transaction.atomic
def inspection_create(*, user, organization: Organization, year: int, quarter: int, inspected_on: datetime.date,
                      team: str = "", members=(), note: str = "") -> Inspection:
    """A quarterly inspection held by ``organization`` (每个季度对农村基层组织建设工作进行一次检查指导)."""
    require_in_scope(user, organization.path, realm="org")
    if quarter not in (1, 2, 3, 4):
        refuse(_("Choose a quarter."), field="quarter")
    inspection = Inspection.objects.create(organization=organization, org_path=organization.path, year=year,
                                           quarter=quarter, inspected_on=inspected_on, team=team[:200], note=note,
                                           created_by=_user_or_none(user))
    if members:
        inspection.members.set(members)
    record_change(inspection, ChangeRecord.Action.CREATE)
    return inspection


@transaction.atomic
def finding_add(*, user, inspection: Inspection, organization: Organization, text: str,
                category: str = FindingCategory.OTHER) -> Finding:
    require_in_scope(user, inspection.org_path, realm="org")
    if not in_subtree(organization.path, [inspection.org_path]) or organization.path == inspection.org_path:
        refuse(_("An inspection finds problems in the organizations below the one holding it."), field="organization")
    if category not in FindingCategory.values:
        refuse(_("Choose a category."), field="category")
    if not (text or "").strip():
        refuse(_("Describe the finding."), field="text")
    finding = Finding.objects.create(inspection=inspection, organization=organization, org_path=organization.path,
                                     category=category, text=text.strip())
    record_change(finding, ChangeRecord.Action.CREATE)
    return finding


def _notice_obligation(user, notice: SupervisionNotice) -> Obligation:
    """The notice's one-off obligation: from the day it was issued to its deadline, owed to the issuer.

    Obligations are unique per (rule, subject, period start): a second notice issued to the same
    organization on the same day starts its period a day earlier.
    """
    notice_rule = rule(NOTICE_RULE)
    start = min(notice.issued_on, notice.deadline)
    taken = set(Obligation.objects.filter(rule=notice_rule, organization=notice.organization)
                .values_list("period_start", flat=True))
    while start in taken:
        start -= datetime.timedelta(days=1)
    return duties.obligation_once(user=user, rule=notice_rule, subject=notice.organization, due_on=notice.deadline,
                                  period_start=start, owed_to=notice.issuer)


@transaction.atomic
def notice_issue(*, user, finding: Finding, deadline: datetime.date, number: str = "", requirement: str = "",
                 issued_on: datetime.date | None = None) -> SupervisionNotice:
    """Turns a finding into a supervision notice (督办通知) to rectify by ``deadline`` (限期整改)."""
    finding = Finding.objects.select_related("inspection__organization", "organization").get(pk=finding.pk)
    require_in_scope(user, finding.inspection.org_path, realm="org")
    issued_on = issued_on or clock.today()
    if deadline < issued_on:
        refuse(_("The deadline cannot come before the notice is issued."), field="deadline")
    if SupervisionNotice.objects.filter(finding=finding).exists():
        refuse(_("This finding already has a supervision notice."))
    try:
        with transaction.atomic():
            notice = SupervisionNotice.objects.create(
                finding=finding, number=number[:100], issuer=finding.inspection.organization,
                organization=finding.organization, org_path=finding.org_path, issued_on=issued_on, deadline=deadline,
                requirement=requirement or finding.text)
    except IntegrityError:
        refuse(_("This finding already has a supervision notice."))
    notice.obligation = _notice_obligation(user, notice)
    notice.save(update_fields=["obligation", "updated_at"])
    official.record_number(notice.number, title="督查通知")
    record_change(notice, ChangeRecord.Action.CREATE)
    return notice


def _pending_submission(notice: SupervisionNotice, *states) -> Submission | None:
    return (Submission.objects.filter(obligation_id=notice.obligation_id, review__in=states)
            .order_by("-submitted_on", "-pk").first()) if notice.obligation_id else None


@transaction.atomic
def rectification_submit(*, user, notice: SupervisionNotice, text: str, attachment=None) -> Rectification:
    """The organization reports what it rectified, with evidence; the issuer then closes or reopens."""
    notice = SupervisionNotice.objects.select_for_update().get(pk=notice.pk)
    require_in_scope(user, notice.org_path, realm="org")
    if notice.status == NoticeStatus.CLOSED:
        refuse(_("This notice is closed."))
    if not (text or "").strip():
        refuse(_("Say what was rectified."), field="text")
    rectification = Rectification.objects.create(notice=notice, org_path=notice.org_path, text=text.strip(),
                                                 submitted_on=clock.today(), submitted_by=_user_or_none(user))
    if attachment is not None:
        rectification.attachment = attachment
        rectification.save(update_fields=["attachment"])
    if notice.obligation_id:
        obligation = Obligation.objects.get(pk=notice.obligation_id)
        rectification.submission = duties.submit(
            user=user, rule=obligation.rule, subject=notice.organization, occurred_on=obligation.period_start,
            period_start=obligation.period_start, title=_("Rectification of %(notice)s") % {"notice": notice},
            body=rectification.text, record=rectification)
        rectification.save(update_fields=["submission"])
    record_change(rectification, ChangeRecord.Action.CREATE)
    before = snapshot(notice)
    notice.status = NoticeStatus.SUBMITTED
    notice.save(update_fields=["status", "updated_at"])
    record_change(notice, ChangeRecord.Action.UPDATE, before=before)
    return rectification


def _require_issuer(user, notice: SupervisionNotice) -> None:
    require_in_scope(user, Organization.objects.get(pk=notice.issuer_id).path, realm="org")


@transaction.atomic
def notice_close(*, user, notice: SupervisionNotice, note: str = "") -> SupervisionNotice:
    """The issuer accepts the rectification and closes the notice (销号)."""
    notice = SupervisionNotice.objects.select_for_update().get(pk=notice.pk)
    _require_issuer(user, notice)
    if notice.status != NoticeStatus.SUBMITTED:
        refuse(_("A notice is closed on the evidence of its rectification."))
    pending = _pending_submission(notice, Submission.Review.PENDING)
    if pending is not None:
        duties.submission_review(user=user, submission=pending, accept=True, note=note)
    before = snapshot(notice)
    notice.status, notice.closed_on, notice.closed_by = NoticeStatus.CLOSED, clock.today(), _user_or_none(user)
    notice.closure_note = note[:500]
    notice.save()
    record_change(notice, ChangeRecord.Action.UPDATE, before=before)
    return notice


@transaction.atomic
def notice_reopen(*, user, notice: SupervisionNotice, note: str) -> SupervisionNotice:
    """The issuer finds the rectification insufficient (returned) or the problem back (a closed notice):
    the notice is open again and its obligation counts as undone."""
    notice = SupervisionNotice.objects.select_for_update().get(pk=notice.pk)
    _require_issuer(user, notice)
    if notice.status == NoticeStatus.OPEN:
        refuse(_("This notice is already open."))
    if not (note or "").strip():
        refuse(_("Say why the notice is reopened."), field="note")
    counted = _pending_submission(notice, Submission.Review.PENDING, Submission.Review.ACCEPTED)
    if counted is not None:
        duties.submission_review(user=user, submission=counted, accept=False, note=note)
    before = snapshot(notice)
    notice.status, notice.closed_on, notice.closed_by = NoticeStatus.OPEN, None, None
    notice.closure_note = note[:500]
    notice.save()
    record_change(notice, ChangeRecord.Action.UPDATE, before=before)
    return notice


# 双向述职 --------------------------------------------------------------------------------------------------


def two_way_submit(*, user, person: Person, period_start: datetime.date, title: str, body: str = "",
                   attachment=None) -> Submission:
    """A secretary's two-way report for the half-year starting on ``period_start``."""
    return duties.submit(user=user, rule=rule(TWO_WAY_RULE), subject=person, occurred_on=period_start,
                         title=title, body=body, attachment=attachment, period_start=period_start)


def half_year(year: int, half: int) -> tuple[datetime.date, datetime.date, str]:
    if half == 1:
        return datetime.date(year, 1, 1), datetime.date(year, 6, 30), f"{year}-H1"
    return datetime.date(year, 7, 1), datetime.date(year, 12, 31), f"{year}-H2"


@transaction.atomic
def two_way_assessment(*, user, owner: Organization, year: int, half: int) -> Assessment:
    """The score sheets of the 双向述职 for the secretaries under ``owner`` for a half-year (the standard
    ``secretary-report``, scored on the engine's sheet pages). An existing one is returned as it is."""
    standard = Standard.objects.filter(code=SECRETARY_STANDARD).select_related("current_version").first()
    if standard is None or standard.current_version is None:
        refuse(_("The standard “%(code)s” is not installed (manage.py install_reporting_rules).")
               % {"code": SECRETARY_STANDARD})
    start, end, label = half_year(year, half)
    existing = Assessment.objects.filter(version__standard=standard, owner=owner, period_label=label).first()
    if existing is not None:
        require_in_scope(user, owner.path, realm="org")
        return existing
    from engines.standards.services import assessment_create, subjects_for

    subjects = [person for person in subjects_for(standard.current_version, owner) if person.org_path != owner.path]
    return assessment_create(user=user, version=standard.current_version, owner=owner,
                             name=f"{standard.name} · {official.period_text(label)}", period_kind="half_year", period_start=start,
                             period_end=end, period_label=label, subjects=subjects, class_by="parent")


@transaction.atomic
def two_way_evaluate(*, user, person: Person, period_label: str, evaluated_by: Organization, opinion: str = "",
                     evaluated_on: datetime.date | None = None) -> TwoWayEvaluation:
    """Records the parent's evaluation of a secretary's two-way report for a half-year: its report, the score
    sheet's total and grade (as computed by the standards engine), and the written opinion (评议意见)."""
    require_in_scope(user, evaluated_by.path, realm="org")
    if not in_subtree(person.org_path, [evaluated_by.path]):
        refuse(_("The secretary must belong under the evaluating organization."))
    sheet = (Sheet.objects.filter(person=person, assessment__period_label=period_label,
                                  assessment__version__standard__code=SECRETARY_STANDARD)
             .select_related("assessment").order_by("-assessment__created_at").first())
    grade = ""
    if sheet is not None and sheet.tier:
        tier = sheet.assessment.version.tiers.filter(code=sheet.tier).first()
        grade = tier.name if tier else sheet.tier
    submission = (Submission.objects.filter(rule__code=TWO_WAY_RULE, person=person,
                                            obligation__period_label=period_label)
                  .exclude(review=Submission.Review.RETURNED).order_by("-submitted_on", "-pk").first())
    evaluation = TwoWayEvaluation.objects.select_for_update().filter(person=person, period_label=period_label).first()
    fields = {"org_path": person.org_path, "submission": submission, "sheet": sheet, "evaluated_by": evaluated_by,
              "evaluated_on": evaluated_on or clock.today(), "total": sheet.total if sheet else None,
              "grade": grade, "opinion": opinion}
    if evaluation is None:
        evaluation = TwoWayEvaluation.objects.create(person=person, period_label=period_label, **fields)
        record_change(evaluation, ChangeRecord.Action.CREATE)
        return evaluation
    before = snapshot(evaluation)
    for name, value in fields.items():
        setattr(evaluation, name, value)
    evaluation.save()
    record_change(evaluation, ChangeRecord.Action.UPDATE, before=before)
    return evaluation

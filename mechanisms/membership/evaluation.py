"""Democratic evaluation outcomes (民主评议党员, MEMBERSHIP.md): a member's grade for a year, taken from a
member-evaluation assessment or entered by hand, and the case of a member graded 不合格.

Grades: 优秀 is refused to a member whose yearly goals are recorded as unmet (评优 barred, seed 000 §三.2); only a
member in good standing is graded; a grade is corrected, never cleared. Taking a year's grades from an assessment
previews its counts first (NeedsConfirmation).

The case of a 不合格 member, one per member and year::

    helping ──(help recorded, outcome decided)──> rectifying ──(rectified by the deadline or later)──> rectified
       │                                             └──(persuaded / removed)──> persuaded | removed
       └──(persuaded / removed)──> persuaded | removed
    helping | rectifying ──(grade corrected away from 不合格)──> withdrawn ──(graded 不合格 again)──> helping

限期改正 owes a one-off duty (the shipped rule ``evaluation-rectification``) due on the deadline, done when the
rectification is recorded and waived when the case ends otherwise. 劝退 and 除名 are exits of the member's standing
(services.standing_change, with its preview), so the standing and the statistics count them.
"""
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from engines.duties import services as duties
from engines.duties.models import DutyRule, ObligationState
from engines.standards.models import Assessment, ItemKind, ItemScore, Sheet, SubjectKind
from kernel.core import clock
from kernel.core.services import NeedsConfirmation, refuse, require_in_scope, user_or_none
from kernel.core.tree import subtree_q
from kernel.orgs.models import Organization
from kernel.people.choices import MemberStatus
from kernel.people.goals import goals_outcomes
from kernel.people.models import Member

from . import services
from .library import RECTIFY_RULE
from .models import ExitReason, Kind
from .models_evaluation import (
    OPEN_CASE,
    CaseOutcome,
    CaseState,
    EvaluationCase,
    EvaluationGrade,
    GoalsMet,
    Grade,
    GradeSource,
)

# The standard whose assessments grades are taken from (mechanisms/campaigns/standards/member-evaluation.yaml).
EVALUATION_STANDARD = "member-evaluation"
# A deadline to rectify lies within a year of the decision.
RECTIFY_MAX_DAYS = 366
EXIT_REASONS = {CaseOutcome.PERSUADE: ExitReason.PERSUADED, CaseOutcome.REMOVE: ExitReason.REMOVED}
EXIT_STATES = {CaseOutcome.PERSUADE: CaseState.PERSUADED, CaseOutcome.REMOVE: CaseState.REMOVED}


# --- grades -----------------------------------------------------------------------------------------------------

def _check_grade(member: Member, year: int, grade: str, goals_met: str, existing: EvaluationGrade | None) -> None:
    """Refuses a grade that may not be recorded (the member's name leads each message, for the grid)."""
    name = member.person.name
    if grade not in Grade.values:
        refuse(_("%(name)s: choose one of the four grades.") % {"name": name}, field="grade")
    if goals_met not in GoalsMet.values:
        refuse(_("%(name)s: say whether the yearly goals were met.") % {"name": name}, field="goals_met")
    if not member.joined_on.year <= year <= clock.today().year:
        refuse(_("%(name)s: a grade is recorded for a year from the member's joining (%(joined)s) to this one.") % {
            "name": name, "joined": member.joined_on.year}, field="year")
    if grade == Grade.EXCELLENT and goals_met == GoalsMet.NO:
        refuse(_("%(name)s did not meet the yearly goals and cannot be graded excellent (评优 barred).") % {
            "name": name}, field="grade")
    unchanged = existing is not None and (existing.grade, existing.goals_met) == (grade, goals_met)
    if unchanged:
        return
    if member.status != MemberStatus.ACTIVE:
        refuse(_("%(name)s is not a member in good standing (%(status)s): no grade is recorded.") % {
            "name": name, "status": member.get_status_display()}, field="grade")
    case = getattr(existing, "case", None) if existing is not None else None
    if case is not None and case.state in EXIT_STATES.values():
        refuse(_("%(name)s: the case of %(year)s ended in “%(state)s”; the grade stays.") % {
            "name": name, "year": year, "state": case.get_state_display()}, field="grade")


def recorded_goals(member_ids, year: int, given: dict | None = None) -> dict:
    """{member id: goals_met} where the goals are not said (blank or 不详): the outcome recorded by the app that keeps
    the yearly goals letters (kernel.people.goals), when there is one."""
    outcomes = goals_outcomes(list(member_ids), year)
    return {pk: outcomes[pk] for pk in member_ids if pk in outcomes
            and (given is None or given.get(pk) in (None, "", GoalsMet.UNKNOWN))}


def _follow_case(row: EvaluationGrade) -> EvaluationCase | None:
    """Opens (or reopens) the member's case for a 不合格 grade; withdraws an open one for a grade corrected."""
    case = EvaluationCase.objects.select_for_update().filter(member_id=row.member_id, year=row.year).first()
    today = clock.today()
    if row.grade == Grade.UNQUALIFIED:
        if case is None:
            return EvaluationCase.objects.create(
                grade=row, person_id=row.person_id, member_id=row.member_id, organization_id=row.organization_id,
                org_path=row.org_path, year=row.year, opened_on=today)
        if case.state == CaseState.WITHDRAWN:
            for name in ("helped_on", "decided_on", "deadline", "closed_on", "obligation", "exit_change"):
                setattr(case, name, None)
            case.helped_by = case.help_note = case.outcome = case.decided_by = case.decision = case.close_note = ""
            case.state, case.opened_on = CaseState.HELPING, today
            case.save()
        return case
    if case is not None and case.is_open:
        _end_duty(case, _("The grade was corrected."))
        case.state, case.closed_on = CaseState.WITHDRAWN, today
        case.close_note = (_("Grade corrected to “%(grade)s”.") % {"grade": row.get_grade_display()})[:300]
        case.save(update_fields=["state", "closed_on", "close_note", "updated_at"])
    return case


def _write_grade(user, member: Member, year: int, grade: str, goals_met: str, *, source: str = GradeSource.ENTERED,
                 assessment: Assessment | None = None, decided_on: datetime.date | None = None,
                 note: str = "") -> EvaluationGrade:
    existing = (EvaluationGrade.objects.select_for_update(of=("self",)).select_related("case")
                .filter(member=member, year=year).first())
    _check_grade(member, year, grade, goals_met, existing)
    row = existing or EvaluationGrade(person=member.person, member=member, year=year)
    if existing is not None and (existing.grade, existing.goals_met, existing.note) == (grade, goals_met, note) \
            and existing.source == source:
        return existing
    row.organization_id, row.org_path = member.person.organization_id, member.org_path
    row.grade, row.goals_met, row.source, row.assessment = grade, goals_met, source, assessment
    row.decided_on, row.note = decided_on or clock.today(), note.strip()[:300]
    row.recorded_by = user_or_none(user)
    row.save()
    _follow_case(row)
    return row


@transaction.atomic
def grade_set(*, user, member: Member, year: int, grade: str, goals_met: str = GoalsMet.UNKNOWN,
              decided_on: datetime.date | None = None, note: str = "") -> EvaluationGrade:
    """Records (or corrects) the member's grade for ``year`` by hand; 不合格 opens the member's case. Goals not
    said: the outcome of the member's goals letter, where one is recorded."""
    member = Member.objects.select_for_update(of=("self",)).select_related("person").get(pk=member.pk)
    goals_met = recorded_goals([member.pk], year, {member.pk: goals_met}).get(member.pk, goals_met or GoalsMet.UNKNOWN)
    require_in_scope(user, member.org_path, realm="people")
    if decided_on is not None and decided_on > clock.today():
        refuse(_("A grade is recorded once it was decided: the date cannot be in the future."), field="decided_on")
    return _write_grade(user, member, year, grade, goals_met, decided_on=decided_on, note=note)


@transaction.atomic
def grades_save(*, user, organization: Organization, year: int, rows) -> int:
    """The year page's grid: ``rows`` of (member, grade, goals_met) for the organization's members, saved together
    or not at all (every refusal is reported, each led by the member's name). A blank grade leaves the member
    ungraded; a recorded grade cannot be cleared. How many grades were written."""
    require_in_scope(user, organization.path, realm="people")
    existing = {row.member_id: row for row in EvaluationGrade.objects.filter(organization=organization, year=year)}
    errors, changes = [], []
    rows = list(rows)
    recorded = recorded_goals([member.pk for member, _grade, _goals in rows], year,
                              {member.pk: goals for member, _grade, goals in rows})
    for member, grade, goals_met in rows:
        goals_met = recorded.get(member.pk, goals_met or GoalsMet.UNKNOWN)
        if member.person.organization_id != organization.pk:
            refuse(_("%(name)s is not a member of %(organization)s.") % {"name": member.person.name,
                                                                         "organization": organization.name})
        before = existing.get(member.pk)
        if not grade:
            if before is not None:
                errors.append(_("%(name)s: a recorded grade cannot be cleared; choose another one.") % {
                    "name": member.person.name})
            continue
        try:
            _check_grade(member, year, grade, goals_met, before)
        except ValidationError as error:
            errors.extend(error.messages)
            continue
        if before is None or (before.grade, before.goals_met) != (grade, goals_met):
            changes.append((member, grade, goals_met))
    if errors:
        raise ValidationError(errors)
    for member, grade, goals_met in changes:
        _write_grade(user, member, year, grade, goals_met)
    return len(changes)


def _goals(scores: list[ItemScore], pass_fail_items: int) -> str:
    """The yearly goals from the sheet's pass/fail items (C2, 目标责任书): one failed, unmet; each passed, met."""
    if any(score.failed for score in scores):
        return GoalsMet.NO
    if pass_fail_items and len({score.item_id for score in scores if score.passed}) >= pass_fail_items:
        return GoalsMet.YES
    return GoalsMet.UNKNOWN


def assessment_plan(user, organization: Organization, assessment: Assessment) -> dict:
    """What taking the grades from the assessment's sheets under ``organization`` would do: the rows to write
    [(member, grade, goals_met)], counts per grade, how many are new, changed or unchanged, and the members skipped
    with the reason (no tier computed, not a member, a grade that may not be recorded)."""
    version = assessment.version
    tiers = set(version.tiers.values_list("code", flat=True))
    if version.standard.subject_kind != SubjectKind.PERSON or not tiers <= set(Grade.values):
        refuse(_("Grades are taken from an assessment of members whose tiers are the four grades."),
               field="assessment")
    year = assessment.period_start.year
    sheets = (assessment.sheets.filter(subtree_q("org_path", [organization.path]))
              .select_related("person__membership__person").order_by("org_path", "person__name", "pk"))
    pass_fail = list(version.items.filter(kind=ItemKind.PASS_FAIL).values_list("pk", flat=True))
    scores: dict = {}
    for score in ItemScore.objects.filter(sheet__in=sheets, item_id__in=pass_fail).only(
            "sheet_id", "item_id", "passed", "failed"):
        scores.setdefault(score.sheet_id, []).append(score)
    existing = {row.member_id: row for row in EvaluationGrade.objects.filter(
        subtree_q("org_path", [organization.path]), year=year).select_related("case")}
    recorded = recorded_goals([sheet.person.membership.pk for sheet in sheets
                               if getattr(sheet.person, "membership", None) is not None], year)
    plan = {"year": year, "rows": [], "by_grade": {code: 0 for code in Grade.values}, "new": 0, "changed": 0,
            "unchanged": 0, "skipped": []}
    for sheet in sheets:
        member = getattr(sheet.person, "membership", None)
        if member is None or not sheet.tier:
            plan["skipped"].append(_("%(name)s: no grade computed.") % {"name": sheet.person.name})
            continue
        goals = _goals(scores.get(sheet.pk, []), len(pass_fail))
        if goals == GoalsMet.UNKNOWN:
            goals = recorded.get(member.pk, goals)
        before = existing.get(member.pk)
        try:
            _check_grade(member, year, sheet.tier, goals, before)
        except ValidationError as error:
            plan["skipped"].extend(error.messages)
            continue
        plan["by_grade"][sheet.tier] += 1
        if before is None:
            plan["new"] += 1
        elif (before.grade, before.goals_met) == (sheet.tier, goals):
            plan["unchanged"] += 1
            continue
        else:
            plan["changed"] += 1
        plan["rows"].append((member, sheet.tier, goals))
    return plan


def plan_preview(plan: dict) -> dict:
    """The confirmation's figures (JSON-ready)."""
    return {"year": plan["year"], "by_grade": plan["by_grade"], "new": plan["new"], "changed": plan["changed"],
            "unchanged": plan["unchanged"], "skipped": plan["skipped"]}


@transaction.atomic
def grades_from_assessment(*, user, organization: Organization, assessment: Assessment,
                           confirm: bool = False) -> dict:
    """Takes the year's grades of the members under ``organization`` from the assessment's computed tiers and
    pass/fail items, in one action: without ``confirm`` a NeedsConfirmation with the counts. The preview's figures
    once written."""
    require_in_scope(user, organization.path, realm="people")
    if assessment.computed_at is None:
        refuse(_("The assessment's results are not computed yet."), field="assessment")
    plan = assessment_plan(user, organization, assessment)
    preview = plan_preview(plan)
    if not confirm:
        raise NeedsConfirmation(_("Confirm the grades taken from the assessment."), preview)
    for member, grade, goals_met in plan["rows"]:
        _write_grade(user, member, plan["year"], grade, goals_met, source=GradeSource.ASSESSMENT,
                     assessment=assessment)
    return preview


# --- the 不合格 case --------------------------------------------------------------------------------------------

def _rectify_rule() -> DutyRule:
    rule = DutyRule.objects.filter(code=RECTIFY_RULE).first()
    if rule is None:
        refuse(_("The duty rule “%(code)s” is not installed (manage.py install_shipped).") % {"code": RECTIFY_RULE})
    return rule


def _end_duty(case: EvaluationCase, note: str) -> None:
    """The rectification's duty is no longer owed (the case went another way): waived, if it was not done."""
    if case.obligation_id and case.obligation.state not in (ObligationState.DONE, ObligationState.LATE,
                                                            ObligationState.WAIVED):
        duties.waive(user=None, obligation=case.obligation, note=note)


def _locked_case(user, case: EvaluationCase) -> EvaluationCase:
    case = (EvaluationCase.objects.select_for_update(of=("self",)).select_related("person", "member", "organization", "obligation")
            .get(pk=case.pk))
    require_in_scope(user, case.org_path, realm="people")
    return case


def _past_day(on: datetime.date | None, field: str) -> datetime.date:
    on = on or clock.today()
    if on > clock.today():
        refuse(_("This is recorded once it happened: the date cannot be in the future."), field=field)
    return on


@transaction.atomic
def case_help(*, user, case: EvaluationCase, on: datetime.date | None = None, helped_by: str,
              note: str) -> EvaluationCase:
    """Records the help (帮教) given to the member: when, by whom, how. Recorded again, it replaces the last."""
    case = _locked_case(user, case)
    if case.state != CaseState.HELPING:
        refuse(_("The help is recorded while the case is open and before its outcome."))
    on = _past_day(on, "on")
    if on.year < case.year:
        refuse(_("The help is given in the year evaluated or after it."), field="on")
    if not helped_by.strip():
        refuse(_("Name who helped the member."), field="helped_by")
    if not note.strip():
        refuse(_("Say how the member was helped."), field="note")
    case.helped_on, case.helped_by, case.help_note = on, helped_by.strip()[:100], note.strip()
    case.save(update_fields=["helped_on", "helped_by", "help_note", "updated_at"])
    return case


@transaction.atomic
def case_decide(*, user, case: EvaluationCase, outcome: str, decided_by: str, decided_on: datetime.date | None = None,
                decision: str = "", number: str = "", deadline: datetime.date | None = None,
                confirm: bool = False) -> EvaluationCase:
    """Decides the case's outcome after the help: 限期改正 by ``deadline`` (a one-off duty due then), or 劝退 or 除名
    (the member's exit, which needs ``confirm`` after the standing's preview). From 限期改正, only 劝退 or 除名."""
    case = _locked_case(user, case)
    if outcome not in CaseOutcome.values:
        refuse(_("Choose the outcome: rectify within a period, persuade to withdraw or remove."), field="outcome")
    if case.state == CaseState.HELPING:
        if case.helped_on is None:
            refuse(_("Record the help given to the member before deciding the outcome."), field="outcome")
    elif case.state == CaseState.RECTIFYING:
        if outcome == CaseOutcome.RECTIFY:
            refuse(_("The member is rectifying already: record the rectification, or decide to persuade or "
                     "remove."), field="outcome")
    else:
        refuse(_("The case is closed (%(state)s).") % {"state": case.get_state_display()})
    decided_on = _past_day(decided_on, "decided_on")
    start = case.decided_on if case.state == CaseState.RECTIFYING else case.helped_on
    if decided_on < start:
        refuse(_("The decision comes after %(date)s.") % {"date": start.isoformat()}, field="decided_on")
    if not decided_by.strip():
        refuse(_("Name the body that decided it (a branch meeting, the township committee…)."), field="decided_by")
    if outcome == CaseOutcome.RECTIFY:
        if deadline is None or not decided_on < deadline <= decided_on + datetime.timedelta(days=RECTIFY_MAX_DAYS):
            refuse(_("Give the deadline to rectify by: a day after the decision, within a year."), field="deadline")
        case.obligation = duties.obligation_once(user=None, rule=_rectify_rule(), subject=case.person,
                                                 due_on=deadline, period_start=decided_on,
                                                 owed_to=case.organization)
        case.state, case.deadline = CaseState.RECTIFYING, deadline
    else:
        case.exit_change = services.standing_change(
            user=user, member=case.member, kind=Kind.EXIT, reason=EXIT_REASONS[outcome], on=decided_on,
            decision=decision, decided_by=decided_by, number=number,
            note=_("Graded unqualified in the democratic evaluation of %(year)s.") % {"year": case.year},
            confirm=confirm)
        _end_duty(case, str(CaseOutcome(outcome).label))
        case.state, case.closed_on = EXIT_STATES[outcome], decided_on
    case.outcome, case.decided_on = outcome, decided_on
    case.decided_by, case.decision = decided_by.strip()[:100], decision.strip()[:300]
    case.save()
    return case


@transaction.atomic
def case_rectified(*, user, case: EvaluationCase, on: datetime.date | None = None, note: str = "") -> EvaluationCase:
    """The member rectified: the case closes and the rectification's duty is done (late, after the deadline)."""
    case = _locked_case(user, case)
    if case.state != CaseState.RECTIFYING:
        refuse(_("Only a case rectifying within a period can close rectified."))
    on = _past_day(on, "on")
    if on < case.decided_on:
        refuse(_("The rectification comes after the decision (%(date)s).") % {"date": case.decided_on.isoformat()},
               field="on")
    if case.obligation_id:
        duties.submit(user=None, rule=case.obligation.rule, subject=case.person, occurred_on=on,
                      title=_("%(name)s rectified") % {"name": case.person.name}, body=note.strip(), record=case,
                      period_start=case.obligation.period_start)
    case.state, case.closed_on, case.close_note = CaseState.RECTIFIED, on, note.strip()[:300]
    case.save(update_fields=["state", "closed_on", "close_note", "updated_at"])
    return case


# --- reads ------------------------------------------------------------------------------------------------------

def grades(user, *, under: Organization | None = None, organization: Organization | None = None,
           year: int | None = None):
    """The grades the user may see: under an organization (its subtree) or of it alone, of a year."""
    rows = EvaluationGrade.objects.restrict(user).select_related("person", "organization")
    if under is not None:
        rows = rows.filter(subtree_q("org_path", [under.path]))
    if organization is not None:
        rows = rows.filter(organization=organization)
    if year:
        rows = rows.filter(year=year)
    return rows.order_by("org_path", "person__name", "pk")


def _count_aggregates() -> dict:
    counts = {code: Count("pk", filter=Q(grade=code)) for code in Grade.values}
    return {**counts, "total": Count("pk"), "goals_unmet": Count("pk", filter=Q(goals_met=GoalsMet.NO))}


def grade_counts(user, under: Organization | None, year: int) -> dict:
    """The year's grades under ``under`` (everything the user sees when None): {"total", each grade's code,
    "goals_unmet": n}, for the statistics' table of democratic evaluation."""
    return grades(user, under=under, year=year).order_by().aggregate(**_count_aggregates())


def grade_counts_by_child(user, parent: Organization, year: int, children: list[Organization]) -> dict:
    """``grade_counts`` of each of ``children`` (the organizations right under ``parent``) in one query:
    {child pk: counts}."""
    if not children:
        return {}
    width = len(children[0].path)  # the children are one level below the parent: their paths are as long
    by_path = {child.path: child.pk for child in children}
    rows = (grades(user, under=parent, year=year).order_by().annotate(branch=Substr("org_path", 1, width))
            .values("branch").annotate(**_count_aggregates()))
    empty = {**{code: 0 for code in Grade.values}, "total": 0, "goals_unmet": 0}
    found = {by_path[row.pop("branch")]: row for row in rows if row["branch"] in by_path}
    return {child.pk: found.get(child.pk, empty) for child in children}


def assessments_for(user, organization: Organization, year: int | None = None):
    """The computed member-evaluation assessments with sheets under ``organization`` the user sees (a township's
    assessment, for one of its branches), newest first."""
    sheets = Sheet.objects.restrict(user).filter(subtree_q("org_path", [organization.path]))
    rows = Assessment.objects.filter(version__standard__code=EVALUATION_STANDARD, computed_at__isnull=False,
                                     pk__in=sheets.values("assessment_id"))
    if year:
        rows = rows.filter(period_start__year=year)
    return rows.order_by("-period_start", "pk")


def cases(user, *, under: Organization | None = None, year: int | None = None, open_only: bool = False):
    """The 不合格 cases the user may see, open ones first."""
    rows = EvaluationCase.objects.restrict(user).select_related("person", "organization")
    if under is not None:
        rows = rows.filter(subtree_q("org_path", [under.path]))
    if year:
        rows = rows.filter(year=year)
    if open_only:
        rows = rows.filter(state__in=OPEN_CASE)
    return rows.order_by("-year", "org_path", "pk")

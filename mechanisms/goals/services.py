"""Writes of members' goals and plaques: keyword-only, ``user`` first (None = the system), atomic, scope checked
again, each change recorded. Consequential acts (issuing a branch's letters, a plaque naming, the year's 标兵) answer
NeedsConfirmation with their preview until confirmed, and are withdrawn as a whole.
"""
import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from engines.duties import services as duties
from engines.duties.models import DutyRule
from engines.standards.models import TitleAward
from kernel.core import clock
from kernel.core.changelog import record_change, snapshot
from kernel.core.models import ChangeRecord
from kernel.core.services import NeedsConfirmation, refuse, require_in_scope, user_or_none
from kernel.core.tree import ancestor_paths, subtree_q
from kernel.orgs.models import Organization, OrgType
from kernel.people.choices import Classification, MemberStatus
from kernel.people.models import Member

from .library import FIVE_GOOD_VILLAGE, SPOT_CHECK_RULE
from .models import (
    CheckStatus,
    GoalLetter,
    GoalTemplate,
    LiveStatus,
    ModelLevel,
    ModelMember,
    Outcome,
    OutcomeBatch,
    OutcomeChange,
    PairOutcome,
    Plaque,
    PlaqueNaming,
    PlaqueStatus,
    PovertyPair,
    SixOne,
    SpotCheck,
    SpotCheckEntry,
)

MAX_TEXT = 4000
# A quarter's check is recorded within the quarter or the days after it the duty allows.
CHECK_DAYS_AFTER = 45


def _text(value: str, field: str, *, required: bool = False, limit: int = 300) -> str:
    value = (value or "").strip()
    if required and not value:
        refuse(_("This field is required."), field=field)
    if len(value) > limit:
        refuse(_("At most %(limit)s characters.") % {"limit": limit}, field=field)
    return value


def _year(year: int, field: str = "year") -> int:
    today = clock.today()
    if not isinstance(year, int) or not 2000 <= year <= today.year + 1:
        refuse(_("Choose a year from 2000 to next year."), field=field)
    return year


def _past(day: datetime.date | None, field: str) -> datetime.date:
    day = day or clock.today()
    if day > clock.today():
        refuse(_("The date cannot be in the future."), field=field)
    return day


# --- templates ----------------------------------------------------------------------------------------------------

@transaction.atomic
def template_set(*, user, owner: Organization, year: int, member_class: str, common_goals: str,
                 six_ones: bool = False, note: str = "") -> GoalTemplate:
    """The common goals of ``owner``'s members of a class for a year (letters already signed keep theirs)."""
    require_in_scope(user, owner.path, realm="org")
    _year(year)
    if member_class not in Classification.values:
        refuse(_("Choose the class of members."), field="member_class")
    lines = [line.strip() for line in (common_goals or "").splitlines() if line.strip()]
    if not lines:
        refuse(_("Write at least one goal, one a line."), field="common_goals")
    text = "\n".join(lines)
    if len(text) > MAX_TEXT:
        refuse(_("At most %(limit)s characters.") % {"limit": MAX_TEXT}, field="common_goals")
    row = GoalTemplate.objects.select_for_update().filter(owner=owner, year=year, member_class=member_class).first()
    if row is None:
        row = GoalTemplate.objects.create(owner=owner, owner_path=owner.path, year=year, member_class=member_class,
                                          common_goals=text, six_ones=bool(six_ones), note=_text(note, "note"),
                                          created_by=user_or_none(user))
        record_change(row, ChangeRecord.Action.CREATE)
        return row
    before = snapshot(row)
    row.common_goals, row.six_ones, row.note = text, bool(six_ones), _text(note, "note")
    row.save()
    record_change(row, ChangeRecord.Action.UPDATE, before=before)
    return row


@transaction.atomic
def templates_copy(*, user, owner: Organization, year: int) -> int:
    """The year's templates from the latest year before it, for the classes the year has none of. How many."""
    require_in_scope(user, owner.path, realm="org")
    _year(year)
    latest = (GoalTemplate.objects.filter(owner=owner, year__lt=year).order_by("-year")
              .values_list("year", flat=True).first())
    if latest is None:
        refuse(_("There is no earlier year to copy from."), field="year")
    have = set(GoalTemplate.objects.filter(owner=owner, year=year).values_list("member_class", flat=True))
    copied = 0
    for row in GoalTemplate.objects.filter(owner=owner, year=latest).exclude(member_class__in=have):
        new = GoalTemplate.objects.create(owner=owner, owner_path=owner.path, year=year, member_class=row.member_class,
                                          common_goals=row.common_goals, six_ones=row.six_ones, note=row.note,
                                          created_by=user_or_none(user))
        record_change(new, ChangeRecord.Action.CREATE, message=_("Copied from %(year)s.") % {"year": latest})
        copied += 1
    return copied


def templates_in_force(organization: Organization, year: int) -> dict[str, GoalTemplate]:
    """{class: template} the organization's members sign under in ``year``: per class, the nearest owner's at or
    above the organization."""
    paths = ancestor_paths(organization.path)
    found: dict[str, GoalTemplate] = {}
    for row in GoalTemplate.objects.filter(owner_path__in=paths, year=year).order_by("-owner_path"):
        found.setdefault(row.member_class, row)
    return found


# --- letters ------------------------------------------------------------------------------------------------------

def _branch(organization: Organization) -> None:
    if organization.org_type not in (OrgType.BRANCH, OrgType.GENERAL_BRANCH):
        refuse(_("Goals letters are signed between members and their branch."), field="organization")


def letters_plan(organization: Organization, year: int) -> dict:
    """What issuing the branch's letters for ``year`` would do: the members in good standing without a letter, each
    with the class and the template it takes; those skipped (class not recorded, no template for it)."""
    templates = templates_in_force(organization, year)
    have = set(GoalLetter.objects.filter(organization=organization, year=year).values_list("member_id", flat=True))
    members = (Member.objects.filter(person__organization=organization, status=MemberStatus.ACTIVE)
               .select_related("person").order_by("person__name", "pk"))
    plan = {"year": year, "organization": organization.name, "rows": [], "skipped": [], "existing": len(have),
            "by_class": {}}
    for member in members:
        if member.pk in have:
            continue
        member_class = member.classification
        if not member_class:
            plan["skipped"].append(_("%(name)s: the member's class is not recorded.") % {"name": member.person.name})
            continue
        template = templates.get(member_class)
        if template is None:
            plan["skipped"].append(_("%(name)s: no common goals are set for “%(class)s” in %(year)s.") % {
                "name": member.person.name, "class": Classification(member_class).label, "year": year})
            continue
        plan["rows"].append((member, member_class, template))
        label = str(Classification(member_class).label)
        plan["by_class"][label] = plan["by_class"].get(label, 0) + 1
    return plan


def letters_preview(plan: dict) -> dict:
    return {"year": plan["year"], "organization": plan["organization"], "to_issue": len(plan["rows"]),
            "existing": plan["existing"], "by_class": plan["by_class"], "skipped": plan["skipped"],
            "names": [member.person.name for member, _class, _template in plan["rows"]]}


@transaction.atomic
def letters_issue(*, user, organization: Organization, year: int, signed_on: datetime.date | None = None,
                  confirm: bool = False) -> dict:
    """Issues the year's letters of the branch's members in good standing who have none, from the templates of
    their classes (the "六个一" goals all chosen where the class's template says they apply). Without ``confirm``:
    NeedsConfirmation with the preview. The preview's figures once written."""
    require_in_scope(user, organization.path, realm="people")
    _branch(organization)
    _year(year)
    signed_on = _past(signed_on, "signed_on")
    if signed_on.year != year:
        refuse(_("A letter of %(year)s is signed in %(year)s.") % {"year": year}, field="signed_on")
    plan = letters_plan(organization, year)
    preview = letters_preview(plan)
    if not plan["rows"]:
        refuse(_("Every member in good standing with a class and its goals already has a letter for %(year)s.") % {
            "year": year}, field="year")
    if not confirm:
        raise NeedsConfirmation(_("Confirm the goals letters to issue."), preview)
    for member, member_class, template in plan["rows"]:
        letter = GoalLetter.objects.create(
            member=member, person=member.person, organization=organization, org_path=member.org_path, year=year,
            member_class=member_class, template=template, common_goals=template.common_goals,
            six_ones=list(SixOne.values) if template.six_ones else [], signed_on=signed_on,
            recorded_by=user_or_none(user))
        record_change(letter, ChangeRecord.Action.CREATE)
    return preview


def _locked_letter(user, letter: GoalLetter) -> GoalLetter:
    letter = GoalLetter.objects.select_for_update(of=("self",)).select_related("person", "organization").get(pk=letter.pk)
    require_in_scope(user, letter.org_path, realm="people")
    return letter


def _six(codes, field: str) -> list[str]:
    codes = list(dict.fromkeys(codes or []))
    if any(code not in SixOne.values for code in codes):
        refuse(_("Choose among the six quantified goals."), field=field)
    return [code for code in SixOne.values if code in codes]


@transaction.atomic
def letter_update(*, user, letter: GoalLetter, individual_goals: str | None = None, six_ones=None,
                  six_ones_done=None, signed_on: datetime.date | None = None) -> GoalLetter:
    """The letter's individual goals, its "六个一" goals chosen and reached, its signing day."""
    letter = _locked_letter(user, letter)
    before = snapshot(letter)
    if individual_goals is not None:
        letter.individual_goals = "\n".join(line.strip() for line in individual_goals.splitlines() if line.strip())
        if len(letter.individual_goals) > MAX_TEXT:
            refuse(_("At most %(limit)s characters.") % {"limit": MAX_TEXT}, field="individual_goals")
    if six_ones is not None:
        letter.six_ones = _six(six_ones, "six_ones")
    if six_ones_done is not None:
        letter.six_ones_done = _six(six_ones_done, "six_ones_done")
    if any(code not in letter.six_ones for code in letter.six_ones_done):
        refuse(_("A quantified goal is reached only if it is one of the letter's."), field="six_ones_done")
    if signed_on is not None:
        if _past(signed_on, "signed_on").year != letter.year:
            refuse(_("A letter of %(year)s is signed in %(year)s.") % {"year": letter.year}, field="signed_on")
        letter.signed_on = signed_on
    if not letter.common_lines and not letter.individual_lines and not letter.six_ones:
        refuse(_("A letter holds at least one goal."), field="individual_goals")
    letter.save()
    record_change(letter, ChangeRecord.Action.UPDATE, before=before)
    return letter


@transaction.atomic
def letter_withdraw(*, user, letter: GoalLetter, reason: str) -> None:
    """Withdraws a letter issued by mistake (a member who left, the wrong class): only while nothing was recorded
    against it (no spot check, no outcome)."""
    letter = _locked_letter(user, letter)
    reason = _text(reason, "reason", required=True)
    if letter.outcome != Outcome.PENDING or letter.checks.exists():
        refuse(_("The letter has spot checks or an outcome recorded: it stays."), field="reason")
    record_change(letter, ChangeRecord.Action.DELETE, message=reason)
    letter.delete()


def _set_outcome(user, letter: GoalLetter, outcome: str, note: str, on: datetime.date) -> bool:
    if outcome not in Outcome.values:
        refuse(_("%(name)s: choose whether the goals were met.") % {"name": letter.person.name}, field="outcome")
    if outcome == Outcome.NOT_MET and not note:
        refuse(_("%(name)s: say which goals were not met.") % {"name": letter.person.name}, field="note")
    if (letter.outcome, letter.outcome_note) == (outcome, note):
        return False
    before = snapshot(letter)
    letter.outcome, letter.outcome_note = outcome, note
    letter.outcome_on = None if outcome == Outcome.PENDING else on
    letter.recorded_by = user_or_none(user)
    letter.save()
    record_change(letter, ChangeRecord.Action.UPDATE, before=before)
    return True


@transaction.atomic
def outcome_set(*, user, letter: GoalLetter, outcome: str, note: str = "",
                on: datetime.date | None = None) -> GoalLetter:
    """The year's outcome of one letter: met, not met (say which goals), or back to not yet assessed."""
    letter = _locked_letter(user, letter)
    on = _past(on, "on")
    if letter.year > on.year:
        refuse(_("The outcome of %(year)s is recorded from that year on.") % {"year": letter.year}, field="outcome")
    before = (letter.outcome, letter.outcome_note, letter.outcome_on)
    if _set_outcome(user, letter, outcome, _text(note, "note"), on):
        # kept as a saving of one outcome, withdrawn like the grid's
        batch = OutcomeBatch.objects.create(organization_id=letter.organization_id, org_path=letter.organization.path,
                                            year=letter.year, saved_on=clock.today(), recorded_by=user_or_none(user))
        record_change(batch, ChangeRecord.Action.CREATE)
        OutcomeChange.objects.create(batch=batch, letter=letter, org_path=letter.org_path, before_outcome=before[0],
                                     before_note=before[1], before_on=before[2], after_outcome=letter.outcome,
                                     after_note=letter.outcome_note)
    return letter


def _outcome_label(code: str) -> str:
    return str(Outcome(code).label)


def outcomes_plan(organization: Organization, year: int, rows) -> dict:
    """What saving the branch's year-end grid would do: ``rows`` of (letter, outcome, note) checked together (every
    refusal reported, each led by the member's name) and reduced to the letters whose outcome or note changes."""
    from django.core.exceptions import ValidationError

    errors, changes, seen = [], [], set()
    for letter, outcome, note in rows:
        name = letter.person.name
        if letter.organization_id != organization.pk or letter.year != year:
            refuse(_("%(name)s: the letter is not one of this branch's for the year.") % {"name": name})
        if letter.pk in seen:
            continue
        seen.add(letter.pk)
        note = (note or "").strip()
        if outcome not in Outcome.values:
            errors.append(_("%(name)s: choose whether the goals were met.") % {"name": name})
            continue
        if len(note) > 300:
            errors.append(_("%(name)s: at most %(limit)s characters.") % {"name": name, "limit": 300})
            continue
        if outcome == Outcome.NOT_MET and not note:
            errors.append(_("%(name)s: say which goals were not met.") % {"name": name})
            continue
        if (letter.outcome, letter.outcome_note) != (outcome, note):
            changes.append((letter, outcome, note))
    if errors:
        raise ValidationError(errors)
    return {"organization": organization, "year": year, "changes": changes, "unchanged": len(seen) - len(changes)}


def outcome_effect(before: str, after: str) -> str:
    """How a change bears on the member: newly barred from 评优, the bar lifted, newly assessed met, another change
    of outcome, or only the note."""
    if after == before:
        return "note"
    if after == Outcome.NOT_MET:
        return "barred"
    if before == Outcome.NOT_MET:
        return "lifted"
    if before == Outcome.PENDING and after == Outcome.MET:
        return "assessed"
    return "changed"


def _honours(member_ids, year: int) -> tuple[set[int], set[int]]:
    """The members among ``member_ids`` holding a "五带头" plaque, and those commended 标兵 in ``year``."""
    member_ids = list(member_ids)
    plaques = set(Plaque.objects.filter(member_id__in=member_ids, status=PlaqueStatus.HELD)
                  .values_list("member_id", flat=True))
    models_ = set(ModelMember.objects.filter(member_id__in=member_ids, year=year, status=LiveStatus.ACTIVE)
                  .values_list("member_id", flat=True))
    return plaques, models_


def _change_rows(year: int, changes) -> list[dict]:
    """The preview's rows of (letter, before outcome, before note, after outcome, after note)."""
    plaques, models_ = _honours([letter.member_id for letter, *_rest in changes], year)
    rows = []
    for letter, before, before_note, after, after_note in changes:
        effect = outcome_effect(before, after)
        rows.append({"letter": letter.pk, "name": letter.person.name, "before": before,
                     "before_label": _outcome_label(before), "before_note": before_note, "after": after,
                     "after_label": _outcome_label(after), "after_note": after_note, "effect": effect,
                     "plaque": effect == "barred" and letter.member_id in plaques,
                     "model_member": effect == "barred" and letter.member_id in models_})
    return rows


def _grouped(rows: list[dict]) -> dict:
    groups = {key: [row for row in rows if row["effect"] == key]
              for key in ("barred", "lifted", "changed", "assessed", "note")}
    return {**groups, "counts": {key: len(value) for key, value in groups.items()}}


def outcomes_preview(plan: dict) -> dict:
    organization, year = plan["organization"], plan["year"]
    rows = _change_rows(year, [(letter, letter.outcome, letter.outcome_note, outcome, note)
                               for letter, outcome, note in plan["changes"]])
    return {"organization": organization.name, "year": year, "changes": len(rows), "unchanged": plan["unchanged"],
            "rows": rows, **_grouped(rows)}


@transaction.atomic
def outcomes_save(*, user, organization: Organization, year: int, rows, confirm: bool = False) -> OutcomeBatch:
    """The branch's year-end grid: ``rows`` of (letter, outcome, note) saved together or not at all, as one batch that
    can be withdrawn. Without ``confirm``: NeedsConfirmation with the preview (members newly marked unmet and thereby
    barred from 优秀, members whose outcome changes, those newly assessed met, notes changed)."""
    require_in_scope(user, organization.path, realm="people")
    _branch(organization)
    today = clock.today()
    if not isinstance(year, int) or year > today.year or year < 2000:
        refuse(_("The outcome of %(year)s is recorded from that year on.") % {"year": year}, field="year")
    ids = [letter.pk for letter, _outcome, _note in rows]
    locked = {letter.pk: letter for letter in
              GoalLetter.objects.select_for_update(of=("self",)).select_related("person").filter(pk__in=ids)}
    rows = [(locked[letter.pk], outcome, note) for letter, outcome, note in rows if letter.pk in locked]
    for letter, _outcome, _note in rows:
        require_in_scope(user, letter.org_path, realm="people")
    plan = outcomes_plan(organization, year, rows)
    if not plan["changes"]:
        refuse(_("No outcome changes: nothing to save."), field="outcome")
    preview = outcomes_preview(plan)
    if not confirm:
        raise NeedsConfirmation(_("Confirm the outcomes to save."), preview)
    batch = OutcomeBatch.objects.create(organization=organization, org_path=organization.path, year=year,
                                        saved_on=today, recorded_by=user_or_none(user))
    record_change(batch, ChangeRecord.Action.CREATE)
    changes = []
    for letter, outcome, note in plan["changes"]:
        changes.append(OutcomeChange(batch=batch, letter=letter, org_path=letter.org_path,
                                     before_outcome=letter.outcome, before_note=letter.outcome_note,
                                     before_on=letter.outcome_on, after_outcome=outcome, after_note=note))
        _set_outcome(user, letter, outcome, note, today)
    OutcomeChange.objects.bulk_create(changes)
    return batch


def _batch_rows(batch: OutcomeBatch) -> tuple[list, list[str]]:
    """The batch's changes in the order of a withdrawal (after → before), and the members whose outcome was changed
    since (the withdrawal waits for those)."""
    changes = list(batch.changes.select_related("letter__person").order_by("letter__person__name", "pk"))
    moved = [change.letter.person.name for change in changes
             if (change.letter.outcome, change.letter.outcome_note) != (change.after_outcome, change.after_note)]
    return changes, moved


def batch_preview(batch: OutcomeBatch) -> dict:
    """What withdrawing the batch would do: each letter's outcome back to what it was before."""
    changes, moved = _batch_rows(batch)
    rows = _change_rows(batch.year, [(c.letter, c.after_outcome, c.after_note, c.before_outcome, c.before_note)
                                     for c in changes])
    return {"organization": batch.organization.name, "year": batch.year, "saved_on": batch.saved_on.isoformat(),
            "changes": len(rows), "unchanged": 0, "rows": rows, "moved": moved, **_grouped(rows)}


@transaction.atomic
def outcome_batch_withdraw(*, user, batch: OutcomeBatch, reason: str, confirm: bool = False) -> OutcomeBatch:
    """Withdraws a saved batch of outcomes: each letter's outcome, note and day back to what they were before it.
    Refused while a letter's outcome was changed since (undo that later change first). Without ``confirm``:
    NeedsConfirmation with the preview."""
    batch = OutcomeBatch.objects.select_for_update(of=("self",)).select_related("organization").get(pk=batch.pk)
    require_in_scope(user, batch.org_path, realm="people")
    reason = _text(reason, "reason", required=True)
    if batch.status != LiveStatus.ACTIVE:
        refuse(_("These outcomes are already withdrawn."), field="reason")
    list(GoalLetter.objects.select_for_update().filter(outcome_changes__batch=batch).values_list("pk", flat=True))
    preview = batch_preview(batch)
    if preview["moved"]:
        refuse(_("The outcome of %(names)s was changed after these were saved: withdraw or undo that later change "
                 "first.") % {"names": "、".join(preview["moved"])}, field="reason")
    if not confirm:
        raise NeedsConfirmation(_("Confirm the withdrawal of these outcomes."), {**preview, "reason": reason})
    for change in batch.changes.select_related("letter__person"):
        letter = change.letter
        before = snapshot(letter)
        letter.outcome, letter.outcome_note, letter.outcome_on = (change.before_outcome, change.before_note,
                                                                  change.before_on)
        letter.recorded_by = user_or_none(user)
        letter.save()
        record_change(letter, ChangeRecord.Action.UPDATE, before=before, message=reason)
    before = snapshot(batch)
    batch.status, batch.withdraw_reason, batch.withdrawn_on = LiveStatus.WITHDRAWN, reason, clock.today()
    batch.withdrawn_by = user_or_none(user)
    batch.save()
    record_change(batch, ChangeRecord.Action.UPDATE, before=before, message=reason)
    return batch


# --- spot checks --------------------------------------------------------------------------------------------------

def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year, 3 * quarter - 2, 1)
    end = datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1)
    return start, end - datetime.timedelta(days=1)


def _spot_rule() -> DutyRule | None:
    return DutyRule.objects.filter(code=SPOT_CHECK_RULE, active=True).select_related("current_version").first()


def _discharge(check: SpotCheck) -> None:
    """The first check of the quarter discharges the branch's quarterly duty (where the rule applies to it)."""
    rule = _spot_rule()
    if check.submission_id or rule is None or rule.current_version is None:
        return
    if not duties.subjects_for(rule.current_version).filter(pk=check.organization_id).exists():
        return
    start, _end = quarter_bounds(check.year, check.quarter)
    submission = duties.submit(user=None, rule=rule, subject=check.organization, occurred_on=check.checked_on,
                               period_start=start, record=check,
                               title=_("Spot check of goals, %(year)s Q%(quarter)s") % {
                                   "year": check.year, "quarter": check.quarter})
    SpotCheck.objects.filter(pk=check.pk).update(submission=submission)
    check.submission = submission


@transaction.atomic
def spot_check_record(*, user, organization: Organization, year: int, quarter: int, checked_on: datetime.date,
                      checked_by: str, entries, note: str = "") -> SpotCheck:
    """Records (or corrects) the branch's spot check of a quarter: ``entries`` of (letter, status, note) for the
    members checked (behind needs a note). The first check of a quarter discharges its duty."""
    require_in_scope(user, organization.path, realm="people")
    _branch(organization)
    _year(year)
    if quarter not in (1, 2, 3, 4):
        refuse(_("Choose the quarter."), field="quarter")
    start, end = quarter_bounds(year, quarter)
    checked_on = _past(checked_on, "checked_on")
    if not start <= checked_on <= end + datetime.timedelta(days=CHECK_DAYS_AFTER):
        refuse(_("The check of %(year)s Q%(quarter)s is made within the quarter or in the %(days)s days after it.")
               % {"year": year, "quarter": quarter, "days": CHECK_DAYS_AFTER}, field="checked_on")
    checked_by = _text(checked_by, "checked_by", required=True, limit=100)
    rows = []
    seen = set()
    for letter, status, entry_note in entries:
        if letter.organization_id != organization.pk or letter.year != year:
            refuse(_("%(name)s: the letter is not one of this branch's for the year.") % {"name": letter.person.name},
                   field="entries")
        if letter.pk in seen:
            continue
        seen.add(letter.pk)
        if status not in CheckStatus.values:
            refuse(_("%(name)s: choose on track or behind.") % {"name": letter.person.name}, field="entries")
        entry_note = _text(entry_note, "entries")
        if status == CheckStatus.BEHIND and not entry_note:
            refuse(_("%(name)s is behind: say on what.") % {"name": letter.person.name}, field="entries")
        rows.append((letter, status, entry_note))
    if not rows:
        refuse(_("Check at least one member's letter."), field="entries")
    check = SpotCheck.objects.select_for_update().filter(organization=organization, year=year, quarter=quarter).first()
    if check is None:
        check = SpotCheck.objects.create(organization=organization, org_path=organization.path, year=year,
                                         quarter=quarter, checked_on=checked_on, checked_by=checked_by,
                                         note=_text(note, "note"), recorded_by=user_or_none(user))
        record_change(check, ChangeRecord.Action.CREATE)
    else:
        before = snapshot(check)
        check.checked_on, check.checked_by, check.note = checked_on, checked_by, _text(note, "note")
        check.save()
        record_change(check, ChangeRecord.Action.UPDATE, before=before)
        if check.submission_id:
            duties.record_changed(record=check, occurred_on=checked_on)
    existing = {entry.letter_id: entry for entry in check.entries.all()}
    for letter, status, entry_note in rows:
        entry = existing.get(letter.pk)
        if entry is None:
            SpotCheckEntry.objects.create(spot_check=check, letter=letter, org_path=letter.org_path, status=status,
                                          note=entry_note)
        elif (entry.status, entry.note) != (status, entry_note):
            entry.status, entry.note = status, entry_note
            entry.save(update_fields=["status", "note", "updated_at"])
    _discharge(check)
    return check


# --- plaques (五带头 挂牌/摘牌) --------------------------------------------------------------------------------------

def village_title(organization_id: int) -> TitleAward | None:
    """The 五个好 title the village (the member's branch) holds, if any."""
    return (TitleAward.objects.filter(organization_id=organization_id, standard__code=FIVE_GOOD_VILLAGE,
                                      status=TitleAward.Status.ACTIVE).order_by("-tier_level", "-granted_on").first())


def unmet(member_ids, years) -> set[int]:
    """The members whose letter of one of ``years`` records the goals not met."""
    return set(GoalLetter.objects.filter(member_id__in=list(member_ids), year__in=list(years),
                                         outcome=Outcome.NOT_MET).values_list("member_id", flat=True))


def _owner(owner: Organization) -> None:
    if owner.org_type not in (OrgType.COMMITTEE, OrgType.PARTY_COMMITTEE):
        refuse(_("Plaques and model members are named by a township committee or the county."), field="owner")


def suggested_removals(owner: Organization, year: int) -> list[tuple[Plaque, str]]:
    """The held plaques under ``owner`` a naming of ``year`` should remove, each with the reason: the member's goals
    of the year not met, the member no longer in good standing, or the village's title removed since the plaque was
    granted (摘牌 linked to the village's, seed 000)."""
    held = list(Plaque.objects.filter(subtree_q("org_path", [owner.path]), status=PlaqueStatus.HELD)
                .select_related("member", "person", "village_title"))
    failing = unmet([plaque.member_id for plaque in held], [year])
    found = []
    for plaque in held:
        if plaque.member_id in failing:
            found.append((plaque, _("Goals of %(year)s not met.") % {"year": year}))
        elif plaque.member.status != MemberStatus.ACTIVE:
            found.append((plaque, _("No longer a member in good standing.")))
        elif plaque.village_title is not None and plaque.village_title.status != TitleAward.Status.ACTIVE:
            found.append((plaque, _("The village's title “%(title)s” was removed.") % {
                "title": plaque.village_title_name}))
    return found


def naming_plan(owner: Organization, year: int, grant, remove) -> dict:
    """What a naming would do: the plaques granted (member, branch, village title) and removed (with the reason);
    refuses a member outside ``owner``, not in good standing, holding a plaque, or whose goals of the year were not
    met."""
    grant = list(dict.fromkeys(grant))
    remove = list(dict.fromkeys(remove))
    if not grant and not remove:
        refuse(_("Choose members to grant a plaque to or plaques to remove."), field="grant")
    failing = unmet([member.pk for member in grant], [year])
    holding = set(Plaque.objects.filter(member__in=grant, status=PlaqueStatus.HELD).values_list("member_id", flat=True))
    removing = {plaque.member_id for plaque in remove}
    grants = []
    for member in grant:
        name = member.person.name
        if not member.org_path.startswith(owner.path):
            refuse(_("%(name)s is not a member under %(owner)s.") % {"name": name, "owner": owner.name}, field="grant")
        if member.status != MemberStatus.ACTIVE:
            refuse(_("%(name)s is not a member in good standing.") % {"name": name}, field="grant")
        if member.pk in failing:
            refuse(_("%(name)s did not meet the goals of %(year)s: no plaque (评优 barred).") % {
                "name": name, "year": year}, field="grant")
        if member.pk in holding and member.pk not in removing:
            refuse(_("%(name)s already holds a plaque.") % {"name": name}, field="grant")
        title = village_title(member.person.organization_id)
        grants.append({"member": member, "title": title})
    suggested = dict((plaque.pk, reason) for plaque, reason in suggested_removals(owner, year))
    removals = []
    for plaque in remove:
        if plaque.status != PlaqueStatus.HELD or not plaque.org_path.startswith(owner.path):
            refuse(_("%(name)s's plaque is not held under %(owner)s.") % {"name": plaque.person.name,
                                                                          "owner": owner.name}, field="remove")
        removals.append({"plaque": plaque, "reason": suggested.get(plaque.pk, "")})
    return {"grants": grants, "removals": removals}


def naming_preview(owner: Organization, year: int, plan: dict) -> dict:
    return {"owner": owner.name, "year": year,
            "granted": [{"name": row["member"].person.name, "organization": row["member"].person.organization.name,
                         "village_title": row["title"].title if row["title"] else ""} for row in plan["grants"]],
            "removed": [{"name": row["plaque"].person.name, "organization": row["plaque"].organization.name,
                         "reason": row["reason"]} for row in plan["removals"]]}


@transaction.atomic
def naming_make(*, user, owner: Organization, year: int, grant, remove=(), decided_on: datetime.date | None = None,
                issuer: str, decision_no: str = "", remove_reason: str = "", confirm: bool = False) -> PlaqueNaming:
    """The year's "五带头" naming by ``owner``: plaques granted to ``grant`` (members) and ``remove`` (plaques)
    removed, as one act. Without ``confirm``: NeedsConfirmation with the preview."""
    require_in_scope(user, owner.path, realm="people")
    _owner(owner)
    _year(year)
    decided_on = _past(decided_on, "decided_on")
    issuer = _text(issuer, "issuer", required=True, limit=100)
    decision_no = _text(decision_no, "decision_no", limit=100)
    remove_reason = _text(remove_reason, "remove_reason")
    plan = naming_plan(owner, year, grant, remove)
    preview = naming_preview(owner, year, plan)
    if not confirm:
        raise NeedsConfirmation(_("Confirm the plaques to grant and remove."), preview)
    naming = PlaqueNaming.objects.create(owner=owner, owner_path=owner.path, year=year, decided_on=decided_on,
                                         issuer=issuer, decision_no=decision_no, decided_by=user_or_none(user))
    record_change(naming, ChangeRecord.Action.CREATE)
    for row in plan["removals"]:
        plaque = row["plaque"]
        before = snapshot(plaque)
        plaque.status, plaque.removed_on = PlaqueStatus.REMOVED, decided_on
        plaque.remove_reason = (remove_reason or row["reason"])[:300]
        plaque.save()
        record_change(plaque, ChangeRecord.Action.UPDATE, before=before)
        naming.removed.add(plaque)
    for row in plan["grants"]:
        member, title = row["member"], row["title"]
        plaque = Plaque.objects.create(naming=naming, member=member, person=member.person,
                                       organization_id=member.person.organization_id, org_path=member.org_path,
                                       year=year, granted_on=decided_on, village_title=title,
                                       village_title_name=title.title if title else "")
        record_change(plaque, ChangeRecord.Action.CREATE)
    return naming


@transaction.atomic
def naming_withdraw(*, user, naming: PlaqueNaming, reason: str) -> PlaqueNaming:
    """Withdraws a naming decided by mistake: its plaques are withdrawn and those it removed are held again. A
    plaque of it removed since by a later naming: withdraw that one first."""
    naming = PlaqueNaming.objects.select_for_update().get(pk=naming.pk)
    require_in_scope(user, naming.owner_path, realm="people")
    reason = _text(reason, "reason", required=True)
    if naming.status != LiveStatus.ACTIVE:
        refuse(_("The naming is already withdrawn."), field="reason")
    granted = list(naming.granted.select_related("person"))
    if any(plaque.status != PlaqueStatus.HELD for plaque in granted):
        refuse(_("A plaque of this naming was removed by a later one: withdraw that naming first."), field="reason")
    restored = list(naming.removed.select_related("person"))
    if Plaque.objects.filter(member_id__in=[plaque.member_id for plaque in restored], status=PlaqueStatus.HELD) \
            .exclude(naming=naming).exists():
        refuse(_("A member whose plaque it removed holds a newer one: withdraw that naming first."), field="reason")
    before = snapshot(naming)
    naming.status, naming.withdraw_reason, naming.withdrawn_on = LiveStatus.WITHDRAWN, reason, clock.today()
    naming.save()
    record_change(naming, ChangeRecord.Action.UPDATE, before=before, message=reason)
    for plaque in granted:
        before = snapshot(plaque)
        plaque.status = PlaqueStatus.WITHDRAWN
        plaque.save()
        record_change(plaque, ChangeRecord.Action.UPDATE, before=before)
    for plaque in restored:
        before = snapshot(plaque)
        plaque.status, plaque.removed_on, plaque.remove_reason = PlaqueStatus.HELD, None, ""
        plaque.save()
        record_change(plaque, ChangeRecord.Action.UPDATE, before=before)
    return naming


# --- model members (标兵) -------------------------------------------------------------------------------------------

def seventh_of_july(year: int) -> datetime.date:
    return datetime.date(year, 7, 1)


def models_plan(owner: Organization, year: int, members) -> dict:
    members = list(dict.fromkeys(members))
    if not members:
        refuse(_("Choose the model members."), field="members")
    failing = unmet([member.pk for member in members], [year - 1, year])
    named = set(ModelMember.objects.filter(member__in=members, year=year, status=LiveStatus.ACTIVE)
                .values_list("member_id", flat=True))
    for member in members:
        name = member.person.name
        if not member.org_path.startswith(owner.path):
            refuse(_("%(name)s is not a member under %(owner)s.") % {"name": name, "owner": owner.name},
                   field="members")
        if member.status != MemberStatus.ACTIVE:
            refuse(_("%(name)s is not a member in good standing.") % {"name": name}, field="members")
        if member.pk in failing:
            refuse(_("%(name)s did not meet the yearly goals: not a model member (评优 barred).") % {"name": name},
                   field="members")
        if member.pk in named:
            refuse(_("%(name)s is already a model member of %(year)s.") % {"name": name, "year": year},
                   field="members")
    return {"members": members}


@transaction.atomic
def models_select(*, user, owner: Organization, year: int, members, commended_on: datetime.date | None = None,
                  issuer: str, citation: str = "", confirm: bool = False) -> list[ModelMember]:
    """The year's "五带头" 标兵 of ``owner`` (a township, or the county), commended on 七一 by default. Without
    ``confirm``: NeedsConfirmation with the preview."""
    require_in_scope(user, owner.path, realm="people")
    _owner(owner)
    _year(year)
    commended_on = commended_on or min(seventh_of_july(year), clock.today())
    if commended_on.year != year:
        refuse(_("The model members of %(year)s are commended in %(year)s.") % {"year": year}, field="commended_on")
    _past(commended_on, "commended_on")
    issuer = _text(issuer, "issuer", required=True, limit=100)
    citation = _text(citation, "citation")
    plan = models_plan(owner, year, members)
    level = ModelLevel.COUNTY if owner.org_type == OrgType.COMMITTEE else ModelLevel.TOWNSHIP
    preview = {"owner": owner.name, "year": year, "level": str(ModelLevel(level).label),
               "commended_on": commended_on.isoformat(),
               "names": [f"{member.person.name}（{member.person.organization.name}）" for member in plan["members"]],
               "count": len(plan["members"])}
    if not confirm:
        raise NeedsConfirmation(_("Confirm the model members to commend."), preview)
    rows = []
    for member in plan["members"]:
        row = ModelMember.objects.create(member=member, person=member.person,
                                         organization_id=member.person.organization_id, org_path=member.org_path,
                                         year=year, level=level, commended_on=commended_on, issuer=issuer,
                                         citation=citation, recorded_by=user_or_none(user))
        record_change(row, ChangeRecord.Action.CREATE)
        rows.append(row)
    return rows


@transaction.atomic
def model_withdraw(*, user, model: ModelMember, reason: str) -> ModelMember:
    model = ModelMember.objects.select_for_update().get(pk=model.pk)
    require_in_scope(user, model.org_path, realm="people")
    reason = _text(reason, "reason", required=True)
    if model.status != LiveStatus.ACTIVE:
        refuse(_("The commendation is already withdrawn."), field="reason")
    before = snapshot(model)
    model.status, model.withdraw_reason = LiveStatus.WITHDRAWN, reason
    model.save()
    record_change(model, ChangeRecord.Action.UPDATE, before=before, message=reason)
    return model


# --- pairs with poor households ---------------------------------------------------------------------------------

@transaction.atomic
def pair_create(*, user, member: Member, household: str, started_on: datetime.date | None = None, place: str = "",
                help: str = "", note: str = "") -> PovertyPair:
    """A member paired with a poor household (帮一户贫困户)."""
    require_in_scope(user, member.org_path, realm="people")
    if member.status != MemberStatus.ACTIVE:
        refuse(_("%(name)s is not a member in good standing.") % {"name": member.person.name}, field="member")
    household = _text(household, "household", required=True, limit=50)
    started_on = _past(started_on, "started_on")
    if PovertyPair.objects.filter(member=member, household=household, outcome=PairOutcome.HELPING).exists():
        refuse(_("%(name)s is already helping this household.") % {"name": member.person.name}, field="household")
    pair = PovertyPair.objects.create(member=member, person=member.person,
                                      organization_id=member.person.organization_id, org_path=member.org_path,
                                      household=household, place=_text(place, "place", limit=100),
                                      started_on=started_on, help=_text(help, "help"), note=_text(note, "note"),
                                      recorded_by=user_or_none(user))
    record_change(pair, ChangeRecord.Action.CREATE)
    return pair


@transaction.atomic
def pair_outcome(*, user, pair: PovertyPair, outcome: str, on: datetime.date | None = None, help: str | None = None,
                 note: str = "") -> PovertyPair:
    """The pairing's outcome: out of poverty, basically out, ended without, or back to being helped."""
    pair = PovertyPair.objects.select_for_update().select_related("person").get(pk=pair.pk)
    require_in_scope(user, pair.org_path, realm="people")
    if outcome not in PairOutcome.values:
        refuse(_("Choose the outcome."), field="outcome")
    on = _past(on, "on")
    if outcome != PairOutcome.HELPING and on < pair.started_on:
        refuse(_("The outcome comes after the pairing began (%(day)s).") % {"day": pair.started_on.isoformat()},
               field="on")
    before = snapshot(pair)
    pair.outcome = outcome
    pair.outcome_on = None if outcome == PairOutcome.HELPING else on
    if help is not None:
        pair.help = _text(help, "help")
    if note:
        pair.note = _text(note, "note")
    pair.save()
    record_change(pair, ChangeRecord.Action.UPDATE, before=before)
    return pair


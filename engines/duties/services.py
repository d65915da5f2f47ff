"""Writes to duty rules, obligations, submissions and notices.

Every function is keyword-only, takes the acting ``user`` first (``None`` = the system), runs
atomically, checks the user's scope and records the change. What a submission counts for and the
state it leaves its obligation in follow the semantics in duties/clock.py and duties/periods.py:

- a submission counts when not returned (with review: once accepted) and, when it was entered more
  than ``backfill_days`` after the event, once approved; ``done_count`` sums the counting units;
- the obligation is complete on the entry day of the submission that brought the count to
  ``required_count``: done if that day is not after the deadline, late otherwise.
"""
import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.core.changelog import record_change, snapshot
from kernel.core.models import ChangeRecord
from kernel.core.scope import CHANGE, scope_for
from kernel.core.services import refuse, require_in_scope
from kernel.core.services import user_or_none as _user_or_none
from kernel.core.tree import SEGMENT_WIDTH, subtree_q
from kernel.core.versioning import VersionedLibrary
from kernel.orgs.models import Organization, OrgStatus
from kernel.people.models import Person, Post

from . import clock
from . import generate as generation
from .clock import refresh_states, tick  # noqa: F401  (part of the services' API)
from .definition import canonical, rule_fields, version_fields
from .format import dump, parse
from .models import (
    Cadence,
    DutyKind,
    DutyRule,
    Notice,
    Obligation,
    ObligationState,
    Recipient,
    RuleVersion,
    SubjectKind,
    Submission,
)
from .periods import deadline, once_period, period_of

# --- rules ------------------------------------------------------------------------------------------------------

class _Rules(VersionedLibrary):
    model, version_model = DutyRule, RuleVersion

    canonical = staticmethod(canonical)
    fields = staticmethod(rule_fields)

    def new_version(self, rule, number, document, user):
        return RuleVersion.objects.create(rule=rule, number=number, document=document,
                                          created_by=_user_or_none(user), **version_fields(document))

    def rewrite(self, version, document):
        for name, value in version_fields(document).items():
            setattr(version, name, value)
        version.document = document
        version.save()

    def check(self, rule, current, document):
        if current is not None and current.subject_kind != document["subject"] and current.frozen:
            refuse(_("A rule in use cannot change who owes it; make a new rule."), field="subject")
        others = rule.versions.exclude(pk=current.pk if current is not None and not current.frozen else None)
        latest = others.order_by("-effective_from").values_list("effective_from", flat=True).first()
        if latest is not None and version_fields(document)["effective_from"] < latest:
            refuse(_("A new version must come into force on or after %(date)s.") % {"date": latest},
                   field="effective_from")


RULES = _Rules()


@transaction.atomic
def rule_save(*, user, document: dict, owner: Organization) -> RuleVersion:
    """Creates a rule, or changes it: in place while no obligation uses the current version, else as the
    next version, in force from its ``effective_from``. An unchanged document changes nothing."""
    return RULES.save(user=user, document=document, owner=owner)


def rule_import(*, user, text, owner: Organization) -> RuleVersion:
    """Reads a rule file and saves it; a malformed file raises engines.duties.format.FormatError before any write."""
    document = parse(text)
    return rule_save(user=user, document=document, owner=owner)


def rule_version(rule: DutyRule, number: int | None = None) -> RuleVersion:
    if number is None:
        version = rule.current_version or rule.versions.order_by("-number").first()
        if version is None:
            raise RuleVersion.DoesNotExist
        return version
    return rule.versions.get(number=number)


def rule_export(rule: DutyRule, number: int | None = None) -> str:
    """The rule file (YAML) of the current version or of version ``number``."""
    return dump(rule_version(rule, number))


def subjects_for(version: RuleVersion, root: Organization | None = None, *, on: datetime.date | None = None):
    """The organizations (or persons) under the rule's owner and ``root`` that the version applies to."""
    applies = version.applies_to or {}
    paths = [version.rule.owner_path] + ([root.path] if root is not None else [])
    if version.subject_kind == SubjectKind.PERSON:
        people = Person.objects.filter(organization__status=OrgStatus.ACTIVE)
        for path in paths:
            people = people.filter(subtree_q("org_path", [path]))
        if applies.get("posts"):
            holders = Post.objects.current(on or clock.today()).filter(title__in=applies["posts"])
            people = people.filter(pk__in=holders.values("person_id"))
        return people.order_by("org_path", "pk")
    orgs = Organization.objects.filter(status=OrgStatus.ACTIVE)
    for path in paths:
        orgs = orgs.filter(subtree_q("path", [path]))
    if applies.get("org_types"):
        orgs = orgs.filter(org_type__in=applies["org_types"])
    if applies.get("domains"):
        orgs = orgs.filter(domain__in=applies["domains"])
    return orgs.order_by("path")


# --- generation -------------------------------------------------------------------------------------------------

def _generation_roots(user, root: Organization | None) -> list[str | None]:
    if root is not None:
        require_in_scope(user, root.path, realm="org")
        return [root.path]
    if user is None or scope_for(user).everything:
        return [None]
    roots = scope_for(user).roots("org", CHANGE)
    if not roots:
        require_in_scope(user, "", realm="org")
    return roots


def _rules(user, rule: DutyRule | None):
    if rule is not None:
        return [rule]
    return list(DutyRule.objects.filter(active=True).order_by("code"))


def _attach_orphans(rule: DutyRule) -> None:
    """Submissions made before their obligation existed now count towards it."""
    orphans = list(Submission.objects.filter(rule=rule, obligation__isnull=True))
    touched = set()
    for submission in orphans:
        obligation = _find_obligation(rule, submission.organization_id, submission.person_id, submission.occurred_on)
        if obligation is not None:
            Submission.objects.filter(pk=submission.pk).update(obligation=obligation)
            touched.add(obligation.pk)
    for obligation in Obligation.objects.filter(pk__in=touched):
        recount(obligation)


@transaction.atomic
def generate(*, user, rule: DutyRule | None = None, year: int, root: Organization | None = None) -> int:
    """Generates the missing obligations of ``year`` (every period, every subject) of one or every active
    rule, under ``root`` (default: the user's subtrees). Existing ones are left alone. Returns how many."""
    today = clock.today()
    inserted = 0
    with generation.tally_batch():
        for chosen in _rules(user, rule):
            for path in _generation_roots(user, root):
                inserted += generation.generate_rule(chosen, year=year, today=today, root_path=path)
            _attach_orphans(chosen)
    if inserted:
        for chosen in _rules(user, rule):
            record_change(chosen, ChangeRecord.Action.UPDATE,
                          message=_("Obligations generated for %(year)s.") % {"year": year})
    return inserted


@transaction.atomic
def generate_once(*, user, rule: DutyRule, root: Organization | None = None) -> int:
    """Generates the obligations of a rule due once (by its ``due_on``)."""
    today = clock.today()
    inserted = sum(generation.generate_rule(rule, year=None, today=today, root_path=path)
                   for path in _generation_roots(user, root))
    _attach_orphans(rule)
    if inserted:
        record_change(rule, ChangeRecord.Action.UPDATE, message=_("Obligations generated."))
    return inserted


DELETE_CHUNK = 900  # ids per statement (SQLite's bound-parameter limit)


@transaction.atomic
def obligations_follow(*, today: datetime.date | None = None) -> dict:
    """Obligations follow the subjects and the calendar (the daily run): every active rule's missing obligations of
    this year, and from December of the next, for new subjects (a new branch, a new post holder) and new periods;
    and the unfinished obligations of periods in which their subject was none (a post left, an organization
    dissolved) removed, their submissions kept without an obligation (generation attaches them again should the
    subject owe that period after all). {"generated": n, "ended": n}."""
    day = today or clock.today()
    years = [day.year] + ([day.year + 1] if day.month == 12 else [])
    since = datetime.date(day.year - 1, 12, 29)  # the earliest start of an ISO week 1
    rules = list(DutyRule.objects.filter(active=True).order_by("code"))
    generated = {}
    with generation.tally_batch():
        for rule in rules:
            generated[rule] = generation.follow_rule(rule, years, today=day)
    ended = {}
    for rule in rules:
        ids = generation.outside_interval(rule, since=since)
        for start in range(0, len(ids), DELETE_CHUNK):
            Obligation.objects.filter(pk__in=ids[start:start + DELETE_CHUNK]).delete()
        ended[rule] = len(ids)
    for rule in rules:
        if generated[rule]:
            _attach_orphans(rule)
            record_change(rule, ChangeRecord.Action.UPDATE, message=_(
                "%(count)d obligations generated for new subjects and periods.") % {"count": generated[rule]})
        if ended[rule]:
            record_change(rule, ChangeRecord.Action.UPDATE, message=_(
                "%(count)d obligations removed: their subject did not owe the period.") % {"count": ended[rule]})
    return {"generated": sum(generated.values()), "ended": sum(ended.values())}


def daily(*, today: datetime.date | None = None) -> dict:
    """The duties' daily job: obligations follow subjects and periods, then the clock's states and notices."""
    day = today or clock.today()
    result = obligations_follow(today=day)
    result.update(tick(today=day))
    return result


def _default_recipient(rule: DutyRule, version: RuleVersion, org_path: str) -> Organization | None:
    if version.recipient == Recipient.OWNER:
        return rule.owner
    if version.recipient == Recipient.PARENT and len(org_path) > SEGMENT_WIDTH:
        return Organization.objects.filter(path=org_path[:-SEGMENT_WIDTH]).first()
    return None


@transaction.atomic
def obligation_once(*, user, rule: DutyRule, subject, due_on: datetime.date,
                    period_start: datetime.date | None = None, owed_to: Organization | None = None) -> Obligation:
    """One obligation of a rule due once, for one subject, by its own date (a supervision notice's deadline,
    say), from ``period_start`` (default: today, or ``due_on`` if that is earlier) to ``due_on``. Owed to
    ``owed_to``, else the recipient the rule's version names. Calling it again for the same subject and
    start returns that obligation, its deadline moved to ``due_on`` if it differs, recounted."""
    fields = _subject_fields(subject)
    require_in_scope(user, fields["org_path"], realm="org")
    start = min(period_start or clock.today(), due_on)
    version = (rule.versions.filter(effective_from__lte=start).order_by("-effective_from", "-number").first()
               or rule.current_version)
    if version is None or version.cadence != Cadence.ONCE:
        refuse(_("Only a rule due once has obligations by their own date."), field="rule")
    if version.subject_kind != (SubjectKind.PERSON if fields["person"] else SubjectKind.ORGANIZATION):
        refuse(_("This rule is not owed by such a subject."), field="subject")
    period = once_period(due_on, start)
    due, missed_after = deadline(version.cadence, period, due_days=version.due_days,
                                 grace_days=version.grace_days, due_on=due_on)
    dates = {"period_end": period.end, "period_label": period.label, "due_on": due, "missed_after": missed_after}
    subject_key = {"person": fields["person"]} if fields["person"] else {"organization": fields["organization"]}
    obligation = Obligation.objects.select_for_update().filter(rule=rule, period_start=start, **subject_key).first()
    if obligation is not None:
        if any(getattr(obligation, name) != value for name, value in dates.items()):
            before = snapshot(obligation)
            Obligation.objects.filter(pk=obligation.pk).update(**dates)
            obligation = recount(obligation)
            record_change(obligation, ChangeRecord.Action.UPDATE, before=before)
        return obligation
    if owed_to is None:
        owed_to = _default_recipient(rule, version, fields["org_path"])
    obligation = Obligation.objects.create(
        rule=rule, version=version, organization=fields["organization"], person=fields["person"],
        org_path=fields["org_path"], owed_to=owed_to, period_start=start, required_count=version.min_count,
        state=clock.state_of(due_on=due, missed_after=missed_after, completed_on=None, today_=clock.today()),
        **dates)
    RuleVersion.objects.filter(pk=version.pk, frozen=False).update(frozen=True)
    _attach_orphans(rule)
    record_change(obligation, ChangeRecord.Action.CREATE)
    return obligation


# --- submissions ------------------------------------------------------------------------------------------------

def _subject_fields(subject) -> dict:
    if isinstance(subject, Person):
        return {"organization": None, "person": subject, "org_path": subject.org_path}
    return {"organization": subject, "person": None, "org_path": subject.path}


def _find_obligation(rule, organization_id, person_id, day: datetime.date, period_start=None) -> Obligation | None:
    obligations = Obligation.objects.filter(rule=rule)
    obligations = (obligations.filter(person_id=person_id) if person_id
                   else obligations.filter(organization_id=organization_id))
    if period_start is not None:
        return obligations.filter(period_start=period_start).first()
    return obligations.filter(period_start__lte=day, period_end__gte=day).order_by("period_start").first()


def _obligation_for(rule: DutyRule, subject, occurred_on: datetime.date, period_start) -> Obligation | None:
    """The subject's obligation whose period contains the day (or starts on ``period_start``), generated if
    the rule applies to the subject and is in force for that period."""
    fields = _subject_fields(subject)
    ids = (fields["organization"].pk if fields["organization"] else None,
           fields["person"].pk if fields["person"] else None)
    obligation = _find_obligation(rule, *ids, occurred_on, period_start)
    if obligation is None:
        day = period_start or occurred_on
        generation.generate_for_subject(rule, subject.pk, day, today=clock.today())
        obligation = _find_obligation(rule, *ids, occurred_on, period_start)
    return obligation


def counts(submission: Submission) -> bool:
    """Whether a submission counts towards its obligation."""
    return (submission.review in (Submission.Review.NONE, Submission.Review.ACCEPTED)
            and submission.approval in (Submission.Approval.NONE, Submission.Approval.APPROVED))


def _completion(entries, required: int) -> tuple[int, datetime.date | None]:
    """(done_count, completed_on) from an obligation's counting (submitted_on, units) in entry order: the
    running total reaching ``required`` completes it on that submission's day."""
    total, completed_on = 0, None
    for submitted_on, units in entries:
        total += units
        if completed_on is None and total >= required:
            completed_on = submitted_on
    return total, completed_on


def recount(obligation: Obligation, *, today: datetime.date | None = None) -> Obligation:
    """Sums the counting submissions and sets ``done_count``, ``completed_on`` and the state."""
    obligation = Obligation.objects.select_for_update().get(pk=obligation.pk)
    entries = [(s.submitted_on, s.units) for s in obligation.submissions.order_by("submitted_on", "pk") if counts(s)]
    obligation.done_count, obligation.completed_on = _completion(entries, obligation.required_count)
    obligation.state = clock.state_of(due_on=obligation.due_on, missed_after=obligation.missed_after,
                                      completed_on=obligation.completed_on, today_=today or clock.today(),
                                      waived=obligation.state == ObligationState.WAIVED)
    obligation.save(update_fields=["done_count", "completed_on", "state"])
    return obligation


RECOUNT_CHUNK = 900  # ids per statement (SQLite's bound-parameter limit)


def _state_case(day: datetime.date) -> Case:
    return Case(When(completed_on__isnull=False, completed_on__lte=F("due_on"), then=Value(ObligationState.DONE)),
                When(completed_on__isnull=False, then=Value(ObligationState.LATE)),
                When(missed_after__lt=day, then=Value(ObligationState.MISSED)),
                When(due_on__lt=day, then=Value(ObligationState.OVERDUE)),
                default=Value(ObligationState.OPEN))


@transaction.atomic
def recount_many(obligation_ids, *, today: datetime.date | None = None) -> int:
    """``recount`` of many obligations in a few statements, for records written in bulk (demos, imports):
    one read of their submissions, one UPDATE per distinct (done_count, completed_on), one for the states."""
    ids = sorted(set(obligation_ids))
    day = today or clock.today()
    results: dict = {}
    for start in range(0, len(ids), RECOUNT_CHUNK):
        chunk = ids[start:start + RECOUNT_CHUNK]
        required = dict(Obligation.objects.select_for_update().filter(pk__in=chunk)
                        .values_list("pk", "required_count"))
        entries: dict = {pk: [] for pk in required}
        for submission in (Submission.objects.filter(obligation_id__in=chunk).order_by("submitted_on", "pk")
                           .only("obligation_id", "submitted_on", "units", "review", "approval")):
            if counts(submission):
                entries[submission.obligation_id].append((submission.submitted_on, submission.units))
        for pk, rows in entries.items():
            results.setdefault(_completion(rows, required[pk]), []).append(pk)
    for (total, completed_on), pks in results.items():
        for start in range(0, len(pks), RECOUNT_CHUNK):
            Obligation.objects.filter(pk__in=pks[start:start + RECOUNT_CHUNK]).update(
                done_count=total, completed_on=completed_on)
    for start in range(0, len(ids), RECOUNT_CHUNK):
        Obligation.objects.filter(pk__in=ids[start:start + RECOUNT_CHUNK]).exclude(
            state=ObligationState.WAIVED).update(state=_state_case(day))
    return len(ids)


def _version_of(rule: DutyRule, obligation: Obligation | None, day: datetime.date) -> RuleVersion:
    if obligation is not None:
        return obligation.version
    return generation.version_for(rule, day) or rule.current_version


def _recipient_path(obligation: Obligation | None, org_path: str) -> str:
    """Who reviews and approves: the obligation's recipient, else the subject's parent."""
    if obligation is not None and obligation.owed_to_id:
        return Organization.objects.filter(pk=obligation.owed_to_id).values_list("path", flat=True).first()
    return org_path[:-SEGMENT_WIDTH] or org_path


def _is_late_entry(version: RuleVersion, occurred_on: datetime.date, entered_on: datetime.date) -> bool:
    return version.backfill_days is not None and (entered_on - occurred_on).days > version.backfill_days


def _approvers(path: str):
    """Users with a change grant on the organization at ``path``."""
    from kernel.accounts.models import Grant

    return (Grant.objects.filter(organization__path=path, role__in=clock.CHANGE_ROLES, user__is_active=True)
            .values_list("user_id", flat=True).distinct())


def _notify_submission(submission: Submission, kind: str, user_ids, message: str) -> None:
    Notice.objects.bulk_create([Notice(user_id=user_id, submission=submission, kind=kind, message=message[:300])
                                for user_id in set(user_ids)])


@transaction.atomic
def submit(*, user, rule: DutyRule, subject, occurred_on: datetime.date, title: str, body: str = "", units: int = 1,
           attachment=None, record=None, period_start: datetime.date | None = None) -> Submission:
    """Records what discharges (part of) the subject's obligation for the period containing ``occurred_on``
    (or starting on ``period_start``: a report chooses the period it reports on)."""
    fields = _subject_fields(subject)
    require_in_scope(user, fields["org_path"], realm="org")
    if units < 1:
        refuse(_("The count must be at least 1."), field="units")
    if not title.strip():
        refuse(_("Give the submission a title."), field="title")
    entered_on = clock.today()
    if occurred_on > entered_on and rule.current_version and rule.current_version.kind != DutyKind.REPORT:
        refuse(_("A record cannot be entered before the day it took place."), field="occurred_on")
    obligation = _obligation_for(rule, subject, occurred_on, period_start)
    if period_start is not None and obligation is None:
        refuse(_("There is no such period of this duty."), field="period_start")
    version = _version_of(rule, obligation, occurred_on)
    late_entry = version is not None and _is_late_entry(version, occurred_on, entered_on)
    submission = Submission(
        obligation=obligation, rule=rule, occurred_on=occurred_on, submitted_on=entered_on, units=units,
        title=title.strip()[:200], body=body, submitted_by=_user_or_none(user),
        review=Submission.Review.PENDING if version is not None and version.review else Submission.Review.NONE,
        late_entry=late_entry, approval=Submission.Approval.PENDING if late_entry else Submission.Approval.NONE,
        **fields,
    )
    if attachment is not None:
        submission.attachment = attachment
    if record is not None:
        submission.record_type = ContentType.objects.get_for_model(record)
        submission.record_id = record.pk
    submission.save()
    record_change(submission, ChangeRecord.Action.CREATE)
    if late_entry:
        _notify_submission(submission, Notice.Kind.APPROVAL, _approvers(_recipient_path(obligation, fields["org_path"])),
                           f"{rule.name} · {submission.title}")
    if obligation is not None:
        recount(obligation)
    return submission


def _require_recipient(user, submission: Submission) -> None:
    """Reviews and approvals are for those responsible for the recipient organization."""
    require_in_scope(user, _recipient_path(submission.obligation, submission.org_path), realm="org")


@transaction.atomic
def submission_review(*, user, submission: Submission, accept: bool, note: str = "") -> Submission:
    """The recipient accepts a submission (it counts) or returns it for revision (it does not)."""
    submission = (Submission.objects.select_for_update(of=("self",)).select_related("obligation", "rule")
                  .get(pk=submission.pk))
    _require_recipient(user, submission)
    if submission.review == Submission.Review.NONE:
        refuse(_("This submission is not reviewed."))
    before = snapshot(submission)
    submission.review = Submission.Review.ACCEPTED if accept else Submission.Review.RETURNED
    submission.reviewed_by = _user_or_none(user)
    submission.reviewed_at = timezone.now()
    submission.review_note = note[:500]
    submission.save()
    record_change(submission, ChangeRecord.Action.UPDATE, before=before)
    if not accept and submission.submitted_by_id:
        _notify_submission(submission, Notice.Kind.RETURNED, [submission.submitted_by_id],
                           f"{submission.rule.name} · {submission.title}")
    if submission.obligation_id:
        recount(submission.obligation)
    return submission


@transaction.atomic
def submission_approve(*, user, submission: Submission, approve: bool, note: str = "") -> Submission:
    """Approves (it counts, marked late) or refuses (it never counts) a record entered after its window."""
    submission = Submission.objects.select_for_update(of=("self",)).select_related("obligation").get(pk=submission.pk)
    _require_recipient(user, submission)
    if submission.approval == Submission.Approval.NONE:
        refuse(_("This submission needs no approval."))
    before = snapshot(submission)
    submission.approval = Submission.Approval.APPROVED if approve else Submission.Approval.REFUSED
    submission.approved_by = _user_or_none(user)
    submission.approval_note = note[:500]
    submission.save()
    record_change(submission, ChangeRecord.Action.UPDATE, before=before)
    if submission.obligation_id:
        recount(submission.obligation)
    return submission


@transaction.atomic
def submission_withdraw(*, user, submission: Submission) -> None:
    """Removes a submission (e.g. its meeting record was deleted); its obligation is recounted."""
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    require_in_scope(user, submission.org_path, realm="org")
    obligation = submission.obligation
    record_change(submission, ChangeRecord.Action.DELETE)
    submission.delete()
    if obligation is not None:
        recount(obligation)


RECORD_DATE_FIELDS = ("occurred_on", "held_on", "date")


def _record_day(record) -> datetime.date | None:
    for name in RECORD_DATE_FIELDS:
        value = getattr(record, name, None)
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
    return None


@transaction.atomic
def record_changed(*, record, rule_code: str | None = None, occurred_on: datetime.date | None = None,
                   units: int | None = None, title: str | None = None) -> list[Submission]:
    """A mechanism's record changed: its submissions follow its date (``occurred_on``, else the record's
    ``occurred_on``/``held_on``/``date``), units and title, moving to another period's obligation if need be."""
    submissions = Submission.objects.select_for_update().filter(
        record_type=ContentType.objects.get_for_model(record), record_id=record.pk).select_related("rule")
    if rule_code:
        submissions = submissions.filter(rule__code=rule_code)
    day = occurred_on or _record_day(record)
    changed = []
    for submission in submissions:
        before = snapshot(submission)
        touched = {submission.obligation_id}
        if units is not None:
            submission.units = units
        if title:
            submission.title = title[:200]
        if day is not None and day != submission.occurred_on:
            submission.occurred_on = day
            subject = submission.person or submission.organization
            obligation = _obligation_for(submission.rule, subject, day, None)
            submission.obligation = obligation
            touched.add(obligation.pk if obligation else None)
            version = _version_of(submission.rule, obligation, day)
            late = version is not None and _is_late_entry(version, day, submission.submitted_on)
            if late and not submission.late_entry:
                submission.late_entry, submission.approval = True, Submission.Approval.PENDING
            elif not late and submission.approval == Submission.Approval.PENDING:
                submission.late_entry, submission.approval = False, Submission.Approval.NONE
        submission.save()
        if record_change(submission, ChangeRecord.Action.UPDATE, before=before):
            changed.append(submission)
        for obligation in Obligation.objects.filter(pk__in=[pk for pk in touched if pk]):
            recount(obligation)
    return changed


# --- obligations ------------------------------------------------------------------------------------------------

@transaction.atomic
def waive(*, user, obligation: Obligation, note: str) -> Obligation:
    """Releases a subject from one obligation (e.g. the organization was just founded), with the reason."""
    obligation = Obligation.objects.select_for_update().get(pk=obligation.pk)
    require_in_scope(user, _recipient_path(obligation, obligation.org_path), realm="org")
    if not note.strip():
        refuse(_("Say why the duty is waived."), field="note")
    before = snapshot(obligation)
    obligation.state = ObligationState.WAIVED
    obligation.save(update_fields=["state"])
    record_change(obligation, ChangeRecord.Action.UPDATE, before=before, message=note.strip()[:500])
    return obligation


def notice_mark_read(*, user, notice: Notice) -> Notice:
    """Marks one of the user's own notices read (another user's is refused as if missing)."""
    if notice.user_id != getattr(user, "pk", None):
        raise Notice.DoesNotExist
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return notice


def period_for(rule: DutyRule, day: datetime.date):
    """The period of the rule's version in force that contains ``day`` (None for a "once" rule outside it)."""
    version = generation.version_for(rule, day) or rule.current_version
    if version is None:
        return None
    return period_of(version.cadence, day, due_on=version.due_on, effective_from=version.effective_from)


__all__ = [
    "Cadence", "rule_save", "rule_import", "rule_export", "subjects_for", "generate", "generate_once", "submit",
    "submission_review", "submission_approve", "submission_withdraw", "record_changed", "refresh_states", "tick",
    "waive", "recount", "recount_many", "obligation_once", "period_for", "notice_mark_read", "obligations_follow",
    "daily",
]

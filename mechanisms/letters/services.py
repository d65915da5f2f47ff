"""Writes of the letters: keyword-only, ``user`` first (None = the system), atomic, scope-checked again.

- ``letters_issue``: an issuer's letters of a year to the organizations under it, each with the targets (by default
  the issuer's own letter of the year from above, copied down), each a one-off duty of the recipient to sign by a
  day (the rule ``letter-signing``). A bulk act: without ``confirm``, NeedsConfirmation with its preview.
- ``people_set``: the people answerable for a letter (联点领导, 乡镇领导, 工作队(组)人员; seed 000 §一.3), before
  its check; a failed check bars them from the 优秀 grade of the year's review (selectors.barred).
- ``targets_set`` (before signing), ``letter_sign``, ``actuals_set`` (the figures reached), ``letter_withdraw``.
- ``check_run``: the year-end check of an issuer's letters of a year through the standards engine (the shipped
  standard ``responsibility-letter-check``), its grade copied onto each letter with the linked consequence: a
  failed letter bars the recipient from the excellent grade, an excellent one is commended with the reward.
  A bulk act as well; ``check_withdraw`` takes it back.
"""
import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from engines.duties import services as duties
from engines.duties.models import DutyRule, Obligation, Submission
from engines.standards import services as standards
from engines.standards.models import PeriodKind, Sheet, Standard
from kernel.core import clock
from kernel.core.changelog import record_change, snapshot
from kernel.core.models import ChangeRecord
from kernel.core.services import NeedsConfirmation, refuse, require_in_scope, user_or_none
from kernel.orgs.models import Organization, OrgStatus, OrgType

from . import scoring
from .library import CHECK_STANDARD, SIGNING_RULE, ensure_installed
from .models import CheckTier, Consequence, Letter, LetterCheck, LetterPerson, LetterTarget, PersonRole

RECIPIENT_TYPES = (OrgType.PARTY_COMMITTEE, OrgType.GENERAL_BRANCH, OrgType.BRANCH)
MAX_TARGETS = 40
MAX_PEOPLE = 30


def recipients_of(issuer: Organization):
    """The organizations an issuer signs letters with: its active committees, general branches and branches."""
    return Organization.objects.filter(parent=issuer, status=OrgStatus.ACTIVE,
                                       org_type__in=RECIPIENT_TYPES).order_by("path")


def own_letter(organization: Organization, year: int) -> Letter | None:
    """The letter ``organization`` signed for ``year`` with the organization above (its template downwards)."""
    return (Letter.objects.filter(organization=organization, year=year, withdrawn_on__isnull=True)
            .prefetch_related("targets").order_by("-pk").first())


def _number(value, field: str, *, positive: bool = False) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        refuse(_("Enter a number."), field=field)
    if not number.is_finite() or number < 0 or (positive and number == 0) or number >= Decimal("1e10"):
        refuse(_("Enter a number above 0.") if positive else _("Enter a number of 0 or more."), field=field)
    return number.quantize(Decimal("0.01"))


def clean_targets(rows) -> list[dict]:
    """The targets given ([{text, measure, target, weight}]), blank rows left out; refused if none or one is bad."""
    cleaned = []
    for row in rows or []:
        text = str(row.get("text") or "").strip()
        if not text and not str(row.get("target") or "").strip():
            continue
        if not text:
            refuse(_("Say what each target is."), field="targets")
        if len(text) > 300:
            refuse(_("A target is at most 300 characters."), field="targets")
        cleaned.append({"text": text, "measure": str(row.get("measure") or "").strip()[:40],
                        "target": _number(row.get("target"), "targets"),
                        "weight": _number(row.get("weight") if str(row.get("weight") or "").strip() else 1,
                                          "targets", positive=True)})
    if not cleaned:
        refuse(_("A letter needs at least one target."), field="targets")
    if len(cleaned) > MAX_TARGETS:
        refuse(_("A letter has at most %(max)s targets.") % {"max": MAX_TARGETS}, field="targets")
    return cleaned


def template_targets(issuer: Organization, year: int) -> list[dict]:
    """The issuer's own letter's targets of the year, to copy down (empty when it has none)."""
    letter = own_letter(issuer, year)
    return [{"text": t.text, "measure": t.measure, "target": t.target, "weight": t.weight}
            for t in (letter.targets.all() if letter else [])]


def _rule() -> DutyRule | None:
    return DutyRule.objects.filter(code=SIGNING_RULE, active=True).first()


def _open_duty(letter: Letter) -> None:
    rule = _rule()
    if rule is None:
        return
    taken = set(Obligation.objects.filter(rule=rule, organization=letter.organization)
                .values_list("period_start", flat=True))
    start = min(datetime.date(letter.year, 1, 1) if letter.year <= clock.today().year else clock.today(),
                letter.due_on)
    while start in taken:
        start += datetime.timedelta(days=1)
    if start > letter.due_on:
        return
    letter.obligation = duties.obligation_once(user=None, rule=rule, subject=letter.organization,
                                               due_on=letter.due_on, period_start=start, owed_to=letter.issuer)
    Letter.objects.filter(pk=letter.pk).update(obligation=letter.obligation)


def issue_preview(issuer, year, due_on, title, recipients, skipped, targets) -> dict:
    return {"issuer": issuer.name, "year": year, "due_on": due_on.isoformat(), "title": title,
            "recipients": [org.name for org in recipients], "skipped": [org.name for org in skipped],
            "targets": [{"text": t["text"], "measure": t["measure"], "target": scoring.plain(t["target"]),
                         "weight": scoring.plain(t["weight"])} for t in targets],
            "effects": [_("%(count)s letters are issued, each to be signed by %(date)s (a duty of the organization "
                          "signing, owed to %(issuer)s).") % {"count": len(recipients), "date": due_on.isoformat(),
                                                              "issuer": issuer.name}]
            + ([_("%(count)s organizations have a letter of the year already and are left as they are.")
                % {"count": len(skipped)}] if skipped else [])}


@transaction.atomic
def letters_issue(*, user, issuer: Organization, year: int, due_on: datetime.date, title: str = "",
                  targets=None, recipients=None, confirm: bool = False) -> list[Letter]:
    """Issues ``issuer``'s letters of ``year`` to ``recipients`` (default: every organization it signs with) that
    have none from it yet. ``targets`` default to the issuer's own letter's (copied down)."""
    require_in_scope(user, issuer.path, realm="org")
    if issuer.status != OrgStatus.ACTIVE or not recipients_of(issuer).exists():
        refuse(_("%(name)s has no organizations under it to sign letters with.") % {"name": issuer.name},
               field="issuer")
    if year is None or not 2000 <= year <= clock.today().year + 1:
        refuse(_("Choose this year, next year or a past year."), field="year")
    if due_on is None or due_on.year not in (year - 1, year):
        refuse(_("The letters are signed by a day of their year (or late in the year before)."), field="due_on")
    targets = clean_targets(template_targets(issuer, year) if targets is None else targets)
    title = (title or "").strip()[:200] or _("%(year)s party-building responsibility letter of %(issuer)s") % {
        "year": year, "issuer": issuer.name}
    allowed = {org.pk: org for org in recipients_of(issuer)}
    if recipients is None:
        chosen = list(allowed.values())
    else:
        if any(getattr(org, "pk", org) not in allowed for org in recipients):
            refuse(_("Letters go to the organizations directly under the issuer."), field="recipients")
        chosen = [allowed[getattr(org, "pk", org)] for org in recipients]
    taken = set(Letter.objects.filter(issuer=issuer, year=year, withdrawn_on__isnull=True)
                .values_list("organization_id", flat=True))
    fresh = [org for org in chosen if org.pk not in taken]
    skipped = [org for org in chosen if org.pk in taken]
    if not fresh:
        refuse(_("Every organization chosen has its letter of %(year)s already.") % {"year": year},
               field="recipients")
    if not confirm:
        raise NeedsConfirmation(_("Confirm the %(count)s letters of %(year)s.") % {"count": len(fresh), "year": year},
                                issue_preview(issuer, year, due_on, title, fresh, skipped, targets))
    ensure_installed(issuer)
    letters = Letter.objects.bulk_create([
        Letter(year=year, issuer=issuer, issuer_path=issuer.path, organization=org, org_path=org.path, title=title,
               due_on=due_on, issued_by=user_or_none(user)) for org in fresh])
    letters = list(Letter.objects.filter(issuer=issuer, year=year, organization__in=fresh, withdrawn_on__isnull=True)
                   .select_related("organization", "issuer"))
    LetterTarget.objects.bulk_create([
        LetterTarget(letter=letter, org_path=letter.org_path, position=n, **target)
        for letter in letters for n, target in enumerate(targets)])
    for letter in letters:
        record_change(letter, ChangeRecord.Action.CREATE)
        _open_duty(letter)
    return letters


def _live(letter: Letter, user, path: str) -> Letter:
    letter = Letter.objects.select_for_update(of=("self",)).select_related("organization", "issuer").get(pk=letter.pk)
    require_in_scope(user, path or letter.org_path, realm="org")
    if letter.withdrawn_on is not None:
        refuse(_("This letter was withdrawn."))
    return letter


@transaction.atomic
def targets_set(*, user, letter: Letter, targets) -> Letter:
    """Adjusts a letter's targets before it is signed (the issuer's)."""
    letter = _live(letter, user, letter.issuer_path)
    if letter.signed_on is not None:
        refuse(_("A signed letter's targets are not changed."), field="targets")
    targets = clean_targets(targets)
    before = snapshot(letter)
    letter.targets.all().delete()
    LetterTarget.objects.bulk_create([LetterTarget(letter=letter, org_path=letter.org_path, position=n, **target)
                                      for n, target in enumerate(targets)])
    letter.save(update_fields=["updated_at"])
    record_change(letter, ChangeRecord.Action.UPDATE, before=before, message=_("Targets adjusted."))
    return letter


def clean_people(user, rows) -> list[dict]:
    """The people given ([{person, name, role, post}]), blank rows left out: ``person`` a registry person the user
    sees (by id) or None with a ``name``; refused if one is bad. An empty list clears the letter's people."""
    from kernel.people.models import Person

    cleaned = []
    for row in rows or []:
        raw = row.get("person")
        name = str(row.get("name") or "").strip()
        post = str(row.get("post") or "").strip()
        role = str(row.get("role") or "").strip()
        if raw in (None, "") and not name and not post:
            continue
        person = None
        if raw not in (None, ""):
            pk = getattr(raw, "pk", raw)
            try:
                pk = int(pk)
            except (TypeError, ValueError):
                pk = None
            person = Person.objects.restrict(user).filter(pk=pk).first() if pk is not None else None
            if person is None:
                refuse(_("Choose each person from the people registry, or enter a name."), field="people")
            name = name or person.name
        if not name:
            refuse(_("Give each person answerable a name."), field="people")
        if len(name) > 50:
            refuse(_("A name is at most 50 characters."), field="people")
        if len(post) > 100:
            refuse(_("A post is at most 100 characters."), field="people")
        if role not in PersonRole.values:
            refuse(_("Choose each person's role: linked leader, township leader or work team member."),
                   field="people")
        cleaned.append({"person": person, "name": name, "role": role, "post": post})
    if len(cleaned) > MAX_PEOPLE:
        refuse(_("A letter has at most %(max)s people answerable.") % {"max": MAX_PEOPLE}, field="people")
    seen = set()
    for row in cleaned:
        key = (row["person"].pk if row["person"] else row["name"], row["role"])
        if key in seen:
            refuse(_("%(name)s is listed twice in the same role.") % {"name": row["name"]}, field="people")
        seen.add(key)
    return cleaned


@transaction.atomic
def people_set(*, user, letter: Letter, people) -> Letter:
    """Records the people answerable for a letter (the issuer's, before its year-end check): the list given
    replaces the letter's."""
    letter = _live(letter, user, letter.issuer_path)
    if letter.year_check_id is not None:
        refuse(_("The letter is checked: withdraw the check to change the people answerable."), field="people")
    people = clean_people(user, people)
    before = snapshot(letter)
    letter.people.all().delete()
    LetterPerson.objects.bulk_create([LetterPerson(letter=letter, org_path=letter.org_path, position=n, **row)
                                      for n, row in enumerate(people)])
    letter.save(update_fields=["updated_at"])
    record_change(letter, ChangeRecord.Action.UPDATE, before=before, message=_("People answerable recorded."))
    return letter


@transaction.atomic
def letter_sign(*, user, letter: Letter, signed_on: datetime.date, signer: str = "") -> Letter:
    """Records the letter signed on a day (by the recipient, or the issuer for it); its duty is done."""
    letter = _live(letter, user, letter.org_path)
    if letter.signed_on is not None:
        refuse(_("This letter is signed already."))
    if signed_on is None or signed_on > clock.today():
        refuse(_("A letter is recorded signed once it is: the day cannot be in the future."), field="signed_on")
    if signed_on.year < letter.year - 1:
        refuse(_("The day is before the letter's year."), field="signed_on")
    before = snapshot(letter)
    letter.signed_on, letter.signer = signed_on, (signer or "").strip()[:50]
    letter.save(update_fields=["signed_on", "signer", "updated_at"])
    record_change(letter, ChangeRecord.Action.UPDATE, before=before)
    if letter.obligation_id is not None:
        obligation = Obligation.objects.select_related("rule").get(pk=letter.obligation_id)
        duties.submit(user=None, rule=obligation.rule, subject=letter.organization, occurred_on=signed_on,
                      title=letter.title, period_start=obligation.period_start, record=letter)
    return letter


@transaction.atomic
def actuals_set(*, user, letter: Letter, actuals: dict) -> Letter:
    """The figures reached at the year's end, {target id: figure or None} (the issuer's, before the check)."""
    letter = _live(letter, user, letter.issuer_path)
    if letter.year_check_id is not None:
        refuse(_("The letter is checked: withdraw the check to change its figures."))
    targets = {t.pk: t for t in letter.targets.all()}
    if any(pk not in targets for pk in actuals):
        refuse(_("A figure names a target of another letter."), field="actuals")
    for pk, value in actuals.items():
        target = targets[pk]
        target.actual = None if value in (None, "") else _number(value, "actuals")
        target.save(update_fields=["actual"])
    before = snapshot(letter)
    letter.save(update_fields=["updated_at"])
    record_change(letter, ChangeRecord.Action.UPDATE, before=before, message=_("Figures reached entered."))
    return letter


@transaction.atomic
def letter_withdraw(*, user, letter: Letter, reason: str) -> Letter:
    """Withdraws a letter issued by mistake (the issuer's, before its check): its duty is waived."""
    letter = _live(letter, user, letter.issuer_path)
    if letter.year_check_id is not None:
        refuse(_("The letter is checked: withdraw the check first."))
    if not (reason or "").strip():
        refuse(_("Say why the letter is withdrawn."), field="reason")
    before = snapshot(letter)
    letter.withdrawn_on, letter.withdraw_reason = clock.today(), reason.strip()[:300]
    letter.save(update_fields=["withdrawn_on", "withdraw_reason", "updated_at"])
    record_change(letter, ChangeRecord.Action.UPDATE, before=before)
    if letter.obligation_id is not None:
        obligation = Obligation.objects.get(pk=letter.obligation_id)
        if obligation.state not in ("done", "late"):
            duties.waive(user=None, obligation=obligation,
                         note=_("Letter withdrawn: %(reason)s") % {"reason": letter.withdraw_reason})
        else:
            for submission in Submission.objects.filter(obligation=obligation):
                duties.submission_withdraw(user=None, submission=submission)
    return letter


# --- the year-end check ---------------------------------------------------------------------------------------

def check_preview(issuer: Organization, year: int, letters: list[Letter]) -> dict:
    rows = []
    for letter in letters:
        total, tier = scoring.expected(letter, list(letter.targets.all()))
        rows.append({"organization": letter.organization.name, "total": scoring.plain(total), "tier": tier,
                     "tier_name": str(CheckTier(tier).label),
                     "signed_on_time": scoring.signed_on_time(letter),
                     "consequence": str(Consequence.BARS_EXCELLENT.label) if tier == "failed"
                     else str(Consequence.COMMENDED.label) if tier == "excellent" else ""})
    failed = sum(1 for row in rows if row["tier"] == "failed")
    excellent = sum(1 for row in rows if row["tier"] == "excellent")
    return {"issuer": issuer.name, "year": year, "rows": rows, "failed": failed, "excellent": excellent,
            "effects": [_("%(count)s letters are checked against their targets.") % {"count": len(rows)},
                        _("%(count)s fail the check: their organizations cannot be graded excellent in %(year)s.")
                        % {"count": failed, "year": year},
                        _("%(count)s are excellent and commended.") % {"count": excellent}]}


def _check_letters(issuer, year):
    return list(Letter.objects.filter(issuer=issuer, year=year, withdrawn_on__isnull=True, year_check__isnull=True)
                .select_related("organization").prefetch_related("targets").order_by("org_path"))


@transaction.atomic
def check_run(*, user, issuer: Organization, year: int, reward: str = "", confirm: bool = False) -> LetterCheck:
    """The year-end check of ``issuer``'s letters of ``year`` not yet checked: the standards engine assesses their
    organizations with the shipped standard, and each letter takes its grade and consequence."""
    require_in_scope(user, issuer.path, realm="org")
    if year is None or year > clock.today().year:
        refuse(_("A year is checked once it has begun."), field="year")
    letters = _check_letters(issuer, year)
    if not letters:
        refuse(_("No letter of %(year)s issued by %(issuer)s is left to check.") % {"year": year,
                                                                                  "issuer": issuer.name},
               field="year")
    if not confirm:
        raise NeedsConfirmation(_("Confirm the year-end check of %(count)s letters.") % {"count": len(letters)},
                                check_preview(issuer, year, letters))
    ensure_installed(issuer)
    version = Standard.objects.get(code=CHECK_STANDARD).current_version
    assessment = standards.assessment_create(
        user=None, version=version, owner=issuer, name=_("%(year)s responsibility letters of %(issuer)s") % {
            "year": year, "issuer": issuer.name}, period_kind=PeriodKind.YEAR,
        period_start=datetime.date(year, 1, 1), period_end=datetime.date(year, 12, 31), period_label=str(year),
        subjects=[letter.organization for letter in letters], class_by="parent")
    standards.compute_results(user=None, assessment=assessment)
    check = LetterCheck.objects.create(year=year, issuer=issuer, org_path=issuer.path, assessment=assessment,
                                       checked_on=clock.today(), checked_by=user_or_none(user),
                                       reward=(reward or "").strip()[:300])
    record_change(check, ChangeRecord.Action.CREATE)
    sheets = {s.organization_id: s for s in Sheet.objects.filter(assessment=assessment)}
    names = dict(version.tiers.values_list("code", "name"))
    for letter in letters:
        sheet = sheets[letter.organization_id]
        before = snapshot(letter)
        letter.year_check, letter.total, letter.tier = check, sheet.total, sheet.tier
        letter.tier_name = names.get(sheet.tier, sheet.tier)
        letter.accepted = sheet.tier in ("passed", "excellent")
        letter.consequence = (Consequence.BARS_EXCELLENT if not letter.accepted
                              else Consequence.COMMENDED if sheet.tier == "excellent" else Consequence.NONE)
        letter.reward = check.reward if letter.consequence == Consequence.COMMENDED else ""
        letter.save(update_fields=["year_check", "total", "tier", "tier_name", "accepted", "consequence", "reward",
                                   "updated_at"])
        record_change(letter, ChangeRecord.Action.UPDATE, before=before)
    return check


@transaction.atomic
def check_withdraw(*, user, check: LetterCheck, reason: str) -> LetterCheck:
    """Takes a year-end check back: its letters are unchecked again, their consequences gone."""
    check = LetterCheck.objects.select_for_update().get(pk=check.pk)
    require_in_scope(user, check.org_path, realm="org")
    if check.withdrawn_on is not None:
        refuse(_("This check was withdrawn already."))
    if not (reason or "").strip():
        refuse(_("Say why the check is withdrawn."), field="reason")
    before = snapshot(check)
    check.withdrawn_on, check.withdraw_reason = clock.today(), reason.strip()[:300]
    check.save(update_fields=["withdrawn_on", "withdraw_reason", "updated_at"])
    record_change(check, ChangeRecord.Action.UPDATE, before=before)
    Letter.objects.filter(year_check=check).update(year_check=None, total=None, tier="", tier_name="", accepted=None,
                                                   consequence="", reward="")
    return check

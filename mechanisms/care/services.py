"""Writes of care and service: keyword-only, ``user`` first (None = the system), atomic, scope-checked again, each
change recorded. A payout from the mutual-aid fund is previewed and needs ``confirm``; a fund entry recorded by
mistake is withdrawn (kept, marked), never deleted."""
import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from kernel.core import clock
from kernel.core.changelog import record_change, snapshot
from kernel.core.models import ChangeRecord
from kernel.core.services import NeedsConfirmation, refuse, require_in_scope, user_or_none
from kernel.core.tree import subtree_q
from kernel.core.withdrawal import withdraw
from kernel.orgs.models import Domain, Organization, OrgType
from kernel.people.choices import MemberStatus
from kernel.people.models import Member, Person

from .models import (
    CareVisit,
    Commitment,
    CommitmentState,
    FundEntry,
    FundKind,
    Hardship,
    HardshipReason,
    Pairing,
    PairingKind,
    PairingOutcome,
    VisitKind,
    VolunteerService,
)

MAX_AMOUNT = Decimal("1000000")
MAX_HOURS = Decimal("24")


def _text(value, field: str, message: str, required: bool = True, limit: int = 300) -> str:
    value = (value or "").strip()
    if required and not value:
        refuse(message, field=field)
    if len(value) > limit:
        refuse(_("At most %(limit)s characters.") % {"limit": limit}, field=field)
    return value


def _past_day(day, field: str) -> datetime.date:
    if day is None:
        refuse(_("Enter the day."), field=field)
    if day > clock.today():
        refuse(_("The day cannot be in the future."), field=field)
    return day


def _money(value, field: str, *, positive: bool) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else "0"))
    except (InvalidOperation, ValueError):
        refuse(_("Enter an amount in yuan."), field=field)
    if not amount.is_finite() or amount < 0 or (positive and amount == 0) or amount > MAX_AMOUNT:
        refuse(_("Enter an amount above 0 and at most 1,000,000 yuan.") if positive
               else _("Enter an amount from 0 to 1,000,000 yuan."), field=field)
    return amount.quantize(Decimal("0.01"))


def _member(user, person: Person) -> Person:
    require_in_scope(user, person.org_path, realm="people")
    if not Member.objects.filter(person=person, status__in=[MemberStatus.ACTIVE, MemberStatus.SUSPENDED]).exists():
        refuse(_("%(name)s is not a party member in good standing.") % {"name": person.name}, field="person")
    return person


# --- hardship and visits -----------------------------------------------------------------------------------------

@transaction.atomic
def hardship_flag(*, user, person: Person, reason: str, detail: str = "", since: datetime.date | None = None) -> Hardship:
    """Flags a member as in hardship (生活困难党员) with the reason, from a day."""
    _member(user, person)
    if reason not in HardshipReason.values:
        refuse(_("Choose the reason of the hardship."), field="reason")
    since = _past_day(since or clock.today(), "since")
    detail = _text(detail, "detail", _("Say what the hardship is."), required=reason == HardshipReason.OTHER)
    if Hardship.objects.filter(person=person, lifted_on__isnull=True).exists():
        refuse(_("The member is flagged in hardship already."), field="person")
    row = Hardship.objects.create(person=person, org_path=person.org_path, reason=reason, detail=detail, since=since,
                                  recorded_by=user_or_none(user))
    record_change(row, ChangeRecord.Action.CREATE)
    return row


@transaction.atomic
def hardship_lift(*, user, hardship: Hardship, on: datetime.date | None = None, note: str = "") -> Hardship:
    """The member is out of hardship from a day, with why."""
    hardship = Hardship.objects.select_for_update().get(pk=hardship.pk)
    require_in_scope(user, hardship.org_path, realm="people")
    if hardship.lifted_on is not None:
        refuse(_("The hardship was lifted already."))
    on = _past_day(on or clock.today(), "on")
    if on < hardship.since:
        refuse(_("The hardship is lifted after it began (%(date)s).") % {"date": hardship.since.isoformat()},
               field="on")
    note = _text(note, "note", _("Say why the member is no longer in hardship."))
    before = snapshot(hardship)
    hardship.lifted_on, hardship.lifted_note = on, note
    hardship.save(update_fields=["lifted_on", "lifted_note", "updated_at"])
    record_change(hardship, ChangeRecord.Action.UPDATE, before=before)
    return hardship


@transaction.atomic
def visit_record(*, user, person: Person, visited_on: datetime.date, visitor: str, kind: str = VisitKind.VISIT,
                 given: str = "", amount=0, note: str = "") -> CareVisit:
    """A visit to a member (走访慰问) or help given (帮扶): the day, who, what was given and its value."""
    _member(user, person)
    if kind not in VisitKind.values:
        refuse(_("Choose a visit or help given."), field="kind")
    visited_on = _past_day(visited_on, "visited_on")
    visitor = _text(visitor, "visitor", _("Say who visited."), limit=100)
    given = _text(given, "given", _("Say what help was given."), required=kind == VisitKind.HELP)
    amount = _money(amount, "amount", positive=False)
    row = CareVisit.objects.create(person=person, org_path=person.org_path, kind=kind, visited_on=visited_on,
                                   visitor=visitor, given=given, amount=amount, note=_text(note, "note", "", False),
                                   recorded_by=user_or_none(user))
    record_change(row, ChangeRecord.Action.CREATE)
    return row


# --- the mutual-aid fund ----------------------------------------------------------------------------------------

def balance(organization: Organization, *, exclude: FundEntry | None = None) -> Decimal:
    """What the organization's fund holds: money in less payouts, withdrawn entries left out."""
    rows = FundEntry.objects.live().filter(organization=organization)
    if exclude is not None:
        rows = rows.exclude(pk=exclude.pk)
    sums = dict(rows.values("kind").annotate(total=Sum("amount")).values_list("kind", "total"))
    held = (sums.get(FundKind.INCOME) or Decimal(0)) - (sums.get(FundKind.PAYOUT) or Decimal(0))
    return Decimal(held).quantize(Decimal("0.01"))


@transaction.atomic
def fund_entry(*, user, organization: Organization, kind: str, on: datetime.date, amount, source: str,
               person: Person | None = None, confirm: bool = False) -> FundEntry:
    """Money in (a contribution, an allocation) or a payout to a member of the organization's subtree from its
    fund. A payout cannot exceed the balance and needs ``confirm`` after its preview."""
    organization = Organization.objects.select_for_update(of=("self",)).get(pk=organization.pk)
    require_in_scope(user, organization.path, realm="org")
    if kind not in FundKind.values:
        refuse(_("Choose money in or a payout."), field="kind")
    on = _past_day(on, "on")
    amount = _money(amount, "amount", positive=True)
    source = _text(source, "source", _("Say where the money comes from or what it is for."), limit=200)
    if person is not None:
        if not Person.objects.filter(subtree_q("org_path", [organization.path]), pk=person.pk).exists():
            refuse(_("The member belongs to another organization's fund."), field="person")
        require_in_scope(user, person.org_path, realm="people")
    if kind == FundKind.PAYOUT:
        if person is None:
            refuse(_("Choose the member the payout goes to."), field="person")
        _member(user, person)
        held = balance(organization)
        if amount > held:
            refuse(_("The fund holds %(balance)s yuan: a payout of %(amount)s yuan exceeds it.") % {
                "balance": held, "amount": amount}, field="amount")
        if not confirm:
            raise NeedsConfirmation(
                _("Pay %(amount)s yuan from the fund of %(org)s to %(name)s?") % {
                    "amount": amount, "org": organization.name, "name": person.name},
                {"organization": organization.name, "person": person.name, "amount": str(amount),
                 "balance_before": str(held), "balance_after": str(held - amount), "on": on.isoformat(),
                 "source": source})
    row = FundEntry.objects.create(organization=organization, org_path=organization.path, kind=kind, on=on,
                                   amount=amount, person=person, source=source, recorded_by=user_or_none(user))
    record_change(row, ChangeRecord.Action.CREATE)
    return row


@transaction.atomic
def fund_withdraw(*, user, entry: FundEntry, reason: str) -> FundEntry:
    """Withdraws an entry recorded by mistake: it stays, marked, and counts no more. Money in that was paid out
    since cannot be withdrawn (the balance would fall below nothing)."""
    entry = FundEntry.objects.select_for_update().select_related("organization").get(pk=entry.pk)

    def check():
        if entry.kind == FundKind.INCOME and balance(entry.organization, exclude=entry) < 0:
            refuse(_("Without this money the fund would hold less than nothing: withdraw the payouts made from it "
                     "first."))

    return withdraw(entry, user=user, reason=reason, what=_("Say why the entry is withdrawn."),
                    already=_("This entry was withdrawn already."), check=check)


# --- commitments and volunteer service ----------------------------------------------------------------------------

def _year(year: int) -> int:
    today = clock.today()
    if year is None or not today.year - 1 <= year <= today.year + 1:
        refuse(_("Choose this year, the last or the next."), field="year")
    return year


@transaction.atomic
def commitment_set(*, user, person: Person, year: int, text: str) -> Commitment:
    """The member's public commitment of the year (一句话承诺): made, or changed while not yet judged."""
    _member(user, person)
    year = _year(year)
    text = _text(text, "text", _("Write the commitment in a sentence."), limit=200)
    row = Commitment.objects.select_for_update().filter(person=person, year=year).first()
    if row is None:
        row = Commitment.objects.create(person=person, org_path=person.org_path, year=year, text=text)
        record_change(row, ChangeRecord.Action.CREATE)
        return row
    if row.state != CommitmentState.OPEN:
        refuse(_("The commitment is judged already: reopen it to change it."), field="text")
    before = snapshot(row)
    row.text = text
    row.save(update_fields=["text", "updated_at"])
    record_change(row, ChangeRecord.Action.UPDATE, before=before)
    return row


@transaction.atomic
def commitment_judge(*, user, commitment: Commitment, state: str, note: str = "") -> Commitment:
    """Judged at the year's end (from 1 December): fulfilled or not, with a note when not; ``open`` reopens a
    judgement made by mistake."""
    row = Commitment.objects.select_for_update().get(pk=commitment.pk)
    require_in_scope(user, row.org_path, realm="people")
    if state not in CommitmentState.values:
        refuse(_("Choose fulfilled, not fulfilled or open."), field="state")
    today = clock.today()
    if state != CommitmentState.OPEN and today < datetime.date(row.year, 12, 1):
        refuse(_("A commitment of %(year)s is judged at the year's end, from 1 December.") % {"year": row.year},
               field="state")
    note = _text(note, "note", _("Say what was not fulfilled."), required=state == CommitmentState.UNFULFILLED)
    before = snapshot(row)
    row.state, row.judge_note = state, note
    row.judged_on = None if state == CommitmentState.OPEN else today
    row.save(update_fields=["state", "judge_note", "judged_on", "updated_at"])
    record_change(row, ChangeRecord.Action.UPDATE, before=before)
    return row


@transaction.atomic
def volunteer_record(*, user, person: Person, served_on: datetime.date, activity: str, hours) -> VolunteerService:
    _member(user, person)
    served_on = _past_day(served_on, "served_on")
    activity = _text(activity, "activity", _("Say what the service was."), limit=200)
    try:
        hours = Decimal(str(hours))
    except (InvalidOperation, ValueError):
        refuse(_("Enter the hours, up to 24 a day."), field="hours")
    if not hours.is_finite() or not 0 < hours <= MAX_HOURS:
        refuse(_("Enter the hours, up to 24 a day."), field="hours")
    row = VolunteerService.objects.create(person=person, org_path=person.org_path, served_on=served_on,
                                          activity=activity, hours=hours.quantize(Decimal("0.1")))
    record_change(row, ChangeRecord.Action.CREATE)
    return row


# --- joint building ---------------------------------------------------------------------------------------------

def is_village(organization: Organization) -> bool:
    return organization.org_type == OrgType.BRANCH and organization.domain in (Domain.RURAL, Domain.COMMUNITY)


@transaction.atomic
def pairing_create(*, user, organization: Organization, kind: str, since: datetime.date, activities: str,
                   partner: Organization | None = None, partner_name: str = "") -> Pairing:
    """A village's joint-building pair (共建) with an enterprise, a department or another village."""
    require_in_scope(user, organization.path, realm="org")
    if not is_village(organization) or not organization.is_active:
        refuse(_("Choose an active village or community branch."), field="organization")
    if kind not in PairingKind.values:
        refuse(_("Choose the kind of pair."), field="kind")
    since = _past_day(since, "since")
    activities = _text(activities, "activities", _("Say what the pair does together."))
    if kind == PairingKind.VILLAGE:
        if partner is None or not is_village(partner) or partner.pk == organization.pk:
            refuse(_("Choose the other village of the pair."), field="partner")
        partner_name = partner.name
    else:
        partner = None
        partner_name = _text(partner_name, "partner_name", _("Name the enterprise or department."), limit=120)
    if Pairing.objects.filter(organization=organization, ended_on__isnull=True, partner_name=partner_name).exists():
        refuse(_("The village is paired with %(name)s already.") % {"name": partner_name}, field="partner_name")
    row = Pairing.objects.create(organization=organization, org_path=organization.path, kind=kind, partner=partner,
                                 partner_name=partner_name, since=since, activities=activities)
    record_change(row, ChangeRecord.Action.CREATE)
    return row


@transaction.atomic
def pairing_end(*, user, pairing: Pairing, on: datetime.date) -> Pairing:
    pairing = Pairing.objects.select_for_update().get(pk=pairing.pk)
    require_in_scope(user, pairing.org_path, realm="org")
    if pairing.ended_on is not None:
        refuse(_("The pair has ended already."))
    on = _past_day(on, "on")
    if on < pairing.since:
        refuse(_("A pair ends after it began (%(date)s).") % {"date": pairing.since.isoformat()}, field="on")
    before = snapshot(pairing)
    pairing.ended_on = on
    pairing.save(update_fields=["ended_on", "updated_at"])
    record_change(pairing, ChangeRecord.Action.UPDATE, before=before)
    return pairing


@transaction.atomic
def outcome_set(*, user, pairing: Pairing, year: int, outcome: str, projects: int = 0, funds=0) -> PairingOutcome:
    """The pair's outcome of a year (what was done, projects, funds brought in, 10,000 yuan): recorded or
    corrected."""
    require_in_scope(user, pairing.org_path, realm="org")
    if year is None or year < pairing.since.year or year > clock.today().year:
        refuse(_("Choose a year from the pair's first to this one."), field="year")
    outcome = _text(outcome, "outcome", _("Say what the pair achieved."))
    if projects is None or not 0 <= int(projects) <= 999:
        refuse(_("Enter the number of projects, from 0 to 999."), field="projects")
    funds = _money(funds, "funds", positive=False)
    row = PairingOutcome.objects.filter(pairing=pairing, year=year).first()
    if row is None:
        row = PairingOutcome.objects.create(pairing=pairing, org_path=pairing.org_path, year=year, outcome=outcome,
                                            projects=int(projects), funds=funds)
        record_change(row, ChangeRecord.Action.CREATE)
        return row
    before = snapshot(row)
    row.outcome, row.projects, row.funds = outcome, int(projects), funds
    row.save(update_fields=["outcome", "projects", "funds", "updated_at"])
    record_change(row, ChangeRecord.Action.UPDATE, before=before)
    return row


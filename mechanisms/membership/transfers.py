"""Organization-relationship transfers (组织关系转接, MEMBERSHIP.md): issuing the letter, the receiver's accept, hold
and send-back, the sender's cancel and the receipt of a letter out of the system, and a member transferred in from
outside. The member moves (kernel.people.services.person_transfer) only when the receiving side accepts."""
import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from engines.duties import services as duties
from engines.duties.models import DutyRule, Obligation
from kernel.core import clock
from kernel.core.scope import CHANGE, scope_for
from kernel.core.services import NeedsConfirmation, refuse, require_in_scope, user_or_none
from kernel.orgs.models import Organization, OrgType
from kernel.people.choices import MemberStatus
from kernel.people.models import Member
from kernel.people.services import member_update, person_transfer

from .library import RECEIPT_RULE
from .models import OPEN_TRANSFER, Transfer, TransferKind, TransferStatus
from .services import RECORDING

# A letter is valid 10 to 90 days (MEMBERSHIP.md: usually 10–30, at most three months); the receipt is due a month
# after the letter was issued.
VALIDITY_DEFAULT, VALIDITY_MIN, VALIDITY_MAX, RECEIPT_DAYS = 30, 10, 90, 30
# The organizations that receive a member: a branch, a general branch, or a committee without branches of its own.
RECEIVING_TYPES = (OrgType.BRANCH, OrgType.GENERAL_BRANCH, OrgType.PARTY_COMMITTEE)
CAPITAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"


def capital_month(month: str) -> str:
    """"2025-06" as it is written on paper: 贰零贰伍年陆月."""
    year, number = month.split("-")
    digits = "".join(CAPITAL_DIGITS[int(d)] for d in year)
    n = int(number)
    written = CAPITAL_DIGITS[n] if n < 10 else "拾" + (CAPITAL_DIGITS[n - 10] if n > 10 else "")
    return f"{digits}年{written}月"


def _month(value: str) -> str:
    try:
        day = datetime.date.fromisoformat(f"{value}-01")
    except (TypeError, ValueError):
        refuse(_("Give the month the dues are paid up to as YYYY-MM."), field="dues_paid_to")
    return day.strftime("%Y-%m")


def issuing_committee(org: Organization) -> Organization:
    """The base committee whose serial numbers the letter takes: the organization itself if it is a committee,
    else the nearest committee above it."""
    node = org
    while node is not None and node.org_type not in (OrgType.PARTY_COMMITTEE, OrgType.COMMITTEE):
        node = node.parent
    return node or org


def next_serial(org: Organization, year: int) -> str:
    committee = issuing_committee(org)
    issued = Transfer.objects.filter(from_path__startswith=committee.path, issued_on__year=year).count()
    return f"{committee.code}-{year}-{issued + 1:04d}"


def _receipt_rule() -> DutyRule:
    found = DutyRule.objects.filter(code=RECEIPT_RULE).select_related("current_version").first()
    if found is None:
        refuse(_("The duty rule “%(code)s” is not installed (manage.py install_shipped).") % {"code": RECEIPT_RULE})
    return found


def _receipt_obligation(transfer: Transfer) -> Obligation:
    """The receiver's one-off duty to receive (or hold or send back) by a month after the letter; obligations are
    unique per subject and start, so a second letter to the same organization the same day starts a day earlier."""
    rule = _receipt_rule()
    start = transfer.issued_on
    taken = set(Obligation.objects.filter(rule=rule, organization=transfer.to_org).values_list("period_start",
                                                                                                 flat=True))
    while start in taken:
        start -= datetime.timedelta(days=1)
    return duties.obligation_once(user=None, rule=rule, subject=transfer.to_org,
                                  due_on=transfer.issued_on + datetime.timedelta(days=RECEIPT_DAYS),
                                  period_start=start, owed_to=transfer.from_org)


def preview(member: Member, kind: str, destination: str, dues_paid_to: str, today: datetime.date) -> dict:
    return {"name": member.person.name, "from": member.person.organization.name, "to": destination,
            "dues_paid_to": dues_paid_to, "owed_since": _month_after(dues_paid_to),
            "current": today.strftime("%Y-%m")}


def _month_after(month: str) -> str:
    year, number = map(int, month.split("-"))
    return f"{year + number // 12}-{number % 12 + 1:02d}"


@transaction.atomic
def transfer_issue(*, user, member: Member, kind: str, to_org: Organization | None = None, outside_name: str = "",
                   dues_paid_to: str, valid_days: int = VALIDITY_DEFAULT, note: str = "",
                   issued_on: datetime.date | None = None, confirm: bool = False) -> Transfer:
    """The sending organization issues the introduction letter. Within the system the member stays counted here
    until the receiver accepts; dues unpaid before last month need ``confirm`` after the preview."""
    member = Member.objects.select_for_update().select_related("person__organization").get(pk=member.pk)
    person = member.person
    require_in_scope(user, person.org_path, realm="people")
    today = clock.today()
    issued_on = issued_on or today
    if issued_on > today:
        refuse(_("A letter is issued today or on a day past, not in the future."), field="issued_on")
    if member.status != MemberStatus.ACTIVE:
        refuse(_("Only a member in good standing can be transferred (%(status)s).") % {
            "status": member.get_status_display()})
    if Transfer.objects.filter(member=member, status__in=OPEN_TRANSFER).exists():
        refuse(_("%(name)s already has a transfer in transit.") % {"name": person.name})
    if kind == TransferKind.WITHIN:
        if to_org is None:
            refuse(_("Choose the receiving organization."), field="to_org")
        to_org = Organization.objects.get(pk=to_org.pk)
        if not to_org.is_active or to_org.org_type not in RECEIVING_TYPES:
            refuse(_("%(name)s cannot receive members: choose a branch, a general branch or a base committee.") % {
                "name": to_org.name}, field="to_org")
        if to_org.pk == person.organization_id:
            refuse(_("The member is already in %(name)s.") % {"name": to_org.name}, field="to_org")
        outside_name = ""
    elif kind == TransferKind.OUT:
        if not outside_name.strip():
            refuse(_("Name the organization outside the system that receives the member."), field="outside_name")
        to_org = None
    else:
        refuse(_("Choose within the system or out of it."), field="kind")
    if not VALIDITY_MIN <= valid_days <= VALIDITY_MAX:
        refuse(_("A letter is valid from %(lo)s to %(hi)s days.") % {"lo": VALIDITY_MIN, "hi": VALIDITY_MAX},
               field="valid_days")
    dues_paid_to = _month(dues_paid_to)
    last_month = (issued_on.replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m")
    if dues_paid_to < last_month and not confirm:
        raise NeedsConfirmation(
            _("The dues are paid only up to %(month)s: confirm to issue the letter all the same.") % {
                "month": dues_paid_to},
            preview(member, kind, to_org.name if to_org else outside_name.strip(), dues_paid_to, issued_on))
    transfer = Transfer(
        kind=kind, person=person, member=member, from_org=person.organization, from_path=person.org_path,
        to_org=to_org, to_path=to_org.path if to_org else "", outside_name=outside_name.strip(),
        serial=next_serial(person.organization, issued_on.year), issued_on=issued_on,
        valid_until=issued_on + datetime.timedelta(days=valid_days), dues_paid_to=dues_paid_to,
        category=member.category, note=note.strip(), status_on=issued_on, issued_by=user_or_none(user))
    try:
        with transaction.atomic():
            transfer.save()
    except IntegrityError:
        refuse(_("%(name)s already has a transfer in transit.") % {"name": person.name})
    if kind == TransferKind.WITHIN:
        transfer.obligation = _receipt_obligation(transfer)
        transfer.save(update_fields=["obligation"])
    return transfer


def _lock(transfer: Transfer) -> Transfer:
    # the organizations are nullable (outer joins): lock the transfer's own row only
    return (Transfer.objects.select_for_update(of=("self",))
            .select_related("member", "person", "from_org", "to_org").get(pk=transfer.pk))


def _require_receiver(user, transfer: Transfer) -> None:
    if transfer.kind != TransferKind.WITHIN or transfer.to_org_id is None:
        refuse(_("Only a transfer within the system is received here."))
    require_in_scope(user, transfer.to_path, realm="people")


def _require_sender(user, transfer: Transfer) -> None:
    if not transfer.from_path:
        refuse(_("A transfer in from outside has no sender here."))
    require_in_scope(user, transfer.from_path, realm="people")


def _close_obligation(user, transfer: Transfer, *, done: bool, day: datetime.date) -> None:
    if transfer.obligation_id is None:
        return
    obligation = Obligation.objects.get(pk=transfer.obligation_id)
    if done:
        duties.submit(user=None, rule=obligation.rule, subject=transfer.to_org, occurred_on=day,
                      title=_("Transfer %(serial)s received") % {"serial": transfer.serial},
                      period_start=obligation.period_start)
    else:
        duties.waive(user=None, obligation=obligation, note=transfer.status_reason or transfer.get_status_display())


@transaction.atomic
def transfer_accept(*, user, transfer: Transfer, on: datetime.date | None = None) -> Transfer:
    """The receiving organization receives the member: the member moves to it and the receipt is done."""
    transfer = _lock(transfer)
    _require_receiver(user, transfer)
    _require_open(transfer)
    on = on or clock.today()
    if on < transfer.issued_on or on > clock.today():
        refuse(_("The day it was received lies between the letter's issue and today."), field="on")
    token = RECORDING.set(True)
    try:
        person_transfer(user=None, person=transfer.person, organization=transfer.to_org)
    finally:
        RECORDING.reset(token)
    transfer.status, transfer.status_on, transfer.accepted_on = TransferStatus.ACCEPTED, on, on
    transfer.decided_by = user_or_none(user)
    transfer.save(update_fields=["status", "status_on", "accepted_on", "decided_by", "updated_at"])
    _close_obligation(user, transfer, done=True, day=on)
    return transfer


def _require_open(transfer: Transfer) -> None:
    if transfer.status not in OPEN_TRANSFER:
        refuse(_("This transfer is no longer in transit (%(status)s).") % {"status": transfer.get_status_display()})


def _set_status(user, transfer: Transfer, status: str, reason: str, *, closes: bool) -> Transfer:
    """Writes a status with its reason (a hold, a return, a cancellation); ``closes``: the receipt's duty is waived."""
    transfer.status, transfer.status_reason, transfer.status_on = status, reason.strip(), clock.today()
    transfer.decided_by = user_or_none(user)
    transfer.save(update_fields=["status", "status_reason", "status_on", "decided_by", "updated_at"])
    if closes:
        _close_obligation(user, transfer, done=False, day=clock.today())
    return transfer


@transaction.atomic
def transfer_hold(*, user, transfer: Transfer, reason: str) -> Transfer:
    """The receiver holds the transfer (挂起) with a reason: still in transit, the member still counted at the
    sender; it can be received or sent back later."""
    transfer = _lock(transfer)
    _require_receiver(user, transfer)
    if transfer.status != TransferStatus.ISSUED:
        refuse(_("Only a transfer in transit can be held."))
    if not reason.strip():
        refuse(_("Say why the transfer is held."), field="reason")
    return _set_status(user, transfer, TransferStatus.HELD, reason, closes=False)


@transaction.atomic
def transfer_return(*, user, transfer: Transfer, reason: str) -> Transfer:
    """The receiver sends the transfer back (退回) with a reason: the member stays where they were."""
    transfer = _lock(transfer)
    _require_receiver(user, transfer)
    _require_open(transfer)
    if not reason.strip():
        refuse(_("Say why the transfer is sent back."), field="reason")
    return _set_status(user, transfer, TransferStatus.RETURNED, reason, closes=True)


@transaction.atomic
def transfer_cancel(*, user, transfer: Transfer, reason: str) -> Transfer:
    """The sender withdraws a letter still in transit (issued by mistake, the member staying after all)."""
    transfer = _lock(transfer)
    _require_sender(user, transfer)
    _require_open(transfer)
    if not reason.strip():
        refuse(_("Say why the letter is cancelled."), field="reason")
    return _set_status(user, transfer, TransferStatus.CANCELLED, reason, closes=True)


@transaction.atomic
def transfer_receipt(*, user, transfer: Transfer, on: datetime.date | None = None) -> Transfer:
    """The receipt of a letter out of the system came back: the member is transferred out (no longer counted here,
    the record kept)."""
    transfer = _lock(transfer)
    _require_sender(user, transfer)
    if transfer.kind != TransferKind.OUT:
        refuse(_("Only a letter out of the system has its receipt recorded by the sender."))
    _require_open(transfer)
    on = on or clock.today()
    if on < transfer.issued_on or on > clock.today():
        refuse(_("The day the receipt came back lies between the letter's issue and today."), field="on")
    token = RECORDING.set(True)
    try:
        member_update(user=None, member=transfer.member, status=MemberStatus.TRANSFERRED_OUT, status_changed_on=on)
    finally:
        RECORDING.reset(token)
    transfer.status, transfer.status_on, transfer.accepted_on = TransferStatus.ACCEPTED, on, on
    transfer.decided_by = user_or_none(user)
    transfer.save(update_fields=["status", "status_on", "accepted_on", "decided_by", "updated_at"])
    return transfer


@transaction.atomic
def transfer_in(*, user, member: Member, outside_name: str, serial: str, issued_on: datetime.date,
                dues_paid_to: str, on: datetime.date | None = None, note: str = "") -> Transfer:
    """A member transferred in from outside the system, registered here: the letter received is recorded."""
    member = Member.objects.select_related("person__organization").get(pk=member.pk)
    person = member.person
    require_in_scope(user, person.org_path, realm="people")
    on = on or clock.today()
    if not outside_name.strip():
        refuse(_("Name the organization the member comes from."), field="outside_name")
    if not serial.strip():
        refuse(_("Give the number of the letter received."), field="serial")
    if issued_on > on or on > clock.today():
        refuse(_("The letter is received after it was issued, and not in the future."), field="on")
    return Transfer.objects.create(
        kind=TransferKind.IN, person=person, member=member, to_org=person.organization, to_path=person.org_path,
        outside_name=outside_name.strip(), serial=serial.strip(), issued_on=issued_on, valid_until=issued_on,
        dues_paid_to=_month(dues_paid_to), category=member.category, note=note.strip(),
        status=TransferStatus.ACCEPTED, status_on=on, accepted_on=on, issued_by=user_or_none(user),
        decided_by=user_or_none(user))


def may_change_side(user, transfer: Transfer) -> dict:
    """Which side of the transfer the user may act for."""
    scope = scope_for(user)
    return {"sender": bool(transfer.from_path) and scope.covers(transfer.from_path, realm="people", action=CHANGE),
            "receiver": bool(transfer.to_path) and transfer.kind == TransferKind.WITHIN
            and scope.covers(transfer.to_path, realm="people", action=CHANGE)}

"""The standing rules (MEMBERSHIP.md, "Standing of a member"): what each change requires and what it does to the
member's registry record, through kernel.people.services.member_update (its change history and counters)."""
import contextvars
import datetime

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.core import clock
from kernel.core.services import NeedsConfirmation, refuse, require_in_scope, user_or_none
from kernel.people.choices import MemberCategory, MemberStatus
from kernel.people.models import Member
from kernel.people.services import member_update

from . import dates
from .models import FROM_REGISTRY, ExitReason, Kind, StandingChange

# Set while a change of standing writes the record, so the record of "other" changes does not count it twice.
RECORDING = contextvars.ContextVar("membership_recording", default=False)

# A probationary period is one year; an extension is at least six months and at most one year (MEMBERSHIP.md).
EXTENSION_MIN_MONTHS, EXTENSION_MAX_MONTHS = 6, 12
EXITED = (MemberStatus.LEFT, MemberStatus.DECEASED, MemberStatus.TRANSFERRED_OUT)
# Who decides: every change but a death and the contact's loss and return names a deciding body.
NO_BODY_NEEDED = (Kind.LOSE_CONTACT, Kind.REGAIN_CONTACT, Kind.KEEP_END)


def probation_end(member: Member) -> datetime.date:
    """The day the probation ends: a year after joining, or the extension's end."""
    extended = (StandingChange.objects.filter(member=member, kind=Kind.EXTEND_PROBATION, withdrawn_on__isnull=True)
                .order_by("-pk").values_list("until", flat=True).first())
    return extended or dates.add_months(member.joined_on, 12)


def _fields(member: Member, kind: str, on, reason: str, until) -> dict:
    """What the change does to the registry record, after checking it may be made."""
    status, category = member.status, member.category
    if status in EXITED:
        refuse(_("%(name)s is no longer a member here (%(status)s).") % {
            "name": member.person.name, "status": member.get_status_display()})
    if kind == Kind.EXTEND_PROBATION:
        if category != MemberCategory.PROBATIONARY:
            refuse(_("Only a probationary member's probation can be extended."), field="kind")
        if StandingChange.objects.filter(member=member, kind=Kind.EXTEND_PROBATION,
                                         withdrawn_on__isnull=True).exists():
            refuse(_("The probation was extended already; it can be extended once."), field="kind")
        year = dates.add_months(member.joined_on, 12)
        lo, hi = dates.add_months(year, EXTENSION_MIN_MONTHS), dates.add_months(year, EXTENSION_MAX_MONTHS)
        if until is None or not lo <= until <= hi:
            refuse(_("An extension runs at least six months and at most a year past the probation's year: "
                     "until a day from %(lo)s to %(hi)s.") % {"lo": lo.isoformat(), "hi": hi.isoformat()},
                   field="until")
        return {}
    if kind == Kind.MAKE_FULL:
        if category != MemberCategory.PROBATIONARY:
            refuse(_("Only a probationary member can be made a full member."), field="kind")
        end = dates.add_months(member.joined_on, 12)
        if on < end:
            refuse(_("The probation ends on %(date)s; the member can be made full from then.") % {
                "date": end.isoformat()}, field="on")
        return {"category": MemberCategory.FULL, "full_on": on}
    if kind == Kind.SUSPEND:
        if status != MemberStatus.ACTIVE:
            refuse(_("Only a member in good standing can have the standing suspended."), field="kind")
        return {"status": MemberStatus.SUSPENDED, "status_changed_on": on}
    if kind == Kind.RESTORE:
        if status != MemberStatus.SUSPENDED:
            refuse(_("Only a suspended standing can be restored."), field="kind")
        return {"status": MemberStatus.ACTIVE, "status_changed_on": on, "lost_contact_on": None}
    if kind == Kind.KEEP:
        if status != MemberStatus.ACTIVE or member.kept_since:
            refuse(_("Only the standing of a member in good standing, not kept already, can be kept."), field="kind")
        if until is not None and until <= on:
            refuse(_("The end of the kept standing must come after its start."), field="until")
        return {"kept_since": on, "kept_until": until}
    if kind == Kind.KEEP_END:
        if not member.kept_since:
            refuse(_("The member's standing is not kept."), field="kind")
        return {"kept_since": None, "kept_until": None}
    if kind == Kind.LOSE_CONTACT:
        if status != MemberStatus.ACTIVE or member.lost_contact_on:
            refuse(_("Only a member in good standing still in contact can be recorded as out of contact."),
                   field="kind")
        return {"lost_contact_on": on}
    if kind == Kind.REGAIN_CONTACT:
        if not member.lost_contact_on:
            refuse(_("The member is not recorded as out of contact."), field="kind")
        return {"lost_contact_on": None}
    if kind == Kind.EXIT:
        if reason not in ExitReason.values:
            refuse(_("Choose how the member left the party."), field="reason")
        if reason == ExitReason.PROBATION_CANCELLED and category != MemberCategory.PROBATIONARY:
            refuse(_("Only a probationary member's membership can be cancelled."), field="reason")
        return {"status": MemberStatus.DECEASED if reason == ExitReason.DECEASED else MemberStatus.LEFT,
                "status_changed_on": on, "kept_since": None, "kept_until": None}
    refuse(_("Choose a change of standing."), field="kind")


def preview(member: Member, kind: str, on, reason: str) -> dict:
    """What an exit does, for the confirmation."""
    return {
        "name": member.person.name, "organization": member.person.organization.name, "kind": str(Kind(kind).label),
        "reason": str(ExitReason(reason).label) if reason in ExitReason.values else "", "on": on.isoformat(),
        "effects": [
            _("%(name)s is no longer counted as a member of %(organization)s from %(date)s.") % {
                "name": member.person.name, "organization": member.person.organization.name, "date": on.isoformat()},
            _("The record stays in the registry, with this change in its history; it can be withdrawn "
              "while it is the latest."),
        ],
    }


@transaction.atomic
def standing_change(*, user, member: Member, kind: str, on: datetime.date | None = None, reason: str = "",
                    until: datetime.date | None = None, decision: str = "", decided_by: str = "", number: str = "",
                    note: str = "", confirm: bool = False) -> StandingChange:
    """Records a change of the member's standing and applies it to the registry record. Leaving the party needs
    ``confirm`` after its preview (NeedsConfirmation)."""
    member = Member.objects.select_for_update().select_related("person__organization").get(pk=member.pk)
    require_in_scope(user, member.org_path, realm="people")
    on = on or clock.today()
    if on > clock.today():
        refuse(_("A change of standing is recorded once it happened: the date cannot be in the future."), field="on")
    if on < member.joined_on:
        refuse(_("The date comes before the member joined (%(date)s).") % {"date": member.joined_on.isoformat()},
               field="on")
    if kind not in Kind.values or kind in FROM_REGISTRY:
        refuse(_("Choose a change of standing."), field="kind")
    last = (StandingChange.objects.filter(member=member, withdrawn_on__isnull=True).order_by("-pk")
            .values_list("on", flat=True).first())
    if last is not None and on < last:
        refuse(_("The member's last change of standing is dated %(date)s: a change is recorded in the order they "
                 "happened.") % {"date": last.isoformat()}, field="on")
    fields = _fields(member, kind, on, reason, until)
    if kind not in NO_BODY_NEEDED and not (kind == Kind.EXIT and reason == ExitReason.DECEASED) \
            and not decided_by.strip():
        refuse(_("Name the body that decided it (a branch meeting, the township committee…)."), field="decided_by")
    if kind == Kind.EXIT and not confirm:
        raise NeedsConfirmation(_("Confirm that the member leaves the party."), preview(member, kind, on, reason))
    change = StandingChange(
        person=member.person, member=member, org_path=member.org_path, kind=kind, on=on,
        reason=reason if kind == Kind.EXIT else "", until=until if kind in (Kind.EXTEND_PROBATION, Kind.KEEP) else None,
        decision=decision.strip(), decided_by=decided_by.strip(), number=number.strip(), note=note.strip(),
        category_before=member.category, status_before=member.status, recorded_by=user_or_none(user))
    if fields:
        token = RECORDING.set(True)
        try:
            member = member_update(user=user, member=member, **fields)
        finally:
            RECORDING.reset(token)
    change.category_after, change.status_after = member.category, member.status
    change.save()
    return change


@transaction.atomic
def standing_withdraw(*, user, change: StandingChange, reason: str) -> StandingChange:
    """Withdraws a change recorded by mistake: the member's latest, not withdrawn; the record goes back to what it
    was before (its category, status and the standing dates the change set)."""
    change = StandingChange.objects.select_for_update().select_related("member").get(pk=change.pk)
    require_in_scope(user, change.org_path, realm="people")
    if change.withdrawn_on is not None:
        refuse(_("This change was withdrawn already."))
    latest = (StandingChange.objects.filter(member_id=change.member_id, withdrawn_on__isnull=True)
              .order_by("-pk").first())
    if latest is None or latest.pk != change.pk:
        refuse(_("Only the member's latest change of standing can be withdrawn."))
    if change.kind in FROM_REGISTRY:
        refuse(_("A correction made in the registry is changed there."))
    if not reason.strip():
        refuse(_("Say why the change is withdrawn."), field="reason")
    member = change.member
    undo = {}
    if change.category_before != change.category_after:
        undo.update(category=change.category_before, full_on=None)
    if change.status_before != change.status_after:
        undo.update(status=change.status_before, status_changed_on=None)
    undo.update({Kind.KEEP: {"kept_since": None, "kept_until": None},
                 Kind.LOSE_CONTACT: {"lost_contact_on": None}}.get(change.kind, {}))
    if change.kind == Kind.KEEP_END or change.kind == Kind.REGAIN_CONTACT or change.kind == Kind.RESTORE \
            or change.kind == Kind.EXIT:
        previous = {"kept_since": None, "kept_until": None, "lost_contact_on": None}
        for earlier in StandingChange.objects.filter(member_id=member.pk, withdrawn_on__isnull=True).exclude(
                pk=change.pk).order_by("pk"):
            if earlier.kind == Kind.KEEP:
                previous.update(kept_since=earlier.on, kept_until=earlier.until)
            elif earlier.kind == Kind.KEEP_END:
                previous.update(kept_since=None, kept_until=None)
            elif earlier.kind == Kind.LOSE_CONTACT:
                previous["lost_contact_on"] = earlier.on
            elif earlier.kind in (Kind.REGAIN_CONTACT, Kind.RESTORE):
                previous["lost_contact_on"] = None
        undo.update(previous)
    if undo:
        token = RECORDING.set(True)
        try:
            member_update(user=user, member=member, **undo)
        finally:
            RECORDING.reset(token)
    change.withdrawn_on, change.withdrawn_by, change.withdraw_reason = clock.today(), user_or_none(user), reason.strip()
    change.save(update_fields=["withdrawn_on", "withdrawn_by", "withdraw_reason", "updated_at"])
    return change


def record_correction(*, member: Member, user, changes: dict) -> StandingChange | None:
    """A change of status or category made another way (the membership form, the API, an import), recorded so the
    history stays whole."""
    if RECORDING.get():
        return None
    status = changes.get("status", (member.status, member.status))
    category = changes.get("category", (member.category, member.category))
    # a probationary member made full elsewhere (the development case's last stage) is that, not a correction
    made_full = set(changes) == {"category"} and category == (MemberCategory.PROBATIONARY, MemberCategory.FULL)
    if made_full:
        on = member.full_on or clock.today()
    else:
        on = member.status_changed_on if "status" in changes and member.status_changed_on else clock.today()
    return StandingChange.objects.create(
        person_id=member.person_id, member=member, org_path=member.org_path,
        kind=Kind.MAKE_FULL if made_full else Kind.CORRECTION, on=on,
        note=_("Recorded from the registry.") if made_full else "",
        category_before=category[0], category_after=category[1], status_before=status[0], status_after=status[1],
        recorded_by=user_or_none(user))


IMPORT_BATCH = 5000


def record_imported(*, user, rows) -> int:
    """The standing rows of a member import (kernel.people.services.members_imported), written in bulk: a join for
    each member it registered (on the day joined), a probationary member made full as that (on the day made full),
    any other change of status or category as a correction (on the day the status changed, else today). One
    prepared INSERT run over the rows in batches (a model instance per row would cost a third of a 10,000-row
    import's time)."""
    ops, today, recorded_by = connection.ops, clock.today(), getattr(user_or_none(user), "pk", None)
    now = ops.adapt_datetimefield_value(timezone.now())
    joined, imported = str(_("Registered by a member import.")), str(_("Recorded from a member import."))
    values = []
    for (member_id, person_id, org_path, joined_on, full_on, category_before, category_after, status_before,
         status_after, status_changed_on) in rows:
        if not category_before and not status_before:
            kind, on, note = Kind.JOIN, joined_on, joined
        elif (status_before == status_after
              and (category_before, category_after) == (MemberCategory.PROBATIONARY, MemberCategory.FULL)):
            kind, on, note = Kind.MAKE_FULL, full_on or today, imported
        else:
            kind, note = Kind.CORRECTION, imported
            on = status_changed_on if status_before != status_after and status_changed_on else today
        values.append({"created_at": now, "updated_at": now, "person_id": person_id, "member_id": member_id,
                       "org_path": org_path, "kind": kind.value, "on": ops.adapt_datefield_value(on), "note": note,
                       "category_before": category_before, "category_after": category_after,
                       "status_before": status_before, "status_after": status_after, "recorded_by_id": recorded_by})
    if not values:
        return 0
    fields = [f for f in StandingChange._meta.concrete_fields if not f.primary_key]
    blank = {f.attname: None if f.null else "" for f in fields}
    quote = ops.quote_name
    sql = (f"INSERT INTO {quote(StandingChange._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    names = [f.attname for f in fields]
    with connection.cursor() as cursor:
        for first in range(0, len(values), IMPORT_BATCH):
            cursor.executemany(sql, [[row.get(name, blank[name]) for name in names]
                                     for row in values[first:first + IMPORT_BATCH]])
    return len(values)

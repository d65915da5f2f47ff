"""Writes of the terms register: keyword-only, ``user`` first (None = the system), atomic, scope-checked again.

A term change (换届) ends the organization's current term on the day and begins the next, with who held each post
before and after; the current term's reminder (its one-off duty ``term-expiry``) is done and the new term's begins.
A change before the current term expires (提前换届, approved by the organization above) needs ``confirm`` after its
preview. A change recorded by mistake is withdrawn: the term before it is current again and its reminder open.
"""
import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _

from engines.duties import services as duties
from engines.duties.models import DutyRule, Obligation, Submission
from kernel.core import clock
from kernel.core.changelog import record_change, snapshot
from kernel.core.models import ChangeRecord
from kernel.core.services import NeedsConfirmation, refuse, require_in_scope, user_or_none
from kernel.core.tree import ancestor_paths
from kernel.core.withdrawal import withdraw
from kernel.orgs.models import Domain, Organization
from kernel.people.choices import PostTitle
from kernel.people.models import Person, Post

from .dates import add_months
from .library import DEFAULT_LENGTHS, EXPIRY_RULE
from .models import HOLDER_TITLES, TERM_TYPES, How, Term, TermHolder, TermLength

MAX_YEARS = 10


# --- lengths --------------------------------------------------------------------------------------------------

def length_in_force(organization: Organization, on: datetime.date) -> tuple[int, TermLength | None]:
    """(years, the row they come from) of a term of ``organization`` begun ``on``: from the table of the nearest
    organization above (or itself) that keeps one, its row for the organization's type and domain (else for the
    type and any domain) in force that day; the shipped defaults where no table is kept. (0, None): no length."""
    paths = ancestor_paths(organization.path)
    owner_path = (TermLength.objects.filter(owner_path__in=paths).order_by("-owner_path")
                  .values_list("owner_path", flat=True).first())
    if owner_path is not None:
        rows = TermLength.objects.filter(owner_path=owner_path, org_type=organization.org_type,
                                         domain__in=[organization.domain, ""], effective_from__lte=on)
        found = sorted(rows, key=lambda row: (row.domain == "", -row.effective_from.toordinal(), -row.pk))
        return (found[0].years, found[0]) if found else (0, None)
    defaults = sorted((row for row in DEFAULT_LENGTHS if row[0] == organization.org_type
                       and row[1] in (organization.domain, "") and row[3] <= on),
                      key=lambda row: (row[1] == "", -row[3].toordinal()))
    return (defaults[0][2], None) if defaults else (0, None)


def expiry(started_on: datetime.date, years: int) -> datetime.date:
    return add_months(started_on, 12 * years)


@transaction.atomic
def length_set(*, user, owner: Organization, org_type: str, domain: str, years: int,
               effective_from: datetime.date, note: str) -> TermLength:
    """A new length for ``owner``'s organizations of a type and domain, in force from a day: the rows before stay,
    and a term keeps the length it began under."""
    require_in_scope(user, owner.path, realm="org")
    if org_type not in TERM_TYPES:
        refuse(_("Choose a base committee, a general branch or a branch."), field="org_type")
    if domain and domain not in Domain.values:
        refuse(_("Choose a domain, or none for every other domain."), field="domain")
    if not 1 <= years <= MAX_YEARS:
        refuse(_("A term lasts from 1 to %(max)s years.") % {"max": MAX_YEARS}, field="years")
    if not note.strip():
        refuse(_("Say why the length changes (the regulation or decision)."), field="note")
    if TermLength.objects.filter(owner=owner, org_type=org_type, domain=domain, effective_from=effective_from).exists():
        refuse(_("A length is already in force from that day for these organizations."), field="effective_from")
    row = TermLength.objects.create(owner=owner, owner_path=owner.path, org_type=org_type, domain=domain, years=years,
                                    effective_from=effective_from, note=note.strip(), created_by=user_or_none(user))
    record_change(row, ChangeRecord.Action.CREATE)
    return row


# --- holders --------------------------------------------------------------------------------------------------

def current_holders(organization: Organization, on: datetime.date) -> list[Post]:
    """The committee's posts held on ``on``, in the order of HOLDER_TITLES."""
    posts = Post.objects.current(on).filter(organization=organization, title__in=HOLDER_TITLES).select_related("person")
    return sorted(posts, key=lambda post: (HOLDER_TITLES.index(post.title), post.started_on or datetime.date.min,
                                           post.pk))


def pair_holders(before: list, after: list) -> list[dict]:
    """[{title, before, after}] from the posts held before and after (each with ``title`` and ``person``): per
    title, a person holding it on both sides is paired with themself, the others in order; a side left over is
    nobody."""
    pairs = []
    for title in HOLDER_TITLES:
        was = [post.person for post in before if post.title == title]
        now = [post.person for post in after if post.title == title]
        kept = [person for person in was if person in now]
        was = [person for person in was if person not in kept]
        now = [person for person in now if person not in kept]
        pairs += [{"title": title, "before": person, "after": person} for person in kept]
        pairs += [{"title": title, "before": was[i] if i < len(was) else None, "after": now[i] if i < len(now) else None}
                  for i in range(max(len(was), len(now)))]
    return pairs


def _check_holders(holders: list[dict]) -> list[dict]:
    rows = []
    for holder in holders:
        before, after = holder.get("before"), holder.get("after")
        if before is None and after is None:
            continue
        if holder.get("title") not in HOLDER_TITLES:
            refuse(_("Choose the post of each holder."), field="holders")
        if any(person is not None and not isinstance(person, Person) for person in (before, after)):
            refuse(_("A holder is a person in the registry."), field="holders")
        rows.append({"title": holder["title"], "before": before, "after": after})
    return rows


# --- the reminder (the duties engine) ------------------------------------------------------------------------

def _expiry_rule() -> DutyRule | None:
    return DutyRule.objects.filter(code=EXPIRY_RULE, active=True).first()


def open_reminder(term: Term) -> Obligation | None:
    """The term's one-off duty to change by its expiry, owed to the organization above (None while the rule is not
    installed). Obligations are one per subject and start: a term begun the day a withdrawn one did starts its duty
    a day earlier."""
    rule = _expiry_rule()
    if rule is None or term.obligation_id is not None:
        return term.obligation if term.obligation_id else None
    organization = term.organization
    taken = set(Obligation.objects.filter(rule=rule, organization=organization).values_list("period_start", flat=True))
    start = term.started_on
    while start in taken:
        start -= datetime.timedelta(days=1)
    term.obligation = duties.obligation_once(user=None, rule=rule, subject=organization, due_on=term.expires_on,
                                             period_start=start, owed_to=organization.parent)
    Term.objects.filter(pk=term.pk).update(obligation=term.obligation)
    return term.obligation


def _close_reminder(term: Term, change: Term) -> None:
    if term.obligation_id is None:
        return
    obligation = Obligation.objects.select_related("rule").get(pk=term.obligation_id)
    duties.submit(user=None, rule=obligation.rule, subject=term.organization, occurred_on=change.started_on,
                  title=_("Term change on %(date)s") % {"date": change.started_on.isoformat()},
                  period_start=obligation.period_start, record=change)


# --- term changes ----------------------------------------------------------------------------------------------

def current_term(organization: Organization) -> Term | None:
    return Term.objects.live().filter(organization=organization, ended_on__isnull=True).first()


def preview(organization: Organization, current: Term | None, started_on: datetime.date, number, expires_on,
            holders: list[dict]) -> dict:
    """What a term change does, for its confirmation."""
    effects = []
    if current is not None:
        effects.append(_("%(term)s, due to expire on %(expires)s, ends on %(date)s, %(days)s days early.") % {
            "term": current.label, "expires": current.expires_on.isoformat(), "date": started_on.isoformat(),
            "days": (current.expires_on - started_on).days})
    effects.append(_("The new term runs from %(start)s to %(end)s.") % {"start": started_on.isoformat(),
                                                                       "end": expires_on.isoformat()})
    return {"organization": organization.name, "started_on": started_on.isoformat(), "number": number,
            "expires_on": expires_on.isoformat(),
            "current": {"number": current.number, "started_on": current.started_on.isoformat(),
                        "expires_on": current.expires_on.isoformat()} if current else None,
            "holders": [{"title": str(PostTitle(h["title"]).label),
                         "before": h["before"].name if h["before"] else "",
                         "after": h["after"].name if h["after"] else ""} for h in holders],
            "effects": effects}


@transaction.atomic
def term_change(*, user, organization: Organization, started_on: datetime.date, number: int | None = None,
                how: str = How.ASSEMBLY, decision: str = "", note: str = "", holders: list[dict] | None = None,
                expires_on: datetime.date | None = None, expiry_reason: str = "", confirm: bool = False) -> Term:
    """Records a term change of ``organization`` on ``started_on``: the current term (if any) ends that day and the
    next begins, numbered after it unless ``number`` says otherwise, expiring after the length in force (or on
    ``expires_on``, with the reason). ``holders`` [{title, before, after}] (persons or None): default, the posts held
    the day before and that day. Before the current term's expiry it needs ``confirm`` (NeedsConfirmation)."""
    organization = Organization.objects.select_for_update(of=("self",)).select_related("parent").get(pk=organization.pk)
    require_in_scope(user, organization.path, realm="org")
    if organization.org_type not in TERM_TYPES or not organization.is_active:
        refuse(_("%(name)s has no terms: only an active base committee, general branch or branch has.") % {
            "name": organization.name}, field="organization")
    if started_on is None or started_on > clock.today():
        refuse(_("A term change is recorded once it happened: the day cannot be in the future."), field="started_on")
    if how not in How.values:
        refuse(_("Say how the new committee came in."), field="how")
    current = current_term(organization)
    last = (Term.objects.live().filter(organization=organization).order_by("-started_on")
            .first())
    if last is not None and started_on <= last.started_on:
        refuse(_("The latest term began on %(date)s: a term change comes after it.") % {
            "date": last.started_on.isoformat()}, field="started_on")
    if number is None and current is not None and current.number:
        number = current.number + 1
    if number is not None and number < 1:
        refuse(_("A term number is a whole number from 1."), field="number")
    if number is not None and current is not None and current.number and number <= current.number:
        refuse(_("The term number follows the current term's (%(number)s).") % {"number": current.number},
               field="number")
    years, length = length_in_force(organization, started_on)
    if not years:
        refuse(_("No term length is set for %(type)s organizations: set it in the table of term lengths.") % {
            "type": organization.get_org_type_display()}, field="organization")
    computed = expiry(started_on, years)
    expires_on = expires_on or computed
    if expires_on <= started_on:
        refuse(_("A term expires after it begins."), field="expires_on")
    if expires_on != computed and not expiry_reason.strip():
        refuse(_("The term expires on %(date)s by its length: say why it expires on another day.") % {
            "date": computed.isoformat()}, field="expiry_reason")
    holders = _check_holders(pair_holders(current_holders(organization, started_on - datetime.timedelta(days=1)),
                                          current_holders(organization, started_on))
                             if holders is None else holders)
    if current is not None and started_on < current.expires_on and not confirm:
        raise NeedsConfirmation(
            _("%(term)s expires on %(date)s: confirm the early term change (approved by the organization above).")
            % {"term": current.label, "date": current.expires_on.isoformat()},
            preview(organization, current, started_on, number, expires_on, holders))
    if current is not None:  # ended first: one current term per organization
        before = snapshot(current)
        current.ended_on = started_on
        current.save(update_fields=["ended_on", "updated_at"])
        record_change(current, ChangeRecord.Action.UPDATE, before=before)
    term = Term.objects.create(
        organization=organization, org_path=organization.path, number=number, started_on=started_on, years=years,
        length=length, expires_on=expires_on, expiry_reason=expiry_reason.strip() if expires_on != computed else "",
        how=how, decision=decision.strip(), note=note.strip(), previous=current, recorded_by=user_or_none(user))
    TermHolder.objects.bulk_create([
        TermHolder(term=term, org_path=term.org_path, title=h["title"], position=index,
                   person_before=h["before"], name_before=h["before"].name if h["before"] else "",
                   person_after=h["after"], name_after=h["after"].name if h["after"] else "")
        for index, h in enumerate(holders)])
    record_change(term, ChangeRecord.Action.CREATE)
    if current is not None:
        _close_reminder(current, term)
    open_reminder(term)
    return term


@transaction.atomic
def term_expiry_set(*, user, term: Term, expires_on: datetime.date, reason: str) -> Term:
    """Sets the current term's expiry to another day than its length gives, with the reason (a term extended by
    the organization above, say); its reminder's deadline follows."""
    term = Term.objects.select_for_update(of=("self",)).select_related("organization").get(pk=term.pk)
    require_in_scope(user, term.org_path, realm="org")
    if term.withdrawn_on is not None or term.ended_on is not None:
        refuse(_("Only the current term's expiry can be changed."))
    if expires_on is None or expires_on <= term.started_on:
        refuse(_("A term expires after it begins."), field="expires_on")
    if not reason.strip():
        refuse(_("Say why the term expires on that day."), field="reason")
    before = snapshot(term)
    term.expires_on, term.expiry_reason = expires_on, reason.strip()
    term.save(update_fields=["expires_on", "expiry_reason", "updated_at"])
    record_change(term, ChangeRecord.Action.UPDATE, before=before)
    if term.obligation_id is not None:
        obligation = Obligation.objects.select_related("rule").get(pk=term.obligation_id)
        duties.obligation_once(user=None, rule=obligation.rule, subject=term.organization, due_on=expires_on,
                               period_start=obligation.period_start)
    return term


@transaction.atomic
def term_withdraw(*, user, term: Term, reason: str) -> Term:
    """Withdraws a term change recorded by mistake (the organization's latest): the term is marked withdrawn, its
    reminder waived, and the term before it is current again with its reminder open as it was."""
    term = Term.objects.select_for_update(of=("self",)).select_related("organization").get(pk=term.pk)

    def latest_only():
        latest = Term.objects.live().filter(organization_id=term.organization_id).order_by("-started_on").first()
        if latest is None or latest.pk != term.pk:
            refuse(_("Only the organization's latest term change can be withdrawn."))

    withdraw(term, user=user, reason=reason, what=_("Say why the term change is withdrawn."),
             already=_("This term change was withdrawn already."), check=latest_only)
    if term.obligation_id is not None:
        duties.waive(user=None, obligation=Obligation.objects.get(pk=term.obligation_id),
                     note=_("Term change withdrawn: %(reason)s") % {"reason": term.withdraw_reason})
    previous = Term.objects.select_for_update().filter(pk=term.previous_id).first()
    if previous is not None:
        before = snapshot(previous)
        previous.ended_on = None
        previous.save(update_fields=["ended_on", "updated_at"])
        record_change(previous, ChangeRecord.Action.UPDATE, before=before)
        for submission in Submission.objects.filter(record_type=ContentType.objects.get_for_model(Term),
                                                    record_id=term.pk):
            duties.submission_withdraw(user=None, submission=submission)
    return term


def record_from_posts(*, user, organization: Organization, on: datetime.date, before: list, after: list,
                      how: str = How.ASSEMBLY, decision: str = "") -> Term | None:
    """A term change made elsewhere (a village election's result taking office): recorded with the posts before
    and after, confirmed (the change happened). A term already begun that day is left as it is."""
    if Term.objects.live().filter(organization=organization, started_on=on).exists():
        return None
    return term_change(user=user, organization=organization, started_on=on, how=how, decision=decision,
                       holders=pair_holders(before, after), confirm=True)

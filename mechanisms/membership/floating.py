"""Floating members (流动党员, MEMBERSHIP.md): the outflow register of a home branch and the inflow register of a
host organization, the activity card (流动党员活动证), the yearly report to the home branch as a one-off duty of the
shipped rule ``floating-yearly-report`` (due at the year's end, reminded and escalated by the duties engine), the
return with the card checked, and the six-month rule (a member away longer at a fixed place transfers)."""
import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from engines.duties import services as duties
from engines.duties.models import DutyRule
from kernel.core import clock
from kernel.core.services import refuse, require_in_scope
from kernel.orgs.models import Organization
from kernel.people.choices import MemberStatus
from kernel.people.models import Person

from .library import FLOATING_RULE
from .models import FloatDirection, FloatingMember

CARD_YEARS_MAX = 2


def _yearly_report(floating: FloatingMember, year: int):
    """The home branch's duty to have the member report in ``year`` (the outflow register's members)."""
    rule = DutyRule.objects.filter(code=FLOATING_RULE).first()
    if rule is None or floating.person_id is None:
        return None
    start = max(floating.since, datetime.date(year, 1, 1))
    return duties.obligation_once(user=None, rule=rule, subject=floating.person, due_on=datetime.date(year, 12, 31),
                                  period_start=start, owed_to=floating.organization)


@transaction.atomic
def floating_register(*, user, direction: str, organization: Organization, place: str, since: datetime.date,
                      person: Person | None = None, name: str = "", home_organization: str = "",
                      fixed_place: bool = False, reason: str = "", contact_here: str = "", contact_there: str = "",
                      expected_return: datetime.date | None = None, card_number: str = "",
                      card_issued_on: datetime.date | None = None, card_valid_until: datetime.date | None = None,
                      note: str = "") -> FloatingMember:
    organization = Organization.objects.get(pk=organization.pk)
    require_in_scope(user, organization.path, realm="people")
    today = clock.today()
    if since > today:
        refuse(_("The member is registered once away: the date cannot be in the future."), field="since")
    if not place.strip():
        refuse(_("Say where the member is."), field="place")
    if direction == FloatDirection.OUT:
        if person is None:
            refuse(_("Choose the member who is away."), field="person")
        person = Person.objects.select_related("membership").get(pk=person.pk)
        member = getattr(person, "membership", None)
        if member is None or member.status != MemberStatus.ACTIVE or person.organization_id != organization.pk:
            refuse(_("Only a member in good standing of this organization goes in its outflow register."),
                   field="person")
        if FloatingMember.objects.filter(person=person, direction=FloatDirection.OUT, returned_on__isnull=True).exists():
            refuse(_("%(name)s is already in the outflow register.") % {"name": person.name}, field="person")
        name, home_organization = person.name, organization.name
    elif direction == FloatDirection.IN:
        if not name.strip() or not home_organization.strip():
            refuse(_("Give the member's name and home organization."), field="name")
        person = None
    else:
        refuse(_("Choose the outflow or the inflow register."), field="direction")
    if card_number.strip():
        if card_issued_on is None or card_valid_until is None or card_valid_until <= card_issued_on:
            refuse(_("A card has its issue date and a period ending after it."), field="card_valid_until")
        if card_valid_until > card_issued_on.replace(year=card_issued_on.year + CARD_YEARS_MAX):
            refuse(_("A card is issued for at most two years."), field="card_valid_until")
    floating = FloatingMember.objects.create(
        direction=direction, organization=organization, org_path=organization.path, person=person, name=name.strip(),
        home_organization=home_organization.strip(), place=place.strip(), fixed_place=fixed_place, since=since,
        reason=reason.strip(), contact_here=contact_here.strip(), contact_there=contact_there.strip(),
        expected_return=expected_return, card_number=card_number.strip(), card_issued_on=card_issued_on,
        card_valid_until=card_valid_until, note=note.strip())
    if direction == FloatDirection.OUT:
        _yearly_report(floating, today.year)
    return floating


@transaction.atomic
def floating_return(*, user, floating: FloatingMember, on: datetime.date | None = None,
                    card_checked: bool = False) -> FloatingMember:
    floating = FloatingMember.objects.select_for_update().get(pk=floating.pk)
    require_in_scope(user, floating.org_path, realm="people")
    on = on or clock.today()
    if floating.returned_on is not None:
        refuse(_("The member is back already."))
    if on < floating.since or on > clock.today():
        refuse(_("The day back lies between the day they left and today."), field="on")
    if floating.card_number and not card_checked:
        refuse(_("Check the activity card (流动党员活动证) on the member's return."), field="card_checked")
    floating.returned_on, floating.card_checked = on, card_checked
    floating.save(update_fields=["returned_on", "card_checked", "updated_at"])
    return floating


def report_record(*, user, floating: FloatingMember, on: datetime.date, text: str):
    """The member's yearly report to the home branch, recorded by the branch: it discharges the year's duty."""
    rule = DutyRule.objects.filter(code=FLOATING_RULE).first()
    if floating.direction != FloatDirection.OUT or floating.person_id is None or rule is None:
        refuse(_("Only a member of the outflow register reports to the home branch here."))
    require_in_scope(user, floating.org_path, realm="people")
    obligation = _yearly_report(floating, on.year)
    return duties.submit(user=None, rule=rule, subject=floating.person, occurred_on=on,
                         title=(text.strip() or _("Yearly report"))[:200], period_start=obligation.period_start)

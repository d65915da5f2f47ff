"""Heart-to-heart talks (谈心谈话, MEMBERSHIP.md): at least once a year between committee members, between committee
members and members, and among members, each recorded: who, with whom, when, where, about what.

The yearly minimum is the shipped duty rule ``talks-yearly`` (a branch, three a year): the first talk of each of
the three kinds in a year counts towards it, so the duty is done when every kind was held; further talks, and talks
with a member at risk, are recorded without counting. Deleting a talk moves the count to the next talk of its kind.
"""
import datetime

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from engines.duties import services as duties
from engines.duties.models import DutyRule, Obligation
from kernel.core import clock
from kernel.core.services import refuse, require_in_scope, user_or_none
from kernel.core.tree import subtree_q
from kernel.orgs.models import Organization
from kernel.people.choices import MemberStatus
from kernel.people.models import Member, Person

from .library import TALKS_RULE
from .models_evaluation import Talk, TalkKind

# The kinds the yearly minimum asks for, one talk each (MEMBERSHIP.md).
DUTY_KINDS = (TalkKind.COMMITTEE, TalkKind.COMMITTEE_MEMBER, TalkKind.MEMBERS)


def _talks_rule() -> DutyRule | None:
    return DutyRule.objects.filter(code=TALKS_RULE, active=True).select_related("current_version").first()


def _count_towards_duty(organization: Organization, year: int) -> None:
    """The first talk of each duty kind in the year carries a submission to the organization's yearly obligation,
    and no other talk does (the rule applying to the organization; otherwise nothing is submitted)."""
    rule = _talks_rule()
    if rule is None or rule.current_version is None or not duties.subjects_for(rule.current_version).filter(
            pk=organization.pk).exists():
        return
    talks = list(Talk.objects.filter(organization=organization, on__year=year).order_by("on", "pk"))
    first: dict = {}
    for talk in talks:
        if talk.kind in DUTY_KINDS:
            first.setdefault(talk.kind, talk)
    counted = {talk.pk for talk in first.values()}
    for talk in talks:
        if talk.submission_id and talk.pk not in counted:
            duties.submission_withdraw(user=None, submission=talk.submission)
            Talk.objects.filter(pk=talk.pk).update(submission=None)
    for talk in first.values():
        if not talk.submission_id:
            submission = duties.submit(user=None, rule=rule, subject=organization, occurred_on=talk.on,
                                       title=f"{talk.get_kind_display()} · {talk.topic}", record=talk)
            Talk.objects.filter(pk=talk.pk).update(submission=submission)


def _visible_people(user):
    """The persons the user sees (the system, ``user=None``, sees everyone)."""
    return Person.objects.all() if user is None else Person.objects.restrict(user)


def _participants(user, people) -> list[Person]:
    """The members taking part, each in the user's scope (outside it: refused as if unknown)."""
    ids = {person.pk for person in people}
    found = list(_visible_people(user).filter(pk__in=ids, membership__isnull=False))
    if len(found) != len(ids):
        refuse(_("Choose the members taking part among the members you see."), field="people")
    return found


@transaction.atomic
def talk_record(*, user, organization: Organization, on: datetime.date, kind: str, place: str, topic: str,
                people=(), others: str = "", summary: str = "", about_member: Member | None = None) -> Talk:
    """Records a talk held by ``organization``: at least two taking part (members chosen, others named as text); a
    talk with a member at risk names the member it is about. It counts towards the yearly minimum."""
    require_in_scope(user, organization.path, realm="people")
    if kind not in TalkKind.values:
        refuse(_("Choose the kind of talk."), field="kind")
    if on > clock.today():
        refuse(_("A talk is recorded once it was held: the date cannot be in the future."), field="on")
    if not place.strip():
        refuse(_("Say where the talk was held."), field="place")
    if not topic.strip():
        refuse(_("Say what the talk was about."), field="topic")
    persons = _participants(user, people)
    names = [name for name in (part.strip() for part in others.replace("，", ",").split(",")) if name]
    if about_member is not None:
        if not _visible_people(user).filter(pk=about_member.person_id).exists():
            refuse(_("Choose the member the talk is about among the members you see."), field="about_member")
        if about_member.person_id not in {person.pk for person in persons}:
            persons.append(about_member.person)
    elif kind == TalkKind.AT_RISK:
        refuse(_("Name the member at risk the talk was held with."), field="about_member")
    if len(persons) + len(names) < 2:
        refuse(_("A talk takes at least two: choose the members taking part or name the others."), field="people")
    talk = Talk.objects.create(
        organization=organization, org_path=organization.path, on=on, place=place.strip()[:200], kind=kind,
        others="，".join(names)[:300], about_member=about_member, topic=topic.strip()[:200], summary=summary.strip(),
        recorded_by=user_or_none(user))
    talk.people.set(persons)
    _count_towards_duty(organization, on.year)
    return Talk.objects.get(pk=talk.pk)


@transaction.atomic
def talk_delete(*, user, talk: Talk) -> None:
    """Deletes a talk recorded by mistake; the yearly count moves to the next talk of its kind, if any."""
    talk = Talk.objects.select_for_update(of=("self",)).select_related("organization", "submission").get(pk=talk.pk)
    require_in_scope(user, talk.org_path, realm="people")
    if talk.submission_id:
        duties.submission_withdraw(user=None, submission=talk.submission)
    organization, year = talk.organization, talk.on.year
    talk.delete()
    _count_towards_duty(organization, year)


# --- reads ------------------------------------------------------------------------------------------------------

def talks(user, *, organization: Organization | None = None, year: int | None = None):
    """The talks the user may see, of an organization and a year, newest first."""
    rows = Talk.objects.restrict(user).select_related("organization", "about_member__person")
    if organization is not None:
        rows = rows.filter(organization=organization)
    if year:
        rows = rows.filter(on__year=year)
    return rows.prefetch_related("people").order_by("-on", "-pk")


def talks_about(member: Member, since: datetime.date):
    """The talks held with the member since a day: about them, or with them taking part (the warning before
    recording a member as lapsed, 自行脱党, asks for one). Not scoped: the caller has the member in hand."""
    return (Talk.objects.filter(Q(about_member=member) | Q(people=member.person_id), on__gte=since)
            .distinct().order_by("-on", "-pk"))


def members_without_talk(organization: Organization, year: int):
    """The organization's members in good standing who had no talk this year (neither took part nor were talked
    about), by name."""
    talked = Talk.objects.filter(subtree_q("org_path", [organization.path]), on__year=year)
    return (Member.objects.filter(person__organization=organization, status=MemberStatus.ACTIVE)
            .exclude(person__in=talked.filter(people__isnull=False).values("people"))
            .exclude(pk__in=talked.exclude(about_member=None).values("about_member"))
            .select_related("person").order_by("person__name", "pk"))


def talks_obligation(organization: Organization, year: int) -> Obligation | None:
    """The organization's yearly talks duty of ``year``, if the rule applies to it."""
    return (Obligation.objects.filter(rule__code=TALKS_RULE, organization=organization, period_start__year=year)
            .order_by("period_start").first())

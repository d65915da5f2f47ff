"""The early warning of 自行脱党 (constitution art. 9, MEMBERSHIP.md): a member who, six months in a row, takes no
part in organization life, pays no dues or does no assigned work, with no good reason, is treated as having left the
party of their own accord. Before that, the branch talks with the member; this module finds the members at risk,
opens a warning for each (a talk owed within ``TALK_DAYS`` days, a one-off duty of the shipped rule ``lapse-talk``,
escalated upward by the duties engine), records the talk and the outcome.

What is read, over the six whole months before the current one (``window``), for the members in good standing
under an organization, in a few queries whatever their number:

- no organization life: expected at meetings of organization life in those months (the attendance ledger, through
  kernel.people.activity), absent without leave at least once and present at none; a member of a branch that held
  none, or only excused, is not flagged by it;
- no dues paid: each of the six months on the dues ledger with an amount owed, and none of them paid in full
  (a month whose amount is still to be set is nobody's arrear);
- no assigned work: the member's own duties (obligations whose subject is the member) due in those months, at least
  one, each overdue or missed and none done (waived ones do not count, nor this warning's own talk).

Any one of them flags the member. A good reason keeps a member off the list: the standing kept (保留党籍) at any
time of the window, an approved dues exemption for any of its months, away on the outflow register with an activity
card (流动党员活动证: organization life is taken part in elsewhere), already out of contact (失联) or suspended
(another procedure), joined less than six months before, or a warning open or closed since the window began (a
member is warned again only for six months wholly after the last warning).
"""
import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, Count, Exists, IntegerField, Max, Min, OuterRef, Q, Value, When
from django.utils.translation import gettext as _

from engines.duties import services as duties
from engines.duties.models import DutyRule, Obligation, ObligationState
from kernel.core import clock
from kernel.core.services import NeedsConfirmation, refuse, require_in_scope, user_or_none
from kernel.core.tree import subtree_q
from kernel.orgs.models import Organization
from kernel.people.activity import Life, organization_life
from kernel.people.choices import MemberStatus
from kernel.people.models import Member

from . import services, talks
from .dates import add_months
from .dues import month_of, unsettled
from .library import LAPSE_RULE
from .models import ExitReason, FloatDirection, FloatingMember, Kind
from .models_dues import DuesLine, DuesRelief, ReliefKind, ReliefStatus
from .models_evaluation import TalkKind
from .models_lapse import OPEN_WARNING, LapseOutcome, LapseState, LapseWarning

# The constitution's six months in a row, and the days the branch has to talk with a member warned.
MONTHS = 6
TALK_DAYS = 30
# The members a check's preview names (the count is always whole).
PREVIEW_NAMES = 200
DONE_STATES = (ObligationState.DONE, ObligationState.LATE)
FAILED_STATES = (ObligationState.OVERDUE, ObligationState.MISSED)
# The outcomes after the talk; out of contact may be found without one (the member could not be reached).
AFTER_TALK = (LapseOutcome.RESUMED, LapseOutcome.LAPSED)


def window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The six whole months before the current one: their first and last day."""
    this_month = month_of(today)
    return add_months(this_month, -MONTHS), this_month - datetime.timedelta(days=1)


@dataclass
class AtRisk:
    """A member found at risk: which of the three tests they meet and the figures of all three (JSON-ready)."""

    member: Member
    no_life: bool
    no_dues: bool
    no_work: bool
    criteria: dict


# --- finding the members at risk ------------------------------------------------------------------------------

def candidates(path: str | None, since: datetime.date, until: datetime.date):
    """The members under ``path`` (everyone when None) who may be warned: in good standing, in contact, members
    before the window began, and with no good reason known (see the module's docstring)."""
    kept = Q(kept_since__isnull=False) & (Q(kept_until__isnull=True) | Q(kept_until__gte=since))
    exempt = DuesRelief.objects.filter(member=OuterRef("pk"), kind=ReliefKind.EXEMPT, status=ReliefStatus.APPROVED,
                                       from_month__lte=until, to_month__gte=since)
    carded = (FloatingMember.objects.filter(person=OuterRef("person_id"), direction=FloatDirection.OUT,
                                            since__lte=until).exclude(card_number="")
              .filter(Q(returned_on__isnull=True) | Q(returned_on__gte=since)))
    warned = LapseWarning.objects.filter(Q(state__in=OPEN_WARNING) | Q(outcome_on__gte=since), member=OuterRef("pk"))
    rows = Member.objects.filter(status=MemberStatus.ACTIVE, lost_contact_on__isnull=True, joined_on__lte=since)
    if path:
        rows = rows.filter(subtree_q("org_path", [path]))
    return rows.exclude(kept).exclude(Exists(exempt)).exclude(Exists(carded)).exclude(Exists(warned))


def _dues(members, since: datetime.date, until: datetime.date) -> dict:
    """{member id: {"months", "unpaid"}}: the window's months on the ledger and those not paid in full."""
    rows = (DuesLine.objects.filter(member_id__in=members.values("pk"), month__gte=since, month__lte=until,
                                    owed__isnull=False)
            .values("member_id").annotate(months=Count("pk"), unpaid=Count("pk", filter=unsettled())))
    return {row.pop("member_id"): row for row in rows}


def _work(members, since: datetime.date, until: datetime.date) -> dict:
    """{person id: {"owed", "done", "failed", "first_due"}}: the members' own duties due in the window."""
    rows = (Obligation.objects.filter(person_id__in=members.values("person_id"), due_on__gte=since, due_on__lte=until)
            .exclude(state=ObligationState.WAIVED).exclude(rule__code=LAPSE_RULE)
            .values("person_id").annotate(owed=Count("pk"), done=Count("pk", filter=Q(state__in=DONE_STATES)),
                                          failed=Count("pk", filter=Q(state__in=FAILED_STATES)),
                                          first_due=Min("due_on", filter=Q(state__in=FAILED_STATES))))
    return {row.pop("person_id"): row for row in rows}


def _paid_up_to(member_ids: list[int], since: datetime.date) -> dict:
    """{member id: "YYYY-MM"}: the last month paid in full before the window, for the members flagged."""
    rows = (DuesLine.objects.filter(member_id__in=member_ids, month__lt=since, owed__isnull=False)
            .exclude(unsettled()).values("member_id").annotate(last=Max("month")))
    return {row["member_id"]: row["last"].strftime("%Y-%m") for row in rows}


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def at_risk(path: str | None, today: datetime.date) -> list[AtRisk]:
    """The members under ``path`` (everyone when None) to be warned today, by organization and name."""
    since, until = window(today)
    members = candidates(path, since, until)
    life = organization_life(members.values("person_id"), since, until)
    dues = _dues(members, since, until)
    work = _work(members, since, until)
    found = _flagged_ids(members, life, dues, work)
    if not found:
        return []
    rows = {member.pk: member for member in Member.objects.filter(pk__in=[pk for pk, _ in found])
            .select_related("person__organization")}
    paid = _paid_up_to(list(rows), since)
    result = []
    for member_id, person_id in found:
        member = rows[member_id]
        lived, owed, done = life.get(person_id, Life()), dues.get(member_id), work.get(person_id)
        criteria = {
            "window": [since.isoformat(), until.isoformat()],
            "life": {"present": lived.present, "excused": lived.excused, "absent": lived.absent,
                     "last_present": _iso(lived.last_present)},
            "dues": {"months": owed["months"] if owed else 0, "unpaid": owed["unpaid"] if owed else 0,
                     "paid_up_to": paid.get(member_id, "")},
            "work": {"owed": done["owed"] if done else 0, "done": done["done"] if done else 0,
                     "failed": done["failed"] if done else 0, "first_due": _iso(done["first_due"]) if done else None},
        }
        result.append(AtRisk(member, _no_life(lived), _no_dues(owed), _no_work(done), criteria))
    return sorted(result, key=lambda risk: (risk.member.org_path, risk.member.person.name, risk.member.pk))


def _no_life(life: Life) -> bool:
    return life.absent > 0 and life.present == 0


def _no_dues(row: dict | None) -> bool:
    return row is not None and row["months"] >= MONTHS and row["unpaid"] == row["months"]


def _no_work(row: dict | None) -> bool:
    return row is not None and row["owed"] > 0 and row["done"] == 0 and row["failed"] == row["owed"]


def _flagged_ids(members, life: dict, dues: dict, work: dict) -> list[tuple[int, int]]:
    """(member id, person id) of the candidates meeting a test, read from the figures (one query for the ids of
    the persons the figures name)."""
    persons = {pk for pk, lived in life.items() if _no_life(lived)} | {pk for pk, row in work.items() if _no_work(row)}
    owing = {pk for pk, row in dues.items() if _no_dues(row)}
    if not persons and not owing:
        return []
    return list(members.filter(Q(person_id__in=persons) | Q(pk__in=owing)).order_by("pk")
                .values_list("pk", "person_id"))


# --- the warning ------------------------------------------------------------------------------------------------

def lapse_rule() -> DutyRule:
    rule = DutyRule.objects.filter(code=LAPSE_RULE).first()
    if rule is None:
        refuse(_("The duty rule “%(code)s” is not installed (manage.py install_shipped).") % {"code": LAPSE_RULE})
    return rule


def warn(user, risk: AtRisk, rule: DutyRule, today: datetime.date) -> LapseWarning:
    """Opens the warning of one member at risk, with the talk owed by its deadline."""
    member = risk.member
    since, until = window(today)
    due = today + datetime.timedelta(days=TALK_DAYS)
    obligation = duties.obligation_once(user=None, rule=rule, subject=member.person, due_on=due, period_start=today)
    return LapseWarning.objects.create(
        person=member.person, member=member, organization=member.person.organization, org_path=member.org_path,
        flagged_on=today, window_from=since, window_to=until, no_life=risk.no_life, no_dues=risk.no_dues,
        no_work=risk.no_work, criteria=risk.criteria, talk_due=obligation.due_on, obligation=obligation,
        flagged_by=user_or_none(user))


def check_preview(risks: list[AtRisk], organization: Organization | None, today: datetime.date) -> dict:
    """What a check would flag (JSON-ready): the count, the window and the members named with the tests met."""
    since, until = window(today)
    return {"organization": organization.name if organization else "", "window_from": since.isoformat(),
            "window_to": until.isoformat(), "talk_days": TALK_DAYS, "count": len(risks),
            "members": [{"person": risk.member.person_id, "name": risk.member.person.name,
                         "organization": risk.member.person.organization.name, "tests": tests_met(risk)}
                        for risk in risks[:PREVIEW_NAMES]]}


def tests_met(risk) -> list[str]:
    """The tests a member at risk (or a warning) meets, as short labels."""
    labels = [(risk.no_life, _("no organization life")), (risk.no_dues, _("no dues paid")),
              (risk.no_work, _("no assigned work done"))]
    return [str(label) for met, label in labels if met]


@transaction.atomic
def check(*, user, organization: Organization, confirm: bool = False) -> list[LapseWarning]:
    """Flags the members at risk under ``organization`` now: without ``confirm`` a NeedsConfirmation with who would
    be; the warnings opened."""
    require_in_scope(user, organization.path, realm="people")
    today = clock.today()
    rule = lapse_rule()
    risks = at_risk(organization.path, today)
    if not confirm:
        raise NeedsConfirmation(_("Confirm the warnings of the members at risk."),
                                check_preview(risks, organization, today))
    return [warn(user, risk, rule, today) for risk in risks]


def daily(*, today: datetime.date | None = None) -> dict:
    """The daily run: every member at risk warned (when the rule is installed). {"warned": n}."""
    today = today or clock.today()
    if not DutyRule.objects.filter(code=LAPSE_RULE).exists():
        return {"warned": 0}
    with transaction.atomic(), clock.today_is(today):
        rule = lapse_rule()
        return {"warned": len([warn(None, risk, rule, today) for risk in at_risk(None, today)])}


def _locked(user, warning: LapseWarning) -> LapseWarning:
    warning = (LapseWarning.objects.select_for_update(of=("self",))
               .select_related("person", "member", "organization", "obligation__rule", "talk").get(pk=warning.pk))
    require_in_scope(user, warning.org_path, realm="people")
    return warning


def _past_day(on: datetime.date | None, warning: LapseWarning, field: str) -> datetime.date:
    on = on or clock.today()
    if on > clock.today():
        refuse(_("This is recorded once it happened: the date cannot be in the future."), field=field)
    start = warning.talk.on if warning.talk_id else warning.flagged_on
    if on < start:
        refuse(_("The date comes on or after %(date)s.") % {"date": start.isoformat()}, field=field)
    return on


def _end_duty(warning: LapseWarning, note: str) -> None:
    """The talk is no longer owed (the warning went another way): its duty waived, if it was not done."""
    if warning.obligation_id and warning.obligation.state not in (*DONE_STATES, ObligationState.WAIVED):
        duties.waive(user=None, obligation=warning.obligation, note=note)


@transaction.atomic
def talk_record(*, user, warning: LapseWarning, on: datetime.date, place: str, topic: str, people=(),
                others: str = "", summary: str = "") -> LapseWarning:
    """Records the talk with the member (a talk "with a member at risk" of the branch): the warning waits for its
    outcome, and the talk's duty is done (late, after the deadline)."""
    warning = _locked(user, warning)
    if warning.state != LapseState.OPEN:
        refuse(_("The talk is recorded while the warning waits for it."))
    on = _past_day(on, warning, "on")
    talk = talks.talk_record(user=user, organization=warning.organization, on=on, kind=TalkKind.AT_RISK, place=place,
                             topic=topic, people=people, others=others, summary=summary,
                             about_member=warning.member)
    if warning.obligation_id:
        duties.submit(user=None, rule=warning.obligation.rule, subject=warning.person, occurred_on=on,
                      title=_("Talk with %(name)s") % {"name": warning.person.name}, body=talk.topic, record=talk,
                      period_start=warning.obligation.period_start)
    warning.talk, warning.state = talk, LapseState.TALKED
    warning.save(update_fields=["talk", "state", "updated_at"])
    return warning


@transaction.atomic
def decide(*, user, warning: LapseWarning, outcome: str, on: datetime.date | None = None, decided_by: str = "",
           decision: str = "", number: str = "", note: str = "", confirm: bool = False) -> LapseWarning:
    """The warning's outcome: the member resumed (after the talk), lapsed (after the talk: the exit 自行脱党, which
    needs ``confirm`` after the standing's preview) or is out of contact (失联, with or without a talk)."""
    warning = _locked(user, warning)
    if outcome not in (*AFTER_TALK, LapseOutcome.LOST_CONTACT):
        refuse(_("Choose the outcome: resumed, left of own accord or out of contact."), field="outcome")
    if not warning.is_open:
        refuse(_("The warning is closed (%(outcome)s).") % {"outcome": warning.get_outcome_display()})
    if outcome in AFTER_TALK and warning.state != LapseState.TALKED:
        refuse(_("Record the talk with the member before this outcome."), field="outcome")
    on = _past_day(on, warning, "on")
    note = note.strip()
    if outcome == LapseOutcome.RESUMED and not note:
        refuse(_("Say how the member resumed (organization life, dues, the work assigned)."), field="note")
    if outcome == LapseOutcome.LAPSED:
        warning.standing_change = services.standing_change(
            user=user, member=warning.member, kind=Kind.EXIT, reason=ExitReason.LAPSED, on=on, decision=decision,
            decided_by=decided_by, number=number, note=note or _("After the warning of %(date)s and the talk.") % {
                "date": warning.flagged_on.isoformat()}, confirm=confirm)
    elif outcome == LapseOutcome.LOST_CONTACT:
        warning.standing_change = services.standing_change(user=user, member=warning.member, kind=Kind.LOSE_CONTACT,
                                                           on=on, note=note)
    _end_duty(warning, str(LapseOutcome(outcome).label))
    return _close(user, warning, outcome, on, decided_by, note)


@transaction.atomic
def dismiss(*, user, warning: LapseWarning, reason: str, on: datetime.date | None = None) -> LapseWarning:
    """Dismisses an open warning: a good reason was found (illness, work away arranged with the branch…)."""
    warning = _locked(user, warning)
    if not warning.is_open:
        refuse(_("The warning is closed (%(outcome)s).") % {"outcome": warning.get_outcome_display()})
    if not reason.strip():
        refuse(_("Say what good reason was found."), field="reason")
    on = _past_day(on, warning, "on")
    _end_duty(warning, reason.strip()[:300])
    return _close(user, warning, LapseOutcome.DISMISSED, on, "", reason.strip())


def _close(user, warning: LapseWarning, outcome: str, on: datetime.date, decided_by: str, note: str) -> LapseWarning:
    warning.state, warning.outcome, warning.outcome_on = LapseState.CLOSED, outcome, on
    warning.decided_by, warning.note, warning.closed_by = decided_by.strip()[:100], note[:300], user_or_none(user)
    warning.save()
    return warning


# --- reads ------------------------------------------------------------------------------------------------------

def warnings(user, *, under: Organization | None = None, state: str = ""):
    """The warnings the user may see, under an organization, of a state: open ones first (the talk due soonest),
    then the closed ones, newest first."""
    rows = LapseWarning.objects.restrict(user).select_related("person", "organization", "obligation")
    if under is not None:
        rows = rows.filter(subtree_q("org_path", [under.path]))
    if state in LapseState.values:
        rows = rows.filter(state=state)
    closed_last = Case(When(state=LapseState.CLOSED, then=Value(1)), default=Value(0), output_field=IntegerField())
    return rows.annotate(closed_last=closed_last).order_by("closed_last", "talk_due", "-flagged_on", "-pk")


def figures(warning: LapseWarning) -> list[dict]:
    """Why the member was flagged: each of the three tests, met or not, with its figures as a sentence."""
    data = warning.criteria or {}
    life, dues, work = data.get("life", {}), data.get("dues", {}), data.get("work", {})
    span = {"from": warning.window_from.isoformat(), "to": warning.window_to.isoformat()}
    last = life.get("last_present")
    rows = [
        ("life", _("Organization life"), warning.no_life,
         _("From %(from)s to %(to)s: present %(present)s times, excused %(excused)s, absent without leave "
           "%(absent)s.") % {**span, **{key: life.get(key, 0) for key in ("present", "excused", "absent")}}
         + " " + (_("Last present on %(date)s.") % {"date": last} if last else _("Never recorded present."))),
        ("dues", _("Party dues"), warning.no_dues,
         _("Of %(months)s months owed from %(from)s to %(to)s, %(unpaid)s unpaid.") % {
             **span, "months": dues.get("months", 0), "unpaid": dues.get("unpaid", 0)}
         + " " + (_("Paid up to %(month)s.") % {"month": dues["paid_up_to"]} if dues.get("paid_up_to")
                  else _("Nothing paid before."))),
        ("work", _("Assigned work"), warning.no_work,
         _("Of %(owed)s duties due from %(from)s to %(to)s, %(done)s done, %(failed)s overdue or missed.") % {
             **span, **{key: work.get(key, 0) for key in ("owed", "done", "failed")}}
         + (" " + _("The first missed was due on %(date)s.") % {"date": work["first_due"]}
            if work.get("first_due") else "")),
    ]
    return [{"code": code, "label": str(label), "met": met, "detail": detail} for code, label, met, detail in rows]


def warning_counts(user, under: Organization | None, year: int) -> dict:
    """The year's warnings under ``under`` (everything the user sees when None), for the statistics: {"flagged",
    "open", and each outcome's code: n}."""
    rows = warnings(user, under=under).filter(flagged_on__year=year).order_by()
    counts = {code: Count("pk", filter=Q(outcome=code)) for code in LapseOutcome.values}
    return rows.aggregate(flagged=Count("pk"), open=Count("pk", filter=Q(state__in=OPEN_WARNING)), **counts)

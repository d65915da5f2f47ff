"""Writes of the first-secretary mechanism: dispatch, replacement and recall; daily check-ins and their approval;
the weekly report and the half-yearly 述职 (duties); the monthly assessment (a person standard ranked within each
village class); the 末位淘汰 evaluation and the county's decisions; outcome logs.

Keyword-only, the acting ``user`` first (``None`` = the system), atomic, scope-checked, changes recorded.
A secretary acts on their own dispatch (check-ins, reports, outcomes) through the account linked to their
person; everyone else needs change scope on the village.
"""
import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from engines.duties import clock
from engines.duties import services as duties
from engines.duties.models import DutyRule, Submission
from engines.standards.models import Assessment, Standard
from kernel.core.changelog import record_change, snapshot
from kernel.core.models import ChangeRecord
from kernel.core.scope import CHANGE, scope_for
from kernel.core.services import NeedsConfirmation, refuse, require_in_scope
from kernel.core.services import user_or_none as _user_or_none
from kernel.orgs.models import Organization, OrgType
from kernel.people.choices import PostTitle
from kernel.people.models import Person, Post
from kernel.people.services import person_transfer, post_create, post_end, refresh_holds_post

from .library import CLASSIFIER, HALF_YEAR_RULE, MONTHLY_STANDARD, RATER, WEEKLY_RULE
from .models import CheckIn, Dispatch, EliminationDecision, EliminationEntry, FirstsecRule, OutcomeLog, VillageClass
from .periods import month_bounds, month_label
from .selectors import elimination_candidates, rule_for, serving_on

RULE_FIELDS = ("min_days", "min_nights", "prorate", "backfill_days", "elimination_months", "elimination_total_below",
               "elimination_satisfaction_below", "satisfaction_item")



# Rules -------------------------------------------------------------------------------------------------------


@transaction.atomic
def rule_save(*, user, organization: Organization, **fields) -> FirstsecRule:
    """Sets ``organization``'s own settings (a county's attendance minimums and elimination rule)."""
    require_in_scope(user, organization.path, realm="org")
    unknown = set(fields) - set(RULE_FIELDS)
    if unknown:
        refuse(_("Unknown setting: %(names)s") % {"names": ", ".join(sorted(unknown))})
    if fields.get("elimination_months") is not None and not 1 <= int(fields["elimination_months"]) <= 12:
        refuse(_("Between 1 and 12 months."), field="elimination_months")
    rule = FirstsecRule.objects.select_for_update().filter(organization=organization).first()
    if rule is None:
        rule = FirstsecRule(organization=organization, org_path=organization.path, **fields)
        rule.full_clean()
        rule.save()
        record_change(rule, ChangeRecord.Action.CREATE)
        return rule
    before = snapshot(rule)
    for name, value in fields.items():
        setattr(rule, name, value)
    rule.full_clean()
    rule.save()
    record_change(rule, ChangeRecord.Action.UPDATE, before=before)
    return rule


# Dispatch ----------------------------------------------------------------------------------------------------


def _check_village(village: Organization) -> None:
    if village.org_type not in (OrgType.BRANCH, OrgType.GENERAL_BRANCH) or not village.is_active:
        refuse(_("A first secretary is sent to an active village branch."), field="village")


def _in_post_elsewhere(person: Person, exclude=None):
    dispatches = Dispatch.objects.filter(person=person, status=Dispatch.Status.IN_POST)
    if exclude is not None:
        dispatches = dispatches.exclude(pk=exclude.pk)
    return dispatches.exists()


def _create_dispatch(*, user, person, village, village_class, sending_unit, sending_org, started_on, ends_on,
                     replaces=None) -> Dispatch:
    person = Person.objects.get(pk=person.pk)
    village = Organization.objects.get(pk=village.pk)
    require_in_scope(user, village.path, realm="people")
    _check_village(village)
    if village_class not in VillageClass.values:
        refuse(_("Choose the village class."), field="village_class")
    if not (sending_unit or "").strip() and sending_org is None:
        refuse(_("Name the sending unit."), field="sending_unit")
    if ends_on <= started_on:
        refuse(_("The term ends after it starts."), field="ends_on")
    if _in_post_elsewhere(person):
        refuse(_("%(name)s is already in post as a first secretary.") % {"name": person.name}, field="person")
    home = person.organization
    if person.organization_id != village.pk:
        person_transfer(user=user, person=person, organization=village)
    post = post_create(user=user, person=person, organization=village, title=PostTitle.FIRST_SECRETARY,
                       started_on=started_on, ended_on=ends_on)
    dispatch = Dispatch.objects.create(
        person=person, village=village, township=village.parent, org_path=village.path, village_class=village_class,
        sending_org=sending_org, sending_unit=(sending_unit or (sending_org.name if sending_org else "")).strip()[:120],
        home_org=home if home.pk != village.pk else None, started_on=started_on, ends_on=ends_on, post=post,
        replaces=replaces)
    record_change(dispatch, ChangeRecord.Action.CREATE)
    return dispatch


@transaction.atomic
def dispatch_create(*, user, person: Person, village: Organization, village_class: str, started_on: datetime.date,
                    ends_on: datetime.date, sending_unit: str = "", sending_org: Organization | None = None) -> Dispatch:
    """Sends ``person`` to ``village`` for a term: the organizational relationship moves to the village and a
    first-secretary post is created there for the term."""
    return _create_dispatch(user=user, person=person, village=village, village_class=village_class,
                            sending_unit=sending_unit, sending_org=sending_org, started_on=started_on,
                            ends_on=ends_on)


def _leave(*, user, dispatch: Dispatch, on: datetime.date, status: str, reason: str = "") -> Dispatch:
    dispatch = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
    require_in_scope(user, dispatch.org_path, realm="people")
    if dispatch.status != Dispatch.Status.IN_POST:
        refuse(_("This first secretary is no longer in post."))
    if on < dispatch.started_on:
        refuse(_("The date lies before the term started."), field="on")
    before = snapshot(dispatch)
    dispatch.status, dispatch.left_on, dispatch.recall_reason = status, on, reason.strip()[:300]
    dispatch.save()
    post = Post.objects.filter(pk=dispatch.post_id).first()
    if post is not None and (post.ended_on is None or post.ended_on > on):
        post_end(user=user, post=post, ended_on=max(on, (post.started_on or on) + datetime.timedelta(days=1)))
    record_change(dispatch, ChangeRecord.Action.UPDATE, before=before)
    home = dispatch.home_org
    person = dispatch.person
    if (home is not None and home.is_active and person.organization_id == dispatch.village_id
            and (user is None or scope_for(user).covers(home.path, realm="people", action=CHANGE))):
        person_transfer(user=user, person=person, organization=home)
    return dispatch


@transaction.atomic
def dispatch_recall(*, user, dispatch: Dispatch, on: datetime.date, reason: str) -> Dispatch:
    """Recalls a first secretary (召回): the dispatch ends with the reason, the post ends on that day."""
    if not reason.strip():
        refuse(_("Give the reason for the recall."), field="reason")
    return _leave(user=user, dispatch=dispatch, on=on, status=Dispatch.Status.RECALLED, reason=reason)


@transaction.atomic
def dispatch_replace(*, user, dispatch: Dispatch, person: Person, on: datetime.date, sending_unit: str = "",
                     sending_org: Organization | None = None, ends_on: datetime.date | None = None,
                     reason: str = "") -> Dispatch:
    """Replaces a first secretary: the old dispatch ends on ``on`` and a new one, linked to it, starts that day in
    the same village and class."""
    old = Dispatch.objects.select_related("village").get(pk=dispatch.pk)
    if old.person_id == person.pk:
        refuse(_("Choose another person as the replacement."), field="person")
    _leave(user=user, dispatch=old, on=on, status=Dispatch.Status.REPLACED, reason=reason)
    return _create_dispatch(user=user, person=person, village=old.village, village_class=old.village_class,
                            sending_unit=sending_unit, sending_org=sending_org, started_on=on,
                            ends_on=ends_on or old.ends_on, replaces=old)


@transaction.atomic
def dispatches_close_ended(*, user, today: datetime.date | None = None) -> int:
    """Marks the dispatches whose term is over as ended."""
    today = today or clock.today()
    ended = 0
    for dispatch in Dispatch.objects.filter(status=Dispatch.Status.IN_POST, ends_on__lt=today):
        require_in_scope(user, dispatch.org_path, realm="people")
        before = snapshot(dispatch)
        dispatch.status, dispatch.left_on = Dispatch.Status.ENDED, dispatch.ends_on
        dispatch.save()
        record_change(dispatch, ChangeRecord.Action.UPDATE, before=before)
        ended += 1
    return ended


# Acting on one's own dispatch --------------------------------------------------------------------------------


def is_self(user, dispatch: Dispatch) -> bool:
    return user is not None and scope_for(user).self_person_id == dispatch.person_id


def require_secretary_or_change(user, dispatch: Dispatch) -> None:
    """The secretary themself, or someone who may change the village's people."""
    if user is None or is_self(user, dispatch):
        return
    require_in_scope(user, dispatch.org_path, realm="people")


# Check-ins ---------------------------------------------------------------------------------------------------


def _decimal_or_none(value, places: str):
    if value in (None, ""):
        return None
    return Decimal(str(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


@transaction.atomic
def checkin_create(*, user, dispatch: Dispatch, day: datetime.date, in_village: bool, night_stayed: bool = False,
                   away_reason: str = "", latitude=None, longitude=None, accuracy=None) -> CheckIn:
    """One day's check-in. Entered more than the county's ``backfill_days`` after the day it is marked late and
    counts only once approved by the township."""
    dispatch = Dispatch.objects.get(pk=dispatch.pk)
    require_secretary_or_change(user, dispatch)
    today = clock.today()
    if day > today:
        refuse(_("A check-in cannot be entered before its day."), field="day")
    if not serving_on(dispatch, day):
        refuse(_("The secretary was not in post in this village on that day."), field="day")
    if not in_village and not away_reason.strip():
        refuse(_("Say why you were away from the village."), field="away_reason")
    if CheckIn.objects.filter(dispatch=dispatch, day=day).exists():
        refuse(_("There is already a check-in for this day."), field="day")
    latitude, longitude = _decimal_or_none(latitude, "0.000001"), _decimal_or_none(longitude, "0.000001")
    if latitude is not None and not -90 <= latitude <= 90 or longitude is not None and not -180 <= longitude <= 180:
        refuse(_("The location is not a valid position."), field="latitude")
    late = (today - day).days > rule_for(dispatch.village).backfill_days
    checkin = CheckIn.objects.create(
        dispatch=dispatch, person_id=dispatch.person_id, org_path=dispatch.org_path, day=day, in_village=in_village,
        away_reason="" if in_village else away_reason.strip()[:200], night_stayed=bool(in_village and night_stayed),
        latitude=latitude, longitude=longitude, accuracy=_decimal_or_none(accuracy, "0.1"), entered_on=today,
        late=late, approval=CheckIn.Approval.PENDING if late else CheckIn.Approval.NONE,
        entered_by=_user_or_none(user))
    record_change(checkin, ChangeRecord.Action.CREATE)
    return checkin


@transaction.atomic
def checkin_approve(*, user, checkin: CheckIn, approve: bool, note: str = "") -> CheckIn:
    """The township approves a late check-in (it counts) or refuses it (it never counts)."""
    checkin = CheckIn.objects.select_for_update(of=("self",)).select_related("dispatch__township").get(pk=checkin.pk)
    township = checkin.dispatch.township
    require_in_scope(user, township.path if township else checkin.org_path, realm="org")
    if checkin.approval == CheckIn.Approval.NONE:
        refuse(_("This check-in needs no approval."))
    before = snapshot(checkin)
    checkin.approval = CheckIn.Approval.APPROVED if approve else CheckIn.Approval.REFUSED
    checkin.approved_by = _user_or_none(user)
    checkin.approval_note = note.strip()[:300]
    checkin.save()
    record_change(checkin, ChangeRecord.Action.UPDATE, before=before)
    return checkin


# Reports (duties) --------------------------------------------------------------------------------------------


def duty_rule(code: str) -> DutyRule:
    found = DutyRule.objects.filter(code=code).select_related("current_version").first()
    if found is None:
        refuse(_("The duty rule “%(code)s” is not installed (manage.py install_firstsec).") % {"code": code})
    return found


def _submit(user, dispatch: Dispatch, code: str, period_start: datetime.date, title: str, body: str) -> Submission:
    dispatch = Dispatch.objects.select_related("person").get(pk=dispatch.pk)
    require_secretary_or_change(user, dispatch)
    if dispatch.status != Dispatch.Status.IN_POST:
        refuse(_("This first secretary is no longer in post."))
    # The engine asks for change scope on the subject; a secretary filing their own report has it through the
    # dispatch, checked above, so the engine is called as the system and the submitter set afterwards.
    acting = user if user is not None and scope_for(user).covers(dispatch.org_path, action=CHANGE) else None
    submission = duties.submit(user=acting, rule=duty_rule(code), subject=dispatch.person, occurred_on=period_start,
                               title=title, body=body, period_start=period_start)
    if acting is None and _user_or_none(user):
        Submission.objects.filter(pk=submission.pk).update(submitted_by=user)
        submission.submitted_by = user
    return submission


def weekly_report_submit(*, user, dispatch: Dispatch, week_start: datetime.date, title: str, body: str = "") -> Submission:
    """The week's work report (工作动态) for the ISO week starting on ``week_start`` (a Monday)."""
    if week_start.weekday() != 0:
        refuse(_("A week starts on a Monday."), field="week_start")
    return _submit(user, dispatch, WEEKLY_RULE, week_start, title, body)


def half_year_report_submit(*, user, dispatch: Dispatch, year: int, half: int, title: str, body: str = "") -> Submission:
    """The half-yearly 述职 report."""
    if half not in (1, 2):
        refuse(_("Choose the first or second half-year."), field="half")
    return _submit(user, dispatch, HALF_YEAR_RULE, datetime.date(year, 1 if half == 1 else 7, 1), title, body)


# Monthly assessment ------------------------------------------------------------------------------------------


def monthly_standard() -> Standard:
    standard = Standard.objects.filter(code=MONTHLY_STANDARD).select_related("current_version").first()
    if standard is None or standard.current_version is None:
        refuse(_("The standard “%(code)s” is not installed (manage.py install_firstsec).") % {"code": MONTHLY_STANDARD})
    return standard


def monthly_subjects(county: Organization, year: int, month: int):
    """The people in post as first secretaries under ``county`` at some time in the month."""
    start, end = month_bounds(year, month)
    lo_path = county.path
    dispatches = Dispatch.objects.filter(org_path__startswith=lo_path, started_on__lte=end, ends_on__gte=start)
    dispatches = [d for d in dispatches if d.status == Dispatch.Status.IN_POST or (d.left_on and d.left_on > start)]
    return Person.objects.filter(pk__in={d.person_id for d in dispatches}).order_by("org_path", "pk")


@transaction.atomic
def monthly_assessment(*, user, county: Organization, year: int, month: int) -> Assessment:
    """The month's score sheets of the first secretaries under ``county``, ranked within each village class; the
    attendance item is filled from the month's check-ins. An existing one is returned (attendance refilled)."""
    from engines.standards.services import assessment_create, fill_from_sources

    standard = monthly_standard()
    label = month_label(year, month)
    assessment = Assessment.objects.filter(version__standard=standard, owner=county, period_label=label).first()
    if assessment is None:
        start, end = month_bounds(year, month)
        assessment = assessment_create(
            user=user, version=standard.current_version, owner=county, name=f"{standard.name} · {label}",
            period_kind="month", period_start=start, period_end=end, period_label=label,
            subjects=list(monthly_subjects(county, year, month)), class_by=CLASSIFIER)
    else:
        require_in_scope(user, county.path, realm="org")
    if assessment.status == Assessment.Status.OPEN and RATER not in (assessment.locked_groups or []):
        fill_from_sources(user=user, assessment=assessment, rater_code=RATER)
    return assessment


def monthly_results(*, user, assessment: Assessment) -> dict:
    """Totals, tiers and ranks of the month (the engine's compute)."""
    from engines.standards.services import compute_results

    return compute_results(user=user, assessment=assessment)


# 末位淘汰 ----------------------------------------------------------------------------------------------------


@transaction.atomic
def elimination_evaluate(*, user, county: Organization, year: int, month: int) -> list[EliminationEntry]:
    """Puts on the county's list each secretary in post who was last in their village class in each of the rule's
    months up to (year, month), whose average total or average satisfaction was below the rule's thresholds.
    Returns the entries of this evaluation (existing ones are kept as they are)."""

    require_in_scope(user, county.path, realm="org")
    rule = rule_for(county)
    entries = []
    for candidate in elimination_candidates(county, year, month, rule):
        dispatch = (Dispatch.objects.filter(person_id=candidate["person_id"], status=Dispatch.Status.IN_POST,
                                            org_path__startswith=county.path).order_by("-started_on").first())
        if dispatch is None:
            continue
        entry, created = EliminationEntry.objects.get_or_create(
            dispatch=dispatch, last_month=month_label(year, month),
            defaults={"person_id": dispatch.person_id, "org_path": dispatch.org_path, "county": county,
                      "months": candidate["months"], "average_total": candidate["average_total"],
                      "average_satisfaction": candidate["average_satisfaction"], "reason": candidate["reason"]})
        if created:
            record_change(entry, ChangeRecord.Action.CREATE)
        entries.append(entry)
    return entries


DECISIONS = (EliminationEntry.Decision.KEEP, EliminationEntry.Decision.WARN, EliminationEntry.Decision.RECALL)


def _decided_entries(user, decisions, county=None) -> list[tuple[EliminationEntry, str, str]]:
    """[(entry, decision, note)] from ``decisions`` ([{"entry": entry or id, "decision", "note"}]), checked: one
    county's list of one month, entries awaiting a decision, keep / warn / recall each."""
    chosen = {}
    for row in decisions or ():
        entry = row["entry"]
        chosen[getattr(entry, "pk", entry)] = (row.get("decision") or "", (row.get("note") or "").strip()[:300])
    if not chosen:
        refuse(_("Choose a decision for at least one secretary on the list."), field="decisions")
    if any(decision not in DECISIONS for decision, _note in chosen.values()):
        refuse(_("Choose keep, warn or recall."), field="decision")
    entries = list(EliminationEntry.objects.filter(pk__in=chosen).select_related("county", "person",
                                                                                  "dispatch__village")
                   .order_by("org_path", "pk"))
    if len(entries) != len(chosen):
        refuse(_("An entry of the decision is not on the list."), field="decisions")
    if len({(entry.county_id, entry.last_month) for entry in entries}) > 1:
        refuse(_("A decision covers one county's list of one month."), field="decisions")
    if county is not None and entries[0].county_id != county.pk:
        refuse(_("These entries are on another county's list."), field="decisions")
    require_in_scope(user, entries[0].county.path, realm="org")
    decided = [entry for entry in entries if entry.decision]
    if decided:
        refuse(_("Already decided: %(names)s.") % {"names": "、".join(entry.person.name for entry in decided[:5])})
    return [(entry, *chosen[entry.pk]) for entry in entries]


def elimination_decision_preview(rows) -> dict:
    """What deciding would do: how many are kept, warned and recalled, and who (``rows``: [(entry, decision,
    note)])."""
    by_decision = {decision: [] for decision in DECISIONS}
    for entry, decision, note in rows:
        by_decision[decision].append({"entry": entry, "note": note,
                                      "in_post": entry.dispatch.status == Dispatch.Status.IN_POST})
    first = rows[0][0]
    return {"county": first.county, "last_month": first.last_month, "count": len(rows),
            "counts": {decision: len(listed) for decision, listed in by_decision.items()}, "rows": by_decision}


def _state(entry: EliminationEntry) -> dict:
    dispatch = entry.dispatch
    post = Post.objects.filter(pk=dispatch.post_id).first()
    return {"decision": entry.decision, "decided_on": entry.decided_on and entry.decided_on.isoformat(),
            "decided_by": entry.decided_by_id, "decision_note": entry.decision_note,
            "dispatch": {"id": dispatch.pk, "status": dispatch.status,
                         "left_on": dispatch.left_on and dispatch.left_on.isoformat(),
                         "recall_reason": dispatch.recall_reason},
            "post": post and {"id": post.pk, "ended_on": post.ended_on and post.ended_on.isoformat()},
            "person_org": dispatch.person.organization_id}


@transaction.atomic
def elimination_decide(*, user, decisions, county: Organization | None = None, on: datetime.date | None = None,
                       confirm: bool = False) -> EliminationDecision:
    """The county keeps, warns or recalls secretaries of one month's list (``decisions``: [{"entry", "decision",
    "note"}], of ``county``'s list when given) once confirmed after its preview (elimination_decision_preview; without ``confirm``,
    NeedsConfirmation carries it). A recall ends the dispatch and its post. Recorded as one act
    (EliminationDecision) that elimination_decision_withdraw undoes."""
    rows = _decided_entries(user, decisions, county)
    county = rows[0][0].county
    if not confirm:
        raise NeedsConfirmation(_("Read the preview of the decision and confirm it."),
                                elimination_decision_preview(rows))
    entries = {entry.pk: entry for entry in EliminationEntry.objects.select_for_update(of=("self",)).filter(
        pk__in=[entry.pk for entry, _d, _n in rows]).select_related("dispatch__person")}
    if any(entry.decision for entry in entries.values()):
        refuse(_("This entry has been decided."))
    on = on or clock.today()
    act = EliminationDecision.objects.create(
        county=county, owner_path=county.path, last_month=rows[0][0].last_month, decided_on=on,
        decided_user=_user_or_none(user), previous={str(pk): _state(entry) for pk, entry in entries.items()})
    act.entries.set(entries.values())
    for pk, decision, note in ((entry.pk, decision, note) for entry, decision, note in rows):
        entry = entries[pk]
        before = snapshot(entry)
        entry.decision, entry.decided_on, entry.decided_by = decision, on, _user_or_none(user)
        entry.decision_note = note
        entry.save()
        record_change(entry, ChangeRecord.Action.UPDATE, before=before)
        if decision == EliminationEntry.Decision.RECALL and entry.dispatch.status == Dispatch.Status.IN_POST:
            dispatch_recall(user=user, dispatch=entry.dispatch, on=on,
                            reason=note or _("末位淘汰 (last in class %(months)s)") % {
                                "months": ", ".join(entry.months)})
    counts = elimination_decision_preview(rows)["counts"]
    record_change(act, ChangeRecord.Action.CREATE,
                  message=_("Elimination decision: %(keep)s kept, %(warn)s warned, %(recall)s recalled.") % counts)
    return act


def _date_or_none(value):
    return datetime.date.fromisoformat(value) if value else None


def _restore_dispatch(*, user, act: EliminationDecision, state: dict) -> None:
    """Puts a dispatch the act recalled back in post, its post's end and the person's organization as they were."""
    dispatch = Dispatch.objects.select_for_update().select_related("person", "village").get(pk=state["dispatch"]["id"])
    before = snapshot(dispatch)
    dispatch.status = state["dispatch"]["status"]
    dispatch.left_on = _date_or_none(state["dispatch"]["left_on"])
    dispatch.recall_reason = state["dispatch"]["recall_reason"]
    dispatch.save()
    record_change(dispatch, ChangeRecord.Action.UPDATE, before=before,
                  message=_("Back in post: the elimination decision of %(date)s was withdrawn.")
                  % {"date": act.decided_on})
    if state["post"]:
        post = Post.objects.select_for_update().get(pk=state["post"]["id"])
        ended_on = _date_or_none(state["post"]["ended_on"])
        if post.ended_on != ended_on:
            before = snapshot(post)
            post.ended_on = ended_on
            post.save(update_fields=["ended_on", "updated_at"])
            refresh_holds_post([post.person_id])
            record_change(post, ChangeRecord.Action.UPDATE, before=before,
                          message=_("The post continues: the elimination decision of %(date)s was withdrawn.")
                          % {"date": act.decided_on})
    if dispatch.person.organization_id != state["person_org"]:
        person_transfer(user=user, person=dispatch.person,
                        organization=Organization.objects.get(pk=state["person_org"]))


def _withdraw_refusals(act: EliminationDecision, entries) -> list[str]:
    problems = []
    for entry in entries:
        if (entry.decided_on, entry.decided_by_id) != (act.decided_on, act.decided_user_id) or not entry.decision:
            problems.append(_("the decision on %(name)s has been changed since") % {"name": entry.person.name})
        state = act.previous[str(entry.pk)]
        dispatch = entry.dispatch
        if dispatch.status == state["dispatch"]["status"]:
            continue
        if dispatch.status != Dispatch.Status.RECALLED or dispatch.left_on != act.decided_on:
            problems.append(_("the dispatch of %(name)s has been changed since") % {"name": entry.person.name})
            continue
        newer = (Dispatch.objects.filter(village_id=dispatch.village_id, created_at__gte=act.created_at)
                 .exclude(pk=dispatch.pk).select_related("person").first())
        if newer is not None:
            problems.append(_("%(village)s has a new first secretary since (%(name)s, from %(date)s): %(old)s "
                              "cannot be put back in post")
                            % {"village": dispatch.village.name, "name": newer.person.name,
                               "date": newer.started_on, "old": entry.person.name})
        elif _in_post_elsewhere(entry.person, exclude=dispatch):
            problems.append(_("%(name)s has been sent elsewhere since") % {"name": entry.person.name})
    return problems


@transaction.atomic
def elimination_decision_withdraw(*, user, decision: EliminationDecision, reason: str) -> EliminationDecision:
    """Withdraws an elimination decision as a whole (撤销): every entry awaits a decision again, and each secretary
    it recalled is back in post with the post's end as before. Refused if withdrawn already, if an entry or a
    dispatch has been changed since, or if a recalled secretary's village has a new dispatch since."""
    act = EliminationDecision.objects.select_for_update().get(pk=decision.pk)
    require_in_scope(user, act.owner_path, realm="org")
    if act.status != EliminationDecision.Status.ACTIVE:
        refuse(_("This decision has already been withdrawn."), code="withdrawn")
    reason = (reason or "").strip()
    if not reason:
        refuse(_("Give the reason for withdrawing the decision."), field="reason")
    entries = list(act.entries.select_for_update(of=("self",)).select_related("person", "dispatch__village")
                   .order_by("org_path", "pk"))
    problems = _withdraw_refusals(act, entries)
    if problems:
        refuse(_("The decision cannot be withdrawn: %(problems)s.") % {"problems": "; ".join(problems)},
               code="out_of_order")
    for entry in entries:
        state = act.previous[str(entry.pk)]
        if entry.dispatch.status != state["dispatch"]["status"]:
            _restore_dispatch(user=user, act=act, state=state)
        before = snapshot(entry)
        entry.decision, entry.decision_note = state["decision"], state["decision_note"]
        entry.decided_on, entry.decided_by_id = _date_or_none(state["decided_on"]), state["decided_by"]
        entry.save()
        record_change(entry, ChangeRecord.Action.UPDATE, before=before,
                      message=_("Awaiting a decision again: the elimination decision of %(date)s was withdrawn.")
                      % {"date": act.decided_on})
    before = snapshot(act)
    act.status = EliminationDecision.Status.WITHDRAWN
    act.withdraw_reason = reason
    act.withdrawn_user = _user_or_none(user)
    act.withdrawn_at = timezone.now()
    act.save()
    record_change(act, ChangeRecord.Action.UPDATE, before=before,
                  message=_("Elimination decision withdrawn: %(reason)s") % {"reason": reason[:400]})
    return act


# Outcomes ----------------------------------------------------------------------------------------------------


@transaction.atomic
def outcome_add(*, user, dispatch: Dispatch, day: datetime.date, visits: int = 0, problems: int = 0,
                disputes: int = 0, funds=Decimal("0"), projects: int = 0, note: str = "") -> OutcomeLog:
    dispatch = Dispatch.objects.get(pk=dispatch.pk)
    require_secretary_or_change(user, dispatch)
    if day > clock.today():
        refuse(_("An outcome is logged on or after its day."), field="day")
    if not dispatch.started_on <= day:
        refuse(_("The date lies before the term started."), field="day")
    values = {"visits": visits, "problems": problems, "disputes": disputes, "projects": projects}
    if any(int(value) < 0 for value in values.values()) or Decimal(str(funds)) < 0:
        refuse(_("Figures cannot be negative."))
    if not any(values.values()) and not Decimal(str(funds)):
        refuse(_("Enter at least one figure."))
    log = OutcomeLog.objects.create(dispatch=dispatch, person_id=dispatch.person_id, org_path=dispatch.org_path,
                                    day=day, funds=Decimal(str(funds)), note=note.strip()[:300], **values)
    record_change(log, ChangeRecord.Action.CREATE)
    return log


"""Writes of the good-cadre selection: selections, nominations, rounds (scores, votes, closing), objections.

Every function is keyword-only, takes ``user`` first, runs atomically, checks the scope and records its
change. ``user=None`` is the system itself (demo, commands). Dates default to ``kernel.core.clock.today()``.
Each outcome given to a candidate is also written as an immutable ``Decision``.
"""
import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from engines.standards.models import Assessment, Item, ItemScore, RaterGroup, Sheet
from engines.standards.services import assessment_close, assessment_create, compute_results, scores_bulk_set
from kernel.core import clock
from kernel.core.changelog import record_change, snapshot
from kernel.core.models import ChangeRecord
from kernel.core.scope import CHANGE, scope_for
from kernel.core.services import NeedsConfirmation, refuse, require_in_scope
from kernel.core.services import user_or_none as _user_or_none
from kernel.core.tree import in_subtree
from kernel.orgs.models import Organization
from kernel.people.models import Person

from . import narrowing
from .library import DEFAULT_ROUNDS, ensure_criteria
from .models import (
    Candidate,
    Channel,
    Decision,
    Method,
    Nomination,
    Nominee,
    Objection,
    Outcome,
    PoolEntry,
    Round,
    RoundClosure,
    RoundStatus,
    Selection,
    SelectionStatus,
)


def _require_owner(user, selection: Selection) -> None:
    require_in_scope(user, selection.owner_path, realm="org")


def reason_text(code: str, round_: Round) -> str:
    texts = {
        narrowing.BELOW_TOP: _("Not among the best %(keep)s of %(round)s.") % {"keep": round_.keep,
                                                                               "round": round_.name},
        narrowing.BELOW_THRESHOLD: _("Score below %(threshold)s in %(round)s.") % {
            "threshold": round_.threshold, "round": round_.name},
        narrowing.VOTE_FAILED: _("Did not win the share of votes needed in %(round)s.") % {"round": round_.name},
        narrowing.NO_VOTES: _("No votes were cast in %(round)s.") % {"round": round_.name},
    }
    return texts.get(code, code)


def _decide(candidate: Candidate, outcome: str, reason: str, *, user, today: datetime.date) -> None:
    candidate.outcome = outcome
    candidate.reason = reason[:300]
    candidate.save(update_fields=["outcome", "reason", "updated_at"])
    Decision.objects.create(candidate=candidate, org_path=candidate.org_path, outcome=outcome, reason=reason[:300],
                            decided_by=_user_or_none(user), decided_on=today)


# Selections and nominations -------------------------------------------------------------------------------------


@transaction.atomic
def selection_create(*, user, owner: Organization, name: str, year: int, rounds=None,
                     nominations_close_on: datetime.date | None = None) -> Selection:
    """A selection with its five rounds (``rounds``: a list of dicts like library.DEFAULT_ROUNDS)."""
    require_in_scope(user, owner.path, realm="org")
    if not name.strip():
        refuse(_("Give the selection a name."), field="name")
    rounds = [dict(config) for config in rounds or DEFAULT_ROUNDS]
    for config in rounds:
        _check_round_config(config)
    selection = Selection.objects.create(name=name.strip(), year=year, owner=owner, owner_path=owner.path,
                                         criteria=ensure_criteria(user=user, owner=owner),
                                         nominations_close_on=nominations_close_on)
    Round.objects.bulk_create([
        Round(selection=selection, owner_path=owner.path, number=number, code=config["code"], name=config["name"],
              method=config["method"], keep=config.get("keep"), threshold=config.get("threshold"),
              objection_days=config.get("objection_days", 0))
        for number, config in enumerate(rounds, start=1)])
    record_change(selection, ChangeRecord.Action.CREATE)
    return selection


def _check_round_config(config: dict) -> None:
    method = config.get("method")
    if method not in Method.values:
        refuse(_("Unknown method “%(method)s”.") % {"method": method}, field="rounds")
    if method == Method.TOP and not config.get("keep"):
        refuse(_("Say how many go through round %(name)s.") % {"name": config.get("name")}, field="rounds")
    if method == Method.THRESHOLD and config.get("threshold") is None:
        refuse(_("Give round %(name)s its lowest score.") % {"name": config.get("name")}, field="rounds")
    if method == Method.NOTICE and not config.get("objection_days"):
        refuse(_("A public notice needs an objection window of at least one day."), field="rounds")
    share = config.get("threshold")
    if method == Method.VOTE and share is not None and not 0 <= Decimal(str(share)) < 1:
        refuse(_("The share of votes lies between 0 and 1 (0.5: a majority)."), field="rounds")
    if method == Method.VOTE and share is None:
        config["threshold"] = narrowing.MAJORITY


@transaction.atomic
def round_configure(*, user, round_: Round, method: str, keep: int | None = None, threshold=None,
                    objection_days: int = 0) -> Round:
    """Changes how a round decides, while it has not opened yet."""
    round_ = Round.objects.select_for_update().select_related("selection").get(pk=round_.pk)
    _require_owner(user, round_.selection)
    if round_.status != RoundStatus.WAITING:
        refuse(_("A round that has opened keeps its rule."))
    config = {"method": method, "keep": keep or None, "name": round_.name,
              "threshold": None if threshold in (None, "") else Decimal(str(threshold)),
              "objection_days": objection_days or 0}
    _check_round_config(config)
    before = {"method": round_.method, "keep": round_.keep, "threshold": str(round_.threshold),
              "objection_days": round_.objection_days}
    round_.method, round_.keep, round_.threshold = method, config["keep"], config["threshold"]
    round_.objection_days = config["objection_days"]
    round_.save(update_fields=["method", "keep", "threshold", "objection_days", "updated_at"])
    record_change(round_, ChangeRecord.Action.UPDATE, before=before)
    round_.refresh_from_db()
    return round_


@transaction.atomic
def nomination_add(*, user, selection: Selection, person: Person, channel: str, nominator: str,
                   statement: str = "", nominated_on: datetime.date | None = None) -> Nomination:
    """Nominates ``person``; a person nominated again is the same nominee, with the new channel added."""
    selection = Selection.objects.select_for_update().get(pk=selection.pk)
    if selection.status != SelectionStatus.NOMINATING:
        refuse(_("Nominations are closed."))
    if channel not in Channel.values:
        refuse(_("Choose a channel."), field="channel")
    if not nominator.strip():
        refuse(_("Say who nominates."), field="nominator")
    if not in_subtree(person.org_path, [selection.owner_path]):
        refuse(_("The person must belong to an organization under %(owner)s.") % {"owner": selection.owner},
               field="person")
    if user is not None and not (scope_for(user).covers(selection.owner_path, action=CHANGE)
                                 or scope_for(user).covers(person.org_path, realm="people", action=CHANGE)):
        require_in_scope(user, person.org_path, realm="people")
    nominee, created = Nominee.objects.get_or_create(selection=selection, person=person,
                                                     defaults={"org_path": person.org_path, "channels": [channel]})
    if not created and channel not in nominee.channels:
        nominee.channels = [c for c in Channel.values if c in {*nominee.channels, channel}]
        nominee.save(update_fields=["channels", "updated_at"])
    nomination = Nomination.objects.create(
        selection=selection, nominee=nominee, org_path=person.org_path, channel=channel, nominator=nominator.strip(),
        statement=statement.strip(), nominated_on=nominated_on or clock.today(), entered_by=_user_or_none(user))
    record_change(nomination, ChangeRecord.Action.CREATE)
    return nomination


@transaction.atomic
def rounds_start(*, user, selection: Selection, today: datetime.date | None = None) -> Round:
    """Closes the nominations and opens the first round with every nominee."""
    selection = Selection.objects.select_for_update().get(pk=selection.pk)
    _require_owner(user, selection)
    if selection.status != SelectionStatus.NOMINATING:
        refuse(_("The rounds have already started."))
    nominees = list(Nominee.objects.filter(selection=selection).select_related("person"))
    if not nominees:
        refuse(_("Nobody has been nominated yet."))
    before = {"status": selection.status}
    selection.status = SelectionStatus.RUNNING
    selection.save(update_fields=["status", "updated_at"])
    record_change(selection, ChangeRecord.Action.UPDATE, before=before)
    first = selection.rounds.order_by("number").first()
    return _open(first, nominees, user=user, today=today or clock.today())


def _open(round_: Round, nominees: list[Nominee], *, user, today: datetime.date) -> Round:
    round_.status = RoundStatus.OPEN
    round_.opened_on = today
    round_.entered = len(nominees)
    candidates = Candidate.objects.bulk_create(
        [Candidate(round=round_, nominee=nominee, org_path=nominee.org_path) for nominee in nominees])
    if round_.scored:
        _open_assessment(round_, candidates, nominees, user=user, today=today)
    round_.save()
    record_change(round_, ChangeRecord.Action.UPDATE, message=_("Round opened with %(count)s candidates.") % {
        "count": len(nominees)})
    return round_


def _open_assessment(round_: Round, candidates, nominees, *, user, today) -> None:
    selection = round_.selection
    version = selection.criteria or ensure_criteria(user=user, owner=selection.owner)
    assessment = assessment_create(
        user=user, version=version, owner=selection.owner, name=f"{selection.name} · {round_.name}",
        period_kind="year", period_start=datetime.date(selection.year, 1, 1),
        period_end=datetime.date(selection.year, 12, 31), period_label=f"{selection.year}-{round_.code}",
        subjects=[nominee.person for nominee in nominees], class_by="parent")
    round_.assessment = assessment
    sheets = dict(Sheet.objects.filter(assessment=assessment).values_list("person_id", "pk"))
    for candidate, nominee in zip(candidates, nominees, strict=True):
        candidate.sheet_id = sheets[nominee.person_id]
    Candidate.objects.bulk_update(candidates, ["sheet"])


# Scores and votes -----------------------------------------------------------------------------------------------


def _open_round(user, round_: Round) -> Round:
    round_ = Round.objects.select_for_update(of=("self",)).select_related("selection", "assessment").get(pk=round_.pk)
    _require_owner(user, round_.selection)
    if round_.status != RoundStatus.OPEN:
        refuse(_("This round is not open."))
    return round_


def _require_undecided(candidate: Candidate) -> None:
    """A candidate eliminated in the round (an upheld objection) keeps the figures it was decided on."""
    if candidate.outcome == Outcome.ELIMINATED:
        refuse(_("%(name)s has been eliminated in this round (%(reason)s): the scores and votes stay as "
                 "decided.") % {"name": candidate.nominee.person.name, "reason": candidate.reason},
               code="decided")


@transaction.atomic
def scores_set(*, user, round_: Round, scores: dict) -> int:
    """Enters the criteria scores of a scored round: {candidate id: {item code: points}}; the totals follow."""
    round_ = _open_round(user, round_)
    if not round_.scored or round_.assessment is None:
        refuse(_("This round is not decided by score."))
    items = dict(Item.objects.filter(version_id=round_.assessment.version_id).values_list("code", "pk"))
    rater = RaterGroup.objects.filter(version_id=round_.assessment.version_id).order_by("-weight", "id").first()
    in_round = {c.pk: c for c in Candidate.objects.filter(round=round_, pk__in=[int(k) for k in scores])
                .select_related("nominee__person")}
    sheets = {pk: c.sheet_id for pk, c in in_round.items()}
    rows = []
    for candidate_id, by_item in scores.items():
        if int(candidate_id) not in sheets:
            refuse(_("Candidate %(id)s is not in this round.") % {"id": candidate_id})
        _require_undecided(in_round[int(candidate_id)])
        for code, points in by_item.items():
            if points in (None, ""):
                continue
            if code not in items:
                refuse(_("Item %(code)s is not part of the criteria.") % {"code": code})
            rows.append((sheets[int(candidate_id)], items[code], Decimal(str(points)), None, None))
    written = scores_bulk_set(user=user, assessment=round_.assessment, rater=rater, rows=rows) if rows else 0
    _refresh_scores(user, round_)
    return written


def _refresh_scores(user, round_: Round) -> None:
    compute_results(user=user, assessment=round_.assessment)
    totals = dict(Sheet.objects.filter(assessment=round_.assessment).values_list("pk", "total"))
    # an eliminated candidate keeps the score it was decided on, whatever its sheet received since (the sheet is
    # also open to the standards' own score paths while the round runs)
    candidates = list(Candidate.objects.filter(round=round_, sheet__isnull=False).exclude(
        outcome=Outcome.ELIMINATED))
    for candidate in candidates:
        candidate.score = totals.get(candidate.sheet_id)
    Candidate.objects.bulk_update(candidates, ["score"])


@transaction.atomic
def votes_set(*, user, round_: Round, votes: dict) -> int:
    """Enters the votes of a vote round: {candidate id: (votes for, votes cast)}."""
    round_ = _open_round(user, round_)
    if round_.method != Method.VOTE:
        refuse(_("This round is not decided by vote."))
    candidates = {c.pk: c for c in Candidate.objects.filter(round=round_, pk__in=[int(k) for k in votes])
                  .select_related("nominee__person")}
    for candidate_id, (votes_for, votes_cast) in votes.items():
        candidate = candidates.get(int(candidate_id))
        if candidate is None:
            refuse(_("Candidate %(id)s is not in this round.") % {"id": candidate_id})
        _require_undecided(candidate)
        votes_for, votes_cast = int(votes_for), int(votes_cast)
        if votes_for < 0 or votes_cast < 0 or votes_for > votes_cast:
            refuse(_("Votes for must lie between 0 and the votes cast (%(name)s).") % {"name": candidate.nominee},
                   field="votes")
        candidate.votes_for, candidate.votes_cast = votes_for, votes_cast
    Candidate.objects.bulk_update(candidates.values(), ["votes_for", "votes_cast"])
    record_change(round_, ChangeRecord.Action.UPDATE, message=_("Votes of %(count)s candidates entered.") % {
        "count": len(candidates)})
    return len(candidates)


# Public notice and objections -----------------------------------------------------------------------------------


def window_end(round_: Round) -> datetime.date | None:
    """The last day objections are taken (the window runs objection_days days from the day the round opened)."""
    if round_.method != Method.NOTICE or round_.opened_on is None:
        return None
    return round_.opened_on + datetime.timedelta(days=round_.objection_days - 1)


def window_open(round_: Round, today: datetime.date | None = None) -> bool:
    end = window_end(round_)
    return round_.status == RoundStatus.OPEN and end is not None and (today or clock.today()) <= end


@transaction.atomic
def objection_raise(*, user, candidate: Candidate, raised_by: str, text: str,
                    today: datetime.date | None = None) -> Objection:
    """Records an objection during the notice window; the candidate is paused until it is resolved."""
    today = today or clock.today()
    candidate = Candidate.objects.select_for_update().select_related("round__selection").get(pk=candidate.pk)
    round_ = candidate.round
    _require_owner(user, round_.selection)
    if round_.method != Method.NOTICE:
        refuse(_("Objections are taken during the public notice."))
    if not window_open(round_, today):
        refuse(_("The objection window is not open."))
    if candidate.outcome == Outcome.ELIMINATED:
        refuse(_("This candidate has already been eliminated."))
    if not raised_by.strip() or not text.strip():
        refuse(_("Say who objects and why."), field="text")
    objection = Objection.objects.create(candidate=candidate, org_path=candidate.org_path, raised_on=today,
                                         raised_by=raised_by.strip(), text=text.strip())
    record_change(objection, ChangeRecord.Action.CREATE)
    if candidate.outcome != Outcome.PAUSED:
        _decide(candidate, Outcome.PAUSED, _("Objection by %(who)s: %(text)s") % {"who": objection.raised_by,
                                                                                  "text": objection.text},
                user=user, today=today)
    return objection


@transaction.atomic
def objection_resolve(*, user, objection: Objection, upheld: bool, note: str,
                      today: datetime.date | None = None) -> Objection:
    """Upheld: the candidate is eliminated with the finding as the reason. Dismissed: once no objection is left
    open, the candidate goes on."""
    today = today or clock.today()
    objection = Objection.objects.select_for_update().select_related("candidate__round__selection").get(
        pk=objection.pk)
    candidate = objection.candidate
    _require_owner(user, candidate.round.selection)
    if objection.resolution:
        refuse(_("This objection has already been resolved."))
    if candidate.round.status != RoundStatus.OPEN:
        refuse(_("This round is not open."))
    if not note.strip():
        refuse(_("Write down the finding."), field="note")
    before = {"resolution": ""}
    objection.resolution = Objection.Resolution.UPHELD if upheld else Objection.Resolution.DISMISSED
    objection.resolution_note = note.strip()[:300]
    objection.resolved_on = today
    objection.resolved_by = _user_or_none(user)
    objection.save()
    record_change(objection, ChangeRecord.Action.UPDATE, before=before)
    if upheld:
        if candidate.outcome != Outcome.ELIMINATED:
            _decide(candidate, Outcome.ELIMINATED, _("Objection upheld: %(note)s") % {"note": objection.resolution_note},
                    user=user, today=today)
    elif candidate.outcome == Outcome.PAUSED and not candidate.objections.filter(resolution="").exists():
        _decide(candidate, Outcome.PENDING, _("Objection dismissed: %(note)s") % {"note": objection.resolution_note},
                user=user, today=today)
    return objection


# Closing a round ------------------------------------------------------------------------------------------------


def close_blockers(round_: Round, today: datetime.date | None = None) -> list[str]:
    """What still keeps the round from closing (empty: it may close)."""
    today = today or clock.today()
    if round_.status != RoundStatus.OPEN:
        return [_("This round is not open.")]
    missing = []
    if round_.method == Method.NOTICE:
        if window_open(round_, today):
            missing.append(_("The objection window is open until %(date)s.") % {"date": window_end(round_)})
        paused = Candidate.objects.filter(round=round_, outcome=Outcome.PAUSED).count()
        if paused:
            missing.append(ngettext("%(count)s candidate is paused by an objection not yet resolved.",
                                    "%(count)s candidates are paused by objections not yet resolved.", paused)
                           % {"count": paused})
    if round_.scored:
        unscored = Candidate.objects.filter(round=round_, outcome=Outcome.PENDING).exclude(
            sheet__in=ItemScore.objects.filter(sheet__assessment_id=round_.assessment_id).values("sheet_id")).count()
        if unscored:
            missing.append(ngettext("%(count)s candidate has no score entered.",
                                    "%(count)s candidates have no score entered.", unscored) % {"count": unscored})
    if round_.method == Method.VOTE:
        unvoted = Candidate.objects.filter(round=round_, outcome=Outcome.PENDING, votes_cast__isnull=True).count()
        if unvoted:
            missing.append(ngettext("%(count)s candidate has no votes entered.",
                                    "%(count)s candidates have no votes entered.", unvoted) % {"count": unvoted})
    return missing


CANDIDATE_LIST_LIMIT = 500  # candidates listed one by one in a close's preview; the counts are always whole


def _decided_by_rule(round_: Round, pending: list[Candidate]) -> dict[int, str]:
    rows = [narrowing.Row(c.pk, c.score, c.votes_for, c.votes_cast) for c in pending]
    return narrowing.narrow(rows, method=round_.method, keep=round_.keep, threshold=round_.threshold)


def _ranks(round_: Round, candidates: list[Candidate]) -> dict[int, int]:
    """{candidate id: rank} by score (scored rounds) or by share of votes (vote rounds); ties share a rank."""
    if round_.scored:
        def measure(c):
            return c.score or Decimal(0)
    elif round_.method == Method.VOTE:
        def measure(c):
            return Decimal(c.votes_for or 0) / c.votes_cast if c.votes_cast else Decimal(-1)
    else:
        return {}
    values = sorted((measure(c) for c in candidates), reverse=True)
    return {c.pk: 1 + sum(1 for v in values if v > measure(c)) for c in candidates}


def round_close_preview(round_: Round) -> dict:
    """What closing the round would do, without writing: every candidate with its score, rank, votes and
    objections, the outcome the rule gives (or the one given before, by an upheld objection) and why; the counts
    (``entered``, ``went_on``, ``eliminated``, eliminations ``by_reason``), what blocks the close (``blockers``)
    and where those who go on go (``following``: the next round's name, or None for the pool)."""
    candidates = list(Candidate.objects.filter(round=round_).select_related("nominee__person__organization")
                      .order_by("id"))
    pending = [c for c in candidates if c.outcome == Outcome.PENDING]
    decided = _decided_by_rule(round_, pending)
    ranks = _ranks(round_, pending)
    objections: dict[int, list[int]] = {}
    for candidate_id, resolution in Objection.objects.filter(candidate__round=round_).values_list(
            "candidate_id", "resolution"):
        counts = objections.setdefault(candidate_id, [0, 0])
        counts[0] += 1
        counts[1] += resolution == Objection.Resolution.UPHELD
    rows, by_reason = [], {}
    for candidate in candidates:
        if candidate.pk in decided:
            code = decided[candidate.pk]
            outcome = Outcome.ELIMINATED if code else Outcome.PASSED
            reason = reason_text(code, round_) if code else _("Went through %(round)s.") % {"round": round_.name}
        else:
            code, outcome, reason = "earlier", candidate.outcome, candidate.reason
        if outcome == Outcome.ELIMINATED:
            by_reason[code] = by_reason.get(code, 0) + 1
        raised, upheld = objections.get(candidate.pk, (0, 0))
        rows.append({"candidate": candidate, "rank": ranks.get(candidate.pk), "objections": raised,
                     "objections_upheld": upheld, "outcome": outcome, "code": code, "reason": reason})
    following = round_.selection.rounds.filter(number__gt=round_.number).order_by("number").first()
    went_on = sum(1 for row in rows if row["outcome"] == Outcome.PASSED)
    return {"round": round_, "entered": len(rows), "went_on": went_on,
            "eliminated": sum(1 for row in rows if row["outcome"] == Outcome.ELIMINATED),
            "by_reason": by_reason, "blockers": close_blockers(round_), "following": following,
            "candidates": rows[:CANDIDATE_LIST_LIMIT]}


@transaction.atomic
def round_close(*, user, round_: Round, today: datetime.date | None = None,
                confirm: bool = False) -> RoundClosure:
    """Decides every pending candidate by the round's rule, then opens the next round with those who went
    through; closing the last round puts them into the pool of good cadres. Only once confirmed after its preview
    (round_close_preview; without ``confirm``, NeedsConfirmation carries it). Recorded as one act (RoundClosure)
    that round_closure_withdraw undoes."""
    today = today or clock.today()
    round_ = _open_round(user, round_)
    blockers = close_blockers(round_, today)
    if blockers:
        refuse(" ".join(blockers), code="blocked")
    if not confirm:
        raise NeedsConfirmation(_("Read who goes on and who is eliminated, and confirm the close."),
                                round_close_preview(round_))
    candidates = list(Candidate.objects.filter(round=round_).select_for_update().order_by("id"))
    previous = {"candidates": {str(c.pk): {"outcome": c.outcome, "reason": c.reason,
                                           "score": None if c.score is None else str(c.score)}
                               for c in candidates},
                "round": {"closed_on": None, "closed_by": round_.closed_by_id, "passed": round_.passed,
                          "eliminated": round_.eliminated},
                "assessment": round_.assessment.status if round_.assessment is not None else None}
    if round_.scored:
        _refresh_scores(user, round_)
    pending = list(Candidate.objects.filter(round=round_, outcome=Outcome.PENDING).select_related("nominee"))
    decided = _decided_by_rule(round_, pending)
    for candidate in pending:
        code = decided[candidate.pk]
        if code:
            _decide(candidate, Outcome.ELIMINATED, reason_text(code, round_), user=user, today=today)
        else:
            _decide(candidate, Outcome.PASSED, _("Went through %(round)s.") % {"round": round_.name},
                    user=user, today=today)
    through = [c.nominee for c in Candidate.objects.filter(round=round_, outcome=Outcome.PASSED)
               .select_related("nominee__person").order_by("id")]
    before = {"status": round_.status}
    round_.status = RoundStatus.CLOSED
    round_.closed_on = today
    round_.closed_by = _user_or_none(user)
    round_.passed = len(through)
    round_.eliminated = round_.entered - len(through)
    round_.save()
    record_change(round_, ChangeRecord.Action.UPDATE, before=before)
    if round_.assessment is not None and round_.assessment.status == "open":
        assessment_close(user=user, assessment=round_.assessment)
    following = round_.selection.rounds.filter(number__gt=round_.number).order_by("number").first()
    selection = round_.selection
    previous["selection"] = {"status": selection.status,
                             "decided_on": selection.decided_on and selection.decided_on.isoformat()}
    if following is not None:
        previous["following"] = {"round": following.pk, "status": following.status,
                                 "opened_on": following.opened_on and following.opened_on.isoformat(),
                                 "entered": following.entered, "assessment": following.assessment_id}
        _open(following, through, user=user, today=today)
        previous["following"]["opened_assessment"] = following.assessment_id
    else:
        previous["pool"] = _finish(user, selection, through, today)
    closure = RoundClosure.objects.create(round=round_, owner_path=round_.owner_path, closed_on=today,
                                          closed_user=_user_or_none(user), went_on=len(through),
                                          eliminated=round_.eliminated, previous=previous)
    record_change(closure, ChangeRecord.Action.CREATE,
                  message=_("%(round)s closed: %(passed)s went through, %(eliminated)s eliminated.") % {
                      "round": round_.name, "passed": len(through), "eliminated": round_.eliminated})
    return closure


def _later_round_started(closure: RoundClosure) -> tuple[Round | None, list[str]]:
    """The next round the close opened, and what has been done in it since (empty: nothing)."""
    following_state = closure.previous.get("following")
    if not following_state:
        return None, []
    following = Round.objects.select_for_update().get(pk=following_state["round"])
    candidates = Candidate.objects.filter(round=following)
    done = []
    if following.status != RoundStatus.OPEN:
        done.append(_("it has closed"))
    if Decision.objects.filter(candidate__round=following).exists():
        done.append(_("outcomes were given"))
    if following.assessment_id and ItemScore.objects.filter(sheet__assessment_id=following.assessment_id).exists():
        done.append(_("scores were entered"))
    if candidates.filter(votes_cast__isnull=False).exists():
        done.append(_("votes were entered"))
    if Objection.objects.filter(candidate__round=following).exists():
        done.append(_("objections were raised"))
    return following, done


@transaction.atomic
def round_closure_withdraw(*, user, closure: RoundClosure, reason: str) -> RoundClosure:
    """Withdraws a round's close as a whole (撤销) with its reason: every candidate is back exactly as before
    (outcome, reason, score; a decision records the return), the round is open again, the next round it opened is
    waiting again (its candidates and the assessment opened for it removed) or, after the last round, the pool
    entries it created are removed and the selection is running again. Refused if already withdrawn, or once the
    next round has started (anything scored, voted, objected or decided in it)."""
    closure = RoundClosure.objects.select_for_update().select_related("round__selection").get(pk=closure.pk)
    require_in_scope(user, closure.owner_path, realm="org")
    if closure.status != RoundClosure.Status.ACTIVE:
        refuse(_("This close has already been withdrawn."), code="withdrawn")
    reason = (reason or "").strip()
    if not reason:
        refuse(_("Give the reason for withdrawing the close."), field="reason")
    round_ = Round.objects.select_for_update(of=("self",)).select_related("selection", "assessment").get(
        pk=closure.round_id)
    following, done = _later_round_started(closure)
    if done:
        refuse(_("The next round, %(following)s, has started since (%(done)s): the close of %(round)s can no "
                 "longer be withdrawn.") % {"following": following.name, "done": "; ".join(done),
                                            "round": round_.name}, code="later_round_started")
    today = clock.today()
    if following is not None:
        state = closure.previous["following"]
        opened = state.get("opened_assessment") if state.get("opened_assessment") != state.get("assessment") else None
        Candidate.objects.filter(round=following).delete()
        before = snapshot(following)
        following.status = state["status"]
        following.opened_on = datetime.date.fromisoformat(state["opened_on"]) if state["opened_on"] else None
        following.entered = state["entered"]
        following.assessment_id = state["assessment"]
        following.save()
        record_change(following, ChangeRecord.Action.UPDATE, before=before,
                      message=_("Waiting again: the close of %(round)s was withdrawn.") % {"round": round_.name})
        if opened:
            assessment = Assessment.objects.get(pk=opened)
            record_change(assessment, ChangeRecord.Action.DELETE,
                          message=_("Removed: the close of %(round)s that opened it was withdrawn.")
                          % {"round": round_.name})
            assessment.delete()
    else:
        pool = PoolEntry.objects.filter(pk__in=closure.previous.get("pool", []))
        for entry in pool:
            record_change(entry, ChangeRecord.Action.DELETE)
        pool.delete()
    selection = Selection.objects.select_for_update().get(pk=round_.selection_id)
    state = closure.previous.get("selection", {})
    if state and (selection.status, selection.decided_on) != (state["status"], state["decided_on"]):
        before = snapshot(selection)
        selection.status = state["status"]
        selection.decided_on = datetime.date.fromisoformat(state["decided_on"]) if state["decided_on"] else None
        selection.save(update_fields=["status", "decided_on", "updated_at"])
        record_change(selection, ChangeRecord.Action.UPDATE, before=before)
    states = closure.previous.get("candidates", {})
    for candidate in Candidate.objects.filter(round=round_, pk__in=[int(pk) for pk in states]).order_by("id"):
        state = states[str(candidate.pk)]
        score = None if state["score"] is None else Decimal(state["score"])
        if (candidate.outcome, candidate.reason, candidate.score) == (state["outcome"], state["reason"], score):
            continue
        candidate.score = score
        candidate.save(update_fields=["score", "updated_at"])
        if (candidate.outcome, candidate.reason) != (state["outcome"], state["reason"]):
            Decision.objects.create(candidate=candidate, org_path=candidate.org_path, outcome=state["outcome"],
                                    reason=(_("The close of %(round)s was withdrawn: %(reason)s")
                                            % {"round": round_.name, "reason": reason})[:300],
                                    decided_by=_user_or_none(user), decided_on=today)
            candidate.outcome, candidate.reason = state["outcome"], state["reason"]
            candidate.save(update_fields=["outcome", "reason", "updated_at"])
    if round_.assessment is not None and closure.previous.get("assessment") == Assessment.Status.OPEN \
            and round_.assessment.status != Assessment.Status.OPEN:
        before = snapshot(round_.assessment)
        round_.assessment.status = Assessment.Status.OPEN
        round_.assessment.save(update_fields=["status", "updated_at"])
        record_change(round_.assessment, ChangeRecord.Action.UPDATE, before=before)
    before = snapshot(round_)
    state = closure.previous["round"]
    round_.status = RoundStatus.OPEN
    round_.closed_on = None
    round_.closed_by_id = state["closed_by"]
    round_.passed, round_.eliminated = state["passed"], state["eliminated"]
    round_.save()
    record_change(round_, ChangeRecord.Action.UPDATE, before=before,
                  message=_("Open again: its close was withdrawn."))
    before = snapshot(closure)
    closure.status = RoundClosure.Status.WITHDRAWN
    closure.withdraw_reason = reason
    closure.withdrawn_user = _user_or_none(user)
    closure.withdrawn_at = timezone.now()
    closure.save()
    record_change(closure, ChangeRecord.Action.UPDATE, before=before,
                  message=_("Close withdrawn: %(reason)s") % {"reason": reason[:400]})
    return closure


def _finish(user, selection: Selection, nominees: list[Nominee], today: datetime.date) -> list[int]:
    """Puts ``nominees`` into the pool and decides the selection; the pool entries' ids."""
    entries = PoolEntry.objects.bulk_create([
        PoolEntry(selection=selection, person=nominee.person, org_path=nominee.org_path, year=selection.year)
        for nominee in nominees])
    before = {"status": selection.status}
    selection.status = SelectionStatus.DONE
    selection.decided_on = today
    selection.save(update_fields=["status", "decided_on", "updated_at"])
    record_change(selection, ChangeRecord.Action.UPDATE, before=before,
                  message=_("%(count)s good cadres selected.") % {"count": len(nominees)})
    return [entry.pk for entry in entries]

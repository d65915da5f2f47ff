"""Writes of the village elections: keyword-only, ``user`` first (None = the system), atomic, scope-checked.

An election moves recommend → review → elect → done, one step at a time; each step records who finished it
and when. Finishing the election ends the outgoing committee's posts and creates the elected ones through
kernel.people.services, and announces the term change (kernel.people.services.organization_term_changed) with the
posts before and after, which the terms register records.
"""
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kernel.accounts.roles import Role
from kernel.accounts.scope import roles_covering
from kernel.core import clock
from kernel.core.changelog import record_change, snapshot
from kernel.core.models import ChangeRecord
from kernel.core.services import refuse, require_in_scope, user_or_none
from kernel.orgs.models import Domain, Organization, OrgStatus, OrgType
from kernel.people.choices import PostTitle
from kernel.people.choices import Stage as PersonStage
from kernel.people.models import Person, Post
from kernel.people.services import organization_term_changed, post_create, post_end

from . import rules
from .models import REPLACED_TITLES, Candidate, Election, Review, Stage, TermChange, TownshipDeadline

REVIEWER_ROLES = {Role.TOWNSHIP_ADMIN, Role.COUNTY_ADMIN}


def _today(today):
    return today or clock.today()


@transaction.atomic
def term_change_create(*, user, owner: Organization, name: str, year: int, started_on: datetime.date,
                       deadlines: dict | None = None, quorum: tuple[int, int] = (1, 2)) -> TermChange:
    """A term change under ``owner`` with a deadline per township ({township: date})."""
    require_in_scope(user, owner.path, realm="org")
    if not (name or "").strip():
        refuse(_("A term change needs a name."), field="name")
    numerator, denominator = quorum
    if not 0 < numerator < denominator:
        refuse(_("The quorum is a fraction between 0 and 1."), field="quorum")
    term = TermChange.objects.create(owner=owner, owner_path=owner.path, name=name.strip(), year=year,
                                     started_on=started_on, quorum_numerator=numerator,
                                     quorum_denominator=denominator)
    record_change(term, ChangeRecord.Action.CREATE)
    for township, deadline in (deadlines or {}).items():
        deadline_set(user=user, term_change=term, township=township, deadline=deadline)
    return term


@transaction.atomic
def deadline_set(*, user, term_change: TermChange, township: Organization, deadline: datetime.date):
    require_in_scope(user, township.path, realm="org")
    if not township.path.startswith(term_change.owner_path):
        refuse(_("The township lies outside the term change's organization."), field="township")
    row, created = TownshipDeadline.objects.get_or_create(
        term_change=term_change, organization=township, defaults={"org_path": township.path, "deadline": deadline})
    if not created:
        before = snapshot(row)
        row.deadline = deadline
        row.save(update_fields=["deadline", "updated_at"])
        record_change(row, ChangeRecord.Action.UPDATE, before=before)
    else:
        record_change(row, ChangeRecord.Action.CREATE)
    return row


@transaction.atomic
def election_open(*, user, term_change: TermChange, organization: Organization,
                  today: datetime.date | None = None) -> Election:
    require_in_scope(user, organization.path, realm="org")
    if not organization.path.startswith(term_change.owner_path):
        refuse(_("The village lies outside the term change's organization."), field="organization")
    organization = Organization.objects.get(pk=organization.pk)
    if not is_village(organization):
        refuse(_("%(name)s is not a village (an active rural branch): a term change holds its elections in "
                 "villages only.") % {"name": organization.name}, field="organization")
    if Election.objects.filter(term_change=term_change, organization=organization).exists():
        refuse(_("This village already has its election in this term change."), field="organization")
    election = Election.objects.create(term_change=term_change, organization=organization,
                                       org_path=organization.path, opened_on=_today(today))
    record_change(election, ChangeRecord.Action.CREATE)
    return election


def is_village(organization: Organization) -> bool:
    """What mechanisms.elections.selectors.villages lists: an active rural branch."""
    return (organization.org_type == OrgType.BRANCH and organization.domain == Domain.RURAL
            and organization.status == OrgStatus.ACTIVE)


def _check_held_on(election: Election, held_on) -> None:
    """The assembly's day: not before the term change started, not in the future (the posts it writes start on
    it)."""
    if held_on is None:
        refuse(_("Enter the day the assembly was held."), field="held_on")
    term = election.term_change
    earliest = term.started_on
    if earliest is not None and held_on < earliest:
        refuse(_("The assembly cannot have been held on %(day)s, before %(earliest)s.")
               % {"day": held_on, "earliest": earliest}, field="held_on")
    if held_on > clock.today():
        refuse(_("The assembly's day %(day)s is in the future: record the votes once it is held.")
               % {"day": held_on}, field="held_on")


def _locked(election: Election) -> Election:
    return Election.objects.select_for_update().select_related("term_change", "organization").get(pk=election.pk)


def _require(user, election: Election, stage: str) -> None:
    require_in_scope(user, election.org_path, realm="org")
    if election.stage != stage:
        refuse(_("The election is at the stage “%(stage)s”.") % {"stage": election.get_stage_display()},
               field="stage")


@transaction.atomic
def candidate_add(*, user, election: Election, person: Person, title: str, masses_count: int = 0,
                  members_count: int = 0, organization_count: int = 0) -> Candidate:
    """Puts a person forward with the counts of the three channels (三推); only while recommending."""
    election = _locked(election)
    _require(user, election, Stage.RECOMMEND)
    if user is not None and not Person.objects.restrict(user).filter(pk=person.pk).exists():
        raise PermissionDenied(_("This person lies outside your scope."))
    person = Person.objects.get(pk=person.pk)
    owner = election.term_change.owner
    if not person.org_path.startswith(election.term_change.owner_path) or person.stage != PersonStage.MEMBER:
        # a secretary may come from another village (跨村任职), never from outside the term change or the party
        refuse(_("%(name)s cannot stand: a candidate is a party member under %(owner)s.")
               % {"name": person.name, "owner": owner.name}, field="person")
    if title not in {choice for choice, _label in Candidate._meta.get_field("title").choices}:
        refuse(_("Choose a post."), field="title")
    counts = (masses_count, members_count, organization_count)
    if any(count < 0 for count in counts) or not any(counts):
        refuse(_("A candidate needs at least one recommendation."), field="masses_count")
    if Candidate.objects.filter(election=election, person=person, title=title).exists():
        refuse(_("This person is already a candidate for that post."), field="person")
    person = Person.objects.get(pk=person.pk)
    candidate = Candidate.objects.create(
        election=election, person=person, org_path=election.org_path, home_organization_id=person.organization_id,
        title=title, masses_count=masses_count, members_count=members_count, organization_count=organization_count)
    record_change(candidate, ChangeRecord.Action.CREATE)
    return candidate


@transaction.atomic
def recommendation_finish(*, user, election: Election, today: datetime.date | None = None) -> Election:
    election = _locked(election)
    _require(user, election, Stage.RECOMMEND)
    if not election.candidates.filter(title=PostTitle.SECRETARY).exists():
        refuse(_("No candidate for secretary has been recommended."))
    return _move(election, user, Stage.REVIEW, recommended_on=_today(today), recommended_by=user_or_none(user))


def may_review(user, election: Election) -> bool:
    if user is None or getattr(user, "is_superuser", False):
        return True
    return bool(roles_covering(user, election.org_path) & REVIEWER_ROLES)


@transaction.atomic
def candidate_review(*, user, candidate: Candidate, passed: bool, reason: str = "") -> Candidate:
    """The township committee's qualification review (资格审查) of one candidate; a failure needs a reason."""
    election = _locked(candidate.election)
    _require(user, election, Stage.REVIEW)
    if not may_review(user, election):
        raise PermissionDenied(_("Only the township or county committee reviews candidates."))
    if not passed and not (reason or "").strip():
        refuse(_("Say why the candidate does not qualify."), field="reason")
    candidate = Candidate.objects.get(pk=candidate.pk)
    before = snapshot(candidate)
    candidate.review = Review.PASSED if passed else Review.FAILED
    candidate.review_reason = (reason or "").strip()
    candidate.save(update_fields=["review", "review_reason", "updated_at"])
    record_change(candidate, ChangeRecord.Action.UPDATE, before=before)
    return candidate


@transaction.atomic
def review_finish(*, user, election: Election, today: datetime.date | None = None) -> Election:
    election = _locked(election)
    _require(user, election, Stage.REVIEW)
    if not may_review(user, election):
        raise PermissionDenied(_("Only the township or county committee reviews candidates."))
    if election.candidates.filter(review=Review.PENDING).exists():
        refuse(_("Some candidates are not reviewed yet."))
    if not election.candidates.filter(title=PostTitle.SECRETARY, review=Review.PASSED).exists():
        refuse(_("No candidate for secretary passed the review."))
    return _move(election, user, Stage.ELECT, reviewed_on=_today(today), reviewed_by=user_or_none(user))


@transaction.atomic
def votes_record(*, user, election: Election, held_on: datetime.date, eligible_voters: int, votes_cast: int,
                 votes: dict) -> Election:
    """The member assembly's counts: eligible members, votes cast and {candidate id: votes}.

    Only candidates who passed the review may receive votes; nobody gets more votes than were cast.
    """
    election = _locked(election)
    _require(user, election, Stage.ELECT)
    _check_held_on(election, held_on)
    if eligible_voters <= 0:
        refuse(_("The branch has no eligible voters."), field="eligible_voters")
    if votes_cast < 0 or votes_cast > eligible_voters:
        refuse(_("More votes cast than eligible voters."), field="votes_cast")
    candidates = {c.pk: c for c in election.candidates.all()}
    for key, count in votes.items():
        candidate = candidates.get(int(key))
        if candidate is None:
            refuse(_("Votes for someone who is not a candidate."), field="votes")
        if candidate.review != Review.PASSED and count:
            refuse(_("%(name)s did not pass the review and cannot receive votes.") % {"name": candidate.person.name},
                   field="votes")
        if count < 0 or count > votes_cast:
            refuse(_("%(name)s has more votes than were cast.") % {"name": candidate.person.name}, field="votes")
    before = snapshot(election)
    election.held_on, election.eligible_voters, election.votes_cast = held_on, eligible_voters, votes_cast
    election.save(update_fields=["held_on", "eligible_voters", "votes_cast", "updated_at"])
    record_change(election, ChangeRecord.Action.UPDATE, before=before)
    for key, count in votes.items():
        candidate = candidates[int(key)]
        if candidate.votes != count:
            candidate.votes = count
            candidate.save(update_fields=["votes", "updated_at"])
    return election


def outcome(election: Election) -> dict:
    """Whether the assembly was valid and who is elected: {"valid": bool, "winners": [Candidate], "problems": [...]}.

    Secretary and deputy secretary are single seats: the qualified candidate with most votes, if that is more
    than half of the votes cast and no one ties. Committee members: every qualified one with such a majority.
    """
    term = election.term_change
    problems = []
    if election.votes_cast is None or election.eligible_voters is None:
        return {"valid": False, "winners": [], "problems": [_("The votes are not recorded.")]}
    valid = rules.quorum_met(votes_cast=election.votes_cast, eligible=election.eligible_voters,
                             numerator=term.quorum_numerator, denominator=term.quorum_denominator)
    if not valid:
        problems.append(_("The assembly is not valid: %(cast)d of %(eligible)d eligible members voted, more than "
                          "%(num)d/%(den)d are needed.") % {"cast": election.votes_cast,
                                                            "eligible": election.eligible_voters,
                                                            "num": term.quorum_numerator,
                                                            "den": term.quorum_denominator})
    qualified = [c for c in election.candidates.select_related("person") if c.review == Review.PASSED]
    winners = []
    for title in (PostTitle.SECRETARY, PostTitle.DEPUTY_SECRETARY):
        counts = {c: c.votes or 0 for c in qualified if c.title == title}
        winner = rules.single_seat_winner(counts, election.votes_cast)
        if winner is not None:
            winners.append(winner)
    winners += [c for c in qualified if c.title == PostTitle.COMMITTEE_MEMBER
                and rules.majority(votes=c.votes or 0, votes_cast=election.votes_cast)]
    if not any(c.title == PostTitle.SECRETARY for c in winners):
        problems.append(_("No candidate for secretary has more than half of the votes cast."))
    return {"valid": valid, "winners": winners if valid else [], "problems": problems}


@transaction.atomic
def election_finish(*, user, election: Election) -> Election:
    """Closes a valid election: the outgoing committee's posts end and the elected take theirs on the day held,
    a term change of the village (organization_term_changed) with the posts before and after.

    Someone re-elected to the post they hold keeps that post as it is.
    """
    election = _locked(election)
    _require(user, election, Stage.ELECT)
    _check_held_on(election, election.held_on)
    result = outcome(election)
    if result["problems"]:
        raise ValidationError(result["problems"])
    held_on = election.held_on
    winners = {(c.person_id, c.title): c for c in result["winners"]}
    outgoing = list(Post.objects.current(held_on).filter(organization=election.organization,
                                                         title__in=REPLACED_TITLES).select_related("person"))
    for post in outgoing:
        if (post.person_id, post.title) in winners:
            winners.pop((post.person_id, post.title))  # re-elected to the same post: it simply continues
        elif post.started_on is None or post.started_on < held_on:
            post_end(user=user, post=post, ended_on=held_on)
    for candidate in winners.values():
        post_create(user=user, person=candidate.person, organization=election.organization, title=candidate.title,
                    started_on=held_on)
    Candidate.objects.filter(pk__in=[c.pk for c in result["winners"]]).update(elected=True)
    incoming = Post.objects.current(held_on).filter(organization=election.organization,
                                                    title__in=REPLACED_TITLES).select_related("person")
    organization_term_changed.send(sender=Election, organization=election.organization, on=held_on, user=user,
                                   before=outgoing, after=list(incoming), how="assembly",
                                   decision=election.term_change.name)
    return _move(election, user, Stage.DONE, elected_by=user_or_none(user))


def _move(election: Election, user, stage: str, **fields) -> Election:
    before = snapshot(election)
    election.stage = stage
    for name, value in fields.items():
        setattr(election, name, value)
    election.save()
    record_change(election, ChangeRecord.Action.UPDATE, before=before)
    return election

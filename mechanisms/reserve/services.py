"""Writes of the reserve pool, two-way cultivation and members' duty posts: keyword-only, ``user`` first (None = the
system), atomic, scope-checked again, every change recorded.

Appointing a reserve cadre to a post is consequential: it takes them out of the pool and records the post in the
registry; it needs ``confirm`` after its preview, and it can be withdrawn (the cadre back in the pool, the post
recorded by the appointment taken out again).
"""
import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from kernel.core import clock
from kernel.core.changelog import record_change, snapshot
from kernel.core.models import ChangeRecord
from kernel.core.services import NeedsConfirmation, refuse, require_in_scope, user_or_none
from kernel.core.tree import in_subtree
from kernel.core.withdrawal import withdrawal_reason
from kernel.orgs.models import Domain, Organization, OrgType
from kernel.people.choices import PostTitle, Stage
from kernel.people.models import Member, Person, Post
from kernel.people.services import post_create, refresh_holds_post

from .models import (
    Cultivation,
    CultivationStep,
    DutyPostAssignment,
    Grade,
    MemberDutyPost,
    Outcome,
    PoolStatus,
    Rating,
    ReserveAssessment,
    ReserveCadre,
    Source,
    Track,
)

VILLAGE_TYPES = (OrgType.BRANCH, OrgType.GENERAL_BRANCH, OrgType.PARTY_COMMITTEE)
VILLAGE_DOMAINS = (Domain.RURAL, Domain.COMMUNITY)
# The posts a reserve cadre is appointed to: the village's committee and the village (residents') committee.
APPOINT_TITLES = (PostTitle.SECRETARY, PostTitle.DEPUTY_SECRETARY, PostTitle.COMMITTEE_MEMBER,
                  PostTitle.ORGANIZATION_MEMBER, PostTitle.PROPAGANDA_MEMBER, PostTitle.DISCIPLINE_MEMBER,
                  PostTitle.VILLAGE_DIRECTOR, PostTitle.VILLAGE_COMMITTEE_MEMBER, PostTitle.COMMUNITY_DIRECTOR,
                  PostTitle.GROUP_LEADER)
MAX_TEXT = 300


def _village(organization: Organization, user) -> Organization:
    organization = Organization.objects.get(pk=organization.pk)
    require_in_scope(user, organization.path, realm="org")
    if not organization.is_active or organization.org_type not in (OrgType.BRANCH, OrgType.GENERAL_BRANCH) \
            or organization.domain not in VILLAGE_DOMAINS:
        refuse(_("Choose an active village or community branch."), field="organization")
    return organization


def _person_of(person: Person, village: Organization, user) -> Person:
    person = Person.objects.get(pk=person.pk)
    require_in_scope(user, person.org_path, realm="people", action="view")
    if not in_subtree(person.org_path, [village.path]):
        refuse(_("Choose a person registered in %(village)s.") % {"village": village.name}, field="person")
    return person


def _day(value, field: str, *, past: bool = True) -> datetime.date:
    if value is None:
        refuse(_("Give the day."), field=field)
    if past and value > clock.today():
        refuse(_("The day cannot be in the future."), field=field)
    return value


def _text(value: str, field: str, *, required: bool = False, what: str = "") -> str:
    value = (value or "").strip()
    if required and not value:
        refuse(what or _("This field is required."), field=field)
    if len(value) > MAX_TEXT:
        refuse(_("At most %(count)s characters.") % {"count": MAX_TEXT}, field=field)
    return value


# --- the pool ---------------------------------------------------------------------------------------------------

@transaction.atomic
def cadre_add(*, user, organization: Organization, person: Person, since: datetime.date, source: str,
              training: str = "", note: str = "") -> ReserveCadre:
    """Takes a person of the village into its reserve cadre pool."""
    village = _village(organization, user)
    person = _person_of(person, village, user)
    _day(since, "since")
    if source not in Source.values:
        refuse(_("Say where the reserve cadre comes from."), field="source")
    if ReserveCadre.objects.filter(person=person, status=PoolStatus.IN_POOL).exists():
        refuse(_("%(name)s is in a reserve pool already.") % {"name": person.name}, field="person")
    cadre = ReserveCadre.objects.create(person=person, organization=village, org_path=village.path, since=since,
                                        source=source, training=(training or "").strip(),
                                        note=_text(note, "note"), created_by=user_or_none(user))
    record_change(cadre, ChangeRecord.Action.CREATE)
    return cadre


def _locked(cadre: ReserveCadre, user) -> ReserveCadre:
    cadre = ReserveCadre.objects.select_for_update(of=("self",)).select_related("person", "organization").get(
        pk=cadre.pk)
    require_in_scope(user, cadre.org_path, realm="org")
    return cadre


@transaction.atomic
def cadre_training_set(*, user, cadre: ReserveCadre, training: str) -> ReserveCadre:
    cadre = _locked(cadre, user)
    before = snapshot(cadre)
    cadre.training = (training or "").strip()
    cadre.save(update_fields=["training", "updated_at"])
    record_change(cadre, ChangeRecord.Action.UPDATE, before=before)
    return cadre


@transaction.atomic
def assess(*, user, cadre: ReserveCadre, year: int, grade: str, note: str = "") -> ReserveAssessment:
    """The year's assessment of a reserve cadre (a second one for the same year replaces the first)."""
    cadre = _locked(cadre, user)
    if grade not in Grade.values:
        refuse(_("Choose the grade."), field="grade")
    if year is None or year < cadre.since.year or year > clock.today().year:
        refuse(_("Assess a year from %(first)s to this year.") % {"first": cadre.since.year}, field="year")
    row = ReserveAssessment.objects.filter(cadre=cadre, year=year).first()
    if row is None:
        row = ReserveAssessment.objects.create(cadre=cadre, org_path=cadre.org_path, year=year, grade=grade,
                                               note=_text(note, "note"))
        record_change(row, ChangeRecord.Action.CREATE)
    else:
        before = snapshot(row)
        row.grade, row.note = grade, _text(note, "note")
        row.save(update_fields=["grade", "note", "updated_at"])
        record_change(row, ChangeRecord.Action.UPDATE, before=before)
    return row


def appoint_preview(cadre: ReserveCadre, title: str, on: datetime.date) -> dict:
    effects = [
        _("%(name)s leaves the reserve pool of %(village)s on %(date)s.") % {
            "name": cadre.person.name, "village": cadre.organization.name, "date": on.isoformat()},
        _("The post %(title)s of %(village)s held by %(name)s from %(date)s is recorded in the registry.") % {
            "title": PostTitle(title).label, "village": cadre.organization.name, "name": cadre.person.name,
            "date": on.isoformat()},
    ]
    return {"cadre": cadre.pk, "name": cadre.person.name, "village": cadre.organization.name,
            "title": str(PostTitle(title).label), "on": on.isoformat(), "effects": effects}


@transaction.atomic
def appoint(*, user, cadre: ReserveCadre, title: str, on: datetime.date, note: str = "",
            confirm: bool = False) -> ReserveCadre:
    """A reserve cadre appointed to a post of the village: out of the pool, the post recorded in the registry.
    Needs ``confirm`` (NeedsConfirmation with the preview)."""
    cadre = _locked(cadre, user)
    if cadre.status != PoolStatus.IN_POOL:
        refuse(_("Only a reserve cadre in the pool can be appointed."))
    if title not in APPOINT_TITLES:
        refuse(_("Choose the post of the village the reserve cadre is appointed to."), field="title")
    _day(on, "on")
    if on < cadre.since:
        refuse(_("The appointment comes after the day the cadre entered the pool (%(date)s).") % {
            "date": cadre.since.isoformat()}, field="on")
    note = _text(note, "note")
    if not confirm:
        preview = appoint_preview(cadre, title, on)
        raise NeedsConfirmation(_("Confirm the appointment of %(name)s.") % {"name": cadre.person.name}, preview)
    post = post_create(user=user, person=cadre.person, organization=cadre.organization, title=title, started_on=on)
    before = snapshot(cadre)
    cadre.status, cadre.outcome_on, cadre.outcome_title, cadre.outcome_note, cadre.post = (
        PoolStatus.APPOINTED, on, title, note, post)
    cadre.save(update_fields=["status", "outcome_on", "outcome_title", "outcome_note", "post", "updated_at"])
    record_change(cadre, ChangeRecord.Action.UPDATE, before=before, message="appointed")
    return cadre


@transaction.atomic
def leave(*, user, cadre: ReserveCadre, on: datetime.date, note: str) -> ReserveCadre:
    """A reserve cadre leaves the pool without a post (moved away, no longer suitable …), with the reason."""
    cadre = _locked(cadre, user)
    if cadre.status != PoolStatus.IN_POOL:
        refuse(_("Only a reserve cadre in the pool can leave it."))
    _day(on, "on")
    if on < cadre.since:
        refuse(_("The day comes after the day the cadre entered the pool (%(date)s).") % {
            "date": cadre.since.isoformat()}, field="on")
    note = _text(note, "note", required=True, what=_("Say why the reserve cadre leaves the pool."))
    before = snapshot(cadre)
    cadre.status, cadre.outcome_on, cadre.outcome_title, cadre.outcome_note = PoolStatus.LEFT, on, "", note
    cadre.save(update_fields=["status", "outcome_on", "outcome_title", "outcome_note", "updated_at"])
    record_change(cadre, ChangeRecord.Action.UPDATE, before=before, message="left")
    return cadre


@transaction.atomic
def outcome_withdraw(*, user, cadre: ReserveCadre, reason: str) -> ReserveCadre:
    """Withdraws an appointment or a leaving recorded by mistake: the cadre is back in the pool, and the post the
    appointment recorded (if still held) is taken out of the registry again."""
    cadre = _locked(cadre, user)
    if cadre.status == PoolStatus.IN_POOL:
        refuse(_("The reserve cadre is in the pool: there is nothing to withdraw."))
    reason = withdrawal_reason(reason, what=_("Say why the outcome is withdrawn."))
    if ReserveCadre.objects.filter(person=cadre.person, status=PoolStatus.IN_POOL).exclude(pk=cadre.pk).exists():
        refuse(_("%(name)s is in another reserve pool now.") % {"name": cadre.person.name})
    if cadre.post_id is not None:
        post = Post.objects.select_for_update().filter(pk=cadre.post_id).first()
        if post is not None:
            require_in_scope(user, post.org_path, realm="people")
            if post.ended_on is None:
                record_change(post, ChangeRecord.Action.DELETE, message=reason)
                person_id = post.person_id
                post.delete()
                refresh_holds_post([person_id])
    before = snapshot(cadre)
    cadre.status, cadre.outcome_on, cadre.outcome_title, cadre.post = PoolStatus.IN_POOL, None, "", None
    cadre.outcome_note = _("Outcome withdrawn: %(reason)s") % {"reason": reason}
    cadre.save(update_fields=["status", "outcome_on", "outcome_title", "outcome_note", "post", "updated_at"])
    record_change(cadre, ChangeRecord.Action.UPDATE, before=before, message="outcome withdrawn")
    return cadre


# --- two-way cultivation ----------------------------------------------------------------------------------------

def _is_member(person: Person) -> bool:
    return person.stage == Stage.MEMBER or Member.objects.filter(person=person, status="active").exists()


@transaction.atomic
def cultivation_start(*, user, organization: Organization, person: Person, track: str, started_on: datetime.date,
                      mentor: str = "", goal: str = "") -> Cultivation:
    """A person of the village put on a track of two-way cultivation."""
    village = _village(organization, user)
    person = _person_of(person, village, user)
    if track not in Track.values:
        refuse(_("Choose the track."), field="track")
    _day(started_on, "started_on")
    member = _is_member(person)
    if track == Track.MEMBER and member:
        refuse(_("%(name)s is a member already: choose another track.") % {"name": person.name}, field="track")
    if track in (Track.CAPABLE, Track.CADRE) and not member:
        refuse(_("This track is for party members; %(name)s is not one.") % {"name": person.name}, field="track")
    if Cultivation.objects.filter(person=person, track=track, outcome=Outcome.ONGOING).exists():
        refuse(_("%(name)s is on this track already.") % {"name": person.name}, field="track")
    row = Cultivation.objects.create(person=person, organization=village, org_path=village.path, track=track,
                                     started_on=started_on, mentor=_text(mentor, "mentor")[:50],
                                     goal=_text(goal, "goal"), created_by=user_or_none(user))
    record_change(row, ChangeRecord.Action.CREATE)
    return row


def _locked_cultivation(cultivation: Cultivation, user) -> Cultivation:
    row = Cultivation.objects.select_for_update(of=("self",)).select_related("person").get(pk=cultivation.pk)
    require_in_scope(user, row.org_path, realm="org")
    return row


@transaction.atomic
def step_add(*, user, cultivation: Cultivation, done_on: datetime.date, what: str) -> CultivationStep:
    row = _locked_cultivation(cultivation, user)
    if row.outcome != Outcome.ONGOING:
        refuse(_("The cultivation is closed: withdraw its outcome first."))
    _day(done_on, "done_on")
    if done_on < row.started_on:
        refuse(_("A step comes after the start (%(date)s).") % {"date": row.started_on.isoformat()}, field="done_on")
    what = _text(what, "what", required=True, what=_("Say what was done."))
    step = CultivationStep.objects.create(cultivation=row, org_path=row.org_path, done_on=done_on, what=what)
    record_change(step, ChangeRecord.Action.CREATE)
    return step


@transaction.atomic
def cultivation_close(*, user, cultivation: Cultivation, outcome: str, on: datetime.date,
                      note: str = "") -> Cultivation:
    """The cultivation's outcome: achieved (made a member, made capable, made a cadre) or stopped."""
    row = _locked_cultivation(cultivation, user)
    if row.outcome != Outcome.ONGOING:
        refuse(_("The cultivation has its outcome already."))
    if outcome not in (Outcome.ACHIEVED, Outcome.STOPPED):
        refuse(_("Choose achieved or stopped."), field="outcome")
    _day(on, "on")
    if on < row.started_on:
        refuse(_("The outcome comes after the start (%(date)s).") % {"date": row.started_on.isoformat()}, field="on")
    note = _text(note, "note", required=outcome == Outcome.STOPPED, what=_("Say why the cultivation stopped."))
    before = snapshot(row)
    row.outcome, row.outcome_on, row.outcome_note = outcome, on, note
    row.save(update_fields=["outcome", "outcome_on", "outcome_note", "updated_at"])
    record_change(row, ChangeRecord.Action.UPDATE, before=before)
    return row


@transaction.atomic
def cultivation_reopen(*, user, cultivation: Cultivation) -> Cultivation:
    """Withdraws an outcome recorded by mistake: the cultivation is under way again."""
    row = _locked_cultivation(cultivation, user)
    if row.outcome == Outcome.ONGOING:
        refuse(_("The cultivation is under way: there is no outcome to withdraw."))
    if Cultivation.objects.filter(person=row.person, track=row.track, outcome=Outcome.ONGOING).exists():
        refuse(_("%(name)s is on this track again already.") % {"name": row.person.name})
    before = snapshot(row)
    row.outcome, row.outcome_on, row.outcome_note = Outcome.ONGOING, None, ""
    row.save(update_fields=["outcome", "outcome_on", "outcome_note", "updated_at"])
    record_change(row, ChangeRecord.Action.UPDATE, before=before)
    return row


# --- posts for members without office (设岗定责) ------------------------------------------------------------------

@transaction.atomic
def duty_post_create(*, user, organization: Organization, name: str, duties: str = "") -> MemberDutyPost:
    organization = Organization.objects.get(pk=organization.pk)
    require_in_scope(user, organization.path, realm="org")
    if not organization.is_active or organization.org_type not in (OrgType.BRANCH, OrgType.GENERAL_BRANCH):
        refuse(_("Posts for members without office are set up in an active branch."), field="organization")
    name = _text(name, "name", required=True, what=_("Name the post."))[:60]
    if MemberDutyPost.objects.filter(organization=organization, name=name, ended_on=None).exists():
        refuse(_("The branch has a post of that name already."), field="name")
    post = MemberDutyPost.objects.create(organization=organization, org_path=organization.path, name=name,
                                         duties=_text(duties, "duties"))
    record_change(post, ChangeRecord.Action.CREATE)
    return post


@transaction.atomic
def duty_post_end(*, user, post: MemberDutyPost, on: datetime.date) -> MemberDutyPost:
    post = MemberDutyPost.objects.select_for_update().get(pk=post.pk)
    require_in_scope(user, post.org_path, realm="org")
    if post.ended_on is not None:
        refuse(_("The post is discontinued already."))
    _day(on, "on")
    before = snapshot(post)
    post.ended_on = on
    post.save(update_fields=["ended_on", "updated_at"])
    record_change(post, ChangeRecord.Action.UPDATE, before=before)
    return post


@transaction.atomic
def assign(*, user, post: MemberDutyPost, person: Person, year: int) -> DutyPostAssignment:
    """A member without office takes a post for the year."""
    post = MemberDutyPost.objects.select_related("organization").get(pk=post.pk)
    require_in_scope(user, post.org_path, realm="org")
    if post.ended_on is not None:
        refuse(_("The post is discontinued."), field="post")
    if year is None or not 2000 <= year <= clock.today().year + 1:
        refuse(_("Choose this year or the next."), field="year")
    person = _person_of(person, post.organization, user)
    member = Member.objects.filter(person=person, status="active").first()
    if member is None:
        refuse(_("%(name)s is not a party member in good standing.") % {"name": person.name}, field="person")
    if member.holds_post:
        refuse(_("%(name)s holds an office: these posts are for members without office.") % {"name": person.name},
               field="person")
    if DutyPostAssignment.objects.filter(post=post, person=person, year=year).exists():
        refuse(_("%(name)s holds this post in %(year)s already.") % {"name": person.name, "year": year},
               field="person")
    row = DutyPostAssignment.objects.create(post=post, person=person, org_path=post.org_path, year=year)
    record_change(row, ChangeRecord.Action.CREATE)
    return row


@transaction.atomic
def review(*, user, assignment: DutyPostAssignment, rating: str, note: str = "",
           on: datetime.date | None = None) -> DutyPostAssignment:
    """The year's review of a member in a post."""
    row = DutyPostAssignment.objects.select_for_update().get(pk=assignment.pk)
    require_in_scope(user, row.org_path, realm="org")
    if rating not in Rating.values:
        refuse(_("Choose the review."), field="rating")
    before = snapshot(row)
    row.rating, row.review_note, row.reviewed_on = rating, _text(note, "note"), on or clock.today()
    row.save(update_fields=["rating", "review_note", "reviewed_on", "updated_at"])
    record_change(row, ChangeRecord.Action.UPDATE, before=before)
    return row


@transaction.atomic
def unassign(*, user, assignment: DutyPostAssignment) -> None:
    row = DutyPostAssignment.objects.select_for_update().get(pk=assignment.pk)
    require_in_scope(user, row.org_path, realm="org")
    record_change(row, ChangeRecord.Action.DELETE)
    row.delete()

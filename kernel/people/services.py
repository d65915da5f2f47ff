"""Writes to the people registry. Each runs atomically, checks scope, keeps counters and records the change."""
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.dispatch import Signal
from django.utils.translation import gettext as _

from kernel.core import clock, idcard
from kernel.core.changelog import record_change, snapshot
from kernel.core.models import ChangeRecord
from kernel.core.services import refuse, require_in_scope
from kernel.core.text import pinyin_initials, simplified
from kernel.orgs.counters import adjust_ancestors
from kernel.orgs.models import Organization

from .choices import MemberCategory, MemberStatus, Stage
from .models import Member, Person, Post

PERSON_FIELDS = ("name", "gender", "ethnicity", "birth_date", "id_number", "education", "occupation", "phone", "stage")
# Sent after a member's status or category changed through member_update (the form, the API, an import):
# ``member``, ``user``, ``changes`` {field: (before, after)}. The standing rules record what came another way.
member_standing_changed = Signal()
# Sent by a bulk import (tools.dataio) after it wrote memberships set-based, bypassing member_update: ``user`` and
# ``rows``, a list of (member id, person id, org_path, joined_on, full_on, category before, category after, status
# before, status after, status_changed_on), one per member the import registered (before: "") or whose status or
# category it changed. The standing rules record them in bulk (mechanisms.membership).
members_imported = Signal()
# Sent when an organization's committee changed at a term change (换届), e.g. an election's result taking office:
# ``organization``, ``on`` (the day the new committee took office), ``user``, ``before`` and ``after`` (the posts held
# before the change and after it, each with ``title`` and ``person``), ``how`` (``assembly``, ``congress``,
# ``appointed``) and ``decision`` (what decided it, as text). The terms register (mechanisms.terms) records it.
organization_term_changed = Signal()

MEMBER_FIELDS = ("category", "applied_on", "joined_on", "full_on", "no_post_class")
# Changed through the standing rules (mechanisms.membership), not the membership form.
STANDING_FIELDS = ("lost_contact_on", "kept_since", "kept_until")


def validate_person_fields(data: dict) -> dict:
    """Checks the ID number and derives or cross-checks birth date and gender. Returns the cleaned values."""
    errors: dict[str, list[str]] = {}
    number = idcard.normalize(data.get("id_number") or "")
    data["id_number"] = number or None
    if number:
        try:
            birth, gender = idcard.parse(number)
        except ValidationError as exc:
            errors.setdefault("id_number", []).extend(exc.messages)
        else:
            if data.get("birth_date") and data["birth_date"] != birth:
                errors.setdefault("birth_date", []).append(
                    _("The birth date does not match the ID number (%(date)s).") % {"date": birth.isoformat()})
            if data.get("gender") and data["gender"] != gender:
                errors.setdefault("gender", []).append(_("The gender does not match the ID number."))
            data.setdefault("birth_date", birth)
            data["birth_date"] = data["birth_date"] or birth
            data["gender"] = data.get("gender") or gender
    if not (data.get("name") or "").strip():
        errors.setdefault("name", []).append(_("A name is required."))
    if not data.get("gender") and not number:
        errors.setdefault("gender", []).append(_("Gender is required when there is no ID number."))
    if errors:
        raise ValidationError(errors)
    data["name"] = data["name"].strip()
    return data


def validate_member_dates(*, birth_date, applied_on, joined_on, full_on, category) -> None:
    errors: dict[str, list[str]] = {}
    ordered = [("birth_date", birth_date), ("applied_on", applied_on), ("joined_on", joined_on), ("full_on", full_on)]
    present = [(k, v) for k, v in ordered if v]
    for (_k1, v1), (k2, v2) in zip(present, present[1:]):
        if not v1 < v2:
            errors.setdefault(k2, []).append(_("Dates must follow in order: born, applied, joined, full member."))
    if joined_on and joined_on > clock.today():
        errors.setdefault("joined_on", []).append(_("The joining date lies in the future."))
    if category == MemberCategory.FULL and not full_on:
        errors.setdefault("full_on", []).append(_("A full member needs the date of full membership."))
    if category == MemberCategory.PROBATIONARY and full_on:
        errors.setdefault("full_on", []).append(_("A probationary member has no date of full membership yet."))
    if errors:
        raise ValidationError(errors)


def _check_id_unique(number, exclude_pk=None):
    if number and Person.objects.filter(id_number=number).exclude(pk=exclude_pk).exists():
        refuse(_("Another person already has this ID number."), field="id_number")


def _search_keys(person: Person) -> None:
    person.name_search = simplified(person.name)[:50]
    person.name_initials = pinyin_initials(person.name)[:30]


@transaction.atomic
def person_create(*, user, organization: Organization, **fields) -> Person:
    organization = Organization.objects.get(pk=organization.pk)  # its current path and status
    require_in_scope(user, organization.path, realm="people")
    if not organization.is_active:
        refuse(_("The organization is no longer active."), field="organization")
    data = validate_person_fields({k: fields.get(k) for k in PERSON_FIELDS if k in fields})
    _check_id_unique(data.get("id_number"))
    person = Person(organization=organization, org_path=organization.path,
                    **{k: v for k, v in data.items() if v is not None or k in ("id_number", "birth_date")})
    for name in ("education", "occupation", "phone"):
        if getattr(person, name) is None:
            setattr(person, name, "")
    _search_keys(person)
    person.save()
    record_change(person, ChangeRecord.Action.CREATE)
    return person


# Rules other apps keep about how a person's standing changes (development: admission and conversion only
# through the person's open 发展党员 case). ``check(person_ids, fields) -> {person id: reason}`` names the people
# among ``person_ids`` whose ``fields`` ("membership" for a new one, "category", "joined_on", "applied_on",
# "full_on", "status", "stage") may not be written here; every service below and the member import ask.
MEMBERSHIP_FIELDS = frozenset({"membership", "category", "joined_on", "applied_on", "full_on", "status", "stage"})
_MEMBERSHIP_CHECKS: list = []


def register_membership_check(check) -> None:
    if check not in _MEMBERSHIP_CHECKS:
        _MEMBERSHIP_CHECKS.append(check)


def membership_refusals(person_ids, fields) -> dict[int, str]:
    """{person id: reason} for the people whose ``fields`` another app's rule keeps from being written."""
    fields = set(fields) & MEMBERSHIP_FIELDS
    refusals: dict[int, str] = {}
    ids = [pk for pk in person_ids if pk is not None]
    if not fields or not ids:
        return refusals
    for check in _MEMBERSHIP_CHECKS:
        for pk, reason in check(ids, fields).items():
            refusals.setdefault(pk, reason)
    return refusals


def _check_membership(person, fields) -> None:
    reason = membership_refusals([person.pk], fields).get(person.pk)
    if reason:
        refuse(reason)


@transaction.atomic
def person_update(*, user, person: Person, **fields) -> Person:
    person = Person.objects.select_for_update().get(pk=person.pk)
    require_in_scope(user, person.org_path, realm="people")
    before = snapshot(person)
    current = {k: getattr(person, k) for k in PERSON_FIELDS}
    current.update({k: v for k, v in fields.items() if k in PERSON_FIELDS})
    data = validate_person_fields(current)
    _check_id_unique(data.get("id_number"), exclude_pk=person.pk)
    for k, v in data.items():
        setattr(person, k, "" if v is None and k not in ("id_number", "birth_date") else v)
    if person.stage != before.get("stage"):
        _check_membership(person, {"stage"})
    if hasattr(person, "membership"):
        m = person.membership
        if m.status == MemberStatus.ACTIVE and person.stage != Stage.MEMBER:
            refuse(_("A party member in good standing stays at the member stage."), field="stage")
        validate_member_dates(birth_date=person.birth_date, applied_on=m.applied_on, joined_on=m.joined_on,
                              full_on=m.full_on, category=m.category)
    _search_keys(person)
    person.save()
    record_change(person, ChangeRecord.Action.UPDATE, before=before)
    return person


@transaction.atomic
def member_create(*, user, person: Person, category: str, joined_on: datetime.date,
                  applied_on: datetime.date | None = None, full_on: datetime.date | None = None,
                  no_post_class: str = "", status: str = MemberStatus.ACTIVE) -> Member:
    person = Person.objects.select_for_update().get(pk=person.pk)
    require_in_scope(user, person.org_path, realm="people")
    if Member.objects.filter(person=person).exists():
        refuse(_("This person is already registered as a party member."))
    _check_membership(person, {"membership"})
    validate_member_dates(birth_date=person.birth_date, applied_on=applied_on, joined_on=joined_on,
                          full_on=full_on, category=category)
    member = Member.objects.create(
        person=person, org_path=person.org_path, category=category, applied_on=applied_on,
        joined_on=joined_on, full_on=full_on, status=status, no_post_class=no_post_class,
        holds_post=Post.objects.filter(person=person).current().exists(),
    )
    Person.objects.filter(pk=person.pk).update(stage=Stage.MEMBER)
    if status == MemberStatus.ACTIVE:
        _count_member(person.organization, +1)
    record_change(member, ChangeRecord.Action.CREATE)
    return member


def _count_member(org: Organization, delta: int) -> None:
    Organization.objects.filter(pk=org.pk).update(member_count=F("member_count") + delta)
    adjust_ancestors(org.path, members=delta)


@transaction.atomic
def member_update(*, user, member: Member, **fields) -> Member:
    member = Member.objects.select_for_update().select_related("person__organization").get(pk=member.pk)
    require_in_scope(user, member.org_path, realm="people")
    before = snapshot(member)
    for k, v in fields.items():
        if k not in (*MEMBER_FIELDS, *STANDING_FIELDS, "status", "status_changed_on"):
            raise TypeError(f"not editable: {k}")
        setattr(member, k, v)
    _check_membership(member.person, {k for k in fields if getattr(member, k) != before.get(k)})
    validate_member_dates(birth_date=member.person.birth_date, applied_on=member.applied_on,
                          joined_on=member.joined_on, full_on=member.full_on, category=member.category)
    if member.status != before["status"] and "status_changed_on" not in fields:
        member.status_changed_on = clock.today()
    was_active = before["status"] == MemberStatus.ACTIVE
    now_active = member.status == MemberStatus.ACTIVE
    if was_active != now_active:
        _count_member(member.person.organization, +1 if now_active else -1)
    member.save()
    record_change(member, ChangeRecord.Action.UPDATE, before=before)
    changed = {k: (before.get(k), getattr(member, k)) for k in ("status", "category")
               if before.get(k) != getattr(member, k)}
    if changed:
        member_standing_changed.send(sender=Member, member=member, user=user, changes=changed)
    return member


@transaction.atomic
def person_transfer(*, user, person: Person, organization: Organization) -> Person:
    """Moves a person's record (and membership) to another organization, both within the user's scope."""
    person = Person.objects.select_for_update().select_related("organization").get(pk=person.pk)
    organization = Organization.objects.get(pk=organization.pk)
    require_in_scope(user, person.org_path, realm="people")
    require_in_scope(user, organization.path, realm="people")
    if not organization.is_active:
        refuse(_("The organization is no longer active."), field="organization")
    before = snapshot(person)
    old = person.organization
    person.organization, person.org_path = organization, organization.path
    person.save(update_fields=["organization", "org_path", "updated_at"])
    member = Member.objects.filter(person=person).first()
    if member:
        Member.objects.filter(pk=member.pk).update(org_path=organization.path)
        if member.status == MemberStatus.ACTIVE:
            _count_member(old, -1)
            _count_member(organization, +1)
    record_change(person, ChangeRecord.Action.MOVE, before=before,
                  message=_("Transferred from %(old)s to %(new)s") % {"old": old.name, "new": organization.name})
    return person


def refresh_holds_post(person_ids) -> None:
    """Sets 任职 on members from their current posts, set-based."""
    current = Post.objects.current().filter(person_id=OuterRef("person_id"))
    Member.objects.filter(person_id__in=person_ids).update(holds_post=Exists(current))


@transaction.atomic
def post_create(*, user, person: Person, organization: Organization, title: str,
                started_on: datetime.date | None = None, ended_on: datetime.date | None = None) -> Post:
    person = Person.objects.get(pk=person.pk)
    organization = Organization.objects.get(pk=organization.pk)
    require_in_scope(user, organization.path, realm="people")
    require_in_scope(user, person.org_path, realm="people", action="view")
    if not organization.is_active:
        refuse(_("The organization is no longer active."), field="organization")
    if started_on and ended_on and ended_on <= started_on:
        refuse(_("A post ends after it starts."), field="ended_on")
    post = Post.objects.create(person=person, organization=organization, org_path=organization.path,
                               title=title, started_on=started_on, ended_on=ended_on)
    refresh_holds_post([person.pk])
    record_change(post, ChangeRecord.Action.CREATE)
    return post


@transaction.atomic
def post_end(*, user, post: Post, ended_on: datetime.date | None = None) -> Post:
    post = Post.objects.select_for_update().get(pk=post.pk)
    require_in_scope(user, post.org_path, realm="people")
    before = snapshot(post)
    ended_on = ended_on or clock.today()
    if post.started_on and ended_on <= post.started_on:
        refuse(_("A post ends after it starts."), field="ended_on")
    post.ended_on = ended_on
    post.save(update_fields=["ended_on", "updated_at"])
    refresh_holds_post([post.person_id])
    record_change(post, ChangeRecord.Action.UPDATE, before=before)
    return post

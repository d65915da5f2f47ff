"""The people registry's services: validation, posts and 任职, counters, search keys and scope."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kernel.core import idcard
from kernel.core.models import ChangeRecord
from kernel.orgs.models import Organization
from kernel.orgs.services import org_create
from kernel.people.models import Member, Person, Post
from kernel.people.restructure import org_dissolve, org_merge
from kernel.people.selectors import member_list, person_search
from kernel.people.services import (
    member_create,
    member_update,
    person_create,
    person_transfer,
    person_update,
    post_create,
    post_end,
)
from tests.kit import county_built_once

county, users = county_built_once()

BIRTH = datetime.date(1985, 5, 20)
ID_MALE = idcard.make("430581", BIRTH, 7, "male")
TODAY = datetime.date.today()


def field_errors(exc_info) -> dict:
    return exc_info.value.message_dict


def counts(org):
    org.refresh_from_db()
    return org.member_count, org.subtree_member_count


def new_person(org, user=None, **fields):
    fields.setdefault("name", "赵六")
    return person_create(user=user, organization=org, **fields)


# --- validation -----------------------------------------------------------------------------------------------

def test_birth_date_and_gender_are_taken_from_the_id_number(county):
    person = new_person(county.village_a1, id_number=ID_MALE.lower()[:17] + ID_MALE[17].lower())
    assert (person.birth_date, person.gender, person.id_number) == (BIRTH, "male", ID_MALE)


def test_an_id_number_with_a_wrong_check_digit_is_an_error_on_that_field(county):
    wrong = ID_MALE[:17] + ("0" if ID_MALE[17] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        new_person(county.village_a1, id_number=wrong)
    assert list(field_errors(exc)) == ["id_number"]
    assert not Person.objects.filter(name="赵六").exists()


def test_entered_birth_date_and_gender_must_match_the_id_number(county):
    with pytest.raises(ValidationError) as exc:
        new_person(county.village_a1, id_number=ID_MALE, birth_date=datetime.date(1985, 5, 21), gender="female")
    errors = field_errors(exc)
    assert set(errors) == {"birth_date", "gender"}
    assert "1985-05-20" in errors["birth_date"][0]


def test_without_an_id_number_gender_is_required(county):
    with pytest.raises(ValidationError) as exc:
        new_person(county.village_a1, birth_date=BIRTH)
    assert set(field_errors(exc)) == {"gender"}
    assert new_person(county.village_a1, gender="female").id_number is None


def test_a_name_is_required(county):
    with pytest.raises(ValidationError) as exc:
        new_person(county.village_a1, name="  ", gender="male")
    assert set(field_errors(exc)) == {"name"}


def test_two_people_cannot_share_an_id_number(county):
    taken = county.people["zhangsan"].id_number
    with pytest.raises(ValidationError) as exc:
        new_person(county.village_b1, id_number=taken)
    assert set(field_errors(exc)) == {"id_number"}
    other = new_person(county.village_b1, id_number=ID_MALE)
    with pytest.raises(ValidationError) as exc:
        person_update(user=None, person=other, id_number=taken, birth_date=datetime.date(1980, 1, 1))
    assert set(field_errors(exc)) == {"id_number"}


def test_the_database_itself_refuses_a_second_person_with_an_id_number(county):
    """The services check first; the unique constraint holds for writes that bypass them (the bulk import)."""
    from django.db import IntegrityError, transaction

    original = county.people["zhangsan"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(name="重复", gender="male", id_number=original.id_number,
                              organization=original.organization, org_path=original.org_path)
    Person.objects.create(name="无号甲", gender="male", id_number=None, organization=original.organization,
                          org_path=original.org_path)
    Person.objects.create(name="无号乙", gender="male", id_number=None, organization=original.organization,
                          org_path=original.org_path)  # people without an ID number are not duplicates


def test_updating_the_id_number_cross_checks_the_kept_birth_date(county):
    person = county.people["zhangsan"]  # born 1980-01-01
    with pytest.raises(ValidationError) as exc:
        person_update(user=None, person=person, id_number=ID_MALE)
    assert set(field_errors(exc)) == {"birth_date"}
    person_update(user=None, person=person, id_number=ID_MALE, birth_date=BIRTH)
    person.refresh_from_db()
    assert person.birth_date == BIRTH


@pytest.mark.parametrize("dates, bad_field", [
    ({"applied_on": datetime.date(1984, 1, 1)}, "applied_on"),  # applied before birth
    ({"applied_on": datetime.date(2010, 1, 1), "joined_on": datetime.date(2009, 1, 1)}, "joined_on"),
    ({"applied_on": datetime.date(2010, 1, 1), "joined_on": datetime.date(2010, 1, 1)}, "joined_on"),
    ({"full_on": datetime.date(2010, 6, 1)}, "full_on"),  # full before joining
    ({"joined_on": TODAY + datetime.timedelta(days=1), "full_on": None, "category": "probationary"}, "joined_on"),
    ({"full_on": None}, "full_on"),  # a full member without the date
    ({"category": "probationary"}, "full_on"),  # a probationary member with a full date
])
def test_membership_dates_follow_in_order_and_match_the_category(county, dates, bad_field):
    person = new_person(county.village_a1, id_number=ID_MALE)
    fields = {"category": "full", "applied_on": datetime.date(2009, 1, 1), "joined_on": datetime.date(2010, 7, 1),
              "full_on": datetime.date(2011, 7, 1), **dates}
    with pytest.raises(ValidationError) as exc:
        member_create(user=None, person=person, **fields)
    assert bad_field in field_errors(exc)
    assert not Member.objects.filter(person=person).exists()
    assert counts(county.village_a1) == (2, 2)


def test_a_probationary_member_then_becomes_full(county):
    person = new_person(county.village_a1, id_number=ID_MALE)
    member = member_create(user=None, person=person, category="probationary", applied_on=datetime.date(2023, 1, 1),
                           joined_on=datetime.date(2024, 3, 1))
    person.refresh_from_db()
    assert person.stage == "member"
    with pytest.raises(ValidationError) as exc:
        member_update(user=None, member=member, category="full")
    assert set(field_errors(exc)) == {"full_on"}
    member_update(user=None, member=member, category="full", full_on=datetime.date(2025, 3, 1))
    member.refresh_from_db()
    assert (member.category, member.full_on) == ("full", datetime.date(2025, 3, 1))


def test_a_person_is_registered_as_a_member_once(county):
    with pytest.raises(ValidationError):
        member_create(user=None, person=county.people["zhangsan"], category="full",
                      joined_on=datetime.date(2005, 7, 1), full_on=datetime.date(2006, 7, 1))


def test_no_one_is_registered_in_an_organization_that_has_ended(county):
    empty = org_create(user=None, parent=county.township_b, code="B9", name="撤销支部", org_type="branch")
    org_dissolve(user=None, org=empty, on=datetime.date(2024, 1, 1))
    with pytest.raises(ValidationError) as exc:
        new_person(empty, id_number=ID_MALE)
    assert set(field_errors(exc)) == {"organization"}
    org_merge(user=None, source=county.village_a2, target=county.village_a1, on=datetime.date(2024, 1, 1))
    with pytest.raises(ValidationError):
        new_person(Organization.objects.get(code="A2"), id_number=ID_MALE)


# --- posts and 任职 -------------------------------------------------------------------------------------------

def holds_post(person):
    return Member.objects.get(person=person).holds_post


def test_holding_a_post_follows_the_posts(county):
    person = county.people["zhangsan"]
    assert not holds_post(person)
    assert Member.objects.get(person=person).classification == "farming"
    post = post_create(user=None, person=person, organization=county.village_a1, title="secretary",
                       started_on=datetime.date(2021, 1, 1))
    assert holds_post(person)
    assert Member.objects.get(person=person).classification == "office"
    post_end(user=None, post=post, ended_on=datetime.date(2024, 1, 1))
    assert not holds_post(person)
    assert Member.objects.get(person=person).classification == "farming"


def test_one_person_in_two_posts_holds_a_post_until_both_end(county):
    person = county.people["zhangsan"]
    secretary = post_create(user=None, person=person, organization=county.village_a1, title="secretary",
                            started_on=datetime.date(2021, 1, 1))
    director = post_create(user=None, person=person, organization=county.village_a1, title="village_director",
                           started_on=datetime.date(2021, 3, 1))
    assert Post.objects.filter(person=person).current().count() == 2
    post_end(user=None, post=secretary)
    assert holds_post(person)
    post_end(user=None, post=director)
    assert not holds_post(person)


def test_a_post_that_starts_later_is_not_held_yet(county):
    person = county.people["zhangsan"]
    post_create(user=None, person=person, organization=county.village_a1, title="secretary",
                started_on=TODAY + datetime.timedelta(days=30))
    assert not holds_post(person)
    with pytest.raises(ValidationError) as exc:
        post_create(user=None, person=person, organization=county.village_a1, title="secretary",
                    started_on=datetime.date(2021, 1, 1), ended_on=datetime.date(2020, 1, 1))
    assert set(field_errors(exc)) == {"ended_on"}


def test_a_member_registered_after_taking_a_post_holds_it(county):
    person = new_person(county.village_a1, id_number=ID_MALE)
    post_create(user=None, person=person, organization=county.village_a1, title="village_director")
    member = member_create(user=None, person=person, category="probationary", applied_on=datetime.date(2023, 1, 1),
                           joined_on=datetime.date(2024, 3, 1))
    assert member.holds_post


def test_posts_end_and_holding_follows_when_the_organization_is_merged(county):
    person = county.people["lisi"]
    post_create(user=None, person=person, organization=county.village_a2, title="secretary",
                started_on=datetime.date(2020, 1, 1))
    assert holds_post(person)
    org_merge(user=None, source=county.village_a2, target=county.village_a1, on=datetime.date(2024, 3, 1))
    assert not Post.objects.filter(person=person).current().exists()
    assert not holds_post(person)


def test_posts_end_and_holding_follows_when_the_organization_is_dissolved(county):
    empty = org_create(user=None, parent=county.township_a, code="A9", name="临时支部", org_type="branch")
    person = county.people["zhangsan"]
    post_create(user=None, person=person, organization=empty, title="secretary", started_on=datetime.date(2020, 1, 1))
    assert holds_post(person)
    org_dissolve(user=None, org=empty, on=datetime.date(2024, 3, 1))
    assert not holds_post(person)


# --- counters -------------------------------------------------------------------------------------------------

def test_a_transfer_moves_the_member_and_the_counters(county, users):
    person = county.people["zhangsan"]
    person_transfer(user=users["county"], person=person, organization=county.village_b1)
    person.refresh_from_db()
    assert person.organization_id == county.village_b1.pk
    assert Member.objects.get(person=person).org_path == county.village_b1.path
    assert counts(county.village_a1) == (1, 1)
    assert counts(county.township_a) == (0, 2)
    assert counts(county.village_b1) == (2, 2)
    assert counts(county.township_b) == (0, 2)
    assert counts(county.county) == (0, 4)


def test_a_status_change_updates_the_counters(county):
    member = Member.objects.get(person=county.people["zhangsan"])
    member_update(user=None, member=member, status="deceased")
    member.refresh_from_db()
    assert member.status_changed_on == TODAY
    assert counts(county.village_a1) == (1, 1)
    assert counts(county.township_a) == (0, 2)
    assert counts(county.county) == (0, 3)
    member_update(user=None, member=member, status="transferred_out")  # still not counted
    assert counts(county.county) == (0, 3)
    member_update(user=None, member=member, status="active")
    assert counts(county.village_a1) == (2, 2)
    assert counts(county.county) == (0, 4)


def test_transferring_someone_who_left_keeps_the_counters(county):
    member = Member.objects.get(person=county.people["zhangsan"])
    member_update(user=None, member=member, status="left")
    person_transfer(user=None, person=county.people["zhangsan"], organization=county.village_b1)
    assert counts(county.village_a1) == (1, 1)
    assert counts(county.village_b1) == (1, 1)


# --- search ---------------------------------------------------------------------------------------------------

def test_search_keys_are_simplified_characters_and_pinyin_initials(county, users):
    zhangsan, chen = county.people["zhangsan"], county.people["chen"]
    assert (zhangsan.name_search, zhangsan.name_initials) == ("张三", "zs")
    assert (chen.name_search, chen.name_initials) == ("陈小红", "cxh")
    assert list(person_search(user=users["county"], q="zs")) == [zhangsan]
    assert list(person_search(user=users["county"], q="ZS")) == [zhangsan]
    assert list(person_search(user=users["county"], q="张三")) == [zhangsan]
    assert list(person_search(user=users["county"], q="陈")) == [chen]
    assert list(person_search(user=users["county"], q="陳小")) == [chen]
    assert [m.person for m in member_list(user=users["county"], q="cx")] == [chen]


def test_search_keys_follow_a_rename(county):
    person_update(user=None, person=county.people["zhangsan"], name="張三豐")
    person = Person.objects.get(pk=county.people["zhangsan"].pk)
    assert (person.name_search, person.name_initials) == ("张三丰", "zsf")


def test_search_stays_inside_the_scope(county, users):
    assert list(person_search(user=users["township_b"], q="zs")) == []
    assert list(person_search(user=users["township_b"], q="ww")) == [county.people["wangwu"]]


# --- scope ----------------------------------------------------------------------------------------------------

def nothing_written_since(last_record_id):
    return not ChangeRecord.objects.filter(pk__gt=last_record_id).exists()


def test_a_township_cannot_write_into_its_sibling(county, users):
    user = users["township_a"]
    wangwu = county.people["wangwu"]
    last = ChangeRecord.objects.latest("id").pk
    people_before = Person.objects.count()
    with pytest.raises(PermissionDenied):
        new_person(county.village_b1, user=user, id_number=ID_MALE)
    with pytest.raises(PermissionDenied):
        person_update(user=user, person=wangwu, name="王五五")
    with pytest.raises(PermissionDenied):
        member_update(user=user, member=Member.objects.get(person=wangwu), status="deceased")
    with pytest.raises(PermissionDenied):
        person_transfer(user=user, person=county.people["zhangsan"], organization=county.village_b1)
    with pytest.raises(PermissionDenied):
        person_transfer(user=user, person=wangwu, organization=county.village_a1)
    with pytest.raises(PermissionDenied):
        post_create(user=user, person=county.people["zhangsan"], organization=county.village_b1, title="secretary")
    with pytest.raises(PermissionDenied):
        post_create(user=user, person=wangwu, organization=county.village_a1, title="secretary")
    assert Person.objects.count() == people_before
    wangwu.refresh_from_db()
    assert (wangwu.name, wangwu.organization_id) == ("王五", county.village_b1.pk)
    assert Member.objects.get(person=wangwu).status == "active"
    assert Person.objects.get(pk=county.people["zhangsan"].pk).organization_id == county.village_a1.pk
    assert not Post.objects.exists()
    assert counts(county.village_b1) == (1, 1) and counts(county.village_a1) == (2, 2)
    assert nothing_written_since(last)


@pytest.mark.parametrize("username", ["inspector", "leader", "member", "nobody"])
def test_read_only_roles_cannot_write(county, users, username):
    last = ChangeRecord.objects.latest("id").pk
    with pytest.raises(PermissionDenied):
        person_update(user=users[username], person=county.people["zhangsan"], phone="13900000000")
    with pytest.raises(PermissionDenied):
        new_person(county.village_a1, user=users[username], id_number=ID_MALE)
    assert Person.objects.get(pk=county.people["zhangsan"].pk).phone == "13800001234"
    assert nothing_written_since(last)


def test_a_branch_secretary_writes_in_the_own_branch(county, users):
    person = new_person(county.village_a1, user=users["branch_a1"], id_number=ID_MALE)
    member_create(user=users["branch_a1"], person=person, category="probationary",
                  applied_on=datetime.date(2023, 1, 1), joined_on=datetime.date(2024, 3, 1))
    assert counts(county.village_a1) == (3, 3)
    with pytest.raises(PermissionDenied):
        person_transfer(user=users["branch_a1"], person=person, organization=county.village_a2)


def test_the_status_date_follows_each_status_change(county):
    member = Member.objects.get(person=county.people["zhangsan"])
    member_update(user=None, member=member, status="transferred_out", status_changed_on=datetime.date(2020, 5, 1))
    member.refresh_from_db()
    assert member.status_changed_on == datetime.date(2020, 5, 1)
    member_update(user=None, member=member, status="active")  # came back: a new change, today unless told
    member.refresh_from_db()
    assert member.status_changed_on == TODAY
    member_update(user=None, member=member, status="left", status_changed_on=datetime.date(2024, 2, 1))
    member_update(user=None, member=member, status="deceased")  # from one inactive status to another
    member.refresh_from_db()
    assert member.status_changed_on == TODAY
    member_update(user=None, member=member, no_post_class="elderly")  # no status change: the date stays
    member.refresh_from_db()
    assert member.status_changed_on == TODAY


def test_a_member_in_good_standing_stays_at_the_member_stage(county):
    person = county.people["zhangsan"]
    assert person.stage == "member"
    with pytest.raises(ValidationError) as exc:
        person_update(user=None, person=person, stage="activist")
    assert set(field_errors(exc)) == {"stage"}
    assert Person.objects.get(pk=person.pk).stage == "member"
    applicant = new_person(county.village_a1, id_number=ID_MALE, stage="applicant")
    person_update(user=None, person=applicant, stage="activist")
    assert Person.objects.get(pk=applicant.pk).stage == "activist"

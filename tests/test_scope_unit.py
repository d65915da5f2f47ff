"""restrict(): what each role reaches, per realm and action, on the small two-township county."""
import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from kernel.accounts.models import Grant
from kernel.accounts.roles import CAPABILITIES, Role
from kernel.core.models import ChangeRecord
from kernel.core.scope import CHANGE, SENSITIVE, VIEW, scope_for
from kernel.orgs.models import Organization
from kernel.orgs.services import org_create
from kernel.people.models import Member, Person
from kernel.people.restructure import org_dissolve, org_merge
from tests.kit import county_built_once, make_user

# Tests here leave the county as they found it: it is built once for the module.
county, users = county_built_once()

ALL_ORGS = {"C", "TA", "TB", "A1", "A2", "B1"}
TOWNSHIP_A = {"TA", "A1", "A2"}
ALL_PEOPLE = {"张三", "陳小紅", "李四", "王五"}
PEOPLE_A = {"张三", "陳小紅", "李四"}

# role -> (user fixture, orgs seen, orgs changeable, people seen, people changeable, people unmasked)
EXPECTED = {
    Role.COUNTY_ADMIN: ("county", ALL_ORGS, ALL_ORGS, ALL_PEOPLE, ALL_PEOPLE, ALL_PEOPLE),
    Role.TOWNSHIP_ADMIN: ("township_a", TOWNSHIP_A, TOWNSHIP_A, PEOPLE_A, PEOPLE_A, PEOPLE_A),
    Role.BRANCH_SECRETARY: ("branch_a1", {"A1"}, {"A1"}, {"张三", "陳小紅"}, {"张三", "陳小紅"}, {"张三", "陳小紅"}),
    Role.INSPECTOR: ("inspector", TOWNSHIP_A, set(), PEOPLE_A, set(), set()),
    Role.LEADER: ("leader", ALL_ORGS, set(), ALL_PEOPLE, set(), set()),
    Role.MEMBER: ("member", {"A1"}, set(), {"张三"}, set(), {"张三"}),
}


def org_codes(user, action=VIEW):
    return set(Organization.objects.restrict(user, action).values_list("code", flat=True))


def people(user, action=VIEW):
    return set(Person.objects.restrict(user, action).values_list("name", flat=True))


def member_names(user, action=VIEW):
    return set(Member.objects.restrict(user, action).values_list("person__name", flat=True))


def test_every_role_has_an_expectation():
    assert set(EXPECTED) == set(CAPABILITIES) == set(Role)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_reaches_its_subtree_and_no_further(county, users, role):
    username, orgs_seen, orgs_changed, people_seen, people_changed, unmasked = EXPECTED[role]
    user = users[username]
    assert org_codes(user, VIEW) == orgs_seen
    assert org_codes(user, CHANGE) == orgs_changed
    assert people(user, VIEW) == people_seen
    assert member_names(user, VIEW) == people_seen
    assert people(user, CHANGE) == people_changed
    assert people(user, SENSITIVE) == unmasked
    assert member_names(user, SENSITIVE) == unmasked


def test_capabilities_agree_with_the_table():
    for role, caps in CAPABILITIES.items():
        _username, _orgs, orgs_changed, people_seen, people_changed, unmasked = EXPECTED[role]
        assert bool(orgs_changed) == caps.change
        assert bool(people_changed) == caps.change
        assert bool(unmasked) == (caps.sensitive or role == Role.MEMBER)  # a member sees their own data
        assert (people_seen != {"张三"}) == caps.see_people


def test_superuser_sees_everything(county, users):
    admin = users["admin"]
    for action in (VIEW, CHANGE, SENSITIVE):
        assert org_codes(admin, action) == ALL_ORGS
        assert people(admin, action) == ALL_PEOPLE


@pytest.mark.parametrize("action", [VIEW, CHANGE, SENSITIVE])
def test_a_user_without_grants_sees_nothing(county, users, action):
    assert org_codes(users["nobody"], action) == set()
    assert people(users["nobody"], action) == set()
    assert not ChangeRecord.objects.restrict(users["nobody"], action).exists()


@pytest.mark.parametrize("who", [None, AnonymousUser()])
def test_no_user_sees_nothing(county, who):
    assert org_codes(who) == set()
    assert people(who) == set()
    assert scope_for(who).is_empty()


def test_an_inactive_user_sees_nothing(county, users):
    User = get_user_model()
    User.objects.filter(pk=users["county"].pk).update(is_active=False)
    disabled = User.objects.get(pk=users["county"].pk)
    assert org_codes(disabled) == set()
    assert people(disabled) == set()
    superuser = User.objects.get(pk=users["admin"].pk)
    superuser.is_active = False
    assert org_codes(superuser) == set()


def test_grants_add_up(county):
    user = make_user("two_hats", "township_admin", county.township_a)
    Grant.objects.create(user=user, role="inspector", organization=county.village_b1)
    user = get_user_model().objects.get(pk=user.pk)
    assert org_codes(user) == TOWNSHIP_A | {"B1"}
    assert org_codes(user, CHANGE) == TOWNSHIP_A
    assert people(user) == ALL_PEOPLE
    assert people(user, CHANGE) == PEOPLE_A
    assert people(user, SENSITIVE) == PEOPLE_A


def test_a_grant_on_a_dissolved_organization_gives_nothing(county, users):
    empty = org_create(user=None, parent=county.township_b, code="B9", name="撤销支部", org_type="branch")
    secretary = make_user("secretary_b9", "branch_secretary", empty)
    org_dissolve(user=None, org=empty, on=datetime.date(2024, 1, 1))
    secretary = get_user_model().objects.get(pk=secretary.pk)
    for action in (VIEW, CHANGE, SENSITIVE):
        assert org_codes(secretary, action) == set()
        assert people(secretary, action) == set()


def test_a_grant_on_a_merged_organization_gives_nothing(county):
    secretary = make_user("secretary_a2", "branch_secretary", county.village_a2)
    org_merge(user=None, source=county.village_a2, target=county.village_a1, on=datetime.date(2024, 1, 1))
    secretary = get_user_model().objects.get(pk=secretary.pk)
    assert org_codes(secretary) == set()
    assert people(secretary) == set()


def test_sibling_townships_do_not_see_each_other(county, users):
    assert org_codes(users["township_b"]) == {"TB", "B1"}
    assert people(users["township_b"]) == {"王五"}
    assert org_codes(users["township_a"]).isdisjoint(org_codes(users["township_b"]))


def test_change_log_is_personal_data_of_the_subtree(county, users):
    paths = set(ChangeRecord.objects.restrict(users["township_a"]).values_list("org_path", flat=True))
    assert paths and all(p.startswith(county.township_a.path) for p in paths)
    assert not ChangeRecord.objects.restrict(users["inspector"], CHANGE).exists()
    assert not ChangeRecord.objects.restrict(users["member"]).exists()  # no self field: the log is staff-only


def test_scope_covers_only_paths_inside_the_grants(county, users):
    scope = scope_for(users["township_a"])
    assert scope.covers(county.village_a1.path)
    assert scope.covers(county.township_a.path, realm="people", action=SENSITIVE)
    assert not scope.covers(county.county.path)
    assert not scope.covers(county.village_b1.path)
    assert not scope_for(users["inspector"]).covers(county.village_a1.path, action=CHANGE)

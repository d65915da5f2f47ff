"""Account services: who may create, change, grant and reset whom (accounts/roles.py), and what is recorded."""
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from kernel.accounts import selectors, services
from kernel.accounts.models import ApiToken, Grant, LoginFailure, Profile
from kernel.core.models import ChangeRecord
from tests.kit import county_built_once, make_user

county, users = county_built_once()

User = get_user_model()


def counts():
    return (User.objects.count(), Grant.objects.count(), Profile.objects.count(), ChangeRecord.objects.count())


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def refused(call, kind=(PermissionDenied, ValidationError)):
    """Runs ``call``, expects a refusal, and proves it wrote nothing."""
    before = counts()
    with pytest.raises(kind) as caught:
        call()
    assert counts() == before
    return caught.value


def create(actor, username="new", **fields):
    fields.setdefault("full_name", "新用户")
    return services.user_create(user=actor, username=username, **fields)


# --- creating ---------------------------------------------------------------------------------------------------

def test_an_admin_creates_an_account_with_a_one_time_password(users, county):
    account, secret = create(users["township_a"], home=county.village_a1, phone="13800000000", email="a@b.cn")
    assert account.check_password(secret) and len(secret) >= 12
    assert account.get_full_name() == "新用户"
    assert account.profile.must_change_password and account.profile.home_path == county.village_a1.path
    assert account.profile.created_by == users["township_a"]
    records = ChangeRecord.objects.filter(action="create", content_type__app_label__in=["auth", "accounts"])
    assert records.count() == 2
    assert all(r.org_path == county.village_a1.path for r in records)
    assert all("password" not in (r.after or {}) for r in records)
    assert secret not in str(list(records.values_list("after", flat=True)))


def test_a_given_password_is_checked_against_the_validators(users, county):
    error = refused(lambda: create(users["county"], home=county.county, password="123"))
    assert "password" in error.message_dict
    account, secret = create(users["county"], home=county.county, password="Long-enough-9")
    assert secret == "Long-enough-9" and account.profile.must_change_password


def test_usernames_are_unique_whatever_their_case_and_well_formed(users, county):
    error = refused(lambda: create(users["county"], username="TOWNSHIP_A", home=county.county))
    assert "already taken" in error.message_dict["username"][0]
    refused(lambda: create(users["county"], username="has space", home=county.county))


def test_the_home_defaults_to_the_persons_organization(users, county):
    lisi = county.people["lisi"]
    account, _secret = create(users["township_a"], person=lisi)
    assert account.profile.home == county.village_a2 and account.profile.person == lisi
    error = refused(lambda: create(users["township_a"], username="again", person=lisi))
    assert "already has an account" in str(error)


def test_a_township_admin_cannot_create_outside_its_township(users, county):
    refused(lambda: create(users["township_a"], home=county.village_b1), PermissionDenied)
    refused(lambda: create(users["township_a"], home=county.county), PermissionDenied)
    refused(lambda: create(users["township_a"], person=county.people["wangwu"]), PermissionDenied)
    refused(lambda: create(users["township_a"]), ValidationError)  # no home at all


@pytest.mark.parametrize("who", ["branch_a1", "inspector", "leader", "member", "nobody"])
def test_only_admins_manage_accounts(users, county, who):
    actor = users[who]
    refused(lambda: create(actor, home=county.village_a1), PermissionDenied)
    refused(lambda: services.password_reset(user=actor, target=users["member"]), PermissionDenied)
    refused(lambda: services.grant_add(user=actor, target=users["branch_a1" if who == "member" else "member"],
                                       role="member", organization=county.village_a1), PermissionDenied)
    assert not selectors.visible_users(actor).exists()
    assert not selectors.manageable_users(actor).exists()
    assert not selectors.visible_grants(actor).exists()


# --- who sees and manages whom ------------------------------------------------------------------------------------

def test_visible_and_manageable_accounts(users, county):
    both = make_user("both", "branch_secretary", county.village_a1)
    Grant.objects.create(user=both, role="member", organization=county.village_b1)
    visible = set(selectors.visible_users(users["township_a"]).values_list("username", flat=True))
    assert visible == {"township_a", "branch_a1", "inspector", "member", "both"}
    manageable = set(selectors.manageable_users(users["township_a"]).values_list("username", flat=True))
    assert manageable == visible - {"both"}
    assert "both" in set(selectors.manageable_users(users["county"]).values_list("username", flat=True))
    grants = selectors.visible_grants(users["township_a"])
    assert not grants.filter(organization=county.village_b1).exists()
    assert not selectors.visible_users(users["county"]).filter(username="admin").exists()
    assert selectors.visible_users(users["admin"]).filter(username="admin").exists()


def test_an_account_holding_a_higher_role_inside_the_township_is_not_manageable_by_it(users, county):
    boss = make_user("boss", "county_admin", county.township_a)
    assert selectors.visible_users(users["township_a"]).filter(pk=boss.pk).exists()
    assert not selectors.manageable_users(users["township_a"]).filter(pk=boss.pk).exists()
    refused(lambda: services.password_reset(user=users["township_a"], target=boss), PermissionDenied)


def test_an_account_without_grants_is_placed_by_its_home(users, county):
    account, _secret = create(users["county"], home=county.village_b1)
    assert not selectors.visible_users(users["township_a"]).filter(pk=account.pk).exists()
    assert selectors.manageable_users(users["township_b"]).filter(pk=account.pk).exists()


def test_home_paths_follow_a_move(users, county):
    from kernel.orgs.services import org_move

    account, _secret = create(users["county"], home=county.village_a2)
    org_move(user=None, org=county.village_a2, new_parent=county.township_b)
    account.profile.refresh_from_db()
    county.village_a2.refresh_from_db()
    assert account.profile.home_path == county.village_a2.path
    assert selectors.manageable_users(users["township_b"]).filter(pk=account.pk).exists()


# --- changing, deactivating, resetting ----------------------------------------------------------------------------

def test_update_records_before_and_after(users, county):
    target = users["branch_a1"]
    services.user_update(user=users["township_a"], target=target, full_name="陈书记", phone="13911112222")
    target.refresh_from_db()
    assert target.get_full_name() == "陈书记" and target.profile.phone == "13911112222"
    record = ChangeRecord.objects.filter(object_id=target.pk, action="update").order_by("-id").first()
    assert record.after == {"first_name": "陈书记"} and record.before == {"first_name": ""}


def test_update_outside_is_refused(users, county):
    refused(lambda: services.user_update(user=users["township_a"], target=users["township_b"], full_name="x"),
            PermissionDenied)


def test_deactivation_stops_sessions_and_tokens(client, users, county):
    target = users["branch_a1"]
    _token, secret = ApiToken.issue(target)
    client.force_login(target)
    assert client.get("/api/me").status_code == 200
    services.user_deactivate(user=users["township_a"], target=target)
    assert client.get("/api/me").status_code == 401
    assert client.get("/").status_code == 302
    assert ApiToken.user_for(secret) is None
    services.user_reactivate(user=users["township_a"], target=target)
    assert ApiToken.user_for(secret) is None  # revoked for good
    target.refresh_from_db()
    assert target.is_active


def test_nobody_deactivates_or_resets_themselves(users):
    refused(lambda: services.user_deactivate(user=users["township_a"], target=users["township_a"]))
    refused(lambda: services.password_reset(user=users["township_a"], target=users["township_a"]))


def test_reset_issues_a_one_time_password_and_lifts_the_lock_out(users, county):
    target = users["branch_a1"]
    LoginFailure.objects.create(username="branch_a1")
    secret = services.password_reset(user=users["township_a"], target=target)
    target.refresh_from_db()
    assert target.check_password(secret) and target.profile.must_change_password
    assert not LoginFailure.objects.filter(username="branch_a1").exists()
    record = ChangeRecord.objects.order_by("-id").first()
    assert "Password reset" in record.message and secret not in str(record.after)


def test_password_change(users):
    member = users["member"]
    error = refused(lambda: services.password_change(user=member, old_password="wrong", new_password="New-pass-42"),
                    ValidationError)
    assert "old_password" in error.message_dict
    refused(lambda: services.password_change(user=member, old_password="pass-Word-123", new_password="1234"),
            ValidationError)
    services.password_change(user=member, old_password="pass-Word-123", new_password="New-pass-42")
    member.refresh_from_db()
    assert member.check_password("New-pass-42") and not member.profile.must_change_password


# --- grants ---------------------------------------------------------------------------------------------------

def test_a_township_admin_grants_inside_its_township_up_to_its_own_rank(users, county):
    target = users["member"]
    for role in ("township_admin", "branch_secretary", "inspector", "leader"):
        grant = services.grant_add(user=users["township_a"], target=target, role=role, organization=county.village_a2)
        assert ChangeRecord.objects.filter(object_id=grant.pk, action="create", org_path=county.village_a2.path).exists()
    error = refused(lambda: services.grant_add(user=users["township_a"], target=target, role="county_admin",
                                               organization=county.village_a2), ValidationError)
    assert "ranks above" in str(error)
    refused(lambda: services.grant_add(user=users["township_a"], target=target, role="member",
                                       organization=county.county), PermissionDenied)
    refused(lambda: services.grant_add(user=users["township_a"], target=target, role="member",
                                       organization=county.village_b1), PermissionDenied)
    refused(lambda: services.grant_add(user=users["township_a"], target=users["township_b"], role="member",
                                       organization=county.village_a1), PermissionDenied)


def test_a_county_admin_may_grant_county_admin_inside_its_subtree(users, county):
    grant = services.grant_add(user=users["county"], target=users["member"], role="county_admin",
                               organization=county.township_a)
    assert grant.role == "county_admin"


def test_nobody_grants_themselves_anything(users, county):
    for who in ("township_a", "county"):
        refused(lambda who=who: services.grant_add(user=users[who], target=users[who], role="county_admin",
                                                   organization=county.village_a1), ValidationError)
    grant = users["township_a"].grants.get()
    refused(lambda: services.grant_revoke(user=users["township_a"], grant=grant), ValidationError)


def test_revoke_records_the_grant_and_is_refused_above_ones_rank(users, county):
    grant = Grant.objects.get(user=users["branch_a1"])
    services.grant_revoke(user=users["township_a"], grant=grant)
    assert not Grant.objects.filter(pk=grant.pk).exists()
    record = ChangeRecord.objects.get(object_id=grant.pk, action="delete", content_type__model="grant")
    assert record.before["role"] == "branch_secretary" and record.org_path == county.village_a1.path
    leader = Grant.objects.get(user=users["leader"])
    refused(lambda: services.grant_revoke(user=users["township_a"], grant=leader), PermissionDenied)
    duplicate = services.grant_add(user=users["township_a"], target=users["branch_a1"], role="member",
                                   organization=county.village_a1)
    refused(lambda: services.grant_add(user=users["township_a"], target=users["branch_a1"], role="member",
                                       organization=county.village_a1), ValidationError)
    assert duplicate.pk


def test_the_system_acts_anywhere(users, county):
    account, _secret = create(None, home=None)
    assert account.profile.home is None
    services.grant_add(user=None, target=account, role="county_admin", organization=county.county)

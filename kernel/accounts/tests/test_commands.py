"""create_user, grant, reset_password and setup_site."""
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from kernel.accounts.models import Grant, Profile
from kernel.core.models import ChangeRecord
from kernel.orgs.models import Organization

User = get_user_model()


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def counts():
    return (User.objects.count(), Grant.objects.count(), Profile.objects.count(), ChangeRecord.objects.count())


def test_create_user_prints_the_one_time_password(users, county):
    secret, note = run("create_user", "li", "--name", "李支书", "--org", "A1", "--role", "branch_secretary",
                       "--phone", "13800000009", "--as", "township_a")
    account = User.objects.get(username="li")
    assert account.check_password(secret) and "only this once" in note
    assert account.profile.must_change_password and account.profile.home == county.village_a1
    assert Grant.objects.filter(user=account, role="branch_secretary", organization=county.village_a1).exists()
    assert ChangeRecord.objects.filter(user=users["township_a"], source="command:create_user").exists()


def test_create_user_as_a_township_admin_outside_or_above_is_refused(users, county):
    before = counts()
    with pytest.raises(CommandError, match="outside"):
        run("create_user", "li", "--name", "李", "--org", "B1", "--as", "township_a")
    with pytest.raises(CommandError, match="ranks above"):
        run("create_user", "li", "--name", "李", "--org", "A1", "--role", "county_admin", "--as", "township_a")
    with pytest.raises(CommandError, match="No organization"):
        run("create_user", "li", "--name", "李", "--org", "nowhere")
    assert counts() == before


def test_grant_and_revoke(users, county):
    out, _err = run("grant", "member", "inspector", "A2", "--as", "township_a")
    assert "Granted" in out
    assert Grant.objects.filter(user=users["member"], role="inspector", organization=county.village_a2).exists()
    run("grant", "member", "inspector", "A2", "--revoke")
    assert not Grant.objects.filter(user=users["member"], role="inspector").exists()
    before = counts()
    with pytest.raises(CommandError, match="own grants"):
        run("grant", "township_a", "county_admin", "C", "--as", "township_a")
    with pytest.raises(CommandError, match="outside"):
        run("grant", "member", "member", "C", "--as", "township_a")
    with pytest.raises(CommandError, match="no such grant"):
        run("grant", "member", "leader", "A1", "--revoke")
    assert counts() == before


def test_reset_password(users):
    secret, _note = run("reset_password", "branch_a1", "--as", "township_a")
    users["branch_a1"].refresh_from_db()
    assert users["branch_a1"].check_password(secret)
    with pytest.raises(CommandError, match="outside"):
        run("reset_password", "township_b", "--as", "township_a")


def test_setup_site_starts_an_empty_site(db, client):
    secret, note = run("setup_site", "--org-code", "430581", "--org-name", "武冈市委", "--admin", "chief",
                       "--admin-name", "王主任")
    org = Organization.objects.get()
    account = User.objects.get()
    assert org.code == "430581" and org.parent is None and org.org_type == "committee"
    assert account.check_password(secret) and account.profile.must_change_password
    assert account.get_full_name() == "王主任"
    assert Grant.objects.filter(user=account, role="county_admin", organization=org).exists()
    client.force_login(account)
    assert client.get("/orgs/").url.startswith("/accounts/password/")
    with pytest.raises(CommandError, match="already set up|已完成初始化"):
        run("setup_site", "--org-code", "X", "--org-name", "X", "--admin", "other")


def test_setup_site_with_a_given_password_prints_none(db):
    out, _note = run("setup_site", "--org-code", "C", "--org-name", "示范县委", "--admin", "chief",
                     "--password", "Given-pass-99")
    assert out == "" and User.objects.get().check_password("Given-pass-99")


def test_setup_site_refuses_a_weak_password_and_leaves_nothing(db):
    with pytest.raises(CommandError, match="password"):
        run("setup_site", "--org-code", "C", "--org-name", "示范县委", "--admin", "chief", "--password", "123")
    assert not Organization.objects.exists() and not User.objects.exists()


def test_setup_site_refuses_a_site_with_data(county):
    with pytest.raises(CommandError, match="already set up|已完成初始化"):
        run("setup_site", "--org-code", "Z", "--org-name", "Z", "--admin", "chief")

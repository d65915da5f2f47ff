"""Accounts and grants over the API: scoped lists, 404 outside one's reach, refusals that write nothing."""
import json

import pytest
from django.contrib.auth import get_user_model

from kernel.accounts.models import ApiToken, Grant, Profile
from kernel.core.models import ChangeRecord
from tests.kit import county_built_once

county, users = county_built_once()

User = get_user_model()
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def counts():
    return (User.objects.count(), Grant.objects.count(), Profile.objects.count(), ChangeRecord.objects.count())


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json", **EN)


@pytest.fixture
def as_township_a(client, users):
    client.force_login(users["township_a"])
    return client


def test_the_list_shows_only_accounts_in_the_township(as_township_a, users, county):
    response = as_township_a.get("/api/users/")
    assert response.status_code == 200
    names = {item["username"] for item in response.json()["items"]}
    assert names == {"township_a", "branch_a1", "inspector", "member"}
    assert response.json()["count"] == 4
    member = next(i for i in response.json()["items"] if i["username"] == "member")
    assert member["manageable"] and member["grants"][0]["role"] == "member"


def test_list_filters(client, users, county):
    client.force_login(users["county"])
    by_org = client.get(f"/api/users/?organization={county.township_b.pk}").json()["items"]
    assert {i["username"] for i in by_org} == {"township_b"}
    by_role = client.get("/api/users/?role=inspector").json()["items"]
    assert {i["username"] for i in by_role} == {"inspector"}
    assert {i["username"] for i in client.get("/api/users/?q=branch").json()["items"]} == {"branch_a1"}
    users["leader"].is_active = False
    users["leader"].save()
    assert {i["username"] for i in client.get("/api/users/?active=false").json()["items"]} == {"leader"}


def test_an_organization_outside_the_township_answers_404(as_township_a, county):
    assert as_township_a.get(f"/api/users/?organization={county.township_b.pk}").status_code == 404
    assert as_township_a.get(f"/api/users/?organization={county.county.pk}").status_code == 404


@pytest.mark.parametrize("who", ["branch_a1", "inspector", "leader", "member"])
def test_other_roles_see_no_accounts_and_manage_none(client, users, county, who):
    client.force_login(users[who])
    assert client.get("/api/users/").json()["count"] == 0
    assert client.get("/api/grants/").json()["count"] == 0
    before = counts()
    target = users["member" if who != "member" else "branch_a1"]
    assert client.get(f"/api/users/{target.pk}").status_code == 404
    assert post(client, "/api/users/", {"username": "x", "full_name": "x",
                                         "organization": county.village_a1.pk}).status_code == 404
    assert post(client, f"/api/users/{target.pk}/reset-password").status_code == 404
    assert post(client, "/api/grants/", {"user": target.pk, "role": "member",
                                          "organization": county.village_a1.pk}).status_code == 404
    assert counts() == before


def test_create_returns_the_one_time_password_once(as_township_a, county):
    response = post(as_township_a, "/api/users/", {"username": "newbie", "full_name": "新人", "phone": "13800000001",
                                                   "organization": county.village_a2.pk, "role": "branch_secretary"})
    assert response.status_code == 201, response.content
    body = response.json()
    account = User.objects.get(username="newbie")
    assert account.check_password(body["one_time_password"])
    assert body["user"]["must_change_password"] and body["user"]["grants"][0]["role"] == "branch_secretary"
    assert body["user"]["home"] == {"id": county.village_a2.pk, "name": county.village_a2.name}
    detail = as_township_a.get(f"/api/users/{account.pk}").json()
    assert "one_time_password" not in detail


def test_create_outside_or_above_writes_nothing(as_township_a, users, county):
    before = counts()
    outside = post(as_township_a, "/api/users/", {"username": "x", "full_name": "x",
                                                  "organization": county.village_b1.pk})
    assert outside.status_code == 404
    above = post(as_township_a, "/api/users/", {"username": "x", "full_name": "x", "role": "county_admin",
                                                "organization": county.village_a1.pk})
    assert above.status_code == 422 and "ranks above" in above.json()["detail"][0]["message"]
    taken = post(as_township_a, "/api/users/", {"username": "member", "full_name": "x",
                                                "organization": county.village_a1.pk})
    assert taken.status_code == 422 and taken.json()["detail"][0]["loc"] == ["body", "username"]
    assert counts() == before


def test_out_of_township_accounts_answer_404_and_write_nothing(as_township_a, users):
    other = users["township_b"]
    before = counts()
    assert as_township_a.get(f"/api/users/{other.pk}").status_code == 404
    assert as_township_a.patch(f"/api/users/{other.pk}", json.dumps({"full_name": "x"}),
                               content_type="application/json").status_code == 404
    for action in ("deactivate", "reactivate", "reset-password"):
        assert post(as_township_a, f"/api/users/{other.pk}/{action}").status_code == 404
    grant = Grant.objects.get(user=other)
    assert as_township_a.delete(f"/api/grants/{grant.pk}").status_code == 404
    assert counts() == before
    other.refresh_from_db()
    assert other.is_active


def test_patch_deactivate_reset(as_township_a, users, county):
    target = users["branch_a1"]
    response = as_township_a.patch(f"/api/users/{target.pk}", json.dumps({"full_name": "陈书记", "phone": "139"}),
                                   content_type="application/json")
    assert response.status_code == 200 and response.json()["full_name"] == "陈书记"
    assert post(as_township_a, f"/api/users/{target.pk}/deactivate").json()["is_active"] is False
    assert post(as_township_a, f"/api/users/{target.pk}/reactivate").json()["is_active"] is True
    secret = post(as_township_a, f"/api/users/{target.pk}/reset-password").json()["one_time_password"]
    target.refresh_from_db()
    assert target.check_password(secret)


def test_grants_add_list_revoke(as_township_a, users, county):
    target = users["member"]
    response = post(as_township_a, "/api/grants/", {"user": target.pk, "role": "inspector",
                                                    "organization": county.village_a2.pk})
    assert response.status_code == 201, response.content
    grant_id = response.json()["id"]
    listed = as_township_a.get(f"/api/grants/?user={target.pk}").json()
    assert {g["role"] for g in listed["items"]} == {"member", "inspector"}
    assert as_township_a.delete(f"/api/grants/{grant_id}").status_code == 204
    assert not Grant.objects.filter(pk=grant_id).exists()


def test_no_grant_on_the_county_nor_above_ones_rank_nor_to_oneself(as_township_a, users, county):
    before = counts()
    on_county = post(as_township_a, "/api/grants/", {"user": users["member"].pk, "role": "member",
                                                     "organization": county.county.pk})
    assert on_county.status_code == 404
    above = post(as_township_a, "/api/grants/", {"user": users["member"].pk, "role": "county_admin",
                                                 "organization": county.village_a1.pk})
    assert above.status_code == 422
    self_grant = post(as_township_a, "/api/grants/", {"user": users["township_a"].pk, "role": "township_admin",
                                                      "organization": county.village_a1.pk})
    assert self_grant.status_code == 422 and "own grants" in self_grant.json()["detail"][0]["message"]
    own = Grant.objects.get(user=users["township_a"])
    assert as_township_a.delete(f"/api/grants/{own.pk}").status_code == 422
    assert counts() == before


def test_a_grant_outside_the_township_is_not_shown(as_township_a, users, county):
    Grant.objects.create(user=users["member"], role="member", organization=county.village_b1)
    grants = as_township_a.get(f"/api/users/{users['member'].pk}").json()["grants"]
    assert [g["organization"]["id"] for g in grants] == [county.village_a1.pk]
    assert as_township_a.get(f"/api/users/{users['member'].pk}").json()["manageable"] is False


# --- one's own password, and the one-time password's obligation ---------------------------------------------------

def test_own_password_change_over_the_api(client, users):
    client.force_login(users["member"])
    wrong = post(client, "/api/users/me/password", {"old_password": "nope", "new_password": "Fresh-pass-77"})
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["loc"] == ["body", "old_password"]
    ok = post(client, "/api/users/me/password", {"old_password": "pass-Word-123", "new_password": "Fresh-pass-77"})
    assert ok.status_code == 204
    assert client.get("/api/me").status_code == 200  # the session survives the change
    other = post(client, f"/api/users/{users['branch_a1'].pk}/password",
                 {"old_password": "pass-Word-123", "new_password": "Fresh-pass-78"})
    assert other.status_code == 404


def test_a_one_time_password_blocks_the_api_until_changed(client, users, county):
    from kernel.accounts import services

    account, secret = services.user_create(user=users["county"], username="fresh", full_name="新", home=county.county)
    _token, token = ApiToken.issue(account)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}", **EN}
    refused = client.get("/api/orgs", **bearer)
    assert refused.status_code == 403 and refused.json()["code"] == "password_change_required"
    assert "Change your password first" in refused.json()["message"]
    assert client.get("/api/me", **bearer).status_code == 200
    client.force_login(account)
    assert client.get("/api/orgs", **EN).json()["code"] == "password_change_required"
    changed = post(client, "/api/users/me/password", {"old_password": secret, "new_password": "Mine-own-pass-5"})
    assert changed.status_code == 204
    assert client.get("/api/orgs").status_code == 200
    assert client.get("/api/orgs", **bearer).status_code == 200

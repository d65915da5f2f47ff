"""Sibling townships through the API: neither sees, finds, lists or changes anything of the other.

Also the narrower roles: a member sees only their own person, inspectors and leaders only read,
and personal data is masked unless the role allows it.
"""
import datetime
import json

import pytest

from kernel.accounts.models import ApiToken
from kernel.core import idcard
from kernel.core.models import ChangeRecord, SensitiveAccess
from kernel.orgs.models import Organization
from kernel.people.models import Member, Person, Post
from kernel.people.services import post_create
from tests.kit import make_id_number

MISSING = "/api/orgs/999999"


def send(client, method, url, body=None):
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def shown_text(response) -> str:
    return json.dumps(response.json(), ensure_ascii=False)


def registry_state():
    """Everything a write could change, to prove that a refused one changed nothing."""
    return (
        list(Organization.objects.order_by("pk").values()),
        list(Person.objects.order_by("pk").values()),
        list(Member.objects.order_by("pk").values()),
        list(Post.objects.order_by("pk").values()),
        ChangeRecord.objects.count(),
    )


@pytest.fixture
def side(county, users, client, request):
    """(client logged in as one township's admin, that township's objects, the sibling's objects)."""
    mine, theirs = request.param
    objects = {
        "a": {"township": county.township_a, "village": county.village_a1, "person": county.people["zhangsan"],
              "names": ["甲镇党委", "陳家村党支部", "张三"]},
        "b": {"township": county.township_b, "village": county.village_b1, "person": county.people["wangwu"],
              "names": ["乙镇党委", "王家村党支部", "王五"]},
    }
    for obj in objects.values():
        obj["post"] = post_create(user=None, person=obj["person"], organization=obj["village"], title="secretary",
                                  started_on=datetime.date(2020, 1, 1))
        obj["member"] = Member.objects.get(person=obj["person"])
    client.force_login(users[f"township_{mine}"])
    return client, objects[mine], objects[theirs]


both_directions = pytest.mark.parametrize("side", [("a", "b"), ("b", "a")], indirect=True,
                                          ids=["A looks at B", "B looks at A"])


@both_directions
def test_lists_and_searches_show_only_the_own_township(side):
    client, mine, theirs = side
    for url in ["/api/orgs", "/api/orgs?q=王", "/api/orgs?q=陈", "/api/orgs?q=wjc", "/api/orgs?org_type=branch",
                "/api/people", "/api/people?q=王五", "/api/people?q=ww", "/api/people?q=张", "/api/members",
                "/api/members?status=", "/api/members?q=王", "/api/posts", "/api/posts?title=secretary", "/api/me"]:
        response = client.get(url)
        assert response.status_code == 200, url
        text = shown_text(response)
        assert not [name for name in theirs["names"] if name in text], url
    own = shown_text(client.get("/api/members"))
    assert mine["person"].name in own  # the same lists do show the township's own people


@both_directions
def test_details_and_children_of_the_sibling_are_404_like_missing_ones(side):
    client, mine, theirs = side
    missing = client.get(MISSING)
    assert missing.status_code == 404
    for url in [f"/api/orgs/{theirs['township'].pk}", f"/api/orgs/{theirs['village'].pk}",
                f"/api/orgs/{theirs['township'].pk}/children", f"/api/orgs/{theirs['township'].parent_id}/children",
                f"/api/people/{theirs['person'].pk}", f"/api/orgs?under={theirs['township'].pk}",
                f"/api/people?organization={theirs['township'].pk}", f"/api/members?organization={theirs['village'].pk}",
                f"/api/posts?under={theirs['township'].pk}"]:
        response = client.get(url)
        assert (response.status_code, response.json()) == (404, missing.json()), url
    assert client.get(f"/api/orgs/{mine['village'].pk}").status_code == 200
    assert client.get(f"/api/posts?organization={theirs['village'].pk}").json()["count"] == 0


@both_directions
def test_writes_into_the_sibling_are_404_and_write_nothing(side):
    client, mine, theirs = side
    missing = client.get(MISSING)
    before = registry_state()
    attempts = [
        ("post", "/api/orgs", {"parent": theirs["township"].pk, "code": "X1", "name": "越界支部", "org_type": "branch"}),
        ("patch", f"/api/orgs/{theirs['village'].pk}", {"name": "改名"}),
        ("post", f"/api/orgs/{theirs['village'].pk}/move", {"parent": mine["township"].pk}),
        ("post", f"/api/orgs/{mine['village'].pk}/move", {"parent": theirs["township"].pk}),
        ("post", f"/api/orgs/{mine['village'].pk}/merge", {"target": theirs["village"].pk}),
        ("post", f"/api/orgs/{theirs['village'].pk}/merge", {"target": mine["village"].pk}),
        ("post", f"/api/orgs/{theirs['village'].pk}/dissolve", {}),
        ("post", "/api/people", {"organization": theirs["village"].pk, "name": "越界", "gender": "male"}),
        ("patch", f"/api/people/{theirs['person'].pk}", {"phone": "13000000000"}),
        ("post", f"/api/people/{theirs['person'].pk}/membership", {"category": "full", "joined_on": "2000-01-01",
                                                                   "full_on": "2001-01-01"}),
        ("patch", f"/api/members/{theirs['member'].pk}", {"status": "left"}),
        ("post", "/api/posts", {"person": theirs["person"].pk, "organization": mine["village"].pk,
                                "title": "committee_member"}),
        ("post", "/api/posts", {"person": mine["person"].pk, "organization": theirs["village"].pk,
                                "title": "committee_member"}),
        ("post", f"/api/posts/{theirs['post'].pk}/end", {"ended_on": "2024-01-01"}),
    ]
    for method, url, body in attempts:
        response = send(client, method, url, body)
        assert (response.status_code, response.json()) == (404, missing.json()), f"{method} {url}"
    assert registry_state() == before


def test_a_token_reaches_no_further_than_a_session(client, county, users):
    _token, secret = ApiToken.issue(users["township_a"])
    auth = {"Authorization": f"Bearer {secret}"}
    assert client.get(f"/api/orgs/{county.township_b.pk}", headers=auth).status_code == 404
    assert "王五" not in shown_text(client.get("/api/people?q=王", headers=auth))
    response = client.patch(f"/api/people/{county.people['wangwu'].pk}", json.dumps({"phone": "1"}),
                            content_type="application/json", headers=auth)
    assert response.status_code == 404
    assert Person.objects.get(pk=county.people["wangwu"].pk).phone == "13800001234"


def test_a_branch_secretary_sees_only_their_branch(client, county, users):
    client.force_login(users["branch_a1"])
    assert [item["code"] for item in client.get("/api/orgs").json()["items"]] == ["A1"]
    assert {item["person"]["name"] for item in client.get("/api/members").json()["items"]} == {"张三", "陳小紅"}
    assert client.get(f"/api/people/{county.people['lisi'].pk}").status_code == 404
    assert client.get(f"/api/orgs/{county.township_a.pk}").status_code == 404


# --- the member's self-service ----------------------------------------------------------------------------------

def test_a_member_sees_only_their_own_person(client, county, users):
    client.force_login(users["member"])
    zhangsan = county.people["zhangsan"]
    assert [item["name"] for item in client.get("/api/people").json()["items"]] == ["张三"]
    assert [item["person"]["name"] for item in client.get("/api/members").json()["items"]] == ["张三"]
    assert client.get("/api/people?q=陈").json()["count"] == 0
    assert client.get(f"/api/people/{county.people['chen'].pk}").status_code == 404
    assert client.get(f"/api/people/{county.people['wangwu'].pk}").status_code == 404
    own = client.get(f"/api/people/{zhangsan.pk}").json()
    assert own["id_number"] == zhangsan.id_number and own["masked"] is False
    assert [item["code"] for item in client.get("/api/orgs").json()["items"]] == ["A1"]


def test_a_member_cannot_change_even_their_own_record(client, county, users):
    client.force_login(users["member"])
    zhangsan = county.people["zhangsan"]
    before = registry_state()
    for method, url, body in [
        ("patch", f"/api/people/{zhangsan.pk}", {"phone": "13111111111"}),
        ("patch", f"/api/members/{zhangsan.membership.pk}", {"no_post_class": "wealthy"}),
        ("post", "/api/posts", {"person": zhangsan.pk, "organization": county.village_a1.pk, "title": "secretary"}),
        ("patch", f"/api/orgs/{county.village_a1.pk}", {"short_name": "陈家村"}),
        ("post", "/api/people", {"organization": county.village_a1.pk, "name": "新人", "gender": "male"}),
    ]:
        assert send(client, method, url, body).status_code == 404, url
    assert registry_state() == before


# --- read-only roles --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["inspector", "leader"])
def test_read_only_roles_read_but_every_write_is_refused(client, county, users, role):
    client.force_login(users[role])
    a1, zhangsan = county.village_a1, county.people["zhangsan"]
    assert client.get(f"/api/orgs/{a1.pk}").status_code == 200
    assert client.get(f"/api/people/{zhangsan.pk}").status_code == 200
    assert client.get("/api/members").json()["count"] >= 3
    post = post_create(user=None, person=zhangsan, organization=a1, title="secretary")
    missing = client.get(MISSING)
    before = registry_state()
    for method, url, body in [
        ("post", "/api/orgs", {"parent": county.township_a.pk, "code": "R1", "name": "只读", "org_type": "branch"}),
        ("patch", f"/api/orgs/{a1.pk}", {"short_name": "陈家村"}),
        ("post", f"/api/orgs/{county.village_a2.pk}/move", {"parent": a1.parent_id}),
        ("post", f"/api/orgs/{county.village_a2.pk}/merge", {"target": a1.pk}),
        ("post", f"/api/orgs/{county.village_a2.pk}/dissolve", {}),
        ("post", "/api/people", {"organization": a1.pk, "name": "新人", "gender": "male",
                                 "id_number": make_id_number()}),
        ("patch", f"/api/people/{zhangsan.pk}", {"phone": "13111111111"}),
        ("patch", f"/api/members/{zhangsan.membership.pk}", {"status": "left"}),
        ("post", "/api/posts", {"person": zhangsan.pk, "organization": a1.pk, "title": "committee_member"}),
        ("post", f"/api/posts/{post.pk}/end", {}),
    ]:
        response = send(client, method, url, body)
        assert (response.status_code, response.json()) == (404, missing.json()), f"{role} {method} {url}"
    assert registry_state() == before


def test_the_leader_sees_both_townships_masked(client, county, users):
    client.force_login(users["leader"])
    items = client.get("/api/people").json()["items"]
    assert {item["name"] for item in items} == {"张三", "陳小紅", "李四", "王五"}
    assert all(item["masked"] for item in items)
    assert SensitiveAccess.objects.count() == 0


# --- masking ----------------------------------------------------------------------------------------------------

def test_masking_is_decided_row_by_row(client, county, users):
    """A user with sensitive rights on one branch and read rights on the township sees the two differently."""
    from kernel.accounts.models import Grant

    user = users["branch_a1"]
    Grant.objects.create(user=user, role="inspector", organization=county.township_a)
    client.force_login(user)
    items = {item["name"]: item for item in client.get("/api/people").json()["items"]}
    assert set(items) == {"张三", "陳小紅", "李四"}
    for name in ("张三", "陳小紅"):
        person = Person.objects.get(name=name)
        assert (items[name]["id_number"], items[name]["phone"], items[name]["masked"]) == (
            person.id_number, person.phone, False)
    lisi = county.people["lisi"]
    assert (items["李四"]["id_number"], items["李四"]["phone"], items["李四"]["masked"]) == (
        idcard.mask_id(lisi.id_number), idcard.mask_phone(lisi.phone), True)
    logged = SensitiveAccess.objects.filter(user=user)
    assert sorted(logged.values_list("object_id", flat=True)) == sorted(
        [county.people["zhangsan"].pk, county.people["chen"].pk])
    assert set(logged.values_list("fields", flat=True)) == {"id_number,phone"}


def test_masked_members_and_details_are_not_logged(client, county, users):
    client.force_login(users["inspector"])
    member = client.get("/api/members?q=张三").json()["items"][0]
    assert member["person"]["masked"] and "*" in member["person"]["id_number"]
    detail = client.get(f"/api/people/{county.people['lisi'].pk}").json()
    assert detail["masked"] and detail["phone"] == idcard.mask_phone(county.people["lisi"].phone)
    assert SensitiveAccess.objects.count() == 0

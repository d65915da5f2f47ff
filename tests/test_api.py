"""The REST API: each endpoint's behaviour, validation errors, pagination cost, authentication and the schema."""
import datetime
import io
import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from kernel.accounts.models import ApiToken
from kernel.core import idcard
from kernel.core.models import ChangeRecord, SensitiveAccess
from kernel.orgs.models import Organization
from kernel.people.models import Member, Person, Post
from kernel.people.services import post_create
from tests.kit import make_id_number, make_member


def call(client, method, path, body=None, **headers):
    kwargs = {"content_type": "application/json"} if body is not None else {}
    data = json.dumps(body, default=str) if body is not None else None
    response = getattr(client, method)(path, data, headers=headers, **kwargs) if data else getattr(client, method)(
        path, headers=headers)
    return response


@pytest.fixture
def as_user(client, users):
    def login(name):
        client.force_login(users[name])
        return client

    return login


def names(response) -> list[str]:
    return [item["name"] if "name" in item else item["person"]["name"] for item in response.json()["items"]]


# --- the schema -------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def openapi():
    from jiceng.api import api

    return json.loads(json.dumps(api.get_openapi_schema(), default=str))  # as a client reads it


def resolve(schema, spec):
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def check_against_schema(value, schema, spec, where="$"):
    """Fails unless ``value`` has exactly the documented keys with the documented types (a small JSON Schema subset)."""
    schema = resolve(schema, spec)
    if "anyOf" in schema:
        failures = []
        for option in schema["anyOf"]:
            try:
                check_against_schema(value, option, spec, where)
                return
            except AssertionError as exc:
                failures.append(str(exc))
        raise AssertionError(f"{where}: {value!r} matches no option: {failures}")
    if "enum" in schema:
        assert value in schema["enum"], f"{where}: {value!r} not in {schema['enum']}"
    kind = schema.get("type")
    if kind == "object":
        assert isinstance(value, dict), f"{where}: expected an object"
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties")  # a mapping: any key, documented values
        assert extra or set(value) <= set(properties), f"{where}: undocumented keys {set(value) - set(properties)}"
        assert set(schema.get("required", ())) <= set(value), f"{where}: missing {set(schema['required']) - set(value)}"
        for key, item in value.items():
            check_against_schema(item, properties.get(key, extra), spec, f"{where}.{key}")
    elif kind == "array":
        assert isinstance(value, list), f"{where}: expected an array"
        for index, item in enumerate(value):
            check_against_schema(item, schema["items"], spec, f"{where}[{index}]")
    elif kind == "string":
        assert isinstance(value, str), f"{where}: expected a string, got {value!r}"
        if schema.get("format") == "date":
            datetime.date.fromisoformat(value)
    elif kind == "integer":
        assert isinstance(value, int) and not isinstance(value, bool), f"{where}: expected an integer"
    elif kind == "boolean":
        assert isinstance(value, bool), f"{where}: expected a boolean"
    elif kind == "null":
        assert value is None, f"{where}: expected null"


def check_response(response, openapi, path_template, method="get"):
    operation = openapi["paths"][path_template][method]
    documented = operation["responses"][str(response.status_code)]
    schema = documented["content"]["application/json"]["schema"]
    check_against_schema(response.json(), schema, openapi)


def test_openapi_schema_and_docs_are_served(as_user):
    client = as_user("township_a")
    schema = client.get("/api/openapi.json").json()
    assert {"/api/orgs", "/api/people", "/api/members", "/api/posts", "/api/me"} <= set(schema["paths"])
    org_type = resolve(schema["components"]["schemas"]["OrgOut"]["properties"]["org_type"], schema)
    assert org_type["enum"] == ["committee", "party_committee", "general_branch", "branch", "group"]
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in docs.content.decode()  # served locally, no CDN needed


def test_every_read_answer_matches_the_schema(as_user, county, openapi):
    zhangsan = county.people["zhangsan"]
    post_create(user=None, person=zhangsan, organization=county.village_a1, title="secretary",
                started_on=datetime.date(2021, 1, 1))
    client = as_user("township_a")
    reads = [
        ("/api/me", "/api/me"),
        ("/api/orgs", "/api/orgs"),
        (f"/api/orgs/{county.village_a1.pk}", "/api/orgs/{org_id}"),
        (f"/api/orgs/{county.township_a.pk}/children", "/api/orgs/{org_id}/children"),
        ("/api/people", "/api/people"),
        (f"/api/people/{zhangsan.pk}", "/api/people/{person_id}"),
        ("/api/members", "/api/members"),
        ("/api/posts", "/api/posts"),
    ]
    for url, template in reads:
        response = client.get(url)
        assert response.status_code == 200, url
        check_response(response, openapi, template)
    # a masked answer matches too
    masked = as_user("inspector").get(f"/api/people/{zhangsan.pk}")
    check_response(masked, openapi, "/api/people/{person_id}")


def test_the_schema_check_catches_an_undocumented_key(openapi):
    with pytest.raises(AssertionError, match="undocumented"):
        check_against_schema({"id": 1, "name": "x", "extra": 1}, {"$ref": "#/components/schemas/Ref"}, openapi)
    with pytest.raises(AssertionError, match="expected an integer"):
        check_against_schema({"id": "1", "name": "x"}, {"$ref": "#/components/schemas/Ref"}, openapi)


# --- authentication ---------------------------------------------------------------------------------------------

def test_anonymous_callers_are_refused(client, county):
    assert client.get("/api/orgs").status_code == 401
    assert client.get(f"/api/orgs/{county.township_a.pk}").status_code == 401


def test_token_from_the_command_authenticates_and_only_its_digest_is_stored(client, users, county):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", "township_a", "--name", "nightly export", stdout=out, stderr=err)
    secret = out.getvalue().strip()
    token = ApiToken.objects.get(user=users["township_a"])
    assert token.name == "nightly export"
    assert secret not in {token.digest, token.prefix} and token.digest == ApiToken.digest_of(secret)
    assert secret not in err.getvalue()

    response = client.get("/api/orgs", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    assert {item["code"] for item in response.json()["items"]} == {"TA", "A1", "A2"}
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_token_writes_need_no_csrf_and_are_recorded_as_the_token_user(users, county):
    _token, secret = ApiToken.issue(users["township_a"])
    client = Client(enforce_csrf_checks=True)
    response = call(client, "post", "/api/orgs", {"parent": county.township_a.pk, "code": "A3", "name": "新村党支部",
                                                   "org_type": "branch", "domain": "rural"},
                    Authorization=f"Bearer {secret}")
    assert response.status_code == 201, response.content
    record = ChangeRecord.objects.get(object_id=response.json()["id"], action="create", object_repr="新村党支部")
    assert record.user == users["township_a"]
    assert record.source == "api"


@pytest.mark.parametrize("case", ["wrong", "revoked", "inactive"])
def test_bad_tokens_are_refused(client, users, case):
    token, secret = ApiToken.issue(users["township_a"])
    if case == "wrong":
        secret = secret[:-2] + "xx"
    elif case == "revoked":
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=datetime.datetime.now(datetime.UTC))
    else:
        users["township_a"].is_active = False
        users["township_a"].save()
    assert client.get("/api/orgs", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_command_refuses_an_unknown_user(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("create_api_token", "nosuchuser", stdout=io.StringIO(), stderr=io.StringIO())


def test_session_writes_need_the_csrf_token(users, county):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["township_a"])
    body = {"parent": county.township_a.pk, "code": "A3", "name": "新村党支部", "org_type": "branch"}
    assert call(client, "post", "/api/orgs", body).status_code == 403
    assert not Organization.objects.filter(code="A3").exists()
    csrf = "k" * 32  # what a page would have put in the CSRF cookie
    client.cookies[settings.CSRF_COOKIE_NAME] = csrf
    assert call(client, "post", "/api/orgs", body, **{"X-CSRFToken": csrf}).status_code == 201
    assert Organization.objects.filter(code="A3").exists()


def test_me_lists_the_callers_grants(as_user, county):
    me = as_user("member").get("/api/me").json()
    assert me["username"] == "member"
    assert me["person"] == {"id": county.people["zhangsan"].pk, "name": "张三"}
    assert me["grants"] == [{"role": "member", "organization": {"id": county.village_a1.pk, "name": "陳家村党支部"}}]


# --- organizations ----------------------------------------------------------------------------------------------

def test_org_list_filters(as_user, county):
    client = as_user("county")
    codes = lambda query: [item["code"] for item in client.get(f"/api/orgs?{query}").json()["items"]]  # noqa: E731
    assert codes("") == ["C", "TA", "A1", "A2", "TB", "B1"]
    assert codes(f"under={county.township_a.pk}") == ["TA", "A1", "A2"]
    assert codes(f"parent={county.county.pk}") == ["TA", "TB"]
    assert codes("org_type=branch") == ["A1", "A2", "B1"]
    assert codes("domain=rural&org_type=party_committee") == ["TA", "TB"]
    assert codes("q=陈家") == ["A1"]  # simplified finds traditional
    assert codes("q=wjc") == ["B1"]  # pinyin initials
    assert codes("q=TB") == ["TB"]  # code
    assert codes("status=dissolved") == []
    assert client.get("/api/orgs?org_type=village").status_code == 422


def test_org_list_pages_with_a_fixed_number_of_queries(as_user, county, django_assert_num_queries):
    client = as_user("county")
    client.get("/api/me")  # warm the session
    # session, user, grants, profile, the rows, the count, and saving the session (three statements)
    with django_assert_num_queries(9):
        one = client.get("/api/orgs?limit=1&offset=1").json()
    with django_assert_num_queries(9):
        many = client.get("/api/orgs?limit=5").json()
    assert one["count"] == many["count"] == 6
    assert [item["code"] for item in one["items"]] == ["TA"]
    assert len(many["items"]) == 5
    assert client.get("/api/orgs?limit=1000").status_code == 422


def test_member_list_pages_with_a_fixed_number_of_queries(as_user, county, django_assert_num_queries):
    for n in range(5):
        make_member(county.village_a2, f"李{n}号")
    client = as_user("township_a")
    client.get("/api/me")
    # as for organizations, plus one insert logging what was shown unmasked
    with django_assert_num_queries(10):
        small = client.get("/api/members?limit=2").json()
    with django_assert_num_queries(10):
        large = client.get("/api/members?limit=50").json()
    assert small["count"] == large["count"] == 8
    assert len(small["items"]) == 2 and len(large["items"]) == 8


def test_org_detail_children_and_secretary(as_user, county):
    post_create(user=None, person=county.people["zhangsan"], organization=county.village_a1, title="secretary",
                started_on=datetime.date(2021, 1, 1))
    client = as_user("township_a")
    detail = client.get(f"/api/orgs/{county.village_a1.pk}").json()
    assert detail["org_type"] == "branch" and detail["domain"] == "rural"
    assert detail["secretary"] == {"id": county.people["zhangsan"].pk, "name": "张三"}
    assert detail["member_count"] == 2
    children = client.get(f"/api/orgs/{county.township_a.pk}/children").json()
    assert [item["code"] for item in children["items"]] == ["A1", "A2"]
    assert client.get("/api/orgs/999999").status_code == 404


def test_org_create_and_its_validation_errors(as_user, county):
    client = as_user("township_a")
    created = call(client, "post", "/api/orgs", {"parent": county.village_a1.pk, "code": "A1-1", "name": "第一党小组",
                                                 "org_type": "group", "founded_on": "2020-05-04"})
    assert created.status_code == 201
    org = Organization.objects.get(code="A1-1")
    assert org.parent == county.village_a1 and org.founded_on == datetime.date(2020, 5, 4)
    assert ChangeRecord.objects.filter(action="create", object_id=org.pk, source="api").exists()

    duplicate = call(client, "post", "/api/orgs", {"parent": county.township_a.pk, "code": "A1", "name": "x",
                                                   "org_type": "branch"})
    assert duplicate.status_code == 422
    assert duplicate.json()["detail"][0]["loc"] == ["body", "code"]
    misplaced = call(client, "post", "/api/orgs", {"parent": county.township_a.pk, "code": "G9", "name": "x",
                                                   "org_type": "group"})
    assert misplaced.status_code == 422
    assert misplaced.json()["detail"][0]["loc"] == ["body", "parent"]
    unknown_field = call(client, "post", "/api/orgs", {"parent": county.township_a.pk, "code": "X", "name": "x",
                                                       "org_type": "branch", "colour": "red"})
    assert unknown_field.status_code == 422
    assert [e["loc"] for e in unknown_field.json()["detail"]] == [["body", "colour"]]
    incomplete = call(client, "post", "/api/orgs", {"parent": county.township_a.pk, "org_type": "village"})
    assert incomplete.status_code == 422
    assert {tuple(e["loc"]): e["code"] for e in incomplete.json()["detail"]} == {
        ("body", "code"): "missing", ("body", "name"): "missing", ("body", "org_type"): "not_a_choice"}
    top_level = call(client, "post", "/api/orgs", {"parent": None, "code": "Y", "name": "y", "org_type": "committee"})
    assert top_level.status_code == 422 and top_level.json()["detail"][0]["loc"] == ["body", "parent"]


def test_org_patch_changes_only_the_given_fields(as_user, county):
    client = as_user("township_a")
    response = call(client, "patch", f"/api/orgs/{county.village_a2.pk}", {"short_name": "李家村", "founded_on": None})
    assert response.status_code == 200
    assert response.json()["short_name"] == "李家村" and response.json()["name"] == "李家村党支部"
    record = ChangeRecord.objects.filter(object_id=county.village_a2.pk, action="update").get()
    assert record.after == {"short_name": "李家村"}
    emptied = call(client, "patch", f"/api/orgs/{county.village_a2.pk}", {"name": None})
    assert emptied.status_code == 422 and emptied.json()["detail"][0]["loc"] == ["body", "name"]


def test_org_move_merge_and_dissolve(as_user, county):
    client = as_user("county")
    moved = call(client, "post", f"/api/orgs/{county.village_a2.pk}/move", {"parent": county.township_b.pk})
    assert moved.status_code == 200 and moved.json()["parent_id"] == county.township_b.pk
    assert call(client, "post", f"/api/orgs/{county.village_a2.pk}/move",
                {"parent": county.village_b1.pk}).status_code == 422

    merged = call(client, "post", f"/api/orgs/{county.village_a2.pk}/merge",
                  {"target": county.village_b1.pk, "on": "2024-01-01"})
    assert merged.status_code == 200
    assert merged.json()["status"] == "merged" and merged.json()["merged_into_id"] == county.village_b1.pk
    assert Person.objects.get(pk=county.people["lisi"].pk).organization_id == county.village_b1.pk

    fresh = call(client, "post", "/api/orgs", {"parent": county.township_a.pk, "code": "A9", "name": "空支部",
                                               "org_type": "branch"}).json()
    dissolved = call(client, "post", f"/api/orgs/{fresh['id']}/dissolve", {"reason": "撤村"})
    assert dissolved.status_code == 200 and dissolved.json()["status"] == "dissolved"
    refused = call(client, "post", f"/api/orgs/{county.village_a1.pk}/dissolve", {})
    assert refused.status_code == 422  # it still has members
    assert Organization.objects.get(pk=county.village_a1.pk).status == "active"


# --- people -----------------------------------------------------------------------------------------------------

def bad_check_digit(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


def test_person_create_with_a_bad_id_check_digit_is_422_on_that_field(as_user, county):
    client = as_user("township_a")
    body = {"organization": county.village_a1.pk, "name": "赵六", "gender": "male",
            "id_number": bad_check_digit(make_id_number())}
    for language in ("en", "zh-hans"):
        response = call(client, "post", "/api/people", body, **{"Accept-Language": language})
        assert response.status_code == 422
        errors = {tuple(e["loc"]): e["message"] for e in response.json()["detail"]}
        with translation.override(language):
            expected = gettext("The ID number's check digit is wrong: check for a mistyped digit.")
        assert errors[("body", "id_number")] == expected
    assert not Person.objects.filter(name="赵六").exists()


def test_person_create_derives_birth_date_and_gender_from_the_id(as_user, county):
    number = idcard.make("430581", datetime.date(1992, 4, 5), 7, "female")
    response = call(as_user("township_a"), "post", "/api/people", {
        "organization": county.village_a2.pk, "name": "周七", "id_number": number, "phone": "13912345678",
        "education": "university", "occupation": "farmer", "stage": "applicant"})
    assert response.status_code == 201
    data = response.json()
    assert (data["gender"], data["birth_date"], data["id_number"], data["masked"]) == ("female", "1992-04-05", number, False)
    assert data["membership"] is None and data["organization"]["id"] == county.village_a2.pk
    mismatch = call(as_user("township_a"), "post", "/api/people", {
        "organization": county.village_a2.pk, "name": "周八", "gender": "male",
        "id_number": idcard.make("430581", datetime.date(1992, 4, 5), 8, "female")})
    assert mismatch.status_code == 422
    assert [e["loc"] for e in mismatch.json()["detail"]] == [["body", "gender"]]


def test_person_patch_and_detail(as_user, county):
    client = as_user("township_a")
    person = county.people["chen"]
    response = call(client, "patch", f"/api/people/{person.pk}", {"phone": "13700000000", "education": "college"})
    assert response.status_code == 200
    assert response.json()["phone"] == "13700000000" and response.json()["education"] == "college"
    detail = client.get(f"/api/people/{person.pk}").json()
    assert detail["membership"]["category"] == "full" and detail["membership"]["classification"] == "farming"
    bad = call(client, "patch", f"/api/people/{person.pk}", {"id_number": bad_check_digit(person.id_number)})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "id_number"]
    assert Person.objects.get(pk=person.pk).id_number == person.id_number


def test_person_list_filters_and_search(as_user, county):
    client = as_user("county")
    assert names(client.get("/api/people?q=zs")) == ["张三"]
    assert names(client.get("/api/people?q=陈")) == ["陳小紅"]
    assert names(client.get("/api/people?gender=female")) == ["陳小紅"]
    assert names(client.get(f"/api/people?organization={county.township_b.pk}")) == ["王五"]
    assert names(client.get("/api/people?age_band=71%2B")) == ["李四"]


def test_masking_follows_the_role_and_unmasked_rows_are_logged(as_user, county):
    zhangsan = county.people["zhangsan"]
    masked = as_user("inspector").get("/api/people").json()["items"]
    assert all(item["masked"] for item in masked)
    first = next(item for item in masked if item["id"] == zhangsan.pk)
    assert first["id_number"] == idcard.mask_id(zhangsan.id_number) != zhangsan.id_number
    assert first["phone"] == idcard.mask_phone(zhangsan.phone)
    assert SensitiveAccess.objects.count() == 0

    plain = as_user("township_a").get("/api/people").json()["items"]
    assert {item["id_number"] for item in plain} == set(
        Person.objects.filter(org_path__startswith=county.township_a.path).values_list("id_number", flat=True))
    logged = SensitiveAccess.objects.filter(where="/api/people")
    assert sorted(logged.values_list("object_id", flat=True)) == sorted(item["id"] for item in plain)


def test_member_list_filters(as_user, county):
    client = as_user("county")
    assert names(client.get("/api/members?classification=poor")) == ["王五"]
    assert names(client.get("/api/members?classification=elderly")) == ["李四"]
    assert names(client.get(f"/api/members?organization={county.village_a1.pk}&gender=female")) == ["陳小紅"]
    assert names(client.get("/api/members?q=ww")) == ["王五"]
    assert client.get("/api/members?classification=rich").status_code == 422


def test_membership_create_and_member_update(as_user, county):
    client = as_user("branch_a1")
    person = call(client, "post", "/api/people", {"organization": county.village_a1.pk, "name": "钱九",
                                                  "id_number": make_id_number(datetime.date(1995, 1, 1))}).json()
    bad = call(client, "post", f"/api/people/{person['id']}/membership",
               {"category": "full", "joined_on": "2020-07-01"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "full_on"]
    created = call(client, "post", f"/api/people/{person['id']}/membership",
                   {"category": "probationary", "applied_on": "2018-03-01", "joined_on": "2020-07-01",
                    "no_post_class": "migrant"})
    assert created.status_code == 201
    member = created.json()
    assert member["person"]["stage"] == "member" and member["classification"] == "migrant"

    updated = call(client, "patch", f"/api/members/{member['id']}", {"category": "full", "full_on": "2021-07-01"})
    assert updated.status_code == 200 and updated.json()["category"] == "full"
    left = call(client, "patch", f"/api/members/{member['id']}", {"status": "transferred_out"})
    assert left.json()["status"] == "transferred_out" and left.json()["status_changed_on"]
    assert Member.objects.get(pk=member["id"]).status == "transferred_out"


def test_posts_create_list_and_end(as_user, county):
    client = as_user("township_a")
    lisi = county.people["lisi"]
    created = call(client, "post", "/api/posts", {"person": lisi.pk, "organization": county.village_a2.pk,
                                                  "title": "secretary", "started_on": "2021-01-01"})
    assert created.status_code == 201
    post = created.json()
    assert post["is_current"] and post["organization"]["id"] == county.village_a2.pk
    member = client.get("/api/members?q=李四").json()["items"][0]
    assert member["classification"] == "office"  # 任职 follows the post

    listed = client.get(f"/api/posts?under={county.township_a.pk}&current=true").json()
    assert [item["id"] for item in listed["items"]] == [post["id"]]
    too_early = call(client, "post", f"/api/posts/{post['id']}/end", {"ended_on": "2020-01-01"})
    assert too_early.status_code == 422 and too_early.json()["detail"][0]["loc"] == ["body", "ended_on"]
    ended = call(client, "post", f"/api/posts/{post['id']}/end", {"ended_on": "2023-12-31"})
    assert ended.status_code == 200 and not ended.json()["is_current"]
    assert Post.objects.get(pk=post["id"]).ended_on == datetime.date(2023, 12, 31)
    assert client.get("/api/posts?current=true").json()["count"] == 0
    assert client.get("/api/posts?current=false").json()["count"] == 1


def test_list_counts_stop_at_the_cap(as_user, county, monkeypatch):
    import kernel.core.api

    client = as_user("county")
    exact = client.get("/api/members").json()
    assert (exact["count"], exact["count_exact"]) == (4, True)
    monkeypatch.setattr(kernel.core.api, "COUNT_CAP", 2)
    capped = client.get("/api/members?limit=1").json()
    assert (capped["count"], capped["count_exact"]) == (2, False)
    assert len(capped["items"]) == 1

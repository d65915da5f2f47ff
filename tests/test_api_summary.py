"""Organizations by code over the API: the subtree summary, code filters, and the error answers' shape."""
import datetime
import json

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from kernel.accounts.models import ApiToken
from kernel.orgs import selectors
from kernel.orgs.models import OrgStat
from kernel.people.models import Member
from kernel.people.services import member_update, post_create
from tests.kit import county_built_once
from tests.test_api import call, check_response

# Tests here leave the county as they found it: it is built once for the module.
county, users = county_built_once()


@pytest.fixture
def as_user(client, users):
    def login(name):
        client.force_login(users[name])
        return client

    return login


@pytest.fixture(scope="module")
def openapi():
    from jiceng.api import api

    return json.loads(json.dumps(api.get_openapi_schema(), default=str))


def test_summary_counts_the_whole_subtree_by_code(as_user, county, openapi):
    post_create(user=None, person=county.people["chen"], organization=county.village_a1, title="secretary",
                started_on=datetime.date(2021, 1, 1))
    member_update(user=None, member=Member.objects.get(person=county.people["wangwu"]), status="deceased")
    response = as_user("county").get("/api/orgs/C/summary")
    assert response.status_code == 200
    check_response(response, openapi, "/api/orgs/{code}/summary")
    data = response.json()
    orgs, members = data["organizations"], data["members"]
    assert orgs["total"] == 6
    assert orgs["by_type"] == {"committee": 1, "party_committee": 2, "general_branch": 0, "branch": 3, "group": 0}
    assert orgs["by_domain"]["rural"] == 5 and orgs["branches_by_domain"]["rural"] == 3
    assert orgs["branches_by_domain"]["community"] == 0
    assert members["total"] == 3  # 王五 died: counted by status only
    assert members["by_status"] == {"active": 3, "suspended": 0, "transferred_out": 0, "deceased": 1, "left": 0}
    assert members["by_classification"]["office"] == 1 and members["by_classification"]["elderly"] == 1
    assert members["by_classification"]["poor"] == 0
    assert members["by_gender"] == {"male": 2, "female": 1}
    assert sum(members["by_age_band"].values()) == 3
    year = datetime.date.today().year
    assert members["by_age_band"]["71+" if year - 1950 >= 71 else "61-70"] == 1  # 李四, born 1950

    township = as_user("county").get("/api/orgs/TA/summary").json()
    assert township["organizations"]["total"] == 3 and township["members"]["total"] == 3


def test_summary_is_the_same_from_the_stored_counts_and_a_live_count(county):
    stored = selectors.org_summary(county.county)
    OrgStat.objects.all().delete()  # e.g. data loaded around the services, before a refresh
    assert selectors.org_summary(county.county) == stored


def test_summary_is_scoped(as_user, county):
    assert as_user("township_a").get("/api/orgs/TA/summary").status_code == 200
    for name, code in (("township_a", "TB"), ("township_a", "C"), ("branch_a1", "TA"), ("township_a", "NOPE")):
        response = as_user(name).get(f"/api/orgs/{code}/summary")
        assert response.status_code == 404, (name, code)
        assert response.json()["code"] == "not_found"
    # a member sees their branch but not its people, not even counted
    assert as_user("member").get("/api/orgs/A1/summary").status_code == 404


def test_summary_reads_one_row_set_whatever_the_subtree(as_user, county, django_assert_max_num_queries):
    client = as_user("county")
    client.get("/api/me")
    with django_assert_max_num_queries(10):
        assert client.get("/api/orgs/C/summary").status_code == 200


def test_orgs_are_addressable_by_code(as_user, county, openapi):
    client = as_user("county")
    codes = lambda query: [item["code"] for item in client.get(f"/api/orgs/?{query}").json()["items"]]  # noqa: E731
    assert codes("parent=C") == ["TA", "TB"]
    assert codes(f"parent={county.county.pk}") == ["TA", "TB"]  # ids still work
    assert codes("parent=TA&type=branch") == codes("parent=TA&org_type=branch") == ["A1", "A2"]
    assert codes("under=TB&domain=rural") == ["TB", "B1"]
    detail = client.get("/api/orgs/by-code/A1")
    assert detail.status_code == 200 and detail.json()["id"] == county.village_a1.pk
    check_response(detail, openapi, "/api/orgs/by-code/{code}")
    township_a = as_user("township_a")
    assert township_a.get("/api/orgs/by-code/B1").status_code == 404
    assert township_a.get("/api/orgs?parent=TB").status_code == 404


# --- errors -------------------------------------------------------------------------------------------------------

def test_every_error_answers_a_code_and_a_translated_message(client, users, county, openapi):
    def check(response, status, code, template, method="get"):
        assert response.status_code == status
        body = response.json()
        assert body["code"] == code and body["message"]
        check_response(response, openapi, template, method)
        return body

    with translation.override("en"):
        not_found_en = gettext("Not found.")
    body = check(client.get("/api/orgs/A1/summary", headers={"Accept-Language": "en"}), 401, "not_authenticated",
                 "/api/orgs/{code}/summary")
    assert body["detail"] == []

    client.force_login(users["township_a"])
    for language in ("en", "zh-hans"):
        body = check(client.get("/api/orgs/999999", headers={"Accept-Language": language}), 404, "not_found",
                     "/api/orgs/{org_id}")
        with translation.override(language):
            assert body["message"] == gettext("Not found.")
    assert body["message"] != not_found_en  # Chinese is a different message

    invalid = check(call(client, "post", "/api/orgs", {"parent": county.township_a.pk, "org_type": "village",
                                                     "colour": "red"}), 422, "invalid", "/api/orgs", "post")
    assert {tuple(e["loc"]): e["code"] for e in invalid["detail"]} == {
        ("body", "code"): "missing", ("body", "name"): "missing", ("body", "org_type"): "not_a_choice",
        ("body", "colour"): "unknown_field"}
    assert all(e["message"] for e in invalid["detail"])
    refused = check(call(client, "post", "/api/orgs", {"parent": county.township_a.pk, "code": "A1", "name": "x",
                                                     "org_type": "branch"}), 422, "invalid", "/api/orgs", "post")
    assert [(e["loc"], e["code"]) for e in refused["detail"]] == [(["body", "code"], "invalid")]
    bad_query = check(client.get("/api/orgs?limit=0"), 422, "invalid", "/api/orgs")
    assert bad_query["detail"][0]["loc"] == ["query", "limit"]

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(users["township_a"])
    check(call(csrf_client, "post", "/api/orgs", {"parent": county.township_a.pk, "code": "Z", "name": "z",
                                                  "org_type": "branch"}), 403, "forbidden", "/api/orgs", "post")
    _token, secret = ApiToken.issue(users["township_a"])
    malformed = Client().post("/api/orgs", "{not json", content_type="application/json",
                              headers={"Authorization": f"Bearer {secret}"})
    assert malformed.status_code in (400, 422) and malformed.json()["code"] in ("bad_request", "invalid")


def test_the_schema_documents_the_error_answers(openapi):
    operation = openapi["paths"]["/api/orgs"]["post"]
    assert {"401", "403", "404", "409", "422"} <= set(operation["responses"])
    assert operation["responses"]["404"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorOut"}
    assert {"401", "404", "422"} <= set(openapi["paths"]["/api/orgs/{code}/summary"]["get"]["responses"])
    error = openapi["components"]["schemas"]["ErrorOut"]
    assert {"code", "message"} <= set(error["required"])

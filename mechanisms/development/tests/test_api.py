import json

import pytest

from engines.workflows.models import Case
from kernel.people.models import Person
from tests.kit import county_built_once

county, users = county_built_once()


def post(client, url, body):
    return client.post(url, json.dumps(body, default=str), content_type="application/json")


CANDIDATE = {"name": "钱进", "gender": "male", "birth_date": "1996-04-04", "applied_on": "2019-03-01",
             "household": "三组"}


@pytest.fixture
def opened(client, users, county, workflow):
    client.force_login(users["branch_a1"])
    response = post(client, "/api/development/cases", {**CANDIDATE, "organization": county.village_a1.pk})
    assert response.status_code == 201, response.content
    return response.json()


def test_a_candidate_is_registered_and_moved_through_the_api_with_dates_checked(client, users, opened):
    assert opened["stage"] == "application" and opened["data"]["applied_on"] == "2019-03-01"
    person = Person.objects.get(pk=opened["person"]["id"])
    assert person.stage == "applicant"
    url = f"/api/development/cases/{opened['id']}"
    moved = post(client, f"{url}/advance", {"comment": "申请书已收"})
    assert moved.status_code == 200 and moved.json()["stage"] == "activist"
    person.refresh_from_db()
    assert person.stage == "activist"  # the registry follows the workflow
    too_early = post(client, f"{url}/record", {"data": {"activist_on": "2019-02-01"}})
    assert too_early.status_code == 422  # named activist before applying
    assert post(client, f"{url}/advance", {}).status_code == 422  # contacts and date still missing
    recorded = post(client, f"{url}/record", {"data": {"activist_on": "2019-04-01", "contact_1": "张三",
                                                       "contact_2": "李四"}})
    assert recorded.status_code == 200 and recorded.json()["data"]["contact_2"] == "李四"
    assert post(client, f"{url}/record", {"data": {"colour": "red"}}).status_code == 422
    assert Case.objects.get(pk=opened["id"]).transitions.count() == 2


def test_case_list_is_paginated_and_scoped(client, users, county, opened):
    listing = client.get("/api/development/cases", {"limit": 1}).json()
    assert listing["count"] == 1 and [case["id"] for case in listing["items"]] == [opened["id"]]
    client.force_login(users["township_b"])
    assert client.get("/api/development/cases").json()["count"] == 0
    url = f"/api/development/cases/{opened['id']}"
    assert post(client, f"{url}/advance", {}).status_code == 404
    assert post(client, f"{url}/record", {"data": {"contact_1": "王五"}}).status_code == 404
    assert post(client, "/api/development/cases", {**CANDIDATE, "organization": county.village_a1.pk}
                ).status_code == 404


def test_objections_hold_the_notice_through_the_api(client, users, opened):
    url = f"/api/development/cases/{opened['id']}/objections"
    assert post(client, url, {"text": " "}).status_code == 422
    case = post(client, url, {"text": "群众反映其曾有违纪行为", "on": "2019-03-05"}).json()
    assert case["data"]["objections"][0]["resolved"] is False
    assert post(client, f"{url}/0/resolve", {"resolution": " "}).status_code == 422
    assert post(client, f"{url}/1/resolve", {"resolution": "经核查不属实"}).status_code == 422  # no such objection
    resolved = post(client, f"{url}/0/resolve", {"resolution": "经核查不属实"})
    assert resolved.status_code == 200
    assert resolved.json()["data"]["objections"][0] | {} == {"text": "群众反映其曾有违纪行为", "on": "2019-03-05",
                                                           "resolved": True, "resolution": "经核查不属实"}


def test_the_generic_case_api_checks_development_data_as_the_development_api_does(client, users, opened):
    """Writing a development case through /api/workflows/ runs the same date and vote checks."""
    generic = f"/api/workflows/cases/{opened['id']}"
    assert post(client, f"/api/development/cases/{opened['id']}/advance", {}).status_code == 200
    too_early = post(client, f"{generic}/data", {"data": {"activist_on": "2019-02-01"}})
    assert too_early.status_code == 422 and "activist_on" in json.dumps(too_early.json())  # before applying
    assert post(client, f"{generic}/data", {"data": {"colour": "red"}}).status_code == 422
    assert post(client, f"{generic}/data", {"data": {"activist_on": "1 April"}}).status_code == 422
    saved = post(client, f"{generic}/data", {"data": {"activist_on": "2019-04-01", "contact_1": " 张三 "}})
    assert saved.status_code == 200
    case = Case.objects.get(pk=opened["id"])
    assert (case.data["activist_on"], case.data["contact_1"]) == ("2019-04-01", "张三")

import datetime
import json

import pytest

from engines.workflows import services
from engines.workflows.format import dump
from engines.workflows.testing import make_workflow, workflow_document
from kernel.core import clock
from tests.kit import county_built_once

county, users = county_built_once()

DAY = datetime.date(2025, 3, 1)


def post(client, url, body):
    return client.post(url, json.dumps(body, default=str), content_type="application/json")


@pytest.fixture
def case(county):
    workflow = make_workflow(county.county).workflow
    return services.case_open(user=None, workflow=workflow, organization=county.village_a1, title="陳家村整改",
                              today=DAY)


def test_import_and_export_with_lines(client, users, county):
    client.force_login(users["county"])
    text = dump(workflow_document(code="api-flow"))
    created = post(client, "/api/workflows/definitions/import", {"owner": county.county.pk, "text": text})
    assert created.status_code == 201
    assert post(client, "/api/workflows/definitions/import",
                {"owner": county.county.pk, "text": text}).status_code == 200
    exported = client.get(f"/api/workflows/definitions/{created.json()['id']}/export")
    assert exported.content.decode() == text
    bad = post(client, "/api/workflows/definitions/import",
               {"owner": county.county.pk, "text": "code: x\nname: y\nsubject: nobody\nstages: []\n"})
    assert bad.status_code == 422
    assert "line 3" in json.dumps(bad.json()) or "第 3 行" in json.dumps(bad.json(), ensure_ascii=False)


def test_case_list_is_scoped_paginated_and_filtered(client, users, county, case):
    with clock.today_is(DAY + datetime.timedelta(days=20)):
        client.force_login(users["township_a"])
        listed = client.get("/api/workflows/cases", {"overdue": "true"}).json()
        assert listed["count"] == 1 and listed["items"][0]["overdue"] is True
        assert client.get("/api/workflows/cases", {"stage": "approved"}).json()["count"] == 0
        assert client.get("/api/workflows/cases", {"age": 30}).json()["count"] == 0
        assert client.get("/api/workflows/cases", {"age": 20, "under": county.village_a1.pk}).json()["count"] == 1
        client.force_login(users["township_b"])
        assert client.get("/api/workflows/cases").json()["count"] == 0
        assert client.get(f"/api/workflows/cases/{case.pk}").status_code == 404
        assert post(client, f"/api/workflows/cases/{case.pk}/advance", {}).status_code == 404


def test_moves_through_the_api(client, users, case):
    client.force_login(users["leader"])
    assert client.get(f"/api/workflows/cases/{case.pk}").status_code == 200
    assert post(client, f"/api/workflows/cases/{case.pk}/advance", {}).status_code == 403
    client.force_login(users["branch_a1"])
    refused = post(client, f"/api/workflows/cases/{case.pk}/advance", {})
    assert refused.status_code == 422
    assert post(client, f"/api/workflows/cases/{case.pk}/data",
                {"data": {"problems": "a", "measures": "b"}}).status_code == 200
    moved = post(client, f"/api/workflows/cases/{case.pk}/advance", {"comment": "ok"})
    assert moved.status_code == 200 and moved.json()["stage"] == "approved"
    assert moved.json()["missing"]
    record = client.get(f"/api/workflows/cases/{case.pk}/transitions").json()
    assert [(t["from_stage"], t["to_stage"]) for t in record] == [("", "drafted"), ("drafted", "approved")]
    assert client.put(f"/api/workflows/cases/{case.pk}/transitions").status_code == 405

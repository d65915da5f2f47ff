"""The standards API: files in and out, assessments, scores with revisions (409), results, titles, targets, scope."""
import datetime
import json

import pytest

from engines.standards.library import standard_import
from engines.standards.models import ItemScore, Standard, StandardVersion
from engines.standards.services import assessment_create, score_set
from tests.kit import county_built_once
from tests.test_api import check_response

from .standard_files import VALID, replace

county, users = county_built_once()


@pytest.fixture(scope="module")
def openapi():
    from jiceng.api import api

    return json.loads(json.dumps(api.get_openapi_schema(), default=str))


@pytest.fixture
def version(county):
    return standard_import(user=None, text=VALID, owner=county.county)


@pytest.fixture
def assessment(county, version):
    return assessment_create(user=None, version=version, owner=county.county, name="2024年度考核", period_kind="year",
                             period_start=datetime.date(2024, 1, 1), period_end=datetime.date(2024, 12, 31),
                             period_label="2024")


def post(client, url, body, method="post"):
    return getattr(client, method)(url, json.dumps(body, default=str), content_type="application/json")


def test_import_by_text_creates_then_answers_200_when_unchanged(client, users, county, openapi):
    client.force_login(users["county"])
    created = post(client, "/api/standards/import", {"owner": county.county.pk, "text": VALID})
    assert created.status_code == 201, created.content
    check_response(created, openapi, "/api/standards/import", "post")
    assert created.json()["standard"]["code"] == "test-five-good"
    assert [s["code"] for s in created.json()["sections"]] == ["A", "B"]
    again = post(client, "/api/standards/import", {"owner": county.county.pk, "text": VALID})
    assert again.status_code == 200
    assert StandardVersion.objects.count() == 1


def test_a_malformed_file_answers_422_with_lines_and_writes_nothing(client, users, county):
    client.force_login(users["county"])
    response = post(client, "/api/standards/import",
                    {"owner": county.county.pk, "text": replace("level: 2", "level: 1")})
    assert response.status_code == 422
    messages = [error["message"] for error in response.json()["detail"]]
    assert any(message.startswith("line 25") or "25" in message for message in messages), messages
    assert not Standard.objects.exists()


def test_import_for_an_owner_outside_the_scope_is_404(client, users, county):
    client.force_login(users["township_a"])
    response = post(client, "/api/standards/import", {"owner": county.township_b.pk, "text": VALID})
    assert response.status_code == 404
    assert not Standard.objects.exists()


def test_multipart_import_and_yaml_export(client, users, county):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(users["county"])
    upload = SimpleUploadedFile("five.yaml", VALID.encode(), content_type="application/yaml")
    response = client.post("/api/standards/import-file", {"owner": county.county.pk, "file": upload})
    assert response.status_code == 201, response.content
    standard_id = response.json()["standard"]["id"]
    exported = client.get(f"/api/standards/{standard_id}/export")
    assert exported.status_code == 200 and exported["Content-Type"].startswith("application/yaml")
    assert "五个好" in exported.content.decode()


def test_standards_are_seen_below_their_owner_but_not_across(client, users, county, version, openapi):
    township_standard = standard_import(user=None, text=replace("code: test-five-good", "code: b-only"),
                                        owner=county.township_b)
    client.force_login(users["township_a"])
    listed = client.get("/api/standards")
    check_response(listed, openapi, "/api/standards")
    assert [item["code"] for item in listed.json()["items"]] == ["test-five-good"]
    detail = client.get(f"/api/standards/{version.standard_id}")
    assert detail.status_code == 200
    check_response(detail, openapi, "/api/standards/{standard_id}")
    assert client.get(f"/api/standards/{township_standard.standard_id}").status_code == 404
    assert client.get(f"/api/standards/versions/{township_standard.pk}").status_code == 404


def test_assessment_create_results_and_schema(client, users, county, version, openapi):
    client.force_login(users["county"])
    response = post(client, "/api/standards/assessments", {
        "version": version.pk, "owner": county.county.pk, "name": "2024年度", "period_kind": "year",
        "period_start": "2024-01-01", "period_end": "2024-12-31", "period_label": "2024"})
    assert response.status_code == 201, response.content
    check_response(response, openapi, "/api/standards/assessments", "post")
    assessment_id = response.json()["id"]
    assert response.json()["counts"]["subjects"] == 3  # the three village branches
    computed = client.post(f"/api/standards/assessments/{assessment_id}/compute")
    assert computed.status_code == 200, computed.content
    results = client.get(f"/api/standards/assessments/{assessment_id}/results")
    assert results.status_code == 200
    check_response(results, openapi, "/api/standards/assessments/{assessment_id}/results")
    assert results.json()["count"] == 3
    assert all(item["rank_all"] == 1 for item in results.json()["items"])  # all 0 points: tied

    client.force_login(users["township_a"])
    seen = client.get(f"/api/standards/assessments/{assessment_id}/results").json()
    assert {item["subject"]["name"] for item in seen["items"]} == {"陳家村党支部", "李家村党支部"}


def test_a_score_written_on_a_stale_revision_answers_409(client, users, county, assessment, openapi):
    sheet = assessment.sheets.get(organization=county.village_a1)
    item = assessment.version.items.get(code="A1")
    client.force_login(users["county"])
    url = f"/api/standards/sheets/{sheet.pk}/scores"
    first = post(client, url, {"item": item.pk, "rater": "inspectors", "points": 1.5}, method="put")
    assert first.status_code == 200, first.content
    check_response(first, openapi, "/api/standards/sheets/{sheet_id}/scores", "put")
    revision = first.json()["revision"]
    score_set(user=None, sheet=sheet, item=item, rater=assessment.version.rater_groups.get(code="inspectors"),
              points=2, expected_revision=revision)  # someone else saves meanwhile
    stale = post(client, url, {"item": item.pk, "rater": "inspectors", "points": 1, "expected_revision": revision},
                 method="put")
    assert stale.status_code == 409
    assert stale.json()["code"] == "conflict"
    assert ItemScore.objects.get(sheet=sheet, item=item).points == 2
    read = client.get(url + "?rater=inspectors")
    check_response(read, openapi, "/api/standards/sheets/{sheet_id}/scores")
    assert [score["points"] for score in read.json()["scores"]] == [2]


def test_scores_of_another_township_are_404(client, users, county, assessment):
    sheet = assessment.sheets.get(organization=county.village_b1)
    item = assessment.version.items.get(code="A1")
    client.force_login(users["township_a"])
    url = f"/api/standards/sheets/{sheet.pk}/scores"
    assert client.get(url).status_code == 404
    assert post(client, url, {"item": item.pk, "rater": "self", "points": 1}, method="put").status_code == 404
    assert not ItemScore.objects.exists()


def test_titles_grant_list_and_revoke(client, users, county, version, openapi):
    client.force_login(users["county"])
    granted = post(client, "/api/standards/titles", {
        "standard": version.standard_id, "tier": "qualified", "organization": county.village_a1.pk,
        "period_label": "2024", "granted_on": "2025-01-10", "granted_by": "县委", "decision_no": "县发〔2025〕1号"})
    assert granted.status_code == 201, granted.content
    check_response(granted, openapi, "/api/standards/titles", "post")
    title_id = granted.json()["id"]
    listed = client.get("/api/standards/titles?status=active")
    check_response(listed, openapi, "/api/standards/titles")
    assert [item["id"] for item in listed.json()["items"]] == [title_id]
    client.force_login(users["township_b"])
    assert client.get(f"/api/standards/titles/{title_id}").status_code == 404
    client.force_login(users["county"])
    revoked = post(client, f"/api/standards/titles/{title_id}/revoke",
                   {"revoked_on": "2026-01-10", "reason": "decision", "note": "整改不到位"})
    assert revoked.status_code == 200, revoked.content
    assert revoked.json()["status"] == "revoked" and revoked.json()["revoke_reason"] == "decision"


def test_targets_and_progress(client, users, county, version, openapi):
    client.force_login(users["county"])
    url = f"/api/standards/{version.standard_id}/targets"
    response = post(client, url, {"organization": county.county.pk, "tier": "qualified", "year": 2024, "share": 0.6},
                    method="put")
    assert response.status_code == 200, response.content
    assert client.get(url).json()[0]["share"] == 0.6
    progress = client.get(f"/api/standards/{version.standard_id}/progress?year=2024")
    assert progress.status_code == 200, progress.content
    check_response(progress, openapi, "/api/standards/{standard_id}/progress")
    client.force_login(users["township_a"])
    refused = post(client, url, {"organization": county.township_b.pk, "tier": "qualified", "year": 2024,
                                 "share": 0.8}, method="put")
    assert refused.status_code == 404

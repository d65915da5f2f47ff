"""A rectification plan run through the API: opened, problems, measures, progress, a visit, its stages to 销号;
a team assigned by hand; and outside the caller's subtree, 404."""
import json

import pytest

from mechanisms.grading import services
from mechanisms.grading.models import SupportTeam
from mechanisms.grading.testing import GRADED_ON, make_jinta
from tests.kit import make_user

pytestmark = pytest.mark.django_db


def post(client, url, body):
    return client.post(url, json.dumps(body, default=str), content_type="application/json")


@pytest.fixture
def jinta():
    jinta = make_jinta(branches=10, by_standard=2, by_meetings=1, by_secretary=1, leaders=2, cadres=2)
    services.grades_propose(user=None, upgrading=jinta.upgrading, on=GRADED_ON)
    services.grades_confirm(user=None, upgrading=jinta.upgrading, on=GRADED_ON, confirm=True)
    return jinta


def test_a_plan_runs_to_closure_through_the_api(client, jinta):
    client.force_login(make_user("api_county", "county_admin", jinta.county))
    org = jinta.lagging[0]
    opened = post(client, f"/api/grading/{jinta.upgrading.pk}/plans", {"organization": org.pk})
    assert opened.status_code == 201 and opened.json()["stage"] == "drafted"
    plan = opened.json()["id"]
    assert post(client, f"/api/grading/plans/{plan}/advance", {}).status_code == 422  # no problems nor measures yet
    assert post(client, f"/api/grading/plans/{plan}/problems",
                {"line": "leadership", "type": "paralysed", "description": "班子不健全"}).status_code == 200
    assert post(client, f"/api/grading/plans/{plan}/problems",
                {"line": "leadership", "type": "lazy", "description": "x"}).status_code == 422
    body = post(client, f"/api/grading/plans/{plan}/measures",
                {"content": "配齐村党支部书记", "owner": "镇党委", "deadline": "2013-09-30"}).json()
    (measure,) = body["measures"]
    assert body["problems"] == [{"line": "leadership", "type": "paralysed", "description": "班子不健全"}]
    assert post(client, f"/api/grading/plans/{plan}/visits",
                {"on": "2013-08-02", "visitors": "县领导、组工干部"}).json()["visits"] == 1
    for step in ("advance", "approve", "advance"):
        assert post(client, f"/api/grading/plans/{plan}/{step}", {}).status_code == 200, step
    done = post(client, f"/api/grading/plans/{plan}/measures/{measure['id']}/progress",
                {"progress": 100, "on": "2013-09-20"}).json()
    assert done["measures"][0]["done_on"] == "2013-09-20"
    for step in ("advance", "approve", "advance"):
        assert post(client, f"/api/grading/plans/{plan}/{step}", {"comment": "验收合格"}).status_code == 200, step
    final = client.get(f"/api/grading/plans/{plan}").json()
    assert (final["stage"], final["status"]) == ("closed", "closed")


def test_a_team_by_hand_and_the_scope_of_writes(client, jinta):
    org = jinta.lagging[0]
    secretary = services.committee_secretary(org)
    client.force_login(make_user("api_county", "county_admin", jinta.county))
    team = post(client, f"/api/grading/{jinta.upgrading.pk}/teams",
                {"organization": org.pk, "county_leader": jinta.leaders[0].pk,
                 "committee_secretary": secretary.pk, "cadre": jinta.cadres[0].pk})
    assert team.status_code == 200, team.content
    assert SupportTeam.objects.get(organization=org).cadre == jinta.cadres[0]
    plan = post(client, f"/api/grading/{jinta.upgrading.pk}/plans", {"organization": org.pk}).json()["id"]
    teams = client.get(f"/api/grading/{jinta.upgrading.pk}/teams").json()
    assert teams["count"] == 1 and teams["items"][0]["organization"]["id"] == org.pk
    plans = client.get(f"/api/grading/{jinta.upgrading.pk}/plans", {"limit": 1}).json()
    assert plans["count"] == 1 and [item["id"] for item in plans["items"]] == [plan]
    other = next(t for t in jinta.townships if t != org.parent)
    client.force_login(make_user("api_town2", "township_admin", other))
    assert post(client, f"/api/grading/plans/{plan}/measures",
                {"content": "x", "owner": "y", "deadline": "2013-09-30"}).status_code == 404
    assert post(client, f"/api/grading/plans/{plan}/advance", {}).status_code == 404
    assert post(client, f"/api/grading/{jinta.upgrading.pk}/plans", {"organization": org.pk}).status_code == 404
    assert client.get(f"/api/grading/{jinta.upgrading.pk}/plans").json()["count"] == 0

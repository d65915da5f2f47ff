"""Campaigns over the API: create, list, detail, stages, declarations, rater locks, teams; scope and refusals."""
import datetime
import json

from engines.standards.models import Assessment
from kernel.people.services import post_create
from mechanisms.campaigns.models import Assignment, Campaign
from tests.kit import county_built_once, make_member

county, users = county_built_once()

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def call(client, method, url, body=None):
    if body is None:
        return getattr(client, method)(url, **EN)
    return getattr(client, method)(url, json.dumps(body), content_type="application/json", **EN)


def test_create_list_and_detail(client, users, county, shipped):
    client.force_login(users["county"])
    answer = call(client, "post", "/api/campaigns", {
        "owner": county.county.pk, "name": "2003年创建", "year": 2003,
        "standards": [shipped["five-good-village"].standard_id]})
    assert answer.status_code == 201
    created = answer.json()
    assert [s["status"] for s in created["stages"]] == ["pending"] * 3
    assert sorted(created["assessments"][0]["locked_groups"]) == ["inspectors", "self"]
    assert [c["id"] for c in call(client, "get", "/api/campaigns").json()] == [created["id"]]
    client.force_login(users["township_a"])  # sees the county's campaign, may not run it
    assert call(client, "get", f"/api/campaigns/{created['id']}").status_code == 200
    assert call(client, "post", f"/api/campaigns/{created['id']}/stages/declaration/open").status_code == 404
    assert Campaign.objects.get().stages.filter(status="pending").count() == 3


def test_declaration_and_rater_locks(client, users, campaign, county):
    client.force_login(users["county"])
    base = f"/api/campaigns/{campaign.pk}"
    assessment = campaign.assessments.get(version__standard__code="five-good-village")
    answer = call(client, "post", f"{base}/assessments/{assessment.pk}/raters/inspectors/unlock")
    assert answer.status_code == 422 and "open only while that stage is open" in answer.json()["message"]
    assert call(client, "post", f"{base}/stages/declaration/open").status_code == 200
    sheet = assessment.sheets.get(organization=county.village_a1)
    client.force_login(users["branch_a1"])
    answer = call(client, "post", f"{base}/sheets/{sheet.pk}/declaration", {"tier": "qualified"})
    assert answer.status_code == 200 and answer.json()["declared_tier"] == "qualified"
    other = assessment.sheets.get(organization=county.village_b1)
    assert call(client, "post", f"{base}/sheets/{other.pk}/declaration", {"tier": "qualified"}).status_code == 404
    client.force_login(users["county"])
    answer = call(client, "post", f"{base}/assessments/{assessment.pk}/raters/self/lock")
    assert answer.status_code == 200 and "self" in answer.json()["locked_groups"]
    answer = call(client, "post", f"{base}/assessments/{assessment.pk}/raters/self/unlock")
    assert answer.status_code == 200 and "self" not in answer.json()["locked_groups"]


def test_teams_drawn_assigned_and_moved(client, users, campaign, county):
    for township, title in ((county.township_a, "discipline_member"), (county.township_b, "discipline_member")):
        post_create(user=None, person=make_member(township, f"{township.name}纪委"), organization=township,
                    title=title, started_on=datetime.date(2020, 1, 1))
    client.force_login(users["county"])
    base = f"/api/campaigns/{campaign.pk}"
    teams = call(client, "post", f"{base}/teams/draw").json()
    assert len(teams) == 2
    assigned = call(client, "post", f"{base}/teams/assign", {"seed": 5}).json()
    assert assigned["villages"] == 3 and sum(t["villages"] for t in assigned["teams"]) == 3
    assignment = Assignment.objects.get(organization=county.village_b1)
    own_team = next(t["id"] for t in teams if t["township"]["id"] == county.township_b.pk)
    refused = call(client, "post", f"/api/campaigns/assignments/{assignment.pk}/move", {"team": own_team})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["message"] == "A team never inspects its own township."
    assert Assignment.objects.get(pk=assignment.pk).team_id == assignment.team_id
    assert call(client, "get", f"{base}/teams").status_code == 200
    assert Assessment.objects.filter(campaigns=campaign).count() == 2

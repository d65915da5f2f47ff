"""Cross-inspection gives scoring rights: a team member with an account scores, through the API, exactly the
villages given to their team in the inspectors' rater group, never their own township's; moving a village to
another team moves the right."""
import datetime
import json

import pytest

from engines.standards import services as engine
from engines.standards.models import ItemScore, RaterGroup
from kernel.orgs.services import org_create
from kernel.people.services import post_create
from mechanisms.campaigns.library import install_standards
from mechanisms.campaigns.models import Assignment, StageKind
from mechanisms.campaigns.services import assignment_move, campaign_create, stage_close, stage_open, teams_draw
from tests.kit import make_member, make_user


@pytest.fixture
def inspection(county, users):
    """Three townships, each with a committee member; the five-good-village campaign in its evaluation stage,
    township A's team given 王家村 (B) and 赵家村 (C)."""
    township_c = org_create(user=None, parent=county.county, code="TC", name="丙镇党委", org_type="party_committee",
                            domain="rural")
    village_c1 = org_create(user=None, parent=township_c, code="C1", name="赵家村党支部", org_type="branch",
                            domain="rural")
    members = {}
    for township, name in ((county.township_a, "甲纪委"), (township_c, "丙纪委"), (county.township_b, "乙纪委")):
        members[township.pk] = make_member(township, name)
        post_create(user=None, person=members[township.pk], organization=township, title="discipline_member",
                    started_on=datetime.date(2020, 1, 1))
    shipped = install_standards(user=None, owner=county.county)
    campaign = campaign_create(user=users["county"], owner=county.county, name="2002年三级联创", year=2002,
                               versions=[shipped["five-good-village"]])
    teams = {team.township_id: team for team in teams_draw(user=users["county"], campaign=campaign)}
    team_a, team_b, team_c = teams[county.township_a.pk], teams[county.township_b.pk], teams[township_c.pk]
    for village, team in ((county.village_a1, team_b), (county.village_a2, team_c), (county.village_b1, team_a),
                          (village_c1, team_a)):
        Assignment.objects.create(campaign=campaign, team=team, organization=village, org_path=village.path)
    stage_open(user=users["county"], campaign=campaign, kind=StageKind.DECLARATION)
    stage_close(user=users["county"], campaign=campaign, kind=StageKind.DECLARATION, confirm=True)
    stage_open(user=users["county"], campaign=campaign, kind=StageKind.EVALUATION)
    assessment = campaign.assessments.get()
    sheets = {sheet.organization.code: sheet for sheet in assessment.sheets.select_related("organization")}
    item = assessment.version.items.get(code="A01")
    return {"campaign": campaign, "assessment": assessment, "sheets": sheets, "item": item,
            "member_a": members[county.township_a.pk], "teams": (team_a, team_b, team_c)}


@pytest.fixture(params=["no grant", "inspector grant on own township"])
def inspector(request, county, inspection):
    role = ("inspector", county.township_a) if request.param != "no grant" else (None, None)
    return make_user("team_a_member", *role, person=inspection["member_a"])


def put(client, sheet, item, rater="inspectors", **entry):
    return client.put(f"/api/standards/sheets/{sheet.pk}/scores",
                      json.dumps({"item": item.pk, "rater": rater, **entry}), content_type="application/json")


def test_a_team_member_scores_the_villages_given_to_the_team(client, county, inspection, inspector):
    sheets, item = inspection["sheets"], inspection["item"]
    client.force_login(inspector)
    for code in ("B1", "C1"):
        assert client.get(f"/api/standards/sheets/{sheets[code].pk}/scores").status_code == 200
        response = put(client, sheets[code], item, points=1.5)
        assert response.status_code == 200, response.content
        assert response.json()["points"] == 1.5
    assert client.get(f"/standards/sheets/{sheets['B1'].pk}/?rater=inspectors").status_code == 200
    page = client.post(f"/standards/sheets/{sheets['C1'].pk}/score/",
                       {"item": item.pk, "rater": "inspectors", "value": "2", "revision": "1"})
    assert page["X-Score-Result"] == "saved"
    for code in ("A1", "A2"):  # their own township's villages
        assert put(client, sheets[code], item, points=1).status_code == 404
    assert set(ItemScore.objects.values_list("sheet__organization__code", flat=True)) == {"B1", "C1"}


def test_the_self_assessment_is_not_theirs(client, inspection, inspector):
    sheets, item = inspection["sheets"], inspection["item"]
    self_rater = RaterGroup.objects.get(version=inspection["assessment"].version, code="self")
    assert not engine.may_score(inspector, sheets["B1"], self_rater)
    client.force_login(inspector)
    assert put(client, sheets["B1"], item, rater="self", points=1).status_code in (404, 422)
    assert not ItemScore.objects.exists()


def test_moving_a_village_moves_the_right(client, users, inspection, inspector):
    sheets, item = inspection["sheets"], inspection["item"]
    _team_a, team_b, _team_c = inspection["teams"]
    assignment = Assignment.objects.get(organization__code="C1")
    assignment_move(user=users["county"], assignment=assignment, team=team_b)
    client.force_login(inspector)
    assert client.get(f"/api/standards/sheets/{sheets['C1'].pk}/scores").status_code == 404
    assert put(client, sheets["C1"], item, points=1).status_code == 404
    assert put(client, sheets["B1"], item, points=1).status_code == 200


def test_the_bulk_path_follows_the_team(inspection, inspector):
    sheets, item = inspection["sheets"], inspection["item"]
    rater = RaterGroup.objects.get(version=inspection["assessment"].version, code="inspectors")
    assert engine.scores_bulk_set(user=inspector, assessment=inspection["assessment"], rater=rater,
                                  rows=[(sheets["B1"].pk, item.pk, 1, None, None)]) == 1
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        engine.scores_bulk_set(user=inspector, assessment=inspection["assessment"], rater=rater,
                               rows=[(sheets["A1"].pk, item.pk, 1, None, None)])

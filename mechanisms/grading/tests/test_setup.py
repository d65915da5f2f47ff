"""Grading set up through the pages and the API (grading/setup.py): grade schemes with their grades, upgrading
campaigns (year, deadline, team cap) and the pools of county-level leaders and organization cadres; outside the
caller's subtree, 404."""
import datetime
import json

import pytest

from kernel.people.choices import PostTitle
from kernel.people.services import post_create
from mechanisms.grading.models import GradeScheme, PoolMember, PoolRole, SupportTeam, Upgrading
from mechanisms.grading.services import scheme_create, upgrading_create
from tests.kit import county_built_once, make_member

county, users = county_built_once()


def post(client, url, body):
    return client.post(url, json.dumps(body, default=str), content_type="application/json")


@pytest.fixture
def leaders(county):
    """Two people holding posts in the county committee (the pool's candidates)."""
    people = [make_member(county.county, name) for name in ("县领导甲", "组工干部乙")]
    for person in people:
        post_create(user=None, person=person, organization=county.county, title=PostTitle.DEPUTY_SECRETARY)
    return people


@pytest.fixture
def upgrading(county):
    scheme = scheme_create(user=None, owner=county.county, name="四级")
    return upgrading_create(user=None, scheme=scheme, owner=county.county, year=2026)


def test_a_scheme_a_campaign_and_its_pools_through_the_api(client, users, county, leaders):
    client.force_login(users["county"])
    created = post(client, "/api/grading/schemes", {"owner": county.county.pk, "name": "分类定级四档"})
    assert created.status_code == 201, created.content
    scheme = created.json()
    assert [(lv["code"], lv["lagging"]) for lv in scheme["levels"]] == [
        ("advanced", False), ("good", False), ("average", False), ("lagging", True)]
    assert [s["id"] for s in client.get("/api/grading/schemes").json()] == [scheme["id"]]

    campaign = post(client, "/api/grading/", {"scheme": scheme["id"], "owner": county.county.pk, "year": 2026,
                                              "deadline": "2026-11-30", "max_load": 2})
    assert campaign.status_code == 201, campaign.content
    body = campaign.json()
    assert (body["year"], body["deadline"], body["max_load"], body["name"]) == (2026, "2026-11-30", 2,
                                                                                "2026年分类定级晋位升级")
    upgrading_id = body["id"]
    assert [u["id"] for u in client.get("/api/grading/").json()] == [upgrading_id]

    leader, cadre = leaders
    added = post(client, f"/api/grading/{upgrading_id}/pool", {"role": "county_leader", "person": leader.pk})
    assert added.status_code == 201 and added.json()["person"]["id"] == leader.pk and added.json()["teams"] == 0
    assert post(client, f"/api/grading/{upgrading_id}/pool", {"role": "cadre", "person": cadre.pk}).status_code == 201
    assert post(client, f"/api/grading/{upgrading_id}/pool",
                {"role": "county_leader", "person": leader.pk}).status_code == 422  # already in that pool
    assert post(client, f"/api/grading/{upgrading_id}/pool", {"role": "boss", "person": leader.pk}).status_code == 422
    pool = client.get(f"/api/grading/{upgrading_id}/pool").json()
    assert [(m["role"], m["person"]["name"]) for m in pool] == [("cadre", "组工干部乙"), ("county_leader", "县领导甲")]
    removed = client.delete(f"/api/grading/{upgrading_id}/pool/{pool[0]['id']}")
    assert removed.status_code == 204
    assert list(PoolMember.objects.values_list("role", flat=True)) == [PoolRole.COUNTY_LEADER]


@pytest.mark.parametrize(("body", "field"), [
    ({"levels": [{"code": "a", "name": "好", "level": 2}, {"code": "b", "name": "差", "level": 1}]}, "levels"),
    ({"levels": [{"code": "a", "name": "好", "level": 1}, {"code": "b", "name": "差", "level": 1,
                                                          "lagging": True}]}, "levels"),
    ({"levels": [{"code": "a", "name": "好", "level": 2}, {"code": "a", "name": "差", "level": 1,
                                                          "lagging": True}]}, "levels"),
    ({"levels": [{"code": "A B", "name": "好", "level": 2}, {"code": "b", "name": "差", "level": 1,
                                                            "lagging": True}]}, "levels"),
])
def test_a_scheme_with_bad_grades_is_refused_whole(client, users, county, body, field):
    client.force_login(users["county"])
    response = post(client, "/api/grading/schemes", {"owner": county.county.pk, "name": "x", **body})
    assert response.status_code == 422, response.content
    assert not GradeScheme.objects.exists()


def test_a_campaign_is_checked_before_it_is_created(client, users, county, upgrading):
    client.force_login(users["county"])
    base = {"scheme": upgrading.scheme_id, "owner": county.county.pk}
    assert post(client, "/api/grading/", {**base, "year": 2026}).status_code == 422  # that year's already there
    assert post(client, "/api/grading/", {**base, "year": 2027, "deadline": "2030-01-01"}).status_code == 422
    assert post(client, "/api/grading/", {**base, "year": 2027, "max_load": 0}).status_code == 422
    assert Upgrading.objects.count() == 1


def test_outside_the_scope_the_set_up_answers_404(client, users, county, upgrading, leaders):
    """A campaign and its scheme run from above are seen below (as campaigns are) but changed only by their
    owner; those of a sibling township are not seen at all."""
    sibling_scheme = scheme_create(user=None, owner=county.township_b, name="乙镇四级")
    sibling = upgrading_create(user=None, scheme=sibling_scheme, owner=county.township_b, year=2026)
    member = PoolMember.objects.create(upgrading=sibling, role="cadre", person=leaders[0],
                                       owner_path=sibling.owner_path)
    client.force_login(users["township_a"])
    assert [s["name"] for s in client.get("/api/grading/schemes").json()] == ["四级"]
    assert post(client, "/api/grading/schemes", {"owner": county.county.pk, "name": "x"}).status_code == 404
    assert post(client, "/api/grading/", {"scheme": sibling_scheme.pk, "owner": county.township_a.pk,
                                          "year": 2027}).status_code == 404
    assert post(client, "/api/grading/", {"scheme": upgrading.scheme_id, "owner": county.township_b.pk,
                                          "year": 2027}).status_code == 404
    assert client.get(f"/api/grading/{sibling.pk}/pool").status_code == 404
    assert post(client, f"/api/grading/{sibling.pk}/pool", {"role": "cadre", "person": leaders[1].pk}
                ).status_code == 404
    assert client.delete(f"/api/grading/{sibling.pk}/pool/{member.pk}").status_code == 404
    assert client.get(f"/api/grading/{upgrading.pk}/pool").status_code == 200  # the county's, seen from below
    assert post(client, f"/api/grading/{upgrading.pk}/pool", {"role": "cadre", "person": leaders[1].pk}
                ).status_code == 404
    assert client.get(f"/grading/{sibling.pk}/pool/").status_code == 404
    assert "乙镇四级" not in client.get("/grading/schemes/").content.decode()
    assert client.post(f"/grading/{upgrading.pk}/pool/", {"role": "cadre", "person": leaders[1].pk}
                       ).status_code == 404
    assert client.post(f"/grading/{sibling.pk}/pool/{member.pk}/remove/").status_code == 404
    assert client.post("/grading/new/", {"scheme": upgrading.scheme_id, "owner": county.township_b.pk,
                                         "year": 2027, "max_load": 3}).status_code == 422  # not a choice
    client.force_login(users["leader"])  # sees, never writes
    assert client.get(f"/api/grading/{sibling.pk}/pool").status_code == 200
    assert post(client, f"/api/grading/{sibling.pk}/pool", {"role": "cadre", "person": leaders[1].pk}
                ).status_code == 404
    assert client.delete(f"/api/grading/{sibling.pk}/pool/{member.pk}").status_code == 404
    assert PoolMember.objects.count() == 1 and Upgrading.objects.count() == 2


def test_the_pages_create_a_scheme_and_a_campaign_and_fill_its_pools(client, users, county, leaders):
    client.force_login(users["county"])
    page = client.get("/grading/").content.decode()
    assert 'href="/grading/new/"' in page and 'href="/grading/schemes/"' in page
    refused = client.post("/grading/schemes/", {"owner": county.county.pk, "name": "三档",
                                                "levels": "good 好 2\nbad 差 1"}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 422 and "lagging grade" in refused.content.decode()
    created = client.post("/grading/schemes/", {"owner": county.county.pk, "name": "三档",
                                                "levels": "good 好 3\nfair 中 2\nbad 差 1 lagging"})
    assert created.status_code == 302
    scheme = GradeScheme.objects.get(name="三档")
    assert list(scheme.levels.values_list("code", "lagging")) == [("good", False), ("fair", False), ("bad", True)]
    assert "三档" in client.get("/grading/schemes/").content.decode()

    form = client.get("/grading/new/").content.decode()
    assert "三档" in form and 'name="max_load"' in form
    response = client.post("/grading/new/", {"scheme": scheme.pk, "owner": county.county.pk, "year": 2026,
                                             "deadline": "2026-10-15", "max_load": 4, "name": ""})
    upgrading = Upgrading.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/grading/{upgrading.pk}/pool/"
    assert (upgrading.deadline, upgrading.max_load) == (datetime.date(2026, 10, 15), 4)
    assert client.post("/grading/new/", {"scheme": scheme.pk, "owner": county.county.pk, "year": 2026,
                                         "max_load": 3}).status_code == 422

    leader, cadre = leaders
    page = client.get(f"/grading/{upgrading.pk}/pool/").content.decode()
    assert leader.name in page and 'id="pool-form"' in page
    assert client.post(f"/grading/{upgrading.pk}/pool/", {"role": "county_leader", "person": leader.pk}
                       ).status_code == 302
    assert client.post(f"/grading/{upgrading.pk}/pool/", {"role": "cadre", "person": cadre.pk}).status_code == 302
    assert client.post(f"/grading/{upgrading.pk}/pool/", {"role": "cadre", "person": cadre.pk}).status_code == 422
    page = client.get(f"/grading/{upgrading.pk}/pool/").content.decode()
    assert 'id="pool-county-leaders"' in page and leader.name in page.split('id="pool-cadres"')[0]

    member = PoolMember.objects.get(role="county_leader")
    SupportTeam.objects.create(upgrading=upgrading, organization=county.village_a1, org_path=county.village_a1.path,
                               county_leader=leader, committee_secretary=cadre, cadre=cadre)
    client.post(f"/grading/{upgrading.pk}/pool/{member.pk}/remove/")
    assert PoolMember.objects.filter(pk=member.pk).exists()  # still on a team
    SupportTeam.objects.all().delete()
    assert client.post(f"/grading/{upgrading.pk}/pool/{member.pk}/remove/").status_code == 302
    assert not PoolMember.objects.filter(pk=member.pk).exists()

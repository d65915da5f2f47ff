"""Liaison lists over the API come in pages ({"items", "count"}) within the caller's scope."""
import datetime

import pytest

from mechanisms.liaison.services import point_assign, request_receive, visit_log
from tests.kit import county_built_once, make_member

county, users = county_built_once()

D = datetime.date


def assign(county, users, leader, organization):
    return point_assign(user=users["county"], leader=leader, organization=organization, level="county", year=2025,
                        assigned_on=D(2025, 1, 10))


@pytest.fixture
def points(county, users):
    """Three leaders with points in township A, one with a point in township B."""
    leaders = [county.people["lisi"], make_member(county.county, "县领导甲"), make_member(county.county, "县领导乙")]
    mine = [assign(county, users, leader, org)
            for leader, org in zip(leaders, (county.village_a1, county.village_a2, county.village_a1), strict=True)]
    theirs = assign(county, users, make_member(county.county, "县领导丙"), county.village_b1)
    for month in (3, 4, 5):
        visit_log(user=None, point=mine[0], visited_on=D(2025, month, 2), content="座谈", amount=100)
    visit_log(user=None, point=theirs, visited_on=D(2025, 3, 2), content="走访", amount=500)
    return {"mine": mine, "theirs": theirs}


def test_visits_page_counts_every_visit(client, users, points):
    client.force_login(users["township_a"])
    url = f"/api/liaison/points/{points['mine'][0].pk}/visits"
    body = client.get(url, {"limit": 2}).json()
    assert body["count"] == 3 and [v["visited_on"] for v in body["items"]] == ["2025-05-02", "2025-04-02"]
    assert [v["visited_on"] for v in client.get(url, {"limit": 2, "offset": 2}).json()["items"]] == ["2025-03-02"]
    assert client.get(f"/api/liaison/points/{points['theirs'].pk}/visits").status_code == 404


def test_summary_page_has_a_row_per_leader_in_scope(client, users, county, points):
    client.force_login(users["township_a"])
    body = client.get("/api/liaison/summary", {"year": 2025, "limit": 2}).json()
    assert body["count"] == 3 and len(body["items"]) == 2
    assert body["items"][0]["leader"]["name"] == "李四" and body["items"][0]["visits"] == 3
    rest = client.get("/api/liaison/summary", {"year": 2025, "limit": 2, "offset": 2}).json()
    assert "县领导丙" not in {row["leader"]["name"] for row in body["items"] + rest["items"]}
    assert client.get("/api/liaison/summary", {"year": 2025, "under": county.township_b.pk}).status_code == 404
    assert client.get("/api/liaison/summary", {"year": 2024}).json()["count"] == 0
    client.force_login(users["county"])
    assert client.get("/api/liaison/summary", {"year": 2025}).json()["count"] == 4
    under_b = client.get("/api/liaison/summary", {"year": 2025, "under": county.township_b.pk}).json()
    assert [row["leader"]["name"] for row in under_b["items"]] == ["县领导丙"]


def test_request_counts_page_has_a_row_per_child(client, users, county):
    for organization, resident in ((county.village_a1, "张大爷"), (county.village_a2, "李大娘"),
                                   (county.village_a2, "李大爷"), (county.village_b1, "王大妈")):
        request_receive(user=None, organization=organization, service_date=D(2025, 3, 5), resident_name=resident,
                        matter="低保咨询")
    client.force_login(users["township_a"])
    url = "/api/liaison/requests/counts"
    body = client.get(url, {"under": county.township_a.pk, "limit": 1}).json()
    assert body["count"] == 2 and [row["organization"]["name"] for row in body["items"]] == ["陳家村党支部"]
    second = client.get(url, {"under": county.township_a.pk, "limit": 1, "offset": 1}).json()["items"]
    assert [(row["organization"]["name"], row["total"]) for row in second] == [("李家村党支部", 2)]
    assert client.get(url, {"under": county.township_b.pk}).status_code == 404
    client.force_login(users["county"])
    rows = client.get(url, {"under": county.county.pk}).json()["items"]
    assert [(row["organization"]["name"], row["total"]) for row in rows] == [("甲镇党委", 3), ("乙镇党委", 1)]

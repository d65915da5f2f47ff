"""Liaison points with history, visit logs, the year-end summary, the titled share, and the service day."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from engines.standards.services import title_grant
from mechanisms.campaigns.library import install_standards
from mechanisms.liaison import selectors
from mechanisms.liaison.models import LiaisonPoint
from mechanisms.liaison.services import point_assign, point_reassign, request_advance, request_receive, visit_log
from tests.kit import county_built_once

county, users = county_built_once()

D = datetime.date


@pytest.fixture
def point(county, users):
    return point_assign(user=users["county"], leader=county.people["lisi"], organization=county.village_a1,
                        level="county", year=2025, demonstration=True)


def test_reassignment_keeps_the_history(county, users, point):
    successor = point_reassign(user=users["county"], point=point, leader=county.people["wangwu"], on=D(2025, 7, 1),
                               note="李四调离")
    point.refresh_from_db()
    assert point.ended_on == D(2025, 6, 30) and point.replaced_by == successor
    assert successor.demonstration and successor.ended_on is None
    history = list(selectors.history(users["county"], county.village_a1))
    assert [p.leader.name for p in history] == ["王五", "李四"]
    with pytest.raises(ValidationError):
        visit_log(user=users["county"], point=point, visited_on=D(2025, 8, 1), content="走访")


def test_visits_sum_up_per_leader_at_year_end(county, users, point):
    visit_log(user=users["township_a"], point=point, visited_on=D(2025, 3, 2), content="指导换届", help_given="协调资金",
              amount="5000")
    visit_log(user=users["county"], point=point, visited_on=D(2025, 9, 9), content="帮建活动室", amount=Decimal("12000.5"))
    with pytest.raises(PermissionDenied):
        visit_log(user=users["township_b"], point=point, visited_on=D(2025, 9, 9), content="x")
    [row] = selectors.leader_summary(users["county"], 2025)
    assert row["visits"] == 2 and row["amount"] == Decimal("17000.50") and row["help"] == ["协调资金"]
    assert row["last_visit"] == D(2025, 9, 9)
    assert selectors.leader_summary(users["township_b"], 2025) == []


def test_share_of_titled_villages_that_are_liaison_points(county, users, point):
    shipped = install_standards(user=None, owner=county.county, codes=["five-good-village"])
    standard = shipped["five-good-village"].standard
    tier = standard.current_version.tiers.order_by("level").first().code
    for village in (county.village_a1, county.village_a2, county.village_b1):
        title_grant(user=None, standard=standard, tier_code=tier, subject=village, period_label="2024",
                    granted_on=D(2025, 1, 20), granted_by="县委")
    share = selectors.titled_share(users["county"], county.county, year=2025)
    assert (share["titled"], share["liaison"], share["share"]) == (3, 1, Decimal("33.3"))
    point_assign(user=users["county"], leader=county.people["wangwu"], organization=county.village_b1,
                 level="department", year=2025)
    assert selectors.titled_share(users["county"], county.county, year=2025)["share"] == Decimal("66.7")
    assert selectors.titled_share(users["county"], county.county, year=2024)["liaison"] == 0


def test_service_day_requests_move_to_done_and_count_per_village(county, users):
    monday = D(2025, 3, 3)
    first = request_receive(user=users["branch_a1"], organization=county.village_a1, service_date=monday,
                            resident_name="陈大爷", matter="办理低保", handler=county.people["zhangsan"])
    request_receive(user=users["township_a"], organization=county.village_a2, service_date=monday,
                    resident_name="李婶", matter="宅基地审批")
    with pytest.raises(PermissionDenied):
        request_receive(user=users["branch_a1"], organization=county.village_a2, service_date=monday,
                        resident_name="x", matter="y")
    with pytest.raises(ValidationError):
        request_advance(user=users["branch_a1"], service_request=first, status="received")
    request_advance(user=users["branch_a1"], service_request=first, status="in_progress")
    done = request_advance(user=users["branch_a1"], service_request=first, status="done", on=D(2025, 3, 6))
    assert done.done_on == D(2025, 3, 6)
    counts = selectors.request_counts(users["township_a"], county.township_a)
    by_name = {row["org"].name: row for row in counts["rows"]}
    assert by_name["陳家村党支部"]["done"] == 1 and by_name["李家村党支部"]["received"] == 1
    assert counts["total"]["total"] == 2 and counts["total"]["done_share"] == Decimal("50.0")
    county_counts = selectors.request_counts(users["county"], county.county)
    assert [(row["org"].name, row["total"]) for row in county_counts["rows"]] == [("甲镇党委", 2)]


def test_pages_and_scope(client, county, users, point):
    visit_log(user=users["county"], point=point, visited_on=D(2025, 3, 2), content="指导换届")
    request_receive(user=users["branch_a1"], organization=county.village_a1, service_date=D(2025, 3, 3),
                    resident_name="陈大爷", matter="办理低保")
    client.force_login(users["township_a"])
    for url in ("/liaison/?year=2025", f"/liaison/{point.pk}/", "/liaison/summary/?year=2025",
                "/liaison/service-day/", "/liaison/new/"):
        response = client.get(url)
        assert response.status_code == 200, url
    assert "陈大爷" in client.get("/liaison/service-day/").content.decode()
    client.force_login(users["township_b"])
    assert client.get(f"/liaison/{point.pk}/").status_code == 404
    assert "陈大爷" not in client.get("/liaison/service-day/").content.decode()
    response = client.post(f"/liaison/{point.pk}/visits/", {"visited_on": "2025-04-01", "content": "x"})
    assert response.status_code == 404
    client.force_login(users["county"])
    response = client.post(f"/liaison/{point.pk}/visits/", {"visited_on": "2025-04-01", "content": "座谈", "amount": "100"})
    assert response.status_code == 302 and LiaisonPoint.objects.get(pk=point.pk).visits.count() == 2


def test_api(client, county, users, point):
    client.force_login(users["township_a"])
    response = client.post(f"/api/liaison/points/{point.pk}/visits",
                           {"visited_on": "2025-05-01", "content": "调研", "amount": "300"},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    assert client.get("/api/liaison/points?year=2025").json()["count"] == 1
    created = client.post("/api/liaison/requests", {"organization": county.village_a1.pk, "service_date": "2025-03-03",
                                                   "resident_name": "陈大爷", "matter": "办证"},
                          content_type="application/json")
    assert created.status_code == 201
    moved = client.post(f"/api/liaison/requests/{created.json()['id']}/status", {"status": "done", "on": "2025-03-04"},
                        content_type="application/json")
    assert moved.json()["status"] == "done"
    client.force_login(users["township_b"])
    assert client.get(f"/api/liaison/points/{point.pk}").status_code == 404
    assert client.post(f"/api/liaison/points/{point.pk}/visits", {"visited_on": "2025-05-01", "content": "x"},
                       content_type="application/json").status_code == 404
    assert client.get("/api/liaison/requests").json()["count"] == 0

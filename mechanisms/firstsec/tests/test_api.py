import datetime
import json

import pytest

from engines.duties import clock
from mechanisms.firstsec.models import Dispatch, EliminationEntry
from tests.kit import county_built_once, make_user

county, users = county_built_once()


def post(client, url, body):
    return client.post(url, json.dumps(body, default=str), content_type="application/json")


@pytest.fixture
def sent(client, county, users, installed, agency, make_secretary, today):
    client.force_login(users["county"])
    person = make_secretary("赵第一")
    response = post(client, "/api/firstsec/dispatches", {
        "person": person.pk, "village": county.village_a1.pk, "village_class": "weak_lax", "sending_org": agency.pk,
        "started_on": "2025-06-02", "ends_on": "2027-06-01"})
    assert response.status_code == 201, response.content
    return Dispatch.objects.get(pk=response.json()["id"])


def test_dispatches_are_listed_within_scope(client, users, sent):
    client.force_login(users["township_a"])
    body = client.get("/api/firstsec/dispatches?village_class=weak_lax").json()
    assert body["count"] == 1 and body["items"][0]["sending_unit"] == "县农业农村局机关党支部"
    assert client.get(f"/api/firstsec/dispatches/{sent.pk}").json()["status"] == "in_post"
    client.force_login(users["township_b"])
    assert client.get("/api/firstsec/dispatches").json()["count"] == 0
    assert client.get(f"/api/firstsec/dispatches/{sent.pk}").status_code == 404
    assert post(client, f"/api/firstsec/dispatches/{sent.pk}/recall", {"on": "2025-06-10", "reason": "x"}
                ).status_code == 404


def test_check_in_by_the_secretary_and_approval_by_the_township(client, users, sent, today):
    secretary = make_user("zhao", "member", sent.village, person=sent.person)
    client.force_login(secretary)
    response = post(client, f"/api/firstsec/dispatches/{sent.pk}/checkins", {
        "day": str(today - datetime.timedelta(days=4)), "in_village": True, "night_stayed": True,
        "latitude": 26.73, "longitude": 110.63, "accuracy": 20})
    assert response.status_code == 201
    checkin = response.json()
    assert (checkin["late"], checkin["approval"], checkin["counts"], checkin["latitude"]) == (True, "pending", False,
                                                                                              26.73)
    listed = client.get(f"/api/firstsec/checkins?dispatch={sent.pk}&year=2025&month=6").json()
    assert listed["count"] == 1
    assert post(client, f"/api/firstsec/checkins/{checkin['id']}/approve", {"approve": True}).status_code == 404
    client.force_login(users["township_a"])
    approved = post(client, f"/api/firstsec/checkins/{checkin['id']}/approve", {"approve": True}).json()
    assert approved["counts"] is True


def test_weekly_report_and_missing_weeks(client, users, sent):
    client.force_login(users["township_a"])
    with clock.today_is(datetime.date(2025, 6, 25)):
        assert post(client, f"/api/firstsec/dispatches/{sent.pk}/weekly",
                    {"week_start": "2025-06-02", "title": "第23周"}).status_code == 201
        body = client.get(f"/api/firstsec/dispatches/{sent.pk}/weekly").json()
    assert [r["period_label"] for r in body["reports"]] == ["2025-W23"]
    assert body["missing_weeks"] == ["2025-06-09", "2025-06-16"]  # the week of 16 June was due on the 23rd


def test_monthly_ranking_and_elimination_list(client, users, county, sent):
    client.force_login(users["county"])
    with clock.today_is(datetime.date(2025, 7, 3)):
        body = post(client, "/api/firstsec/rankings", {"county": county.county.pk, "year": 2025, "month": 6}).json()
    assert body["computed"] and [row["village_class"] for row in body["rows"]] == ["weak_lax"]
    assert client.get("/api/firstsec/rankings?year=2025&month=6").json()["rows"][0]["rank_class"] == 1
    client.force_login(users["township_b"])
    assert client.get("/api/firstsec/rankings?year=2025&month=6").json()["rows"] == []
    entry = EliminationEntry.objects.create(dispatch=sent, person_id=sent.person_id, org_path=sent.org_path,
                                            county=county.county, last_month="2025-06", months=["2025-06"],
                                            reason="末位")
    assert client.get("/api/firstsec/elimination").json()["count"] == 0
    client.force_login(users["county"])
    with clock.today_is(datetime.date(2025, 7, 3)):
        asked = post(client, f"/api/firstsec/elimination/{entry.pk}/decide", {"decision": "recall", "note": "末位淘汰"})
        assert asked.status_code == 409 and asked.json()["counts"]["recall"] == 1
        decided = post(client, f"/api/firstsec/elimination/{entry.pk}/decide",
                       {"decision": "recall", "note": "末位淘汰", "confirm": True})
    assert decided.json()["decision"] == "recall" and decided.json()["decided_in"]
    assert client.get(f"/api/firstsec/dispatches/{sent.pk}").json()["status"] == "recalled"


def test_outcomes_and_totals(client, users, sent, today):
    client.force_login(users["township_a"])
    assert post(client, f"/api/firstsec/dispatches/{sent.pk}/outcomes",
                {"day": str(today), "visits": 20, "funds": "150000", "projects": 1}).status_code == 201
    totals = client.get("/api/firstsec/outcomes/totals").json()
    assert totals["overall"]["visits"] == 20 and totals["overall"]["funds"] == 150000.0
    assert totals["by_unit"][0]["name"] == "县农业农村局机关党支部"
    client.force_login(users["township_b"])
    assert client.get("/api/firstsec/outcomes/totals").json()["overall"]["visits"] == 0

"""The county's first-secretary rules and the month's attendance over the API (firstsec/api_rules.py)."""
import datetime
import json

import pytest

from mechanisms.firstsec.models import FirstsecRule
from mechanisms.firstsec.tests.test_api import sent  # noqa: F401
from tests.kit import make_user


def put(client, url, body):
    return client.put(url, json.dumps(body, default=str), content_type="application/json")


def test_the_county_reads_and_changes_its_rules(client, users, county):
    client.force_login(users["county"])
    listed = client.get("/api/firstsec/rules").json()
    assert [(row["organization"]["id"], row["own"], row["min_days"], row["min_nights"], row["elimination_months"])
            for row in listed] == [(county.county.pk, False, 22, 12, 3)]
    changed = put(client, f"/api/firstsec/rules/{county.county.pk}",
                  {"min_days": 20, "elimination_months": 2, "elimination_total_below": "65.5"})
    assert changed.status_code == 200, changed.content
    body = changed.json()
    assert (body["own"], body["min_days"], body["min_nights"], body["elimination_months"],
            body["elimination_total_below"]) == (True, 20, 12, 2, 65.5)
    rule = FirstsecRule.objects.get(organization=county.county)
    assert (rule.min_days, rule.min_nights) == (20, 12)
    switched_off = put(client, f"/api/firstsec/rules/{county.county.pk}", {"elimination_satisfaction_below": None})
    assert switched_off.json()["elimination_satisfaction_below"] is None
    assert client.get(f"/api/firstsec/rules/{county.county.pk}").json()["min_days"] == 20
    village = client.get(f"/api/firstsec/rules/{county.village_a1.pk}").json()
    assert (village["organization"]["id"], village["own"], village["min_days"]) == (county.village_a1.pk, False, 20)


def test_a_refused_rule_changes_nothing(client, users, county):
    client.force_login(users["county"])
    assert put(client, f"/api/firstsec/rules/{county.county.pk}", {"elimination_months": 13}).status_code == 422
    assert put(client, f"/api/firstsec/rules/{county.county.pk}", {"min_days": 20, "colour": "red"}
               ).status_code == 422
    assert not FirstsecRule.objects.exists()


def test_rules_outside_the_scope_answer_404(client, users, county):
    for who in ("township_a", "leader"):
        client.force_login(users[who])
        assert put(client, f"/api/firstsec/rules/{county.county.pk}", {"min_days": 1}).status_code == 404
    client.force_login(users["township_a"])
    assert client.get("/api/firstsec/rules").json() == []
    assert client.get(f"/api/firstsec/rules/{county.county.pk}").status_code == 404
    in_force = client.get(f"/api/firstsec/rules/{county.village_a1.pk}").json()  # its county's, seen from below
    assert (in_force["own"], in_force["min_days"]) == (False, 22)
    assert put(client, f"/api/firstsec/rules/{county.township_a.pk}", {"min_days": 1}).status_code == 404
    client.force_login(users["leader"])  # reads, never writes
    assert client.get(f"/api/firstsec/rules/{county.county.pk}").json()["min_days"] == 22
    assert not FirstsecRule.objects.exists()


def test_the_months_attendance_against_the_minimums(client, users, county, sent, today):  # noqa: F811
    secretary = make_user("zhao", "member", sent.village, person=sent.person)
    client.force_login(secretary)
    for back, night in ((0, True), (1, False)):
        response = client.post(f"/api/firstsec/dispatches/{sent.pk}/checkins", json.dumps({
            "day": str(today - datetime.timedelta(days=back)), "in_village": True, "night_stayed": night}),
            content_type="application/json")
        assert response.status_code == 201, response.content
    late = client.post(f"/api/firstsec/dispatches/{sent.pk}/checkins", json.dumps({
        "day": str(today - datetime.timedelta(days=5)), "in_village": True}), content_type="application/json")
    assert late.json()["approval"] == "pending"

    client.force_login(users["township_a"])
    body = client.get("/api/firstsec/attendance", {"year": 2025, "month": 6}).json()
    assert (body["month"], body["dispatches"], body["compliant"]) == ("2025-06", 1, 0)
    row = body["rows"][0]
    assert (row["dispatch"], row["days"], row["nights"], row["min_days"], row["min_nights"], row["days_met"],
            row["pending"]) == (sent.pk, 2, 1, 22, 12, False, 1)
    assert client.get("/api/firstsec/attendance", {"year": 2025, "month": 6, "under": county.village_a1.pk}
                      ).json()["dispatches"] == 1
    assert client.get("/api/firstsec/attendance", {"year": 2025, "month": 13}).status_code == 422

    client.force_login(users["township_b"])
    assert client.get("/api/firstsec/attendance", {"year": 2025, "month": 6}).json()["dispatches"] == 0
    assert client.get("/api/firstsec/attendance", {"year": 2025, "month": 6, "under": county.village_a1.pk}
                      ).status_code == 404


@pytest.mark.parametrize("path", ["/api/firstsec/rules", "/api/firstsec/attendance?year=2025&month=6"])
def test_anonymous_callers_are_refused(client, path):
    assert client.get(path).status_code in (401, 403)

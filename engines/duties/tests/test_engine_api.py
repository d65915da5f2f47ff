"""The duties API (scoped like everything else: outside the scope is 404) and the engine's commands."""
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from engines.duties import clock, services
from engines.duties.models import DutyRule, Notice, Obligation, RuleVersion, Submission
from engines.duties.testing import make_rule
from kernel.core import rates
from tests.kit import county_built_once

from .test_engine import VALID

county, users = county_built_once()

D = datetime.date


def post(client, url, body):
    return client.post(url, json.dumps(body, default=str), content_type="application/json")


@pytest.fixture
def reviewed(county):
    rule = make_rule(county.county, code="reviewed", review=True).rule
    with clock.today_is(D(2025, 4, 1)):
        services.generate(user=None, rule=rule, year=2025)
    return rule


def test_import_export_and_a_malformed_file(client, users, county):
    client.force_login(users["county"])
    created = post(client, "/api/duties/rules/import", {"owner": county.county.pk, "text": VALID})
    assert created.status_code == 201, created.content
    assert created.json()["current"]["cadence"] == "quarterly"
    assert post(client, "/api/duties/rules/import", {"owner": county.county.pk, "text": VALID}).status_code == 200
    rule_id = created.json()["id"]
    exported = client.get(f"/api/duties/rules/{rule_id}/export")
    assert exported.status_code == 200 and b"township-quarterly-report" in exported.content
    bad = post(client, "/api/duties/rules/import",
               {"owner": county.county.pk, "text": VALID.replace("due_days: 10", "due_days: soon")})
    assert bad.status_code == 422
    assert "10" in bad.json()["detail"][0]["message"]
    assert RuleVersion.objects.count() == 1


def test_import_for_an_owner_outside_the_scope_is_404(client, users, county):
    client.force_login(users["township_a"])
    response = post(client, "/api/duties/rules/import", {"owner": county.township_b.pk, "text": VALID})
    assert response.status_code == 404
    assert not DutyRule.objects.exists()


def test_obligations_filtered_and_scoped(client, users, county, reviewed):
    client.force_login(users["township_a"])
    listed = client.get("/api/duties/obligations", {"period": "2025-Q2"}).json()
    assert listed["count"] == 2
    assert {item["subject"]["id"] for item in listed["items"]} == {county.village_a1.pk, county.village_a2.pk}
    mine = client.get("/api/duties/obligations", {"organization": county.village_a1.pk, "year": 2025}).json()
    assert mine["count"] == 4
    assert client.get("/api/duties/obligations", {"state": "missed"}).json()["count"] == 0
    assert client.get("/api/duties/obligations", {"under": county.township_b.pk}).status_code == 404
    foreign = Obligation.objects.filter(organization=county.village_b1).first()
    assert client.get(f"/api/duties/obligations/{foreign.pk}").status_code == 404


def test_submit_review_and_the_rollup(client, users, county, reviewed):
    client.force_login(users["branch_a1"])
    with clock.today_is(D(2025, 4, 5)):
        response = post(client, "/api/duties/submissions", {
            "rule": reviewed.pk, "organization": county.village_a1.pk, "occurred_on": "2025-03-31",
            "title": "一季度报告"})
    assert response.status_code == 201, response.content
    submission = response.json()
    assert submission["review"] == "pending" and submission["counts"] is False
    # The branch cannot review its own report; its township can.
    refused = post(client, f"/api/duties/submissions/{submission['id']}/review", {"accept": True})
    assert refused.status_code == 404
    client.force_login(users["township_a"])
    accepted = post(client, f"/api/duties/submissions/{submission['id']}/review", {"accept": True})
    assert accepted.status_code == 200 and accepted.json()["counts"] is True
    obligation = client.get(f"/api/duties/obligations/{submission['obligation']}").json()
    assert (obligation["state"], obligation["completed_on"]) == ("done", "2025-04-05")
    rollup = client.get("/api/duties/rollup", {"root": county.township_a.pk, "year": 2025}).json()
    assert [row["organization"]["id"] for row in rollup] == [county.township_a.pk, county.village_a1.pk,
                                                             county.village_a2.pk]
    assert rollup[0]["done"] == 1 and rollup[0]["total"] == 8
    for row in rollup:  # the percent is the counts' rate, rounded once (kernel.core.rates), beside the share
        expected = rates.rate(row["done"], row["due"])
        assert (Decimal(row["on_time_percent"]) if row["on_time_percent"] is not None else None) == expected
    assert client.get("/api/duties/rollup", {"root": county.township_b.pk}).status_code == 404
    assert client.get("/api/duties/submissions", {"review": "accepted"}).json()["count"] == 1


def test_submitting_for_another_township_is_404_and_writes_nothing(client, users, county, reviewed):
    client.force_login(users["township_a"])
    response = post(client, "/api/duties/submissions", {
        "rule": reviewed.pk, "organization": county.village_b1.pk, "occurred_on": "2025-03-31", "title": "x"})
    assert response.status_code == 404
    assert not Submission.objects.exists()


def test_late_entry_approval_over_the_api(client, users, county):
    rule = make_rule(county.county, code="meetings", kind="meeting", backfill_days=3).rule
    client.force_login(users["branch_a1"])
    with clock.today_is(D(2025, 3, 20)):
        late = post(client, "/api/duties/submissions", {
            "rule": rule.pk, "organization": county.village_a1.pk, "occurred_on": "2025-03-01", "title": "支部党员大会"})
    assert late.json()["late_entry"] and late.json()["approval"] == "pending"
    client.force_login(users["township_a"])
    approved = post(client, f"/api/duties/submissions/{late.json()['id']}/approve", {"approve": True})
    assert approved.json()["approval"] == "approved" and approved.json()["counts"]


def test_notices_are_the_callers_own(client, users, county, reviewed):
    clock.tick(today=D(2025, 4, 5))
    client.force_login(users["branch_a1"])
    notices = client.get("/api/duties/notices", {"unread": True}).json()["items"]
    assert len(notices) == 1 and notices[0]["kind"] == "reminder"
    other = Notice.objects.filter(user=users["township_a"]).first()
    assert post(client, f"/api/duties/notices/{other.pk}/read", {}).status_code == 404
    assert post(client, f"/api/duties/notices/{notices[0]['id']}/read", {}).json()["read_at"]
    assert client.get("/api/duties/notices", {"unread": True}).json()["count"] == 0


# --- commands ---------------------------------------------------------------------------------------------------

def test_commands_import_generate_tick_export(county, tmp_path):
    path = tmp_path / "rule.yaml"
    path.write_text(VALID, encoding="utf-8")
    out = io.StringIO()
    call_command("import_duty_rule", str(path), "--owner", "C", stdout=out)
    assert "township-quarterly-report: version 1" in out.getvalue()
    call_command("generate_obligations", "--year", "2025", stdout=out)
    assert "8 obligations generated" in out.getvalue()  # two townships × four quarters
    call_command("generate_obligations", "--year", "2025", "--rule", "township-quarterly-report", stdout=out)
    assert "0 obligations generated" in out.getvalue()
    call_command("duties_tick", "--today", "2025-05-01", stdout=out)
    assert Obligation.objects.filter(state="missed").count() == 2
    exported = io.StringIO()
    call_command("export_duty_rule", "township-quarterly-report", stdout=exported)
    assert exported.getvalue().startswith("code: township-quarterly-report")


def test_import_command_reports_lines_and_writes_nothing(county, tmp_path):
    path = tmp_path / "rule.yaml"
    path.write_text(VALID.replace("kind: report", "kind: party"), encoding="utf-8")
    errors = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_duty_rule", str(path), stderr=errors)
    assert errors.getvalue().startswith("line 8:")
    assert not DutyRule.objects.exists()
    with pytest.raises(CommandError):
        call_command("duties_tick", "--today", "tomorrow")

"""The naming decision over HTTP: stage closes that leave sheets undeclared or unscored need confirming, the
decision shows its preview first, removes a title only from a subject assessed and found short, and is withdrawn
as a whole, restoring every title exactly."""
import datetime
import json

import pytest

from engines.standards import services as engine
from engines.standards.models import Tier, TitleAward, TitleDecision
from kernel.core.models import ChangeRecord
from mechanisms.campaigns.models import StageKind, StageStatus

from .test_stages import score_all, village_assessment

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
DECISION = {"decided_on": "2002-12-28", "decided_by": "中共示范县委", "decision_no": "示发〔2003〕3号"}


def call(client, method, url, body=None):
    if body is None:
        return getattr(client, method)(url, **EN)
    return getattr(client, method)(url, json.dumps(body), content_type="application/json", **EN)


def registry(client) -> dict:
    answer = call(client, "get", "/api/standards/titles?limit=200")
    assert answer.status_code == 200
    return {row["id"]: row for row in answer.json()["items"]}


def level_one(assessment) -> Tier:
    return Tier.objects.get(version=assessment.version, level=1)


@pytest.fixture
def held(campaign, county):
    """Titles from 2001: 五个好 for villages A2 and B1, 六个好 for both townships; village A1 holds none."""
    villages = village_assessment(campaign)
    townships = campaign.assessments.get(version__standard__code="six-good-township")
    for assessment, orgs in ((villages, (county.village_a2, county.village_b1)),
                             (townships, (county.township_a, county.township_b))):
        for org in orgs:
            engine.title_grant(user=None, standard=assessment.version.standard, tier_code=level_one(assessment).code,
                               subject=org, period_label="2001", granted_on=datetime.date(2002, 1, 10),
                               granted_by="县委")
    return campaign


@pytest.fixture
def at_naming(held, client, users, county):
    """Declaration closed with nothing declared, evaluation closed with only villages A1 (full marks) and B1
    (half marks) scored: the townships and village A2 have no result."""
    client.force_login(users["county"])
    base = f"/api/campaigns/{held.pk}/stages"
    assert call(client, "post", f"{base}/declaration/open").status_code == 200
    assert call(client, "post", f"{base}/declaration/close", {"confirm": True}).status_code == 200
    assert call(client, "post", f"{base}/evaluation/open").status_code == 200
    scored = {county.village_a1.pk: 1, county.village_b1.pk: 0.5}
    villages = village_assessment(held)
    score_all(users["county"], villages, "inspectors", lambda sheet: scored.get(sheet.organization_id, 0))
    villages.sheets.exclude(organization_id__in=scored).update()  # nothing else is scored
    from engines.standards.models import ItemScore

    ItemScore.objects.filter(sheet__assessment=villages).exclude(sheet__organization_id__in=scored).delete()
    assert call(client, "post", f"{base}/evaluation/close", {"confirm": True}).status_code == 200
    assert call(client, "post", f"{base}/naming/open").status_code == 200
    return held


def test_closing_a_stage_with_unscored_sheets_needs_confirming(campaign, client, users):
    client.force_login(users["county"])
    base = f"/api/campaigns/{campaign.pk}/stages"
    call(client, "post", f"{base}/declaration/open")
    records = ChangeRecord.objects.count()
    answer = call(client, "post", f"{base}/declaration/close", {})
    assert answer.status_code == 409
    body = answer.json()
    assert body["code"] == "confirmation_required"
    assert body["counts"] == {"undeclared": 5, "unscored": 5}
    assert len(body["sheets"]) == 5 and all(row["undeclared"] and row["unscored"] for row in body["sheets"])
    assert campaign.stages.get(kind=StageKind.DECLARATION).status == StageStatus.OPEN  # nothing written
    assert ChangeRecord.objects.count() == records
    answer = call(client, "post", f"{base}/declaration/close", {"confirm": True})
    assert answer.status_code == 200
    assert answer.json()["stages"][0]["status"] == "closed"


def test_the_page_lists_the_unscored_sheets_before_closing(campaign, client, users, county):
    client.force_login(users["county"])
    client.post(f"/campaigns/{campaign.pk}/stages/declaration/open/")
    page = client.post(f"/campaigns/{campaign.pk}/stages/declaration/close/", **EN)
    assert page.status_code == 200
    text = page.content.decode()
    assert "5 sheets have no declared tier." in text and county.village_a1.name in text
    assert campaign.stages.get(kind=StageKind.DECLARATION).status == StageStatus.OPEN
    answer = client.post(f"/campaigns/{campaign.pk}/stages/declaration/close/", {"confirm": "1"})
    assert answer.status_code == 302
    assert campaign.stages.get(kind=StageKind.DECLARATION).status == StageStatus.CLOSED


def test_the_preview_counts_and_no_title_lost_without_a_result(at_naming, client, county):
    answer = call(client, "get", f"/api/campaigns/{at_naming.pk}/naming")
    assert answer.status_code == 200
    preview = answer.json()
    assert preview["counts"] == {"granted": 1, "kept": 0, "not_assessed": 3, "revoked": 1, "unassessed_sheets": 3}
    villages = next(plan for plan in preview["assessments"] if plan["standard"]["code"] == "five-good-village")
    assert [row["subject"]["name"] for row in villages["named"]] == [county.village_a1.name]
    assert [(row["subject"]["name"], row["reason"]) for row in villages["revoked"]] == [
        (county.village_b1.name, "failed")]
    assert [(row["subject"]["name"], row["reason"]) for row in villages["not_assessed"]] == [
        (county.village_a2.name, "not_assessed")]


def test_the_decision_needs_confirming_and_writes_nothing_before(at_naming, client):
    before = registry(client)
    records = ChangeRecord.objects.count()
    answer = call(client, "post", f"/api/campaigns/{at_naming.pk}/naming", DECISION)
    assert answer.status_code == 409
    assert answer.json()["counts"]["revoked"] == 1 and answer.json()["counts"]["granted"] == 1
    assert registry(client) == before
    assert ChangeRecord.objects.count() == records and not TitleDecision.objects.exists()


def test_decide_then_withdraw_restores_every_title(at_naming, client, county):
    before = registry(client)
    answer = call(client, "post", f"/api/campaigns/{at_naming.pk}/naming", {**DECISION, "confirm": True})
    assert answer.status_code == 201
    decision = answer.json()
    assert [row["subject"]["name"] for row in decision["granted"]] == [county.village_a1.name]
    assert [row["subject"]["name"] for row in decision["revoked"]] == [county.village_b1.name]
    after = registry(client)
    assert after[decision["revoked"][0]["id"]]["status"] == "revoked"
    assert sum(row["status"] == "active" for row in after.values()) == 4  # 3 unassessed kept + the new one
    campaign = call(client, "get", f"/api/campaigns/{at_naming.pk}").json()
    assert campaign["decision"] == decision["id"] and campaign["stages"][2]["status"] == "closed"

    url = f"/api/campaigns/decisions/{decision['id']}/withdraw"
    refused = call(client, "post", url, {"reason": " "})
    assert refused.status_code == 422
    withdrawn = call(client, "post", url, {"reason": "测评数据有误，重新评定"})
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    restored = registry(client)
    new_ids = set(restored) - set(before)
    assert {restored[pk]["status"] for pk in new_ids} == {"withdrawn"}
    assert {pk: row for pk, row in restored.items() if pk in before} == before
    campaign = call(client, "get", f"/api/campaigns/{at_naming.pk}").json()
    assert campaign["decision"] is None and campaign["stages"][2]["status"] == "open"
    twice = call(client, "post", url, {"reason": "再撤一次"})
    assert twice.status_code == 422
    assert twice.json()["message"] == "This decision has already been withdrawn."
    messages = list(ChangeRecord.objects.filter(object_id=decision["id"], content_type__model="titledecision")
                    .values_list("action", flat=True))
    assert sorted(messages) == ["create", "update"]
    again = call(client, "post", f"/api/campaigns/{at_naming.pk}/naming", {**DECISION, "confirm": True})
    assert again.status_code == 201  # the stage is open again: a new decision from a new preview


def test_actions_out_of_order_are_refused_with_their_reason(campaign, client, users, county):
    client.force_login(users["county"])
    base = f"/api/campaigns/{campaign.pk}"
    answer = call(client, "post", f"{base}/naming", {**DECISION, "confirm": True})
    assert answer.status_code == 422
    assert answer.json()["message"].startswith("The naming stage is not open")
    answer = call(client, "post", f"{base}/stages/evaluation/open")
    assert answer.status_code == 422 and answer.json()["message"] == "The previous stage must be closed first."
    sheet = village_assessment(campaign).sheets.get(organization=county.village_a1)
    client.force_login(users["branch_a1"])
    answer = call(client, "post", f"{base}/sheets/{sheet.pk}/declaration", {"tier": "qualified"})
    assert answer.status_code == 422 and "declaration stage is open" in answer.json()["message"]
    sheet.refresh_from_db()
    assert sheet.declared_tier == "" and not TitleAward.objects.exists()


def test_the_preview_and_decision_pages(at_naming, client, county):
    page = client.get(f"/campaigns/{at_naming.pk}/naming/", DECISION, **EN)
    assert page.status_code == 200
    text = page.content.decode()
    assert county.village_b1.name in text and "Not assessed" in text
    refused = client.post(f"/campaigns/{at_naming.pk}/naming/", DECISION, **EN)  # the box left unticked
    assert refused.status_code == 400 and not TitleDecision.objects.exists()
    answer = client.post(f"/campaigns/{at_naming.pk}/naming/", {**DECISION, "confirm": "1"})
    decision = TitleDecision.objects.get()
    assert answer.status_code == 302 and answer.url == f"/campaigns/decisions/{decision.pk}/"
    page = client.get(answer.url, **EN)
    assert county.village_a1.name in page.content.decode() and "Withdraw the decision" in page.content.decode()
    blank = client.post(f"/campaigns/decisions/{decision.pk}/withdraw/", {"reason": ""}, **EN)
    assert blank.status_code == 400
    decision.refresh_from_db()
    assert decision.status == "active"
    done = client.post(f"/campaigns/decisions/{decision.pk}/withdraw/", {"reason": "重新评定"})
    assert done.status_code == 302
    decision.refresh_from_db()
    assert decision.status == "withdrawn"
    assert at_naming.stages.get(kind=StageKind.NAMING).status == StageStatus.OPEN

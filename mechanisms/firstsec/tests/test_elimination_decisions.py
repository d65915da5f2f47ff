"""The county's 末位淘汰 decision on a month's list: previewed (who is kept, warned, recalled), refused without
confirmation (nothing written), recorded as one act, withdrawn with a reason restoring every dispatch, post and
entry exactly; withdrawing twice, or after a recalled secretary's village has had a new dispatch, is refused.
Through the API and the pages."""
import datetime
import json

import pytest
from django.contrib.contenttypes.models import ContentType

from engines.duties import clock
from kernel.core.models import ChangeRecord
from kernel.people.models import Person, Post
from mechanisms.firstsec.models import Dispatch, EliminationDecision, EliminationEntry

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
DECIDED_ON = datetime.date(2025, 7, 3)


def post(client, url, body):
    return client.post(url, json.dumps(body, default=str), content_type="application/json", **EN)


@pytest.fixture
def listed(client, county, users, installed, agency, make_secretary, today):
    """Three secretaries in post on the county's list for 2025-06, in villages A1, A2 and B1."""
    client.force_login(users["county"])
    entries = {}
    for village, name in ((county.village_a1, "赵第一"), (county.village_a2, "钱第二"), (county.village_b1, "孙第三")):
        response = post(client, "/api/firstsec/dispatches", {
            "person": make_secretary(name).pk, "village": village.pk, "village_class": "weak_lax",
            "sending_org": agency.pk, "started_on": "2025-06-02", "ends_on": "2027-06-01"})
        assert response.status_code == 201, response.content
        dispatch = Dispatch.objects.get(pk=response.json()["id"])
        entries[name] = EliminationEntry.objects.create(
            dispatch=dispatch, person_id=dispatch.person_id, org_path=dispatch.org_path, county=county.county,
            last_month="2025-06", months=["2025-04", "2025-05", "2025-06"], reason="末位")
    return entries


def decisions(listed):
    return [{"entry": listed["赵第一"].pk, "decision": "recall", "note": "末位淘汰"},
            {"entry": listed["钱第二"].pk, "decision": "warn", "note": "约谈"},
            {"entry": listed["孙第三"].pk, "decision": "keep"}]


def dispatches(client):
    return sorted(client.get("/api/firstsec/dispatches?limit=100", **EN).json()["items"], key=lambda d: d["id"])


def state(client):
    """What the decision touches, as the API and the registry show it: dispatches, the list, posts, people."""
    entries = client.get("/api/firstsec/elimination?limit=100", **EN).json()["items"]
    return (dispatches(client),
            sorted((e["id"], e["decision"], e["decided_on"], e["decision_note"], e["decided_in"]) for e in entries),
            sorted(Post.objects.values_list("pk", "ended_on")),
            sorted(Person.objects.values_list("pk", "organization_id")))


def acts(decision_id):
    return ChangeRecord.objects.filter(content_type=ContentType.objects.get_for_model(EliminationDecision),
                                       object_id=decision_id)


def request_body(listed, **more):
    return {"county": next(iter(listed.values())).county_id, "decisions": decisions(listed), **more}


def decide(client, listed):
    with clock.today_is(DECIDED_ON):
        done = post(client, "/api/firstsec/elimination/decide", request_body(listed, confirm=True))
    assert done.status_code == 200, done.content
    return done.json()


def test_the_preview_counts_and_names_and_nothing_is_written_without_confirmation(client, listed):
    before, records = state(client), ChangeRecord.objects.count()
    refused = post(client, "/api/firstsec/elimination/decide", request_body(listed))
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "confirmation_required" and body["last_month"] == "2025-06"
    assert body["count"] == 3 and body["counts"] == {"keep": 1, "warn": 1, "recall": 1}
    assert [row["person"]["name"] for row in body["recall"]] == ["赵第一"]
    assert [row["person"]["name"] for row in body["warn"]] == ["钱第二"]
    assert [row["person"]["name"] for row in body["keep"]] == ["孙第三"]
    assert body["recall"][0]["in_post"] and body["recall"][0]["note"] == "末位淘汰"
    assert state(client) == before and ChangeRecord.objects.count() == records
    assert not EliminationDecision.objects.exists()


def test_one_recorded_act_withdrawn_restores_exactly_and_twice_is_refused(client, listed):
    before = state(client)
    act = decide(client, listed)
    assert act["status"] == "active" and act["counts"] == {"keep": 1, "warn": 1, "recall": 1}
    recalled = next(d for d in dispatches(client) if d["person"]["name"] == "赵第一")
    assert (recalled["status"], recalled["left_on"]) == ("recalled", str(DECIDED_ON))
    assert Post.objects.get(pk=listed["赵第一"].dispatch.post_id).ended_on == DECIDED_ON
    assert {e["decided_in"] for e in client.get("/api/firstsec/elimination", **EN).json()["items"]} == {act["id"]}
    assert acts(act["id"]).filter(action="create").exists()

    withdraw = f"/api/firstsec/elimination/decisions/{act['id']}/withdraw"
    assert post(client, withdraw, {"reason": " "}).status_code == 422
    done = post(client, withdraw, {"reason": "考核数据有误，重新研究"})
    assert done.status_code == 200 and done.json()["status"] == "withdrawn"
    assert state(client) == before  # the dispatch back in post, the post's end as before, the entries awaiting
    assert acts(act["id"]).filter(action="update").count() == 1
    again = post(client, withdraw, {"reason": "再撤销"})
    assert again.status_code == 422 and "already been withdrawn" in again.json()["message"]
    assert state(client) == before
    detail = client.get(f"/api/firstsec/elimination/decisions/{act['id']}", **EN).json()
    assert detail["status"] == "withdrawn" and detail["withdraw_reason"] == "考核数据有误，重新研究"


def test_withdrawal_is_refused_once_the_village_has_a_new_dispatch(client, county, listed, agency, make_secretary):
    act = decide(client, listed)
    with clock.today_is(DECIDED_ON):
        sent = post(client, "/api/firstsec/dispatches", {
            "person": make_secretary("李接任").pk, "village": county.village_a1.pk, "village_class": "weak_lax",
            "sending_org": agency.pk, "started_on": "2025-07-04", "ends_on": "2027-07-03"})
    assert sent.status_code == 201, sent.content
    after = state(client)
    refused = post(client, f"/api/firstsec/elimination/decisions/{act['id']}/withdraw", {"reason": "撤销"})
    assert refused.status_code == 422
    message = refused.json()["message"]
    assert "has a new first secretary since" in message and "李接任" in message and "赵第一" in message
    assert state(client) == after and EliminationDecision.objects.get().status == "active"


def test_a_decision_outside_the_scope_is_a_404(client, users, listed):
    act = decide(client, listed)
    client.force_login(users["township_b"])
    assert client.get(f"/api/firstsec/elimination/decisions/{act['id']}").status_code == 404
    assert post(client, f"/api/firstsec/elimination/decisions/{act['id']}/withdraw",
                {"reason": "x"}).status_code == 404
    assert client.get("/api/firstsec/elimination/decisions").json()["count"] == 0
    client.force_login(users["township_a"])
    # 孙第三's entry (B1) is not township A's to see; 赵第一's it sees, but only the county decides: 404 alike
    assert post(client, "/api/firstsec/elimination/decide", request_body(listed)).status_code == 404
    assert post(client, "/api/firstsec/elimination/decide", {**request_body(listed), "decisions": decisions(listed)[:1]}
                ).status_code == 404
    assert EliminationDecision.objects.get().status == "active"


def test_the_pages_preview_confirm_and_withdraw(client, listed):
    before = state(client)
    form = {f"decision_{row['entry']}": row["decision"] for row in decisions(listed)}
    form[f"note_{listed['赵第一'].pk}"] = "末位淘汰"
    page = client.post("/firstsec/elimination/decide/", form, **EN)
    html = page.content.decode()
    assert page.status_code == 200 and 'id="elimination-confirm"' in html
    assert 'data-count="count">3<' in html and 'data-count="recall">1<' in html and "赵第一" in html
    assert state(client) == before and not EliminationDecision.objects.exists()
    with clock.today_is(DECIDED_ON):
        done = client.post("/firstsec/elimination/decide/", {**form, "confirm": "1"}, **EN)
    act = EliminationDecision.objects.get()
    assert done.status_code == 302 and done.url == f"/firstsec/elimination/decisions/{act.pk}/"
    shown = client.get(done.url, **EN).content.decode()
    assert 'id="decision-withdraw"' in shown and 'data-status="active"' in shown
    assert f"/firstsec/elimination/decisions/{act.pk}/" in client.get("/firstsec/elimination/").content.decode()
    withdrawn = client.post(f"/firstsec/elimination/decisions/{act.pk}/withdraw/", {"reason": "重新研究"}, **EN)
    assert withdrawn.status_code == 302 and state(client) == before
    again = client.post(f"/firstsec/elimination/decisions/{act.pk}/withdraw/", {"reason": "再撤销"}, follow=True,
                        **EN)
    assert "already been withdrawn" in again.content.decode()

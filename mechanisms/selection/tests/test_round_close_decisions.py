"""Closing a selection round is previewed (who goes on, who is eliminated and why, with counts), refused without
confirmation (nothing written), recorded as one act and withdrawn with a reason: the candidates back exactly and
the round open again; withdrawing twice, or once the next round has started, is refused. Through HTTP."""
import json

import pytest
from django.contrib.contenttypes.models import ContentType

from engines.standards.models import Assessment
from kernel.core.models import ChangeRecord
from kernel.people.services import person_create
from mechanisms.selection import services
from mechanisms.selection.models import Candidate, Decision, PoolEntry, Round, RoundClosure
from mechanisms.selection.testing import CHANNELS, cadre_name

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}

ROUNDS = [
    {"code": "initial", "name": "初评", "method": "top", "keep": 2},
    {"code": "second", "name": "二评", "method": "threshold", "threshold": "5"},
    {"code": "notice", "name": "公示", "method": "notice", "objection_days": 5},
]


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}, default=str), content_type="application/json", **EN)


def start(users, county, rounds=ROUNDS):
    selection = services.selection_create(user=users["county"], owner=county.county, name="县委好干部评选",
                                          year=2025, rounds=rounds)
    for i in range(4):
        person = person_create(user=None, organization=county.village_a1, name=cadre_name(i), gender="male")
        services.nomination_add(user=users["county"], selection=selection, person=person, channel=CHANNELS[i],
                                nominator="县直单位")
    services.rounds_start(user=users["county"], selection=selection)
    return list(Round.objects.filter(selection=selection).order_by("number"))


def score(client, round_, totals):
    rows = client.get(f"/api/selection/rounds/{round_.pk}/candidates?limit=100").json()["items"]
    scores = [{"candidate": row["id"], "items": {"J1": total}} for row, total in zip(rows, totals, strict=True)]
    assert post(client, f"/api/selection/rounds/{round_.pk}/scores", {"scores": scores}).status_code == 200


def candidates(client, round_):
    return client.get(f"/api/selection/rounds/{round_.pk}/candidates?limit=100").json()["items"]


def round_state(client, round_):
    body = client.get(f"/api/selection/rounds/{round_.pk}").json()
    return body["status"], body["entered"], body["passed"], body["eliminated"], body["closed_on"]


@pytest.fixture
def county_client(client, users):
    client.force_login(users["county"])
    return client


def test_the_preview_counts_and_without_confirmation_nothing_is_written(county_client, users, county):
    first, second, _notice = start(users, county)
    score(county_client, first, [10, 9, 8, 7])
    before = candidates(county_client, first)
    decisions = Decision.objects.count()
    preview = county_client.get(f"/api/selection/rounds/{first.pk}/close", **EN).json()
    assert (preview["entered"], preview["went_on"], preview["eliminated"]) == (4, 2, 2)
    assert preview["by_reason"] == {"below_top": 2} and preview["following"]["name"] == "二评"
    rows = {row["candidate"]: row for row in preview["candidates"]}
    assert [rows[c["id"]]["rank"] for c in before] == [1, 2, 3, 4]
    last = rows[before[3]["id"]]
    assert last["outcome"] == "eliminated" and last["reason_code"] == "below_top"
    assert last["reason"] == "Not among the best 2 of 初评."

    refused = post(county_client, f"/api/selection/rounds/{first.pk}/close")
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "confirmation_required" and (body["went_on"], body["eliminated"]) == (2, 2)
    page = county_client.post(f"/selection/rounds/{first.pk}/close/", **EN)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="close-confirm"' in html and 'name="confirm"' in html and 'data-count="eliminated">2<' in html
    assert candidates(county_client, first) == before
    assert round_state(county_client, first) == ("open", 4, 0, 0, None)
    assert round_state(county_client, second)[0] == "waiting"
    assert not RoundClosure.objects.exists() and Decision.objects.count() == decisions


def test_withdrawal_restores_exactly_and_twice_is_refused(county_client, users, county):
    first, second, _notice = start(users, county)
    score(county_client, first, [10, 9, 8, 7])
    before, round_before = candidates(county_client, first), round_state(county_client, first)
    closed = post(county_client, f"/api/selection/rounds/{first.pk}/close", {"confirm": True})
    assert closed.status_code == 200
    closure = closed.json()
    assert (closure["went_on"], closure["eliminated"], closure["round"]["status"]) == (2, 2, "closed")
    opened = Round.objects.get(pk=second.pk).assessment
    assert len(candidates(county_client, second)) == 2 and opened is not None

    withdraw = f"/api/selection/closures/{closure['id']}/withdraw"
    assert post(county_client, withdraw, {"reason": " "}).status_code == 422
    done = post(county_client, withdraw, {"reason": "评分录入有误"})
    assert done.status_code == 200 and done.json()["status"] == "withdrawn"
    assert candidates(county_client, first) == before
    assert round_state(county_client, first) == round_before
    assert round_state(county_client, second) == ("waiting", 0, 0, 0, None)
    assert candidates(county_client, second) == [] and Round.objects.get(pk=second.pk).assessment is None
    assert not Assessment.objects.filter(pk=opened.pk).exists()
    assert Round.objects.get(pk=first.pk).assessment.status == "open"
    acts = ChangeRecord.objects.filter(content_type=ContentType.objects.get_for_model(RoundClosure),
                                       object_id=closure["id"])
    assert sorted(acts.values_list("action", flat=True)) == ["create", "update"]

    again = post(county_client, withdraw, {"reason": "再撤销"})
    assert again.status_code == 422 and "already been withdrawn" in again.json()["message"]
    assert candidates(county_client, first) == before

    page = county_client.get(f"/selection/closures/{closure['id']}/", **EN).content.decode()
    assert 'data-status="withdrawn"' in page and 'id="closure-withdraw"' not in page
    # Open again, the round closes again as before.
    again = post(county_client, f"/api/selection/rounds/{first.pk}/close", {"confirm": True}).json()
    assert (again["went_on"], again["eliminated"]) == (2, 2)
    assert len(candidates(county_client, second)) == 2


def test_withdrawal_is_refused_once_the_next_round_has_started(county_client, users, county):
    first, second, _notice = start(users, county)
    score(county_client, first, [10, 9, 8, 7])
    closure = post(county_client, f"/api/selection/rounds/{first.pk}/close", {"confirm": True}).json()
    score(county_client, second, [6, 4])
    after_first, after_second = candidates(county_client, first), candidates(county_client, second)
    refused = post(county_client, f"/api/selection/closures/{closure['id']}/withdraw", {"reason": "撤销"})
    assert refused.status_code == 422
    message = refused.json()["message"]
    assert "The next round, 二评, has started since (scores were entered)" in message
    assert "can no longer be withdrawn" in message
    assert candidates(county_client, first) == after_first and candidates(county_client, second) == after_second
    assert RoundClosure.objects.get().status == "active"
    page = county_client.post(f"/selection/closures/{closure['id']}/withdraw/", {"reason": "撤销"}, follow=True,
                              **EN).content.decode()
    assert "has started since" in page


def test_withdrawing_the_last_close_empties_the_pool_it_filled(county_client, users, county):
    (only,) = start(users, county, rounds=[ROUNDS[0]])
    score(county_client, only, [10, 9, 8, 7])
    before = candidates(county_client, only)
    page = county_client.post(f"/selection/rounds/{only.pk}/close/", {"confirm": "1"}, **EN)
    assert page.status_code == 302
    closure = RoundClosure.objects.get()
    assert PoolEntry.objects.count() == 2
    selection = county_client.get(f"/api/selection/selections/{only.selection_id}").json()
    assert selection["status"] == "done"
    page = county_client.get(f"/selection/closures/{closure.pk}/", **EN).content.decode()
    assert 'id="closure-withdraw"' in page
    county_client.post(f"/selection/closures/{closure.pk}/withdraw/", {"reason": "审定程序不规范"}, **EN)
    assert PoolEntry.objects.count() == 0 and candidates(county_client, only) == before
    assert county_client.get(f"/api/selection/selections/{only.selection_id}").json()["status"] == "running"
    assert Candidate.objects.filter(round=only, outcome="pending").count() == 4

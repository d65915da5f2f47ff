"""Selection pages and API: a round run from the pages, objections, the pool's xlsx, and the scope (a township
sees neither another township's selection nor its people)."""
import datetime
import io
import json

import pytest
from openpyxl import load_workbook

from kernel.people.services import person_create
from mechanisms.selection import services
from mechanisms.selection.models import Candidate, Nominee, Outcome, PoolEntry, Round
from mechanisms.selection.testing import CHANNELS, cadre_name

pytestmark = pytest.mark.django_db

FEW_ROUNDS = [
    {"code": "initial", "name": "初评", "method": "top", "keep": 2},
    {"code": "notice", "name": "公示", "method": "notice", "objection_days": 5},
    {"code": "final", "name": "审定", "method": "vote", "threshold": "0.5"},
]


def _people(county, count=4, org=None):
    return [person_create(user=None, organization=org or county.village_a1, name=cadre_name(i), gender="male")
            for i in range(count)]


@pytest.fixture
def county_selection(county, users):
    selection = services.selection_create(user=users["county"], owner=county.county, name="县委好干部评选", year=2025,
                                          rounds=FEW_ROUNDS)
    for i, person in enumerate(_people(county)):
        services.nomination_add(user=users["county"], selection=selection, person=person, channel=CHANNELS[i],
                                nominator="县直单位")
    return selection


@pytest.fixture
def township_b_selection(county, users):
    selection = services.selection_create(user=users["township_b"], owner=county.township_b, name="乙镇好干部评选",
                                          year=2025, rounds=FEW_ROUNDS)
    services.nomination_add(user=users["township_b"], selection=selection, person=county.people["wangwu"],
                            channel="unit", nominator="乙镇党委")
    return selection


def test_the_county_runs_a_round_from_the_pages(client, users, county_selection):
    client.force_login(users["county"])
    assert client.get("/selection/").status_code == 200
    page = client.get(f"/selection/{county_selection.pk}/").content.decode()
    assert "县委好干部评选" in page and 'id="selection-funnel"' in page
    client.post(f"/selection/{county_selection.pk}/start/")
    first = Round.objects.get(selection=county_selection, number=1)
    assert first.status == "open" and first.entered == 4
    candidates = list(Candidate.objects.filter(round=first).order_by("id"))
    form = {f"s-{c.pk}-J1": str(10 - i) for i, c in enumerate(candidates)}
    client.post(f"/selection/rounds/{first.pk}/scores/", form)
    assert [c.score for c in Candidate.objects.filter(round=first).order_by("id")] == [10, 9, 8, 7]
    page = client.get(f"/selection/rounds/{first.pk}/").content.decode()
    assert f'name="s-{candidates[0].pk}-J1"' in page
    client.post(f"/selection/rounds/{first.pk}/close/", {"confirm": "1"})
    first.refresh_from_db()
    assert (first.status, first.passed, first.eliminated) == ("closed", 2, 2)
    page = client.get(f"/selection/{county_selection.pk}/").content.decode()
    assert "50.0%" in page


def test_the_notice_round_cannot_close_while_an_objection_is_open(client, users, county_selection):
    user = users["county"]
    first = services.rounds_start(user=user, selection=county_selection)
    services.scores_set(user=user, round_=first, scores={
        c.pk: {"J1": 10 - i} for i, c in enumerate(Candidate.objects.filter(round=first).order_by("id"))})
    services.round_close(user=user, round_=first, confirm=True)
    notice = Round.objects.get(selection=county_selection, number=2)
    candidate = Candidate.objects.filter(round=notice).first()
    client.force_login(user)
    client.post(f"/selection/rounds/{notice.pk}/objections/", {"candidate": candidate.pk, "raised_by": "群众来信",
                                                                 "text": "反映其作风问题"})
    assert Candidate.objects.get(pk=candidate.pk).outcome == Outcome.PAUSED
    page = client.get(f"/selection/rounds/{notice.pk}/").content.decode()
    assert 'id="close-blockers"' in page and "disabled" in page
    client.post(f"/selection/rounds/{notice.pk}/close/")
    assert Round.objects.get(pk=notice.pk).status == "open"
    objection = candidate.objections.get()
    client.post(f"/selection/objections/{objection.pk}/resolve/", {"resolution": "upheld", "note": "经核查属实"})
    assert Candidate.objects.get(pk=candidate.pk).outcome == Outcome.ELIMINATED
    later = datetime.date.today() + datetime.timedelta(days=10)
    services.round_close(user=user, round_=Round.objects.get(pk=notice.pk), today=later, confirm=True)
    assert Round.objects.get(pk=notice.pk).passed == 1


def test_the_pool_prints_as_xlsx_and_shows_on_the_person_page(client, users, county_selection):
    user = users["county"]
    first = services.rounds_start(user=user, selection=county_selection)
    services.scores_set(user=user, round_=first, scores={
        c.pk: {"J1": 10 - i} for i, c in enumerate(Candidate.objects.filter(round=first).order_by("id"))})
    services.round_close(user=user, round_=first, confirm=True)
    later = datetime.date.today() + datetime.timedelta(days=10)
    services.round_close(user=user, round_=Round.objects.get(selection=county_selection, number=2), today=later, confirm=True)
    final = Round.objects.get(selection=county_selection, number=3)
    services.votes_set(user=user, round_=final, votes={c.pk: (30, 40) for c in Candidate.objects.filter(round=final)})
    services.round_close(user=user, round_=final, today=later, confirm=True)
    entries = list(PoolEntry.objects.filter(selection=county_selection))
    assert len(entries) == 2
    client.force_login(user)
    response = client.get(f"/selection/{county_selection.pk}/pool.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert sorted(names) == sorted(e.person.name for e in entries)
    page = client.get(f"/selection/people/{entries[0].person_id}/").content.decode()
    assert "2025" in page and 'id="person-pool"' in page and 'id="person-decisions"' in page
    api = client.get("/api/selection/pool?year=2025").json()
    assert api["count"] == 2 and {item["year"] for item in api["items"]} == {2025}
    detail = client.get(f"/api/selection/selections/{county_selection.pk}").json()
    assert detail["nominated"] == 4 and detail["selected"] == 2 and detail["elimination_rate"] == 0.5
    assert [r["eliminated"] for r in detail["rounds"]] == [2, 0, 0]


def test_a_township_sees_404_for_another_townships_selection(client, users, county, township_b_selection):
    client.force_login(users["township_a"])
    pk = township_b_selection.pk
    for url in (f"/selection/{pk}/", f"/selection/{pk}/nominations/", f"/selection/{pk}/pool/",
                f"/api/selection/selections/{pk}", f"/api/selection/selections/{pk}/nominees"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/selection/{pk}/start/").status_code == 404
    response = client.post(f"/api/selection/selections/{pk}/nominations", json.dumps(
        {"person": county.people["zhangsan"].pk, "channel": "unit", "nominator": "甲镇"}),
        content_type="application/json")
    assert response.status_code == 404
    assert "乙镇好干部评选" not in client.get("/selection/").content.decode()
    assert client.get("/api/selection/selections").json()["count"] == 0
    client.force_login(users["township_b"])
    assert client.get(f"/selection/{pk}/").status_code == 200


def test_a_township_sees_the_county_selection_but_only_its_own_nominees(client, users, county, county_selection):
    services.nomination_add(user=users["county"], selection=county_selection, person=county.people["wangwu"],
                            channel="unit", nominator="乙镇党委")
    client.force_login(users["township_a"])
    page = client.get(f"/selection/{county_selection.pk}/nominations/").content.decode()
    assert "王五" not in page and cadre_name(0) in page
    api = client.get(f"/api/selection/selections/{county_selection.pk}/nominees").json()
    assert api["count"] == 4
    assert client.post(f"/selection/{county_selection.pk}/start/").status_code == 404  # seen, not run
    assert Nominee.objects.filter(selection=county_selection).count() == 5


def test_nominations_through_the_api_merge_channels(client, users, county, county_selection):
    client.force_login(users["township_a"])
    person = county.people["zhangsan"]
    for channel in ("unit", "self"):
        response = client.post(f"/api/selection/selections/{county_selection.pk}/nominations", json.dumps(
            {"person": person.pk, "channel": channel, "nominator": "甲镇党委"}), content_type="application/json")
        assert response.status_code == 200
    assert Nominee.objects.get(selection=county_selection, person=person).channels == ["unit", "self"]


def _post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def test_the_api_runs_the_rounds(client, users, county_selection):
    client.force_login(users["county"])
    first, notice, final = Round.objects.filter(selection=county_selection).order_by("number")
    response = _post(client, f"/api/selection/rounds/{final.pk}/configure",
                     {"method": "vote", "threshold": "0.6", "objection_days": 0})
    assert response.status_code == 200 and response.json()["threshold"] == "0.600"
    assert _post(client, f"/api/selection/selections/{county_selection.pk}/start").status_code == 200
    assert _post(client, f"/api/selection/rounds/{first.pk}/configure", {"method": "top", "keep": 3}).status_code \
        == 422  # an open round keeps its rule
    candidates = client.get(f"/api/selection/rounds/{first.pk}/candidates").json()["items"]
    scores = [{"candidate": c["id"], "items": {"J1": 10 - i, "J2": 5}} for i, c in enumerate(candidates)]
    assert _post(client, f"/api/selection/rounds/{first.pk}/scores", {"scores": scores}).json()["count"] == 8
    closed = _post(client, f"/api/selection/rounds/{first.pk}/close", {"confirm": True}).json()["round"]
    assert (closed["passed"], closed["eliminated"], closed["elimination_rate"]) == (2, 2, 0.5)
    outcomes = {c["id"]: (c["outcome"], c["score"]) for c in
                client.get(f"/api/selection/rounds/{first.pk}/candidates").json()["items"]}
    assert outcomes[candidates[0]["id"]] == ("passed", "15.00")
    assert outcomes[candidates[3]["id"]][0] == "eliminated"

    in_notice = client.get(f"/api/selection/rounds/{notice.pk}/candidates").json()["items"]
    objection = _post(client, f"/api/selection/candidates/{in_notice[0]['id']}/objections",
                      {"raised_by": "群众来信", "text": "反映问题"}).json()
    assert client.get(f"/api/selection/rounds/{notice.pk}/candidates?outcome=paused").json()["count"] == 1
    blocked = _post(client, f"/api/selection/rounds/{notice.pk}/close")
    assert blocked.status_code == 422
    resolved = _post(client, f"/api/selection/objections/{objection['id']}/resolve",
                     {"upheld": False, "note": "不属实"}).json()
    assert resolved["resolution"] == "dismissed"
    assert client.get(f"/api/selection/rounds/{notice.pk}/candidates?outcome=pending").json()["count"] == 2
    listed = client.get(f"/api/selection/selections/{county_selection.pk}/objections").json()
    assert listed["count"] == 1 and listed["items"][0]["resolution_note"] == "不属实"


def test_a_channel_s_nominations_import_from_pasted_lines(client, users, county, county_selection):
    client.force_login(users["county"])
    zhangsan, lisi = county.people["zhangsan"], county.people["lisi"]
    lines = f"张三\t甲镇党委\t带富能力强\n{lisi.id_number},李家村党支部,群众公认\n查无此人,某单位,无"
    client.post(f"/selection/{county_selection.pk}/nominations/", {"channel": "society", "lines": lines})
    nominees = {n.person_id: n.channels for n in Nominee.objects.filter(selection=county_selection)}
    assert nominees[zhangsan.pk] == ["society"] and nominees[lisi.pk] == ["society"]
    assert len(nominees) == 6  # the four nominated before, and two of the three lines
    page = client.get(f"/selection/{county_selection.pk}/nominations/?channel=society").content.decode()
    assert "张三" in page and "李四" in page and cadre_name(0) not in page

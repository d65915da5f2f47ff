"""The party representatives' standing system (党代表常任制, seed 001) as a city department runs it, through HTTP only,
from the empty small county: 21 township studios and their villages, a congress, its 371 representatives registered
in one list (a preview first) each linked to one village and ten households, the figures on the pages, the API and
the register's workbook; the studio's activity day recorded (the duty done in the duties engine) and the other
studios idle; a proposal followed to an answer and one overdue; a household's request; the month's ranking within the
studios; ending an office after its preview and withdrawing it; each township in its own subtree; bad input refused
in the user's language."""
import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kernel.core import clock

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
STUDIOS, REPRESENTATIVES, HOUSEHOLDS = 21, 371, 10   # seed 001: 371 representatives in 21 studios, 1 village, 10 households


@pytest.fixture(autouse=True)
def installed(shipped):
    """The shipped rules and standard, for every test here."""


def post(client, url, body, **extra):
    return client.post(url, json.dumps(body), content_type="application/json", **extra)


def created(response, status=201):
    assert response.status_code == status, response.content
    return response.json()


def api(path):
    return f"/api/representatives{path}"


def build_city(client, county) -> dict:
    """21 townships (the county's two and 19 more), a village in each, a studio in each, and the congress."""
    townships = [county.township_a.pk, county.township_b.pk]
    for n in range(STUDIOS - 2):
        townships.append(created(post(client, "/api/orgs", {
            "parent": county.county.pk, "code": f"T{n:02d}", "name": f"第{n + 3}镇党委", "org_type": "party_committee",
            "domain": "rural"}))["id"])
    villages = [county.village_a1.pk, county.village_b1.pk]
    for n, township in enumerate(townships[2:]):
        villages.append(created(post(client, "/api/orgs", {
            "parent": township, "code": f"V{n:02d}", "name": f"第{n + 3}村党支部", "org_type": "branch",
            "domain": "rural"}))["id"])
    studios = [created(post(client, api("/studios"), {"organization": township, "name": f"第{n + 1}党代表工作室",
                                                      "activity_day": 15}))["id"]
               for n, township in enumerate(townships)]
    congress = created(post(client, api("/congresses"), {
        "organization": county.county.pk, "number": 14, "opened_on": "2021-09-20", "term_ends_on": "2026-09-19"}))
    return {"townships": townships, "villages": villages, "studios": studios, "congress": congress["id"]}


def the_list(city) -> list[dict]:
    rows = []
    for n in range(REPRESENTATIVES):
        k = n % STUDIOS
        rows.append({"name": f"代表{n:03d}", "constituency": city["townships"][k], "studio": city["studios"][k],
                     "village": city["villages"][k],
                     "households": [{"name": f"户主{n:03d}-{h}", "address": f"{h + 1}组"} for h in range(HOUSEHOLDS)]})
    return rows


@pytest.fixture
def city(client, users, county):
    client.force_login(users["county"])
    city = build_city(client, county)
    rows = the_list(city)
    preview = post(client, api(f"/congresses/{city['congress']}/representatives"), {"rows": rows}, **ZH)
    assert preview.status_code == 409, preview.content
    assert {k: preview.json()[k] for k in ("representatives", "studios", "villages", "households")} == {
        "representatives": 371, "studios": 21, "villages": 21, "households": 3710}
    assert client.get(api("/figures")).json()["representatives"] == 0     # the preview wrote nothing
    done = created(post(client, api(f"/congresses/{city['congress']}/representatives"), {"rows": rows,
                                                                                         "confirm": True}))
    assert done == {"created": 371}
    return city


def test_371_representatives_in_21_studios_each_with_a_village_and_ten_households(client, users, county, city):
    figures = client.get(api("/figures")).json()
    assert (figures["representatives"], figures["studios"], figures["with_village"], figures["with_households"],
            figures["households"]) == (371, 21, 371, 371, 3710)
    studios = client.get(api("/studios"), {"limit": 50}).json()["items"]
    assert len(studios) == 21 and sum(s["representatives"] for s in studios) == 371
    assert sorted({s["representatives"] for s in studios}) == [17, 18]
    reps = client.get(api("/representatives"), {"limit": 200}).json()
    assert reps["count"] == 371
    assert all(r["households"] == 10 and r["village"] is not None for r in reps["items"])
    one = client.get(api(f"/representatives/{reps['items'][0]['id']}")).json()
    assert len(one["household_list"]) == 10
    page = client.get(reverse("representatives:register"), **ZH).content.decode()
    for figure, value in (("fig-representatives", 371), ("fig-with-village", 371), ("fig-with-households", 371),
                          ("fig-households", 3710)):
        assert f'id="{figure}">{value}<' in page, figure
    assert 'id="fig-studios"><a href="/representatives/studios/">21</a>' in page
    workbook = load_workbook(io.BytesIO(b"".join(client.get(reverse("representatives:register_xlsx")).streaming_content)))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 371
    assert {row[5] for row in rows[1:]} == {10} and all(row[4] for row in rows[1:])
    # the home panel's figures are the register's and the studios'
    panel = client.get(reverse("core:home_panel", args=["representatives.summary"]), **ZH)
    assert panel.status_code == 200 and "371" in panel.content.decode()


def test_activity_day_done_idle_studios_and_the_ranking(client, users, county, city):
    first = client.get(api("/representatives"), {"studio": city["studios"][0], "limit": 50}).json()["items"]
    assert len(first) == 18
    attendees = [r["id"] for r in first[:15]]
    rows = created(post(client, api(f"/studios/{city['studios'][0]}/activity-day"), {
        "occurred_on": "2025-06-15", "content": "党代表活动日：接待群众12人次", "attendees": attendees}))
    assert len(rows) == 15 and {r["kind"] for r in rows} == {"activity_day"}
    # the duty of the month is done for those who attended
    rules = {r["code"]: r["id"] for r in client.get("/api/duties/rules", {"limit": 100}).json()["items"]}
    person = first[0]["person"]["id"]
    owed = client.get("/api/duties/obligations", {"person": person, "rule": rules["rep-activity-day"]}).json()["items"]
    assert [(o["period_start"], o["state"], o["done_count"]) for o in owed] == [("2025-06-01", "done", 1)]
    # one of them did research and visited a household; another attended only
    top = first[0]["id"]
    created(post(client, api(f"/representatives/{top}/activities"), {
        "kind": "research", "occurred_on": "2025-06-10", "content": "调研村级集体经济"}))
    household = client.get(api(f"/representatives/{top}")).json()["household_list"][0]["id"]
    for day in ("2025-06-03", "2025-06-12"):
        created(post(client, api(f"/representatives/{top}/activities"), {
            "kind": "household_visit", "occurred_on": day, "content": "入户走访", "household": household}))
    # idle studios this month: all but the first
    idle = client.get(api("/studios/idle"), {"limit": 50}).json()
    assert idle["count"] == 20 and city["studios"][0] not in {s["id"] for s in idle["items"]}
    page = client.get(reverse("representatives:idle"), **ZH).content.decode()
    assert page.count("data-studio=") == 20
    # the month's ranking, within each studio
    ranking = client.post(api("/ranking"), json.dumps({"congress": city["congress"], "year": 2025, "month": 6}),
                          content_type="application/json").json()
    assert len(ranking["rows"]) == 371
    best = ranking["rows"][0]
    # 20 activity day + 15 research + 20 visits + 20 requests (none due) = 75
    assert (best["person"]["id"], float(best["total"]), best["rank_studio"], best["rank_all"]) == (person, 75.0, 1, 1)
    by_person = {row["person"]["id"]: row for row in ranking["rows"]}
    attended_only = by_person[first[1]["person"]["id"]]
    absent = by_person[first[16]["person"]["id"]]
    assert float(attended_only["total"]) == 40.0 and float(absent["total"]) == 20.0
    assert attended_only["rank_studio"] == 2 and absent["rank_studio"] == 16
    page = client.get(reverse("representatives:ranking"), {"congress": city["congress"], "year": 2025, "month": 6},
                      **ZH).content.decode()
    assert 'id="ranking"' in page and first[0]["person"]["name"] in page


def test_a_proposal_to_an_answer_and_one_overdue(client, users, county, city):
    rep = client.get(api("/representatives"), {"limit": 1}).json()["items"][0]["id"]
    proposal = created(post(client, api(f"/representatives/{rep}/proposals"), {
        "kind": "suggestion", "title": "关于改善农村饮水安全的建议", "content": "部分村组水质不达标", "submitted_on": "2025-03-02"}))
    assert proposal["status"] == "submitted"
    assigned = post(client, api(f"/proposals/{proposal['id']}/assign"), {
        "handling_unit": "市水利局", "assigned_on": "2025-03-05", "deadline": "2025-06-05"}).json()
    assert (assigned["status"], assigned["deadline"], assigned["overdue"]) == ("assigned", "2025-06-05", True)
    overdue = client.get(api("/proposals"), {"overdue": True}).json()
    assert [p["id"] for p in overdue["items"]] == [proposal["id"]]
    answered = post(client, api(f"/proposals/{proposal['id']}/answer"), {
        "answer": "已纳入年度农村饮水安全工程", "answered_on": "2025-06-10"}).json()
    assert answered["status"] == "answered" and answered["overdue"] is True   # answered after the deadline
    closed = post(client, api(f"/proposals/{proposal['id']}/close"), {"satisfaction": "satisfied"}).json()
    assert (closed["status"], closed["satisfaction"]) == ("closed", "satisfied")
    # a second one answered in time, then sent back as unsatisfactory
    second = created(post(client, api(f"/representatives/{rep}/proposals"), {
        "title": "关于完善农村公路养护机制的提议", "content": "道路失修", "submitted_on": "2025-05-02"}))
    post(client, api(f"/proposals/{second['id']}/assign"), {"handling_unit": "市交通运输局", "assigned_on": "2025-05-03"})
    post(client, api(f"/proposals/{second['id']}/answer"), {"answer": "列入计划", "answered_on": "2025-06-01"})
    back = post(client, api(f"/proposals/{second['id']}/close"), {"satisfaction": "unsatisfied"}).json()
    assert (back["status"], back["deadline"], back["overdue"]) == ("assigned", "2025-09-14", False)
    # the duty of the year: one proposal discharges it
    rules = {r["code"]: r["id"] for r in client.get("/api/duties/rules", {"limit": 100}).json()["items"]}
    person = client.get(api(f"/representatives/{rep}")).json()["person"]["id"]
    owed = client.get("/api/duties/obligations", {"person": person, "rule": rules["rep-proposal"]}).json()["items"]
    assert [(o["period_start"], o["state"]) for o in owed] == [("2025-01-01", "done")]
    # the proposals' workbook
    sheet = load_workbook(io.BytesIO(b"".join(client.get(reverse("representatives:proposals_xlsx")).streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3 and {row[2] for row in rows[1:]} == {"关于改善农村饮水安全的建议", "关于完善农村公路养护机制的提议"}
    page = client.get(reverse("representatives:proposals"), {"overdue": "1"}, **ZH).content.decode()
    assert "关于改善农村饮水安全的建议" in page
    # wrong order and empty input refused, in Chinese, nothing written
    refused = post(client, api(f"/proposals/{proposal['id']}/answer"), {"answer": "x", "answered_on": "2025-06-10"}, **ZH)
    assert refused.status_code == 422
    empty = post(client, api(f"/representatives/{rep}/proposals"), {"title": "", "content": "",
                                                                     "submitted_on": "2025-06-01"}, **ZH)
    assert empty.status_code == 422 and "提案" in empty.content.decode("utf-8") or empty.status_code == 422
    assert client.get(api("/proposals")).json()["count"] == 2


def test_household_request_end_of_office_and_scope(client, users, county, city):
    reps = client.get(api("/representatives"), {"under": county.township_a.pk, "limit": 50}).json()
    assert reps["count"] == 18
    rep = reps["items"][0]["id"]
    household = client.get(api(f"/representatives/{rep}")).json()["household_list"][0]["id"]
    request = created(post(client, api(f"/households/{household}/requests"), {
        "matter": "危房改造申请", "received_on": "2025-05-20"}))
    assert (request["deadline"], request["overdue"], request["state"]) == ("2025-06-04", True, "open")
    assert client.get(api("/requests"), {"overdue": True}).json()["count"] == 1
    done = post(client, api(f"/requests/{request['id']}/done"), {"done_on": "2025-06-10", "result": "已协调住建部门"}).json()
    assert (done["state"], done["overdue"]) == ("done", True)
    # ending an office: a preview first, then confirmed, then withdrawn
    preview = post(client, api(f"/representatives/{rep}/end"), {"on": "2025-06-01", "reason": "moved"}, **ZH)
    assert preview.status_code == 409 and preview.json()["households"] == 10
    assert client.get(api(f"/representatives/{rep}")).json()["status"] == "in_office"
    ended = post(client, api(f"/representatives/{rep}/end"), {"on": "2025-06-01", "reason": "moved", "confirm": True})
    assert ended.status_code == 200 and ended.json()["status"] == "ended"
    assert client.get(api("/figures")).json()["representatives"] == 370
    assert post(client, api(f"/representatives/{rep}/reinstate"), {}).json()["status"] == "in_office"
    assert client.get(api("/figures")).json()["representatives"] == 371
    # township B sees its own studio's representatives only; township A's are 404 to it
    client.force_login(users["township_b"])
    assert client.get(api("/representatives")).json()["count"] == 18
    assert client.get(api(f"/representatives/{rep}")).status_code == 404
    assert client.get(reverse("representatives:representative", args=[rep])).status_code == 404
    assert post(client, api(f"/households/{household}/requests"), {"matter": "x", "received_on": "2025-06-01"}
                ).status_code == 404
    # the pages of the township
    client.force_login(users["township_a"])
    page = client.get(reverse("representatives:representative", args=[rep]), **ZH).content.decode()
    assert 'id="household-count">10<' in page
    response = client.post(reverse("representatives:rep_action", args=[rep, "end"]),
                           {"on": "2025-06-02", "reason": "resigned"}, **ZH)
    assert response.status_code == 200 and 'id="preview"' in response.content.decode()
    assert client.get(api(f"/representatives/{rep}")).json()["status"] == "in_office"


def test_the_daily_job_makes_the_months_obligations(client, users, county, city):
    from django.core.management import call_command

    call_command("daily", "--today", "2025-06-16", "--only", "representatives", stdout=io.StringIO())
    rules = {r["code"]: r["id"] for r in client.get("/api/duties/rules", {"limit": 100}).json()["items"]}
    owed = client.get("/api/duties/obligations", {"rule": rules["rep-activity-day"], "due_from": "2025-06-30", "due_to": "2025-06-30"}).json()
    assert owed["count"] == 371
    assert clock.today().isoformat() == "2025-06-16"

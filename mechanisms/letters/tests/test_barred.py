"""Linked responsibility (seed 000 §一.3, 实行创建工作连带责任制): the people answerable for a letter (联点领导, 乡镇领导,
工作队(组)人员) recorded on the letter page, and, once the letter's year-end check fails, barred from the 优秀 grade
of the year's annual review: the barred list, its workbook, the home panel's count, the API, each township seeing
its own, a withdrawn check lifting the bar, and bad input refused with nothing lost."""
import datetime
import io
import json

import openpyxl
import pytest
from django.urls import reverse

from kernel.core import clock

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
TARGETS = [{"text": "“五个好”村党组织达标率", "measure": "%", "target": "80", "weight": "3"},
           {"text": "消除集体经济空壳村", "measure": "个", "target": "4", "weight": "2"}]


def post_json(client, url, body, method="post"):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def letters(client, **query) -> dict:
    response = client.get("/api/letters/letters", query)
    assert response.status_code == 200, response.content
    return {row["organization"]["name"]: row for row in response.json()["items"]}


def people_form(rows):
    return {"person_role": [r[0] for r in rows], "person_id": ["" for _ in rows],
            "person_name": [r[1] for r in rows], "person_post": [r[2] for r in rows]}


def actuals(client, letter, figures):
    body = {"actuals": [{"target": t["id"], "actual": f} for t, f in zip(letter["targets"], figures, strict=True)]}
    assert post_json(client, f"/api/letters/letters/{letter['id']}/actuals", body).status_code == 200


def check(client, issuer):
    done = post_json(client, "/api/letters/checks", {"issuer": issuer, "year": 2025, "confirm": True})
    assert done.status_code == 201, done.content
    return done.json()


@pytest.fixture
def checked(client, users, county):
    """County letters of 2025 to the townships, township A's to its villages; the people answerable recorded on
    the pages (two on township A's letter, one on village A1's); township A's check failed, village A1's passed."""
    client.force_login(users["county"])
    assert post_json(client, "/api/letters/issue", {"issuer": county.county.pk, "year": 2025,
                                                     "due_on": "2025-03-31", "targets": TARGETS,
                                                     "confirm": True}).status_code == 201
    a = letters(client, year=2025)["甲镇党委"]
    url = reverse("letters:people", args=[a["id"]])
    # bad input: refused in Chinese, the rows typed kept
    bad = client.post(url, people_form([("", "张联点", "县委常委"), ("link_leader", "", "")]), **ZH)
    assert bad.status_code == 422
    page = bad.content.decode()
    assert "角色" in page or "联点领导" in page
    assert 'value="张联点"' in page and 'value="县委常委"' in page
    assert letters(client, year=2025)["甲镇党委"]["people"] == []
    ok = client.post(url, people_form([("link_leader", "张联点", "县委常委、组织部长"),
                                       ("township_leader", "李镇长", "甲镇镇长"), ("", "", "")]), **ZH)
    assert ok.status_code == 302
    client.force_login(users["township_a"])
    assert post_json(client, "/api/letters/issue", {"issuer": county.township_a.pk, "year": 2025,
                                                    "due_on": "2025-04-15", "confirm": True}).status_code == 201
    a1 = letters(client, year=2025)["陳家村党支部"]
    assert client.post(reverse("letters:people", args=[a1["id"]]),
                       people_form([("work_team", "赵队员", "驻村工作队队员")]), **ZH).status_code == 302
    # township A may not change the county's letter's people
    assert post_json(client, f"/api/letters/letters/{a['id']}/people", {"people": []},
                     method="put").status_code in (403, 404)
    clock.set_today(datetime.date(2026, 1, 12))
    actuals(client, a1, [85, 4])
    check(client, county.township_a.pk)
    client.force_login(users["county"])
    rows = letters(client, year=2025)
    actuals(client, rows["甲镇党委"], [10, 0])
    actuals(client, rows["乙镇党委"], [85, 4])
    return check(client, county.county.pk)


def barred(client, **query):
    response = client.get("/api/letters/barred", {"year": 2025, **query})
    assert response.status_code == 200, response.content
    return response.json()


def test_the_failed_letters_people_are_barred(client, users, county, checked):
    rows = letters(client, year=2025)
    assert rows["甲镇党委"]["accepted"] is False and rows["陳家村党支部"]["accepted"] is True
    assert {(p["name"], p["role"]) for p in rows["甲镇党委"]["people"]} == {("张联点", "link_leader"),
                                                                          ("李镇长", "township_leader")}
    api = barred(client)
    assert api["count"] == 2
    assert {(r["name"], r["role"], r["organization"]["name"], r["tier"]) for r in api["items"]} == {
        ("张联点", "link_leader", "甲镇党委", "failed"), ("李镇长", "township_leader", "甲镇党委", "failed")}
    assert {r["checked_on"] for r in api["items"]} == {"2026-01-12"}
    page = client.get(reverse("letters:barred") + "?year=2025", **ZH)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-figure="barred">2<' in html and "张联点" in html and "李镇长" in html and "赵队员" not in html
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(
        client.get(reverse("letters:barred_xlsx") + "?year=2025").streaming_content)))
    sheet = workbook.active
    assert sheet.max_row == 3
    body = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert sorted((r[0], r[1], r[3], r[4], r[9]) for r in body) == [
        (2025, "张联点", "县委常委、组织部长", "甲镇党委", "2026-01-12"), (2025, "李镇长", "甲镇镇长", "甲镇党委", "2026-01-12")]
    assert all(r[2] and r[7] for r in body)  # the role and the check grade, in words
    # the letter page shows the bar, and the people are no longer editable
    letter = client.get(reverse("letters:letter", args=[rows["甲镇党委"]["id"]]), **ZH).content.decode()
    assert 'id="letter-people"' in letter and 'id="people-form"' not in letter
    refused = post_json(client, f"/api/letters/letters/{rows['甲镇党委']['id']}/people", {"people": []},
                        method="put")
    assert refused.status_code == 422
    # the home panel's count links to the same figure
    panel = client.get(reverse("core:home_panel", args=["letters.signed"]), **ZH)
    assert panel.status_code == 200
    assert reverse("letters:barred") + "?year=2025" in panel.content.decode()
    assert client.get("/api/letters/counts", {"year": 2025}).json()["barred"] == 2


def test_each_township_sees_its_own_and_out_of_scope_is_404(client, users, county, checked):
    client.force_login(users["township_b"])
    assert barred(client)["count"] == 0
    assert "张联点" not in client.get(reverse("letters:barred") + "?year=2025", **ZH).content.decode()
    assert client.get("/api/letters/barred", {"year": 2025, "under": county.township_a.pk}).status_code == 404
    assert client.get(reverse("letters:barred") + f"?year=2025&under={county.township_a.pk}").status_code in (200, 404)
    client.force_login(users["township_a"])
    assert {r["name"] for r in barred(client)["items"]} == {"张联点", "李镇长"}


def test_a_withdrawn_check_lifts_the_bar(client, users, county, checked):
    assert barred(client)["count"] == 2
    assert post_json(client, f"/api/letters/checks/{checked['id']}/withdraw",
                     {"reason": "数据录入有误"}).status_code == 200
    assert barred(client)["count"] == 0
    rows = letters(client, year=2025)
    actuals(client, rows["甲镇党委"], [85, 4])
    check(client, county.county.pk)
    assert barred(client)["count"] == 0  # redone as passed

"""Care and service (seed 002 §五) as a township runs it through the API and the pages only, from the empty small
county: old members from the registry and members flagged in hardship, their visits and help; the mutual-aid fund
with a payout previewed, confirmed, refused beyond the balance and withdrawn; the one-sentence commitments judged at
the year's end; volunteer hours; joint-building pairs with their outcome; each township seeing its own; the home
panel's figures equal to the pages they link to; the workbooks read back; the demo's year."""
import datetime
import html
import io
import json
import re

import openpyxl
import pytest
from django.urls import reverse

from kernel.core import clock

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture(autouse=True)
def today():
    clock.set_today(datetime.date(2025, 6, 16))


def post_json(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def ok(response, status=(200, 201)):
    assert response.status_code in status, response.content
    return response.json()


def summary(client, **query):
    return ok(client.get("/api/care/summary", query))


def workbook(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(
        values_only=True))


def test_old_members_and_members_in_hardship_visited_and_helped(client, users, county):
    zhang, lisi, chen = county.people["zhangsan"], county.people["lisi"], county.people["chen"]
    client.force_login(users["township_a"])
    assert summary(client)["cared"] == 1  # 李四, born 1950: 70 or more this year
    flag = ok(post_json(client, f"/api/care/people/{zhang.pk}/hardships", {"reason": "illness", "detail": "脑梗住院"}))
    assert flag["since"] == "2025-06-16"
    again = post_json(client, f"/api/care/people/{zhang.pk}/hardships", {"reason": "poverty"})
    assert again.status_code == 422 and "person" in again.content.decode()
    assert post_json(client, f"/api/care/people/{chen.pk}/hardships", {"reason": "other"}).status_code == 422
    members = ok(client.get("/api/care/members"))["items"]
    assert [(m["name"], m["hardship"]) for m in members] == [("张三", True), ("李四", False)]  # by org, then age
    ok(post_json(client, f"/api/care/people/{lisi.pk}/visits", {"visited_on": "2025-06-01", "visitor": "镇党委书记",
                                                               "given": "米、油"}))
    ok(post_json(client, f"/api/care/people/{zhang.pk}/visits", {"kind": "help", "visited_on": "2025-06-10",
                                                                "visitor": "村党支部书记", "given": "慰问金",
                                                                "amount": "500"}))
    assert post_json(client, f"/api/care/people/{zhang.pk}/visits",
                     {"kind": "help", "visited_on": "2025-06-10", "visitor": "村党支部书记"}).status_code == 422
    assert post_json(client, f"/api/care/people/{zhang.pk}/visits",
                     {"visited_on": "2025-07-01", "visitor": "某某"}).status_code == 422  # the future
    found = summary(client)
    assert {k: found[k] for k in ("old", "hardship", "cared", "visited", "visited_percent")} == {
        "old": 1, "hardship": 1, "cared": 2, "visited": 2, "visited_percent": 100.0}
    assert found["help"] == "500.00"
    # the page: each figure links to the list that shows the same number
    page = client.get(reverse("care:index"), **ZH).content.decode()
    for figure in ("old", "hardship", "visited"):
        link, value = re.search(rf'id="figure-{figure}" href="([^"]+)">(\d+)</a>', page).groups()
        listed = client.get(html.unescape(link)).content.decode()
        assert re.search(r'list-count" data-total="(\d+)"', listed).group(1) == value, figure
    help_link = re.search(r'id="figure-help" href="([^"]+)">([\d.]+)</a>', page).groups()
    assert f'data-total="{help_link[1]}"' in client.get(html.unescape(help_link[0])).content.decode()
    # lifting the hardship needs a reason; then 张三 is cared for no more next year
    hardship = flag["id"]
    assert post_json(client, f"/api/care/hardships/{hardship}/lift", {"note": ""}).status_code == 422
    lifted = ok(post_json(client, f"/api/care/hardships/{hardship}/lift", {"note": "病愈出院"}))
    assert lifted["lifted_on"] == "2025-06-16"
    rows = workbook(client.get(reverse("care:index_xlsx")))
    assert [row[0] for row in rows[1:]] == ["张三", "李四"] and rows[1][6] == 500.0
    # a search reaches any member, to record for them
    assert [m["name"] for m in ok(client.get("/api/care/members", {"q": "陳"}))["items"]] == ["陳小紅"]


def test_the_mutual_aid_fund_payout_previewed_confirmed_and_withdrawn(client, users, county):
    zhang = county.people["zhangsan"]
    client.force_login(users["township_a"])
    income = ok(post_json(client, "/api/care/fund/entries", {"organization": county.township_a.pk, "kind": "income",
                                                             "on": "2025-01-10", "amount": "10000",
                                                             "source": "党员自愿捐款"}))
    payout = {"organization": county.township_a.pk, "kind": "payout", "on": "2025-06-12", "amount": "3000",
              "source": "困难党员救助", "person": zhang.pk}
    preview = post_json(client, "/api/care/fund/entries", payout)
    assert preview.status_code == 409 and preview.json()["code"] == "confirmation_required"
    assert (preview.json()["balance_before"], preview.json()["balance_after"]) == ("10000.00", "7000.00")
    assert ok(client.get("/api/care/fund"))["balance"] == "10000.00"  # nothing written before the confirmation
    paid = ok(post_json(client, "/api/care/fund/entries", {**payout, "confirm": True}))
    assert ok(client.get("/api/care/fund"))["funds"][0] == {
        "organization": {"id": county.township_a.pk, "name": "甲镇党委"}, "income": "10000.00", "payouts": "3000.00",
        "balance": "7000.00", "members_helped": 1}
    too_much = post_json(client, "/api/care/fund/entries", {**payout, "amount": "8000", "confirm": True})
    assert too_much.status_code == 422 and "7000" in too_much.content.decode()
    refused = post_json(client, f"/api/care/fund/entries/{income['id']}/withdraw", {"reason": "录错"})
    assert refused.status_code == 422  # the fund would hold less than nothing
    assert post_json(client, f"/api/care/fund/entries/{paid['id']}/withdraw", {"reason": ""}).status_code == 422
    ok(post_json(client, f"/api/care/fund/entries/{paid['id']}/withdraw", {"reason": "重复录入"}))
    assert ok(client.get("/api/care/fund"))["balance"] == "10000.00"
    # the same through the page: the preview, then the confirmation
    form = {"fund": county.township_a.pk, "kind": "payout", "on": "2025-06-15", "amount": "2000",
            "source": "大病救助", "person": zhang.pk}
    page = client.post(reverse("care:fund"), form, **ZH).content.decode()
    assert 'id="fund-preview"' in page and "8000.00" in page
    assert ok(client.get("/api/care/fund"))["balance"] == "10000.00"
    assert client.post(reverse("care:fund"), {**form, "confirm": "True"}).status_code == 302
    fund_page = client.get(reverse("care:fund"), **ZH).content.decode()
    assert 'id="fund-total" data-total="8000.00"' in fund_page
    assert summary(client)["fund_balance"] == "8000.00"
    rows = workbook(client.get(reverse("care:fund_xlsx")))
    assert len(rows) == 4 and sorted(row[3] for row in rows[1:]) == [2000.0, 3000.0, 10000.0]
    # a township cannot pay from another's fund, nor an inspector at all
    client.force_login(users["township_b"])
    assert post_json(client, "/api/care/fund/entries", {**payout, "confirm": True}).status_code == 404
    assert ok(client.get("/api/care/fund"))["funds"] == []
    client.force_login(users["inspector"])
    assert post_json(client, "/api/care/fund/entries", {**payout, "confirm": True}).status_code in (403, 404)


def test_commitments_judged_at_the_year_end_and_volunteer_hours(client, users, county):
    zhang, chen = county.people["zhangsan"], county.people["chen"]
    client.force_login(users["branch_a1"])
    url = reverse("care:person", args=[zhang.pk])
    assert client.post(url, {"action": "commitment", "year": "2025", "text": ""}, **ZH).status_code == 422
    assert client.post(url, {"action": "commitment", "year": "2025", "text": "帮扶一户困难群众"}).status_code == 302
    made = ok(post_json(client, f"/api/care/people/{chen.pk}/commitments", {"year": 2025, "text": "带头参加环境整治"}))
    too_early = post_json(client, f"/api/care/commitments/{made['id']}/judge", {"state": "fulfilled"})
    assert too_early.status_code == 422 and "state" in too_early.content.decode()
    clock.set_today(datetime.date(2025, 12, 5))
    assert post_json(client, f"/api/care/commitments/{made['id']}/judge",
                     {"state": "unfulfilled"}).status_code == 422  # say what was not done
    ok(post_json(client, f"/api/care/commitments/{made['id']}/judge", {"state": "fulfilled"}))
    items = ok(client.get("/api/care/commitments", {"year": 2025}))["items"]
    assert sorted((c["person"]["name"], c["state"]) for c in items) == [("张三", "open"), ("陳小紅", "fulfilled")]
    page = client.get(reverse("care:commitments") + "?year=2025&state=fulfilled", **ZH).content.decode()
    assert 'data-total="1"' in page and "带头参加环境整治" in page
    changed = post_json(client, f"/api/care/people/{chen.pk}/commitments", {"year": 2025, "text": "另一句"})
    assert changed.status_code == 422  # judged: reopen first
    for day, hours in (("2025-11-01", "3"), ("2025-11-20", "2.5")):
        ok(post_json(client, f"/api/care/people/{chen.pk}/volunteer", {"served_on": day, "activity": "清扫村道",
                                                                       "hours": hours}))
    assert post_json(client, f"/api/care/people/{chen.pk}/volunteer",
                     {"served_on": "2025-11-21", "activity": "x", "hours": "25"}).status_code == 422
    assert ok(client.get("/api/care/volunteer"))["items"] == [
        {"person": chen.pk, "name": "陳小紅", "organization": "陳家村党支部", "activities": 2, "hours": "5.5"}]
    found = summary(client)
    assert (found["volunteer_hours"], found["commitments_made"], found["commitments_fulfilled"]) == ("5.5", 2, 1)
    assert 'data-hours="5.5"' in client.get(reverse("care:volunteer")).content.decode()
    rows = workbook(client.get(reverse("care:commitments_xlsx") + "?year=2025"))
    assert len(rows) == 3


def test_joint_building_pairs_and_their_outcome(client, users, county):
    client.force_login(users["township_a"])
    enterprise = ok(post_json(client, "/api/care/pairings", {
        "organization": county.village_a1.pk, "kind": "enterprise", "partner_name": "陳家建材公司",
        "since": "2023-03-01", "activities": "支部联建、吸纳村民就业"}))
    village = ok(post_json(client, "/api/care/pairings", {
        "organization": county.village_a2.pk, "kind": "village", "partner": county.village_a1.pk,
        "since": "2024-05-01", "activities": "先进村帮带后进村"}))
    assert village["partner_name"] == "陳家村党支部"
    assert post_json(client, "/api/care/pairings", {"organization": county.village_a2.pk, "kind": "village",
                                                    "since": "2024-05-01", "activities": "x"}).status_code == 422
    assert post_json(client, "/api/care/pairings", {"organization": county.village_b1.pk, "kind": "enterprise",
                                                    "partner_name": "某公司", "since": "2024-05-01",
                                                    "activities": "x"}).status_code == 404
    assert post_json(client, "/api/care/pairings", {"organization": county.township_a.pk, "kind": "enterprise",
                                                    "partner_name": "某公司", "since": "2024-05-01",
                                                    "activities": "x"}).status_code == 422
    ok(post_json(client, f"/api/care/pairings/{enterprise['id']}/outcomes",
                 {"year": 2024, "outcome": "修通村道一条", "projects": 1, "funds": "12.5"}))
    url = reverse("care:pairing", args=[enterprise["id"]])
    assert client.post(url, {"action": "outcome", "year": "2022", "outcome": "太早", "projects": "0",
                             "funds": "0"}, **ZH).status_code == 422  # before the pair began
    assert client.post(url, {"action": "outcome", "year": "2025", "outcome": "建成活动场所", "projects": "2",
                             "funds": "30"}).status_code == 302
    pairs = ok(client.get("/api/care/pairings", {"year": 2025}))["items"]
    assert [(p["partner_name"], [o["year"] for o in p["outcomes"]]) for p in pairs] == [
        ("陳家建材公司", [2025, 2024]), ("陳家村党支部", [])]
    assert ok(client.get("/api/care/pairings", {"year": 2023}))["count"] == 1
    assert client.post(url, {"action": "end", "on": "2025-06-01"}).status_code == 302
    page = client.get(reverse("care:pairings") + "?year=2025", **ZH).content.decode()
    assert 'data-total="2"' in page and "建成活动场所" in page
    rows = workbook(client.get(reverse("care:pairings_xlsx") + "?year=2025"))
    assert [row[2] for row in rows[1:]] == ["陳家建材公司", "陳家村党支部"] and rows[1][7] == 2
    client.force_login(users["township_b"])
    assert client.get(url).status_code == 404
    assert ok(client.get("/api/care/pairings"))["count"] == 0


def test_each_township_sees_its_own_and_bad_input_loses_nothing(client, users, county):
    zhang, wangwu = county.people["zhangsan"], county.people["wangwu"]
    client.force_login(users["township_b"])
    assert client.get(f"/api/care/people/{zhang.pk}").status_code == 404
    assert client.get(reverse("care:person", args=[zhang.pk])).status_code == 404
    assert post_json(client, f"/api/care/people/{zhang.pk}/visits", {"visited_on": "2025-06-01",
                                                                     "visitor": "x"}).status_code == 404
    client.force_login(users["township_a"])
    assert client.get("/api/care/members", {"under": county.township_b.pk}).status_code == 404
    page = client.post(reverse("care:person", args=[zhang.pk]), {"action": "visit", "kind": "visit",
                                                                 "visited_on": "2025-06-01", "visitor": "",
                                                                 "given": "米"}, **ZH)
    assert page.status_code == 422 and "invalid-feedback" in page.content.decode()
    assert 'value="米"' in page.content.decode()  # what was typed stays
    assert ok(client.get(f"/api/care/people/{zhang.pk}"))["visits"] == []
    assert post_json(client, f"/api/care/people/{wangwu.pk}/hardships", {"reason": "illness"}).status_code == 404


def test_the_home_panel_figures_equal_their_pages(client, users, county):
    zhang, chen = county.people["zhangsan"], county.people["chen"]
    client.force_login(users["county"])
    ok(post_json(client, f"/api/care/people/{zhang.pk}/hardships", {"reason": "illness"}))
    ok(post_json(client, f"/api/care/people/{zhang.pk}/visits", {"kind": "help", "visited_on": "2025-06-10",
                                                                "visitor": "县委组织部", "given": "慰问金",
                                                                "amount": "800"}))
    ok(post_json(client, "/api/care/fund/entries", {"organization": county.township_a.pk, "kind": "income",
                                                    "on": "2025-01-10", "amount": "5000", "source": "划拨"}))
    ok(post_json(client, f"/api/care/people/{chen.pk}/volunteer", {"served_on": "2025-06-01", "activity": "义诊",
                                                                   "hours": "4"}))
    panel = client.get(reverse("core:home_panel", args=["care.summary"]), **ZH).content.decode()
    found = {html.unescape(url): value.strip() for url, value in
             re.findall(r'<a href="([^"]*)" class="text-reset">([^<]*)</a>', panel)}
    assert len(found) == 8
    for url, value in found.items():
        page = client.get(url).content.decode()
        if "/care/fund/" in url:
            assert f'data-total="{value}"' in page, url
        elif "/care/visits/" in url:
            assert f'id="visits-total" data-total="{value}"' in page, url
        elif "/care/volunteer/" in url:
            assert f'data-hours="{value}"' in page, url
        else:
            assert re.search(r'list-count" data-total="(\d+)"', page).group(1) == value, url
    assert client.get(reverse("core:home_panel_xlsx", args=["care.summary"])).status_code == 200


def test_the_demo_gives_a_year_of_care(client, users, county):
    from mechanisms.care.demo import generate_care

    counts = generate_care(county.county, seed=0, progress=lambda message: None)
    assert counts["hardship"] >= 1 and counts["fund_entries"] >= 4
    assert generate_care(county.county, seed=0, progress=lambda message: None) == {}  # once
    client.force_login(users["county"])
    found = summary(client)
    assert found["hardship"] >= 1 and found["funds"] == 2 and float(found["fund_balance"]) > 0
    assert client.get(reverse("care:index"), **ZH).status_code == 200

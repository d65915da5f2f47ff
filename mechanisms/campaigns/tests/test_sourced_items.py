"""The shipped 五个好 / 六个好 standards read the other mechanisms' data, through HTTP only, from the small county:

- 五个好 B05 "建立村级后备干部库，后备干部人数" (count, at least 2 for its 2 points) from the reserve pool;
- 六个好 B07 "建立村级后备干部库，开展“双向培养”" (2 points) from the pool and the two-way cultivations: 1 point
  times the share of the township's villages with a reserve cadre, 1 point times the share cultivating, in halves;
- 六个好 C06 "村级集体经济“空壳村”减少" (2 points) from the villages' incomes of the year and the year before;
- L1 "党建工作责任状验收合格" of both: a letter of the year that failed its year-end check bars 先进 (seed 000:
  因工作不力造成创建和整建验收不合格的，一律不得进入优秀档), though it costs no points and strikes no veto.

The county records incomes for 2024 and 2025, the townships build their pools and cultivations, the letters are
issued and checked, and the campaign of 2025 is scored by the inspectors over the API with every other item at full
marks; each sourced item then holds what the seed's rule gives, and the tiers follow."""
import datetime
import io
import json

import openpyxl
import pytest

from kernel.core import clock

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
# the sources wired here; B15's dues ledger (dues.collection.2) says nothing without a ledger: scored by hand
WIRED = {"reserve.pool", "reserve.two_way.2", "economy.empty_reduced.2", "letters.accepted"}
TARGETS = [{"text": "消除集体经济空壳村", "measure": "个", "target": "2", "weight": "1"},
           {"text": "发展党员", "measure": "名", "target": "4", "weight": "1"}]


@pytest.fixture(autouse=True)
def today():
    with clock.today_is(datetime.date(2025, 3, 1)):
        yield


def send(client, method, url, body=None):
    if method == "get":
        return client.get(url, **EN)
    return getattr(client, method)(url, json.dumps(body or {}), content_type="application/json", **EN)


def ok(answer, status=200):
    assert answer.status_code == status, answer.content[:2000]
    return answer.json()


def by_name(rows) -> dict:
    return {row["organization"]["name"]: row for row in rows}


def issue_and_check(client, issuer, figures: dict):
    """``issuer``'s letters of 2025 to the organizations under it (previewed, then confirmed), the figures reached
    per recipient by name, and the year-end check (previewed, then confirmed)."""
    body = {"issuer": issuer.pk, "year": 2025, "due_on": "2025-03-31", "targets": TARGETS}
    assert send(client, "post", "/api/letters/issue", body).status_code == 409
    letters = by_name(ok(send(client, "post", "/api/letters/issue", {**body, "confirm": True}), 201))
    with clock.today_is(datetime.date(2026, 1, 12)):
        for name, reached in figures.items():
            letter = letters[name]
            ok(send(client, "post", f"/api/letters/letters/{letter['id']}/actuals", {"actuals": [
                {"target": t["id"], "actual": f} for t, f in zip(letter["targets"], reached, strict=True)]}))
        check = {"issuer": issuer.pk, "year": 2025}
        assert send(client, "post", "/api/letters/checks", check).status_code == 409
        ok(send(client, "post", "/api/letters/checks", {**check, "confirm": True}), 201)
        rows = by_name(ok(send(client, "get", "/api/letters/letters?year=2025&page_size=100"))["items"])
    return {name: rows[name]["accepted"] for name in figures}


def test_the_standards_read_the_pool_the_incomes_and_the_letters(client, users, county, shipped):
    a1, a2, b1 = county.village_a1, county.village_a2, county.village_b1
    people = county.people
    # the collective economy: township A's two 空壳村 of 2024 become one in 2025; B's village falls empty
    client.force_login(users["county"])
    for village, year, amount in ((a1, 2024, 3000), (a2, 2024, 2000), (b1, 2024, 30000),
                                  (a1, 2025, 20000), (a2, 2025, 2000), (b1, 2025, 5000)):
        ok(send(client, "post", f"/api/economy/villages/{village.pk}/incomes",
                {"year": year, "amounts": {"operating": amount}}))
    # the reserve pools: two in A1, one in A2, none in B1; a two-way cultivation in A1 and one in B1
    for village, person, since, source in ((a1, people["chen"], "2024-03-01", "returnee"),
                                           (a1, people["zhangsan"], "2024-05-01", "capable"),
                                           (a2, people["lisi"], "2025-02-01", "member")):
        ok(send(client, "post", "/api/reserve/cadres", {"organization": village.pk, "person": person.pk,
                                                        "since": since, "source": source}), 201)
    for village, person, track in ((a1, people["chen"], "cadre"), (b1, people["wangwu"], "capable")):
        ok(send(client, "post", "/api/reserve/cultivations", {"organization": village.pk, "person": person.pk,
                                                              "track": track, "started_on": "2025-01-10"}), 201)
    # the letters: the county's to its townships (乙镇 fails its check), 甲镇's to its villages (李家村 fails)
    accepted = issue_and_check(client, county.county, {"甲镇党委": [2, 4], "乙镇党委": [0, 1]})
    assert accepted == {"甲镇党委": True, "乙镇党委": False}
    client.force_login(users["township_a"])
    assert issue_and_check(client, county.township_a, {"陳家村党支部": [2, 4], "李家村党支部": [0, 0]}) == {
        "陳家村党支部": True, "李家村党支部": False}

    clock.set_today(datetime.date(2026, 1, 12))
    client.force_login(users["county"])
    standards = {code: shipped[code].standard_id for code in ("five-good-village", "six-good-township")}
    # every subject held 达标 for 2024 (先进 needs it first: 逐步升创)
    for code, subjects in (("five-good-village", (a1, a2, b1)), ("six-good-township",
                                                                  (county.township_a, county.township_b))):
        for subject in subjects:
            ok(send(client, "post", "/api/standards/titles", {
                "standard": standards[code], "tier": "qualified", "organization": subject.pk, "period_label": "2024",
                "granted_on": "2024-12-26", "granted_by": "中共示范县委", "decision_no": "示发〔2024〕41号"}), 201)
    campaign = ok(send(client, "post", "/api/campaigns", {"owner": county.county.pk, "name": "2025年“三级联创”考核",
                                                          "year": 2025, "standards": list(standards.values())}), 201)
    base = f"/api/campaigns/{campaign['id']}"
    ok(send(client, "post", f"{base}/stages/declaration/open"))
    ok(send(client, "post", f"{base}/stages/declaration/close", {"confirm": True}))
    ok(send(client, "post", f"{base}/stages/evaluation/open"))
    assessments = {a["standard"]["code"]: a["id"] for a in ok(send(client, "get", base))["assessments"]}
    sheets = {}
    for assessment in assessments.values():
        version = ok(send(client, "get", f"/api/standards/assessments/{assessment}"))["version_id"]
        items = [item for section in ok(send(client, "get", f"/api/standards/versions/{version}"))["sections"]
                 for item in section["items"]]
        results = ok(send(client, "get", f"/api/standards/assessments/{assessment}/results"))["items"]
        sheets.update({row["subject"]["name"]: row["id"] for row in results})
        scores = [{"sheet": row["id"], "item": item["code"],
                   **({"points": item["max"]} if item["kind"] == "points" else {"passed": True}
                      if item["kind"] == "pass_fail" else {"count": item["threshold"]})}
                  for row in results for item in items if item["source"] not in WIRED]
        assert ok(send(client, "put", f"/api/standards/assessments/{assessment}/scores",
                       {"rater": "inspectors", "scores": scores}))["written"] == len(scores)
    # the registers' count is what the sheet shows; another entry needs a reason, and nothing is written without one
    counted = ok(send(client, "get", f"/api/standards/sheets/{sheets['李家村党支部']}/scores"))["counted"]
    assert counted == {"B05": {"count": 1}, "L1": {"passed": False}}
    refused = send(client, "put", f"/api/standards/assessments/{assessments['five-good-village']}/scores",
                   {"rater": "inspectors", "scores": [{"sheet": sheets["李家村党支部"], "item": "B05", "count": 2}]})
    assert refused.status_code == 422 and refused.json()["detail"][0]["code"] == "reason_needed"
    ok(send(client, "post", f"{base}/stages/evaluation/close", {"confirm": True}))

    def entries(name):
        rows = ok(send(client, "get", f"/api/standards/sheets/{sheets[name]}/scores?rater=inspectors"))["scores"]
        return {row["item_code"]: row for row in rows}

    values = {name: {code: (row["value"], row["count"], row["passed"]) for code, row in entries(name).items()}
              for name in sheets}
    # B05: the pool's count against the threshold of 2 (2 points or none)
    assert values["陳家村党支部"]["B05"] == (2.0, 2, None)
    assert values["李家村党支部"]["B05"] == (0.0, 1, None)
    assert values["王家村党支部"]["B05"] == (0.0, 0, None)
    # B07: 甲镇 — both villages with a pool (1), one of two cultivating (0.5); 乙镇 — no pool (0), cultivating (1)
    assert values["甲镇党委"]["B07"][0] == 1.5 and values["乙镇党委"]["B07"][0] == 1.0
    # C06: 甲镇's 空壳村 2 → 1 (2 points); 乙镇's 0 → 1 (none)
    assert values["甲镇党委"]["C06"][0] == 2.0 and values["乙镇党委"]["C06"][0] == 0.0
    # L1: failed where the letter failed its check, no points either way
    assert {name: v["L1"] for name, v in values.items()} == {
        "陳家村党支部": (0.0, None, True), "李家村党支部": (0.0, None, False), "王家村党支部": (0.0, None, True),
        "甲镇党委": (0.0, None, True), "乙镇党委": (0.0, None, False)}
    results = {}
    for assessment in assessments.values():
        for row in ok(send(client, "get", f"/api/standards/assessments/{assessment}/results"))["items"]:
            results[row["subject"]["name"]] = (row["total"], row["vetoed"], row["tier"])
    # the failed letter keeps 李家村 and 乙镇 out of 先进 although their totals reach it
    assert results == {"陳家村党支部": (100.0, False, "advanced"), "李家村党支部": (98.0, False, "qualified"),
                       "王家村党支部": (98.0, False, "advanced"), "甲镇党委": (99.5, False, "advanced"),
                       "乙镇党委": (97.0, False, "qualified")}
    # the sheet page says how each sourced item is computed (its guidance)
    page = client.get(f"/standards/sheets/{sheets['李家村党支部']}/?rater=inspectors", **ZH).content.decode()
    assert "由后备干部库计算" in page and "由责任状年终考核计算" in page
    # the inspectors' workbook carries the same entries
    answer = client.get(f"/api/standards/assessments/{assessments['five-good-village']}/workbook?rater=inspectors")
    assert answer.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(answer.content))["评分"]
    codes = [cell.value for cell in book[2]]
    names = {"陳家村党支部", "李家村党支部", "王家村党支部"}
    rows = {cell.value: row for row in book.iter_rows(min_row=3) for cell in row if cell.value in names}
    assert [rows[name][codes.index("B05")].value for name in ("陳家村党支部", "李家村党支部", "王家村党支部")] == [2, 1, 0]
    assert rows["李家村党支部"][codes.index("L1")].value == "否" and rows["陳家村党支部"][codes.index("L1")].value == "是"


def test_without_a_pool_or_incomes_in_the_system_the_inspectors_score_by_hand(client, users, county, shipped):
    """A county that keeps no reserve pool and no incomes here: B05, B07 and C06 count nothing (a count of 0 would
    be a wrong answer), so the inspectors' own entries stand without a reason; L1 passes with no letter failed."""
    clock.set_today(datetime.date(2026, 1, 12))
    client.force_login(users["county"])
    campaign = ok(send(client, "post", "/api/campaigns", {
        "owner": county.county.pk, "name": "2025年考核", "year": 2025,
        "standards": [shipped[code].standard_id for code in ("five-good-village", "six-good-township")]}), 201)
    base = f"/api/campaigns/{campaign['id']}"
    ok(send(client, "post", f"{base}/stages/declaration/open"))
    ok(send(client, "post", f"{base}/stages/declaration/close", {"confirm": True}))
    ok(send(client, "post", f"{base}/stages/evaluation/open"))
    for assessment in ok(send(client, "get", base))["assessments"]:
        results = ok(send(client, "get", f"/api/standards/assessments/{assessment['id']}/results"))["items"]
        for row in results:
            counted = ok(send(client, "get", f"/api/standards/sheets/{row['id']}/scores"))["counted"]
            assert counted == {"L1": {"passed": True}}, row["subject"]["name"]
        code, points = (("B05", {"count": 2}) if assessment["standard"]["code"] == "five-good-village"
                        else ("C06", {"points": 2}))
        written = send(client, "put", f"/api/standards/assessments/{assessment['id']}/scores", {
            "rater": "inspectors", "scores": [{"sheet": row["id"], "item": code, **points} for row in results]})
        assert ok(written)["written"] == len(results)

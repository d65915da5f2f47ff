"""Village classes (升级晋档) as a county and its townships run them through the API and the pages: ten villages of
township A and one of township B classed for 2024 by the county and for 2025 by each township (a preview, then
confirmed; a reason wherever a class changed), the townships' targets of 2025 (seed 004: 二类村 to reach 30%, three
villages of ten) met or not, the movement matrix from 2024 to 2025, the 三帮三争 pairings with their outcomes, a
classing withdrawn, the workbooks read back, each township seeing its own, and bad input refused with nothing
written."""
import io
import json

import openpyxl
import pytest
from django.urls import reverse

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def post_json(client, url, body, method="post"):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def classing(client, owner, year, rows, confirm=True):
    return post_json(client, "/api/classes/classings", {"owner": owner.pk, "year": year, "confirm": confirm,
                                                         "rows": rows})


@pytest.fixture
def villages(client, users, county) -> dict:
    """Township A's ten villages (A1, A2 and eight more added through the API) and township B's one: {name: id}."""
    client.force_login(users["county"])
    for n in range(3, 11):
        made = post_json(client, "/api/orgs", {"parent": county.township_a.pk, "code": f"A{n}",
                                               "name": f"甲{n}村党支部", "org_type": "branch", "domain": "rural"})
        assert made.status_code == 201, made.content
    found = {row["village"]["name"]: row["village"]["id"]
             for row in client.get("/api/classes/villages", {"year": 2024, "limit": 100}).json()["items"]}
    assert len(found) == 11
    return found


@pytest.fixture
def classed(client, users, county, villages):
    """2024 classed by the county: all of township A class three, 王家村 class two; the 2025 targets (class two or
    better, 30%); 2025 classed by each township: three of A's villages up to class two, 王家村 down to three."""
    client.force_login(users["county"])
    rows = [{"organization": pk, "klass": "second" if name == "王家村党支部" else "third"} for name, pk in
            villages.items()]
    preview = classing(client, county.county, 2024, rows, confirm=False)
    assert preview.status_code == 409, preview.content
    assert {c["klass"]: c["count"] for c in preview.json()["classes"]} == {"first": 0, "second": 1, "third": 10}
    assert client.get("/api/classes/classings").json() == []  # nothing written before the confirmation
    assert classing(client, county.county, 2024, rows).status_code == 201
    for township in (county.township_a, county.township_b):
        target = post_json(client, "/api/classes/targets", {"township": township.pk, "year": 2025,
                                                            "klass": "second", "share": 30}, method="put")
        assert target.status_code == 200, target.content
    up = {"陳家村党支部", "李家村党支部", "甲3村党支部"}
    a_rows = [{"organization": pk, "klass": "second" if name in up else "third",
               "reason": "班子团结、集体经济增收" if name in up else ""}
              for name, pk in villages.items() if name != "王家村党支部"]
    client.force_login(users["township_a"])
    no_reason = classing(client, county.township_a, 2025, [{**row, "reason": ""} for row in a_rows])
    assert no_reason.status_code == 422 and "陳家村党支部" in json.dumps(no_reason.json(), ensure_ascii=False)
    preview = classing(client, county.township_a, 2025, a_rows, confirm=False)
    assert preview.status_code == 409
    assert {m["movement"]: m["count"] for m in preview.json()["movements"]}["up"] == 3
    assert [(t["township"], t["share"], t["target"], t["met"]) for t in preview.json()["townships"]] == [
        ("甲镇党委", "30.0", "30.0", True)]
    done = classing(client, county.township_a, 2025, a_rows)
    assert done.status_code == 201, done.content
    client.force_login(users["township_b"])
    b = classing(client, county.township_b, 2025, [{"organization": villages["王家村党支部"], "klass": "third",
                                                    "reason": "集体经济空壳、组织生活不正常"}])
    assert b.status_code == 201, b.content
    return done.json()


def test_the_targets_met_or_not_per_township(client, users, county, villages, classed):
    client.force_login(users["county"])
    rows = {r["township"]["name"]: r for r in client.get("/api/classes/townships", {"year": 2025}).json()}
    a, b = rows["甲镇党委"], rows["乙镇党委"]
    assert (a["villages"], a["second"], a["third"], a["share"], a["target"], a["met"]) == (10, 3, 7, "30.0", "30.0",
                                                                                       True)
    assert (a["last_share"], a["up"], a["down"]) == ("0.0", 3, 0)
    assert (b["villages"], b["share"], b["target"], b["met"], b["last_share"], b["down"]) == (
        1, "0.0", "30.0", False, "100.0", 1)
    page = client.get(reverse("classes:overview") + "?year=2025", **ZH).content.decode()
    assert f'data-township="{county.township_a.pk}" data-met="yes"' in page
    assert f'data-township="{county.township_b.pk}" data-met="no"' in page
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(
        client.get(reverse("classes:overview_xlsx") + "?year=2025").streaming_content)))
    table = {row[0]: row for row in workbook.active.iter_rows(min_row=2, values_only=True)}
    assert table["甲镇党委"][1] == 10 and "30.0%" in table["甲镇党委"] and "30.0%" in table["乙镇党委"]
    # township B sees only its own
    client.force_login(users["township_b"])
    assert [r["township"]["name"] for r in client.get("/api/classes/townships", {"year": 2025}).json()] == ["乙镇党委"]


def test_the_movement_matrix_from_one_year_to_the_next(client, users, county, villages, classed):
    client.force_login(users["county"])
    found = client.get("/api/classes/matrix", {"year": 2025}).json()
    cells = {(c["before"], c["after"]): c["villages"] for c in found["cells"]}
    assert cells == {("third", "second"): 3, ("third", "third"): 7, ("second", "third"): 1}
    assert (found["up"], found["same"], found["down"], found["new"]) == (3, 7, 1, 0)
    first = client.get("/api/classes/matrix", {"year": 2024}).json()
    assert first["new"] == 11
    page = client.get(reverse("classes:overview") + "?year=2025", **ZH).content.decode()
    assert 'data-before="third" data-after="second">3<' in page
    down = client.get("/api/classes/villages", {"year": 2025, "movement": "down"}).json()["items"]
    assert [(r["village"]["name"], r["before"], r["klass"], r["reason"]) for r in down] == [
        ("王家村党支部", "second", "third", "集体经济空壳、组织生活不正常")]
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(
        client.get(reverse("classes:villages_xlsx") + "?year=2025&movement=up").streaming_content)))
    assert sorted(r[0] for r in workbook.active.iter_rows(min_row=2, values_only=True)) == [
        "李家村党支部", "甲3村党支部", "陳家村党支部"]
    home = client.get(reverse("core:home_panel", args=["classes.shares"]), **ZH)
    assert home.status_code == 200


def test_pairings_and_a_classing_withdrawn(client, users, county, villages, classed):
    client.force_login(users["township_a"])
    foreign = post_json(client, "/api/classes/pairings", {"year": 2025, "advanced": villages["王家村党支部"],
                                                         "lagging": villages["甲4村党支部"]})
    assert foreign.status_code == 404  # 王家村 is township B's
    client.force_login(users["county"])
    same_class = post_json(client, "/api/classes/pairings", {"year": 2025, "advanced": villages["甲5村党支部"],
                                                            "lagging": villages["甲4村党支部"]})
    assert same_class.status_code == 422  # both class three in 2024: neither is advanced
    for lagging in ("陳家村党支部", "甲4村党支部"):
        made = post_json(client, "/api/classes/pairings", {"year": 2025, "advanced": villages["王家村党支部"],
                                                          "lagging": villages[lagging], "measures": "帮思路、帮项目"})
        assert made.status_code == 201, made.content
    outcomes = {p["lagging"]["name"]: (p["before"], p["after"], p["outcome"])
                for p in client.get("/api/classes/pairings", {"year": 2025}).json()}
    assert outcomes == {"陳家村党支部": ("third", "second", "up"), "甲4村党支部": ("third", "third", "same")}
    # township A's classing of 2025 withdrawn: its villages have no class of 2025 again, the pairing pending
    client.force_login(users["township_a"])
    assert post_json(client, f"/api/classes/classings/{classed['id']}/withdraw", {"reason": ""}).status_code == 422
    done = post_json(client, f"/api/classes/classings/{classed['id']}/withdraw", {"reason": "评定程序不规范"})
    assert done.status_code == 200, done.content
    rows = {r["township"]["name"]: r for r in client.get("/api/classes/townships", {"year": 2025}).json()}
    assert (rows["甲镇党委"]["classed"], rows["甲镇党委"]["met"]) == (0, False)
    client.force_login(users["county"])
    outcomes = {p["lagging"]["name"]: p["outcome"] for p in client.get("/api/classes/pairings", {"year": 2025}).json()}
    assert outcomes["陳家村党支部"] == "pending"


def test_the_classing_page_previews_then_records(client, users, county, villages):
    client.force_login(users["township_a"])
    page = client.get(reverse("classes:classing") + "?year=2025", **ZH).content.decode()
    assert 'name="klass"' in page and "陳家村党支部" in page and "王家村党支部" not in page
    ids = [pk for name, pk in villages.items() if name != "王家村党支部"]
    form = {"owner": str(county.township_a.pk), "year": "2025", "note": "", "village": [str(pk) for pk in ids],
            "klass": ["second"] + ["third"] * (len(ids) - 1), "reason": [""] * len(ids)}
    preview = client.post(reverse("classes:classing"), form, **ZH)
    assert preview.status_code == 200 and 'id="classing-preview"' in preview.content.decode()
    done = client.post(reverse("classes:classing"), {**form, "confirm": "True"}, **ZH)
    assert done.status_code == 302
    villages_page = client.get(reverse("classes:villages") + "?year=2025&klass=second", **ZH).content.decode()
    assert villages_page.count('data-class="second"') == 1
    bad = client.post(reverse("classes:targets"), {"township": str(county.township_a.pk), "year": "2025",
                                                   "klass": "second", "share": "130"}, **ZH, follow=True)
    assert bad.status_code == 200 and client.get("/api/classes/targets").json() == []

"""Members' goals and plaques as a county, its townships and a branch run them through the pages and the API:
the common goals per class (seed 000 §三.2), a branch's goals letters issued from them after a preview, the
quarterly spot check discharging the branch's duty, the year's outcome barring 优秀 in democratic evaluation's grid
through the kernel hook, the "五带头" plaques granted with the village's title and removed (preview, confirmation,
withdrawal), the 标兵 of the year commended on 七一, members paired with poor households and the count out of poverty,
each list's workbook read back, the home panel's figures equal to the pages', and bad input refused with nothing
written."""
import io
import json

import openpyxl
import pytest
from django.urls import reverse

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
FARMING_GOALS = "带头学科技，掌握一门农村实用技术\n种一亩黄姜\n按时交纳党费"


@pytest.fixture(autouse=True)
def installed(shipped):
    """The shipped rule and this year's default common goals, for every test here."""


def post_json(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def issue(client, org, **body):
    return post_json(client, f"/api/goals/organizations/{org.pk}/letters", {"year": 2025, **body})


def letters_of(client, org, year=2025) -> dict:
    response = client.get("/api/goals/letters", {"year": year, "organization": org.pk, "limit": 200})
    assert response.status_code == 200, response.content
    return {row["person"]["name"]: row for row in response.json()["items"]}


def workbook(response) -> list[tuple]:
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(book.active.iter_rows(values_only=True))


@pytest.fixture
def letters(client, users, county, more_members):
    """Village A1's letters of 2025, issued by the township from the county's common goals (farming rewritten)."""
    client.force_login(users["county"])
    response = post_json(client, "/api/goals/templates", {"owner": county.county.pk, "year": 2025,
                                                          "member_class": "farming", "common_goals": FARMING_GOALS,
                                                          "six_ones": True})
    assert response.status_code == 201, response.content
    client.force_login(users["township_a"])
    assert issue(client, county.village_a1, signed_on="2025-02-20", confirm=True).status_code == 200
    return letters_of(client, county.village_a1)


def test_letters_for_a_branch_come_from_the_class_templates_after_a_preview(client, users, county, more_members):
    client.force_login(users["county"])
    templates = client.get("/api/goals/templates", {"year": 2025}).json()
    assert {row["member_class"] for row in templates} == {"office", "farming", "wealthy", "poor", "migrant", "elderly"}
    response = post_json(client, "/api/goals/templates", {"owner": county.county.pk, "year": 2025,
                                                          "member_class": "farming", "common_goals": FARMING_GOALS,
                                                          "six_ones": True})
    assert response.status_code == 201 and response.json()["common_goals"][1] == "种一亩黄姜"
    empty = post_json(client, "/api/goals/templates", {"owner": county.county.pk, "year": 2025,
                                                       "member_class": "farming", "common_goals": " \n "})
    assert empty.status_code == 422
    client.force_login(users["township_a"])
    preview = issue(client, county.village_a1, signed_on="2025-02-20")
    assert preview.status_code == 409, preview.content
    body = preview.json()
    assert body["to_issue"] == 5 and body["existing"] == 0
    assert sorted(body["names"]) == sorted(["张三", "陳小紅", "赵富", "钱外", "孙勤"])
    assert letters_of(client, county.village_a1) == {}  # the preview wrote nothing
    done = issue(client, county.village_a1, signed_on="2025-02-20", confirm=True)
    assert done.status_code == 200 and done.json()["to_issue"] == 5
    rows = letters_of(client, county.village_a1)
    assert rows["张三"]["member_class"] == "farming" and rows["张三"]["common_goals"][1] == "种一亩黄姜"
    assert len(rows["张三"]["six_ones"]) == 6  # the six quantified goals of a capable rural member
    assert rows["钱外"]["member_class"] == "migrant" and rows["钱外"]["six_ones"] == []
    assert {row["outcome"] for row in rows.values()} == {"pending"}
    again = issue(client, county.village_a1, confirm=True)
    assert again.status_code == 422  # everyone has one
    patched = client.patch(f"/api/goals/letters/{rows['张三']['id']}", json.dumps(
        {"individual_goals": "年内发展核桃五亩\n带动两户增收", "six_ones_done": ["cistern", "skill"]}),
        content_type="application/json")
    assert patched.status_code == 200 and patched.json()["individual_goals"] == ["年内发展核桃五亩", "带动两户增收"]
    bad = client.patch(f"/api/goals/letters/{rows['钱外']['id']}", json.dumps({"six_ones_done": ["cistern"]}),
                       content_type="application/json")
    assert bad.status_code == 422
    page = client.get(reverse("goals:branch", args=[county.village_a1.pk]) + "?year=2025", **ZH).content.decode()
    assert "种一亩黄姜" not in page and 'data-letter="' in page and "张三" in page
    letter_page = client.get(reverse("goals:letter", args=[rows["张三"]["id"]]), **ZH).content.decode()
    assert "种一亩黄姜" in letter_page and "年内发展核桃五亩" in letter_page
    client.force_login(users["township_b"])
    assert client.get(reverse("goals:letter", args=[rows["张三"]["id"]])).status_code == 404
    assert client.get(f"/api/goals/letters/{rows['张三']['id']}").status_code == 404
    assert issue(client, county.village_a1, confirm=True).status_code == 404
    client.force_login(users["county"])
    sheet = workbook(client.get(reverse("goals:index_xlsx") + "?year=2025"))
    assert len(sheet) == 6 and {row[0] for row in sheet[1:]} == {"张三", "陳小紅", "赵富", "钱外", "孙勤"}


def test_the_quarterly_spot_check_discharges_the_branchs_duty(client, users, county, letters):
    client.force_login(users["branch_a1"])
    url = f"/api/goals/organizations/{county.village_a1.pk}/spot-checks"
    entries = [{"letter": letters["张三"]["id"], "status": "on_track"},
               {"letter": letters["陳小紅"]["id"], "status": "behind"}]
    refused = post_json(client, url, {"year": 2025, "quarter": 1, "checked_on": "2025-03-28", "checked_by": "支部书记",
                                      "entries": entries})
    assert refused.status_code == 422  # behind without saying on what
    assert client.get("/api/goals/spot-checks", {"year": 2025}).json() == []
    entries[1]["note"] = "示范田尚未建成"
    late = post_json(client, url, {"year": 2025, "quarter": 1, "checked_on": "2025-06-10", "checked_by": "支部书记",
                                   "entries": entries})
    assert late.status_code == 422  # outside the quarter and its 45 days
    check = post_json(client, url, {"year": 2025, "quarter": 1, "checked_on": "2025-03-28", "checked_by": "支部书记",
                                    "entries": entries})
    assert check.status_code == 201, check.content
    body = check.json()
    assert body["duty"] is not None and body["duty_state"] == "late"  # recorded after the quarter's deadline
    second = post_json(client, url, {"year": 2025, "quarter": 2, "checked_on": "2025-06-10", "checked_by": "支部书记",
                                     "entries": entries[:1]})
    assert second.status_code == 201 and second.json()["duty_state"] == "done"
    assert {e["person"]["name"]: e["status"] for e in body["entries"]} == {"张三": "on_track", "陳小紅": "behind"}
    page = client.get(reverse("goals:index") + "?year=2025", **ZH)
    assert page.status_code == 200
    grid = client.post(reverse("goals:branch_check", args=[county.village_a1.pk]),
                       {"year": 2025, "quarter": 2, "checked_on": "2025-06-12", "checked_by": "组织委员",
                        f"status_{letters['孙勤']['id']}": "behind", f"note_{letters['赵富']['id']}": "已完成大半"}, **ZH)
    assert grid.status_code == 422  # behind without a note: refused, what was typed is still there
    assert "已完成大半" in grid.content.decode() and "组织委员" in grid.content.decode()
    client.force_login(users["township_a"])
    children = client.get(reverse("goals:index") + "?year=2025", **ZH).content.decode()
    assert "陳家村党支部" in children
    client.force_login(users["township_b"])
    assert post_json(client, url, {"year": 2025, "quarter": 3, "checked_on": "2025-06-10", "checked_by": "x",
                                   "entries": entries}).status_code == 404


def test_an_unmet_outcome_bars_excellent_in_the_evaluation_grid_through_the_hook(client, users, county, letters):
    client.force_login(users["township_a"])
    chen = letters["陳小紅"]
    no_note = post_json(client, f"/api/goals/letters/{chen['id']}/outcome", {"outcome": "not_met"})
    assert no_note.status_code == 422
    unmet = post_json(client, f"/api/goals/letters/{chen['id']}/outcome",
                      {"outcome": "not_met", "note": "帮扶户未脱贫，示范田未建"})
    assert unmet.status_code == 200 and unmet.json()["outcome"] == "not_met"
    met = post_json(client, f"/api/goals/letters/{letters['张三']['id']}/outcome", {"outcome": "met"})
    assert met.json()["outcome"] == "met"
    grid_url = reverse("membership:evaluation_year", args=[county.village_a1.pk, 2025])
    grid = client.get(grid_url, **ZH).content.decode()
    member_id = county.people["chen"].membership.pk
    select = grid[grid.index(f'name="goals_{member_id}"'):]
    select = select[:select.index("</select>")]
    assert 'value="no" selected' in select  # the letter's outcome, read through kernel.people.goals
    refused = client.post(grid_url, {f"grade_{member_id}": "excellent"}, **ZH)
    assert refused.status_code == 422
    zhang = county.people["zhangsan"].membership.pk
    saved = client.post(grid_url, {f"grade_{zhang}": "excellent", f"goals_{zhang}": "unknown"})
    assert saved.status_code == 302
    grades = client.get("/api/membership/evaluation/grades", {"year": 2025}).json()["items"]
    assert [(g["person"]["name"], g["grade"], g["goals_met"]) for g in grades] == [("张三", "excellent", "yes")]
    by_api = post_json(client, "/api/membership/evaluation/grades",
                       {"person": county.people["chen"].pk, "year": 2025, "grade": "excellent"})
    assert by_api.status_code == 422


def naming(client, owner, **body):
    return post_json(client, "/api/goals/namings", {"owner": owner.pk, "year": 2025, "issuer": "甲镇党委", **body})


def test_plaques_granted_with_the_village_title_then_removed_and_a_naming_withdrawn(client, users, county, letters,
                                                                                    village_title):
    client.force_login(users["township_a"])
    for name, outcome in (("张三", "met"), ("赵富", "met"), ("孙勤", "met")):
        post_json(client, f"/api/goals/letters/{letters[name]['id']}/outcome", {"outcome": outcome})
    post_json(client, f"/api/goals/letters/{letters['陳小紅']['id']}/outcome",
              {"outcome": "not_met", "note": "未完成"})
    zhang, zhao, sun, chen = (county.people["zhangsan"].pk, more_id(letters, "赵富"), more_id(letters, "孙勤"),
                              county.people["chen"].pk)
    barred = naming(client, county.township_a, grant=[chen], confirm=True)
    assert barred.status_code == 422  # 评优 barred
    preview = naming(client, county.township_a, grant=[zhang, zhao], decision_no="甲发〔2025〕30号")
    assert preview.status_code == 409, preview.content
    granted = {row["name"]: row["village_title"] for row in preview.json()["granted"]}
    assert granted == {"张三": village_title.title, "赵富": village_title.title}
    assert client.get("/api/goals/plaques").json()["count"] == 0
    first = naming(client, county.township_a, grant=[zhang, zhao], decision_no="甲发〔2025〕30号", confirm=True)
    assert first.status_code == 201
    plaques = {row["person"]["name"]: row for row in client.get("/api/goals/plaques").json()["items"]}
    assert set(plaques) == {"张三", "赵富"} and plaques["张三"]["village_title_held"] is True
    again = naming(client, county.township_a, grant=[zhang], confirm=True)
    assert again.status_code == 422  # already holds one
    # the next naming removes 赵富's plaque and grants 孙勤's
    second_preview = naming(client, county.township_a, grant=[sun], remove=[plaques["赵富"]["id"]],
                            remove_reason="年内外出务工，不再符合五带头条件")
    assert second_preview.status_code == 409
    assert second_preview.json()["removed"][0]["name"] == "赵富"
    second = naming(client, county.township_a, grant=[sun], remove=[plaques["赵富"]["id"]],
                    remove_reason="年内外出务工，不再符合五带头条件", confirm=True)
    assert second.status_code == 201
    held = {row["person"]["name"] for row in client.get("/api/goals/plaques", {"status": "held"}).json()["items"]}
    assert held == {"张三", "孙勤"}
    assert client.get("/api/goals/summary", {"year": 2025}).json()["plaques_removed"] == 1
    withdrawn_first = post_json(client, f"/api/goals/namings/{first.json()['id']}/withdraw", {"reason": "误"})
    assert withdrawn_first.status_code == 422  # a plaque of it was removed since: the later one goes first
    no_reason = post_json(client, f"/api/goals/namings/{second.json()['id']}/withdraw", {"reason": ""})
    assert no_reason.status_code == 422
    withdrawn = post_json(client, f"/api/goals/namings/{second.json()['id']}/withdraw", {"reason": "误将外出党员摘牌"})
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    held = {row["person"]["name"] for row in client.get("/api/goals/plaques", {"status": "held"}).json()["items"]}
    assert held == {"张三", "赵富"}
    page = client.get(reverse("goals:plaques"), **ZH).content.decode()
    assert village_title.title in page and "甲发〔2025〕30号" in page
    naming_page = client.post(reverse("goals:naming", args=[county.township_a.pk]),
                              {"year": 2025, "grant": [county.people["zhangsan"].membership.pk], "issuer": "甲镇党委",
                               "decision_no": "甲发〔2025〕31号"}, **ZH)
    assert naming_page.status_code == 422  # already holds one: refused, the form shown again as posted
    assert "甲发〔2025〕31号" in naming_page.content.decode()
    sheet = workbook(client.get(reverse("goals:plaques_xlsx")))
    assert sorted(row[0] for row in sheet[1:]) == ["孙勤", "张三", "赵富"]
    client.force_login(users["township_b"])
    assert naming(client, county.township_a, grant=[zhang], confirm=True).status_code == 404
    assert client.get("/api/goals/plaques").json()["count"] == 0


def more_id(letters, name) -> int:
    return letters[name]["person"]["id"]


def test_model_members_of_the_year_commended_on_july_first(client, users, county, letters):
    client.force_login(users["township_a"])
    post_json(client, f"/api/goals/letters/{letters['陳小紅']['id']}/outcome", {"outcome": "not_met", "note": "未完成"})
    body = {"owner": county.township_a.pk, "year": 2025, "issuer": "甲镇党委", "citation": "带头发展核桃产业",
            "commended_on": "2025-06-16"}
    barred = post_json(client, "/api/goals/models", {**body, "members": [county.people["chen"].pk], "confirm": True})
    assert barred.status_code == 422
    chosen = [county.people["zhangsan"].pk, more_id(letters, "赵富"), more_id(letters, "孙勤")]
    preview = post_json(client, "/api/goals/models", {**body, "members": chosen})
    assert preview.status_code == 409 and preview.json()["count"] == 3
    assert client.get("/api/goals/models", {"year": 2025}).json()["year_count"] == 0
    done = post_json(client, "/api/goals/models", {**body, "members": chosen, "confirm": True})
    assert done.status_code == 201 and len(done.json()) == 3
    twice = post_json(client, "/api/goals/models", {**body, "members": chosen[:1], "confirm": True})
    assert twice.status_code == 422
    listed = client.get("/api/goals/models", {"year": 2025}).json()
    assert (listed["year_count"], listed["total"]) == (3, 3)
    withdrawn = post_json(client, f"/api/goals/models/{done.json()[2]['id']}/withdraw", {"reason": "材料不实"})
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert client.get("/api/goals/models", {"year": 2025}).json()["year_count"] == 2
    page = client.get(reverse("goals:models") + "?year=2025", **ZH).content.decode()
    assert "带头发展核桃产业" in page and 'data-figure="year" data-value="2"' in page
    sheet = workbook(client.get(reverse("goals:models_xlsx") + "?year=2025"))
    assert len(sheet) == 3


def test_pairs_with_poor_households_and_the_count_out_of_poverty(client, users, county, more_members):
    client.force_login(users["township_a"])
    helpers = [county.people["zhangsan"].pk, more_members["zhao"].pk, more_members["sun"].pk]
    ids = []
    for n in range(12):
        response = post_json(client, "/api/goals/pairs", {"person": helpers[n % 3], "household": f"王德福{n}",
                                                          "place": "3组", "started_on": "2023-03-01",
                                                          "help": "帮助发展黄姜种植"})
        assert response.status_code == 201, response.content
        ids.append(response.json()["id"])
    assert post_json(client, "/api/goals/pairs", {"person": helpers[0], "household": "王德福0"}).status_code == 422
    assert post_json(client, "/api/goals/pairs", {"person": county.people["wangwu"].pk,
                                                  "household": "王某"}).status_code == 404  # township B's member: as if missing
    for n, pair_id in enumerate(ids[:9]):
        outcome = "out" if n < 6 else "basically_out"
        response = post_json(client, f"/api/goals/pairs/{pair_id}/outcome", {"outcome": outcome, "on": "2025-05-01"})
        assert response.status_code == 200
    assert post_json(client, f"/api/goals/pairs/{ids[9]}/outcome", {"outcome": "out",
                                                                   "on": "2020-01-01"}).status_code == 422
    figures = client.get("/api/goals/pairs/figures").json()
    assert (figures["total"], figures["out"], figures["basically_out"], figures["out_any"], figures["helping"]) == \
        (12, 6, 3, 9, 3)
    page = client.get(reverse("goals:pairs") + "?outcome=out_any", **ZH).content.decode()
    assert 'data-figure="out_any" data-value="9"' in page and page.count("data-pair=") == 9
    sheet = workbook(client.get(reverse("goals:pairs_xlsx") + "?outcome=out_any"))
    assert len(sheet) == 10
    form = client.post(reverse("goals:pairs"), {"member": county.people["chen"].membership.pk,
                                                "household": "陈某", "started_on": "2025-06-01"})
    assert form.status_code == 302
    assert client.get("/api/goals/pairs/figures").json()["total"] == 13
    client.force_login(users["township_b"])
    assert client.get("/api/goals/pairs/figures").json()["total"] == 0
    assert post_json(client, f"/api/goals/pairs/{ids[0]}/outcome", {"outcome": "out"}).status_code == 404


def test_the_home_panel_figures_are_the_pages(client, users, county, letters):
    client.force_login(users["township_a"])
    post_json(client, f"/api/goals/letters/{letters['陳小紅']['id']}/outcome", {"outcome": "not_met", "note": "未完成"})
    post_json(client, "/api/goals/pairs", {"person": county.people["zhangsan"].pk, "household": "王德福"})
    client.force_login(users["county"])
    panel = client.get(reverse("core:home_panel", args=["goals.members"]), **ZH)
    assert panel.status_code == 200
    html = panel.content.decode()
    assert reverse("goals:index") in html and reverse("goals:pairs") in html
    index = client.get(reverse("goals:index") + "?year=2025", **ZH).content.decode()
    assert 'data-figure="letters" data-value="5"' in index and 'data-figure="not_met" data-value="1"' in index
    summary = client.get("/api/goals/summary", {"year": 2025}).json()
    assert (summary["letters"], summary["not_met"], summary["pairs"]) == (5, 1, 1)
    sheet = workbook(client.get(reverse("core:home_panel_xlsx", args=["goals.members"])))
    values = {row[0]: row[1] for row in sheet[1:] if row and row[0]}
    assert 5 in values.values() and 1 in values.values()


def test_every_page_answers_for_the_county(client, users, county, letters):
    client.force_login(users["county"])
    for url in (reverse("goals:index"), reverse("goals:templates"), reverse("goals:plaques"),
                reverse("goals:models"), reverse("goals:pairs"),
                reverse("goals:naming", args=[county.township_a.pk]),
                reverse("goals:model_select", args=[county.township_a.pk]),
                reverse("goals:branch", args=[county.village_a1.pk])):
        assert client.get(url, **ZH).status_code == 200, url
    client.force_login(users["member"])
    assert client.get(reverse("goals:letter", args=[letters["张三"]["id"]])).status_code == 200  # their own letter
    assert client.get(reverse("goals:letter", args=[letters["陳小紅"]["id"]])).status_code == 404


def test_the_work_report_paragraph_figures_equal_their_pages(client, users, county, letters):
    """The goals' section of the year's work report (kernel.core.workreport): each figure equals the element its
    link points at."""
    import re

    from kernel.core.workreport import sections

    client.force_login(users["township_a"])
    post_json(client, f"/api/goals/letters/{letters['陳小紅']['id']}/outcome", {"outcome": "not_met", "note": "未完成"})
    post_json(client, "/api/goals/pairs", {"person": county.people["zhangsan"].pk, "household": "王德福"})
    client.force_login(users["county"])
    found = [paragraphs for section, paragraphs in sections(users["county"], county.county, 2025)
             if section.code == "goals.members"]
    assert found, "the goals section says nothing"
    figures = [figure for paragraph in found[0] for figure in paragraph.figures.values()]
    assert len(figures) == 6
    for figure in figures:
        path, _hash, key = figure.url.partition("#")
        page = client.get(path).content.decode()
        values = re.findall(rf'data-figure="{key}" data-value="([^"]*)"', page)
        assert values == [str(figure.value)], (figure.url, values, figure.value)

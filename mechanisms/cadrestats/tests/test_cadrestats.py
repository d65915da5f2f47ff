"""The cadre structure (seed 000 §二.1) from a known set of posts, through the API and the pages only: five village
secretaries aged 30, 40, 45, 50 and 55 on 31 December 2024 average 44.0; their education shares; the township
secretaries'; the directors who are members and the village whose secretary is its director (一肩挑); the year
before from the posts held then; each figure equal to the list of people behind it; the workbooks read back; a
township seeing its own subtree; bad input refused."""
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


def post_json(client, url, body):
    response = client.post(url, json.dumps(body), content_type="application/json")
    assert response.status_code in (200, 201), response.content
    return response.json()


@pytest.fixture
def posts(client, users, county):
    """Through the API as the county: two more villages; the people and their posts."""
    clock.set_today(datetime.date(2025, 6, 16))
    client.force_login(users["county"])
    a3 = post_json(client, "/api/orgs", {"parent": county.township_a.pk, "code": "A3", "name": "赵家村党支部",
                                         "org_type": "branch", "domain": "rural"})["id"]
    b2 = post_json(client, "/api/orgs", {"parent": county.township_b.pk, "code": "B2", "name": "孙家村党支部",
                                         "org_type": "branch", "domain": "rural"})["id"]
    villages = [county.village_a1.pk, county.village_a2.pk, a3, county.village_b1.pk, b2]

    def person(org, name, birth, education, member=False):
        pk = post_json(client, "/api/people", {"organization": org, "name": name, "gender": "male",
                                               "birth_date": birth, "education": education})["id"]
        if member:
            post_json(client, f"/api/people/{pk}/membership", {"category": "full", "applied_on": "1998-07-01", "joined_on": "2000-07-01",
                                                                  "full_on": "2001-07-01"})
        return pk

    def give(pk, org, title, started_on="2020-01-01", ended_on=None):
        return post_json(client, "/api/posts", {"person": pk, "organization": org, "title": title,
                                                "started_on": started_on, "ended_on": ended_on})

    made = {}
    # village secretaries on 2024-12-31: 30, 40, 45, 50, 55
    for village, (name, birth, education) in zip(villages, [
            ("书记甲", "1994-06-01", "university"), ("书记乙", "1984-06-01", "college"),
            ("书记丙", "1979-06-01", "secondary"), ("书记丁", "1974-06-01", "junior"),
            ("书记戊", "1969-06-01", "primary")], strict=True):
        made[name] = person(village, name, birth, education, member=True)
        give(made[name], village, "secretary", started_on="2024-03-01" if name == "书记甲" else "2020-01-01")
    # 书记甲's village had 老书记 (60 on 2023-12-31) until 2024-03-01
    made["老书记"] = person(villages[0], "老书记", "1963-06-01", "junior", member=True)
    give(made["老书记"], villages[0], "secretary", started_on="2015-01-01", ended_on="2024-03-01")
    # township secretaries: 35 and 40, both at college or above
    for township, name, birth, education in ((county.township_a.pk, "镇书记甲", "1989-03-01", "graduate"),
                                             (county.township_b.pk, "镇书记乙", "1984-03-01", "college")):
        made[name] = person(township, name, birth, education, member=True)
        give(made[name], township, "secretary")
    # village directors: 书记乙 (一肩挑, a member) and two non-members
    give(made["书记乙"], villages[1], "village_director")
    made["主任甲"] = person(villages[2], "主任甲", "1990-01-01", "high_school")
    give(made["主任甲"], villages[2], "village_director")
    made["主任乙"] = person(villages[3], "主任乙", "1980-01-01", "")
    give(made["主任乙"], villages[3], "village_director")
    return made


def groups(client, **query) -> dict:
    response = client.get("/api/cadrestats/structure", query)
    assert response.status_code == 200, response.content
    return {group["code"]: {**group, "shares": {s["code"]: s for s in group["shares"]}}
            for group in response.json()["groups"]}


def test_the_known_set_of_posts_gives_the_seed_figures(client, users, county, posts):
    found = groups(client, year=2024)
    village = found["village_secretary"]
    assert (village["count"], village["average_age"]) == (5, 44.0)
    assert {code: village["shares"][code]["percent"] for code in ("college", "secondary", "junior", "combined")} == {
        "college": 40.0, "secondary": 60.0, "junior": 80.0, "combined": 20.0}
    assert village["age_bands"] == {"35": 1, "45": 2, "55": 2, "56": 0}
    # 2023: 老书记 (60) instead of 书记甲; the others a year younger: (60 + 39 + 44 + 49 + 54) / 5
    assert (village["last_year_count"], village["last_year_average_age"], village["average_age_change"]) == (
        5, 49.2, -5.2)
    assert village["shares"]["college"]["last_year"] == 20.0 and village["shares"]["college"]["change"] == 20.0
    township = found["township_secretary"]
    assert (township["count"], township["average_age"], township["shares"]["college"]["percent"]) == (2, 37.5, 100.0)
    director = found["village_director"]
    assert (director["count"], director["shares"]["member"]["percent"], director["no_education"]) == (3, 33.3, 1)
    assert director["shares"]["junior"]["percent"] == 66.7  # 主任乙 has none recorded: counted in no share
    # this year (today, 2025-06-16): everyone past their birthday, a year older
    assert groups(client)["village_secretary"]["average_age"] == 45.0


def test_each_figure_opens_the_people_behind_it(client, users, county, posts):
    page = client.get(reverse("cadrestats:structure") + "?year=2024", **ZH).content.decode()
    card = page.split('id="group-village_secretary"')[1].split("</section>")[0]
    links = {figure: (html.unescape(url), value) for figure, url, value in re.findall(
        r'<tr data-figure="([\w-]+)">.*?<a href="([^"]+)" data-value="([^"]*)"', card, re.S)}
    assert links["average_age"][1] == "44.0" and links["college"][1] == "40.0"
    people = client.get(links["college"][0], **ZH).content.decode()
    summary = re.search(r'id="people-summary" data-count="(\d+)" data-average-age="([\d.]*)" data-percent="([\d.]*)"',
                        people)
    assert summary.groups() == ("2", "35.0", "40.0")
    assert "书记甲" in people and "书记乙" in people and "书记丙" not in people
    everyone = client.get(links["average_age"][0]).content.decode()
    assert re.search(r'data-average-age="([\d.]*)"', everyone).group(1) == "44.0"
    api = client.get("/api/cadrestats/people", {"group": "village_director", "share": "member", "year": 2024}).json()
    assert [(p["name"], p["member"]) for p in api["people"]] == [("书记乙", True)] and api["percent"] == 33.3
    combined = client.get("/api/cadrestats/people", {"group": "village_secretary", "share": "combined",
                                                     "year": 2024}).json()
    assert [p["name"] for p in combined["people"]] == ["书记乙"]
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(client.get(
        reverse("cadrestats:people_xlsx") + "?year=2024&group=village_secretary").streaming_content)))
    sheet = workbook.active
    assert sheet.max_row == 6 and sorted(row[3] for row in sheet.iter_rows(min_row=2, values_only=True)) == [
        30, 40, 45, 50, 55]
    figures = openpyxl.load_workbook(io.BytesIO(b"".join(client.get(
        reverse("cadrestats:structure_xlsx") + "?year=2024").streaming_content))).active
    rows = list(figures.iter_rows(min_row=2, values_only=True))
    assert [row[2:] for row in rows if row[1] in ("Average age", "平均年龄")][1] == (44.0, 49.2, -5.2)


def test_the_home_panel_figures_equal_their_lists(client, users, county, posts):
    panel = client.get(reverse("core:home_panel", args=["cadrestats.structure"]), **ZH).content.decode()
    found = re.findall(r'<a href="([^"]*)" class="text-reset">([^<]*)</a>', panel)
    assert len(found) == 6
    for url, value in found:
        people = client.get(html.unescape(url)).content.decode()
        summary = re.search(r'data-average-age="([\d.]*)" data-percent="([\d.]*)"', people)
        assert value.strip().rstrip("%") in summary.groups(), (url, value)
    assert client.get(reverse("core:home_panel_xlsx", args=["cadrestats.structure"])).status_code == 200


def test_a_township_sees_its_subtree_and_bad_input_is_refused(client, users, county, posts):
    client.force_login(users["township_a"])
    village = groups(client, year=2024)["village_secretary"]
    assert (village["count"], village["average_age"]) == (3, 38.3)  # 30, 40, 45
    assert client.get("/api/cadrestats/structure", {"under": county.township_b.pk}).status_code == 404
    page = client.get(reverse("cadrestats:people") + "?year=2024&group=village_secretary", **ZH).content.decode()
    assert "书记甲" in page and "书记丁" not in page
    assert client.get("/api/cadrestats/structure", {"year": 2026}).status_code == 422
    assert client.get("/api/cadrestats/people", {"group": "nobody"}).status_code == 422
    assert client.get("/api/cadrestats/people", {"group": "village_director", "share": "combined"}).status_code == 422
    assert client.get(reverse("cadrestats:people") + "?group=nobody").status_code == 404
    client.force_login(users["nobody"])
    assert client.get("/api/cadrestats/structure").status_code == 404

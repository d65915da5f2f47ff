"""Instructors, organizers and the department's staff as a county runs them through the API and the pages:
instructors stationed with their visits counted against the monthly duty of the duties engine, the organizer
ratios per township against 70% and 90% (certified only), the 30% share of staff on grassroots work, the ratios
changed by the county alone, workbooks read back, and scope kept."""
import io
import json

import openpyxl
import pytest
from django.urls import reverse

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture(autouse=True)
def installed(shipped):
    """The shipped rule and ratios."""


def post_json(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_instructors_visits_count_towards_the_monthly_duty(client, users, county):
    client.force_login(users["county"])
    zhang, lisi = county.people["zhangsan"], county.people["lisi"]
    first = post_json(client, "/api/staffing/instructors", {"person": zhang.pk, "organization": county.village_a1.pk,
                                                            "level": "city_leader", "started_on": "2025-03-01"})
    assert first.status_code == 201, first.content
    assert (first.json()["required"], first.json()["state"]) == (2, "open")
    second = post_json(client, "/api/staffing/instructors", {"person": lisi.pk, "organization": county.village_b1.pk,
                                                             "level": "unit_head", "unit": "市财政局",
                                                             "started_on": "2025-03-01"}).json()
    for day in ("2025-06-03", "2025-06-12"):
        visit = post_json(client, f"/api/staffing/instructors/{first.json()['id']}/visits",
                          {"visited_on": day, "content": "指导召开支部委员会", "problems": "会议记录不规范"})
        assert visit.status_code == 201, visit.content
    lone = post_json(client, f"/api/staffing/instructors/{second['id']}/visits",
                     {"visited_on": "2025-06-05", "content": "调研集体经济"}).json()
    assert post_json(client, f"/api/staffing/instructors/{second['id']}/visits",
                     {"visited_on": "2025-06-20", "content": "未来"}).status_code == 422
    rows = {r["person"]["name"]: r for r in client.get("/api/staffing/instructors", {"month": "2025-06"}).json()}
    assert (rows["张三"]["visits"], rows["张三"]["met"], rows["张三"]["state"]) == (2, True, "done")
    assert (rows["李四"]["visits"], rows["李四"]["met"]) == (1, False)
    assert client.post(f"/api/staffing/visits/{lone['id']}/withdraw").status_code == 204
    assert client.get("/api/staffing/instructors", {"month": "2025-06"}).json()[1]["visits"] == 0
    page = client.get(reverse("staffing:instructors") + "?month=2025-06", **ZH).content.decode()
    assert 'data-met="1"' in page and "张三" in page
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(
        client.get(reverse("staffing:instructors_xlsx") + "?month=2025-06").streaming_content)))
    assert sorted((r[1], r[5]) for r in workbook.active.iter_rows(min_row=2, values_only=True)) == [
        ("张三", 2), ("李四", 0)]
    client.force_login(users["township_b"])
    assert [r["person"]["name"] for r in client.get("/api/staffing/instructors").json()] == ["李四"]
    assert client.get(reverse("staffing:instructor", args=[first.json()["id"]])).status_code == 404


def test_organizer_ratios_against_70_and_90_and_the_staff_share(client, users, county):
    client.force_login(users["county"])
    zhang, chen, lisi = county.people["zhangsan"], county.people["chen"], county.people["lisi"]
    for person, town, kind, certified in ((zhang, county.township_a, "full_time", True),
                                          (chen, county.township_a, "part_time", True),
                                          (lisi, county.township_b, "part_time", True),
                                          (lisi, county.township_b, "full_time", False)):
        body = {"person": person.pk, "organization": town.pk, "kind": kind, "started_on": "2024-03-01",
                "certified": certified, "certificate": "ZZY2024001" if certified else ""}
        assert post_json(client, "/api/staffing/organizers", body).status_code == 201
    assert post_json(client, "/api/staffing/organizers", {
        "person": zhang.pk, "organization": county.village_a1.pk, "kind": "full_time", "started_on": "2024-03-01"
    }).status_code == 422  # a village is no township
    ratios = client.get("/api/staffing/organizers/ratios").json()
    county_row = ratios["counties"][0]
    assert (county_row["townships"], county_row["full_time"], county_row["full_time_rate"],
            county_row["full_time_met"]) == (2, 1, "50.0", False)  # below 70%: B's full-time one is not certified
    assert (county_row["part_time"], county_row["part_time_rate"], county_row["part_time_met"]) == (2, "100.0", True)
    assert (county_row["full_time_target"], county_row["part_time_target"]) == (70, 90)
    page = client.get(reverse("staffing:organizers"), **ZH).content.decode()
    assert "50.0%" in page and "100.0%" in page
    staff = post_json(client, "/api/staffing/staff", {"organization": county.county.pk, "year": 2025, "total": 26,
                                                      "grassroots": 9}).json()
    assert (staff["share"], staff["target"], staff["met"]) == ("34.6", 30, True)
    low = post_json(client, "/api/staffing/staff", {"organization": county.county.pk, "year": 2024, "total": 20,
                                                    "grassroots": 5}).json()
    assert (low["share"], low["met"]) == ("25.0", False)
    assert post_json(client, "/api/staffing/staff", {"organization": county.county.pk, "year": 2024, "total": 20,
                                                     "grassroots": 25}).status_code == 422
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(
        client.get(reverse("staffing:staff_xlsx") + "?year=2025").streaming_content)))
    assert [r[2:4] for r in workbook.active.iter_rows(min_row=2, values_only=True)] == [(26, 9)]
    client.force_login(users["township_a"])
    norm = {"owner": county.county.pk, "full_time_share": 80, "part_time_share": 100, "grassroots_share": 30,
            "effective_from": "2025-01-01", "note": "市委组织部文件"}
    assert post_json(client, "/api/staffing/norms", norm).status_code == 404
    client.force_login(users["county"])
    assert post_json(client, "/api/staffing/norms", norm).status_code == 201
    assert client.get("/api/staffing/organizers/ratios").json()["counties"][0]["part_time_target"] == 100
    panel = client.get(reverse("core:home_panel", args=["staffing.instructors"]), **ZH)
    assert panel.status_code == 200


def test_the_demo_stations_instructors(client, users, county):
    from mechanisms.staffing.demo import generate_staffing

    counts = generate_staffing(county.county, seed=0, progress=lambda message: None)
    assert counts["organizers"] >= 0

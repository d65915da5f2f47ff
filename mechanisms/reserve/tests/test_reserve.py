"""The reserve pool, two-way cultivation and posts for members without office as a county and its townships run
them through the API and the pages: a pool with an appointment (previewed, confirmed, withdrawn), the three tracks
counted per year, posts assigned and reviewed, workbooks read back, scope kept and bad input refused."""
import io
import json

import openpyxl
from django.urls import reverse

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def post_json(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_pool_with_an_appointment_confirmed_and_withdrawn(client, users, county):
    client.force_login(users["township_a"])
    chen, zhang, wangwu = county.people["chen"], county.people["zhangsan"], county.people["wangwu"]
    a1 = county.village_a1.pk
    first = post_json(client, "/api/reserve/cadres", {"organization": a1, "person": chen.pk, "since": "2023-03-01",
                                                      "source": "returnee", "training": "县委党校培训"})
    assert first.status_code == 201, first.content
    assert post_json(client, "/api/reserve/cadres", {"organization": a1, "person": zhang.pk, "since": "2024-05-01",
                                                     "source": "capable"}).status_code == 201
    again = post_json(client, "/api/reserve/cadres", {"organization": a1, "person": chen.pk, "since": "2024-01-01",
                                                      "source": "capable"})
    assert again.status_code == 422  # in a pool already
    assert post_json(client, "/api/reserve/cadres", {"organization": county.village_b1.pk, "person": wangwu.pk,
                                                     "since": "2024-01-01", "source": "capable"}).status_code == 404
    future = post_json(client, "/api/reserve/cadres", {"organization": county.village_a2.pk,
                                                       "person": county.people["lisi"].pk, "since": "2030-01-01",
                                                       "source": "member"})
    assert future.status_code == 422
    cadre = first.json()["id"]
    assert post_json(client, f"/api/reserve/cadres/{cadre}/assessments",
                     {"year": 2024, "grade": "excellent"}).json()["assessments"][0]["grade"] == "excellent"
    body = {"title": "committee_member", "on": "2025-06-10", "note": "换届当选"}
    preview = post_json(client, f"/api/reserve/cadres/{cadre}/appoint", body)
    assert preview.status_code == 409 and preview.json()["name"] == "陳小紅" and len(preview.json()["effects"]) == 2
    assert client.get(f"/api/reserve/cadres/{cadre}").json()["status"] == "in_pool"  # nothing written
    done = post_json(client, f"/api/reserve/cadres/{cadre}/appoint", {**body, "confirm": True}).json()
    assert (done["status"], done["outcome_title"], done["outcome_on"]) == ("appointed", "committee_member",
                                                                           "2025-06-10")
    assert done["post"] is not None
    listed = client.get("/api/reserve/cadres", {"status": "appointed", "outcome_year": 2025}).json()
    assert [c["person"]["name"] for c in listed["items"]] == ["陳小紅"]
    page = client.get(reverse("reserve:pool"), **ZH).content.decode()
    assert "陳小紅" in page and "张三" in page and 'id="pool-figures"' in page
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(client.get(reverse("reserve:pool_xlsx")).streaming_content)))
    names = sorted(row[1] for row in workbook.active.iter_rows(min_row=2, values_only=True))
    assert names == ["张三", "陳小紅"]
    assert post_json(client, f"/api/reserve/cadres/{cadre}/withdraw-outcome", {"reason": ""}).status_code == 422
    back = post_json(client, f"/api/reserve/cadres/{cadre}/withdraw-outcome", {"reason": "录入错误"}).json()
    assert (back["status"], back["post"]) == ("in_pool", None)
    # through the pages: appointment preview then confirmation
    url = reverse("reserve:cadre", args=[cadre])
    form = {"action": "appoint", "title": "village_committee_member", "on": "2025-06-12", "note": ""}
    assert 'id="appoint-preview"' in client.post(url, form, **ZH).content.decode()
    assert client.post(url, {**form, "confirm": "True"}).status_code == 302
    assert client.get(f"/api/reserve/cadres/{cadre}").json()["status"] == "appointed"
    client.force_login(users["township_b"])
    assert client.get(url).status_code == 404
    assert client.get(f"/api/reserve/cadres/{cadre}").status_code == 404


def test_the_three_tracks_counted_and_posts_for_members_without_office(client, users, county):
    client.force_login(users["county"])
    lisi, chen, wangwu = county.people["lisi"], county.people["chen"], county.people["wangwu"]
    a2, b1 = county.village_a2.pk, county.village_b1.pk
    wrong = post_json(client, "/api/reserve/cultivations", {"organization": a2, "person": lisi.pk, "track": "member",
                                                            "started_on": "2024-03-01"})
    assert wrong.status_code == 422  # a member already
    started = []
    for org, person, track, day in ((a2, lisi, "capable", "2024-03-01"), (county.village_a1.pk, chen, "cadre",
                                                                          "2025-02-01"),
                                    (b1, wangwu, "capable", "2025-01-10")):
        response = post_json(client, "/api/reserve/cultivations", {"organization": org, "person": person.pk,
                                                                    "track": track, "started_on": day})
        assert response.status_code == 201, response.content
        started.append(response.json()["id"])
    step = post_json(client, f"/api/reserve/cultivations/{started[0]}/steps", {"done_on": "2024-05-01",
                                                                               "what": "参加实用技术培训"})
    assert step.json()["steps"] == [{"done_on": "2024-05-01", "what": "参加实用技术培训"}]
    assert post_json(client, f"/api/reserve/cultivations/{started[0]}/outcome",
                     {"outcome": "achieved", "on": "2025-04-01"}).json()["outcome"] == "achieved"
    assert post_json(client, f"/api/reserve/cultivations/{started[2]}/outcome",
                     {"outcome": "stopped", "on": "2025-04-01"}).status_code == 422  # a reason is needed
    counts = {c["track"]: c for c in client.get("/api/reserve/cultivations/counts", {"year": 2025}).json()}
    assert (counts["capable"]["started"], counts["capable"]["achieved"], counts["capable"]["ongoing"]) == (1, 1, 1)
    assert (counts["cadre"]["started"], counts["cadre"]["ongoing"], counts["member"]["started"]) == (1, 1, 0)
    page = client.get(reverse("reserve:cultivations") + "?year=2025", **ZH).content.decode()
    assert 'data-track="capable"' in page and "李四" in page
    post = post_json(client, "/api/reserve/duty-posts", {"organization": a2, "name": "政策宣传岗",
                                                         "duties": "宣传惠农政策"})
    assert post.status_code == 201
    assignment = post_json(client, f"/api/reserve/duty-posts/{post.json()['id']}/assignments",
                           {"person": lisi.pk, "year": 2025})
    assert assignment.status_code == 201, assignment.content
    assert post_json(client, f"/api/reserve/duty-posts/{post.json()['id']}/assignments",
                     {"person": wangwu.pk, "year": 2025}).status_code == 422  # not of the branch
    reviewed = post_json(client, f"/api/reserve/assignments/{assignment.json()['id']}/review", {"rating": "good"})
    assert reviewed.json()["rating"] == "good"
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(
        client.get(reverse("reserve:posts_xlsx") + "?year=2025").streaming_content)))
    assert [row[:4] for row in workbook.active.iter_rows(min_row=2, values_only=True)] == [
        ("李家村党支部", "政策宣传岗", "宣传惠农政策", "李四")]
    client.force_login(users["township_b"])
    assert client.get("/api/reserve/assignments", {"year": 2025}).json()["items"] == []
    assert client.get(reverse("reserve:village", args=[a2])).status_code == 404


def test_the_village_page_records_and_the_home_panel(client, users, county):
    client.force_login(users["branch_a1"])
    url = reverse("reserve:village", args=[county.village_a1.pk])
    page = client.get(url, **ZH)
    assert page.status_code == 200 and 'id="cadre-form"' in page.content.decode()
    bad = client.post(url, {"form": "cadre", "person": "", "since": "2025-01-01", "source": "capable"}, **ZH)
    assert bad.status_code == 422 and "invalid-feedback" in bad.content.decode()
    ok = client.post(url, {"form": "cadre", "person": county.people["zhangsan"].pk, "since": "2025-01-01",
                           "source": "capable", "training": "", "note": ""})
    assert ok.status_code == 302
    client.force_login(users["county"])
    panel = client.get(reverse("core:home_panel", args=["reserve.pool"]), **ZH)
    assert panel.status_code == 200 and "reserve/?status=in_pool" in panel.content.decode()


def test_the_demo_gives_each_village_a_pool(client, users, county):
    from mechanisms.reserve.demo import generate_reserve

    counts = generate_reserve(county.county, seed=0, progress=lambda message: None)
    assert counts["cadres"] >= 1
    client.force_login(users["county"])
    assert client.get("/api/reserve/cadres").json()["count"] == counts["cadres"]

"""Pages (entry by tapping names, ledger and its PDF, rates, absences, training) and the API, with their scope."""
import datetime
import json
import subprocess

import pytest

from mechanisms.orglife.models import Meeting
from mechanisms.orglife.services import class_save, participants_set, plan_create
from tests.kit import county_built_once

from .conftest import record

county, users = county_built_once()

TODAY = datetime.date.today()


@pytest.fixture
def meeting(county):
    return record(county.village_a1, date=TODAY, topic="学习二十大精神", host="张三", recorder="陳小紅",
                  attendance={county.people["zhangsan"].pk: "present", county.people["chen"].pk: "absent"})


def test_entry_page_lists_every_member_and_saves_in_one_post(client, users, county, rules):
    client.force_login(users["branch_a1"])
    page = client.get(f"/orglife/orgs/{county.village_a1.pk}/meetings/new/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "张三" in html and "陳小紅" in html and "李四" not in html
    zhang, chen = county.people["zhangsan"], county.people["chen"]
    response = client.post(f"/orglife/orgs/{county.village_a1.pk}/meetings/new/", {
        "kind": "themed_day", "date": TODAY.isoformat(), "topic": "主题党日：志愿服务", "place": "村活动室",
        f"a_{zhang.pk}": "present", f"a_{chen.pk}": "excused"})
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert (meeting.present_count, meeting.excused_count, meeting.organization) == (1, 1, county.village_a1)
    detail = client.get(response["Location"]).content.decode()
    assert "主题党日" in detail and "志愿服务" in detail


def test_entry_refuses_a_stranger_and_keeps_the_taps(client, users, county):
    client.force_login(users["branch_a1"])
    response = client.post(f"/orglife/orgs/{county.village_a1.pk}/meetings/new/", {
        "kind": "lecture", "date": TODAY.isoformat(), "topic": "党课",
        f"a_{county.people['wangwu'].pk}": "present", f"a_{county.people['chen'].pk}": "absent"})
    assert response.status_code == 400
    assert not Meeting.objects.exists()
    assert 'data-status="absent"' in response.content.decode()


def test_pages_are_404_outside_the_subtree(client, users, county, meeting):
    client.force_login(users["township_b"])
    for url in (f"/orglife/meetings/{meeting.pk}/", f"/orglife/meetings/{meeting.pk}/edit/",
                f"/orglife/orgs/{county.village_a1.pk}/meetings/", f"/orglife/orgs/{county.village_a1.pk}/ledger.pdf",
                f"/orglife/orgs/{county.village_a1.pk}/rates/", f"/orglife/orgs/{county.village_a1.pk}/absences/",
                f"/orglife/orgs/{county.village_a1.pk}/meetings/new/",
                f"/orglife/people/{county.people['zhangsan'].pk}/training/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/orglife/meetings/{meeting.pk}/delete/").status_code == 404
    assert Meeting.objects.filter(pk=meeting.pk).exists()
    client.force_login(users["inspector"])  # read-only on township A: sees, cannot record
    assert client.get(f"/orglife/orgs/{county.village_a1.pk}/meetings/").status_code == 200
    assert client.get(f"/orglife/orgs/{county.village_a1.pk}/meetings/new/").status_code == 404


def test_ledger_rates_and_absence_pages(client, users, county, meeting):
    client.force_login(users["township_a"])
    ledger = client.get(f"/orglife/orgs/{county.village_a1.pk}/meetings/?year={TODAY.year}").content.decode()
    assert "学习二十大精神" in ledger and "✓" in ledger and "✗" in ledger
    rates = client.get(f"/orglife/orgs/{county.township_a.pk}/rates/?year={TODAY.year}").content.decode()
    assert county.village_a1.name in rates and "50.0%" in rates
    member_rates = client.get(f"/orglife/orgs/{county.village_a1.pk}/rates/?year={TODAY.year}").content.decode()
    assert "张三" in member_rates and "100.0%" in member_rates
    assert client.get(f"/orglife/orgs/{county.township_a.pk}/absences/").status_code == 200


def test_ledger_pdf_is_the_attendance_register(client, users, county, meeting, tmp_path):
    client.force_login(users["branch_a1"])
    response = client.get(f"/orglife/orgs/{county.village_a1.pk}/ledger.pdf?year={TODAY.year}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "ledger.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "党员参会考勤登记册" in text and county.village_a1.name in text
    assert "张三" in text and "陳小紅" in text and "学习二十大精神" in text
    assert "1/1" in text and "0/1" in text  # present / expected per member


def test_training_pages(client, users, county):
    plan = plan_create(user=None, organizer=county.county, year=2025, title="2025年培训计划")
    training_class = class_save(user=None, plan=plan, title="村党支部书记示范培训班", level="county", domain="rural",
                                start_on=datetime.date(2025, 4, 1), end_on=datetime.date(2025, 4, 3), hours=18,
                                course_series="《农村党支部书记培训10讲》")
    participants_set(user=None, training_class=training_class,
                     rows=[{"person_id": county.people["zhangsan"].pk, "attended_days": 3, "exam_score": 92}])
    client.force_login(users["county"])
    overview = client.get(f"/orglife/orgs/{county.county.pk}/training/?year=2025").content.decode()
    assert "村党支部书记示范培训班" in overview and "农村党支部书记培训10讲" in overview
    archive = client.get(f"/orglife/people/{county.people['zhangsan'].pk}/training/").content.decode()
    assert "村党支部书记示范培训班" in archive and "92" in archive
    assert client.get(f"/orglife/classes/{training_class.pk}/").status_code == 200
    client.force_login(users["township_b"])
    assert client.get(f"/orglife/people/{county.people['zhangsan'].pk}/training/").status_code == 404


def post(client, url, body, method="post"):
    return getattr(client, method)(url, json.dumps(body, default=str), content_type="application/json")


def test_api_meetings_create_update_filter_and_scope(client, users, county, rules):
    client.force_login(users["branch_a1"])
    zhang, chen = county.people["zhangsan"], county.people["chen"]
    created = post(client, "/api/orglife/meetings", {
        "organization_id": county.village_a1.pk, "kind": "branch_general", "date": TODAY, "topic": "党员大会",
        "attendance": [{"person_id": zhang.pk, "status": "present"}, {"person_id": chen.pk, "status": "absent"}]})
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["present"], body["absent"]) == (1, 1)
    assert {a["name"]: a["status"] for a in body["attendance"]} == {"张三": "present", "陳小紅": "absent"}
    patched = post(client, f"/api/orglife/meetings/{body['id']}", {"attendance": [
        {"person_id": chen.pk, "status": "present"}]}, method="patch")
    assert patched.status_code == 200 and patched.json()["present"] == 1 and patched.json()["absent"] == 0
    listed = client.get(f"/api/orglife/meetings?kind=branch_general&under={county.village_a1.pk}").json()
    assert listed["count"] == 1
    assert client.get(f"/api/orglife/meetings?under={county.township_a.pk}").status_code == 404
    assert client.get("/api/orglife/meetings?kind=lecture").json()["count"] == 0
    rates = client.get(f"/api/orglife/rates/{county.village_a1.pk}?year={TODAY.year}").json()
    assert rates["rate"] == 1.0 and rates["members"][0]["name"] == "陳小紅"
    bad = post(client, "/api/orglife/meetings", {"organization_id": county.village_a1.pk, "kind": "party",
                                                 "date": TODAY, "topic": "x"})
    assert bad.status_code == 422

    client.force_login(users["township_b"])
    assert client.get(f"/api/orglife/meetings/{body['id']}").status_code == 404
    assert client.get("/api/orglife/meetings").json()["count"] == 0
    assert post(client, f"/api/orglife/meetings/{body['id']}", {"topic": "x"}, method="patch").status_code == 404
    assert client.delete(f"/api/orglife/meetings/{body['id']}").status_code == 404
    assert post(client, "/api/orglife/meetings", {"organization_id": county.village_a1.pk, "kind": "lecture",
                                                  "date": TODAY, "topic": "x"}).status_code == 404
    assert client.get(f"/api/orglife/rates/{county.village_a1.pk}").status_code == 404
    client.force_login(users["branch_a1"])
    assert client.delete(f"/api/orglife/meetings/{body['id']}").status_code == 204
    assert not Meeting.objects.exists()


def test_api_training(client, users, county):
    client.force_login(users["county"])
    plan = post(client, "/api/orglife/training/plans", {"organizer_id": county.county.pk, "year": 2025,
                                                         "title": "2025年培训计划"})
    assert plan.status_code == 201, plan.content
    created = post(client, "/api/orglife/training/classes", {
        "plan_id": plan.json()["id"], "title": "乡镇党务干部培训班", "level": "county", "domain": "rural",
        "start_on": "2025-04-01", "end_on": "2025-04-03", "hours": 18})
    assert created.status_code == 201, created.content
    class_id = created.json()["id"]
    saved = post(client, f"/api/orglife/training/classes/{class_id}/participants", [
        {"person_id": county.people["zhangsan"].pk, "attended_days": 3, "exam_score": 88},
        {"person_id": county.people["wangwu"].pk, "attended_days": 2}])
    assert saved.status_code == 200, saved.content
    totals = client.get(f"/api/orglife/training/totals/{county.county.pk}?year=2025").json()
    assert (totals["person_times"], totals["hours"], totals["days"]) == (2, 36.0, 5)
    archive = client.get(f"/api/orglife/training/people/{county.people['zhangsan'].pk}").json()
    assert archive["count"] == 1 and archive["items"][0]["exam_score"] == 88.0
    client.force_login(users["township_a"])
    participants = client.get(f"/api/orglife/training/classes/{class_id}/participants").json()
    assert [p["name"] for p in participants["items"]] == ["张三"]  # 王五 of township B is not shown
    assert client.get(f"/api/orglife/training/people/{county.people['wangwu'].pk}").status_code == 404
    assert post(client, f"/api/orglife/training/classes/{class_id}/participants",
                [{"person_id": county.people["zhangsan"].pk, "attended_days": 1}]).status_code == 404

"""Democratic evaluation outcomes through the pages and the API: a year's grades taken from a member-evaluation
assessment after a preview, entered and corrected on the branch's year page (优秀 refused when the yearly goals are
unmet, bad input refused with nothing written), a 不合格 member's case helped then rectified within a period (its
one-off duty done), another persuaded to withdraw after the exit's preview (the standing shows it), a case withdrawn
when the grade is corrected, and each user seeing its own subtree only."""
from pathlib import Path

import pytest
from django.urls import reverse

API = "/api/membership/evaluation"
STANDARD = Path(__file__).resolve().parents[2] / "campaigns" / "standards" / "member-evaluation.yaml"
POINTS = {"A1": 15, "A2": 15, "A3": 10, "B1": 10, "B2": 10, "B3": 10, "B4": 10, "B5": 10, "C1": 10}


@pytest.fixture(autouse=True)
def installed(shipped):
    """The shipped rules, for every test here (the conftest's ``shipped``)."""


def post(client, path, body):
    return client.post(API + path, body, content_type="application/json")


def grade(client, person, year=2024, **data):
    return post(client, "/grades", {"person": person.pk, "year": year, **data})


def grades_of(client, org, year=2024) -> dict:
    items = client.get(API + "/grades", {"organization": org.pk, "year": year}).json()["items"]
    return {row["person"]["name"]: row for row in items}


def computed_assessment(client, county) -> int:
    """Township A's member evaluation of 2024, scored by every rater group: 张三 full marks with the goals met,
    陳小紅 full marks with the goals unmet, 李四 65 points."""
    imported = client.post("/api/standards/import", {"owner": county.township_a.pk,
                                                     "text": STANDARD.read_text(encoding="utf-8")},
                           content_type="application/json")
    assert imported.status_code == 201, imported.content
    assessment = client.post("/api/standards/assessments", {
        "version": imported.json()["id"], "owner": county.township_a.pk, "name": "2024年度民主评议党员",
        "period_kind": "year", "period_start": "2024-01-01", "period_end": "2024-12-31", "period_label": "2024"},
        content_type="application/json")
    assert assessment.status_code == 201, assessment.content
    assessment_id = assessment.json()["id"]
    sheets = {row["subject"]["name"]: row["id"] for row in client.get(
        f"/api/standards/assessments/{assessment_id}/results", {"limit": 50}).json()["items"]}
    entries = []
    for name, passed, scale in (("张三", True, 1), ("陳小紅", False, 1), ("李四", True, 0.65)):
        entries += [{"sheet": sheets[name], "item": code, "points": round(points * scale * 2) / 2}
                    for code, points in POINTS.items()]
        entries.append({"sheet": sheets[name], "item": "C2", "passed": passed})
    for rater in ("self", "masses", "branch"):
        written = client.put(f"/api/standards/assessments/{assessment_id}/scores", {"rater": rater, "scores": entries},
                             content_type="application/json")
        assert written.status_code == 200, written.content
    assert client.post(f"/api/standards/assessments/{assessment_id}/compute").status_code == 200
    return assessment_id


def test_grades_taken_from_the_assessment_then_corrected_by_hand(client, users, county):
    a1 = county.village_a1
    client.force_login(users["township_a"])
    assessment = computed_assessment(client, county)

    client.force_login(users["branch_a1"])
    year_page = reverse("membership:evaluation_year", args=[a1.pk, 2024])
    assert "2024年度民主评议党员" in client.get(year_page).content.decode()
    preview = post(client, "/grades/from-assessment", {"organization": a1.pk, "assessment": assessment})
    assert preview.status_code == 409, preview.content
    counts = preview.json()
    assert counts["by_grade"] == {"excellent": 1, "qualified": 1, "basic": 0, "unqualified": 0}
    assert (counts["new"], counts["changed"]) == (2, 0)
    assert grades_of(client, a1) == {}  # the preview writes nothing

    from_assessment = reverse("membership:evaluation_from_assessment", args=[a1.pk, 2024])
    page = client.post(from_assessment, {"assessment": assessment})
    assert page.status_code == 200 and 'id="grades-preview"' in page.content.decode()
    assert client.post(from_assessment, {"assessment": assessment, "confirm": "on"}).status_code == 302
    rows = grades_of(client, a1)
    assert (rows["张三"]["grade"], rows["张三"]["goals_met"], rows["张三"]["source"]) == ("excellent", "yes",
                                                                                          "assessment")
    assert (rows["陳小紅"]["grade"], rows["陳小紅"]["goals_met"]) == ("qualified", "no")
    zhang, chen = county.people["zhangsan"].membership, county.people["chen"].membership

    # 优秀 refused while the goals are recorded as unmet: the whole grid is refused, nothing written
    refused = client.post(year_page, {f"grade_{zhang.pk}": "qualified", f"goals_{zhang.pk}": "yes",
                                      f"grade_{chen.pk}": "excellent", f"goals_{chen.pk}": "no"})
    assert refused.status_code == 422 and "评优" in refused.content.decode()
    assert grades_of(client, a1)["张三"]["grade"] == "excellent"
    assert grade(client, county.people["chen"], grade="excellent", goals_met="no").status_code == 422
    # bad input and a grade cleared: refused, nothing written
    assert client.post(year_page, {f"grade_{zhang.pk}": "superb", f"goals_{zhang.pk}": "yes"}).status_code == 422
    assert client.post(year_page, {f"grade_{zhang.pk}": "", f"goals_{zhang.pk}": "yes",
                                   f"grade_{chen.pk}": "qualified", f"goals_{chen.pk}": "no"}).status_code == 422
    assert grade(client, county.people["chen"], year=2031, grade="basic").status_code == 422
    assert grades_of(client, a1)["陳小紅"]["grade"] == "qualified"

    saved = client.post(year_page, {f"grade_{zhang.pk}": "excellent", f"goals_{zhang.pk}": "yes",
                                    f"grade_{chen.pk}": "basic", f"goals_{chen.pk}": "no"})
    assert saved.status_code == 302
    rows = grades_of(client, a1)
    assert (rows["陳小紅"]["grade"], rows["陳小紅"]["source"]) == ("basic", "entered")
    assert rows["张三"]["source"] == "assessment"  # unchanged, kept as taken
    counts = client.get(API + "/grades/counts", {"year": 2024, "under": a1.pk}).json()
    assert (counts["total"], counts["excellent"], counts["basic"], counts["goals_unmet"]) == (2, 1, 1, 1)
    workbook = client.get(reverse("membership:evaluation_xlsx"), {"year": 2024})
    assert workbook.status_code == 200 and workbook["Content-Type"].startswith("application/vnd.openxmlformats")


def test_unqualified_helped_then_rectified_within_a_period(client, users, county):
    client.force_login(users["branch_a1"])
    made = grade(client, county.people["zhangsan"], grade="unqualified", goals_met="no")
    assert made.status_code == 200, made.content
    case_id = made.json()["case"]
    case_page = reverse("membership:evaluation_case", args=[case_id])
    assert "张三" in client.get(reverse("duties:todo")).content.decode()  # the open case is on the branch's to-do
    early = post(client, f"/cases/{case_id}/decide", {"outcome": "rectify", "decided_by": "村党支部支部大会",
                                                      "deadline": "2025-09-30"})
    assert early.status_code == 422  # the help comes first
    helped = client.post(reverse("membership:evaluation_case_action", args=[case_id, "help"]),
                         {"on": "2025-03-02", "helped_by": "支部书记", "note": "谈心谈话，帮助制定整改计划"})
    assert helped.status_code == 302
    no_deadline = client.post(reverse("membership:evaluation_case_action", args=[case_id, "decide"]),
                              {"outcome": "rectify", "decided_on": "2025-03-10", "decided_by": "村党支部支部大会"})
    assert no_deadline.status_code == 422 and 'name="deadline"' in no_deadline.content.decode()
    decided = client.post(reverse("membership:evaluation_case_action", args=[case_id, "decide"]),
                          {"outcome": "rectify", "decided_on": "2025-03-10", "decided_by": "村党支部支部大会",
                           "deadline": "2025-09-30", "decision": "限期六个月改正"})
    assert decided.status_code == 302
    case = client.get(f"{API}/cases/{case_id}").json()
    assert (case["state"], case["deadline"], case["duty_state"]) == ("rectifying", "2025-09-30", "open")
    assert 'id="rectified-card"' in client.get(case_page).content.decode()

    done = post(client, f"/cases/{case_id}/rectified", {"on": "2025-06-16", "note": "按期完成整改"})
    assert done.status_code == 200, done.content
    assert (done.json()["state"], done.json()["duty_state"], done.json()["closed_on"]) == ("rectified", "done",
                                                                                          "2025-06-16")
    assert post(client, f"/cases/{case_id}/rectified", {}).status_code == 422  # closed
    assert "张三" not in client.get(reverse("duties:todo")).content.decode()


def test_persuaded_to_withdraw_after_the_preview_the_standing_shows_the_exit(client, users, county):
    chen = county.people["chen"]
    client.force_login(users["branch_a1"])
    case_id = grade(client, chen, grade="unqualified").json()["case"]
    assert post(client, f"/cases/{case_id}/help", {"on": "2025-02-01", "helped_by": "支部书记",
                                                   "note": "多次谈心，仍无转变"}).status_code == 200
    decision = {"outcome": "persuade", "decided_on": "2025-05-20", "decided_by": "村党支部支部大会",
                "decision": "劝其退党"}
    preview = post(client, f"/cases/{case_id}/decide", decision)
    assert preview.status_code == 409 and preview.json()["name"] == "陳小紅"
    standing = f"/api/membership/people/{chen.pk}/standing"
    assert client.get(standing).json()["status"] == "active"  # nothing written

    action = reverse("membership:evaluation_case_action", args=[case_id, "decide"])
    confirm_page = client.post(action, decision)
    assert confirm_page.status_code == 200 and 'id="exit-preview"' in confirm_page.content.decode()
    assert client.post(action, {**decision, "confirm": "True"}).status_code == 302
    after = client.get(standing).json()
    assert after["status"] == "left"
    assert (after["changes"][-1]["kind"], after["changes"][-1]["reason"]) == ("exit", "persuaded")
    case = client.get(f"{API}/cases/{case_id}").json()
    assert (case["state"], case["standing_change"]) == ("persuaded", after["changes"][-1]["id"])
    assert grade(client, chen, grade="qualified").status_code == 422  # the case ended in an exit: the grade stays


def test_a_corrected_grade_withdraws_the_open_case_and_each_sees_its_own(client, users, county):
    lisi = county.people["lisi"]
    client.force_login(users["township_a"])
    case_id = grade(client, lisi, grade="unqualified").json()["case"]
    assert client.get(f"{API}/cases", {"open_only": True}).json()["count"] == 1
    assert grade(client, lisi, grade="basic", goals_met="yes").status_code == 200
    case = client.get(f"{API}/cases/{case_id}").json()
    assert case["state"] == "withdrawn"
    assert grade(client, lisi, grade="unqualified").json()["case"] == case_id  # graded 不合格 again: reopened
    assert client.get(f"{API}/cases/{case_id}").json()["state"] == "helping"
    index = client.get(reverse("membership:evaluation"), {"year": 2024}).content.decode()
    assert "李家村党支部" in index and "李四" in index

    client.force_login(users["branch_a1"])  # a branch sees its branch only
    assert client.get(f"{API}/cases/{case_id}").status_code == 404
    assert client.get(reverse("membership:evaluation_case", args=[case_id])).status_code == 404
    assert client.get(API + "/grades", {"year": 2024, "under": county.village_a2.pk}).status_code == 404
    assert grade(client, lisi, grade="qualified").status_code == 404
    assert client.get(reverse("membership:evaluation_year", args=[county.village_a2.pk, 2024])).status_code == 404

    client.force_login(users["township_b"])  # someone outside
    assert client.get(reverse("membership:evaluation_year", args=[county.village_a1.pk, 2024])).status_code == 404
    assert post(client, f"/cases/{case_id}/help", {"helped_by": "某", "note": "某"}).status_code == 404
    assert client.get(API + "/grades", {"year": 2024}).json()["count"] == 0

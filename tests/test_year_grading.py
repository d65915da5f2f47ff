"""A "3+1" year (分类定级, 三定一帮, 晋位升级; seed 003), as a county runs it, over HTTP only from an empty database:
the county sets up its grade scheme, its upgrading campaign and the pools of county leaders and organization
cadres; grades are proposed from the register (a village without a secretary is lagging and 软弱涣散) or set by
hand with a reason, and confirmed; "3+1" teams are proposed within the load cap; the township opens a
rectification plan, fills its problems and measures, and moves it through 拟定 → 审批 → 整改 → 验收 with the county's
sign-offs. Meanwhile no other path lifts the lagging village (the grade API, the grades workbook), a measure past
its deadline is declared overdue once, an overdue 验收 escalates to the county, and only the acceptance lifts.

The daily run (``manage.py daily --today``) moves the clock; the pages and the API act on the real today, so
every day the test runs the daily job on is read from the answers (the day a stage was entered, its due date).
No ORM or service call is made in the test's body.
"""
import datetime
import io
import json

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.kit import make_id_number

from .scenario import api, daily, new_county, upload

LAGGING_BY_DATA = {"T1V1", "T2V3"}  # no secretary on record: lagging and 软弱涣散
LAGGING_BY_HAND = "T1V2"  # a secretary, but the county grades it lagging with its reason


def member(name, birth, org, post):
    return (name, make_id_number(birth), org, "正式", "1995-07-01", "1996-07-01", post, "2022-01-01")


def extra_members():
    rows = [member("县领导甲", datetime.date(1966, 2, 1), "430530", "党委副书记"),
            member("县领导乙", datetime.date(1967, 3, 1), "430530", "党委委员"),
            member("组工干部甲", datetime.date(1985, 4, 1), "430530", "党委委员"),
            member("组工干部乙", datetime.date(1986, 5, 1), "430530", "党委委员"),
            member("镇书记一", datetime.date(1972, 6, 1), "T1", "党委书记"),
            member("镇书记二", datetime.date(1973, 7, 1), "T2", "党委书记")]
    rows += [member(f"村书记{t}{v}", datetime.date(1970 + v, t, 10 + v), f"T{t}V{v}", "党支部书记")
             for t in (1, 2) for v in (1, 2, 3) if f"T{t}V{v}" not in LAGGING_BY_DATA]
    return rows


def ok(response, status=200) -> dict:
    assert response.status_code == status, response.content.decode()[:2000]
    return response.json()


def confirm_grades(client, upgrading_id, body) -> dict:
    """Confirms proposals; where the confirmation asks to be confirmed (409 confirmation_required), confirms."""
    answer = api(client, "post", f"/grading/{upgrading_id}/grades/confirm", body)
    if answer.status_code == 409 and "confirmation_required" in said(answer):
        answer = api(client, "post", f"/grading/{upgrading_id}/grades/confirm", {**body, "confirm": True})
    return ok(answer)


def grades(client, upgrading_id, round) -> list[dict]:
    return ok(api(client, "get", f"/grading/{upgrading_id}/grades?round={round}&limit=100"))["items"]


def by_code(rows) -> dict:
    return {row["organization"]["name"]: row for row in rows}


def notices(client, case_id, kind=None) -> list[dict]:
    query = f"/workflows/notices?case={case_id}&limit=100" + (f"&kind={kind}" if kind else "")
    return ok(api(client, "get", query))["items"]


def said(response) -> str:
    """The answer as a user reads it (Chinese unescaped)."""
    return json.dumps(response.json(), ensure_ascii=False)


def day(date: datetime.date) -> str:
    return date.isoformat()


@pytest.mark.django_db
def test_a_lagging_village_is_supported_rectified_and_lifted_only_by_its_plan():
    today = timezone.localdate()
    county = new_county(townships=2, villages=3, extra_members=extra_members())
    town1 = county.account("town1", "T1", "township_admin", name="第1镇组织委员")
    xian = county.account("xian", "430530", "county_admin", name="县委组织部干部")
    top, t1v1, t1v2 = county.org("430530"), county.org("T1V1"), county.org("T1V2")

    # --- The county's set-up: a scheme, the campaign with its deadline and team cap, the pools. ---------------
    scheme = ok(api(county.admin, "post", "/grading/schemes", {"owner": top["id"], "name": "村党组织分类定级"}), 201)
    assert [level["name"] for level in scheme["levels"] if level["lagging"]] == ["后进"]
    deadline = today + datetime.timedelta(days=180)
    upgrading = ok(api(county.admin, "post", "/grading/", {
        "scheme": scheme["id"], "owner": top["id"], "year": today.year, "deadline": day(deadline),
        "name": "后进党组织晋位升级", "max_load": 2}), 201)
    uid = upgrading["id"]
    assert upgrading["deadline"] == day(deadline) and upgrading["max_load"] == 2
    people = {post["person"]["name"]: post["person"]["id"]
              for post in ok(api(county.admin, "get", f"/posts?organization={top['id']}&limit=100"))["items"]}
    for role, names in (("county_leader", ["县领导甲", "县领导乙"]), ("cadre", ["组工干部甲", "组工干部乙"])):
        for name in names:
            ok(api(county.admin, "post", f"/grading/{uid}/pool", {"role": role, "person": people[name]}), 201)
    again = api(county.admin, "post", f"/grading/{uid}/pool", {"role": "cadre", "person": people["组工干部甲"]})
    assert again.status_code == 422 and "组工干部甲" in said(again)
    village_secretary = ok(api(county.admin, "get", f"/posts?organization={t1v2['id']}"))["items"][0]["person"]
    too_far = api(county.admin, "post", f"/grading/{uid}/pool", {"role": "cadre", "person": village_secretary["id"]})
    assert too_far.status_code == 422  # a village's secretary holds no post in the county or a township
    assert "村书记12" in said(too_far) and "某县委" in said(too_far), said(too_far)
    assert len(ok(api(county.admin, "get", f"/grading/{uid}/pool"))) == 4

    # --- Grades: proposed from the register, one set by hand with its reason, all confirmed. ------------------
    assert ok(api(county.admin, "post", f"/grading/{uid}/grades/propose", {}))["count"] == 6
    proposed = by_code(grades(county.admin, uid, "initial"))
    lagging = {name for name, grade in proposed.items() if grade["lagging"]}
    assert lagging == {"第1镇1村党支部", "第2镇3村党支部"}
    assert all(proposed[name]["weak_lax"] and proposed[name]["confirmed_on"] is None for name in lagging)
    assert "书记" in "".join(proposed["第1镇1村党支部"]["reasons"])  # the register's reason, in Chinese
    no_reason = api(county.admin, "post", f"/grading/{uid}/grades",
                    {"organization": t1v2["id"], "level": "lagging", "reason": " "})
    assert no_reason.status_code == 422
    by_hand = ok(api(county.admin, "post", f"/grading/{uid}/grades", {
        "organization": t1v2["id"], "level": "lagging", "reason": "班子不团结，全年未开展组织生活"}))
    assert by_hand["source"] == "hand" and by_hand["confirmed_on"]
    confirm_grades(county.admin, uid, {"round": "initial"})
    initial = by_code(grades(county.admin, uid, "initial"))
    assert all(grade["confirmed_on"] for grade in initial.values())
    assert sorted(name for name, grade in initial.items() if grade["lagging"]) == [
        "第1镇1村党支部", "第1镇2村党支部", "第2镇3村党支部"]

    # --- "3+1" teams: the township committee's secretary, leaders and cadres from the pools within the cap. ---
    teams = by_code(ok(api(county.admin, "post", f"/grading/{uid}/teams/propose")))
    assert set(teams) == {"第1镇1村党支部", "第1镇2村党支部", "第2镇3村党支部"}
    assert teams["第1镇1村党支部"]["committee_secretary"]["name"] == "镇书记一"
    assert teams["第2镇3村党支部"]["committee_secretary"]["name"] == "镇书记二"
    pool = ok(api(county.admin, "get", f"/grading/{uid}/pool"))
    assert sum(member["teams"] for member in pool if member["role"] == "county_leader") == 3
    assert max(member["teams"] for member in pool) <= 2
    assert ok(api(town1, "get", f"/grading/{uid}/teams"))["count"] == 2  # the township sees its own villages

    # --- The township opens the plan, finds the problems, sets measures with deadlines. ------------------------
    plan = ok(api(town1, "post", f"/grading/{uid}/plans", {"organization": t1v1["id"],
                                                          "target": "年内晋位到“一般”以上"}), 201)
    pid, case_id = plan["id"], plan["case_id"]
    assert plan["stage"] == "drafted"
    opened = ok(api(town1, "get", f"/workflows/cases/{case_id}"))
    start = datetime.date.fromisoformat(opened["stage_entered_on"])
    unfilled = api(town1, "post", f"/grading/plans/{pid}/advance", {})
    assert unfilled.status_code == 422 and ok(api(town1, "get", f"/grading/plans/{pid}"))["stage"] == "drafted"
    ok(api(town1, "post", f"/grading/plans/{pid}/problems", {
        "line": "leadership", "type": "paralysed", "description": "书记空缺，班子瘫痪"}))
    measure_due = start + datetime.timedelta(days=5)
    plan = ok(api(town1, "post", f"/grading/plans/{pid}/measures", {
        "content": "选优配强村党支部书记", "owner": "镇书记一", "deadline": day(measure_due)}))
    plan = ok(api(town1, "post", f"/grading/plans/{pid}/measures", {
        "content": "建立“三会一课”台账", "owner": "第1镇组织委员", "deadline": day(start + datetime.timedelta(days=60))}))
    first_measure, second_measure = sorted(plan["measures"], key=lambda m: m["deadline"])
    ok(api(town1, "post", f"/grading/plans/{pid}/visits", {"on": day(start), "visitors": "县领导甲、组工干部甲"}))

    # 拟定 → 审批 (the township), 审批 needs the county's sign-off, then → 整改.
    assert ok(api(town1, "post", f"/grading/plans/{pid}/advance", {}))["stage"] == "approved"
    unsigned = api(town1, "post", f"/grading/plans/{pid}/advance", {})
    assert unsigned.status_code == 422
    ok(api(xian, "post", f"/grading/plans/{pid}/approve", {"comment": "同意整改方案"}))
    assert ok(api(town1, "post", f"/grading/plans/{pid}/advance", {}))["stage"] == "in_progress"

    # --- Gates: while the plan is at 整改 nothing but its acceptance lifts the village, on any path. ------------
    ok(api(county.admin, "post", f"/grading/{uid}/grades/propose", {"round": "regrade"}))
    regrade = by_code(grades(county.admin, uid, "regrade"))
    assert regrade["第1镇1村党支部"]["lagging"] and regrade["第1镇1村党支部"]["weak_lax"]
    before = {round: grades(county.admin, uid, round) for round in ("initial", "regrade")}

    for round in ("regrade", "initial"):
        lift = api(county.admin, "post", f"/grading/{uid}/grades", {
            "organization": t1v1["id"], "level": "good", "reason": "书记已配齐", "round": round})
        assert lift.status_code == 422, lift.content
        message = lift.json()["message"]
        # In Chinese, the default language: the plan and the stage it is at are named.
        assert message == (f"第1镇1村党支部为后进党组织：其整改方案“第1镇1村党支部 · {today.year}”处于“整改”阶段；"
                           "只有整改方案验收通过才能晋位升级。"), message
    unmarked = api(county.admin, "post", f"/grading/{uid}/grades", {
        "organization": t1v1["id"], "level": "lagging", "weak_lax": False, "reason": "不再软弱涣散", "round": "regrade"})
    assert unmarked.status_code == 422  # dropping 软弱涣散 lifts too

    sheet = county.admin.get(f"/grading/{uid}/grades/workbook.xlsx?round=regrade")
    assert sheet.status_code == 200
    book = load_workbook(io.BytesIO(sheet.content))
    data = book["分类定级"]
    headers = [cell.value for cell in data[1]]
    for row in data.iter_rows(min_row=2):
        if row[headers.index("组织代码")].value == "T1V1":
            row[headers.index("确认等级")].value = "较好"
            row[headers.index("软弱涣散")].value = None
            row[headers.index("理由")].value = "书记已配齐，整改到位"
    edited = io.BytesIO()
    book.save(edited)
    edited.seek(0)
    refused = upload(county.admin, f"/grading/{uid}/grades/workbook", "grades.xlsx", edited, round="regrade")
    assert refused.status_code == 422, refused.content
    assert "整改" in said(refused) and "第1镇1村党支部" in said(refused)
    assert {round: grades(county.admin, uid, round) for round in ("initial", "regrade")} == before
    assert ok(api(county.admin, "get", f"/grading/{uid}/board"))["lifted"] == 0

    # --- A measure past its deadline: declared overdue once, however many daily runs. --------------------------
    daily(day(measure_due + datetime.timedelta(days=1)))
    daily(day(measure_due + datetime.timedelta(days=2)))
    overdue = [n for n in notices(town1, case_id, "overdue") if n["item"] == f"measure:{first_measure['id']}"]
    assert len(overdue) == 1 and "选优配强村党支部书记" in overdue[0]["message"]
    for measure in (first_measure, second_measure):
        ok(api(town1, "post", f"/grading/plans/{pid}/measures/{measure['id']}/progress", {"progress": 100}))
    assert notices(town1, case_id, "overdue")[0]["resolved_on"]  # done: off the to-do list, kept on record

    # --- 整改 → 验收 (the township); 验收 is the county's alone, and left overdue it escalates to the county. ----
    assert ok(api(town1, "post", f"/grading/plans/{pid}/advance", {}))["stage"] == "accepted"
    assert api(town1, "post", f"/grading/plans/{pid}/advance", {}).status_code == 403
    at_acceptance = ok(api(xian, "get", f"/workflows/cases/{case_id}"))
    due = datetime.date.fromisoformat(at_acceptance["due_on"])
    daily(day(due + datetime.timedelta(days=1)))
    assert [n["kind"] for n in notices(xian, case_id, "overdue") if not n["item"]] == ["overdue"]
    assert notices(xian, case_id, "escalation") == []
    daily(day(due + datetime.timedelta(days=8)))
    daily(day(due + datetime.timedelta(days=9)))
    escalations = notices(xian, case_id, "escalation")
    assert len(escalations) == 1 and escalations[0]["stage"] == "accepted"
    assert len(notices(county.admin, case_id, "escalation")) == 1
    assert notices(town1, case_id, "escalation") == []  # not the township's: it cannot act at 验收
    todo = ok(api(xian, "get", "/duties/todo/elsewhere"))
    assert any("第1镇1村党支部" in item["title"] for item in todo), todo
    still_held = api(county.admin, "post", f"/grading/{uid}/grades", {
        "organization": t1v1["id"], "level": "good", "reason": "书记已配齐", "round": "regrade"})
    assert still_held.status_code == 422 and "验收" in said(still_held)

    # --- Acceptance: the county signs off and closes the plan; that alone writes the new grade. ---------------
    assert api(xian, "post", f"/grading/plans/{pid}/advance", {}).status_code == 422  # no sign-off yet
    ok(api(xian, "post", f"/grading/plans/{pid}/approve", {"comment": "验收合格"}))
    closed = ok(api(xian, "post", f"/grading/plans/{pid}/advance", {"comment": "销号"}))
    assert closed["status"] == "closed" and closed["stage"] == "closed"
    lifted = by_code(grades(county.admin, uid, "regrade"))["第1镇1村党支部"]
    assert (lifted["grade"], lifted["lagging"], lifted["weak_lax"], lifted["source"]) == (
        "average", False, False, "plan")
    assert lifted["confirmed_on"]
    assert by_code(grades(county.admin, uid, "regrade"))["第1镇2村党支部"]["lagging"]  # its plan not accepted
    board = ok(api(county.admin, "get", f"/grading/{uid}/board"))
    assert (board["lagging"], board["lifted"], board["closed"], board["teams"], board["plans"]) == (3, 1, 1, 3, 1)
    assert ok(api(town1, "get", f"/grading/{uid}/board"))["lifted"] == 1

    # Once accepted, a better grade is set by hand with its reason; the other lagging villages stay held.
    better = ok(api(county.admin, "post", f"/grading/{uid}/grades", {
        "organization": t1v1["id"], "level": "good", "reason": "新书记到位，组织生活规范", "round": "regrade"}))
    assert better["grade"] == "good"
    other = api(county.admin, "post", f"/grading/{uid}/grades", {
        "organization": t1v2["id"], "level": "good", "reason": "已整改", "round": "regrade"})
    assert other.status_code == 422 and "第1镇2村党支部" in said(other)
    assert ok(api(county.admin, "get", f"/grading/{uid}/board"))["lifted"] == 1

"""A year (2025) of a county's members over HTTP only, from an empty county (tests/scenario.py), and the party
statistics annual report that reconciles it.

Two townships of two villages, three members each and a committee member per township. In the year:
- a member of T1V1 transferred to T2V1, received only after the receipt's duty went overdue;
- a member of T1V2 transferred to T2V2 and held there (still counted at T1 at the year's end);
- a member of T2V1 transferred to T1V1 and sent back (still at T2);
- a member of T1V1 transferred out of the system: the three-part letter printed, the receipt recorded;
- a new probationary member of T1V2 (imported); a member of T1V2 died;
- two floating members of T1V1, one more than six months at a fixed place (the to-do warns: transfer instead);
- T1V1's dues for twelve months, a base raised in June, an exemption approved by the township, arrears.
Then the 2025 report of T1 and of the county equals what the test counts from the story itself, every row
reconciles (opening + movements = closing), each figure opens its people, and T1 submits the report: its yearly
duty is done.
"""
import datetime
import io
import subprocess

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from kernel.core import clock
from tests.kit import make_id_number

from .scenario import api, daily, job_succeeded, new_county, upload, xlsx

D = datetime.date


def ok(response, status=200):
    assert response.status_code == status, response.content.decode()[:2000]
    return response.json() if response["Content-Type"].startswith("application/json") else response


def person(client, name) -> dict:
    (found,) = api(client, "get", f"/people?q={name}").json()["items"]
    return found


def transfer(client, name, to_code, county):
    return api(client, "post", f"/membership/people/{person(client, name)['id']}/transfers", {
        "kind": "within", "to_org": county.org(to_code)["id"], "dues_paid_to": "2024-12", "confirm": True})


def report(client, org_id, year=2025) -> dict:
    data = ok(api(client, "get", f"/membership/statistics?year={year}&organization={org_id}"))
    rows = {(row["row"], row["category"]): row for row in data["reconciliation"]}
    return {"rows": rows, "tables": data["tables"]}


@pytest.mark.django_db
def test_a_year_of_members_and_the_report_that_reconciles_it(tmp_path):
    with clock.today_is(D(2025, 1, 2)):
        county = new_county(townships=2, villages=2, members=3)
        admin = county.admin
        t1 = county.account("t1", "T1", "township_admin")
        t2 = county.account("t2", "T2", "township_admin")
        b11 = county.account("b11", "T1V1", "branch_secretary")
        new_member = ("新党员", make_id_number(D(1999, 5, 6), "female"), "T1V2", "预备", "2025-07-01", "", "", "")
    # 1. T1V1's 党员1-1-0 to T2V1: the receipt goes overdue, then T2 receives it
    with clock.today_is(D(2025, 2, 10)):
        moved = ok(transfer(admin, "党员1-1-0", "T2V1", county), 201)
    daily("2025-03-15")
    with clock.today_is(D(2025, 3, 15)):
        overdue = ok(api(t2, "get", "/duties/obligations?state=overdue&limit=200"))["items"]
        assert [o["due_on"] for o in overdue if o["rule"]["name"] == "组织关系转接回执"] == ["2025-03-12"]
    with clock.today_is(D(2025, 3, 20)):
        ok(api(t2, "post", f"/membership/transfers/{moved['id']}/accept", {"on": "2025-03-20"}))
    # 2. held at T2 (still T1's at the year's end); 3. sent back by T1 (still T2's)
    with clock.today_is(D(2025, 4, 1)):
        held = ok(transfer(admin, "党员1-2-0", "T2V2", county), 201)
        ok(api(t2, "post", f"/membership/transfers/{held['id']}/hold", {"reason": "材料不全，待补充"}))
    with clock.today_is(D(2025, 5, 1)):
        returned = ok(transfer(admin, "党员2-1-0", "T1V1", county), 201)
        ok(api(t1, "post", f"/membership/transfers/{returned['id']}/return", {"reason": "不符合接收条件"}))
    # 4. out of the system with the printed letter, the receipt back on 20 June
    with clock.today_is(D(2025, 6, 1)):
        out = ok(api(admin, "post", f"/membership/people/{person(admin, '党员1-1-1')['id']}/transfers", {
            "kind": "out", "outside_name": "中共某省某市某街道党工委", "dues_paid_to": "2025-05"}), 201)
        letter = admin.get(f"/membership/transfers/{out['id']}/letter.pdf")
        (tmp_path / "letter.pdf").write_bytes(letter.content)
        text = subprocess.run(["pdftotext", str(tmp_path / "letter.pdf"), "-"], capture_output=True, text=True).stdout
        assert "党员1-1-1" in text and "中共某省某市某街道党工委" in text and "贰零贰伍年伍月" in text
    with clock.today_is(D(2025, 6, 20)):
        ok(api(admin, "post", f"/membership/transfers/{out['id']}/receipt", {"on": "2025-06-20"}))
    # 5. a new probationary member; a member who died
    with clock.today_is(D(2025, 7, 2)):
        rows = [("姓名", "公民身份号码", "所在党组织代码", "党员类别", "入党日期", "转正日期", "职务", "任职日期"),
                new_member]
        assert job_succeeded(upload(admin, "/imports/members", "members.xlsx", xlsx(rows)))["counts"]["created"] == 1
    with clock.today_is(D(2025, 8, 15)):
        ok(api(admin, "post", f"/membership/people/{person(admin, '党员1-2-1')['id']}/standing", {
            "kind": "exit", "reason": "deceased", "on": "2025-08-15", "confirm": True}), 201)
    # 6. two floating members of T1V1, one at a fixed place since October 2024
    with clock.today_is(D(2025, 9, 1)):
        village = county.org("T1V1")["id"]
        for name, org, fixed, since in (("党员1-1-2", "T1V1", True, "2024-10-01"),
                                        ("党员1-2-2", "T1V2", False, "2025-08-01")):
            ok(api(t1, "post", "/membership/floating", {
                "direction": "out", "organization": county.org(org)["id"], "person": person(t1, name)["id"],
                "place": "广东省东莞市", "fixed_place": fixed, "since": since}), 201)
        todo = ok(api(b11, "get", "/duties/todo?limit=200"))["items"]  # the home branch's to-do
        assert [item["state"] for item in todo if item["state"] == "应转接组织关系"] == ["应转接组织关系"]
    # 7. T1V1's dues: 党员1-1-2 employed at 2,800 (14.00), 4,200 from June (42.00), exempt from October by T1
    zhang = person(t1, "党员1-1-2")["id"]
    with clock.today_is(D(2025, 1, 20)):
        ok(api(t1, "post", f"/membership/dues/people/{zhang}/base", {
            "payer_kind": "employed", "amount": "2800", "from_month": "2025-01"}), 201)
    with clock.today_is(D(2025, 6, 5)):
        ok(api(t1, "post", f"/membership/dues/people/{zhang}/base", {
            "payer_kind": "employed", "amount": "4200", "from_month": "2025-06"}), 201)
    with clock.today_is(D(2025, 9, 20)):
        relief = ok(api(t1, "post", f"/membership/dues/people/{zhang}/reliefs", {
            "kind": "exempt", "from_month": "2025-10", "to_month": "2025-12", "reason": "长期在外务工收入微薄",
            "branch_decision": "支部委员会 2025-09-18", "decided_on": "2025-09-18"}), 201)
        ok(api(t1, "post", f"/membership/dues/reliefs/{relief['id']}/approve", {"note": "同意"}))
    with clock.today_is(D(2026, 1, 15)):
        for month in range(1, 13):
            ok(api(t1, "post", "/membership/dues/ledger/open", {"organization": village, "month": f"2025-{month:02d}"}),
               201)
        ok(api(t1, "post", f"/membership/dues/people/{zhang}/payments", {
            "months": [f"2025-{m:02d}" for m in range(1, 9)], "paid_on": "2025-09-01"}), 201)
        ledger = ok(api(t1, "get", f"/membership/dues/ledger?organization={village}&month=2025-06"))
        assert {line["person"]["name"]: line["owed"] for line in ledger["lines"]}["党员1-1-2"] == "42.00"
        arrears = {row["person"]["name"]: row for row in ok(api(t1, "get", "/membership/dues/arrears"))["items"]}
        assert (arrears["党员1-1-2"]["months"], arrears["党员1-1-2"]["behind"]) == (1, "42.00")  # September only
        # the 2025 report, counted from the story: T1 had 7 members, T2 7
        t1_id, t2_id, top = county.org("T1")["id"], county.org("T2")["id"], county.org(county.code)["id"]
        mine = report(t1, t1_id)
        total = mine["rows"][("total", "all")]
        assert (total["opening"], total["joined"], total["moved_out"], total["went_out"], total["closing"]) == \
            (7, 1, 1, 1, 5)
        assert total["left"]["deceased"] == 1 and total["moved_in"] == 0
        assert mine["rows"][("total", "probationary")]["closing"] == 1
        assert mine["rows"][("T1V1", "all")]["closing"] == 1 and mine["rows"][("T1V2", "all")]["closing"] == 3
        theirs = report(t2, t2_id)["rows"][("total", "all")]
        assert (theirs["opening"], theirs["moved_in"], theirs["closing"]) == (7, 1, 8)
        whole = report(admin, top)
        county_total = whole["rows"][("total", "all")]
        assert (county_total["opening"], county_total["moved_in"], county_total["moved_out"],
                county_total["closing"]) == (14, 0, 0, 13)
        for rows in (mine["rows"], whole["rows"]):
            assert all(row["balanced"] for row in rows.values())
        # the tables equal a count from the imported births: villagers born 1961–1962 (61+), committee members 1975
        basic = whole["tables"]["basic"]["total"]
        assert (basic["total"], basic["probationary"], basic["women"]) == (13, 1, 1)
        ages = whole["tables"]["age"]["total"]
        assert (ages["61"], ages["46_50"], ages["30"]) == (10, 2, 1)
        book = load_workbook(io.BytesIO(t1.get("/membership/statistics.xlsx", {"root": t1_id, "year": 2025}).content))
        changes = {(row[0], row[1]): row for row in book["党员数量变化"].iter_rows(min_row=2, values_only=True)}
        assert changes[("合计", "全体党员")][2:] == (7, 1, 0, 0, 1, 1, 1, 0, 5)
        # each figure opens its people; the report goes up as T1's yearly duty
        page = t1.get("/membership/statistics/people/", {"root": t1_id, "year": 2025, "figure": "went_out"})
        assert "党员1-1-1" in page.content.decode()
        refused = t1.post("/membership/statistics/submit/", {"root": t1_id, "year": 2025}, follow=True)
        assert "确认" in refused.content.decode()
        t1.post("/membership/statistics/submit/", {"root": t1_id, "year": 2025, "confirm": "1"})
        duties = ok(api(t1, "get", f"/duties/obligations?organization={t1_id}&year=2025"))["items"]
        assert [o["state"] for o in duties if o["rule"]["name"] == "党内统计年报"] == ["done"]
        assert 'id="submitted"' in t1.get("/membership/statistics/", {"root": t1_id, "year": 2025}).content.decode()
    call_command("check")

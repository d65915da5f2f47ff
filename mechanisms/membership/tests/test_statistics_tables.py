"""The statistics annual report's further tables over HTTP only, from an empty county (tests/scenario.py): a year
(2025) of two townships of four villages, two members a village, a community branch with a retired member and a
student, and four probationary members. In the year:
- two probationary members made full (one on time, one after the probation extended in 2024), one's probation
  extended, one's probationary membership cancelled (取消预备党员资格); a new member admitted; a member died, one
  expelled;
- seed 004: "4月8日—14日选派8名村党支部书记参加了县上集中培训": eight village members at a county class from 8 to 14
  April, and T1's own township class (where an applicant sat in, who is not counted);
- development: an applicant, an activist and a development target at the end of the year;
- seed 004: "发现培养优秀共产党员标兵": the township commends members (优秀共产党员), the county an organization
  worker and two branches; one commendation withdrawn; a bad entry refused with its reason, nothing lost.
Each new table equals what the test counts from this story, each figure opens its people, the workbook has the
tables, the home panel links to the same numbers, and the submitted report is withdrawn (the duty open again),
which is refused once next year's report is in.
"""
import datetime
import io
import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import translation
from openpyxl import load_workbook

from kernel.core import clock
from tests.kit import make_id_number
from tests.scenario import api, daily, job_succeeded, new_county, upload, xlsx

D = datetime.date


def ok(response, status=200):
    assert response.status_code == status, response.content.decode()[:2000]
    return response.json() if response["Content-Type"].startswith("application/json") else response


def zh(text: str) -> str:
    """A message as the Chinese interface shows it (the default language)."""
    with translation.override("zh-hans"):
        return translation.gettext(text)


def total() -> str:
    with translation.override("zh-hans"):
        return translation.pgettext("report row", "Total")


def person(client, name) -> dict:
    (found,) = [p for p in api(client, "get", f"/people?q={name}").json()["items"] if p["name"] == name]
    return found


def standing(client, name, body, status=201):
    return ok(api(client, "post", f"/membership/people/{person(client, name)['id']}/standing", body), status)


def report(client, org_id, year=2025) -> dict:
    return ok(api(client, "get", f"/membership/statistics?year={year}&organization={org_id}"))


def names(page) -> set[str]:
    return set(re.findall(r'<a href="/(?:membership|people)/[^"]*">([^<]+)</a></td>', page.content.decode()))


def links(page, table: str) -> list[str]:
    """The figures' links of one table of the report page."""
    html = page.content.decode()
    start = html.index(f'id="table-{table}"')
    body = html[start: html.index("</table>", start)]
    return [link.replace("&amp;", "&") for link in re.findall(r'<a href="([^"]+)">', body)]


def sheet_rows(book, title: str) -> dict:
    name = "".join(" " if c in "[]:*?/\\" else c for c in zh(title)).strip()[:31]
    return {row[0]: row[1:] for row in book[name].iter_rows(min_row=2, values_only=True)}


@pytest.mark.django_db
def test_the_further_tables_of_a_year_counted_from_the_story():
    extra_orgs = [("T1C1", "第1镇某社区党支部", "支部", "社区", "T1", "1990-01-01")]
    extra_members = [
        ("社区甲", make_id_number(D(1955, 3, 3), "female"), "T1C1", "正式", "1985-07-01", "1986-07-01", "", ""),
        ("学生乙", make_id_number(D(2003, 4, 4), "female"), "T1C1", "预备", "2024-11-01", "", "", ""),
        ("预备甲", make_id_number(D(1998, 1, 1)), "T1V1", "预备", "2024-03-01", "", "", ""),
        ("预备乙", make_id_number(D(1997, 2, 2)), "T1V2", "预备", "2023-09-01", "", "", ""),
        ("预备丙", make_id_number(D(1996, 3, 3)), "T2V1", "预备", "2024-04-01", "", "", ""),
        ("预备丁", make_id_number(D(1995, 4, 4)), "T2V2", "预备", "2024-05-01", "", "", ""),
    ]
    with clock.today_is(D(2025, 1, 2)):
        county = new_county(townships=2, villages=4, members=2, extra_orgs=extra_orgs, extra_members=extra_members)
        admin = county.admin
        t1 = county.account("t1", "T1", "township_admin")
        for name, fields in (("党员1-1-0", {"occupation": "farmer"}), ("党员1-1-1", {"occupation": "farmer"}),
                             ("党员1-2-0", {"occupation": "worker"}), ("社区甲", {"occupation": "retired"}),
                             ("学生乙", {"occupation": "student", "education": "university"})):
            ok(api(admin, "patch", f"/people/{person(admin, name)['id']}", fields))
        # 预备乙's probation was extended in 2024 by half a year
        standing(admin, "预备乙", {"kind": "extend_probation", "on": "2024-09-01", "until": "2025-03-01",
                                  "decided_by": "第1镇2村党支部支部大会"})
    top, t1_id = county.org(county.code)["id"], county.org("T1")["id"]
    # probation: made full on time, after the extension; extended; cancelled
    with clock.today_is(D(2025, 3, 1)):
        standing(admin, "预备甲", {"kind": "make_full", "on": "2025-03-01", "decided_by": "第1镇1村党支部支部大会"})
    with clock.today_is(D(2025, 3, 10)):
        standing(admin, "预备乙", {"kind": "make_full", "on": "2025-03-10", "decided_by": "第1镇2村党支部支部大会"})
    with clock.today_is(D(2025, 4, 1)):
        standing(admin, "预备丙", {"kind": "extend_probation", "on": "2025-04-01", "until": "2025-10-01",
                                  "decided_by": "第2镇1村党支部支部大会"})
    with clock.today_is(D(2025, 5, 10)):
        standing(admin, "预备丁", {"kind": "exit", "reason": "probation_cancelled", "on": "2025-05-10",
                                  "confirm": True, "decided_by": "第2镇2村党支部支部大会"})
    # development: an applicant (2025), an activist (named 2024), a development target (named 2025)
    with clock.today_is(D(2025, 2, 1)):
        cases = {}
        for name, org, applied in (("申请人甲", "T1V1", "2025-02-01"), ("积极分子乙", "T1V2", "2024-03-01"),
                                   ("发展对象丙", "T2V1", "2023-03-01")):
            cases[name] = ok(api(admin, "post", "/development/cases", {
                "organization": county.org(org)["id"], "name": name, "gender": "male", "birth_date": "2000-01-01",
                "applied_on": applied}), 201)["id"]
        ok(api(admin, "post", f"/development/cases/{cases['积极分子乙']}/record", {"data": {
            "activist_on": "2024-09-01", "contact_1": "党员1-2-0", "contact_2": "党员1-2-1"}}))
        ok(api(admin, "post", f"/development/cases/{cases['积极分子乙']}/advance", {"comment": ""}))
    with clock.today_is(D(2025, 5, 12)):
        ok(api(admin, "post", f"/development/cases/{cases['发展对象丙']}/record", {"data": {
            "activist_on": "2023-09-01", "contact_1": "党员2-1-0", "contact_2": "党员2-1-1",
            "recommended_on": "2025-05-01", "target_on": "2025-05-01", "reviewed_on": "2025-05-10"}}))
    # training: T1's township class on 16 March (the applicant sat in); the county's class of 8–14 April
    with clock.today_is(D(2025, 3, 16)):
        plan = ok(api(t1, "post", "/orglife/training/plans", {"organizer_id": t1_id, "year": 2025,
                                                                "title": "2025年度党员培训计划"}), 201)
        klass = ok(api(t1, "post", "/orglife/training/classes", {
            "plan_id": plan["id"], "title": "乡村组三级干部集中学习", "level": "township", "start_on": "2025-03-16",
            "end_on": "2025-03-16", "hours": "4"}), 201)
        township_trainees = [f"党员1-{v}-{n}" for v in range(1, 5) for n in range(2) if (v, n) != (2, 1)] + ["委员1"]
        ok(api(t1, "post", f"/orglife/training/classes/{klass['id']}/participants", [
            {"person_id": person(t1, name)["id"], "attended_days": 1} for name in [*township_trainees, "申请人甲"]]))
    with clock.today_is(D(2025, 4, 14)):
        plan = ok(api(admin, "post", "/orglife/training/plans", {"organizer_id": top, "year": 2025,
                                                                   "title": "村党支部书记培训"}), 201)
        klass = ok(api(admin, "post", "/orglife/training/classes", {
            "plan_id": plan["id"], "title": "村党支部书记集中培训", "level": "county", "start_on": "2025-04-08",
            "end_on": "2025-04-14", "hours": "40"}), 201)
        secretaries = [f"党员{t}-{v}-0" for t in (1, 2) for v in range(1, 5)]
        ok(api(admin, "post", f"/orglife/training/classes/{klass['id']}/participants", [
            {"person_id": person(admin, name)["id"], "attended_days": 7} for name in secretaries]))
    # a new member; a member died; one expelled
    with clock.today_is(D(2025, 7, 2)):
        rows = [("姓名", "公民身份号码", "所在党组织代码", "党员类别", "入党日期", "转正日期", "职务", "任职日期"),
                ("新党员", make_id_number(D(1999, 5, 6), "female"), "T1V2", "预备", "2025-07-01", "", "", "")]
        assert job_succeeded(upload(admin, "/imports/members", "members.xlsx", xlsx(rows)))["counts"]["created"] == 1
        ok(api(admin, "patch", f"/people/{person(admin, '新党员')['id']}", {"occupation": "farmer"}))
    with clock.today_is(D(2025, 8, 15)):
        standing(admin, "党员1-2-1", {"kind": "exit", "reason": "deceased", "on": "2025-08-15", "confirm": True})
    with clock.today_is(D(2025, 9, 1)):
        standing(admin, "党员2-2-1", {"kind": "exit", "reason": "expelled", "on": "2025-09-01", "confirm": True,
                                     "decided_by": "县纪委"})
    # commendations on 1 July: the township's 优秀共产党员, the county's worker and branches; a bad entry; one withdrawn
    with clock.today_is(D(2025, 7, 1)):
        for name in ("党员1-1-0", "党员1-3-0", "党员1-4-1"):
            ok(api(t1, "post", "/membership/commendations", {
                "organization": t1_id, "person": person(t1, name)["id"], "honour": "excellent_member", "level": "township", "year": 2025,
                "decided_by": "第1镇党委", "number": "镇委发〔2025〕12号", "decided_on": "2025-07-01"}), 201)
        page = admin.post("/membership/commendations/", {
            "organization": county.org("T1V1")["id"], "member": "", "honour": "excellent_member", "level": "county",
            "year": 2025, "decided_by": "县委", "number": "县委发〔2025〕8号", "decided_on": "2025-07-01"})
        html = page.content.decode()
        assert page.status_code == 200 and zh("This honour is given to a member: choose the member.") in html
        assert "县委发〔2025〕8号" in html  # what was typed is kept
        ok(api(admin, "post", "/membership/commendations", {
            "organization": t1_id, "person": person(admin, "委员1")["id"], "honour": "party_worker", "level": "county", "year": 2025,
            "decided_by": "县委", "number": "县委发〔2025〕8号", "decided_on": "2025-07-01"}), 201)
        for org in ("T1V1", "T2V1"):
            page = admin.post("/membership/commendations/", {
                "organization": county.org(org)["id"], "member": "", "honour": "advanced_org", "level": "county",
                "year": 2025, "decided_by": "县委", "number": "县委发〔2025〕8号", "decided_on": "2025-07-01"})
            assert page.status_code == 302, page.content.decode()[:2000]
        twice = ok(api(t1, "post", "/membership/commendations", {
            "organization": t1_id, "person": person(t1, "党员1-1-0")["id"], "honour": "excellent_member", "level": "township", "year": 2025,
            "decided_on": "2025-07-01"}), 422)
        assert "党员1-1-0" in str(twice)
        elsewhere = ok(api(admin, "post", "/membership/commendations", {
            "organization": t1_id, "person": person(admin, "党员2-1-0")["id"], "honour": "excellent_member",
            "level": "county", "year": 2025, "decided_on": "2025-07-01"}), 422)
        assert "党员2-1-0" in str(elsewhere)
    with clock.today_is(D(2025, 7, 20)):
        listed = ok(api(t1, "get", f"/membership/commendations?organization={t1_id}&year=2025"))["items"]
        (wrong,) = [c for c in listed if c["person"] and c["person"]["name"] == "党员1-4-1"]
        preview = t1.get(f"/membership/commendations/{wrong['id']}/withdraw/").content.decode()
        assert "党员1-4-1" in preview and zh("It no longer counts in the %(year)s statistics report.").replace(
            "%(year)s", "2025") in preview.replace("\n", "")
        assert t1.post(f"/membership/commendations/{wrong['id']}/withdraw/", {"reason": ""}).status_code == 400
        assert t1.post(f"/membership/commendations/{wrong['id']}/withdraw/",
                       {"reason": "录入错误，应为党员1-4-0"}).status_code == 302

    with clock.today_is(D(2026, 1, 15)):
        whole, mine = report(admin, top), report(t1, t1_id)
        t1v1, t1v2, t2 = "T1V1", "T1V2", "T2"
        # 1. two-year comparison: 24 at the end of 2024 (18 + 社区甲, 学生乙, 预备甲…丁), 22 at the end of 2025
        before, after = whole["comparison"]["before"]["total"], whole["comparison"]["after"]["total"]
        assert (before["total"], before["probationary"], before["women"]) == (24, 5, 2)
        assert (after["total"], after["probationary"], after["women"]) == (22, 3, 3)
        # 2. township and village, street and community, student members at the end of 2025
        rural, community, student = (whole["tables"][key]["total"] for key in ("rural", "community", "student"))
        assert (rural["total"], rural["farmer"], rural["worker"], rural["probationary"], rural["women"]) == \
            (20, 3, 1, 2, 1)
        assert (community["total"], community["retired"], community["women"], community["probationary"]) == \
            (2, 1, 2, 1)
        assert (student["total"], student["university"], student["women"], student["probationary"]) == (1, 1, 1, 1)
        # 3. leaving: by way (a death and an expulsion of full members, a probation cancelled) and by age
        leavers = whole["leavers"]
        assert (leavers["deceased"]["total"], leavers["expelled"]["total"],
                leavers["probation_cancelled"]["total"], leavers["total"]["total"]) == (1, 1, 1, 3)
        assert (leavers["total"]["age:61"], leavers["total"]["age:30"]) == (2, 1)  # born 1962, 1962; 1995
        # 4. probationary members made full, extended, cancelled
        probation = whole["probation"]
        assert {k: probation["total"][k] for k in ("made_full", "on_time", "after_extension", "extended",
                                                     "cancelled")} == \
            {"made_full": 2, "on_time": 1, "after_extension": 1, "extended": 1, "cancelled": 1}
        assert (probation["T1"]["on_time"], probation["T1"]["after_extension"], probation[t2]["extended"],
                probation[t2]["cancelled"]) == (1, 1, 1, 1)
        # 5. training: the county's class (8 village members), T1's class (8 members, not the applicant)
        training = whole["sources"]["training"]
        assert (training["total"]["times_county"], training["total"]["times_township"], training["total"]["times"],
                training["total"]["members"]) == (8, 8, 16, 12)
        assert (mine["sources"]["training"][t1v1]["times"], mine["sources"]["training"]["total"]["members"]) == (3, 8)
        # 6. development: an applicant, an activist, a target; the member admitted in 2025
        development = whole["sources"]["development"]["total"]
        assert (development["applicants"], development["activists"], development["targets"],
                development["applied"], development["named_activists"], development["named_targets"]) == \
            (1, 1, 1, 1, 0, 1)
        assert (mine["sources"]["development"][t1v1]["applicants"],
                mine["sources"]["development"][t1v2]["activists"]) == (1, 1)
        admitted = whole["admitted"]["total"]
        assert (admitted["total"], admitted["women"], admitted["young"], admitted["occupation_farmer"]) == (1, 1, 1, 1)
        # 7. commendations: 2 township 优秀共产党员 (one withdrawn), a county worker, two county branches
        grid = whole["commendations"]["grid"]
        assert (grid["excellent_member"]["township"], grid["party_worker"]["county"], grid["advanced_org"]["county"],
                grid["total"]["total"]) == (2, 1, 2, 5)
        assert whole["commendations"]["rows"]["T1"]["total"] == 4 and mine["commendations"]["rows"][t1v1][
            "total"] == 2

        # the page: each figure opens its people
        page = t1.get("/membership/statistics/", {"root": t1_id, "year": 2025})
        assert page.status_code == 200
        (extension,) = [link for link in links(page, "probation") if "after_extension" in link
                        and "row=" not in link]
        assert names(t1.get(extension)) == {"预备乙"}
        county_page = admin.get("/membership/statistics/", {"root": top, "year": 2025})
        (old,) = [link for link in links(county_page, "leavers") if parse_qs(urlparse(link).query)["figure"] ==
                  ["left_by:age:61"]]
        assert names(admin.get(old)) == {"党员1-2-1", "党员2-2-1"}
        (trained,) = [link for link in links(county_page, "source-training")
                      if parse_qs(urlparse(link).query)["figure"] == ["source:training:times_county"]
                      and "row=" not in link]
        assert names(admin.get(trained)) == set(secretaries)
        (targets,) = [link for link in links(county_page, "source-development") if "targets" in link
                      and "named" not in link and "row=" not in link]
        assert names(admin.get(targets)) == {"发展对象丙"}
        (last_year,) = [link for link in links(county_page, "comparison")
                        if parse_qs(urlparse(link).query)["figure"] == ["before:probationary"]]
        assert names(admin.get(last_year)) == {"学生乙", "预备甲", "预备乙", "预备丙", "预备丁"}
        honours = [link for link in links(county_page, "commendations") if "honour=excellent_member" in link
                   and "level=township" in link]
        listing = admin.get(honours[0]).content.decode()
        assert "党员1-1-0" in listing and "党员1-3-0" in listing and "党员1-4-1" not in listing

        # the workbook has each table as laid out on the page
        book = load_workbook(io.BytesIO(admin.get("/membership/statistics.xlsx", {"root": top, "year": 2025}).content))
        comparison = sheet_rows(book, "Two-year comparison")
        assert comparison[zh("Members")][:2] == (24, 22)
        ways = sheet_rows(book, "Leaving by way")
        assert ways[zh("Probationary membership cancelled")] == (1, 1, 0)
        made_full = sheet_rows(book, "Made full")
        assert made_full["第1镇党委"] == (2, 1, 1, 0, 0) and made_full["第2镇党委"] == (0, 0, 0, 1, 1)
        rural_sheet = sheet_rows(book, "Township and village members")
        assert rural_sheet[total()][0] == 20  # the total row, the members column
        commended = sheet_rows(book, "Commendations")
        assert commended[total()][0] == 5

        # the home panel: each figure links to the page with the same number
        panel = admin.get("/home/panels/membership.statistics/").content.decode()
        figures = re.findall(r'<div class="fs-4 fw-semibold">(?:<a href="([^"]*)"[^>]*>)?([^<]*)<', panel)
        assert [value.strip() for _link, value in figures][:3] == ["22", "1", "3"]
        joined_page = admin.get(figures[1][0].replace("&amp;", "&"))
        assert names(joined_page) == {"新党员"}

        # the report submitted, then withdrawn: the preview, refused without the confirmation, then the duty open
        t1.post("/membership/statistics/submit/", {"root": t1_id, "year": 2025, "confirm": "1"})
        state = [o["state"] for o in ok(api(t1, "get", f"/duties/obligations?organization={t1_id}&year=2025"))[
            "items"] if o["rule"]["name"] == "党内统计年报"]
        assert state == ["done"]
        page = t1.get("/membership/statistics/", {"root": t1_id, "year": 2025}).content.decode()
        assert 'id="withdraw-link"' in page
        preview = t1.get("/membership/statistics/withdraw/", {"root": t1_id, "year": 2025}).content.decode()
        kept = zh("the closing figures kept with it (%(n)s members at the end of the year) are dropped: next year's "
                  "opening check has nothing to compare with until it is submitted again;").replace("%(n)s", "13")
        assert 'id="withdraw-preview"' in preview and kept in preview
        refused = t1.post("/membership/statistics/withdraw/", {"root": t1_id, "year": 2025})
        assert refused.status_code == 400
        assert zh("Confirm the withdrawal after reading what it undoes.") in refused.content.decode()
        done = t1.post("/membership/statistics/withdraw/", {"root": t1_id, "year": 2025, "confirm": "1"})
        assert done.status_code == 302
        state = [o["state"] for o in ok(api(t1, "get", f"/duties/obligations?organization={t1_id}&year=2025"))[
            "items"] if o["rule"]["name"] == "党内统计年报"]
        assert state and state != ["done"]
        assert 'id="submit-form"' in t1.get("/membership/statistics/", {"root": t1_id, "year": 2025}).content.decode()
        t1.post("/membership/statistics/submit/", {"root": t1_id, "year": 2025, "confirm": "1"})
    # once next year's report is in, this year's can no longer be withdrawn
    daily("2026-06-01")
    daily("2027-01-05")
    with clock.today_is(D(2027, 1, 5)):
        t1.post("/membership/statistics/submit/", {"root": t1_id, "year": 2026, "confirm": "1"})
        page = t1.get("/membership/statistics/withdraw/", {"root": t1_id, "year": 2025}).content.decode()
        assert 'id="withdraw-refused"' in page
        refused = t1.post("/membership/statistics/withdraw/", {"root": t1_id, "year": 2025, "confirm": "1"})
        assert refused.status_code == 400
        state = [o["state"] for o in ok(api(t1, "get", f"/duties/obligations?organization={t1_id}&year=2025"))[
            "items"] if o["rule"]["name"] == "党内统计年报"]
        assert state == ["done"]


@pytest.mark.django_db
def test_the_demo_commends_in_each_township_and_a_township_sees_only_its_own(county, users, client):
    from mechanisms.membership.demo_commendation import generate_commendations

    assert generate_commendations(county.county, 7, D(2025, 7, 5), progress=lambda _text: None) > 0
    client.force_login(users["township_a"])
    mine = client.get("/api/membership/commendations?year=2025&limit=200").json()["items"]
    assert mine and {row["organization"]["id"] for row in mine} <= {county.township_a.pk, county.village_a1.pk,
                                                                     county.village_a2.pk}
    theirs = client.get(f"/api/membership/commendations?organization={county.township_b.pk}")
    assert theirs.status_code == 404
    client.force_login(users["county"])
    every = client.get("/api/membership/commendations?year=2025&limit=200").json()
    assert every["count"] > len(mine)

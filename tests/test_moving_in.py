"""Moving in, as a county does it (README "Moving in"), over HTTP only from an empty database: the documented
commands start the site and install what it ships; everything else is pages and the API, as the users
themselves: the first administrator, a township administrator holding a one-time password, the branch
secretary that township creates, and the county scoring a 五个好 campaign from workbooks up to its titles.

No ORM or service call is made in the test's body: what the test knows, it reads from the answers.
"""
import datetime
import io
import json
import re

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from tests.kit import make_id_number

from .scenario import ADMIN_PASSWORD as NEW_PASSWORD
from .scenario import api, change_password, job_succeeded, log_in, upload, xlsx

TOWNSHIPS = 3
VILLAGES = 4  # per township: 12 villages in all
LOW = {"T2V3", "T3V1"}  # the villages the inspectors score at half marks: they miss 达标
VETOED = {"T1V4"}  # full marks, but a veto struck


def fill_scores(workbook_bytes: bytes, items: dict, *, low=(), vetoed=(), reason="") -> io.BytesIO:
    """Fills every subject's row: full marks (count items at their threshold, pass/fail items 是), half marks
    for the codes in ``low``, the first veto item 否 for those in ``vetoed``."""
    book = load_workbook(io.BytesIO(workbook_bytes))
    sheet = book["评分"]
    codes = [cell.value for cell in sheet[2]]
    first_veto = next(code for code in codes if code in items and items[code]["veto"])
    reason_column = codes.index(None, 4) + 1 if None in codes[4:] else len(codes)
    for row in sheet.iter_rows(min_row=4):
        subject = row[2].value
        if not subject:
            continue
        for index, code in enumerate(codes):
            item = items.get(code)
            if item is None:
                continue
            if item["kind"] == "points":
                value = item["max"] / 2 if subject in low else item["max"]
            elif item["kind"] == "count":
                value = 0 if subject in low else item["threshold"]
            else:
                value = "否" if subject in vetoed and code == first_veto else "是"
            row[index].value = value
        if reason:
            row[reason_column - 1].value = reason
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    return data


@pytest.mark.django_db
def test_a_county_moves_in_and_names_its_first_titles(tmp_path):
    # 1. The empty database gets its county and first administrator (a one-time password).
    out, err = io.StringIO(), io.StringIO()
    call_command("setup_site", "--org-code", "430530", "--org-name", "某县委", "--admin", "zuzhibu",
                 "--admin-name", "组织部", stdout=out, stderr=err)
    first_password = out.getvalue().strip().splitlines()[-1]
    with pytest.raises(Exception):  # noqa: B017 — a second set-up is refused, whatever it says
        call_command("setup_site", "--org-code", "X", "--org-name", "X", "--admin", "x", stdout=io.StringIO(),
                     stderr=io.StringIO())
    county = log_in("zuzhibu", first_password)
    change_password(county, first_password, NEW_PASSWORD)

    # 2. Organizations, then members, from the department's ledgers.
    orgs = [("组织代码", "名称", "组织类别", "所属领域", "上级组织代码")]
    for t in range(1, TOWNSHIPS + 1):
        orgs.append((f"T{t}", f"第{t}镇党委", "党委", "农村", "430530"))
        orgs += [(f"T{t}V{v}", f"第{t}镇{v}村党支部", "支部", "农村", f"T{t}") for v in range(1, VILLAGES + 1)]
    job = job_succeeded(upload(county, "/imports/orgs", "orgs.xlsx", xlsx(orgs)))
    assert job["counts"]["created"] == TOWNSHIPS * (VILLAGES + 1)
    members = [("姓名", "公民身份号码", "所在党组织代码", "党员类别", "入党日期", "转正日期", "职务", "任职日期")]
    for t in range(1, TOWNSHIPS + 1):
        members.append((f"委员{t}", make_id_number(datetime.date(1975, t, 3)), f"T{t}", "正式", "1998-07-01",
                        "1999-07-01", "党委委员", "2024-01-01"))
        for v in range(1, VILLAGES + 1):
            for n in range(2):
                members.append((f"党员{t}{v}{n}", make_id_number(datetime.date(1970 + t + v, 1 + n, 1)),
                                f"T{t}V{v}", "正式", "2001-07-01", "2002-07-01", "", ""))
    job = job_succeeded(upload(county, "/imports/members", "members.xlsx", xlsx(members)))
    assert job["counts"]["created"] == len(members) - 1

    # 3. Accounts from the account sheet: a row with an unknown organization refuses the whole file.
    accounts = [("用户名", "姓名", "手机号", "组织代码", "角色")]
    accounts += [(f"town{t}", f"第{t}镇组织委员", f"1390000000{t}", f"T{t}", "乡镇管理员")
                 for t in range(1, TOWNSHIPS + 1)]
    bad = upload(county, "/users/import", "accounts.xlsx", xlsx([*accounts, ("ghost", "无名", "", "NOPE", "乡镇管理员")]))
    assert bad.status_code == 422
    assert any(error["loc"][2] == len(accounts) + 1 for error in bad.json()["detail"])
    assert api(county, "get", "/users/?q=town").json()["count"] == 0
    imported = upload(county, "/users/import", "accounts.xlsx", xlsx(accounts))
    assert imported.status_code == 201, imported.content
    passwords = {row["username"]: row["one_time_password"] for row in imported.json()["created"]}
    assert sorted(passwords) == ["town1", "town2", "town3"]

    # 4. What the system ships: standards, duty rules, workflows.
    call_command("install_shipped", "--as", "zuzhibu", stdout=io.StringIO())

    # 5. A township administrator signs in with the one-time password, must change it, and creates the
    #    account of a branch secretary of one of its villages; never outside its township, never above itself.
    town1 = log_in("town1", passwords["town1"])
    change_password(town1, passwords["town1"], "Town1-new-password")
    t1v1 = api(town1, "get", "/orgs/by-code/T1V1").json()
    assert api(town1, "get", "/orgs/by-code/T2V1").status_code == 404
    created = api(town1, "post", "/users/", {"username": "sec_t1v1", "full_name": "一村书记",
                                            "organization": t1v1["id"], "role": "branch_secretary"})
    assert created.status_code == 201, created.content
    secretary = created.json()
    users_before = api(county, "get", "/users/").json()["count"]
    t2v1 = api(county, "get", "/orgs/by-code/T2V1").json()
    township1 = api(county, "get", "/orgs/by-code/T1").json()
    outside = api(town1, "post", "/users/", {"username": "sec_t2v1", "full_name": "外镇书记",
                                            "organization": t2v1["id"], "role": "branch_secretary"})
    assert outside.status_code == 404
    above = api(town1, "post", "/grants/", {"user": secretary["user"]["id"], "role": "county_admin",
                                           "organization": township1["id"]})
    assert above.status_code in (403, 422)
    assert "county" not in json.dumps([g["role"] for g in api(town1, "get", f"/users/{secretary['user']['id']}")
                                       .json()["grants"]])
    assert api(county, "get", "/users/").json()["count"] == users_before
    branch = log_in("sec_t1v1", secretary["one_time_password"])
    change_password(branch, secretary["one_time_password"], "Branch-new-password1")
    assert [g["organization"]["name"] for g in api(branch, "get", "/me").json()["grants"]] == ["第1镇1村党支部"]

    # 6. The county runs a 五个好 campaign: created and staged in the pages.
    standards = api(county, "get", "/standards?q=five-good-village").json()["items"]
    five_good = next(s for s in standards if s["code"] == "five-good-village")
    top = api(county, "get", "/orgs/by-code/430530").json()
    response = county.post("/campaigns/new/", {"name": "2027年“五个好”创建", "year": 2027, "owner": top["id"],
                                               "standards": [five_good["id"]]})
    assert response.status_code == 302, response.content.decode()[:3000]
    campaign_url = response.url

    def stage(kind, action, **fields):
        answer = county.post(f"{campaign_url}stages/{kind}/{action}/", fields)
        assert answer.status_code == 302

    assessments = api(county, "get", "/standards/assessments").json()["items"]
    assessment = next(a for a in assessments if a["standard"]["code"] == "five-good-village")
    version = api(county, "get", f"/standards/versions/{assessment['version_id']}").json()
    items = {item["code"]: item for section in version["sections"] for item in section["items"]}
    base = f"/standards/assessments/{assessment['id']}"

    # 自查申报: the township scores its own villages from its workbook (its villages only).
    stage("declaration", "open")
    own = api(town1, "get", f"{base}/workbook?rater=self")
    assert own.status_code == 200
    rows = [row for row in load_workbook(io.BytesIO(own.content))["评分"].iter_rows(min_row=4, values_only=True)
            if row[2]]
    assert sorted(row[2] for row in rows) == [f"T1V{v}" for v in range(1, VILLAGES + 1)]
    filled = fill_scores(own.content, items)
    preview = upload(town1, f"{base}/workbook?rater=self&dry_run=true", "self.xlsx", filled)
    assert preview.status_code == 200, preview.content
    assert preview.json()["sheets_changed"] == VILLAGES and preview.json()["written"] == 0
    filled.seek(0)
    applied = upload(town1, f"{base}/workbook?rater=self", "self.xlsx", filled)
    assert applied.json()["written"] == VILLAGES * len(items)
    stage("declaration", "close", confirm="1")

    # 考核评定 with cross-inspection: each township's committee member inspects villages of other townships.
    stage("evaluation", "open")
    assert county.post(f"{campaign_url}teams/draw/").status_code == 302
    assert county.post(f"{campaign_url}teams/assign/", {"seed": 7}).status_code == 302
    member = api(county, "get", f"/posts?organization={township1['id']}").json()["items"][0]["person"]
    assert member["name"] == "委员1"
    inspector = api(county, "post", "/users/", {"username": "insp1", "full_name": "委员1", "person": member["id"],
                                               "organization": township1["id"], "role": "inspector"})
    assert inspector.status_code == 201, inspector.content
    insp1 = log_in("insp1", inspector.json()["one_time_password"])
    change_password(insp1, inspector.json()["one_time_password"], "Inspector-new-password1")
    given = api(insp1, "get", f"{base}/workbook?rater=inspectors")
    assert given.status_code == 200, given.content
    assigned = [row[2] for row in load_workbook(io.BytesIO(given.content))["评分"].iter_rows(min_row=4,
                                                                                            values_only=True)
                if row[2]]
    assert assigned and not any(code.startswith("T1") for code in assigned)  # never its own township
    assert upload(insp1, f"{base}/workbook?rater=self", "self.xlsx", fill_scores(given.content, items)).status_code \
        in (403, 404, 422)
    by_inspector = upload(insp1, f"{base}/workbook?rater=inspectors", "inspectors.xlsx",
                          fill_scores(given.content, items, low=LOW, vetoed=VETOED))
    assert by_inspector.status_code == 200, by_inspector.content
    assert by_inspector.json()["sheets_changed"] == len(assigned)

    # The county fills the rest from one workbook of every village; a value above an item's maximum refuses
    # the whole file, with the row and column named in Chinese.
    sheet = api(county, "get", f"{base}/workbook?rater=inspectors")
    assert sheet.status_code == 200
    broken = load_workbook(fill_scores(sheet.content, items))
    broken["评分"]["E4"] = 99
    data = io.BytesIO()
    broken.save(data)
    data.seek(0)
    refused = upload(county, f"{base}/workbook?rater=inspectors", "inspectors.xlsx", data)
    assert refused.status_code == 422
    assert "第 4 行 E 列" in json.dumps(refused.json(), ensure_ascii=False)
    inspected = upload(county, f"{base}/workbook?rater=inspectors", "inspectors.xlsx",
                       fill_scores(sheet.content, items, low=LOW, vetoed=VETOED))
    assert inspected.status_code == 200, inspected.content
    assert inspected.json()["sheets_changed"] == TOWNSHIPS * VILLAGES - len(assigned)
    stage("evaluation", "close", confirm="1")

    results = api(county, "get", f"{base}/results?limit=100").json()
    tiers = {row["subject"]["name"]: row["tier"] for row in results["items"]}
    qualified = {name for name, tier in tiers.items() if tier}
    assert len(tiers) == TOWNSHIPS * VILLAGES
    assert len(qualified) == TOWNSHIPS * VILLAGES - len(LOW) - len(VETOED)

    # 命名授牌: the decision names the qualified villages.
    stage("naming", "open")
    stage("naming", "close", decided_on="2027-12-20", decided_by="中共某县委", decision_no="某组〔2027〕18号", confirm="1")
    titles = api(county, "get", "/standards/titles?limit=100").json()
    assert titles["count"] == len(qualified)
    assert {title["subject"]["name"] for title in titles["items"]} == qualified
    # The branch secretary sees its own village's title, and only that.
    own_titles = api(branch, "get", "/standards/titles").json()
    assert [title["subject"]["name"] for title in own_titles["items"]] == ["第1镇1村党支部"]
    assert re.search(r"某组〔2027〕18号", json.dumps(own_titles, ensure_ascii=False))

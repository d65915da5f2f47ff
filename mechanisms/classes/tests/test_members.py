"""Members' classes (一类/二类/三类党员) as a branch, its township and the county run them through the API and the
pages: 陳家村's members classed for 2024 by the branch (a preview first, nothing written; a reason needed for class
three), 李家村's by the township; a member who died cannot be classed; 2025 classed on the branch's page (the grid
with last year's class, the preview with who moves up or down, then recorded); the counts of the branch, the
township and the county by class, each figure opening the same number of members; the movement matrix; the workbook
read back; a later classing replacing one member's class and its withdrawal restoring it; the branch's classing
withdrawn after its preview; and each township and branch seeing and classing only its own (404 outside)."""
import io
import json
import re

import openpyxl
import pytest
from django.urls import reverse

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
API = "/api/classes/members"
NEW = ["甲一", "甲二", "甲三", "甲四", "甲五", "甲六"]


def post_json(client, url, body, method="post"):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def classing(client, branch, year, rows, confirm=True):
    return post_json(client, f"{API}/classings", {"branch": branch, "year": year, "confirm": confirm, "rows": rows})


def total_of(client, url) -> int:
    """The count a list page shows (its list-count line)."""
    page = client.get(url, **ZH)
    assert page.status_code == 200, url
    return int(re.search(r'data-total="(\d+)"', page.content.decode())[1])


@pytest.fixture
def members(client, users, county) -> dict:
    """陳家村 (A1) gets six members more (joined in 2010) and 甲新 (probationary, joined July 2025): {name: member id}
    of every member the county sees."""
    client.force_login(users["county"])

    def add(name, joined, category="full", full_on=None):
        person = post_json(client, "/api/people", {"organization": county.village_a1.pk, "name": name,
                                                   "gender": "male", "birth_date": "1980-01-01"})
        assert person.status_code == 201, person.content
        made = post_json(client, f"/api/people/{person.json()['id']}/membership", {
            "category": category, "applied_on": "2008-03-01", "joined_on": joined, "full_on": full_on})
        assert made.status_code == 201, made.content

    for name in NEW:
        add(name, "2010-07-01", full_on="2011-07-01")
    add("甲新", "2025-07-01", "probationary")
    found = {row["person"]["name"]: row["id"] for row in client.get("/api/members", {"limit": 100}).json()["items"]}
    assert {"张三", "陳小紅", "李四", "王五", *NEW, "甲新"} <= set(found)
    return found


@pytest.fixture
def classed(client, users, county, members):
    """2024: 陳家村 by its branch (张三, 甲一, 甲二, 甲三 class one; 陳小紅, 甲四, 甲五 class two; 甲六 class three),
    李家村 by the township (李四 class two). Then 甲五 dies."""
    client.force_login(users["branch_a1"])
    rows = ([{"member": members[n], "klass": "first"} for n in ("张三", "甲一", "甲二", "甲三")]
            + [{"member": members[n], "klass": "second"} for n in ("陳小紅", "甲四", "甲五")]
            + [{"member": members["甲六"], "klass": "third"}])
    no_reason = classing(client, county.village_a1.pk, 2024, rows)
    assert no_reason.status_code == 422 and "甲六" in json.dumps(no_reason.json(), ensure_ascii=False)
    rows[-1]["reason"] = "长期外出，未按时参加组织生活"
    preview = classing(client, county.village_a1.pk, 2024, rows, confirm=False)
    assert preview.status_code == 409, preview.content
    body = preview.json()
    assert {c["klass"]: c["count"] for c in body["classes"]} == {"first": 4, "second": 3, "third": 1}
    assert {c["klass"]: c["share"] for c in body["classes"]}["first"] == "50.0"
    assert body["unclassed"] == 0 and body["changed"] == []
    assert client.get(f"{API}/classings").json() == []  # nothing written before the confirmation
    done = classing(client, county.village_a1.pk, 2024, rows)
    assert done.status_code == 201, done.content
    assert done.json()["members"] == 8
    client.force_login(users["township_a"])
    lisi = classing(client, county.village_a2.pk, 2024, [{"member": members["李四"], "klass": "second"}])
    assert lisi.status_code == 201, lisi.content
    died = post_json(client, f"/api/members/{members['甲五']}", {"status": "deceased"}, method="patch")
    assert died.status_code == 200, died.content
    return done.json()


def test_a_member_not_in_good_standing_or_elsewhere_is_refused(client, users, county, members, classed):
    client.force_login(users["township_a"])
    dead = classing(client, county.village_a1.pk, 2025, [{"member": members["甲五"], "klass": "second"}])
    assert dead.status_code == 422
    assert "甲五" in json.dumps(dead.json(), ensure_ascii=False)
    elsewhere = classing(client, county.village_a1.pk, 2025, [{"member": members["李四"], "klass": "second"}])
    assert elsewhere.status_code == 422 and "李四" in json.dumps(elsewhere.json(), ensure_ascii=False)
    early = classing(client, county.village_a1.pk, 2024, [{"member": members["甲新"], "klass": "first"}])
    assert early.status_code == 422  # joined in 2025
    foreign = classing(client, county.village_a1.pk, 2025, [{"member": members["王五"], "klass": "first"}])
    assert foreign.status_code == 404  # 王五 is township B's
    assert classing(client, county.village_b1.pk, 2025, [], confirm=False).status_code == 404
    client.force_login(users["branch_a1"])
    assert classing(client, county.village_a2.pk, 2025, [{"member": members["李四"], "klass": "first"}]
                    ).status_code == 404
    # the page refuses the same, keeps what was entered, and shows the reason
    page = client.post(reverse("classes:member_classing"), {
        "branch": county.village_a1.pk, "year": 2025, "member": [members["张三"]], "klass": ["third"],
        "reason": [""]}, **ZH)
    assert page.status_code == 422 and "张三" in page.content.decode()
    assert client.get(f"{API}/classings", {"year": 2025}).json() == []


def classing_2025_on_the_page(client, county, members):
    """The branch's 2025 classing through its page: 张三 stays; 甲一 down to two; 甲六 up to two; 甲新 class one."""
    page = client.get(reverse("classes:member_classing") + "?year=2025", **ZH).content.decode()
    assert "甲新" in page and "甲五" not in page and "李四" not in page
    assert f'data-member="{members["甲六"]}"' in page
    order = re.findall(r'name="member" value="(\d+)"', page)
    chosen = {members["甲一"]: ("second", "组织生活参加不正常"), members["甲六"]: ("second", "返乡后积极参加活动"),
              members["甲新"]: ("first", "带头发展产业")}
    last = {members[n]: k for n, k in (("张三", "first"), ("甲二", "first"), ("甲三", "first"), ("陳小紅", "second"),
                                        ("甲四", "second"))}
    form = {"branch": county.village_a1.pk, "year": 2025, "note": "2025年度支部党员大会评定", "member": order,
            "klass": [chosen.get(int(pk), (last.get(int(pk)), ""))[0] for pk in order],
            "reason": [chosen.get(int(pk), ("", ""))[1] for pk in order]}
    preview = client.post(reverse("classes:member_classing"), form, **ZH)
    text = preview.content.decode()
    assert preview.status_code == 200 and 'id="member-preview"' in text, text[:3000]
    assert sorted(re.findall(r'<tr data-movement="(\w+)"><td>(\S+?)</td>', text)) == [("down", "甲一"), ("up", "甲六")]
    assert 'data-class="first"><td>' in text
    done = client.post(reverse("classes:member_classing"), {**form, "confirm": "True"}, **ZH)
    assert done.status_code == 302


def test_the_counts_matrix_and_lists_agree(client, users, county, members, classed):
    client.force_login(users["branch_a1"])
    classing_2025_on_the_page(client, county, members)
    client.force_login(users["county"])
    summary = client.get(f"{API}/counts", {"year": 2025}).json()
    total = summary["total"]
    # 陳家村: 张三 甲二 甲三 甲新 class one; 陳小紅 甲一 甲四 甲六 class two; 李四 and 王五 not classed (甲五 died)
    assert (total["organization"]["name"], total["members"], total["first"], total["second"], total["third"],
            total["none"]) == ("示范县委", 10, 4, 4, 0, 2)
    assert (total["up"], total["down"], total["same"], total["new"], total["first_share"]) == (1, 1, 5, 1, "50.0")
    rows = {r["organization"]["name"]: r for r in summary["rows"]}
    assert (rows["甲镇党委"]["members"], rows["甲镇党委"]["none"], rows["乙镇党委"]["members"],
            rows["乙镇党委"]["none"]) == (9, 1, 1, 1)
    branch = client.get(f"{API}/counts", {"year": 2025, "under": county.township_a.pk}).json()["rows"]
    assert [(r["organization"]["name"], r["members"], r["first"], r["none"]) for r in branch] == [
        ("陳家村党支部", 8, 4, 0), ("李家村党支部", 1, 0, 1)]
    # 2024 still counts 甲五, classed that year
    assert client.get(f"{API}/counts", {"year": 2024}).json()["total"]["second"] == 4
    # the page shows the same figures, and each opens a list of as many members
    page = client.get(reverse("classes:members") + "?year=2025", **ZH).content.decode()
    footer = page.split('id="member-counts-total"')[1]
    for key, value in (("members", 10), ("first", 4), ("second", 4), ("none", 2), ("up", 1), ("down", 1)):
        link, shown = re.search(rf'data-count="{key}"><a (?:class="[^"]*" )?href="([^"]+)">(\d+)</a>', footer).groups()
        assert int(shown) == value
        assert total_of(client, link.replace("&amp;", "&")) == value, key
    township = page.split(f'data-org="{county.township_a.pk}"')[1]
    link, shown = re.search(r'data-count="first"><a href="([^"]+)">(\d+)</a>', township).groups()
    assert int(shown) == 4 and total_of(client, link.replace("&amp;", "&")) == 4
    # the movement matrix, each cell a list
    matrix = client.get(f"{API}/matrix", {"year": 2025}).json()
    cells = {(c["before"], c["after"]): c["members"] for c in matrix["cells"]}
    assert cells == {("first", "first"): 3, ("first", "second"): 1, ("second", "second"): 2, ("third", "second"): 1,
                     ("", "first"): 1, ("second", ""): 1, ("", ""): 1}
    assert (matrix["up"], matrix["down"], matrix["new"]) == (1, 1, 1)
    cell = re.search(r'data-before="third" data-after="second"><a href="([^"]+)">1</a>', page)
    assert cell and total_of(client, cell[1].replace("&amp;", "&")) == 1
    up = client.get(API, {"year": 2025, "movement": "up"}).json()["items"]
    assert [(r["person"]["name"], r["before"], r["klass"], r["reason"]) for r in up] == [
        ("甲六", "third", "second", "返乡后积极参加活动")]
    # the workbook of township A's members of 2025
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(client.get(
        reverse("classes:member_list_xlsx") + f"?year=2025&under={county.township_a.pk}").streaming_content)))
    sheet = list(workbook.active.iter_rows(values_only=True))
    table = {row[0]: row for row in sheet[1:]}
    assert len(table) == 9 and table["甲六"][1] == "陳家村党支部"
    assert (table["甲六"][2], table["甲六"][3], table["甲六"][5]) == ("二类", "三类", "返乡后积极参加活动")
    assert table["李四"][2] not in ("一类", "二类", "三类") and table["李四"][3] == "二类"
    counts_book = openpyxl.load_workbook(io.BytesIO(b"".join(client.get(
        reverse("classes:members_xlsx") + "?year=2025").streaming_content)))
    by_org = {row[0]: row for row in counts_book.active.iter_rows(min_row=2, values_only=True)}
    assert by_org["示范县委"][1:5] == (10, 4, 4, 0) and by_org["甲镇党委"][1] == 9
    # the home panel's figure of members in class one opens the list of the same four
    panel = client.get(reverse("core:home_panel", args=["classes.shares"]), **ZH).content.decode()
    url = reverse("classes:member_list") + "?year=2025&amp;klass=first"
    assert url in panel
    assert total_of(client, url.replace("&amp;", "&")) == 4


def test_each_sees_and_classes_only_its_own(client, users, county, members, classed):
    client.force_login(users["township_b"])
    summary = client.get(f"{API}/counts", {"year": 2024}).json()
    assert (summary["total"]["organization"]["name"], summary["total"]["members"]) == ("乙镇党委", 1)
    assert client.get(f"{API}/counts", {"under": county.township_a.pk}).status_code == 404
    assert client.get(API, {"year": 2024}).json()["count"] == 1
    assert client.get(f"{API}/classings").json() == []
    assert client.get(reverse("classes:member_classing_withdraw", args=[classed["id"]])).status_code == 404
    listed = client.get(reverse("classes:member_list") + f"?year=2024&under={county.township_a.pk}", **ZH)
    assert "张三" not in listed.content.decode()
    client.force_login(users["branch_a1"])
    second = client.get(API, {"year": 2024, "klass": "second"}).json()
    assert sorted(r["person"]["name"] for r in second["items"]) == sorted(["甲四", "甲五", "陳小紅"])
    assert {r["status"] for r in second["items"]} == {"active", "deceased"}
    grid = client.get(reverse("classes:member_classing"), **ZH).content.decode()
    assert "李家村党支部" not in grid


def test_replaced_then_withdrawn(client, users, county, members, classed):
    client.force_login(users["branch_a1"])
    classing_2025_on_the_page(client, county, members)
    branch_classing = client.get(f"{API}/classings", {"year": 2025}).json()[0]
    # the township re-classes 陳小紅 for 2025: one class replaced
    client.force_login(users["township_a"])
    row = [{"member": members["陳小紅"], "klass": "third", "reason": "无故不参加组织生活"}]
    preview = classing(client, county.village_a1.pk, 2025, row, confirm=False).json()
    assert preview["replaced"] == 1 and [c["name"] for c in preview["changed"]] == ["陳小紅"]
    assert preview["unclassed"] == 7
    later = classing(client, county.village_a1.pk, 2025, row)
    assert later.status_code == 201
    assert client.get(f"{API}/counts", {"year": 2025, "under": county.village_a1.pk}).json()["total"]["third"] == 1
    # the branch's classing cannot go while the later one replaced part of it
    client.force_login(users["branch_a1"])
    refused = post_json(client, f"{API}/classings/{branch_classing['id']}/withdraw",
                        {"reason": "评定程序不规范", "confirm": True})
    assert refused.status_code == 422
    # the later one withdrawn (a reason, a preview, then confirmed): 陳小紅's class of the branch is live again
    client.force_login(users["township_a"])
    url = f"{API}/classings/{later.json()['id']}/withdraw"
    assert post_json(client, url, {"reason": ""}).status_code == 422
    look = post_json(client, url, {"reason": "误定"})
    assert look.status_code == 409 and look.json()["restored"] == 1 and look.json()["members"] == 1
    assert post_json(client, url, {"reason": "误定", "confirm": True}).status_code == 200
    chen = client.get(API, {"year": 2025, "under": county.village_a1.pk, "klass": "second"}).json()["items"]
    assert "陳小紅" in [r["person"]["name"] for r in chen]
    # the branch's own classing withdrawn on its page: reason, preview, confirmation
    client.force_login(users["branch_a1"])
    page_url = reverse("classes:member_classing_withdraw", args=[branch_classing["id"]])
    assert 'id="member-withdraw-form"' in client.get(page_url, **ZH).content.decode()
    blank = client.post(page_url, {"reason": ""}, **ZH)
    assert blank.status_code == 422
    preview = client.post(page_url, {"reason": "评定程序不规范"}, **ZH)
    assert preview.status_code == 200 and 'id="member-withdraw-confirm"' in preview.content.decode()
    assert client.get(f"{API}/counts", {"year": 2025, "under": county.village_a1.pk}).json()["total"]["classed"] == 8
    done = client.post(page_url, {"reason": "评定程序不规范", "confirm": "True"}, **ZH)
    assert done.status_code == 302
    after = client.get(f"{API}/counts", {"year": 2025, "under": county.village_a1.pk}).json()["total"]
    assert (after["classed"], after["none"]) == (0, 8)
    reasons = {c["id"]: c["withdraw_reason"] for c in client.get(f"{API}/classings", {"year": 2025}).json()}
    assert reasons == {branch_classing["id"]: "评定程序不规范", later.json()["id"]: "误定"}

"""The representatives' pages beyond the API, through HTTP only from the empty small county: a congress and its term
recorded and corrected on its page; a studio created, given its leader and moved after a preview; a representative's
village and households edited (bad rows refused with the values kept, the rule of ten, a household with a request kept);
seed 001's 371 representatives in 21 studios imported from the workbook (the template, the bad rows named by row and
column with nothing written, the preview, the import all at once, and its withdrawal after its own preview); and the
month's ranking exported overall and for one studio."""
import io
import json

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from .test_scenario import HOUSEHOLDS, REPRESENTATIVES, STUDIOS, build_city

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture(autouse=True)
def installed(shipped):
    """The shipped rules and standard, for every test here."""


def post(client, url, body, **extra):
    return client.post(url, json.dumps(body), content_type="application/json", **extra)


def api(path):
    return f"/api/representatives{path}"


def created(response, status=201):
    assert response.status_code == status, response.content
    return response.json()


def xlsx(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return load_workbook(io.BytesIO(content))


@pytest.fixture
def county_user(client, users):
    client.force_login(users["county"])
    return users["county"]


def congress_id(client) -> int:
    return client.get(api("/congresses")).json()["items"][0]["id"]


def test_congress_and_studio_pages(client, county, county_user, users):
    # a congress: bad input refused with nothing lost, then recorded and its term corrected
    url = reverse("representatives:congresses")
    assert client.get(url, **ZH).status_code == 200
    bad = client.post(url, {"organization": county.county.pk, "number": "15", "name": "示范县第十五次党代会",
                            "opened_on": "2021-09-20", "term_ends_on": "2021-01-01"}, **ZH)
    assert bad.status_code == 422
    page = bad.content.decode()
    assert 'value="示范县第十五次党代会"' in page and "is-invalid" in page
    assert client.get(api("/congresses")).json()["count"] == 0
    missing = client.post(url, {"organization": county.county.pk, "number": "", "opened_on": "2021-09-20",
                                "term_ends_on": "2026-09-19"}, **ZH)
    assert missing.status_code == 422 and "必填" in missing.content.decode()
    done = client.post(url, {"organization": county.county.pk, "number": "15", "name": "示范县第十五次党代会",
                             "opened_on": "2021-09-20", "term_ends_on": "2026-09-19"}, **ZH)
    assert done.status_code == 302
    congress = client.get(api("/congresses")).json()["items"][0]
    assert (congress["number"], congress["name"], congress["term_ends_on"]) == (15, "示范县第十五次党代会", "2026-09-19")
    assert "示范县第十五次党代会" in client.get(url, **ZH).content.decode()
    edit = reverse("representatives:congress_edit", args=[congress["id"]])
    assert client.get(edit, **ZH).status_code == 200
    assert client.post(edit, {"number": "15", "name": "示范县第十五次党代会", "opened_on": "2021-09-22",
                              "term_ends_on": "2026-09-21"}, **ZH).status_code == 302
    congress = client.get(api("/congresses")).json()["items"][0]
    assert (congress["opened_on"], congress["term_ends_on"]) == ("2021-09-22", "2026-09-21")
    # the same number twice is refused
    again = client.post(url, {"organization": county.county.pk, "number": "15", "opened_on": "2021-09-20",
                              "term_ends_on": "2026-09-19"}, **ZH)
    assert again.status_code == 422 and client.get(api("/congresses")).json()["count"] == 1

    # a studio in township A
    new = reverse("representatives:studio_new")
    assert 'id="studio-new"' in client.get(reverse("representatives:studios"), **ZH).content.decode()
    empty = client.post(new, {"organization": county.township_a.pk, "name": "", "address": "镇便民服务中心"}, **ZH)
    assert empty.status_code == 422 and 'value="镇便民服务中心"' in empty.content.decode()
    bad_day = client.post(new, {"organization": county.township_a.pk, "name": "甲镇党代表工作室", "activity_day": "40"},
                          **ZH)
    assert bad_day.status_code == 422 and client.get(api("/studios")).json()["count"] == 0
    made = client.post(new, {"organization": county.township_a.pk, "name": "甲镇党代表工作室",
                             "address": "甲镇便民服务中心二楼", "activity_day": "15"}, **ZH)
    assert made.status_code == 302
    studio = client.get(api("/studios")).json()["items"][0]
    assert made.url == reverse("representatives:studio", args=[studio["id"]])
    assert (studio["organization"]["id"], studio["activity_day"], studio["leader"]) == (county.township_a.pk, 15, None)
    # three representatives stationed there; one made its leader on the studio's page
    reps = [created(post(client, api("/representatives"), {
        "congress": congress["id"], "name": f"甲代表{n}", "constituency": county.township_a.pk, "studio": studio["id"],
        "village": county.village_a1.pk,
        "households": [{"name": f"户{n}-{h}"} for h in range(HOUSEHOLDS)]}))["id"] for n in range(3)]
    studio_page = client.get(reverse("representatives:studio", args=[studio["id"]]), **ZH).content.decode()
    assert 'id="studio-edit"' in studio_page
    edit = reverse("representatives:studio_edit", args=[studio["id"]])
    assert "甲代表1" in client.get(edit, **ZH).content.decode()
    saved = client.post(edit, {"organization": county.township_a.pk, "name": "甲镇党代表工作室",
                               "address": "甲镇便民服务中心二楼", "activity_day": "20", "leader": reps[1]}, **ZH)
    assert saved.status_code == 302
    studio = client.get(api(f"/studios/{studio['id']}")).json()
    assert (studio["activity_day"], studio["leader"]["id"]) == (20, reps[1])
    assert "甲代表1" in client.get(reverse("representatives:studio", args=[studio["id"]]), **ZH).content.decode()
    # a leader from elsewhere is refused
    outsider = client.post(edit, {"organization": county.township_a.pk, "name": "甲镇党代表工作室",
                                  "activity_day": "20", "leader": "999999"}, **ZH)
    assert outsider.status_code == 422
    # moving the studio to township B: a preview of what moves, nothing moved, then confirmed
    move = {"organization": county.township_b.pk, "name": "甲镇党代表工作室", "address": "乙镇", "activity_day": "20",
            "leader": reps[1]}
    preview = client.post(edit, move, **ZH)
    assert preview.status_code == 200 and 'id="preview-representatives">3<' in preview.content.decode()
    assert client.get(api(f"/studios/{studio['id']}")).json()["organization"]["id"] == county.township_a.pk
    client.force_login(users["township_b"])
    assert client.get(api("/representatives")).json()["count"] == 0
    client.force_login(users["county"])
    assert client.post(edit, {**move, "confirm": "1"}, **ZH).status_code == 302
    assert client.get(api(f"/studios/{studio['id']}")).json()["organization"]["id"] == county.township_b.pk
    client.force_login(users["township_b"])
    assert client.get(api("/representatives")).json()["count"] == 3
    # township A no longer reaches the studio's pages
    client.force_login(users["township_a"])
    assert client.get(edit).status_code == 404
    assert client.get(reverse("representatives:rep_edit", args=[reps[0]])).status_code == 404


def test_a_representatives_village_and_households(client, county, county_user):
    congress = created(post(client, api("/congresses"), {"organization": county.county.pk, "number": 15,
                                                         "opened_on": "2021-09-20", "term_ends_on": "2026-09-19"}))
    studio = created(post(client, api("/studios"), {"organization": county.township_a.pk, "name": "甲镇工作室"}))
    rep = created(post(client, api("/representatives"), {
        "congress": congress["id"], "name": "刘代表", "constituency": county.township_a.pk, "studio": studio["id"],
        "households": [{"name": f"户主{h}", "address": f"{h + 1}组"} for h in range(4)]}))
    households = rep["household_list"]
    url = reverse("representatives:rep_edit", args=[rep["id"]])
    page = client.get(url, **ZH).content.decode()
    assert page.count('name="hh-') == 4 * HOUSEHOLDS and 'value="户主3"' in page
    assert 'id="rep-edit"' in client.get(reverse("representatives:representative", args=[rep["id"]]), **ZH).content.decode()

    def form(rows, village=county.village_a2.pk, count=HOUSEHOLDS):
        data = {"village": village or "", "studio": studio["id"], "rows": count}
        for n, row in enumerate(rows, start=1):
            data.update({f"hh-{n}-{k}": v for k, v in row.items()})
        return data

    kept = [{"id": h["id"], "name": h["name"], "address": h["address"]} for h in households]
    new = [{"name": f"新户{n}", "address": "五组", "phone": "13900000000"} for n in range(5)]
    # a row without its head's name and a wrong phone: refused, each named on its row, every value kept
    bad = client.post(url, form(kept + new[:2] + [{"address": "六组"}, {"name": "赵家", "phone": "电话"}]), **ZH)
    assert bad.status_code == 422
    text = bad.content.decode()
    assert text.count("invalid-feedback") == 2 and 'value="六组"' in text and 'value="新户1"' in text
    assert f'<option value="{county.village_a2.pk}" selected' in text
    assert client.get(api(f"/representatives/{rep['id']}")).json()["households"] == 4
    # eleven households break the rule of ten
    eleven = client.post(url, form(kept + new + [{"name": "王甲"}, {"name": "王乙"}], count=11), **ZH)
    assert eleven.status_code == 422
    assert client.get(api(f"/representatives/{rep['id']}")).json()["households"] == 4
    # a village outside the congress's committee is refused
    assert client.post(url, form(kept, village=999999), **ZH).status_code == 422
    # saved: the village linked, one household renamed, one unlinked, five added → 4 - 1 + 5 = 8
    rows = kept[:3] + [{"id": kept[3]["id"], "name": "", "address": ""}] + new     # the fourth row cleared
    rows[0] = {**rows[0], "name": "户主0（改）"}
    assert client.post(url, form(rows), **ZH).status_code == 302
    detail = client.get(api(f"/representatives/{rep['id']}")).json()
    assert detail["village"]["id"] == county.village_a2.pk and detail["households"] == 8
    names = {h["name"] for h in detail["household_list"]}
    assert "户主0（改）" in names and "户主3" not in names and "新户4" in names
    assert households[0]["id"] in {h["id"] for h in detail["household_list"]}   # corrected, not replaced
    # a household with a request recorded stays linked
    created(post(client, api(f"/households/{households[1]['id']}/requests"), {"matter": "危房改造",
                                                                              "received_on": "2025-06-10"}))
    rows_without = [{"id": h["id"], "name": h["name"], "address": h["address"]}
                    for h in detail["household_list"] if h["id"] != households[1]["id"]]
    refused = client.post(url, form(rows_without), **ZH)
    assert refused.status_code == 422 and "户主1" in refused.content.decode()
    assert client.get(api(f"/representatives/{rep['id']}")).json()["households"] == 8


def _filled(template, rows) -> io.BytesIO:
    book = load_workbook(io.BytesIO(template))
    sheet = book.worksheets[0]
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "代表名单.xlsx"
    return out


def test_import_371_representatives_in_21_studios_and_withdraw(client, county, county_user, users):
    city = build_city(client, county)
    congress = city["congress"]
    url = reverse("representatives:import")
    assert client.get(url, **ZH).status_code == 200
    template = client.get(url, {"template": "1", "congress": congress})
    assert template.status_code == 200
    book = load_workbook(io.BytesIO(template.content))
    header = [c.value for c in book.worksheets[0][1]]
    assert len(header) == 6 + HOUSEHOLDS
    codes = [row for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)]
    studios = [row[2] for row in codes if row[2]]
    assert len(studios) == STUDIOS
    villages = {row[0] for row in codes if row[0] and row[0].startswith(("A", "B", "V"))}
    studio_names = client.get(api("/studios"), {"limit": 50}).json()["items"]
    studio_of = {s["organization"]["id"]: s["name"] for s in studio_names}
    orgs = {}
    for n, township in enumerate(city["townships"]):
        orgs[n] = (township, city["villages"][n])
    org_codes = {o["id"]: o["code"] for o in client.get("/api/orgs", {"limit": 200}).json()["items"]}
    assert villages

    def row(n):
        k = n % STUDIOS
        township, village = orgs[k]
        return [f"代表{n:03d}", None, "男" if n % 2 else "女", org_codes[township], studio_of[township],
                org_codes[village], *[f"户主{n:03d}-{h}/{h + 1}组" for h in range(HOUSEHOLDS)]]

    good = [row(n) for n in range(REPRESENTATIVES)]
    wrong = [
        ["错代表甲", None, "男", org_codes[city["townships"][0]], "不存在的工作室", org_codes[city["villages"][0]],
         "户主/1组"],
        ["错代表乙", None, "不详", "NOPE", None, None, "/二组", "钱家/三组/电话号码"],
    ]
    # the bad rows named by row and column; nothing written; no confirmation offered
    checked = client.post(url, {"congress": congress, "file": _filled(template.content, good + wrong)}, **ZH)
    assert checked.status_code == 422
    page = checked.content.decode()
    bad_rows = {REPRESENTATIVES + 2, REPRESENTATIVES + 3}
    for line in bad_rows:
        assert f'<tr data-row="{line}"><td>{line}</td><td>' in page
    assert header[4] in page and header[3] in page and header[2] in page and header[6] in page and header[7] in page
    assert 'id="confirm-form"' not in page
    assert client.get(api("/figures")).json()["representatives"] == 0
    # a duplicate of the same person within the workbook is refused too (the check registers them in turn)
    twice = client.post(url, {"congress": congress, "file": _filled(template.content, good[:3] + [good[0][:1] + [
        "11010519491231002X"] + good[0][2:], good[0][:1] + ["11010519491231002X"] + good[0][2:]])}, **ZH)
    assert twice.status_code == 422 and 'id="confirm-form"' not in twice.content.decode()
    assert client.get(api("/figures")).json()["representatives"] == 0
    # the good workbook: its preview, nothing written yet
    preview = client.post(url, {"congress": congress, "file": _filled(template.content, good)}, **ZH)
    assert preview.status_code == 200, preview.content.decode()[:3000]
    page = preview.content.decode()
    assert 'id="confirm-form"' in page and page.count('<tr data-row="') == REPRESENTATIVES
    assert client.get(api("/figures")).json()["representatives"] == 0
    # confirmed: all 371 registered at once
    assert client.post(url, {"confirm": "1"}, **ZH).status_code == 302
    figures = client.get(api("/figures")).json()
    assert (figures["representatives"], figures["studios"], figures["with_village"], figures["with_households"],
            figures["households"]) == (371, 21, 371, 371, 3710)
    in_studios = client.get(api("/studios"), {"limit": 50}).json()["items"]
    assert sorted({s["representatives"] for s in in_studios}) == [17, 18]
    imports = client.get(api("/imports")).json()["items"]
    assert [(i["representatives"], i["households"], i["people_added"]) for i in imports] == [(371, 3710, 371)]
    batch = imports[0]["id"]
    assert f'data-import="{batch}"' in client.get(url, **ZH).content.decode()
    # a representative with a record since blocks the withdrawal, named on its preview
    rep = client.get(api("/representatives"), {"q": "代表000"}).json()["items"][0]["id"]
    activity = created(post(client, api(f"/representatives/{rep}/activities"), {
        "kind": "research", "occurred_on": "2025-06-10", "content": "调研"}))
    withdraw = reverse("representatives:import_withdraw", args=[batch])
    blocked = client.get(withdraw, **ZH).content.decode()
    assert 'id="withdraw-blocked"' in blocked and "代表000" in blocked and 'id="withdraw-form"' not in blocked
    client.post(withdraw, {"confirm": "1"}, **ZH)
    assert client.get(api("/figures")).json()["representatives"] == 371
    assert client.delete(api(f"/activities/{activity['id']}")).status_code == 204
    # the withdrawal's preview, then confirmed
    shown = client.get(withdraw, **ZH).content.decode()
    assert 'id="preview-representatives">371<' in shown and 'id="preview-households">3710<' in shown
    assert client.get(api("/figures")).json()["representatives"] == 371
    assert client.post(withdraw, {"confirm": "1"}, **ZH).status_code == 302
    figures = client.get(api("/figures")).json()
    assert (figures["representatives"], figures["households"]) == (0, 0)
    assert client.get(api("/imports")).json()["items"][0]["withdrawn_on"] == "2025-06-16"
    # withdrawn twice: refused, nothing else changes
    again = post(client, api(f"/imports/{batch}/withdraw"), {"confirm": True}, **ZH)
    assert again.status_code == 422
    # township B cannot reach the county's import
    client.force_login(users["township_b"])
    assert client.get(withdraw).status_code == 404


def test_import_refuses_what_is_not_a_workbook(client, county, county_user):
    congress = created(post(client, api("/congresses"), {"organization": county.county.pk, "number": 15,
                                                         "opened_on": "2021-09-20", "term_ends_on": "2026-09-19"}))
    url = reverse("representatives:import")
    text = io.BytesIO(b"name,constituency\n")
    text.name = "list.csv"
    refused = client.post(url, {"congress": congress["id"], "file": text}, **ZH)
    assert refused.status_code == 422 and 'id="import-errors"' in refused.content.decode()
    empty = Workbook()
    data = io.BytesIO()
    empty.save(data)
    data.seek(0)
    data.name = "empty.xlsx"
    assert client.post(url, {"congress": congress["id"], "file": data}, **ZH).status_code == 422
    assert client.post(url, {"confirm": "1"}, **ZH).status_code == 302        # nothing stashed: back to the form
    assert client.get(api("/figures")).json()["representatives"] == 0


def test_the_monthly_ranking_exported_overall_and_by_studio(client, county, county_user):
    congress = created(post(client, api("/congresses"), {"organization": county.county.pk, "number": 15,
                                                         "opened_on": "2021-09-20", "term_ends_on": "2026-09-19"}))
    studios = [created(post(client, api("/studios"), {"organization": t.pk, "name": f"{t.name}工作室"}))["id"]
               for t in (county.township_a, county.township_b)]
    reps = []
    for n in range(6):
        township = county.township_a if n < 4 else county.township_b
        reps.append(created(post(client, api("/representatives"), {
            "congress": congress["id"], "name": f"排名代表{n}", "constituency": township.pk,
            "studio": studios[0 if n < 4 else 1], "households": [{"name": f"户{n}-{h}"} for h in range(HOUSEHOLDS)]})))
    created(post(client, api(f"/studios/{studios[0]}/activity-day"), {
        "occurred_on": "2025-05-15", "content": "活动日", "attendees": [r["id"] for r in reps[:3]]}))
    created(post(client, api(f"/representatives/{reps[0]['id']}/activities"), {
        "kind": "research", "occurred_on": "2025-05-20", "content": "调研"}))
    ranking = post(client, api("/ranking"), {"congress": congress["id"], "year": 2025, "month": 5}).json()
    assert len(ranking["rows"]) == 6
    page = client.get(reverse("representatives:ranking"), {"congress": congress["id"], "year": 2025, "month": 5},
                      **ZH).content.decode()
    assert 'id="ranking-xlsx"' in page
    overall = xlsx(client.get(reverse("representatives:ranking_xlsx"), {"congress": congress["id"], "year": 2025,
                                                                       "month": 5})).active
    rows = list(overall.iter_rows(values_only=True))
    header = rows[0]
    assert len(rows) == 1 + 6 and "参加党代表活动日" in header and "调研和视察" in header
    total = header.index(next(h for h in header if h in ("Total", "总分", "合计")))
    by_name = {row[1]: row for row in rows[1:]}
    for api_row in ranking["rows"]:
        row = by_name[api_row["person"]["name"]]
        assert (row[0], row[3], row[total]) == (api_row["rank_all"], api_row["rank_studio"], float(api_row["total"]))
    assert rows[1][1] == "排名代表0" and rows[1][0] == 1
    assert rows[1][header.index("参加党代表活动日")] == 20 and rows[1][header.index("调研和视察")] == 15
    # one studio: its four representatives by their rank in the studio
    one = xlsx(client.get(reverse("representatives:ranking_xlsx"), {"congress": congress["id"], "year": 2025,
                                                                   "month": 5, "studio": studios[0]})).active
    rows = list(one.iter_rows(values_only=True))[1:]
    assert [row[3] for row in rows] == [1, 2, 2, 4] and {row[2] for row in rows} == {"甲镇党委工作室"}
    # the studio's page links its ranking; a month not counted sends back to the ranking page
    studio_page = client.get(reverse("representatives:studio", args=[studios[0]]), **ZH).content.decode()
    assert 'id="studio-ranking-xlsx"' in studio_page and "month=5" in studio_page
    not_counted = client.get(reverse("representatives:ranking_xlsx"), {"congress": congress["id"], "year": 2025,
                                                                      "month": 4})
    assert not_counted.status_code == 302

"""The collective economy (壮力工程, seeds 000 and 001) through HTTP only, from an empty county of 150 villages: a
year's incomes imported from the template (preview, all or nothing with each row's reason, withdrawn), 空壳 by the
county's threshold (a village with nothing recorded is unknown, not empty; the threshold changed from a year, the
years before keeping theirs), the plan of seed 001 (100 eliminated a year, none left in three years) against the
actuals, the departments paired with the villages and their first secretaries, the home panel's figures equal to
the pages they link to, each township seeing its own villages, and the demo."""
import html
import io
import json
import re

import openpyxl
import pytest
from django.urls import reverse

from tests.kit import scoped_view_tests

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
PANEL = reverse("core:home_panel", args=["economy.villages"])
SOURCES = ["operating", "leasing", "contracting", "service", "investment", "subsidy", "other"]


def post_json(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def template(client, owner, year) -> openpyxl.Workbook:
    response = client.get(reverse("economy:import"), {"template": "1", "owner": owner.pk, "year": year})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming
                                             else response.content))


def upload(client, owner, year, book, name="incomes.xlsx"):
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = name
    return client.post(reverse("economy:import"), {"owner": owner.pk, "year": year, "file": data}, **ZH)


def fill(book, figures: dict) -> openpyxl.Workbook:
    """``figures`` {code: {source: amount}} written into the template's rows (by the code in column A)."""
    sheet = book.active
    for row in sheet.iter_rows(min_row=2):
        for source, amount in figures.get(row[0].value, {}).items():
            row[4 + SOURCES.index(source)].value = amount
    return book


def import_year(client, county, year, figures) -> None:
    preview = upload(client, county.county, year, fill(template(client, county.county, year), figures))
    assert preview.status_code == 200 and 'id="import-preview"' in preview.content.decode(), preview.content[:2000]
    done = client.post(reverse("economy:import"), {"confirm": "1"})
    assert done.status_code == 302, done.content[:500]


def counts(client, year, **query) -> dict:
    response = client.get("/api/economy/counts", {"year": year, **query})
    assert response.status_code == 200, response.content
    return response.json()


def list_total(page: str) -> int:
    return int(re.search(r'class="text-body-secondary small mb-2 list-count" data-total="(\d+)"', page).group(1))


def panel_figures(page: str) -> dict:
    found = {}
    for block in page.split('home-figure')[1:]:
        label = re.search(r'<div class="small text-body-secondary">(.*?)</div>', block)
        link = re.search(r'<a href="([^"]*)" class="text-reset">([^<]*)</a>', block)
        if label and link:
            found[html.unescape(label.group(1))] = {"value": link.group(2), "url": html.unescape(link.group(1))}
    return found


def test_a_hundred_empty_villages_eliminated_against_the_plan(client, users, county, villages):
    client.force_login(users["county"])
    book = template(client, county.county, 2023)
    assert [row[0].value for row in book.active.iter_rows(min_row=2)] == sorted(villages, key=villages.index) or \
        book.active.max_row == 151
    empty, strong = villages[:120], villages[120:]
    # 2023: 120 villages earn less than 10,000 yuan of their own (a subsidy does not count), 30 more
    year_2023 = {code: {"operating": 3000, "subsidy": 20000} for code in empty}
    year_2023.update({code: {"operating": 30000, "leasing": 25000} for code in strong})
    import_year(client, county, 2023, year_2023)
    assert counts(client, 2023) | {"total": None} == {
        "year": 2023, "villages": 150, "empty": 120, "income": 30, "unknown": 0, "eliminated": 0,
        "newly_empty": 0, "total": None}
    plan = post_json(client, "/api/economy/plans", {"owner": county.county.pk, "title": "三年消除集体经济空白村",
                                                  "start_year": 2024, "years": 3, "per_year": 100})
    assert plan.status_code == 201, plan.content
    assert plan.json()["baseline"] == 120
    assert [(y["year"], y["target"], y["left_by_plan"]) for y in plan.json()["progress"]] == [
        (2024, 100, 20), (2025, 20, 0), (2026, 0, 0)]
    # 2024: 100 of them eliminated, one strong village falls back, one village not reported
    year_2024 = {code: {"operating": 8000, "service": 4000} for code in empty[:100]}
    year_2024.update({code: {"operating": 2000} for code in empty[100:]})
    year_2024.update({code: {"investment": 60000} for code in strong[:-2]})
    year_2024[strong[-2]] = {"operating": 0}
    import_year(client, county, 2024, year_2024)
    assert counts(client, 2024) | {"total": None} == {
        "year": 2024, "villages": 150, "empty": 21, "income": 128, "unknown": 1, "eliminated": 100,
        "newly_empty": 1, "total": None}
    progress = client.get("/api/economy/plans").json()[0]["progress"]
    assert (progress[0]["eliminated"], progress[0]["met"], progress[1]["recorded"]) == (100, True, False)
    page = client.get(reverse("economy:villages"), {"year": 2024, "status": "eliminated"}, **ZH).content.decode()
    assert list_total(page) == 100
    plans_page = client.get(reverse("economy:plans"), **ZH).content.decode()
    assert 'data-figure="eliminated">100</a>' in plans_page and 'data-figure="empty">21</a>' in plans_page
    workbook = client.get(reverse("economy:villages_xlsx"), {"year": 2024, "status": "empty"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(workbook.streaming_content))).active
    assert sheet.max_row == 22 and sheet.cell(row=2, column=14).value in ("空壳（低于标准）", "Empty (below the threshold)")
    # the home panel: each figure the count of the page it links to
    figures = panel_figures(client.get(PANEL, **ZH).content.decode())
    assert len(figures) == 4
    for figure in figures.values():
        linked = client.get(figure["url"], **ZH).content.decode()
        assert list_total(linked) == int(figure["value"]), figure
    assert sorted(int(f["value"]) for f in figures.values()) == [1, 1, 21, 100]


def test_the_threshold_changes_from_a_year_and_unknown_is_not_empty(client, users, county, villages):
    client.force_login(users["county"])
    figures = {"A1": {"operating": 15000}, "A2": {"operating": 9000, "subsidy": 50000}}
    import_year(client, county, 2023, figures)
    import_year(client, county, 2024, figures)
    assert (counts(client, 2024)["empty"], counts(client, 2024)["unknown"]) == (1, 148)
    raised = post_json(client, "/api/economy/thresholds", {"owner": county.county.pk, "min_income": "20000",
                                                          "from_year": 2024, "note": "县委〔2024〕3号"})
    assert raised.status_code == 201, raised.content
    assert counts(client, 2024)["empty"] == 2 and counts(client, 2023)["empty"] == 1  # 2023 keeps 10,000
    with_subsidies = client.post(reverse("economy:thresholds"), {
        "owner": county.county.pk, "min_income": "20000", "counts_subsidies": "on", "from_year": 2025,
        "note": "补助计入"})
    assert with_subsidies.status_code == 302
    assert post_json(client, f"/api/economy/villages/{county.village_a2.pk}/incomes",
                     {"year": 2025, "amounts": {"operating": 9000, "subsidy": 50000}}).json()["status"] == "income"
    again = post_json(client, "/api/economy/thresholds", {"owner": county.county.pk, "min_income": "1",
                                                         "from_year": 2025, "note": "x"})
    assert again.status_code == 422


def test_a_bad_workbook_is_refused_whole_with_each_rows_reason(client, users, county, villages):
    client.force_login(users["county"])
    book = fill(template(client, county.county, 2024), {"A1": {"operating": 20000}, "A2": {"leasing": "很多"}})
    book.active.append(["X999", "不存在村", "", 2024, 100])
    refused = upload(client, county.county, 2024, book)
    page = refused.content.decode()
    assert refused.status_code == 422 and 'id="import-errors"' in page
    assert "X999" in page and "很多" in page
    assert counts(client, 2024)["unknown"] == 150  # nothing written
    assert post_json(client, f"/api/economy/villages/{county.village_a1.pk}/incomes",
                     {"year": 2024, "amounts": {"operating": "-5"}}).status_code == 422
    assert post_json(client, f"/api/economy/villages/{county.village_a1.pk}/incomes",
                     {"year": 2031, "amounts": {"operating": 5}}).status_code == 422
    assert post_json(client, f"/api/economy/villages/{county.township_a.pk}/incomes",
                     {"year": 2024, "amounts": {"operating": 5}}).status_code == 404  # not a village
    form = client.post(reverse("economy:village", args=[county.village_a1.pk]),
                       {"action": "income", "year": "2024", "operating": "abc"}, **ZH)
    assert form.status_code == 422 and "invalid-feedback" in form.content.decode()


def test_an_import_withdrawn_puts_the_figures_back(client, users, county, villages):
    client.force_login(users["county"])
    import_year(client, county, 2024, {"A1": {"operating": 5000}})
    import_year(client, county, 2024, {"A1": {"operating": 50000}, "A2": {"operating": 1000}})
    assert counts(client, 2024)["empty"] == 1
    page = client.get(reverse("economy:import"), **ZH).content.decode()
    batches = [int(pk) for pk in re.findall(r'/economy/import/(\d+)/withdraw/', page)]
    assert len(batches) == 2
    client.post(reverse("economy:import_withdraw", args=[min(batches)]))  # an earlier one: refused, a later exists
    assert counts(client, 2024)["empty"] == 1
    assert client.post(reverse("economy:import_withdraw", args=[max(batches)])).status_code == 302
    incomes = client.get(f"/api/economy/villages/{county.village_a1.pk}/incomes").json()
    assert incomes[0]["amounts"] == {"operating": "5000.00"} and counts(client, 2024)["unknown"] == 149


def test_departments_and_first_secretaries_support_the_empty_villages(client, users, county, villages):
    client.force_login(users["county"])
    import_year(client, county, 2024, {"B1": {"operating": 0}})
    support = post_json(client, f"/api/economy/villages/{county.village_b1.pk}/support",
                        {"year": 2025, "department": "县财政局", "leader": "副局长", "measures": "光伏项目"})
    assert support.status_code == 201, support.content
    chen = county.people["chen"]
    post = post_json(client, "/api/posts", {"person": chen.pk, "organization": county.village_b1.pk,
                                            "title": "first_secretary", "started_on": "2025-03-01"})
    assert post.status_code == 201, post.content
    page = client.get(reverse("economy:village", args=[county.village_b1.pk]), **ZH).content.decode()
    assert "县财政局" in page and "陳小紅" in page
    listed = client.get(reverse("economy:villages"), {"year": 2025, "under": county.township_b.pk}, **ZH).content.decode()
    assert "县财政局" in listed and "陳小紅" in listed
    assert post_json(client, f"/api/economy/villages/{county.village_b1.pk}/support",
                     {"year": 2025, "department": "县财政局"}).status_code == 422  # twice
    assert post_json(client, f"/api/economy/support/{support.json()['id']}/withdraw", {}).status_code == 200
    assert client.get("/api/economy/support", {"year": 2025}).json() == []


def test_each_township_sees_its_own_villages(client, users, county, villages):
    client.force_login(users["county"])
    import_year(client, county, 2024, {code: {"operating": 100} for code in villages})
    client.force_login(users["township_b"])
    assert counts(client, 2024)["villages"] == 50 and counts(client, 2024)["empty"] == 50
    assert client.get(reverse("economy:village", args=[county.village_a1.pk])).status_code == 404
    assert client.get(f"/api/economy/villages/{county.village_a1.pk}/incomes").status_code == 404
    assert post_json(client, "/api/economy/plans", {"owner": county.county.pk, "title": "x", "start_year": 2025,
                                                   "per_year": 10}).status_code == 404
    own = post_json(client, "/api/economy/plans", {"owner": county.township_b.pk, "title": "乙镇计划",
                                                  "start_year": 2025, "years": 2, "per_year": 25})
    assert own.status_code == 201 and own.json()["baseline"] == 50
    client.force_login(users["inspector"])  # township A, read-only
    assert client.get(reverse("economy:villages"), {"year": 2024}).status_code == 200
    assert post_json(client, f"/api/economy/villages/{county.village_a1.pk}/incomes",
                     {"year": 2024, "amounts": {"operating": 1}}).status_code in (403, 404)
    assert client.post(reverse("economy:import"), {"confirm": "1"}).status_code == 403


def test_the_demo_gives_a_plan_against_its_actuals(client, users, county, villages):
    from mechanisms.economy.demo import generate_economy

    found = generate_economy(county.county, seed=1, progress=lambda message: None)
    assert found["incomes"] > 0
    client.force_login(users["county"])
    plan = client.get("/api/economy/plans").json()[0]
    assert (plan["per_year"], plan["years"]) == (18, 3) and plan["progress"][0]["eliminated"] >= 18
    assert generate_economy(county.county, seed=1, progress=lambda message: None) == {"incomes": 0}


test_village_page = scoped_view_tests(url=lambda county: reverse("economy:village", args=[county.village_a1.pk]),
                                      organization=lambda county: county.township_a)
test_incomes_api = scoped_view_tests(
    url=lambda county: f"/api/economy/villages/{county.village_a1.pk}/incomes",
    organization=lambda county: county.township_a,
    write={"method": "post", "url": lambda county: f"/api/economy/villages/{county.village_a1.pk}/incomes",
           "data": {"year": 2024, "amounts": {"operating": 1}}})


@pytest.mark.parametrize("name", ["economy:villages", "economy:plans", "economy:thresholds", "economy:import"])
def test_the_pages_answer_every_role(client, users, county, name):
    for role in ("county", "township_a", "branch_a1", "inspector", "leader"):
        client.force_login(users[role])
        assert client.get(reverse(name), **ZH).status_code == 200, (role, name)

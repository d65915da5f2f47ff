"""Village funds (经费保障, seed 001) through HTTP only, from an empty county: the year's operating budgets of every
place by its type (70,000 yuan a village, 90,000 a rural community, 150,000 an urban community) shown before they are
recorded and withdrawable, a project's budget, payments against them (never more than is outstanding, never in the
future, withdrawn with a reason), the arrears of years past, the county's rate changed from a year (the years before
keeping theirs), the ledger's workbook, the home panel's figures equal to the ledger they link to, each township
seeing its own places, and the demo."""
import html
import io
import json
import re

import openpyxl
from django.urls import reverse

from tests.kit import scoped_view_tests

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
PANEL = reverse("core:home_panel", args=["funds.ledger"])


def post_json(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def summary(client, year, **query) -> dict:
    response = client.get("/api/funds/summary", {"year": year, **query})
    assert response.status_code == 200, response.content
    return response.json()


def budgets(client, **query) -> list[dict]:
    return client.get("/api/funds/budgets", {"limit": 200, **query}).json()["items"]


def generate(client, owner, year):
    preview = post_json(client, "/api/funds/generate", {"owner": owner.pk, "year": year})
    assert preview.status_code == 409, preview.content
    done = post_json(client, "/api/funds/generate", {"owner": owner.pk, "year": year, "confirm": True})
    assert done.status_code == 201, done.content
    return preview.json(), done.json()


def test_operating_budgets_by_type_of_place_and_what_is_paid(client, users, county, places):
    client.force_login(users["county"])
    preview, batch = generate(client, county.county, 2025)
    assert (preview["count"], preview["total"]) == (5, "450000.00")
    assert sorted((row["count"], row["amount"]) for row in preview["by_type"]) == [
        (1, "150000.00"), (1, "90000.00"), (3, "70000.00")]
    assert len(budgets(client, year=2025)) == 5
    by_place = {b["organization"]["name"]: b for b in budgets(client, year=2025)}
    assert (by_place["陳家村党支部"]["amount"], by_place["陳家村党支部"]["place_type"]) == ("70000.00", "village")
    assert by_place["甲镇新村社区党支部"]["amount"] == "90000.00"
    assert by_place["东门社区党支部"]["amount"] == "150000.00"
    again = post_json(client, "/api/funds/generate", {"owner": county.county.pk, "year": 2025})
    assert again.status_code == 422  # every place has its budget
    center = post_json(client, "/api/funds/budgets", {"organization": county.village_a1.pk, "year": 2025,
                                                     "kind": "service_center", "title": "新建便民服务中心",
                                                     "amount": "300000"})
    assert center.status_code == 201, center.content
    village = by_place["陳家村党支部"]["id"]
    for day in ("2025-03-25", "2025-06-10"):
        paid = post_json(client, f"/api/funds/budgets/{village}/payments",
                         {"paid_on": day, "amount": "17500", "source": "county"})
        assert paid.status_code == 201, paid.content
    assert post_json(client, f"/api/funds/budgets/{village}/payments",
                     {"paid_on": "2025-06-12", "amount": "35000.01"}).status_code == 422  # more than outstanding
    assert post_json(client, f"/api/funds/budgets/{village}/payments",
                     {"paid_on": "2025-07-01", "amount": "100"}).status_code == 422  # in the future
    found = summary(client, 2025)
    assert (found["budget"], found["paid"], found["outstanding"], found["places"], found["without_operating"]) == (
        "750000.00", "35000.00", "715000.00", 5, 0)
    page = client.get(reverse("funds:place", args=[county.village_a1.pk]), **ZH).content.decode()
    assert "新建便民服务中心" in page and "17500" in page
    workbook = client.get(reverse("funds:ledger_xlsx"), {"year": 2025})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(workbook.streaming_content))).active
    assert sheet.max_row == 7 and sum(sheet.cell(row=r, column=7).value for r in range(2, 8)) == 750000
    assert sum(sheet.cell(row=r, column=8).value for r in range(2, 8)) == 35000
    # a batch with payments on it is not withdrawn; its payments withdrawn first, it is
    assert post_json(client, f"/api/funds/batches/{batch['id']}/withdraw", {}).status_code == 422
    for payment in client.get(f"/api/funds/budgets/{village}/payments").json():
        assert post_json(client, f"/api/funds/payments/{payment['id']}/withdraw", {"reason": ""}).status_code == 422
        assert post_json(client, f"/api/funds/payments/{payment['id']}/withdraw",
                         {"reason": "重复录入"}).status_code == 200
    assert summary(client, 2025)["paid"] == "0.00"
    assert post_json(client, f"/api/funds/batches/{batch['id']}/withdraw", {}).status_code == 200
    assert [b["kind"] for b in budgets(client, year=2025)] == ["service_center"]


def test_the_generation_is_previewed_on_the_page_before_it_is_recorded(client, users, county, places):
    client.force_login(users["county"])
    preview = client.post(reverse("funds:generate"), {"owner": county.county.pk, "year": 2025}, **ZH)
    assert preview.status_code == 200 and 'id="generate-preview"' in preview.content.decode()
    assert budgets(client, year=2025) == []
    done = client.post(reverse("funds:generate"), {"owner": county.county.pk, "year": 2025, "confirm": "True"})
    assert done.status_code == 302 and len(budgets(client, year=2025)) == 5


def test_arrears_of_years_past_and_the_home_panel(client, users, county, places):
    client.force_login(users["county"])
    generate(client, county.county, 2024)
    generate(client, county.county, 2025)
    for b in budgets(client, year=2024):
        amount = "35000" if b["organization"]["name"] == "王家村党支部" else b["amount"]
        assert post_json(client, f"/api/funds/budgets/{b['id']}/payments",
                         {"paid_on": "2024-12-20", "amount": amount}).status_code == 201
    assert summary(client, 2025)["arrears"] == "35000.00" and summary(client, 2025)["arrears_budgets"] == 1
    arrears = budgets(client, status="arrears")
    assert [(b["organization"]["name"], b["outstanding"]) for b in arrears] == [("王家村党支部", "35000.00")]
    ledger = client.get(reverse("funds:ledger"), {"year": "all", "status": "arrears"}, **ZH).content.decode()
    assert "王家村党支部" in ledger and "陳家村党支部" not in ledger
    page = client.get(PANEL, **ZH).content.decode()
    figures = {}
    for block in page.split("home-figure")[1:]:
        label = re.search(r'<div class="small text-body-secondary">(.*?)</div>', block)
        link = re.search(r'<a href="([^"]*)" class="text-reset">([^<]*)</a>', block)
        if label and link:
            figures[html.unescape(label.group(1))] = (link.group(2), html.unescape(link.group(1)))
    assert len(figures) == 4
    values = {value for value, _url in figures.values()}
    assert {"450000", "0", "35000"} <= values
    for value, url in figures.values():  # the ledger it links to totals the same figure
        linked = client.get(url, **ZH).content.decode()
        assert value in linked, (value, url)


def test_the_rate_changes_from_a_year_and_the_years_before_keep_theirs(client, users, county, places):
    client.force_login(users["county"])
    generate(client, county.county, 2025)
    rate = post_json(client, "/api/funds/rates", {"owner": county.county.pk, "place_type": "village",
                                                 "amount": "80000", "from_year": 2026, "note": "县财〔2025〕12号"})
    assert rate.status_code == 201, rate.content
    preview = post_json(client, "/api/funds/generate", {"owner": county.county.pk, "year": 2026}).json()
    assert sorted((row["count"], row["amount"]) for row in preview["by_type"]) == [
        (1, "150000.00"), (1, "90000.00"), (3, "80000.00")]
    assert {b["amount"] for b in budgets(client, year=2025, kind="operating")} == {"70000.00", "90000.00",
                                                                                 "150000.00"}
    different = post_json(client, "/api/funds/budgets", {"organization": county.village_a1.pk, "year": 2026,
                                                        "kind": "operating", "amount": "50000"})
    assert different.status_code == 422  # not the rate: a reason is needed
    assert client.post(reverse("funds:rates"), {"owner": county.county.pk, "place_type": "village",
                                                "amount": "90000", "from_year": 2026, "note": "x"},
                       **ZH).status_code == 422  # that year is set already


def test_each_township_sees_its_own_places(client, users, county, places):
    client.force_login(users["county"])
    generate(client, county.county, 2025)
    client.force_login(users["township_a"])
    assert {b["organization"]["name"] for b in budgets(client, year=2025)} == {
        "陳家村党支部", "李家村党支部", "甲镇新村社区党支部"}
    assert summary(client, 2025)["budget"] == "230000.00"
    assert client.get(reverse("funds:place", args=[county.village_b1.pk])).status_code == 404
    foreign = [b for b in budgets(client, year=2025)]
    assert post_json(client, "/api/funds/generate", {"owner": county.county.pk, "year": 2026}).status_code == 404
    client.force_login(users["inspector"])
    budget = foreign[0]["id"]
    assert post_json(client, f"/api/funds/budgets/{budget}/payments",
                     {"paid_on": "2025-06-01", "amount": "1"}).status_code in (403, 404)
    page = client.post(reverse("funds:place", args=[county.village_a1.pk]),
                       {"action": "pay", "budget": budget, "paid_on": "2025-06-01", "amount": "1",
                        "source": "county"})
    assert page.status_code in (302, 403, 404)
    client.force_login(users["county"])
    assert all(b["paid"] == "0.00" for b in budgets(client, year=2025))


def test_bad_input_keeps_what_was_typed(client, users, county, places):
    client.force_login(users["county"])
    generate(client, county.county, 2025)
    village = [b for b in budgets(client, year=2025) if b["organization"]["name"] == "陳家村党支部"][0]
    page = client.post(reverse("funds:place", args=[county.village_a1.pk]),
                       {"action": "pay", "budget": village["id"], "paid_on": "2025-06-01", "amount": "999999",
                        "source": "county", "note": "第三季度"}, **ZH)
    text = page.content.decode()
    assert page.status_code == 422 and "invalid-feedback" in text and "第三季度" in text
    project = client.post(reverse("funds:place", args=[county.village_a1.pk]),
                          {"action": "budget", "year": "2025", "kind": "remote_education", "title": "",
                           "amount": "2000"}, **ZH)
    assert project.status_code == 422 and "invalid-feedback" in project.content.decode()


def test_the_demo_budgets_and_pays(client, users, county, places):
    from mechanisms.funds.demo import generate_funds

    assert generate_funds(county.county, seed=1, progress=lambda message: None)["budgets"] >= 15
    client.force_login(users["county"])
    found = summary(client, 2025)
    assert found["without_operating"] == 0 and 0 < float(found["paid"]) < float(found["budget"])
    assert generate_funds(county.county, seed=1, progress=lambda message: None) == {"budgets": 0}


test_place_page = scoped_view_tests(url=lambda county: reverse("funds:place", args=[county.village_a1.pk]),
                                    organization=lambda county: county.township_a)


def test_the_pages_answer_every_role(client, users, county, places):
    for name in ("funds:ledger", "funds:generate", "funds:rates"):
        for role in ("county", "township_a", "branch_a1", "inspector", "leader"):
            client.force_login(users[role])
            assert client.get(reverse(name), **ZH).status_code == 200, (role, name)

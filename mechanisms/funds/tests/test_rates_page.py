"""The rates' page (kernel.core.versioned.VersionedTableView) and a payment's withdrawal
(kernel.core.withdrawal.withdraw) through HTTP: the county sets a rate with the message in Chinese, bad input is
answered beside its field with what was typed kept, a township may not set the county's rates; a payment is
withdrawn once, with a reason of at most 300 characters, and counts no more."""
import json

from django.urls import reverse

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
RATE = {"place_type": "rural_community", "amount": "95000", "from_year": "2026", "note": "县财〔2025〕12号"}


def post_json(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_county_sets_a_rate_on_the_page(client, users, county, places):
    client.force_login(users["county"])
    page = client.get(reverse("funds:rates"), **ZH).content.decode()
    assert 'id="rate-form"' in page
    done = client.post(reverse("funds:rates"), {**RATE, "owner": county.county.pk}, follow=True, **ZH)
    assert done.redirect_chain[-1] == (reverse("funds:rates"), 302)
    text = done.content.decode()
    assert "新标准已保存；此前各年度仍按原标准。" in text
    table = text.split('id="rate-table"')[1].split("</table>")[0]
    assert "县财〔2025〕12号" in table and "95" in table, table
    # a bad amount: the form's refusal, what was typed kept, nothing written
    bad = client.post(reverse("funds:rates"), {**RATE, "owner": county.county.pk, "amount": "九万",
                                               "note": "第二次"}, **ZH)
    assert bad.status_code == 422 and 'value="第二次"' in bad.content.decode()
    # the same type and year again: the service's refusal beside its field
    again = client.post(reverse("funds:rates"), {**RATE, "owner": county.county.pk, "note": "第三次"}, **ZH)
    assert again.status_code == 422
    form = again.content.decode().split('id="rate-form"')[1]
    assert "is-invalid" in form and 'value="第三次"' in form
    assert [(r["place_type"], r["amount"]) for r in client.get("/api/funds/rates").json()] == [
        ("rural_community", "95000.00")]


def test_a_township_does_not_set_the_countys_rates(client, users, county, places):
    client.force_login(users["township_a"])
    # the township sets the rates of its own places only: the county is not among its choices
    assert client.post(reverse("funds:rates"), {**RATE, "owner": county.county.pk}).status_code == 422
    client.force_login(users["branch_a1"])
    assert 'id="rate-form"' not in client.get(reverse("funds:rates")).content.decode()
    assert client.post(reverse("funds:rates"), {**RATE, "owner": county.county.pk}).status_code == 403
    client.force_login(users["county"])
    assert client.get("/api/funds/rates").json() == []


def test_a_payment_is_withdrawn_once_with_its_reason(client, users, county, places):
    client.force_login(users["county"])
    budget = post_json(client, "/api/funds/budgets", {"organization": county.village_a1.pk, "year": 2025,
                                                     "kind": "service_center", "title": "新建便民服务中心",
                                                     "amount": "300000"}).json()
    payment = post_json(client, f"/api/funds/budgets/{budget['id']}/payments",
                        {"paid_on": "2025-06-01", "amount": "100000", "source": "county"}).json()
    url = f"/api/funds/payments/{payment['id']}/withdraw"
    assert post_json(client, url, {"reason": "  "}).status_code == 422
    assert post_json(client, url, {"reason": "错" * 301}).status_code == 422
    done = post_json(client, url, {"reason": " 重复录入 "})
    assert done.status_code == 200, done.content
    assert (done.json()["withdraw_reason"], done.json()["withdrawn_on"]) == ("重复录入", "2025-06-16")
    again = client.post(url, json.dumps({"reason": "再次"}), content_type="application/json", **ZH)
    assert again.status_code == 422 and again.json()["message"] == "此拨付已撤销。"
    assert client.get("/api/funds/budgets", {"year": 2025}).json()["items"][0]["paid"] == "0.00"

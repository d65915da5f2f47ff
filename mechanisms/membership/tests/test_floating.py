"""Floating members (流动党员) through the pages and the API: a member of 陈家村 registered as gone out with the
activity card, the yearly report recorded against its duty, a second member away more than six months at a fixed
place warned (on the page and on the branch's to-do: transfer instead), a member come in from elsewhere in the
inflow register, the return with the card checked, and nothing seen across townships."""
import datetime
import re

import pytest
from django.urls import reverse

D = datetime.date
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture(autouse=True)
def installed(shipped):
    """The shipped rules, for every test here (the conftest's ``shipped``)."""


def register_out(client, person, **data):
    form = {"place": "广东省东莞市某电子厂", "fixed_place": "", "since": "2025-03-01", "reason": "务工",
            "contact_here": "村党支部书记 13800000001", "contact_there": "厂党支部 13800000002", "expected_return": "",
            "card_number": "", "card_issued_on": "", "card_valid_until": "", "note": "", **data}
    return client.post(reverse("membership:floating_out", args=[person.pk]), form, **ZH)


def test_gone_out_with_the_card_the_report_recorded_then_back_with_the_card_checked(client, users, county):
    zhang = county.people["zhangsan"]
    client.force_login(users["branch_a1"])
    response = register_out(client, zhang, card_number="流动证2025001", card_issued_on="2025-03-05",
                            card_valid_until="2028-03-05")
    assert "证件有效期最长两年" in response.content.decode()  # refused with the reason, nothing written
    response = register_out(client, zhang, card_number="流动证2025001", card_issued_on="2025-03-05",
                            card_valid_until="2026-03-04")
    detail = response["Location"]
    page = client.get(detail, **ZH).content.decode()
    assert "流动证2025001" in page and 'id="transfer-warning"' not in page  # under six months
    assert register_out(client, zhang).status_code == 200  # already in the register: no second row
    obligations = client.get("/api/duties/obligations", {"person": zhang.pk}).json()["items"]
    (report,) = [o for o in obligations if o["rule"]["name"] == "流动党员年度报告"]
    assert report["due_on"] == "2025-12-31" and report["state"] == "open"
    client.post(detail, {"action": "report", "on": "2025-06-10", "text": "在厂党支部参加组织生活"})
    obligations = client.get("/api/duties/obligations", {"person": zhang.pk}).json()["items"]
    assert [o["state"] for o in obligations if o["rule"]["name"] == "流动党员年度报告"] == ["done"]
    client.post(detail, {"action": "return", "on": "2025-06-15"})
    assert "返回时请查验流动党员活动证" in client.get(detail, **ZH).content.decode()
    client.post(detail, {"action": "return", "on": "2025-06-15", "card_checked": "on"})
    page = client.get(detail, **ZH).content.decode()
    assert "2025-06-15" in page and "已查验" in page
    listing = client.get(reverse("membership:floating"), **ZH).content.decode()
    assert "张三" not in listing  # back: no longer away


def test_over_six_months_at_a_fixed_place_warns_to_transfer_instead(client, users, county):
    chen = county.people["chen"]
    client.force_login(users["branch_a1"])
    detail = register_out(client, chen, fixed_place="on", since="2024-11-20")["Location"]
    page = client.get(detail, **ZH).content.decode()
    assert 'id="transfer-warning"' in page and reverse("membership:transfer_issue", args=[chen.pk]) in page
    listing = client.get(reverse("membership:floating"), **ZH).content.decode()
    assert re.search(r'<tr data-floating="\d+" class="table-warning" data-warn="1">', listing)
    todo = client.get("/api/duties/todo").json()["items"]
    (item,) = [i for i in todo if i["url"] == detail]
    assert item["due_on"] == "2025-05-20" and item["state"] == "应转接组织关系"


def test_come_in_from_elsewhere_and_each_township_sees_its_own(client, users, county):
    client.force_login(users["township_b"])
    response = client.post(reverse("membership:floating"), {
        "organization": county.village_b1.pk, "name": "赵外来", "home_organization": "中共湖南省某县某村党支部",
        "place": "王家村蔬菜基地", "fixed_place": "", "since": "2025-04-01", "reason": "务工", "contact_here": "",
        "contact_there": "", "expected_return": "", "card_number": "湘流2025018", "card_issued_on": "2025-03-20",
        "card_valid_until": "2026-03-19", "note": ""}, **ZH)
    assert response.status_code == 302
    assert "赵外来" in client.get(reverse("membership:floating") + "?direction=in", **ZH).content.decode()
    client.force_login(users["township_a"])
    assert "赵外来" not in client.get(reverse("membership:floating"), **ZH).content.decode()
    response = client.post(reverse("membership:floating"), {
        "organization": county.village_b1.pk, "name": "钱外来", "home_organization": "某党支部", "place": "某地",
        "since": "2025-04-01"}, **ZH)
    assert response.status_code == 404  # an organization outside the user's scope


def test_the_registers_through_the_api(client, users, county):
    zhang = county.people["zhangsan"]
    client.force_login(users["branch_a1"])
    body = {"direction": "out", "organization": county.village_a1.pk, "person": zhang.pk, "place": "广东省深圳市",
            "fixed_place": True, "since": "2024-10-01", "card_number": "流2024009", "card_issued_on": "2024-10-05",
            "card_valid_until": "2025-10-04"}
    created = client.post("/api/membership/floating", body, content_type="application/json")
    assert created.status_code == 201 and created.json()["should_transfer"] is True
    row = created.json()["id"]
    assert client.post("/api/membership/floating", body, content_type="application/json").status_code == 422
    report = client.post(f"/api/membership/floating/{row}/report", {"on": "2025-06-01", "text": "按时参加组织生活"},
                         content_type="application/json")
    assert report.status_code == 200
    assert client.post(f"/api/membership/floating/{row}/return", {"on": "2025-06-10"},
                       content_type="application/json").status_code == 422  # the card is checked on return
    back = client.post(f"/api/membership/floating/{row}/return", {"on": "2025-06-10", "card_checked": True},
                       content_type="application/json").json()
    assert back["returned_on"] == "2025-06-10" and back["should_transfer"] is False
    assert client.get("/api/membership/floating").json()["count"] == 0
    assert client.get("/api/membership/floating", {"away": False}).json()["count"] == 1
    client.force_login(users["township_b"])
    assert client.get("/api/membership/floating", {"away": False}).json()["count"] == 0
    assert client.post(f"/api/membership/floating/{row}/return", {"card_checked": True},
                       content_type="application/json").status_code == 404

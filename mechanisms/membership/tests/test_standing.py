"""A member's standing (党籍) as a township records it through the pages and the API: 失联, 停止党籍 and 恢复党籍, 保留党籍,
a probation extended and ended, leaving the party after a preview, a change withdrawn, a change made in the registry
form recorded as a correction, the register with its workbook, and nothing seen or changed across townships."""
import datetime
import html
import io
import re

import openpyxl
import pytest
from django.urls import reverse

from kernel.core import clock
from kernel.people.services import member_create, person_create
from tests.kit import make_id_number

D = datetime.date
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def probationer(county):
    person = person_create(user=None, organization=county.village_a1, name="赵预备", gender="female",
                           birth_date=D(1998, 5, 1), id_number=make_id_number(D(1998, 5, 1), "female"))
    member_create(user=None, person=person, category="probationary", applied_on=D(2022, 3, 1),
                  joined_on=D(2024, 6, 1))
    return person


def standing_url(person):
    return reverse("membership:standing", args=[person.pk])


def record(client, person, **data):
    fields = {"kind": "", "on": "2025-06-16", "reason": "", "until": "", "decided_by": "", "decision": "",
              "number": "", "note": "", **data}
    return client.post(standing_url(person), fields, **ZH)


def now(client, person) -> dict:
    page = client.get(standing_url(person), **ZH).content.decode()
    found = dict(re.findall(r'<dd class="col-7 col-sm-9" id="standing-(\w+)">(.*?)</dd>', page, re.S))
    return {key: re.sub(r"<[^>]+>", "", value).strip() for key, value in found.items()}


def history(client, person) -> list[tuple[str, bool]]:
    page = client.get(standing_url(person), **ZH).content.decode()
    return [(kind, withdrawn == ' data-withdrawn="1"') for kind, withdrawn in re.findall(
        r'<tr data-kind="(\w+)"(?: class="[^"]*"( data-withdrawn="1"))?', page)]


def errors(response) -> list[str]:
    return [html.unescape(e) for e in re.findall(r'<div class="invalid-feedback d-block">(.*?)</div>',
                                                 response.content.decode())]


def test_out_of_contact_then_suspended_then_restored(client, users, county):
    lisi = county.people["lisi"]
    client.force_login(users["township_a"])
    assert "党籍" in client.get(reverse("people:person_detail", args=[lisi.pk]), **ZH).content.decode()
    assert record(client, lisi, kind="lose_contact", on="2024-11-01").status_code == 302
    person_page = client.get(reverse("people:person_detail", args=[lisi.pk]), **ZH).content.decode()
    assert "失联（自2024-11-01）" in person_page
    response = record(client, lisi, kind="suspend", on="2025-05-20")
    assert response.status_code == 200 and errors(response) == ["请填写作出决定的机关（支部大会、乡镇党委等）。"]
    assert record(client, lisi, kind="suspend", on="2025-05-20", decided_by="乙村党支部支部大会",
                  decision="失联超过六个月，停止党籍", number="乙支〔2025〕3号").status_code == 302
    assert now(client, lisi)["status"].startswith("停止党籍")
    members = client.get(reverse("people:member_list"), **ZH).content.decode()
    assert "李四" not in members  # no longer counted among the members in good standing
    assert record(client, lisi, kind="restore", decided_by="甲镇党委").status_code == 302
    standing = now(client, lisi)
    assert standing["status"].startswith("正常") and "lost" not in standing
    assert [kind for kind, _ in history(client, lisi)] == ["lose_contact", "suspend", "restore"]
    # a change that may not be made is refused with the reason, and nothing is written
    response = record(client, lisi, kind="restore", decided_by="甲镇党委")
    assert errors(response) == ["只有已停止的党籍才能恢复。"]
    assert len(history(client, lisi)) == 3


def test_a_probation_extended_within_its_limits_then_ended(client, users, county, probationer):
    client.force_login(users["township_a"])
    assert "预备期至2025-06-01" in now(client, probationer)["category"]
    response = record(client, probationer, kind="extend_probation", on="2025-05-28", until="2025-09-01",
                      decided_by="王家村党支部支部大会")
    assert errors(response) == ["延长预备期至少六个月、至多一年：截止日期应在2025-12-01至2026-06-01之间。"]
    assert record(client, probationer, kind="extend_probation", on="2025-05-28", until="2025-12-01",
                  decided_by="王家村党支部支部大会", decision="延长预备期六个月").status_code == 302
    assert "预备期至2025-12-01" in now(client, probationer)["category"]
    response = record(client, probationer, kind="extend_probation", on="2025-06-10", until="2026-06-01",
                      decided_by="王家村党支部支部大会")
    assert errors(response) == ["预备期已经延长过，只能延长一次。"]
    with clock.today_is(D(2025, 12, 5)):
        assert record(client, probationer, kind="make_full", on="2025-12-02",
                      decided_by="王家村党支部支部大会").status_code == 302
        assert now(client, probationer)["category"] == "正式党员"
        api = client.get(f"/api/membership/people/{probationer.pk}/standing").json()
        assert api["category"] == "full" and [c["kind"] for c in api["changes"]] == ["extend_probation", "make_full"]


def test_leaving_the_party_shows_what_it_does_first_and_can_be_withdrawn(client, users, county):
    zhang = county.people["zhangsan"]
    client.force_login(users["township_a"])
    response = record(client, zhang, kind="exit", reason="persuaded", on="2025-06-10", decided_by="王家村党支部支部大会",
                      number="王支〔2025〕5号")
    page = response.content.decode()
    assert response.status_code == 200 and 'id="exit-preview"' in page and "劝退" in page
    assert now(client, zhang)["status"].startswith("正常")  # nothing written yet
    confirm = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    assert confirm["confirm"] == "True"
    confirm["csrfmiddlewaretoken"] = ""
    assert client.post(standing_url(zhang), confirm, **ZH).status_code == 302
    assert now(client, zhang)["status"].startswith("已出党")
    page = client.get(standing_url(zhang), **ZH).content.decode()
    withdraw = re.search(r'action="(/membership/changes/\d+/withdraw/)"', page).group(1)
    assert client.post(withdraw, {"reason": ""}, **ZH).status_code == 302
    assert now(client, zhang)["status"].startswith("已出党")  # a withdrawal says why
    assert client.post(withdraw, {"reason": "误录，应为王家新村张三"}, **ZH).status_code == 302
    assert now(client, zhang)["status"].startswith("正常")
    assert history(client, zhang) == [("exit", True)]


def test_the_api_asks_for_confirmation_and_the_register_lists_by_reason(client, users, county):
    chen = county.people["chen"]
    client.force_login(users["township_a"])
    url = f"/api/membership/people/{chen.pk}/standing"
    body = {"kind": "exit", "reason": "deceased", "on": "2025-06-01"}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 409 and response.json()["reason"] == "死亡"
    assert client.get(url).json()["status"] == "active"
    response = client.post(url, {**body, "confirm": True}, content_type="application/json")
    assert response.status_code == 201 and response.json()["status_after"] == "deceased"
    assert client.post(url, {"kind": "lose_contact"}, content_type="application/json").status_code == 422
    listed = client.get("/api/membership/changes", {"reason": "deceased", "year": 2025}).json()
    assert [item["person"]["name"] for item in listed["items"]] == ["陳小紅"]
    page = client.get(reverse("membership:changes") + "?reason=deceased", **ZH).content.decode()
    assert "陳小紅" in page and "死亡" in page
    response = client.get(reverse("membership:changes_xlsx") + "?year=2025", **ZH)
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("姓名", "党组织", "变动", "日期") and rows[1][:5] == (
        "陳小紅", county.village_a1.name, "出党", "2025-06-01", "死亡")


def test_a_change_in_the_registry_form_is_recorded_as_a_correction(client, users, county):
    lisi = county.people["lisi"]
    client.force_login(users["township_a"])
    response = client.post(reverse("people:member_status", args=[lisi.pk]),
                           {"status": "deceased", "status_changed_on": "2025-02-01"})
    assert response.status_code == 302
    assert history(client, lisi) == [("correction", False)]
    assert client.get(f"/api/membership/people/{lisi.pk}/standing").json()["changes"][0]["status_after"] == "deceased"


def test_nothing_is_seen_or_changed_across_townships(client, users, county):
    wangwu = county.people["wangwu"]
    client.force_login(users["township_b"])
    assert record(client, wangwu, kind="lose_contact", on="2025-01-05").status_code == 302
    client.force_login(users["township_a"])
    assert client.get(standing_url(wangwu)).status_code == 404
    assert record(client, wangwu, kind="lose_contact").status_code == 404
    assert client.get(f"/api/membership/people/{wangwu.pk}/standing").status_code == 404
    assert client.post(f"/api/membership/people/{wangwu.pk}/standing", {"kind": "restore"},
                       content_type="application/json").status_code == 404
    assert "王五" not in client.get(reverse("membership:changes"), **ZH).content.decode()
    assert client.get("/api/membership/changes").json()["count"] == 0
    client.force_login(users["inspector"])  # read-only: sees township A's standing, records nothing
    lisi = county.people["lisi"]
    page = client.get(standing_url(lisi), **ZH).content.decode()
    assert 'id="standing-form"' not in page


def test_a_probationer_made_full_in_the_registry_is_recorded_as_made_full(client, users, probationer):
    """Another path that converts (the registry's API here; the development case's last stage in practice) leaves
    the conversion in the history as such, not as a correction."""
    client.force_login(users["township_a"])
    member_id = client.get(f"/api/people/{probationer.pk}").json()["membership"]["id"]
    response = client.patch(f"/api/members/{member_id}", {"category": "full", "full_on": "2025-06-02"},
                            content_type="application/json")
    assert response.status_code == 200
    (change,) = client.get(f"/api/membership/people/{probationer.pk}/standing").json()["changes"]
    assert (change["kind"], change["on"], change["category_before"]) == ("make_full", "2025-06-02", "probationary")

"""Transfers (组织关系转接) as two townships run them through the pages and the API: one held then received, one sent
back, one received after its receipt went overdue (the duties engine's to-do and escalation), a letter out of the
system printed and its receipt recorded, dues behind needing confirmation, one open transfer per member, and each
side seeing its half only."""
import datetime
import io
import re
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from kernel.core import clock

D = datetime.date
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture(autouse=True)
def installed(shipped):
    """The shipped rules, for every test here (the conftest's ``shipped``)."""


def issue(client, person, **data):
    body = {"kind": "within", "dues_paid_to": "2025-05", "valid_days": 30, **data}
    return client.post(f"/api/membership/people/{person.pk}/transfers", body, content_type="application/json")


def act(client, transfer_id, action, **data):
    return client.post(f"/api/membership/transfers/{transfer_id}/{action}", data, content_type="application/json")


def member_names(client) -> set[str]:
    """The names in the member list the user sees (members in good standing), through the API."""
    return {row["person"]["name"] for row in client.get("/api/members", {"limit": 200}).json()["items"]
            if row["status"] == "active"}


def test_held_then_received_the_member_counted_at_the_sender_until_then(client, users, county):
    zhang = county.people["zhangsan"]
    client.force_login(users["township_a"])
    response = issue(client, zhang, to_org=county.village_b1.pk)
    assert response.status_code == 201, response.content
    transfer = response.json()
    assert transfer["status"] == "issued" and transfer["in_transit"] and transfer["receipt_due_on"] == "2025-07-16"
    assert transfer["serial"].endswith("-2025-0001")
    assert "张三" in member_names(client)  # still counted here while in transit
    person_page = client.get(reverse("people:person_detail", args=[zhang.pk]), **ZH).content.decode()
    assert f"转接中：转往{county.village_b1.name}" in person_page
    assert issue(client, zhang, to_org=county.village_a2.pk).status_code == 422  # one open transfer at a time

    client.force_login(users["township_b"])
    incoming = client.get(reverse("membership:transfers") + "?direction=in", **ZH).content.decode()
    assert "张三" in incoming
    assert client.get(reverse("people:person_detail", args=[zhang.pk])).status_code == 404  # its half only
    assert "张三" not in member_names(client)
    assert act(client, transfer["id"], "hold", reason="").status_code == 422
    assert act(client, transfer["id"], "hold", reason="待核实党费缴纳情况").json()["status"] == "held"
    assert act(client, transfer["id"], "cancel", reason="误开").status_code in (403, 404)  # the sender's act
    page = client.post(reverse("membership:transfer_action", args=[transfer["id"], "accept"]), {"on": "2025-06-16"},
                       **ZH)
    assert page.status_code == 302
    assert "张三" in member_names(client)
    client.force_login(users["township_a"])
    assert "张三" not in member_names(client)
    done = client.get(f"/api/membership/transfers/{transfer['id']}").json()
    assert (done["status"], done["accepted_on"], done["receipt_state"]) == ("accepted", "2025-06-16", "done")


def test_sent_back_the_member_stays(client, users, county):
    chen = county.people["chen"]
    client.force_login(users["township_a"])
    transfer = issue(client, chen, to_org=county.village_b1.pk).json()
    client.force_login(users["township_b"])
    back = act(client, transfer["id"], "return", reason="查无此人在本村居住")
    assert back.json()["status"] == "returned" and back.json()["receipt_state"] == "waived"
    client.force_login(users["township_a"])
    assert "陳小紅" in member_names(client)
    page = client.get(reverse("membership:transfer", args=[transfer["id"]]), **ZH).content.decode()
    assert "查无此人在本村居住" in page and 'data-status="returned"' in page


def test_a_receipt_gone_overdue_is_on_the_receivers_to_do_until_received(client, users, county):
    """王五 moves from township B's village to 陈家村 (village A1), whose branch secretary owes the receipt."""
    wangwu = county.people["wangwu"]
    client.force_login(users["township_b"])
    with clock.today_is(D(2025, 5, 2)):
        transfer = issue(client, wangwu, to_org=county.village_a1.pk, dues_paid_to="2025-04").json()
    assert transfer["receipt_due_on"] == "2025-06-01"
    call_command("daily", "--today", "2025-06-16", "--only", "duties", stdout=io.StringIO())  # as cron runs it
    client.force_login(users["branch_a1"])
    todo = client.get("/api/duties/todo").json()["items"]
    receipt = [item for item in todo if item["title"].startswith("组织关系转接回执")]
    assert receipt and receipt[0]["overdue_days"] == 15
    assert act(client, transfer["id"], "accept", on="2025-06-16").json()["receipt_state"] == "late"
    assert not [item for item in client.get("/api/duties/todo").json()["items"]
                if item["title"].startswith("组织关系转接回执")]
    assert "王五" in member_names(client)


def test_a_letter_out_of_the_system_printed_then_its_receipt_recorded(client, users, county, tmp_path):
    wangwu = county.people["wangwu"]
    client.force_login(users["township_b"])
    url = reverse("membership:transfer_issue", args=[wangwu.pk])
    form = {"kind": "out", "to_code": "", "outside_name": "中共广东省深圳市某科技有限公司委员会",
            "dues_paid_to": "2025-02", "valid_days": "30", "note": "", "confirm": ""}
    page = client.post(url, form, **ZH).content.decode()
    assert 'id="transfer-preview"' in page and "2025-03" in page  # dues owed since March: confirm first
    assert client.get("/api/membership/transfers").json()["count"] == 0
    response = client.post(url, {**form, "confirm": "True"}, **ZH)
    transfer_url = response["Location"]
    transfer_id = int(re.search(r"/transfers/(\d+)/", transfer_url).group(1))
    pdf = client.get(reverse("membership:transfer_letter", args=[transfer_id]))
    assert pdf["Content-Type"] == "application/pdf"
    (tmp_path / "letter.pdf").write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "letter.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert text.count("中国共产党党员组织关系介绍信") == 3 and "贰零贰伍年贰月" in text and wangwu.id_number in text
    pages = subprocess.run(["pdfinfo", str(tmp_path / "letter.pdf")], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+1\n", pages)  # the three parts on one sheet, to cut
    artifacts = Path(__file__).resolve().parents[3] / "test-artifacts"  # for a person to look at
    artifacts.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-singlefile", str(tmp_path / "letter.pdf"),
                    str(artifacts / "membership-transfer-letter")], check=True)
    assert (artifacts / "membership-transfer-letter.png").stat().st_size > 10_000
    assert client.post(reverse("membership:transfer_action", args=[transfer_id, "receipt"]),
                       {"on": "2025-06-16"}).status_code == 302
    assert "王五" not in member_names(client)
    person = client.get(f"/api/people/{wangwu.pk}").json()
    assert person["membership"]["status"] == "transferred_out"


def test_a_member_in_from_outside_and_the_scope_of_each_half(client, users, county):
    zhang = county.people["zhangsan"]
    client.force_login(users["township_a"])
    response = client.post(reverse("membership:transfer_in", args=[zhang.pk]), {
        "outside_name": "中共湖北省武汉市某街道委员会", "serial": "鄂组〔2025〕117号", "issued_on": "2025-06-01",
        "on": "2025-06-10", "dues_paid_to": "2025-05", "note": ""})
    assert response.status_code == 302
    listed = client.get("/api/membership/transfers").json()["items"]
    assert [(t["kind"], t["status"], t["serial"]) for t in listed] == [("in", "accepted", "鄂组〔2025〕117号")]
    client.force_login(users["township_b"])
    assert client.get("/api/membership/transfers").json()["count"] == 0
    assert client.get(f"/api/membership/transfers/{listed[0]['id']}").status_code == 404
    client.force_login(users["inspector"])
    assert act(client, listed[0]["id"], "cancel", reason="x").status_code in (403, 404, 422)

"""Party dues through the pages and the API: a branch's year (陳家村, 2025) with a base changed in June, an
exemption decided by the branch and approved by the township, payments tapped and imported from a workbook,
arrears, the 党费收缴花名册 printed and exported, a new version of the bands, bad input refused with nothing
written, and each township seeing only its own."""
import datetime
import io
import subprocess
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from kernel.core import clock

D = datetime.date
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
MONTHS = [f"2025-{n:02d}" for n in range(1, 13)]


@pytest.fixture(autouse=True)
def today(shipped):
    """The year is over: 15 January 2026 (the shipped rules and bands installed)."""
    with clock.today_is(D(2026, 1, 15)):
        yield


def ledger(client, org, month):
    return client.get("/api/membership/dues/ledger", {"organization": org.pk, "month": month}).json()


def line_of(data, name):
    (line,) = [line for line in data["lines"] if line["person"]["name"] == name]
    return line


def set_base(client, person, **form):
    return client.post(reverse("membership:dues_member", args=[person.pk]), {"action": "base", **form}, **ZH)


def workbook(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["编号", "姓名", "月份", "金额", "交纳日期", "代交人"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "dues.xlsx"
    return buffer


def test_a_branch_year_of_dues(client, users, county, tmp_path):
    zhang, chen, village = county.people["zhangsan"], county.people["chen"], county.village_a1
    client.force_login(users["branch_a1"])
    # bases: 张三 employed at 2,800 (0.5 %: 14.00), 4,200 from June (1 %: 42.00); 陳小紅 retired on 5,200 (1 %)
    assert set_base(client, zhang, payer_kind="employed", amount="2800", from_month="2025-01").status_code == 302
    assert set_base(client, zhang, payer_kind="employed", amount="4200", from_month="2025-06").status_code == 302
    response = set_base(client, chen, payer_kind="farmer", amount="5", from_month="2025-01")
    assert "农民" in response.content.decode() and "0.20" in response.content.decode()  # out of the band: refused
    assert set_base(client, chen, payer_kind="retired", amount="5200", from_month="2025-01").status_code == 302
    # the branch decides an exemption for September to December; it does not count until the township approves
    response = client.post(reverse("membership:dues_member", args=[chen.pk]), {
        "action": "relief", "kind": "exempt", "from_month": "2025-09", "to_month": "2025-12",
        "reason": "因病住院，家庭困难", "branch_decision": "支部委员会 2025-08-20", "decided_on": "2025-08-20"}, **ZH)
    assert response.status_code == 302
    (relief,) = client.get("/api/membership/dues/reliefs", {"status": "proposed"}).json()["items"]
    assert client.post(f"/api/membership/dues/reliefs/{relief['id']}/approve", {},
                       content_type="application/json").status_code == 404  # a branch cannot approve its own
    # every month's ledger opened from the page; 张三 taps paid January to November
    for month in MONTHS:
        page = client.get(reverse("membership:dues_ledger", args=[village.pk, month]), **ZH).content.decode()
        assert 'id="open-month"' in page
        client.post(reverse("membership:dues_ledger", args=[village.pk, month]), {"action": "open"})
    for month in MONTHS[:11]:
        line = line_of(ledger(client, village, month), "张三")
        response = client.post(reverse("membership:dues_ledger", args=[village.pk, month]),
                               {"action": "pay", "line": line["id"], "paid_on": f"{month}-20"}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200 and 'data-settled="1"' in response.content.decode()
    assert [line_of(ledger(client, village, m), "张三")["owed"] for m in ("2025-05", "2025-06")] == ["14.00", "42.00"]
    # 陳小紅's January to June come in a workbook, her husband paying March; a bad row first refuses it all
    rows = [[chen.pk, "陳小紅", m, None, f"{m}-25", "王大明" if m == "2025-03" else None] for m in MONTHS[:6]]
    bad = client.post(reverse("membership:dues_ledger", args=[village.pk, "2025-06"]), {
        "action": "import", "workbook": workbook(rows + [[None, "查无此人", "2025-06", 52, "2025-06-25", None],
                                                        [chen.pk, "陳小紅", "2025-13", 52, None, None]])}, **ZH)
    page = bad.content.decode()
    assert "第 8 行" in page and "第 9 行" in page and "什么也没有导入" in page
    assert line_of(ledger(client, village, "2025-01"), "陳小紅")["paid"] == "0.00"  # nothing written
    good = client.post(reverse("membership:dues_ledger", args=[village.pk, "2025-06"]),
                       {"action": "import", "workbook": workbook(rows)})
    assert good.status_code == 302
    march = line_of(ledger(client, village, "2025-03"), "陳小紅")
    assert march["paid"] == "52.00" and march["paid_by"] == "王大明"
    # the township approves the exemption: September to December owe nothing
    client.force_login(users["township_a"])
    assert client.post(f"/api/membership/dues/reliefs/{relief['id']}/approve", {"note": "同意"},
                       content_type="application/json").json()["status"] == "approved"
    assert line_of(ledger(client, village, "2025-10"), "陳小紅")["owed"] == "0.00"
    # arrears: 张三's December (42.00), 陳小紅's July and August (104.00)
    arrears = {row["person"]["name"]: row for row in client.get("/api/membership/dues/arrears").json()["items"]}
    assert (arrears["张三"]["months"], arrears["张三"]["behind"]) == (1, "42.00")
    assert (arrears["陳小紅"]["months"], arrears["陳小紅"]["since"], arrears["陳小紅"]["behind"]) == (2, "2025-07",
                                                                                                       "104.00")
    assert "104.00" in client.get(reverse("membership:dues_arrears"), **ZH).content.decode()
    person = client.get(f"/api/membership/dues/people/{chen.pk}", {"year": 2025}).json()
    assert person["paid_up_to"] == "2025-06"
    # the roster of the year: 14×5 + 42×6 = 322 for 张三, 52×6 = 312 for 陳小紅
    xlsx = client.get(reverse("membership:dues_roster", args=[village.pk, 2025, "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    values = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert Decimal(str(values["张三"][14])) == Decimal("322") and Decimal(str(values["陳小紅"][14])) == Decimal("312")
    assert Decimal(str(values["陳小紅"][15])) == Decimal("104")
    pdf = client.get(reverse("membership:dues_roster", args=[village.pk, 2025, "pdf"]), **ZH)
    assert pdf["Content-Type"] == "application/pdf"
    path = tmp_path / "roster.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    assert "党费收缴花名册" in text and "陳家村党支部" in text and "322.00" in text and "634.00" in text
    # the overview of the county's December
    client.force_login(users["county"])
    page = client.get(reverse("membership:dues"), {"month": "2025-12"}, **ZH).content.decode()
    assert "陳家村党支部" in page and "50.0%" in page


def test_the_bands_change_from_a_month_on_and_past_months_keep_theirs(client, users, county):
    zhang, village = county.people["zhangsan"], county.village_a1
    client.force_login(users["branch_a1"])
    set_base(client, zhang, payer_kind="employed", amount="4200", from_month="2025-01")
    for month in ("2025-12", "2026-01", "2026-02"):
        client.post(reverse("membership:dues_ledger", args=[village.pk, month]), {"action": "open"})
    assert client.get(reverse("membership:dues_bands")).content.decode().count('name="valid_from"') == 0  # no right
    client.force_login(users["county"])
    form = {"owner": county.county.pk, "valid_from": "2026-02", "note": "县委组织部调整",
            "farmer-minimum": "0.2", "farmer-maximum": "1", "basic-minimum": "0.2", "basic-maximum": "0.2"}
    for kind in ("employed", "annual_salary", "self_employed"):
        form.update({f"{kind}-0-upto": "3000", f"{kind}-0-rate": "0.5", f"{kind}-1-upto": "5000",
                     f"{kind}-1-rate": "1.2", f"{kind}-2-upto": "10000", f"{kind}-2-rate": "1.5", f"{kind}-3-rate": "2"})
    form.update({"retired-0-upto": "5000", "retired-0-rate": "0.5", "retired-1-rate": "1"})
    refused = client.post(reverse("membership:dues_bands"), {**form, "valid_from": "2025-11"}, **ZH)
    assert "本月或以后" in refused.content.decode()
    broken = client.post(reverse("membership:dues_bands"), {**form, "employed-1-upto": "2000"}, **ZH)
    assert 'id="bands-errors"' in broken.content.decode()
    assert client.post(reverse("membership:dues_bands"), form).status_code == 200  # its preview first
    assert client.post(reverse("membership:dues_bands"), {**form, "confirm": "on"}).status_code == 302
    owed = [line_of(ledger(client, village, m), "张三")["owed"] for m in ("2025-12", "2026-01", "2026-02")]
    assert owed == ["42.00", "42.00", "50.40"]
    bands = client.get("/api/membership/dues/bands", {"month": "2026-02"}).json()
    assert bands["version"] == 2 and bands["valid_from"] == "2026-02"


def test_bad_input_is_refused_and_each_township_sees_its_own(client, users, county):
    zhang, village = county.people["zhangsan"], county.village_a1
    client.force_login(users["branch_a1"])
    page = set_base(client, zhang, payer_kind="employed", amount="abc", from_month="2025-1").content.decode()
    assert "YYYY-MM" in page
    response = client.post(reverse("membership:dues_member", args=[zhang.pk]), {
        "action": "relief", "kind": "reduce", "from_month": "2025-09", "to_month": "2025-08", "reason": "",
        "branch_decision": "", "decided_on": "2025-08-20"}, **ZH)
    assert response.status_code == 200
    assert client.get(f"/api/membership/dues/people/{zhang.pk}").json()["reliefs"] == []
    response = client.post(f"/api/membership/dues/people/{zhang.pk}/payments", {"months": ["2025-12"]},
                           content_type="application/json", **ZH)
    assert response.status_code == 422 and "没有登记交纳基数" in response.json()["message"]  # no base: no amount owed
    client.post(reverse("membership:dues_ledger", args=[village.pk, "2025-12"]), {"action": "open"})
    client.force_login(users["township_b"])
    assert client.get(reverse("membership:dues_ledger", args=[village.pk, "2025-12"])).status_code == 404
    assert client.get(reverse("membership:dues_member", args=[zhang.pk])).status_code == 404
    assert client.get("/api/membership/dues/ledger", {"organization": village.pk, "month": "2025-12"}).status_code == 404
    assert "陳家村党支部" not in client.get(reverse("membership:dues"), {"month": "2025-12"}).content.decode()


def test_months_paid_ahead_are_kept_when_the_months_are_opened(client, users, county):
    """A member going away pays a quarter ahead before those months' ledgers are opened; opening them later (on
    PostgreSQL each month then gets its own partition of the ledger) keeps the payments, writes one line per
    member, and opening a month again writes nothing."""
    zhang, chen, village = county.people["zhangsan"], county.people["chen"], county.village_a1
    client.force_login(users["branch_a1"])
    assert set_base(client, zhang, payer_kind="employed", amount="4200", from_month="2025-06").status_code == 302
    assert set_base(client, chen, payer_kind="retired", amount="5200", from_month="2025-06").status_code == 302
    ahead = ["2026-01", "2026-02", "2026-03"]
    response = client.post(f"/api/membership/dues/people/{zhang.pk}/payments",
                           {"months": ahead, "paid_on": "2026-01-10"}, content_type="application/json")
    assert response.status_code == 201 and [line["paid"] for line in response.json()] == ["42.00"] * 3
    for month in ahead[:2]:
        client.post(reverse("membership:dues_ledger", args=[village.pk, month]), {"action": "open"})
    before = {m: ledger(client, village, m)["lines"] for m in ahead[:2]}
    for month in ahead[:2]:
        client.post(reverse("membership:dues_ledger", args=[village.pk, month]), {"action": "open"})  # again
        lines = ledger(client, village, month)["lines"]
        assert lines == before[month]
        names = [line["person"]["name"] for line in lines]
        assert len(names) == len(set(names)) and {"张三", "陳小紅"} <= set(names)
        assert (line_of({"lines": lines}, "张三")["paid"], line_of({"lines": lines}, "陳小紅")["paid"]) == (
            "42.00", "0.00")
        assert line_of({"lines": lines}, "陳小紅")["owed"] == "52.00"
    # March, not opened yet, holds only the line paid ahead; it is still there when March is opened
    assert [line["person"]["name"] for line in ledger(client, village, "2026-03")["lines"]] == ["张三"]
    client.post(reverse("membership:dues_ledger", args=[village.pk, "2026-03"]), {"action": "open"})
    march = ledger(client, village, "2026-03")["lines"]
    assert line_of({"lines": march}, "张三")["paid"] == "42.00" and len(march) == len(before["2026-01"])
    person = client.get(f"/api/membership/dues/people/{zhang.pk}", {"year": 2026}).json()
    assert person["paid_up_to"] == "2026-03"
    # a rise from February (6,000: 1.5 %), then last year's January base entered late (2,000: 0.5 %): each month
    # opened afterwards owes under the base in force that month, and February's line paid ahead is owed again
    assert set_base(client, zhang, payer_kind="employed", amount="6000", from_month="2026-02").status_code == 302
    assert set_base(client, zhang, payer_kind="employed", amount="2000", from_month="2025-01").status_code == 302
    for month in ("2025-03", "2025-07"):
        client.post(reverse("membership:dues_ledger", args=[village.pk, month]), {"action": "open"})
    owed = {m: line_of(ledger(client, village, m), "张三")["owed"] for m in ("2025-03", "2025-07", "2026-01",
                                                                            "2026-02")}
    assert owed == {"2025-03": "10.00", "2025-07": "42.00", "2026-01": "42.00", "2026-02": "90.00"}
    bases = client.get(f"/api/membership/dues/people/{zhang.pk}").json()["bases"]
    assert sorted(base["from_month"][:7] for base in bases) == ["2025-01", "2025-06", "2026-02"]

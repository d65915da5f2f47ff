"""A new version of the dues bands is a bulk change (issue 18): the county's form shows what it changes first (per
band, the members whose monthly amount changes and by how much in all, the ledger lines already opened that are owed
again), then the confirmation; a version saved by mistake is withdrawn (before a month it priced is paid) and the
lines go back to the version before. Through the pages and the API, from the county built the documented way with
the shipped bands (MEMBERSHIP.md: employed 3,000–5,000 yuan 1 %, retired above 5,000 yuan 1 %)."""
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from kernel.core import clock

D = datetime.date
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
BANDS_API = "/api/membership/dues/bands"


@pytest.fixture(autouse=True)
def today(shipped):
    """15 January 2026, the shipped rules and bands installed."""
    with clock.today_is(D(2026, 1, 15)):
        yield


def ledger(client, org, month):
    return client.get("/api/membership/dues/ledger", {"organization": org.pk, "month": month}).json()


def owed(client, org, month, name):
    (line,) = [line for line in ledger(client, org, month)["lines"] if line["person"]["name"] == name]
    return line["owed"]


def form(county, **changes):
    """The bands form as the county fills it in: the shipped bands with employed 3,000–5,000 at 1.2 % and retired
    above 5,000 at 1.5 %, from February 2026."""
    data = {"owner": county.county.pk, "valid_from": "2026-02", "note": "县委组织部调整",
            "farmer-minimum": "0.2", "farmer-maximum": "1", "basic-minimum": "0.2", "basic-maximum": "0.2",
            "retired-0-upto": "5000", "retired-0-rate": "0.5", "retired-1-rate": "1.5"}
    for kind in ("employed", "annual_salary", "self_employed"):
        data.update({f"{kind}-0-upto": "3000", f"{kind}-0-rate": "0.5", f"{kind}-1-upto": "5000",
                     f"{kind}-1-rate": "1.2" if kind == "employed" else "1", f"{kind}-2-upto": "10000",
                     f"{kind}-2-rate": "1.5", f"{kind}-3-rate": "2"})
    data.update(changes)
    return data


def api_bands(rate_employed="1.2", rate_retired="1.5"):
    bands = [{"payer_kind": "farmer", "minimum": "0.2", "maximum": "1"},
             {"payer_kind": "basic", "minimum": "0.2", "maximum": "0.2"},
             {"payer_kind": "retired", "upto": "5000", "rate": "0.5"}, {"payer_kind": "retired", "rate": rate_retired}]
    for kind in ("employed", "annual_salary", "self_employed"):
        bands += [{"payer_kind": kind, "upto": "3000", "rate": "0.5"},
                  {"payer_kind": kind, "upto": "5000", "rate": rate_employed if kind == "employed" else "1"},
                  {"payer_kind": kind, "upto": "10000", "rate": "1.5"}, {"payer_kind": kind, "rate": "2"}]
    return bands


def figure(page: str, name: str) -> str:
    start = page.index(f'data-figure="{name}">') + len(f'data-figure="{name}">')
    return page[start:page.index("<", start)].strip()


@pytest.fixture
def ledgers(client, users, county):
    """陳家村's branch records the bases (张三 employed on 4,200 yuan: 42.00 a month; 陳小紅 retired on a 5,200
    yuan pension: 52.00) and opens December, January and February."""
    zhang, chen, village = county.people["zhangsan"], county.people["chen"], county.village_a1
    client.force_login(users["branch_a1"])
    for person, kind, amount in ((zhang, "employed", "4200"), (chen, "retired", "5200")):
        response = client.post(reverse("membership:dues_member", args=[person.pk]),
                               {"action": "base", "payer_kind": kind, "amount": amount, "from_month": "2025-01"})
        assert response.status_code == 302
    for month in ("2025-12", "2026-01", "2026-02"):
        client.post(reverse("membership:dues_ledger", args=[village.pk, month]), {"action": "open"})
    assert [owed(client, village, "2026-02", name) for name in ("张三", "陳小紅")] == ["42.00", "52.00"]
    return village


def test_a_new_version_is_previewed_then_confirmed_then_withdrawn(client, users, county, ledgers):
    village = ledgers
    client.force_login(users["county"])
    # the form: a preview first, nothing saved
    preview = client.post(reverse("membership:dues_bands"), form(county), **ZH)
    page = preview.content.decode()
    assert preview.status_code == 200 and 'id="bands-preview"' in page and 'id="confirm-form"' in page
    assert "5000 元以下（含）：1%" in page and "5000 元以下（含）：1.2%" in page  # the employed bracket, before and after
    assert page.count('class="table-warning"') == 2  # employed and retired changed, the other kinds not
    # 张三 42.00 → 50.40 (+8.40), 陳小紅 52.00 → 78.00 (+26.00): two members, 34.40 yuan a month more in all
    assert figure(page, "members_changed") == "2"
    assert "34.40" in page[page.index('data-figure="monthly_change"'):][:80]
    assert figure(page, "lines_repriced") == "2"  # February's two lines; December and January keep theirs
    assert client.get(BANDS_API, {"month": "2026-02"}).json()["version"] == 1
    assert owed(client, village, "2026-02", "张三") == "42.00"
    # back to the form: what was typed is still there
    back = client.post(reverse("membership:dues_bands"), {**form(county), "action": "edit"}, **ZH).content.decode()
    assert 'name="employed-1-rate" inputmode="decimal" placeholder="%" aria-label' in back
    assert 'value="1.2"' in back and 'value="县委组织部调整"' in back
    # confirmed: February is owed again under version 2, the months before keep theirs
    response = client.post(reverse("membership:dues_bands"), {**form(county), "confirm": "on"})
    assert response.status_code == 302
    assert [owed(client, village, m, "张三") for m in ("2025-12", "2026-01", "2026-02")] == ["42.00", "42.00", "50.40"]
    assert owed(client, village, "2026-02", "陳小紅") == "78.00"
    versions = client.get(f"{BANDS_API}/versions").json()
    assert [(v["version"], v["valid_from"], v["withdrawn_on"]) for v in versions] == [(2, "2026-02", None),
                                                                                      (1, "2008-04", None)]
    # the withdrawal: its preview, a reason required, then back to version 1
    bands_page = client.get(reverse("membership:dues_bands"), **ZH).content.decode()
    withdraw_url = reverse("membership:dues_bands_withdraw", args=[versions[0]["id"]])
    assert withdraw_url in bands_page
    assert reverse("membership:dues_bands_withdraw", args=[versions[1]["id"]]) not in bands_page  # only the latest
    page = client.get(withdraw_url, **ZH).content.decode()
    assert figure(page, "members_changed") == "2" and "-34.40" in page and figure(page, "lines_repriced") == "2"
    refused = client.post(withdraw_url, {"reason": " ", "confirm": "on"}, **ZH)
    assert refused.status_code == 422 and 'id="withdraw-errors"' in refused.content.decode()
    assert owed(client, village, "2026-02", "张三") == "50.40"
    assert client.post(withdraw_url, {"reason": "比例录错", "confirm": "on"}).status_code == 302
    assert [owed(client, village, "2026-02", name) for name in ("张三", "陳小紅")] == ["42.00", "52.00"]
    assert client.get(BANDS_API, {"month": "2026-02"}).json()["version"] == 1
    versions = client.get(f"{BANDS_API}/versions").json()
    assert versions[0]["withdrawn_on"] == "2026-01-15" and versions[0]["withdraw_reason"] == "比例录错"
    assert "比例录错" in client.get(reverse("membership:dues_bands"), **ZH).content.decode()
    # withdrawn once is enough
    assert client.post(withdraw_url, {"reason": "again", "confirm": "on"}).status_code == 302
    assert client.get(f"{BANDS_API}/versions").json()[0]["withdrawn_on"] == "2026-01-15"


def test_the_api_previews_confirms_and_refuses_a_withdrawal_once_paid(client, users, county, ledgers):
    village, zhang = ledgers, county.people["zhangsan"]
    client.force_login(users["county"])
    body = {"owner": county.county.pk, "valid_from": "2026-02", "bands": api_bands()}
    preview = client.post(f"{BANDS_API}/preview", body, content_type="application/json").json()
    assert (preview["members_changed"], preview["members_up"], preview["monthly_change"]) == (2, 2, "34.40")
    assert (preview["lines_repriced"], preview["months"], preview["version"]) == (2, ["2026-02"], 2)
    assert preview["replaces"]["version"] == 1
    assert [row["payer_kind"] for row in preview["bands"] if row["changed"]] == ["employed", "retired"]
    needs = client.post(BANDS_API, body, content_type="application/json")
    assert needs.status_code == 409 and needs.json()["code"] == "confirmation_required"
    assert needs.json()["members_changed"] == 2
    assert client.get(BANDS_API, {"month": "2026-02"}).json()["version"] == 1  # nothing written
    created = client.post(BANDS_API, {**body, "confirm": True}, content_type="application/json")
    assert created.status_code == 201 and created.json()["version"] == 2
    assert owed(client, village, "2026-02", "张三") == "50.40"
    schedule = created.json()["id"]
    # the same bands again: nothing to change
    same = client.post(f"{BANDS_API}/preview", {**body, "valid_from": "2026-03"}, content_type="application/json",
                       **ZH)
    assert same.status_code == 422
    # the withdrawal's preview (409), then paid February makes it impossible
    needs = client.post(f"{BANDS_API}/{schedule}/withdraw", {"reason": "录错"}, content_type="application/json")
    assert needs.status_code == 409 and needs.json()["monthly_change"] == "-34.40"
    client.force_login(users["branch_a1"])
    paid = client.post(f"/api/membership/dues/people/{zhang.pk}/payments", {"months": ["2026-02"]},
                       content_type="application/json")
    assert paid.status_code == 201 and paid.json()[0]["paid"] == "50.40"
    assert client.post(f"{BANDS_API}/{schedule}/withdraw", {"reason": "录错", "confirm": True},
                       content_type="application/json").status_code == 404  # a branch does not set the bands
    client.force_login(users["county"])
    refused = client.post(f"{BANDS_API}/{schedule}/withdraw", {"reason": "录错", "confirm": True},
                          content_type="application/json")
    assert refused.status_code == 422
    assert client.get(BANDS_API, {"month": "2026-02"}).json()["version"] == 2
    page = client.get(reverse("membership:dues_bands_withdraw", args=[schedule]), follow=True, **ZH)
    assert page.redirect_chain and owed(client, village, "2026-02", "张三") == "50.40"


def test_bad_bands_and_months_are_refused_with_nothing_lost(client, users, county, ledgers):
    client.force_login(users["county"])
    broken = client.post(reverse("membership:dues_bands"), form(county, **{"employed-1-upto": "2000"}), **ZH)
    page = broken.content.decode()
    assert broken.status_code == 422 and 'id="bands-errors"' in page and 'value="2000"' in page
    past = client.post(reverse("membership:dues_bands"), form(county, valid_from="2025-11"), **ZH)
    assert past.status_code == 422 and "本月或以后" in past.content.decode()
    bad_month = client.post(f"{BANDS_API}/preview", {"owner": county.county.pk, "valid_from": "2026-2x",
                                                     "bands": api_bands()}, content_type="application/json", **ZH)
    assert bad_month.status_code == 422 and "YYYY-MM" in bad_month.json()["message"]
    missing = client.post(BANDS_API, {"owner": county.county.pk, "valid_from": "2026-02", "bands": [],
                                      "confirm": True}, content_type="application/json")
    assert missing.status_code == 422
    assert [v["version"] for v in client.get(f"{BANDS_API}/versions").json()] == [1]
    # a township neither previews nor saves the county's bands
    client.force_login(users["township_a"])
    assert 'name="valid_from"' not in client.get(reverse("membership:dues_bands")).content.decode()
    response = client.post(BANDS_API, {"owner": county.county.pk, "valid_from": "2026-02", "bands": api_bands(),
                                       "confirm": True}, content_type="application/json")
    assert response.status_code in (403, 404)
    version = client.get(f"{BANDS_API}/versions").json()[0]["id"]
    assert client.get(reverse("membership:dues_bands_withdraw", args=[version])).status_code == 404


def test_the_home_panel_shows_the_overviews_figures(client, users, county, ledgers):
    zhang = county.people["zhangsan"]
    client.force_login(users["county"])
    paid = client.post(f"/api/membership/dues/people/{zhang.pk}/payments", {"months": ["2025-12", "2026-01"]},
                       content_type="application/json")
    assert paid.status_code == 201
    panel = client.get(reverse("core:home_panel", args=["membership.dues"]), **ZH).content.decode()
    overview = reverse("membership:dues")
    for month in ("2025-12", "2026-01"):
        assert f"{overview}?month={month}" in panel
        page = client.get(overview, {"month": month}, **ZH).content.decode()
        assert figure(page, "rate") == "50.0%"  # 张三 paid, 陳小紅 not: the panel's figure is the page's
    assert panel.count("50.0%") >= 2
    assert reverse("membership:dues_arrears") in panel and reverse("membership:dues_bands") in panel
    # the workbook of the panel's table, read back
    response = client.get(reverse("core:home_panel_xlsx", args=["membership.dues"]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert ("2026-01", 2) == tuple(next(row for row in rows if row[0] == "2026-01")[:2])
    # a branch secretary has no such panel; another township sees none of 陳家村's dues
    client.force_login(users["township_b"])
    assert "50.0%" not in client.get(reverse("core:home_panel", args=["membership.dues"])).content.decode()

"""Responsibility letters (责任状) as a county and its townships run them through the API and the pages: the county's
letters to its townships with their targets (a preview, then confirmed), each township's letters to its villages
with the county's targets copied down and adjusted, the signing duty (done, late, overdue), the figures reached,
the year-end check through the standards engine with its grades and consequences (a failed letter bars the 优秀
grade, read by another standard through the data source ``letters.accepted``), the check withdrawn, the list and
its workbook, the home panel, each township seeing its own, and bad input refused with nothing written."""
import datetime
import io
import json

import openpyxl
import pytest
from django.urls import reverse

from kernel.core import clock

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
TARGETS = [{"text": "“五个好”村党组织达标率", "measure": "%", "target": "80", "weight": "3"},
           {"text": "消除集体经济空壳村", "measure": "个", "target": "4", "weight": "2"},
           {"text": "培训党员干部", "measure": "人次", "target": "300", "weight": "1"}]


def post_json(client, url, body, method="post"):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def issue(client, **body):
    return post_json(client, "/api/letters/issue", body)


def letters(client, **query) -> list[dict]:
    response = client.get("/api/letters/letters", query)
    assert response.status_code == 200, response.content
    return response.json()["items"]


def by_org(rows) -> dict:
    return {row["organization"]["name"]: row for row in rows}


@pytest.fixture
def issued(client, users, county):
    """The county's letters of 2025 to its two townships, and township A's to its two villages (targets copied down,
    one adjusted), through the API."""
    client.force_login(users["county"])
    body = {"issuer": county.county.pk, "year": 2025, "due_on": "2025-03-31", "targets": TARGETS}
    preview = issue(client, **body)
    assert preview.status_code == 409, preview.content
    assert preview.json()["recipients"] == ["甲镇党委", "乙镇党委"] and len(preview.json()["targets"]) == 3
    assert letters(client, year=2025) == []  # nothing written before the confirmation
    done = issue(client, **body, confirm=True)
    assert done.status_code == 201, done.content
    client.force_login(users["township_a"])
    down = issue(client, issuer=county.township_a.pk, year=2025, due_on="2025-04-15", confirm=True)
    assert down.status_code == 201, down.content
    return by_org(down.json())


def test_letters_down_two_levels_with_the_template_copied(client, users, county, issued):
    assert set(issued) == {"陳家村党支部", "李家村党支部"}
    a1 = issued["陳家村党支部"]
    assert [(t["text"], t["target"], t["weight"]) for t in a1["targets"]] == [
        (t["text"], f"{t['target']}.00", f"{t['weight']}.00") for t in TARGETS]
    assert a1["issuer"]["name"] == "甲镇党委" and a1["due_on"] == "2025-04-15"
    adjusted = post_json(client, f"/api/letters/letters/{a1['id']}/targets",
                         {"targets": [*TARGETS[:2], {"text": "发展党员", "measure": "名", "target": "1", "weight": "1"}]},
                         method="put")
    assert adjusted.status_code == 200, adjusted.content
    assert [t["text"] for t in adjusted.json()["targets"]][-1] == "发展党员"
    again = issue(client, issuer=county.township_a.pk, year=2025, due_on="2025-04-15", confirm=True)
    assert again.status_code == 422  # each village has its letter of the year already
    # the county sees all four letters, township B only its own, township A its own and its villages'
    client.force_login(users["county"])
    assert len(letters(client, year=2025)) == 4
    client.force_login(users["township_b"])
    assert [r["organization"]["name"] for r in letters(client, year=2025)] == ["乙镇党委"]
    assert client.get(f"/api/letters/letters/{a1['id']}").status_code == 404
    client.force_login(users["township_a"])
    own = by_org(letters(client, year=2025))["甲镇党委"]
    refused = post_json(client, f"/api/letters/letters/{own['id']}/targets", {"targets": TARGETS}, method="put")
    assert refused.status_code in (403, 404)  # the county's letter is the county's to adjust


def test_the_signing_duty_done_late_and_overdue(client, users, county, issued):
    client.force_login(users["county"])
    rows = by_org(letters(client, year=2025))
    assert {name: (row["status"], row["duty_state"]) for name, row in rows.items()} == {
        "甲镇党委": ("unsigned", "open"), "乙镇党委": ("unsigned", "open"), "陳家村党支部": ("unsigned", "open"),
        "李家村党支部": ("unsigned", "open")}
    clock.set_today(datetime.date(2025, 6, 16))
    assert {row["status"] for row in letters(client, year=2025)} == {"overdue"}
    clock.set_today(datetime.date(2025, 3, 20))
    client.force_login(users["township_a"])
    signed = post_json(client, f"/api/letters/letters/{rows['甲镇党委']['id']}/sign",
                       {"signed_on": "2025-03-20", "signer": "甲镇党委书记"})
    assert signed.status_code == 200, signed.content
    assert (signed.json()["status"], signed.json()["duty_state"]) == ("signed", "done")
    clock.set_today(datetime.date(2025, 6, 10))
    client.force_login(users["branch_a1"])
    late = post_json(client, f"/api/letters/letters/{rows['陳家村党支部']['id']}/sign", {"signed_on": "2025-06-10"})
    assert (late.json()["status"], late.json()["duty_state"]) == ("signed", "late")
    future = post_json(client, f"/api/letters/letters/{rows['李家村党支部']['id']}/sign", {"signed_on": "2025-07-01"})
    assert future.status_code == 404  # village A2 is not the branch secretary's of A1
    clock.set_today(datetime.date(2025, 6, 16))
    client.force_login(users["township_a"])
    future = post_json(client, f"/api/letters/letters/{rows['李家村党支部']['id']}/sign", {"signed_on": "2025-07-01"})
    assert future.status_code == 422
    counts = client.get("/api/letters/counts", {"year": 2025}).json()
    assert (counts["issued"], counts["signed"], counts["overdue"]) == (3, 2, 1)
    page = client.get(reverse("letters:list") + "?year=2025&status=overdue", **ZH).content.decode()
    assert "李家村党支部" in page and "陳家村党支部" not in page.split('id="letters-table"')[1]
    client.force_login(users["county"])
    adjust = post_json(client, f"/api/letters/letters/{rows['甲镇党委']['id']}/targets", {"targets": TARGETS},
                       method="put")
    assert adjust.status_code == 422  # a signed letter's targets stay


def _actuals(client, letter, figures):
    body = {"actuals": [{"target": t["id"], "actual": f} for t, f in zip(letter["targets"], figures, strict=True)]}
    response = post_json(client, f"/api/letters/letters/{letter['id']}/actuals", body)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_year_end_check_grades_and_bars_the_excellent_grade(client, users, county, issued):
    client.force_login(users["county"])
    rows = by_org(letters(client, year=2025))
    clock.set_today(datetime.date(2025, 3, 20))
    client.force_login(users["township_a"])
    post_json(client, f"/api/letters/letters/{rows['甲镇党委']['id']}/sign", {"signed_on": "2025-03-20"})
    clock.set_today(datetime.date(2025, 5, 20))
    client.force_login(users["township_b"])
    post_json(client, f"/api/letters/letters/{rows['乙镇党委']['id']}/sign", {"signed_on": "2025-05-20"})
    clock.set_today(datetime.date(2026, 1, 12))
    client.force_login(users["county"])
    _actuals(client, rows["甲镇党委"], [85, 4, 320])       # all met, signed on time: 90 + 10
    _actuals(client, rows["乙镇党委"], [40, 1, 150])       # (3×0.5 + 2×0.25 + 0.5) / 6 × 90 = 37.5, late: failed
    preview = post_json(client, "/api/letters/checks", {"issuer": county.county.pk, "year": 2025})
    assert preview.status_code == 409, preview.content
    assert {r["organization"]: (r["total"], r["tier"]) for r in preview.json()["rows"]} == {
        "甲镇党委": ("100", "excellent"), "乙镇党委": ("37.5", "failed")}
    assert letters(client, year=2025, status="checked") == []
    done = post_json(client, "/api/letters/checks", {"issuer": county.county.pk, "year": 2025, "reward": "通报表彰",
                                                     "confirm": True})
    assert done.status_code == 201, done.content
    assert (done.json()["letters"], done.json()["failed"], done.json()["excellent"]) == (2, 1, 1)
    rows = by_org(letters(client, year=2025))
    a, b = rows["甲镇党委"], rows["乙镇党委"]
    assert (a["total"], a["tier_name"], a["accepted"], a["consequence"], a["reward"]) == (
        "100.00", "优秀", True, "commended", "通报表彰")
    assert (b["total"], b["tier_name"], b["accepted"], b["consequence"]) == ("37.50", "不合格", False,
                                                                           "bars_excellent")
    # the engine's assessment holds the same totals
    results = client.get(f"/api/standards/assessments/{done.json()['assessment']}/results").json()["items"]
    assert {r["subject"]["name"]: (r["total"], r["tier"]) for r in results} == {
        "甲镇党委": (100.0, "excellent"), "乙镇党委": (37.5, "failed")}
    # another standard of the year (六个好 乡镇党委, say) reads the consequence: the failed letter bars its top tier
    standard = post_json(client, "/api/standards/import", {"owner": county.county.pk, "text": SIX_GOOD})
    assert standard.status_code == 201, standard.content
    assessment = post_json(client, "/api/standards/assessments", {
        "version": standard.json()["id"], "owner": county.county.pk, "name": "2025年六个好乡镇党委",
        "period_kind": "year", "period_start": "2025-01-01", "period_end": "2025-12-31", "period_label": "2025"})
    assert assessment.status_code == 201, assessment.content
    computed = post_json(client, f"/api/standards/assessments/{assessment.json()['id']}/compute", {})
    assert computed.status_code == 200, computed.content
    results = client.get(f"/api/standards/assessments/{assessment.json()['id']}/results").json()["items"]
    assert {r["subject"]["name"]: r["tier"] for r in results} == {"甲镇党委": "excellent", "乙镇党委": "standard"}
    page = client.get(reverse("letters:letter", args=[b["id"]]), **ZH).content.decode()
    assert 'id="letter-consequence"' in page and "text-bg-danger" in page and "2025" in page
    # the failed letters' list and the workbook give the same figure
    assert [r["organization"]["name"] for r in letters(client, year=2025, status="failed")] == ["乙镇党委"]
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(
        client.get(reverse("letters:list_xlsx") + "?year=2025&status=failed").streaming_content)))
    sheet = workbook.active
    assert [c.value for c in sheet[2]][2] == "乙镇党委" and sheet.max_row == 2
    # the check withdrawn: the letters are unchecked again, and may be checked afresh
    check_id = done.json()["id"]
    assert post_json(client, f"/api/letters/checks/{check_id}/withdraw", {"reason": ""}).status_code == 422
    withdrawn = post_json(client, f"/api/letters/checks/{check_id}/withdraw", {"reason": "数据录入有误"})
    assert withdrawn.status_code == 200, withdrawn.content
    assert by_org(letters(client, year=2025))["乙镇党委"]["consequence"] == ""
    # township B sees its letter's grade but not the county's check
    client.force_login(users["township_b"])
    assert client.get("/api/letters/checks").json() == []


SIX_GOOD = """
code: six-good-test
name: 六个好乡镇党委（测试）
subject: organization
period: year
applies_to: {org_types: [party_committee]}
raters:
  - {code: county, name: 县委考核, weight: 1}
sections:
  - code: A
    title: 责任落实
    items:
      - {code: A1, title: 党建工作责任状考核合格, kind: pass_fail, max: 10, source: letters.accepted}
tiers:
  - {code: standard, name: 达标, level: 1, min_total: 0, no_veto: false}
  - {code: excellent, name: 优秀, level: 2, min_total: 0, all_pass: true}
"""


def test_pages_issue_with_a_preview_and_sign(client, users, county):
    client.force_login(users["county"])
    form = {"issuer": str(county.county.pk), "year": "2025", "due_on": "2025-03-31", "title": "",
            "target_text": ["发展党员", "", "  "], "target_measure": ["名", "", ""], "target_figure": ["12", "", ""],
            "target_weight": ["1", "", ""]}
    empty = client.post(reverse("letters:issue"), {**form, "target_text": ["", "", ""], "target_figure": ["", "", ""]},
                        **ZH)
    assert empty.status_code == 422 and 'name="target_text"' in empty.content.decode()
    preview = client.post(reverse("letters:issue"), form, **ZH)
    assert preview.status_code == 200 and 'id="issue-preview"' in preview.content.decode()
    assert "甲镇党委" in preview.content.decode()
    done = client.post(reverse("letters:issue"), {**form, "confirm": "True"}, **ZH)
    assert done.status_code == 302
    listing = client.get(reverse("letters:list") + "?year=2025", **ZH).content.decode()
    assert 'data-figure="issued">2<' in listing
    letter_id = letters(client, year=2025)[0]["id"]
    client.force_login(users["township_a"])
    bad = client.post(reverse("letters:sign", args=[letter_id]), {"signed_on": "not a day"}, **ZH)
    assert bad.status_code == 422
    client.post(reverse("letters:sign", args=[letter_id]), {"signed_on": "2025-03-01", "signer": "书记"}, **ZH)
    assert letters(client, year=2025)[0]["signed_on"] == "2025-03-01"
    home = client.get(reverse("core:home_panel", args=["letters.signed"]), **ZH)
    assert home.status_code == 200

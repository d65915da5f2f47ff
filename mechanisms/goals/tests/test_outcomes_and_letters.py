"""The goals letter as a printed document and the year-end outcomes as a previewed, withdrawable act, driven through
the pages and the API from an empty county:

- a member's goals letter (党员目标管理责任书) as a PDF in the layout of a letter (the year, the member and branch, the
  class, the common and individual goals, the "六个一" goals, the spot checks so far, the signature lines with their
  dates), read back with pdftotext; a branch's letters of the year in one PDF, one letter a page, to print at once;
- the year-end outcome grid: submitted, previewed (members newly not met and thereby barred from 优秀 in democratic
  evaluation, members changed from one outcome to another), confirmed, then withdrawn (reason, preview, confirmation)
  with the outcomes before it restored; the same over the API (409 with the preview until ``confirm: true``).
"""
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
FARMING_GOALS = "带头学科技，掌握一门农村实用技术\n种一亩黄姜\n按时交纳党费"
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


@pytest.fixture(autouse=True)
def installed(shipped):
    """The shipped rule and this year's default common goals."""


def post_json(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def letters_of(client, org, year=2025) -> dict:
    response = client.get("/api/goals/letters", {"year": year, "organization": org.pk, "limit": 200})
    assert response.status_code == 200, response.content
    return {row["person"]["name"]: row for row in response.json()["items"]}


def outcomes(client, org) -> dict:
    return {name: (row["outcome"], row["outcome_note"]) for name, row in letters_of(client, org).items()}


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(data: bytes) -> str:
    assert data[:4] == b"%PDF", data[:200]
    return subprocess.run([shutil.which("pdftotext"), "-layout", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode()


def pdf_pages(data: bytes) -> int:
    info = subprocess.run([shutil.which("pdfinfo"), "-"], input=data, capture_output=True, check=True).stdout.decode()
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


@pytest.fixture
def letters(client, users, county, more_members):
    """Village A1's letters of 2025 (five members, three classes), issued by the township from the county's common
    goals (farming rewritten, the six quantified goals applying)."""
    client.force_login(users["county"])
    response = post_json(client, "/api/goals/templates", {"owner": county.county.pk, "year": 2025,
                                                          "member_class": "farming", "common_goals": FARMING_GOALS,
                                                          "six_ones": True})
    assert response.status_code == 201, response.content
    client.force_login(users["township_a"])
    issued = post_json(client, f"/api/goals/organizations/{county.village_a1.pk}/letters",
                       {"year": 2025, "signed_on": "2025-02-20", "confirm": True})
    assert issued.status_code == 200, issued.content
    return letters_of(client, county.village_a1)


def test_a_members_letter_and_the_branchs_letters_print_as_pdf(client, users, county, letters):
    zhang, chen = letters["张三"], letters["陳小紅"]
    client.force_login(users["township_a"])
    patched = client.patch(f"/api/goals/letters/{zhang['id']}", json.dumps(
        {"individual_goals": "年内发展核桃五亩\n带动两户增收", "six_ones_done": ["cistern", "skill"]}),
        content_type="application/json")
    assert patched.status_code == 200, patched.content
    client.force_login(users["branch_a1"])
    check = post_json(client, f"/api/goals/organizations/{county.village_a1.pk}/spot-checks", {
        "year": 2025, "quarter": 1, "checked_on": "2025-03-28", "checked_by": "李支书",
        "entries": [{"letter": zhang["id"], "status": "on_track"},
                    {"letter": chen["id"], "status": "behind", "note": "示范田尚未建成"}]})
    assert check.status_code == 201, check.content

    letter_page = client.get(reverse("goals:letter", args=[zhang["id"]]), **ZH).content.decode()
    url = reverse("goals:letter_pdf", args=[zhang["id"]])
    assert url in letter_page  # the page links to its document
    response = client.get(url, **ZH)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert pdf_pages(response.content) == 1
    text = flat(pdf_text(response.content))
    for fragment in ("党员目标管理责任书", "（2025年度）", "张三", county.village_a1.name, "无职党员：一般务农",
                     "2025年2月20日", "一、共性目标", "带头学科技，掌握一门农村实用技术", "种一亩黄姜", "按时交纳党费",
                     "二、个性目标", "年内发展核桃五亩", "带动两户增收", "三、“六个一”量化目标", "四、季度抽查记录",
                     "第1季度", "2025年3月28日", "李支书", "进度正常", "五、年度考评", "党员（签名）",
                     "党支部书记（签名）", "党支部（盖章）"):
        assert flat(fragment) in text, f"{fragment!r} missing: {text[:1500]}"
    assert text.count("已完成") == 2 and text.count("尚未完成") == 4  # two of the six quantified goals reached
    assert "陳小紅" not in text and "示范田尚未建成" not in text  # another member's check is not on this letter
    assert not re.search(r"farming|on_track|pending|not_met", text)
    ARTIFACTS.mkdir(exist_ok=True)  # for a person to look at
    (ARTIFACTS / "goals-letter.pdf").write_bytes(response.content)
    subprocess.run([shutil.which("pdftoppm"), "-png", "-r", "70", "-singlefile", str(ARTIFACTS / "goals-letter.pdf"),
                    str(ARTIFACTS / "goals-letter")], check=True)
    assert (ARTIFACTS / "goals-letter.png").stat().st_size > 10_000

    # a migrant member's letter: no quantified goals, the sections numbered on
    migrant = flat(pdf_text(client.get(reverse("goals:letter_pdf", args=[letters["钱外"]["id"]])).content))
    assert "六个一" not in migrant and "三、季度抽查记录" in migrant and "（尚无抽查记录）" in migrant
    assert "钱外" in migrant and "无职党员：外出（流动）" in migrant

    # the branch's letters of the year, one a page
    branch_page = client.get(reverse("goals:branch", args=[county.village_a1.pk]) + "?year=2025", **ZH)
    branch_url = reverse("goals:branch_pdf", args=[county.village_a1.pk]) + "?year=2025"
    assert branch_url in branch_page.content.decode()
    every = client.get(branch_url, **ZH)
    assert every.status_code == 200 and every["Content-Type"] == "application/pdf"
    assert pdf_pages(every.content) == 5
    all_text = flat(pdf_text(every.content))
    assert all_text.count("党员目标管理责任书") == 5
    for name in ("张三", "陳小紅", "赵富", "钱外", "孙勤"):
        assert name in all_text
    assert "示范田尚未建成" in all_text
    # a year without letters: told so on the branch's page, no empty document
    empty = client.get(reverse("goals:branch_pdf", args=[county.village_a1.pk]) + "?year=2024", **ZH)
    assert empty.status_code == 302

    client.force_login(users["member"])  # 张三 prints his own letter, not another's
    assert client.get(reverse("goals:letter_pdf", args=[zhang["id"]])).status_code == 200
    assert client.get(reverse("goals:letter_pdf", args=[chen["id"]])).status_code == 404
    client.force_login(users["township_b"])
    assert client.get(reverse("goals:letter_pdf", args=[zhang["id"]])).status_code == 404
    assert client.get(branch_url).status_code == 404


def grid(letters, values: dict) -> dict:
    """The outcome grid's fields: every letter, its outcome and note as ``values`` says (else as recorded)."""
    fields = {"year": 2025}
    for name, row in letters.items():
        outcome, note = values.get(name, (row["outcome"], row["outcome_note"]))
        fields[f"outcome_{row['id']}"] = outcome
        fields[f"outcome_note_{row['id']}"] = note
    return fields


def test_the_year_end_outcomes_are_previewed_confirmed_and_withdrawn(client, users, county, letters):
    a1 = county.village_a1
    client.force_login(users["township_a"])
    save_url = reverse("goals:branch_outcomes", args=[a1.pk])

    # bad input: refused in the user's language, the grid shown again as typed, nothing written
    refused = client.post(save_url, grid(letters, {"陳小紅": ("not_met", ""), "赵富": ("met", "提前完成")}), **ZH)
    assert refused.status_code == 422
    page = refused.content.decode()
    assert "陳小紅：请说明哪些目标任务未完成。" in page and "提前完成" in page
    assert set(outcomes(client, a1).values()) == {("pending", "")}

    # the preview: 陳小紅 newly unmet (barred from 优秀), 张三 and 赵富 assessed met; nothing written yet
    fields = grid(letters, {"陳小紅": ("not_met", "帮扶户未脱贫，示范田未建"), "张三": ("met", ""),
                            "赵富": ("met", "")})
    preview = client.post(save_url, fields, **ZH)
    assert preview.status_code == 200
    html = preview.content.decode()
    barred = html[html.index('id="preview-barred"'):]
    barred = barred[:barred.index("</ul>")]
    assert "陳小紅" in barred and "张三" not in barred
    assessed = html[html.index('id="preview-assessed"'):]
    assert "张三" in assessed[:assessed.index("</p>")] and "赵富" in assessed[:assessed.index("</p>")]
    assert 'id="confirm-form"' in html and 'name="confirm" value="1"' in html
    assert set(outcomes(client, a1).values()) == {("pending", "")}

    # confirmed: saved as one batch, and democratic evaluation reads 陳小紅's unmet goals (优秀 refused)
    saved = client.post(save_url, {**fields, "confirm": "1"}, **ZH)
    assert saved.status_code == 302
    first_url = saved["Location"]
    now = outcomes(client, a1)
    assert now["陳小紅"] == ("not_met", "帮扶户未脱贫，示范田未建") and now["张三"] == ("met", "")
    assert now["孙勤"] == ("pending", "")
    excellent = post_json(client, "/api/membership/evaluation/grades",
                          {"person": county.people["chen"].pk, "year": 2025, "grade": "excellent"})
    assert excellent.status_code == 422
    batch_page = client.get(first_url, **ZH).content.decode()
    assert batch_page.count("data-letter=") == 3 and 'data-status="active"' in batch_page
    branch = client.get(reverse("goals:branch", args=[a1.pk]) + "?year=2025", **ZH).content.decode()
    assert first_url in branch
    batches = client.get("/api/goals/outcome-batches", {"year": 2025, "organization": a1.pk}).json()
    assert len(batches) == 1 and batches[0]["counts"] == {"barred": 1, "lifted": 0, "changed": 0, "assessed": 2,
                                                           "note": 0}
    first_id = batches[0]["id"]

    # 张三 is named for a plaque; over the API a second saving previews him barred (and his plaque) and 陳小紅 lifted
    named = post_json(client, "/api/goals/namings", {"owner": county.township_a.pk, "year": 2025, "issuer": "甲镇党委",
                                                     "grant": [county.people["zhangsan"].pk], "confirm": True})
    assert named.status_code == 201, named.content
    api_url = f"/api/goals/organizations/{a1.pk}/outcomes"
    rows = [{"letter": letters["张三"]["id"], "outcome": "not_met", "note": "黄姜未种"},
            {"letter": letters["陳小紅"]["id"], "outcome": "met"},
            {"letter": letters["赵富"]["id"], "outcome": "pending"},
            {"letter": letters["孙勤"]["id"], "outcome": "pending"}]
    no_note = post_json(client, api_url, {"year": 2025, "rows": [{**rows[0], "note": ""}], "confirm": True})
    assert no_note.status_code == 422
    second_preview = post_json(client, api_url, {"year": 2025, "rows": rows})
    assert second_preview.status_code == 409, second_preview.content
    body = second_preview.json()
    assert body["code"] == "confirmation_required" and body["changes"] == 3 and body["unchanged"] == 1
    effects = {row["name"]: (row["before"], row["after"], row["effect"], row["plaque"]) for row in body["rows"]}
    assert effects == {"张三": ("met", "not_met", "barred", True), "陳小紅": ("not_met", "met", "lifted", False),
                       "赵富": ("met", "pending", "changed", False)}
    assert outcomes(client, a1)["张三"] == ("met", "")  # the preview wrote nothing
    second = post_json(client, api_url, {"year": 2025, "rows": rows, "confirm": True})
    assert second.status_code == 201, second.content
    second_id = second.json()["id"]
    assert second.json()["counts"]["barred"] == 1 and second.json()["counts"]["lifted"] == 1
    nothing = post_json(client, api_url, {"year": 2025, "rows": rows, "confirm": True})
    assert nothing.status_code == 422  # nothing changes

    # the first saving waits for the second: its letters were changed since
    blocked = post_json(client, f"/api/goals/outcome-batches/{first_id}/withdraw", {"reason": "录入有误"})
    assert blocked.status_code == 422

    # the second withdrawn through the pages: a reason, the preview, the confirmation
    second_url = reverse("goals:outcome_batch", args=[second_id])
    no_reason = client.post(second_url, {"reason": " "}, **ZH)
    assert no_reason.status_code == 422
    asked = client.post(second_url, {"reason": "误将张三录为未完成"}, **ZH)
    assert asked.status_code == 200
    html = asked.content.decode()
    assert "误将张三录为未完成" in html and 'id="preview-lifted"' in html and 'id="preview-barred"' in html
    assert outcomes(client, a1)["张三"] == ("not_met", "黄姜未种")  # not yet
    done = client.post(second_url, {"reason": "误将张三录为未完成", "confirm": "1"}, **ZH)
    assert done.status_code == 302
    now = outcomes(client, a1)
    assert now["张三"] == ("met", "") and now["陳小紅"] == ("not_met", "帮扶户未脱贫，示范田未建")
    assert now["赵富"] == ("met", "")
    assert 'data-status="withdrawn"' in client.get(second_url, **ZH).content.decode()
    again = client.post(second_url, {"reason": "再撤", "confirm": "1"}, **ZH)
    assert again.status_code == 422  # already withdrawn

    # then the first over the API: 409 with the preview, then every outcome back to not yet assessed
    first_preview = post_json(client, f"/api/goals/outcome-batches/{first_id}/withdraw", {"reason": "整批重评"})
    assert first_preview.status_code == 409
    assert {row["name"]: row["effect"] for row in first_preview.json()["rows"]} == {
        "陳小紅": "lifted", "张三": "changed", "赵富": "changed"}
    withdrawn = post_json(client, f"/api/goals/outcome-batches/{first_id}/withdraw",
                          {"reason": "整批重评", "confirm": True})
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert set(outcomes(client, a1).values()) == {("pending", "")}
    graded = post_json(client, "/api/membership/evaluation/grades",
                       {"person": county.people["chen"].pk, "year": 2025, "grade": "excellent"})
    assert graded.status_code in (200, 201), graded.content  # the bar is lifted with the outcome

    # one letter's outcome over the API is a saving of one, withdrawn like the others
    one = post_json(client, f"/api/goals/letters/{letters['孙勤']['id']}/outcome", {"outcome": "met"})
    assert one.status_code == 200
    assert len(client.get("/api/goals/outcome-batches", {"year": 2025}).json()) == 3

    client.force_login(users["township_b"])
    assert client.get(first_url).status_code == 404
    assert client.get(f"/api/goals/outcome-batches/{first_id}").status_code == 404
    assert post_json(client, f"/api/goals/outcome-batches/{second_id}/withdraw",
                     {"reason": "x", "confirm": True}).status_code == 404
    assert post_json(client, api_url, {"year": 2025, "rows": rows, "confirm": True}).status_code == 404
    assert client.get("/api/goals/outcome-batches").json() == []

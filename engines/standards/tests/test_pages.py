"""The assessment pages: scope, the score sheet's autosave with its conflict check, results, exports, titles."""
import datetime
import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from engines.standards import services
from engines.standards.models import Item, ItemScore, RaterGroup, Sheet, TitleAward
from engines.standards.testing import make_standard

YEAR = {"period_kind": "year", "period_start": datetime.date(2024, 1, 1),
        "period_end": datetime.date(2024, 12, 31), "period_label": "2024"}
# Inspectors' entries per village: (A1 points, A2 count, B1 passed, V1 passed) → total, tier
ENTRIES = {
    "village_a1": (Decimal("50"), 3, True, True),    # 100, 达标 (先进 needs the title first)
    "village_a2": (Decimal("30"), 1, True, True),    # 60, 达标
    "village_b1": (Decimal("45"), 5, True, False),   # 95 but vetoed
}


@pytest.fixture
def version(county):
    return make_standard(county.county)


@pytest.fixture
def assessment(county, version):
    return services.assessment_create(user=None, version=version, owner=county.county, name="2024年度考评", **YEAR)


def item(version, code):
    return Item.objects.get(version=version, code=code)


def rater(version, code="inspectors"):
    return RaterGroup.objects.get(version=version, code=code)


def sheet_of(assessment, org):
    return Sheet.objects.get(assessment=assessment, organization=org)


@pytest.fixture
def scored(county, version, assessment):
    inspectors = rater(version)
    for name, (points, count, passed, veto_passed) in ENTRIES.items():
        sheet = sheet_of(assessment, getattr(county, name))
        services.score_set(user=None, sheet=sheet, item=item(version, "A1"), rater=inspectors, points=points)
        services.score_set(user=None, sheet=sheet, item=item(version, "A2"), rater=inspectors, count=count)
        services.score_set(user=None, sheet=sheet, item=item(version, "B1"), rater=inspectors, passed=passed)
        services.score_set(user=None, sheet=sheet, item=item(version, "V1"), rater=inspectors, passed=veto_passed)
    services.compute_results(user=None, assessment=assessment)
    return assessment


def pdf_text(data: bytes) -> str:
    assert data[:4] == b"%PDF"
    return subprocess.run([shutil.which("pdftotext"), "-layout", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode()


def workbook(response):
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return load_workbook(io.BytesIO(data), read_only=True)


# --- scope -----------------------------------------------------------------------------------------------------------

def test_a_township_sees_the_county_assessment_with_only_its_own_subjects(client, users, county, scored):
    client.force_login(users["township_a"])
    assert client.get(reverse("standards:assessment_list")).content.decode().count("2024年度考评") == 1
    page = client.get(reverse("standards:assessment_detail", args=[scored.pk])).content.decode()
    assert "陳家村党支部" in page and "王家村党支部" not in page
    results = client.get(reverse("standards:results", args=[scored.pk])).content.decode()
    assert "李家村党支部" in results and "王家村党支部" not in results
    assert client.get(reverse("standards:sheet", args=[sheet_of(scored, county.village_b1).pk])).status_code == 404


def test_a_user_outside_every_assessed_subtree_gets_404(client, users, scored):
    client.force_login(users["nobody"])
    for name in ("assessment_detail", "results", "bulletin", "results_xlsx"):
        assert client.get(reverse(f"standards:{name}", args=[scored.pk])).status_code == 404


def test_only_the_runner_of_an_assessment_may_compute_or_close_it(client, users, scored):
    client.force_login(users["township_a"])
    assert client.post(reverse("standards:assessment_close", args=[scored.pk])).status_code == 403
    scored.refresh_from_db()
    assert scored.status == "open"
    client.force_login(users["county"])
    response = client.post(reverse("standards:assessment_close", args=[scored.pk]))
    assert response.status_code == 302
    scored.refresh_from_db()
    assert scored.status == "closed"


def test_the_results_filter_under_another_township_is_404(client, users, county, scored):
    client.force_login(users["township_a"])
    url = reverse("standards:results", args=[scored.pk])
    assert client.get(url, {"under": county.township_b.pk}).status_code == 404


# --- the score sheet -------------------------------------------------------------------------------------------------

def post_score(client, sheet, item_, value, revision="", rater_code="inspectors", note=""):
    return client.post(reverse("standards:score_save", args=[sheet.pk]),
                       {"item": item_.pk, "rater": rater_code, "value": value, "revision": revision, "note": note})


def test_the_sheet_shows_every_item_with_its_kind_and_maximum(client, users, county, version, assessment):
    client.force_login(users["county"])
    page = client.get(reverse("standards:sheet", args=[sheet_of(assessment, county.village_a1).pk]),
                      {"rater": "inspectors"}).content.decode()
    for code in ("A1", "A2", "B1", "V1"):
        assert f'data-item="{code}"' in page
    assert 'name="value" value="1"' in page  # pass/fail as a toggle
    assert "read-only" not in page


def test_a_score_is_saved_as_typed_and_the_running_total_follows(client, users, county, version, assessment):
    client.force_login(users["branch_a1"])
    sheet = sheet_of(assessment, county.village_a1)
    response = post_score(client, sheet, item(version, "A1"), "42.5", note="查阅记录")
    body = response.content.decode()
    assert "saved" in body
    score = ItemScore.objects.get(sheet=sheet, item=item(version, "A1"))
    assert score.points == Decimal("42.5") and score.note == "查阅记录"
    assert f'id="rev-{item(version, "A1").pk}" value="{score.revision}"' in body
    assert 'id="running-total" hx-swap-oob="true">42.50<' in body
    post_score(client, sheet, item(version, "B1"), "1")
    assert 'id="running-total" hx-swap-oob="true">72.50<' in post_score(
        client, sheet, item(version, "A2"), "2").content.decode()  # 2 days: under the threshold, 0 points


def test_a_stale_revision_is_refused_instead_of_overwriting(client, users, county, version, assessment):
    client.force_login(users["county"])
    sheet, a1 = sheet_of(assessment, county.village_a1), item(version, "A1")
    post_score(client, sheet, a1, "40")
    first = ItemScore.objects.get(sheet=sheet, item=a1)
    # Someone else's page, opened before the first entry, still believes there is no score.
    response = post_score(client, sheet, a1, "10", revision="")
    assert response["X-Score-Result"] == "conflict"
    assert "未保存" in response.content.decode() and "county" in response.content.decode()
    assert ItemScore.objects.get(pk=first.pk).points == Decimal("40")
    # With the revision it now shows, the entry goes through.
    response = post_score(client, sheet, a1, "10", revision=str(first.revision))
    assert response["X-Score-Result"] == "saved"
    assert ItemScore.objects.get(pk=first.pk).points == Decimal("10")


@pytest.mark.parametrize("value", ["51", "abc", "", "2.5x"])
def test_a_value_out_of_range_or_not_a_number_shows_an_error_and_saves_nothing(
        client, users, county, version, assessment, value):
    client.force_login(users["county"])
    sheet = sheet_of(assessment, county.village_a1)
    response = post_score(client, sheet, item(version, "A1"), value)
    assert response["X-Score-Result"] == "error"
    assert "text-danger" in response.content.decode()
    assert not ItemScore.objects.filter(sheet=sheet).exists()


def test_a_locked_rater_group_makes_the_sheet_read_only(client, users, county, version, assessment):
    services.rater_lock(user=None, assessment=assessment, rater_code="self")
    client.force_login(users["county"])
    sheet = sheet_of(assessment, county.village_a1)
    page = client.get(reverse("standards:sheet", args=[sheet.pk]), {"rater": "self"}).content.decode()
    assert 'id="read-only"' in page and "disabled" in page
    response = post_score(client, sheet, item(version, "A1"), "10", rater_code="self")
    assert response["X-Score-Result"] == "error"
    assert not ItemScore.objects.filter(sheet=sheet).exists()
    assert 'id="read-only"' not in client.get(reverse("standards:sheet", args=[sheet.pk]),
                                               {"rater": "inspectors"}).content.decode()


def test_a_viewer_without_change_scope_cannot_score(client, users, county, version, assessment):
    client.force_login(users["leader"])  # sees the whole county, changes nothing
    sheet = sheet_of(assessment, county.village_a1)
    page = client.get(reverse("standards:sheet", args=[sheet.pk])).content.decode()
    assert 'id="read-only"' in page
    assert post_score(client, sheet, item(version, "A1"), "10").status_code == 403
    assert not ItemScore.objects.filter(sheet=sheet).exists()


def test_evidence_is_attached_to_an_entered_score_and_downloaded_within_scope(client, users, county, version,
                                                                               assessment):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(users["branch_a1"])
    sheet, a1 = sheet_of(assessment, county.village_a1), item(version, "A1")
    url = reverse("standards:evidence_upload", args=[sheet.pk])
    upload = SimpleUploadedFile("会议记录.txt", b"minutes")
    assert "请先录入评分" in client.post(
        url, {"item": a1.pk, "rater": "self", "file": upload}).content.decode()
    post_score(client, sheet, a1, "40", rater_code="self")
    upload = SimpleUploadedFile("会议记录.txt", b"minutes")
    body = client.post(url, {"item": a1.pk, "rater": "self", "file": upload}).content.decode()
    assert "会议记录.txt" in body
    evidence = ItemScore.objects.get(sheet=sheet, item=a1).evidence.get()
    assert b"".join(client.get(reverse("standards:evidence", args=[evidence.pk])).streaming_content) == b"minutes"
    client.force_login(users["township_b"])
    assert client.get(reverse("standards:evidence", args=[evidence.pk])).status_code == 404


def test_the_declaration_saves_the_tier_sought(client, users, county, assessment):
    client.force_login(users["branch_a1"])
    sheet = sheet_of(assessment, county.village_a1)
    client.post(reverse("standards:declare", args=[sheet.pk]), {"tier": "qualified"})
    sheet.refresh_from_db()
    assert sheet.declared_tier == "qualified"


# --- results, exports, bulletin ----------------------------------------------------------------------------------------

def test_results_are_ranked_and_filtered(client, users, county, scored):
    client.force_login(users["county"])
    url = reverse("standards:results", args=[scored.pk])
    page = client.get(url).content.decode()
    assert page.index("陳家村党支部") < page.index("李家村党支部") < page.index("王家村党支部")
    assert "Vetoed" in page or "否决" in page
    only_b = client.get(url, {"under": county.township_b.pk}).content.decode()
    assert "王家村党支部" in only_b and "陳家村党支部" not in only_b
    tier = client.get(url, {"tier": "qualified"}).content.decode()
    assert "王家村党支部" not in tier.split('id="results-table"')[1]
    assert "李家村党支部" in client.get(url, {"q": "李家"}).content.decode()
    assert 'id="chart-data"' in page


def test_results_export_to_xlsx_reads_back_with_ranks_and_tiers(client, users, county, scored):
    client.force_login(users["county"])
    book = workbook(client.get(reverse("standards:results_xlsx", args=[scored.pk])))
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 4
    by_name = {row[3]: row for row in rows[1:]}
    assert by_name["陳家村党支部"][0] == 1 and by_name["陳家村党支部"][6] == 100
    assert by_name["陳家村党支部"][8] == "达标"
    assert by_name["王家村党支部"][0] == 3 and by_name["王家村党支部"][8] is None


def test_results_pdf_shows_every_subject_and_total(client, users, scored):
    client.force_login(users["county"])
    response = client.get(reverse("standards:results_pdf", args=[scored.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for name, total in (("陳家村党支部", "100.00"), ("李家村党支部", "60.00"), ("王家村党支部", "95.00")):
        assert name in text and total in text


def test_the_bulletin_shows_counts_and_shares_from_the_selectors(client, users, county, version, scored):
    services.target_set(user=None, standard=version.standard, organization=county.county, tier_code="qualified",
                        year=2024, share=Decimal("0.6"))
    client.force_login(users["county"])
    page = client.get(reverse("standards:bulletin", args=[scored.pk])).content.decode()
    assert "2/3（66.7%）" in page and "60.0%" in page  # reached, share, target
    assert "33.3%" in page  # vetoed
    text = pdf_text(client.get(reverse("standards:bulletin_pdf", args=[scored.pk])).content)
    flat = " ".join(text.split())
    assert "2/3（66.7%）" in flat and "60.0%" in flat and "2/2（100.0%）" in flat
    for name in ("陳家村党支部", "甲镇党委", "乙镇党委"):
        assert name in text
    township_a = client.get(reverse("standards:bulletin", args=[scored.pk]), {"under": county.township_a.pk})
    assert "2/2" in township_a.content.decode() and "100.0%" in township_a.content.decode()


def test_the_bulletin_workbook_holds_the_same_figures(client, users, county, scored):
    client.force_login(users["county"])
    book = workbook(client.get(reverse("standards:bulletin_xlsx", args=[scored.pk])))
    summary = [row for row in book.worksheets[0].iter_rows(values_only=True)]
    tiers = {row[0]: row for row in summary if row and row[0] in ("达标", "先进")}
    assert tiers["达标"][1:3] == (2, "66.7%")
    assert tiers["先进"][1:3] == (0, "0.0%")
    rates = {row[0]: row for row in book.worksheets[1].iter_rows(values_only=True)}
    assert rates["甲镇党委"][1:] == (2, 2, "100.0%")
    assert rates["乙镇党委"][1:] == (1, 0, "0.0%")


def test_the_cockpit_shows_each_standards_latest_figures(client, users, county, version, scored):
    client.force_login(users["county"])
    page = client.get(reverse("standards:cockpit")).content.decode()
    assert version.standard.name in page and "66.7%" in page
    client.force_login(users["township_b"])
    page = client.get(reverse("standards:cockpit")).content.decode()
    assert "0.0%" in page and "66.7%" not in page
    assert client.get(reverse("standards:cockpit"), {"under": county.township_a.pk}).status_code == 404


# --- titles and history --------------------------------------------------------------------------------------------

def grant(client, assessment):
    return client.post(reverse("standards:assessment_titles", args=[assessment.pk]),
                       {"granted_on": "2025-01-15", "granted_by": "示范县委", "decision_no": "示委〔2025〕3号",
                        "confirm": "1"})


def test_naming_from_the_page_shows_what_it_will_do_and_needs_the_box_ticked(client, users, county, scored):
    from engines.standards.models import TitleAward

    client.force_login(users["county"])
    page = client.get(reverse("standards:assessment_detail", args=[scored.pk]), HTTP_ACCEPT_LANGUAGE="en")
    preview = page.content.decode()
    assert 'id="naming-preview"' in preview and 'name="confirm"' in preview
    refused = client.post(reverse("standards:assessment_titles", args=[scored.pk]),
                          {"granted_on": "2025-01-15", "granted_by": "示范县委"}, HTTP_ACCEPT_LANGUAGE="en",
                          follow=True)
    assert "tick the box" in refused.content.decode()
    assert not TitleAward.objects.exists()
    assert grant(client, scored).status_code == 302 and TitleAward.objects.exists()


def test_naming_over_the_api_answers_409_with_the_counts_until_confirmed(client, users, county, scored):
    import json

    from engines.standards.models import TitleAward

    client.force_login(users["county"])
    url = f"/api/standards/assessments/{scored.pk}/titles"
    body = {"granted_on": "2025-01-15", "granted_by": "示范县委"}
    asked = client.post(url, json.dumps(body), content_type="application/json")
    assert asked.status_code == 409 and asked.json()["code"] == "confirmation_required"
    counts = asked.json()["counts"]
    assert set(counts) == {"granted", "kept", "not_assessed", "revoked", "unassessed_sheets"}
    assert not TitleAward.objects.exists()
    done = client.post(url, json.dumps({**body, "confirm": True}), content_type="application/json")
    assert done.status_code == 200 and done.json()["granted"] == counts["granted"]
    assert TitleAward.objects.count() == counts["granted"]


def test_titles_are_granted_from_results_listed_and_printed(client, users, county, scored):
    client.force_login(users["county"])
    assert grant(client, scored).status_code == 302
    titles = TitleAward.objects.order_by("org_path")
    assert [t.organization for t in titles] == [county.village_a1, county.village_a2]
    listing = client.get(reverse("standards:title_list"), {"under": county.township_a.pk}).content.decode()
    assert "测试标准（达标）" in listing and "陳家村党支部" in listing
    text = pdf_text(client.get(reverse("standards:certificate", args=[titles[0].pk])).content)
    for fragment in ("测试标准（达标）", "陳家村党支部", "2024年度", "示范县委", "2025年1月15日", "示委〔2025〕3号"):
        assert fragment in text
    client.force_login(users["township_b"])
    assert client.get(reverse("standards:certificate", args=[titles[0].pk])).status_code == 404


def test_a_title_is_revoked_with_its_reason_and_keeps_its_history(client, users, county, scored):
    client.force_login(users["county"])
    grant(client, scored)
    award = TitleAward.objects.get(organization=county.village_a2)
    response = client.post(reverse("standards:title_revoke", args=[award.pk]),
                           {"revoked_on": "2025-06-01", "reason": "decision", "note": "整改不力", "decision_no": "示委〔2025〕9号"})
    assert response.status_code == 302
    award.refresh_from_db()
    assert award.status == "revoked" and award.revoke_note == "整改不力"
    page = client.get(reverse("standards:title_detail", args=[award.pk])).content.decode()
    assert "整改不力" in page and "示委〔2025〕9号" in page and 'id="revoke-form"' not in page


def test_a_branch_cannot_revoke_its_own_title(client, users, county, scored):
    client.force_login(users["county"])
    grant(client, scored)
    award = TitleAward.objects.get(organization=county.village_a1)
    client.force_login(users["leader"])
    assert client.post(reverse("standards:title_revoke", args=[award.pk]),
                       {"revoked_on": "2025-06-01", "reason": "decision"}).status_code == 403


def test_the_history_page_shows_every_period_with_ranks_and_titles(client, users, county, version, scored):
    client.force_login(users["county"])
    grant(client, scored)
    later = services.assessment_create(user=None, version=version, owner=county.county, name="2025年度考评",
                                       period_kind="year", period_start=datetime.date(2025, 1, 1),
                                       period_end=datetime.date(2025, 12, 31), period_label="2025")
    services.compute_results(user=None, assessment=later)
    page = client.get(reverse("standards:org_history", args=[county.village_a1.pk])).content.decode()
    assert "2024年度考评" in page and "2025年度考评" in page
    assert page.index("2024年度考评") < page.index("2025年度考评")
    assert "测试标准（达标）" in page and 'id="history-data"' in page
    history_url = reverse("standards:org_history", args=[county.village_a1.pk])
    assert history_url in client.get(reverse("orgs:detail", args=[county.village_a1.pk])).content.decode()
    client.force_login(users["township_b"])
    assert client.get(reverse("standards:org_history", args=[county.village_a1.pk])).status_code == 404

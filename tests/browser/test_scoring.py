"""A branch secretary fills the self-assessment sheet by keyboard: every entry is saved as it is typed."""
import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from engines.standards import services
from engines.standards.models import Item, ItemScore, Sheet
from engines.standards.testing import make_standard

from .conftest import login, screenshot


@pytest.fixture
def sheet(county):
    version = make_standard(county.county)
    assessment = services.assessment_create(
        user=None, version=version, owner=county.county, name="2024年度考评", period_kind="year",
        period_start=datetime.date(2024, 1, 1), period_end=datetime.date(2024, 12, 31), period_label="2024")
    return Sheet.objects.get(assessment=assessment, organization=county.village_a1)


def score(sheet, code):
    return ItemScore.objects.filter(sheet=sheet, item=Item.objects.get(version=sheet.assessment.version, code=code),
                                    rater__code="self").first()


def status(page, sheet, code):
    item = Item.objects.get(version=sheet.assessment.version, code=code)
    return page.locator(f"#st-{item.pk}")


def test_scores_entered_by_keyboard_are_saved_as_typed(page, users, sheet):
    login(page, "branch_a1")
    page.goto(f"{page.base_url}/standards/sheets/{sheet.pk}/?rater=self")
    first = page.locator("[data-item=A1] input.score-number")
    first.click()
    page.keyboard.type("4x2.5")  # the letter is refused as it is typed
    expect(first).to_have_value("42.5")
    page.keyboard.press("Enter")
    expect(page.locator("[data-item=A2] input.score-number")).to_be_focused()
    page.keyboard.type("4")
    page.keyboard.press("Enter")
    expect(page.locator("[data-item=B1] input[type=radio]").first).to_be_focused()
    page.keyboard.press("1")  # passed, and on to the next item
    page.keyboard.press("0")  # the veto item failed
    for code in ("A1", "A2", "B1", "V1"):
        expect(status(page, sheet, code)).to_contain_text(re.compile("saved|已保存"))
    expect(page.locator("#running-total")).to_have_text("92.50")
    screenshot(page, "scoring-sheet")
    assert score(sheet, "A1").points == Decimal("42.5")
    assert score(sheet, "A2").count == 4
    assert score(sheet, "B1").passed is True
    assert score(sheet, "V1").passed is False

    # Someone else changes A1 meanwhile: this page's next entry for it is refused, not written over theirs.
    services.score_set(user=None, sheet=sheet, item=score(sheet, "A1").item, rater=score(sheet, "A1").rater,
                       points=Decimal("30"), expected_revision=score(sheet, "A1").revision)
    first.fill("50")
    first.press("Tab")
    expect(status(page, sheet, "A1")).to_have_class(re.compile("score-status"))
    expect(status(page, sheet, "A1").locator(".conflict")).to_be_visible()
    expect(first).to_have_value("30")
    assert score(sheet, "A1").points == Decimal("30")
    screenshot(page, "scoring-conflict")


def test_the_sheet_works_on_a_phone(phone_page, users, sheet):
    page = phone_page
    login(page, "branch_a1")
    page.goto(f"{page.base_url}/standards/sheets/{sheet.pk}/?rater=self")
    field = page.locator("[data-item=A1] input.score-number")
    field.fill("10")
    field.press("Enter")
    expect(status(page, sheet, "A1")).to_contain_text(re.compile("saved|已保存"))
    screenshot(page, "scoring-phone")
    assert score(sheet, "A1").points == Decimal("10")


def test_results_and_bulletin_draw_their_charts(page, users, county, sheet):
    version = sheet.assessment.version
    inspectors = version.rater_groups.get(code="inspectors")
    for org, points in ((county.village_a1, 50), (county.village_a2, 20), (county.village_b1, 45)):
        target = Sheet.objects.get(assessment=sheet.assessment, organization=org)
        for code, entry in (("A1", {"points": Decimal(points)}), ("A2", {"count": 3}), ("B1", {"passed": True}),
                            ("V1", {"passed": True})):
            services.score_set(user=None, sheet=target, item=Item.objects.get(version=version, code=code),
                               rater=inspectors, **entry)
    services.compute_results(user=None, assessment=sheet.assessment)
    services.target_set(user=None, standard=version.standard, organization=county.county, tier_code="qualified",
                        year=2024, share=Decimal("0.8"))
    login(page, "county")
    page.goto(f"{page.base_url}/standards/assessments/{sheet.assessment.pk}/results/")
    expect(page.locator("#chart-distribution svg")).to_be_visible()
    expect(page.locator("#chart-pass-rate svg")).to_be_visible()
    screenshot(page, "assessment-results")
    page.goto(f"{page.base_url}/standards/assessments/{sheet.assessment.pk}/bulletin/")
    expect(page.locator("#bulletin-tiers")).to_contain_text("3/3")
    screenshot(page, "assessment-bulletin")
    page.goto(f"{page.base_url}/standards/cockpit/")
    expect(page.locator(f"#cockpit-chart-{sheet.assessment.pk} svg")).to_be_visible()
    screenshot(page, "standards-cockpit")

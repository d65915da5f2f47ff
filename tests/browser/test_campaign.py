"""A county walks one campaign from declaration to plaque in the browser: it opens and closes each stage,
the inspectors' scores are computed into results, and the naming decision grants the titles."""
import datetime

import pytest

from engines.standards import services as engine
from engines.standards.models import Item, RaterGroup, TitleAward
from mechanisms.campaigns.library import install_standards
from mechanisms.campaigns.services import campaign_create
from tests.kit import make_user

from .conftest import login, screenshot


@pytest.fixture
def shipped(county):
    return install_standards(user=None, owner=county.county)


def full_marks(assessment, rater_code, *, except_org=None):
    rater = RaterGroup.objects.get(version=assessment.version, code=rater_code)
    rows = []
    for sheet in assessment.sheets.all():
        low = sheet.organization_id == except_org
        for item in Item.objects.filter(version=assessment.version):
            if item.kind == "points":
                rows.append((sheet.pk, item.pk, 0 if low else item.max_points, None, None))
            elif item.kind == "count":
                rows.append((sheet.pk, item.pk, None, None, item.threshold))
            else:
                rows.append((sheet.pk, item.pk, None, True, None))
    engine.scores_bulk_set(user=None, assessment=assessment, rater=rater, rows=rows)


def test_campaign_from_declaration_to_plaque(page, county, shipped):
    make_user("county_admin", "county_admin", county.county)
    campaign = campaign_create(user=None, owner=county.county, name="2002年三级联创", year=2002,
                               versions=[shipped["five-good-village"]])
    assessment = campaign.assessments.get()
    login(page, "county_admin")
    page.goto(page.base_url + "/campaigns/")
    page.click("text=2002年三级联创")
    page.click("button[name=open-declaration]")
    page.wait_for_selector("#stage-declaration [data-status=open]")
    full_marks(assessment, "self")  # the branches' self-assessment
    page.click("button[name=close-declaration]")
    page.wait_for_selector("#stage-gaps")  # no branch declared a tier: the page asks before closing
    screenshot(page, "campaign-stage-confirm")
    page.click("button[name=confirm-close]")
    page.wait_for_selector("#stage-declaration [data-status=closed]")
    page.click("button[name=open-evaluation]")
    page.wait_for_selector("#stage-evaluation [data-status=open]")
    full_marks(assessment, "inspectors", except_org=county.village_b1.pk)
    page.click("button[name=close-evaluation]")
    page.wait_for_selector("#stage-evaluation [data-status=closed]")
    assert page.inner_text("#assessment-table tbody td:nth-child(4)").strip() == "2"  # two of three reach 达标
    page.click("button[name=open-naming]")
    page.fill("#stage-naming input[name=decided_on]", "2002-12-30")
    page.fill("#stage-naming input[name=decided_by]", "中共示范县委")
    page.fill("#stage-naming input[name=decision_no]", "示发〔2002〕40号")
    page.click("button[name=close-naming]")
    page.wait_for_selector("#naming-confirm")  # the preview first: who is named, who loses a title
    screenshot(page, "campaign-naming-preview")
    page.check("#confirm")
    page.click("button[name=decide]")
    page.wait_for_selector("#decision-status[data-status=active]")
    screenshot(page, "campaign-naming-decision")
    page.goto(page.base_url + f"/campaigns/{campaign.pk}/")
    page.wait_for_selector("#stage-naming [data-status=closed]")
    assert "示发〔2002〕40号" in page.inner_text("#stage-naming")
    screenshot(page, "campaign-named")
    named = TitleAward.objects.filter(status="active", decision_no="示发〔2002〕40号")
    assert set(named.values_list("organization_id", flat=True)) == {county.village_a1.pk, county.village_a2.pk}
    assert named.first().granted_on == datetime.date(2002, 12, 30)

"""A campaign's stages: opened and closed by the county in order, each locking what it collected."""
import datetime
from decimal import ROUND_DOWN, Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from engines.standards import services as engine
from engines.standards.models import Assessment, Item, RaterGroup, TitleAward
from mechanisms.campaigns.models import StageKind, StageStatus
from mechanisms.campaigns.services import stage_close, stage_open

DECISION = {"decided_on": datetime.date(2002, 12, 28), "decided_by": "中共示范县委", "decision_no": "示发〔2003〕3号"}


def village_assessment(campaign) -> Assessment:
    return campaign.assessments.get(version__standard__code="five-good-village")


def half_steps(value: Decimal) -> Decimal:
    return (value * 2).to_integral_value(ROUND_DOWN) / 2


def score_all(user, assessment, rater_code, points_of):
    """Gives every sheet full points on every item times points_of(sheet) (1 = full), vetoes passed."""
    rater = RaterGroup.objects.get(version=assessment.version, code=rater_code)
    rows = []
    for sheet in assessment.sheets.all():
        share = points_of(sheet)
        for item in Item.objects.filter(version=assessment.version):
            if item.kind == "points":
                rows.append((sheet.pk, item.pk, half_steps(item.max_points * Decimal(str(share))), None, None))
            elif item.kind == "count":
                rows.append((sheet.pk, item.pk, None, None, item.threshold if share == 1 else 0))
            else:
                rows.append((sheet.pk, item.pk, None, True, None))
    return engine.scores_bulk_set(user=user, assessment=assessment, rater=rater, rows=rows)


def stage_status(campaign, kind):
    return campaign.stages.get(kind=kind).status


def test_a_campaign_starts_with_both_rater_groups_locked(campaign):
    assert campaign.assessments.count() == 2
    for assessment in campaign.assessments.all():
        assert set(assessment.locked_groups) == {"self", "inspectors"}
    assert [s.status for s in campaign.stages.all()] == [StageStatus.PENDING] * 3


def test_stages_open_in_order_only(campaign, users):
    with pytest.raises(ValidationError):
        stage_open(user=users["county"], campaign=campaign, kind=StageKind.EVALUATION)
    stage_open(user=users["county"], campaign=campaign, kind=StageKind.DECLARATION)
    with pytest.raises(ValidationError):
        stage_open(user=users["county"], campaign=campaign, kind=StageKind.EVALUATION)  # declaration still open
    with pytest.raises(ValidationError):
        stage_open(user=users["county"], campaign=campaign, kind=StageKind.DECLARATION)  # twice


def test_only_the_county_opens_and_closes_stages(campaign, users):
    for name in ("township_a", "branch_a1", "leader"):
        with pytest.raises(PermissionDenied):
            stage_open(user=users[name], campaign=campaign, kind=StageKind.DECLARATION)
    assert stage_status(campaign, StageKind.DECLARATION) == StageStatus.PENDING


def test_declaration_opens_self_scoring_and_its_close_locks_it(campaign, users, county):
    assessment = village_assessment(campaign)
    sheet = assessment.sheets.get(organization=county.village_a1)
    item = Item.objects.get(version=assessment.version, code="A01")
    self_rater = RaterGroup.objects.get(version=assessment.version, code="self")
    inspectors = RaterGroup.objects.get(version=assessment.version, code="inspectors")
    with pytest.raises(ValidationError):
        engine.score_set(user=users["branch_a1"], sheet=sheet, item=item, rater=self_rater, points=2)
    stage_open(user=users["county"], campaign=campaign, kind=StageKind.DECLARATION)
    engine.score_set(user=users["branch_a1"], sheet=sheet, item=item, rater=self_rater, points=2)
    with pytest.raises(ValidationError):  # inspectors wait for their stage
        engine.score_set(user=users["county"], sheet=sheet, item=item, rater=inspectors, points=2)
    stage_close(user=users["county"], campaign=campaign, kind=StageKind.DECLARATION, confirm=True)
    with pytest.raises(ValidationError):
        engine.score_set(user=users["branch_a1"], sheet=sheet, item=item, rater=self_rater, points=1)
    stage_open(user=users["county"], campaign=campaign, kind=StageKind.EVALUATION)
    engine.score_set(user=users["county"], sheet=sheet, item=item, rater=inspectors, points=2)


def run_to_naming(campaign, users, points_of):
    county = users["county"]
    stage_open(user=county, campaign=campaign, kind=StageKind.DECLARATION)
    stage_close(user=county, campaign=campaign, kind=StageKind.DECLARATION, confirm=True)
    stage_open(user=county, campaign=campaign, kind=StageKind.EVALUATION)
    for assessment in campaign.assessments.all():
        score_all(county, assessment, "inspectors", points_of)
    stage_close(user=county, campaign=campaign, kind=StageKind.EVALUATION, confirm=True)
    stage_open(user=county, campaign=campaign, kind=StageKind.NAMING)


def test_closing_the_evaluation_locks_inspectors_and_computes_results(campaign, users, county):
    run_to_naming(campaign, users, lambda sheet: 1 if sheet.organization_id != county.village_b1.pk else 0.5)
    assessment = village_assessment(campaign)
    assert "inspectors" in assessment.locked_groups
    assert assessment.computed_at is not None
    results = {s.organization_id: (s.total, s.tier) for s in assessment.sheets.all()}
    assert results[county.village_a1.pk] == (100, "qualified")  # 先进 needs the 达标 title first (逐步升创)
    assert results[county.village_b1.pk][1] == ""
    sheet = assessment.sheets.get(organization=county.village_a1)
    item = Item.objects.get(version=assessment.version, code="A01")
    inspectors = RaterGroup.objects.get(version=assessment.version, code="inspectors")
    with pytest.raises(ValidationError):
        engine.score_set(user=users["county"], sheet=sheet, item=item, rater=inspectors, points=1)


def test_naming_needs_a_decision_grants_titles_and_closes(campaign, users, county):
    run_to_naming(campaign, users, lambda sheet: 1 if sheet.organization_id != county.village_b1.pk else 0.5)
    with pytest.raises(ValidationError):
        stage_close(user=users["county"], campaign=campaign, kind=StageKind.NAMING)
    stage_close(user=users["county"], campaign=campaign, kind=StageKind.NAMING, **DECISION, confirm=True)
    titles = TitleAward.objects.filter(status="active")
    assert set(titles.values_list("organization_id", flat=True)) == {
        county.village_a1.pk, county.village_a2.pk, county.township_a.pk, county.township_b.pk}
    assert set(titles.values_list("decision_no", flat=True)) == {"示发〔2003〕3号"}
    assert all(a.status == "closed" for a in campaign.assessments.all())
    campaign.refresh_from_db()
    assert campaign.decision_no == "示发〔2003〕3号"


def test_next_year_removes_the_title_of_who_fell_below_and_promotes_step_by_step(campaign, users, county, shipped):
    from mechanisms.campaigns.services import campaign_create

    run_to_naming(campaign, users, lambda sheet: 1)
    stage_close(user=users["county"], campaign=campaign, kind=StageKind.NAMING, **DECISION, confirm=True)
    following = campaign_create(user=users["county"], owner=county.county, name="2003年三级联创", year=2003,
                                versions=[shipped["five-good-village"]])
    run_to_naming(following, users, lambda sheet: 1 if sheet.organization_id != county.village_a2.pk else 0.5)
    stage_close(user=users["county"], campaign=following, kind=StageKind.NAMING,
                **{**DECISION, "decided_on": datetime.date(2003, 12, 28)}, confirm=True)
    held = dict(TitleAward.objects.filter(status="active", standard__code="five-good-village", tier_level=2)
                .values_list("organization_id", "tier_code"))
    assert held == {county.village_a1.pk: "advanced", county.village_b1.pk: "advanced"}
    removed = TitleAward.objects.get(organization=county.village_a2, status="revoked")
    assert removed.revoke_reason == "failed"

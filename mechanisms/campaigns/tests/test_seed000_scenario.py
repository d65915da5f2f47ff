"""Seed 000 §二.3, end to end: "全县15个乡镇党委至2002年底验收达'六个好'标准的14个，占93.3%，171个村党支部验收达
'五个好'标准的148个，占86.5%" — reproduced by the engine from the inspectors' scores on the shipped standards."""
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from engines.standards import selectors
from engines.standards import services as engine
from engines.standards.models import Item, RaterGroup
from kernel.orgs.services import org_create
from mechanisms.campaigns.library import install_standards
from mechanisms.campaigns.models import StageKind
from mechanisms.campaigns.services import campaign_create, stage_close, stage_open
from tests.kit import make_user

TOWNSHIPS, VILLAGES = 15, 171
VILLAGES_PER_TOWNSHIP = [12] * 6 + [11] * 9  # 171
VILLAGES_BELOW = 20  # scored far below 达标
VILLAGES_VETOED = 3  # full points, but a veto struck (one each: economy, family planning, public order)


@pytest.fixture
def seed_county(db):
    county = org_create(user=None, parent=None, code="430530", name="*县委", org_type="committee")
    townships, villages = [], []
    for t in range(TOWNSHIPS):
        township = org_create(user=None, parent=county, code=f"T{t:02d}", name=f"第{t + 1}乡镇党委",
                              org_type="party_committee", domain="rural")
        townships.append(township)
        for v in range(VILLAGES_PER_TOWNSHIP[t]):
            villages.append(org_create(user=None, parent=township, code=f"T{t:02d}V{v:02d}",
                                       name=f"第{t + 1}乡镇{v + 1}村党支部", org_type="branch", domain="rural"))
    return county, townships, villages


def inspect(user, assessment, *, below=(), vetoed=()):
    """The inspectors' scores: full marks, except half marks for ``below`` and one failed veto for ``vetoed``."""
    rater = RaterGroup.objects.get(version=assessment.version, code="inspectors")
    items = list(Item.objects.filter(version=assessment.version))
    vetoes = [item for item in items if item.veto]
    rows = []
    for n, sheet in enumerate(assessment.sheets.order_by("org_path")):
        low = sheet.organization_id in below
        struck = vetoes[n % len(vetoes)].pk if sheet.organization_id in vetoed else None
        for item in items:
            if item.kind == "points":
                rows.append((sheet.pk, item.pk, item.max_points / 2 if low else item.max_points, None, None))
            elif item.kind == "count":
                rows.append((sheet.pk, item.pk, None, None, 0 if low else item.threshold))
            else:
                rows.append((sheet.pk, item.pk, None, item.pk != struck, None))
    engine.scores_bulk_set(user=user, assessment=assessment, rater=rater, rows=rows)


def test_seed_000_county_2002(seed_county, client):
    county, townships, villages = seed_county
    assert len(villages) == VILLAGES
    user = make_user("county_2002", "county_admin", county)
    shipped = install_standards(user=user, owner=county)
    for share, year in ((Decimal("0.6"), 2000), (Decimal("0.8"), 2001), (Decimal("0.9"), 2002)):
        for code in ("six-good-township", "five-good-village"):
            engine.target_set(user=user, standard=shipped[code].standard, organization=county, tier_code="qualified",
                              year=year, share=share)
    campaign = campaign_create(user=user, owner=county, name="2002年“三级联创”", year=2002,
                               versions=[shipped["six-good-township"], shipped["five-good-village"]])
    stage_open(user=user, campaign=campaign, kind=StageKind.DECLARATION)
    stage_close(user=user, campaign=campaign, kind=StageKind.DECLARATION, confirm=True)
    stage_open(user=user, campaign=campaign, kind=StageKind.EVALUATION)
    township_assessment = campaign.assessments.get(version__standard__code="six-good-township")
    village_assessment = campaign.assessments.get(version__standard__code="five-good-village")
    inspect(user, township_assessment, vetoed={townships[7].pk})
    below = {v.pk for v in villages[::8][:VILLAGES_BELOW]}
    vetoed = {v.pk for v in villages[5::50][:VILLAGES_VETOED]} - below
    assert len(vetoed) == VILLAGES_VETOED
    inspect(user, village_assessment, below=below, vetoed=vetoed)
    stage_close(user=user, campaign=campaign, kind=StageKind.EVALUATION, confirm=True)

    assert selectors.tier_counts(user, township_assessment) == {
        "subjects": 15, "by_tier": {"qualified": 14, "advanced": 0}, "vetoed": 1}
    assert selectors.tier_counts(user, village_assessment) == {
        "subjects": 171, "by_tier": {"qualified": 148, "advanced": 0}, "vetoed": 3}
    for code, reached, subjects in (("six-good-township", 14, 15), ("five-good-village", 148, 171)):
        progress = {row["tier"]: row for row in selectors.target_progress(user, shipped[code].standard, 2002, county)}
        row = progress["qualified"]
        assert (row["subjects"], row["reached"], row["target"]) == (subjects, reached, Decimal("0.9"))
        assert abs(Decimal(row["rate"]) - Decimal(reached) / subjects) < Decimal("0.0001")

    stage_open(user=user, campaign=campaign, kind=StageKind.NAMING)
    stage_close(user=user, campaign=campaign, kind=StageKind.NAMING, decided_on=datetime.date(2002, 12, 30),
                decided_by="中共*县委", decision_no="*发〔2002〕40号", confirm=True)

    client.force_login(user)
    bulletins = [reverse("standards:bulletin", args=[a.pk]) for a in (township_assessment, village_assessment)]
    cockpit = reverse("standards:cockpit")
    for url, figures in ((bulletins[0], ("14", "93.3%")), (bulletins[1], ("148", "86.5%")),
                         (cockpit, ("14", "93.3%", "148", "86.5%"))):
        page = client.get(url).content.decode()
        assert all(figure in page for figure in figures), url

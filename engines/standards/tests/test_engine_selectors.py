"""Selectors of results, counts, rates, targets and history — and that none answers outside the user's subtree."""
import datetime
from decimal import Decimal

import pytest

from engines.standards import naming, selectors, services
from engines.standards.models import Item, RaterGroup, Sheet
from engines.standards.testing import make_standard


def year(y):
    return {"period_kind": "year", "period_start": datetime.date(y, 1, 1), "period_end": datetime.date(y, 12, 31),
            "period_label": str(y)}


def scored_assessment(county, version, y=2002, points=None):
    """A1 reaches 达标 (80), A2 none (40), B1 达标 but struck by a veto in ``vetoed``."""
    assessment = services.assessment_create(user=None, version=version, owner=county.county, name=f"{y}年度",
                                            **year(y))
    inspectors = RaterGroup.objects.get(version=version, code="inspectors")
    items = {i.code: i for i in Item.objects.filter(version=version)}
    points = points or {county.village_a1: (50, True, True), county.village_a2: (40, False, True),
                        county.village_b1: (50, True, False)}
    for org, (a1, b1, v1) in points.items():
        sheet = Sheet.objects.get(assessment=assessment, organization=org)
        services.score_set(user=None, sheet=sheet, item=items["A1"], rater=inspectors, points=a1)
        services.score_set(user=None, sheet=sheet, item=items["B1"], rater=inspectors, passed=b1)
        services.score_set(user=None, sheet=sheet, item=items["V1"], rater=inspectors, passed=v1)
    services.compute_results(user=None, assessment=assessment)
    return assessment


@pytest.fixture
def scored(county):
    version = make_standard(county.county)
    return version, scored_assessment(county, version)


def orgs(sheets):
    return {s.organization for s in sheets}


def test_results_in_rank_order_and_filters(county, users, scored):
    _version, assessment = scored
    rows = list(selectors.results(users["county"], assessment))
    assert [s.organization for s in rows] == [county.village_a1, county.village_a2, county.village_b1]
    assert orgs(selectors.results(users["county"], assessment, tier="qualified")) == {county.village_a1}
    assert orgs(selectors.results(users["county"], assessment, under=county.township_b)) == {county.village_b1}
    assert orgs(selectors.results(users["county"], assessment, search="李家")) == {county.village_a2}
    assert orgs(selectors.results(users["county"], assessment, class_key="rural")) == orgs(rows)


def test_results_stay_inside_the_users_subtree(county, users, scored):
    _version, assessment = scored
    assert orgs(selectors.results(users["township_a"], assessment)) == {county.village_a1, county.village_a2}
    assert orgs(selectors.results(users["branch_a1"], assessment)) == {county.village_a1}
    assert not selectors.results(users["nobody"], assessment).exists()
    assert not selectors.results(users["township_a"], assessment, under=county.township_b).exists()


def test_tier_counts(county, users, scored):
    _version, assessment = scored
    assert selectors.tier_counts(users["county"], assessment) == {
        "subjects": 3, "vetoed": 1, "by_tier": {"qualified": 1, "advanced": 0}}
    assert selectors.tier_counts(users["township_b"], assessment)["subjects"] == 1
    assert selectors.tier_counts(users["nobody"], assessment)["subjects"] == 0


def test_pass_rate_by_child(county, users, scored):
    _version, assessment = scored
    rows = selectors.pass_rate_by_child(users["county"], assessment, county.county, "qualified")
    assert [(r["org"], r["subjects"], r["reached"], r["rate"]) for r in rows] == [
        (county.township_a, 2, 1, Decimal("0.5")), (county.township_b, 1, 0, Decimal("0"))]
    rows = selectors.pass_rate_by_child(users["township_a"], assessment, county.county, "qualified")
    assert rows == []  # the county lies outside a township's scope
    rows = selectors.pass_rate_by_child(users["township_a"], assessment, county.township_a, "qualified")
    assert [(r["org"], r["subjects"]) for r in rows] == [(county.village_a1, 1), (county.village_a2, 1)]


def test_score_distribution(county, users, scored):
    _version, assessment = scored
    bins = selectors.score_distribution(users["county"], assessment, bins=10)
    assert len(bins) == 10 and bins[0]["lo"] == 0 and bins[-1]["hi"] == 100
    by_lo = {b["lo"]: b["count"] for b in bins}
    assert by_lo[Decimal("40")] == 1 and by_lo[Decimal("80")] == 2 and sum(by_lo.values()) == 3
    assert sum(b["count"] for b in selectors.score_distribution(users["township_b"], assessment)) == 1


def test_target_progress(county, users, scored):
    version, _assessment = scored
    services.target_set(user=None, standard=version.standard, organization=county.county, tier_code="qualified",
                        year=2002, share="0.6")
    progress = selectors.target_progress(users["county"], version.standard, 2002, county.county)
    assert progress[0] == {"tier": "qualified", "target": Decimal("0.6"), "subjects": 3, "reached": 1,
                           "rate": Decimal("0.33333333")}
    # a township sees the county's target against its own villages
    progress = selectors.target_progress(users["township_a"], version.standard, 2002, county.township_a)
    assert progress[0]["target"] == Decimal("0.6") and progress[0]["subjects"] == 2
    assert selectors.target_progress(users["township_a"], version.standard, 2002, county.township_b) == []


def test_subject_history_and_latest_assessment(county, users, scored):
    version, first = scored
    naming.titles_from_results(user=None, assessment=first, granted_on=datetime.date(2003, 1, 10), granted_by="县委")
    second = scored_assessment(county, version, 2003)
    history = selectors.subject_history(users["township_a"], version.standard, county.village_a1)
    assert [s.assessment for s in history] == [first, second]
    assert [t.tier_code for t in history[0].titles.all()] == ["qualified"]
    assert history[1].tier == "qualified"
    assert selectors.subject_history(users["township_b"], version.standard, county.village_a1) == []
    assert selectors.latest_assessment(users["township_a"], version.standard) == second
    assert selectors.latest_assessment(users["nobody"], version.standard) is None


def test_a_share_keeps_the_precision_a_one_decimal_percentage_needs():
    from decimal import ROUND_HALF_UP

    from engines.standards.exports import rate_percent

    rate = selectors._share(148, 171)  # seed 000: 148 of 171 villages
    assert f"{(rate * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}" == "86.5"
    assert rate_percent(rate) == "86.5%"
    assert selectors._share(14, 15) == Decimal("0.93333333")
    assert selectors._share(1, 0) == Decimal("0")

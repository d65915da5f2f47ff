"""Results computed set-based: weighted totals, vetoes, tiers (逐步升创 included), ranks and consequences.

The property tests compare engines.standards.compute with a plain Python reference of the documented semantics.
"""
import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engines.standards import naming, services
from engines.standards.compute import label_end
from engines.standards.models import Item, RaterGroup, Sheet, TitleAward
from engines.standards.testing import standard_document
from kernel.orgs.services import org_create

START = datetime.date(2003, 1, 1)
PERIOD = {"period_kind": "year", "period_start": START, "period_end": datetime.date(2003, 12, 31),
          "period_label": "2003"}
RATERS = ["self", "masses", "inspectors"]


def save(county, **overrides):
    return services.standard_save(user=None, document=standard_document(**overrides), owner=county.county)


def assess(version, owner, **kwargs):
    return services.assessment_create(user=None, version=version, owner=owner, name="年度考评", **{**PERIOD, **kwargs})


def enter(version, assessment, org, rater_code="inspectors", **values):
    """Enters the scores of one sheet: A1 points, A2 count, B1 passed, V1 passed."""
    sheet = Sheet.objects.get(assessment=assessment, organization=org)
    rater = RaterGroup.objects.get(version=version, code=rater_code)
    entries = {"A1": ("points", values.get("A1")), "A2": ("count", values.get("A2")),
               "B1": ("passed", values.get("B1")), "V1": ("passed", values.get("V1"))}
    for code, (field, value) in entries.items():
        if value is not None:
            services.score_set(user=None, sheet=sheet, item=Item.objects.get(version=version, code=code), rater=rater,
                               **{field: value})
    return sheet


def results(assessment):
    services.compute_results(user=None, assessment=assessment)
    return {s.organization.code: s for s in Sheet.objects.filter(assessment=assessment).select_related("organization")}


def test_total_weighs_rater_groups_and_ignores_weight_zero(county):
    raters = [{"code": "self", "weight": 0}, {"code": "masses", "weight": 1}, {"code": "inspectors", "weight": 3}]
    version = save(county, raters=raters)
    assessment = assess(version, county.county)
    enter(version, assessment, county.village_a1, "self", A1=50, A2=9, B1=True, V1=True)
    enter(version, assessment, county.village_a1, "masses", A1=40, A2=1, B1=True, V1=True)
    enter(version, assessment, county.village_a1, "inspectors", A1=20, A2=3, B1=False, V1=True)
    got = results(assessment)
    # masses 70, inspectors 40: (1 × 70 + 3 × 40) / 4 = 47.5; the self-assessment does not count
    assert got["A1"].total == Decimal("47.50")
    assert got["A2"].total == Decimal("0.00") and got["A2"].rank_all == 2  # no scores at all still rank


def test_a_veto_fails_the_whole_whatever_the_points(county):
    version = save(county)
    assessment = assess(version, county.county)
    enter(version, assessment, county.village_a1, A1=50, A2=5, B1=True, V1=False)
    enter(version, assessment, county.village_a2, A1=10, A2=0, B1=False, V1=True)
    enter(version, assessment, county.village_b1, "self", V1=False)  # weight 0: no veto
    got = results(assessment)
    assert got["A1"].total == Decimal("100.00") and got["A1"].vetoed
    assert got["A1"].tier == "" and got["A1"].tier_level == 0 and got["A1"].lagging
    assert got["A1"].rank_all == 3 and got["A2"].rank_all == 1
    assert not got["B1"].vetoed


def test_ties_share_a_rank_and_the_next_is_skipped(county):
    version = save(county)
    assessment = assess(version, county.county)
    for org in (county.village_a1, county.village_a2):
        enter(version, assessment, org, A1=30)
    enter(version, assessment, county.village_b1, A1=10)
    got = results(assessment)
    assert [got[c].rank_all for c in ("A1", "A2", "B1")] == [1, 1, 3]
    assert [got[c].rank_parent for c in ("A1", "A2", "B1")] == [1, 1, 1]
    assert [got[c].rank_class for c in ("A1", "A2", "B1")] == [1, 1, 3]


def test_rank_within_class(county):
    version = save(county)
    org_create(user=None, parent=county.township_b, code="B2", name="城东社区党支部", org_type="branch",
               domain="community")
    assessment = assess(version, county.county)
    enter(version, assessment, county.village_a1, A1=30)
    got = results(assessment)
    assert got["B2"].class_key == "community" and got["B2"].rank_class == 1
    assert got["B2"].rank_all == 2 and got["B2"].rank_parent == 1


def test_consequences_commend_the_top_and_yellow_card_the_last_with_ties(county):
    version = save(county, consequences={"commend_top": 1, "yellow_card_last": 1, "lagging_below": "qualified"})
    assessment = assess(version, county.county)
    enter(version, assessment, county.village_a1, A1=50, A2=3, B1=True, V1=True)
    enter(version, assessment, county.village_a2, A1=10)
    enter(version, assessment, county.village_b1, A1=10)
    got = results(assessment)
    assert got["A1"].consequence == "commended" and not got["A1"].lagging
    assert got["A2"].consequence == got["B1"].consequence == "yellow_card"
    assert got["A2"].lagging and got["B1"].lagging


def test_a_vetoed_sheet_is_never_commended(county):
    version = save(county, consequences={"commend_top": 3})
    assessment = assess(version, county.county)
    enter(version, assessment, county.village_a1, A1=50, V1=False)
    got = results(assessment)
    assert got["A1"].consequence == "" and got["A2"].consequence == "commended"


def grant(version, org, tier_code, granted_on, revoked_on=None, period_label=None, sheet=None):
    """A title by decision; by default for the year before the one it is granted in."""
    label = period_label or str(granted_on.year - 1)
    award = services.title_grant(user=None, standard=version.standard, tier_code=tier_code, subject=org,
                                 period_label=label, granted_on=granted_on, granted_by="县委", sheet=sheet)
    if revoked_on:
        services.title_revoke(user=None, award=award, revoked_on=revoked_on, reason="decision")
    return award


def test_step_by_step_the_better_tier_needs_the_lower_title_of_an_earlier_period(county):
    version = save(county)
    org_create(user=None, parent=county.township_b, code="B2", name="赵家村党支部", org_type="branch", domain="rural")
    org_create(user=None, parent=county.township_b, code="B3", name="钱家村党支部", org_type="branch", domain="rural")
    org_create(user=None, parent=county.township_b, code="B4", name="孙家村党支部", org_type="branch", domain="rural")
    from kernel.orgs.models import Organization

    b2, b3, b4 = (Organization.objects.get(code=code) for code in ("B2", "B3", "B4"))
    grant(version, county.village_a1, "qualified", datetime.date(2002, 1, 15))  # for 2001
    # for 2002, named in February 2003 after the period started: counts
    grant(version, county.village_a2, "qualified", datetime.date(2003, 2, 1))
    grant(version, county.village_b1, "qualified", datetime.date(2002, 1, 15), revoked_on=datetime.date(2002, 6, 1))
    # removed during the period assessed: no longer held
    grant(version, b2, "qualified", datetime.date(2002, 1, 15), revoked_on=datetime.date(2003, 6, 1))
    grant(version, b3, "advanced", datetime.date(2002, 1, 15))  # a better title counts too
    grant(version, b4, "qualified", datetime.date(2003, 3, 1), period_label="2003")  # for this very period: no
    assessment = assess(version, county.county)
    for org in (county.village_a1, county.village_a2, county.village_b1, b2, b3, b4):
        enter(version, assessment, org, A1=50, A2=3, B1=True, V1=True)
    got = results(assessment)
    assert {code: got[code].tier for code in got} == {
        "A1": "advanced", "A2": "advanced", "B1": "qualified", "B2": "qualified", "B3": "advanced",
        "B4": "qualified"}
    assert got["A1"].tier_level == 2


def test_a_title_named_after_the_year_ends_counts_for_the_next_year(county):
    """The 2025 results are named in January 2026: that title opens 先进 in the 2026 assessment; one removed
    in March 2026 does not."""
    version = save(county)
    year = {"period_kind": "year", "period_end": datetime.date(2025, 12, 31), "period_label": "2025"}
    previous = assess(version, county.county, **year, period_start=datetime.date(2025, 1, 1))
    for org in (county.village_a1, county.village_a2, county.village_b1):
        enter(version, previous, org, A1=40, A2=3, B1=True, V1=True)
    results(previous)
    counts = naming.titles_from_results(user=None, assessment=previous, granted_on=datetime.date(2026, 1, 15),
                                          granted_by="县委")
    assert counts["granted"] == 3
    services.title_revoke(user=None, award=TitleAward.objects.get(organization=county.village_a2),
                          revoked_on=datetime.date(2026, 3, 10), reason="decision")
    current = assess(version, county.county, period_kind="year", period_start=datetime.date(2026, 1, 1),
                     period_end=datetime.date(2026, 12, 31), period_label="2026")
    for org in (county.village_a1, county.village_a2, county.village_b1):
        enter(version, current, org, A1=50, A2=3, B1=True, V1=True)
    got = results(current)
    assert (got["A1"].tier, got["A2"].tier, got["B1"].tier) == ("advanced", "qualified", "advanced")
    # a title granted from the 2026 results themselves does not lift them: recomputing changes nothing
    naming.titles_from_results(user=None, assessment=current, granted_on=datetime.date(2027, 1, 10),
                                 granted_by="县委")
    assert results(current)["A2"].tier == "qualified"


def test_a_title_granted_by_hand_counts_by_the_period_its_label_names(county):
    version = save(county)
    grant(version, county.village_a1, "qualified", datetime.date(2003, 2, 1), period_label="2002")
    grant(version, county.village_a2, "qualified", datetime.date(2003, 2, 1), period_label="2003-Q1")
    grant(version, county.village_b1, "qualified", datetime.date(2003, 2, 1), period_label="上一届")  # no period
    assessment = assess(version, county.county)
    for org in (county.village_a1, county.village_a2, county.village_b1):
        enter(version, assessment, org, A1=50, A2=3, B1=True, V1=True)
    got = results(assessment)
    assert (got["A1"].tier, got["A2"].tier, got["B1"].tier) == ("advanced", "qualified", "advanced")


def test_the_last_day_of_a_labelled_period():
    assert label_end("2025") == datetime.date(2025, 12, 31)
    assert label_end("2025-Q1") == datetime.date(2025, 3, 31)
    assert label_end("2024-H1") == datetime.date(2024, 6, 30)
    assert label_end("2024-02") == datetime.date(2024, 2, 29)
    assert label_end("2025年度") == datetime.date(2025, 12, 31)
    assert label_end("上一届") is None and label_end("2025-13") is None


def test_a_requirement_of_another_standards_title(county):
    standardized = save(county, code="standardized")
    demonstration = save(county, tiers=[{"code": "demo", "name": "示范", "level": 1, "min_total": 0,
                                         "requires_tier": "standardized:qualified", "title": "示范"}])
    grant(standardized, county.village_a1, "qualified", datetime.date(2002, 3, 1))
    grant(demonstration, county.village_a2, "demo", datetime.date(2002, 3, 1))  # its own title does not count
    assessment = assess(demonstration, county.county)
    got = results(assessment)
    assert got["A1"].tier == "demo" and got["A2"].tier == "" and got["B1"].tier == ""


def test_all_pass_needs_every_pass_fail_item_passed(county):
    tiers = [{"code": "standardized", "name": "标准化", "level": 1, "all_pass": True, "title": "标准化"}]
    version = save(county, tiers=tiers)
    assessment = assess(version, county.county)
    enter(version, assessment, county.village_a1, B1=True, V1=True)
    enter(version, assessment, county.village_a2, B1=True)  # V1 not scored
    enter(version, assessment, county.village_b1, B1=True, V1=True)
    got = results(assessment)
    assert got["A1"].tier == "standardized" and got["A2"].tier == "" and got["B1"].tier == "standardized"


def test_editing_a_used_standard_does_not_change_past_results(county):
    document = standard_document()
    version = services.standard_save(user=None, document=document, owner=county.county)
    assessment = assess(version, county.county)
    enter(version, assessment, county.village_a1, A1=50, A2=3, B1=True, V1=True)
    before = {c: (s.total, s.tier, s.rank_all) for c, s in results(assessment).items()}
    document["tiers"][0]["min_total"] = 99
    document["raters"][1]["weight"] = 2
    document["raters"].append({"code": "masses", "name": "群众", "weight": 2})
    services.standard_save(user=None, document=document, owner=county.county)
    after = {c: (s.total, s.tier, s.rank_all) for c, s in results(assessment).items()}
    assert after == before and before["A1"][1] == "qualified"


# Property-based: compute agrees with a Python reference of the documented semantics.

MAX = {"A1": Decimal(50), "A2": Decimal(20), "B1": Decimal(30), "V1": Decimal(0)}


def reference_value(code, entry):
    if code == "A1":
        return entry, entry == 0
    if code == "A2":
        return (MAX[code], False) if entry >= 3 else (Decimal(0), True)
    return (MAX[code], False) if entry else (Decimal(0), True)


def reference(weights, entries, held, tiers):
    """entries: {(org, rater, item): entry}. Returns {org: (total, vetoed, tier_level, rank_all)}."""
    orgs = sorted(held)
    weight_sum = sum(w for w in weights.values() if w > 0)
    out = {}
    for org in orgs:
        weighted, vetoed, pf_failed, pf_passed = Decimal(0), False, False, set()
        for (o, rater, code), entry in entries.items():
            if o != org or weights[rater] <= 0:
                continue
            value, failed = reference_value(code, entry)
            weighted += weights[rater] * value
            vetoed |= failed and code == "V1"
            if code in ("B1", "V1"):
                pf_failed |= failed
                if not failed:
                    pf_passed.add(code)
        total = (weighted / weight_sum).quantize(Decimal("0.01"), ROUND_HALF_UP) if weight_sum else Decimal(0)
        level = 0
        for tier in sorted(tiers, key=lambda t: -t["level"]):
            ok = total >= tier["min_total"] and not (tier["no_veto"] and vetoed)
            ok &= not tier.get("all_pass") or (not pf_failed and len(pf_passed) == 2)
            ok &= not tier.get("requires_tier") or held[org] >= 1
            if ok:
                level = tier["level"]
                break
        out[org] = (total, vetoed, level)
    keys = {org: (v[1], -v[0]) for org, v in out.items()}
    return {org: (*out[org], 1 + sum(1 for other in orgs if keys[other] < keys[org])) for org in orgs}


ORG_CODES = ["P1", "P2", "P3", "P4", "P5", "P6"]
half_points = st.integers(0, 100).map(lambda n: Decimal(n) / 2)
entry_for = {"A1": half_points, "A2": st.integers(0, 5), "B1": st.booleans(), "V1": st.booleans()}
entries_strategy = st.dictionaries(
    st.tuples(st.sampled_from(ORG_CODES), st.sampled_from(RATERS), st.sampled_from(list(MAX))),
    st.just(None), max_size=40,
).flatmap(lambda keys: st.fixed_dictionaries({k: entry_for[k[2]] for k in keys}))
weights_strategy = st.fixed_dictionaries({r: st.sampled_from([Decimal(0), Decimal("0.5"), Decimal(1), Decimal(2),
                                                             Decimal(3)]) for r in RATERS})


@pytest.fixture
def many(county):
    township = org_create(user=None, parent=county.county, code="TP", name="丙镇党委", org_type="party_committee",
                          domain="rural")
    orgs = {}
    for n, code in enumerate(ORG_CODES):
        parent = township if n % 2 else county.township_a
        orgs[code] = org_create(user=None, parent=parent, code=code, name=f"第{n}村党支部", org_type="branch",
                                domain="rural" if n % 3 else "community")
    return county, orgs


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(weights=weights_strategy, entries=entries_strategy,
       held=st.fixed_dictionaries({code: st.sampled_from([0, 1, 2]) for code in ORG_CODES}),
       min_totals=st.tuples(st.integers(0, 60), st.integers(0, 40)),
       all_pass=st.booleans())
def test_results_agree_with_the_reference(many, weights, entries, held, min_totals, all_pass):
    county, orgs = many
    tiers = [
        {"code": "qualified", "name": "达标", "level": 1, "min_total": min_totals[0], "no_veto": True,
         "all_pass": all_pass, "title": "达标"},
        {"code": "advanced", "name": "先进", "level": 2, "min_total": min_totals[0] + min_totals[1],
         "no_veto": True, "requires_tier": "qualified", "title": "先进"},
        {"code": "listed", "name": "入围", "level": 3, "min_total": 95, "no_veto": False},
    ]
    raters = [{"code": r, "name": r, "weight": weights[r]} for r in RATERS]
    version = services.standard_save(user=None, document=standard_document(raters=raters, tiers=tiers,
                                                                           applies_to={}), owner=county.county)
    for code, state in held.items():
        if state == 1:  # the lower title for the year before, named only after this period started
            grant(version, orgs[code], "qualified", START + datetime.timedelta(days=20))
        elif state == 2:  # a title for this very period does not count
            grant(version, orgs[code], "qualified", START + datetime.timedelta(days=1), period_label="2003")
    held = {code: int(state == 1) for code, state in held.items()}
    assessment = assess(version, county.county, subjects=list(orgs.values()))
    items = {i.code: i.pk for i in Item.objects.filter(version=version)}
    groups = {g.code: g for g in RaterGroup.objects.filter(version=version)}
    sheets = {s.organization.code: s.pk for s in assessment.sheets.select_related("organization")}
    for rater in RATERS:
        rows = []
        for (org, r, code), entry in entries.items():
            if r == rater:
                field = {"A1": 2, "A2": 4, "B1": 3, "V1": 3}[code]
                row = [sheets[org], items[code], None, None, None]
                row[field] = entry
                rows.append(tuple(row))
        services.scores_bulk_set(user=None, assessment=assessment, rater=groups[rater], rows=rows)
    expected = reference(weights, entries, held, tiers)
    got = results(assessment)
    assert {code: (s.total, s.vetoed, s.tier_level, s.rank_all) for code, s in got.items()} == expected
    # vetoes dominate: never a no_veto tier, and ranked after every sheet without a veto
    for sheet in got.values():
        if sheet.vetoed:
            assert sheet.tier_level in (0, 3)
            assert all(other.rank_all < sheet.rank_all for other in got.values() if not other.vetoed)
    TitleAward.objects.all().delete()

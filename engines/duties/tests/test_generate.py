"""Periods of every cadence and the set-based generation of obligations."""
import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engines.duties import clock, services
from engines.duties.generate import version_for
from engines.duties.models import Obligation, ObligationState, RuleVersion
from engines.duties.periods import deadline, period_of, periods_of_year
from engines.duties.testing import make_rule

D = datetime.date
CADENCES = ["weekly", "monthly", "quarterly", "half_yearly", "yearly"]


# --- periods ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("cadence", "day", "start", "end", "label"), [
    ("monthly", D(2024, 2, 10), D(2024, 2, 1), D(2024, 2, 29), "2024-02"),
    ("monthly", D(2025, 2, 28), D(2025, 2, 1), D(2025, 2, 28), "2025-02"),
    ("monthly", D(2025, 12, 31), D(2025, 12, 1), D(2025, 12, 31), "2025-12"),
    ("monthly", D(2025, 4, 30), D(2025, 4, 1), D(2025, 4, 30), "2025-04"),
    ("quarterly", D(2025, 8, 15), D(2025, 7, 1), D(2025, 9, 30), "2025-Q3"),
    ("quarterly", D(2024, 2, 29), D(2024, 1, 1), D(2024, 3, 31), "2024-Q1"),
    ("half_yearly", D(2025, 6, 30), D(2025, 1, 1), D(2025, 6, 30), "2025-H1"),
    ("half_yearly", D(2025, 7, 1), D(2025, 7, 1), D(2025, 12, 31), "2025-H2"),
    ("yearly", D(2024, 2, 29), D(2024, 1, 1), D(2024, 12, 31), "2024"),
    # ISO weeks across year ends: 2024-12-30 is Monday of 2025-W01; 2027-01-01 lies in 2026-W53.
    ("weekly", D(2024, 12, 31), D(2024, 12, 30), D(2025, 1, 5), "2025-W01"),
    ("weekly", D(2027, 1, 1), D(2026, 12, 28), D(2027, 1, 3), "2026-W53"),
    ("weekly", D(2025, 1, 29), D(2025, 1, 27), D(2025, 2, 2), "2025-W05"),
])
def test_period_of_each_cadence(cadence, day, start, end, label):
    period = period_of(cadence, day)
    assert (period.start, period.end, period.label) == (start, end, label)


def test_periods_of_a_year():
    assert len(periods_of_year("weekly", 2025)) == 52
    assert len(periods_of_year("weekly", 2026)) == 53
    assert periods_of_year("weekly", 2026)[-1].end == D(2027, 1, 3)
    assert [p.label for p in periods_of_year("quarterly", 2025)] == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    assert len(periods_of_year("monthly", 2024)) == 12
    assert periods_of_year("monthly", 2024)[1].end == D(2024, 2, 29)


def test_deadline_and_grace_cross_month_ends():
    period = period_of("monthly", D(2024, 2, 1))
    assert deadline("monthly", period, due_days=1, grace_days=1) == (D(2024, 3, 1), D(2024, 3, 2))
    period = period_of("quarterly", D(2025, 12, 1))
    assert deadline("quarterly", period, due_days=10, grace_days=20) == (D(2026, 1, 10), D(2026, 1, 30))


@settings(max_examples=60, deadline=None)
@given(year=st.integers(min_value=1990, max_value=2100), cadence=st.sampled_from(CADENCES))
def test_every_day_of_a_year_lies_in_exactly_one_period(year, cadence):
    periods = periods_of_year(cadence, year - 1) + periods_of_year(cadence, year) + periods_of_year(cadence, year + 1)
    day = D(year, 1, 1)
    while day.year == year:
        containing = [period for period in periods if day in period]
        assert len(containing) == 1, (cadence, day)
        assert containing[0] == period_of(cadence, day)
        day += datetime.timedelta(days=1)
    # The periods of a year follow each other without gaps or overlaps.
    own = periods_of_year(cadence, year)
    for before, after in zip(own, own[1:]):
        assert after.start == before.end + datetime.timedelta(days=1)


# --- generation -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("cadence", "per_branch"), [
    ("weekly", 52), ("monthly", 12), ("quarterly", 4), ("half_yearly", 2), ("yearly", 1)])
def test_generation_for_every_cadence(county, cadence, per_branch):
    version = make_rule(county.county, cadence=cadence)
    with clock.today_is(D(2025, 1, 2)):
        created = services.generate(user=None, rule=version.rule, year=2025)
    assert created == 3 * per_branch  # three branches
    rows = Obligation.objects.filter(rule=version.rule, organization=county.village_a1).order_by("period_start")
    assert rows.count() == per_branch
    assert all(row.owed_to_id == county.township_a.pk for row in rows)
    assert all(row.due_on == row.period_end + datetime.timedelta(days=10) for row in rows)
    assert all(row.missed_after == row.due_on + datetime.timedelta(days=20) for row in rows)
    assert RuleVersion.objects.get(pk=version.pk).frozen


def test_generation_in_a_leap_year_ends_february_on_the_29th(county):
    version = make_rule(county.county, cadence="monthly", due_days=0, grace_days=0, effective_from="2024-01-01")
    with clock.today_is(D(2024, 3, 1)):
        services.generate(user=None, rule=version.rule, year=2024)
    february = Obligation.objects.get(rule=version.rule, organization=county.village_a1, period_label="2024-02")
    assert (february.period_end, february.due_on) == (D(2024, 2, 29), D(2024, 2, 29))
    assert february.state == ObligationState.MISSED  # 1 March is after the last day of grace


@settings(max_examples=10, deadline=None)
@given(year=st.integers(min_value=2025, max_value=2030), cadence=st.sampled_from(CADENCES))
@pytest.mark.django_db
def test_generation_is_idempotent(year, cadence):
    from kernel.orgs.models import Organization
    from tests.kit import make_small_county

    county = Organization.objects.filter(code="C").first()
    root = county if county is not None else make_small_county().county
    version = make_rule(root, cadence=cadence)
    first = services.generate(user=None, rule=version.rule, year=year)
    assert first == 3 * len(periods_of_year(cadence, year))
    assert services.generate(user=None, rule=version.rule, year=year) == 0
    assert Obligation.objects.filter(rule=version.rule).count() == first


def test_applies_to_types_domains_and_the_owners_subtree(county):
    townships = make_rule(county.county, applies_to={"org_types": ["party_committee"]}, recipient="owner",
                          cadence="yearly")
    services.generate(user=None, rule=townships.rule, year=2025)
    rows = Obligation.objects.filter(rule=townships.rule)
    assert {row.organization_id for row in rows} == {county.township_a.pk, county.township_b.pk}
    assert {row.owed_to_id for row in rows} == {county.county.pk}
    local = make_rule(county.township_a, cadence="yearly", applies_to={}, recipient="none")
    services.generate(user=None, rule=local.rule, year=2025)
    assert set(Obligation.objects.filter(rule=local.rule).values_list("organization_id", flat=True)) == {
        county.township_a.pk, county.village_a1.pk, county.village_a2.pk}
    assert not Obligation.objects.filter(rule=local.rule, owed_to__isnull=False).exists()


def test_generation_under_a_root_and_within_the_users_scope(county, users):
    version = make_rule(county.county, cadence="yearly")
    assert services.generate(user=users["township_a"], rule=version.rule, year=2025) == 2
    assert services.generate(user=None, rule=version.rule, year=2025, root=county.township_b) == 1
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.generate(user=users["township_a"], rule=version.rule, year=2026, root=county.township_b)


def test_person_duties_follow_posts(county):
    from kernel.people.models import Post

    secretary = county.people["zhangsan"]
    Post.objects.create(person=secretary, organization=county.village_a1, org_path=county.village_a1.path,
                        title="secretary", started_on=D(2020, 1, 1))
    version = make_rule(county.county, subject="person", applies_to={"posts": ["secretary"]}, cadence="half_yearly")
    assert services.generate(user=None, rule=version.rule, year=2025) == 2
    row = Obligation.objects.filter(rule=version.rule).first()
    assert (row.person_id, row.org_path, row.owed_to_id) == (secretary.pk, county.village_a1.path,
                                                             county.township_a.pk)


def test_once_rules(county):
    version = make_rule(county.county, cadence="once", due_on="2025-06-30", effective_from="2025-03-01",
                        due_days=0, grace_days=5)
    assert services.generate_once(user=None, rule=version.rule) == 3
    assert services.generate_once(user=None, rule=version.rule) == 0
    row = Obligation.objects.filter(rule=version.rule).first()
    assert (row.period_start, row.period_end, row.due_on, row.missed_after, row.period_label) == (
        D(2025, 3, 1), D(2025, 6, 30), D(2025, 6, 30), D(2025, 7, 5), "2025-06-30")
    assert services.generate(user=None, rule=version.rule, year=2026) == 0


def test_a_new_version_from_july_governs_the_periods_starting_after_it(county):
    first = make_rule(county.county, code="versioned", cadence="quarterly", min_count=1)
    services.generate(user=None, rule=first.rule, year=2025, root=county.township_b)  # freezes version 1
    second = services.rule_save(user=None, owner=county.county, document={
        **first.document, "effective_from": "2025-07-01", "min_count": 2, "due_days": 15})
    assert second.number == 2
    assert version_for(first.rule, D(2025, 6, 30)).pk == first.pk
    assert version_for(first.rule, D(2025, 7, 1)).pk == second.pk
    services.generate(user=None, rule=first.rule, year=2025)
    rows = {row.period_label: row for row in Obligation.objects.filter(rule=first.rule, organization=county.village_a1)}
    assert (rows["2025-Q2"].version_id, rows["2025-Q2"].required_count) == (first.pk, 1)
    assert (rows["2025-Q3"].version_id, rows["2025-Q3"].required_count) == (second.pk, 2)
    assert rows["2025-Q3"].due_on == D(2025, 10, 15)
    # Obligations generated before the new version keep theirs.
    b1 = Obligation.objects.get(rule=first.rule, organization=county.village_b1, period_label="2025-Q3")
    assert b1.version_id == first.pk

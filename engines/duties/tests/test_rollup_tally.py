"""The roll-up's tally (counts per organization subtree, rule and year) equals a count of the obligations
after everything that writes them: generation, submissions, review, the clock, waivers, bulk writes."""
import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection

from engines.duties import clock, selectors, services, tally
from engines.duties.models import Obligation, ObligationState
from engines.duties.testing import make_rule

D = datetime.date


def assert_tally_is_live():
    assert tally.rows() == tally.live_rows()


def test_tally_follows_a_constructed_year(county, users):
    quarterly = make_rule(county.county, code="tally-quarterly", review=True).rule
    yearly = make_rule(county.county, code="tally-yearly", cadence="yearly", applies_to={}).rule
    assert tally.rows() == set()
    services.generate(user=None, year=2025)
    services.generate(user=None, rule=quarterly, year=2026)
    assert_tally_is_live()
    county_row = {row[:3]: row[3:] for row in tally.rows()}[(tally.EVERY_RULE, 2025, county.county.path)]
    assert sum(county_row) == Obligation.objects.filter(period_start__year=2025).count() > 0

    with clock.today_is(D(2025, 4, 9)):
        on_time = services.submit(user=users["county"], rule=quarterly, subject=county.village_a1,
                                  occurred_on=D(2025, 3, 1), title="季度报告")
        returned = services.submit(user=users["county"], rule=quarterly, subject=county.village_b1,
                                   occurred_on=D(2025, 3, 2), title="季度报告")
        services.submit(user=users["county"], rule=yearly, subject=county.township_a, occurred_on=D(2025, 3, 3),
                        title="年度报告")
    services.submission_review(user=users["county"], submission=on_time, accept=True)
    services.submission_review(user=users["county"], submission=returned, accept=False, note="重写")
    assert_tally_is_live()
    services.refresh_states(today=D(2025, 5, 15))
    assert_tally_is_live()
    assert Obligation.objects.filter(state=ObligationState.MISSED).exists()
    services.waive(user=users["county"], obligation=Obligation.objects.filter(
        org_path=county.village_a2.path, state=ObligationState.MISSED).first(), note="新建支部")
    services.submission_withdraw(user=users["county"], submission=on_time)
    assert_tally_is_live()
    # Writers outside the services (a mechanism's bulk update, a deletion) are counted too.
    Obligation.objects.filter(org_path=county.village_b1.path, state=ObligationState.OPEN).update(
        state=ObligationState.DONE, completed_on=D(2025, 6, 1), done_count=1)
    Obligation.objects.filter(org_path=county.village_a1.path, period_start__year=2026).delete()
    Obligation.objects.filter(org_path=county.village_a2.path).update(reminded_on=D(2025, 6, 1))
    assert_tally_is_live()
    nodes = selectors.rollup_paths(users["county"], county.county, year=2025)
    states = list(Obligation.objects.filter(period_start__year=2025).values_list("org_path", "state"))
    for node, counted in nodes.items():
        below = [state for path, state in states if path.startswith(node)]
        assert selectors.as_counts(counted) == {**{s: below.count(s) for s in selectors.STATES}, "total": len(below)}


@pytest.mark.django_db(transaction=True)
def test_rebuild_repairs_the_tally(county, users):
    make_rule(county.county, code="tally-repair")
    services.generate(user=None, year=2025)
    expected = tally.live_rows()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {tally.TABLE} SET open = open + 5")
    assert tally.rows() != expected
    call_command("duties_rebuild_summary", stdout=io.StringIO())
    assert tally.rows() == expected
    Obligation.objects.all().delete()
    assert tally.rows() == set()


def test_tally_counted_from_the_subjects_matches_the_obligations(county):
    """Generation counts its subjects rather than its rows (PostgreSQL): a rule with two versions in the year,
    a second rule counted onto the first one's every-rule rows, and a generation that must skip rows."""
    versioned = make_rule(county.county, code="tally-versioned", cadence="quarterly", effective_from="2024-01-01")
    services.generate(user=None, rule=versioned.rule, year=2024)  # version 1 is used, so the next one is new
    services.rule_save(user=None, owner=county.county, document={
        **versioned.document, "effective_from": "2025-07-01", "min_count": 2})
    with clock.today_is(D(2025, 8, 20)):
        services.generate(user=None, year=2025)  # both versions of the one rule, in one count
        assert_tally_is_live()
        monthly = make_rule(county.county, code="tally-monthly", cadence="monthly", applies_to={}).rule
        services.generate(user=None, rule=monthly, year=2025)  # onto the every-rule rows already there
        assert_tally_is_live()
        yearly = make_rule(county.county, code="tally-yearly-late", cadence="yearly", applies_to={}).rule
        services.generate(user=None, rule=yearly, year=2025, root=county.township_b)
        services.generate(user=None, rule=yearly, year=2025)  # the rest of the county, skipping township B's
        assert_tally_is_live()
    every = {row[:3]: row[3:] for row in tally.rows()}[(tally.EVERY_RULE, 2025, county.county.path)]
    assert sum(every) == Obligation.objects.filter(period_start__year=2025).count()
    by_version = Obligation.objects.filter(rule=versioned.rule, organization=county.village_a1, period_start__year=2025)
    assert sorted(by_version.values_list("required_count", flat=True)) == [1, 1, 2, 2]

"""One obligation by its own date (obligation_once) and the recount of many obligations at once (recount_many)."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from engines.duties import clock, services, tally
from engines.duties.models import Obligation, ObligationState, Submission
from engines.duties.testing import make_rule
from tests.kit import county_built_once

county, users = county_built_once()

D = datetime.date


@pytest.fixture
def once_rule(county):
    return make_rule(county.county, cadence="once", due_on="2000-12-31", effective_from="2000-01-01",
                     applies_to={}, recipient="owner", grace_days=15, review=True).rule


@pytest.fixture
def day():
    def set_day(value):
        clock.set_today(value)
        return value

    yield set_day
    clock.set_today(None)


def test_one_obligation_by_its_own_date_for_one_subject(county, once_rule, day):
    day(D(2025, 3, 1))
    obligation = services.obligation_once(user=None, rule=once_rule, subject=county.village_a1, due_on=D(2025, 3, 31))
    assert (obligation.period_start, obligation.period_end, obligation.due_on, obligation.missed_after) == (
        D(2025, 3, 1), D(2025, 3, 31), D(2025, 3, 31), D(2025, 4, 15))
    assert obligation.owed_to == county.county and obligation.state == ObligationState.OPEN
    assert obligation.org_path == county.village_a1.path and obligation.required_count == 1
    assert Obligation.objects.filter(rule=once_rule).count() == 1  # only that subject
    obligation.version.refresh_from_db()
    assert obligation.version.frozen


def test_calling_again_returns_the_same_obligation_and_a_new_date_moves_it(county, once_rule, day, users):
    day(D(2025, 3, 1))
    first = services.obligation_once(user=None, rule=once_rule, subject=county.village_a1, due_on=D(2025, 3, 31),
                                     owed_to=county.township_a)
    again = services.obligation_once(user=None, rule=once_rule, subject=county.village_a1, due_on=D(2025, 3, 31))
    assert again.pk == first.pk and Obligation.objects.filter(rule=once_rule).count() == 1
    assert again.owed_to == county.township_a
    day(D(2025, 4, 5))
    moved = services.obligation_once(user=None, rule=once_rule, subject=county.village_a1, due_on=D(2025, 4, 30),
                                     period_start=D(2025, 3, 1))
    assert moved.pk == first.pk and (moved.due_on, moved.missed_after, moved.state) == (
        D(2025, 4, 30), D(2025, 5, 15), ObligationState.OPEN)
    # another start is another obligation (two notices to the same organization)
    other = services.obligation_once(user=None, rule=once_rule, subject=county.village_a1, due_on=D(2025, 4, 30),
                                     period_start=D(2025, 2, 28))
    assert other.pk != first.pk


def test_state_follows_the_clock_and_the_submissions(county, once_rule, day):
    day(D(2025, 5, 10))  # issued after its deadline passed: overdue at once
    obligation = services.obligation_once(user=None, rule=once_rule, subject=county.village_a1,
                                          due_on=D(2025, 5, 1), period_start=D(2025, 4, 1))
    assert obligation.state == ObligationState.OVERDUE
    submission = services.submit(user=None, rule=once_rule, subject=county.village_a1, occurred_on=D(2025, 4, 1),
                                 period_start=D(2025, 4, 1), title="整改报告")
    assert submission.obligation_id == obligation.pk
    services.submission_review(user=None, submission=submission, accept=True)
    obligation.refresh_from_db()
    assert (obligation.state, obligation.completed_on, obligation.done_count) == (ObligationState.LATE,
                                                                                 D(2025, 5, 10), 1)
    clock.refresh_states(today=D(2025, 7, 1))
    obligation.refresh_from_db()
    assert obligation.state == ObligationState.LATE
    assert tally.rows() == tally.live_rows()


def test_refused_for_a_periodic_rule_and_outside_scope(county, once_rule, users, day):
    day(D(2025, 3, 1))
    quarterly = make_rule(county.county).rule
    with pytest.raises(ValidationError):
        services.obligation_once(user=None, rule=quarterly, subject=county.village_a1, due_on=D(2025, 3, 31))
    with pytest.raises(ValidationError):  # an organization's rule owed by a person
        services.obligation_once(user=None, rule=once_rule, subject=county.people["zhangsan"], due_on=D(2025, 3, 31))
    with pytest.raises(PermissionDenied):
        services.obligation_once(user=users["township_b"], rule=once_rule, subject=county.village_a1,
                                 due_on=D(2025, 3, 31))
    assert not Obligation.objects.filter(rule=once_rule).exists()


def test_recount_many_gives_what_recount_gives(county, day):
    """Submissions written in bulk (as a demo or an import does), then counted at once; the same obligations
    recounted one by one must come out identical."""
    day(D(2025, 1, 5))
    rule = make_rule(county.county, cadence="monthly", min_count=2, due_days=5, grace_days=10).rule
    services.generate(user=None, rule=rule, year=2025)
    obligations = list(Obligation.objects.filter(rule=rule, period_start__lte=D(2025, 4, 1)).order_by("pk"))
    rows = []
    for n, obligation in enumerate(obligations):
        month_end = obligation.period_end
        entries = [(month_end, 1), (month_end + datetime.timedelta(days=n % 9), 1)][:1 + n % 2]
        rows += [Submission(obligation=obligation, rule=rule, organization_id=obligation.organization_id,
                            org_path=obligation.org_path, occurred_on=obligation.period_start, submitted_on=when,
                            units=units, title="记录",
                            review=Submission.Review.RETURNED if n % 5 == 4 else Submission.Review.NONE)
                 for when, units in entries]
    Submission.objects.bulk_create(rows)
    waived = obligations[3]
    Obligation.objects.filter(pk=waived.pk).update(state=ObligationState.WAIVED)
    assert services.recount_many([o.pk for o in obligations], today=D(2025, 5, 20)) == len(obligations)
    together = {o.pk: (o.done_count, o.completed_on, o.state) for o in Obligation.objects.filter(rule=rule)}
    for obligation in obligations:
        services.recount(obligation, today=D(2025, 5, 20))
    one_by_one = {o.pk: (o.done_count, o.completed_on, o.state) for o in Obligation.objects.filter(rule=rule)}
    assert together == one_by_one
    states = {state for _done, _on, state in together.values()}
    assert {ObligationState.DONE, ObligationState.LATE, ObligationState.MISSED, ObligationState.WAIVED} <= states
    assert together[waived.pk][2] == ObligationState.WAIVED
    assert tally.rows() == tally.live_rows()

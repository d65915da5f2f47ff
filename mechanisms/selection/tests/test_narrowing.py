"""The narrowing rule: the best N (ties at the cut all go through), a threshold, a vote by share."""
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from mechanisms.selection.narrowing import BELOW_THRESHOLD, BELOW_TOP, NO_VOTES, VOTE_FAILED, Row, narrow

scores = st.lists(st.integers(min_value=0, max_value=200).map(lambda n: Decimal(n) / 2), min_size=0, max_size=40)


def _rows(values):
    return [Row(key=index, score=value) for index, value in enumerate(values)]


@given(scores, st.integers(min_value=0, max_value=45))
def test_top_n_keeps_the_best_and_every_tie_at_the_cut(values, keep):
    result = narrow(_rows(values), method="top", keep=keep)
    through = [values[k] for k, reason in result.items() if not reason]
    out = [values[k] for k, reason in result.items() if reason]
    assert set(result) == set(range(len(values)))
    assert all(reason in ("", BELOW_TOP) for reason in result.values())
    assert len(through) >= min(keep, len(values))
    if through and out:
        assert min(through) > max(out)  # nobody eliminated scores as well as someone who went through
    if len(through) > keep and keep:
        assert through.count(min(through)) > len(through) - keep  # the excess is only the tie at the cut


@given(scores, st.integers(min_value=0, max_value=45))
def test_top_n_ignores_the_order_of_the_rows(values, keep):
    forward = narrow(_rows(values), method="top", keep=keep)
    backward = narrow(list(reversed(_rows(values))), method="top", keep=keep)
    assert forward == backward


def test_a_tie_at_the_cut_goes_through_together():
    values = [Decimal(v) for v in (90, 85, 85, 85, 70)]
    result = narrow(_rows(values), method="top", keep=2)
    assert [k for k, reason in result.items() if not reason] == [0, 1, 2, 3]


@given(scores, st.integers(min_value=0, max_value=200).map(lambda n: Decimal(n) / 2))
def test_threshold_passes_exactly_the_scores_reaching_it(values, threshold):
    result = narrow(_rows(values), method="threshold", threshold=threshold)
    for key, reason in result.items():
        assert (reason == "") == (values[key] >= threshold)
        assert reason in ("", BELOW_THRESHOLD)


votes = st.lists(st.integers(min_value=0, max_value=60).flatmap(
    lambda cast: st.tuples(st.integers(min_value=0, max_value=cast), st.just(cast))), max_size=30)


@given(votes, st.sampled_from([Decimal("0.5"), Decimal("0.6667"), Decimal("0.75")]))
def test_a_vote_passes_those_above_the_share(ballots, share):
    rows = [Row(key=i, votes_for=f, votes_cast=c) for i, (f, c) in enumerate(ballots)]
    result = narrow(rows, method="vote", threshold=share)
    for key, (votes_for, cast) in enumerate(ballots):
        if cast == 0:
            assert result[key] == NO_VOTES
        else:
            assert (result[key] == "") == (Fraction(votes_for, cast) > Fraction(str(share)))
            assert result[key] in ("", VOTE_FAILED)


def test_a_majority_means_more_than_half():
    rows = [Row(0, votes_for=26, votes_cast=51), Row(1, votes_for=25, votes_cast=50), Row(2, votes_for=26,
                                                                                        votes_cast=50)]
    assert narrow(rows, method="vote", threshold=Decimal("0.5")) == {0: "", 1: VOTE_FAILED, 2: ""}


def test_a_capped_vote_keeps_the_best_shares():
    rows = [Row(i, votes_for=40 - i, votes_cast=50) for i in range(6)]
    result = narrow(rows, method="vote", threshold=Decimal("0.5"), keep=4)
    assert [k for k, reason in result.items() if not reason] == [0, 1, 2, 3]
    assert result[4] == result[5] == BELOW_TOP

"""Seed 001: 100 nominees through 初评 → 考察 → 二评 → 公示 → 审定 to 20 good cadres (80% eliminated); an
objection during the notice window pauses its candidate, and the round cannot close until it is resolved."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from kernel.people.services import person_create
from mechanisms.selection import selectors, services
from mechanisms.selection.models import (
    Candidate,
    Decision,
    Nomination,
    Nominee,
    Outcome,
    PoolEntry,
    Round,
    SelectionStatus,
)
from mechanisms.selection.testing import CHANNELS, cadre_name, points_for
from tests.kit import county_built_once

county, users = county_built_once()

pytestmark = pytest.mark.django_db

OPENED = datetime.date(2025, 6, 2)


def _nominate(county, user, selection, count=100):
    villages = [county.village_a1, county.village_a2, county.village_b1]
    people = [person_create(user=None, organization=villages[i % 3], name=cadre_name(i), gender="male")
              for i in range(count)]
    for index, person in enumerate(people):
        services.nomination_add(user=user, selection=selection, person=person, channel=CHANNELS[index % 4],
                                nominator=f"推荐单位{index}", statement="工作扎实")
    return people


def _score(user, round_, totals: dict):
    """totals: {person: total}; every candidate of the round gets the criteria points adding up to it."""
    version = round_.assessment.version
    by_person = {c.nominee.person_id: c.pk for c in Candidate.objects.filter(round=round_).select_related("nominee")}
    services.scores_set(user=user, round_=round_, scores={by_person[p.pk]: points_for(version, total)
                                                          for p, total in totals.items()})


def _round(selection, number) -> Round:
    return Round.objects.get(selection=selection, number=number)


def _through(round_) -> list:
    return [c.nominee.person for c in Candidate.objects.filter(round=round_, outcome=Outcome.PASSED)
            .select_related("nominee__person").order_by("id")]


@pytest.fixture
def selection(county, users):
    return services.selection_create(user=users["county"], owner=county.county, name="2025年度好干部评选", year=2025)


def test_duplicate_nominations_merge_into_one_nominee_with_every_channel(county, users, selection):
    person = county.people["zhangsan"]
    services.nomination_add(user=users["county"], selection=selection, person=person, channel="unit",
                            nominator="甲镇党委")
    services.nomination_add(user=users["township_a"], selection=selection, person=person, channel="self",
                            nominator="张三", statement="自荐")
    services.nomination_add(user=users["county"], selection=selection, person=person, channel="unit",
                            nominator="县农业局")
    nominee = Nominee.objects.get(selection=selection)
    assert nominee.channels == ["unit", "self"]
    assert Nomination.objects.filter(nominee=nominee).count() == 3
    with pytest.raises(PermissionDenied):  # township A cannot nominate township B's people
        services.nomination_add(user=users["township_a"], selection=selection, person=county.people["wangwu"],
                                channel="unit", nominator="甲镇党委")


def test_a_hundred_nominees_pass_five_rounds_to_twenty(county, users, selection):
    user = users["county"]
    people = _nominate(county, user, selection)
    for person in people[:10]:  # nominated twice: still one nominee each
        services.nomination_add(user=user, selection=selection, person=person, channel="society",
                                nominator="群众代表")
    assert Nominee.objects.filter(selection=selection).count() == 100
    assert Nomination.objects.filter(selection=selection).count() == 110

    services.rounds_start(user=user, selection=selection, today=OPENED)
    # 初评: the best 50 of 100 scores (people[0] best).
    first = _round(selection, 1)
    _score(user, first, {p: Decimal("99.5") - Decimal("0.5") * i for i, p in enumerate(people)})
    services.round_close(user=user, round_=first, today=OPENED, confirm=True)
    assert _through(first) == people[:50]

    # 考察: 75 points or more; 30 of the 50 reach it.
    second = _round(selection, 2)
    _score(user, second, {p: 95 - Decimal("0.5") * i if i < 30 else 60 + i % 10 for i, p in enumerate(people[:50])})
    services.round_close(user=user, round_=second, today=OPENED, confirm=True)
    assert _through(second) == people[:30]

    # 二评: the best 25.
    third = _round(selection, 3)
    _score(user, third, {p: 95 - i for i, p in enumerate(people[:30])})
    services.round_close(user=user, round_=third, today=OPENED, confirm=True)
    assert _through(third) == people[:25]

    # 公示: two objections in the window; one dismissed (goes on), one upheld (eliminated).
    notice = _round(selection, 4)
    window_last = services.window_end(notice)
    assert window_last == OPENED + datetime.timedelta(days=6)
    dismissed_one, upheld_one = (Candidate.objects.get(round=notice, nominee__person=people[i]) for i in (3, 7))
    first_objection = services.objection_raise(user=user, candidate=dismissed_one, raised_by="匿名来信",
                                               text="反映其作风问题", today=OPENED + datetime.timedelta(days=2))
    second_objection = services.objection_raise(user=user, candidate=upheld_one, raised_by="村民李某",
                                                text="反映其违规操办酒席", today=window_last)
    assert {c.outcome for c in (Candidate.objects.get(pk=dismissed_one.pk), Candidate.objects.get(pk=upheld_one.pk))} \
        == {Outcome.PAUSED}
    with pytest.raises(ValidationError):  # the window is still open
        services.round_close(user=user, round_=notice, today=window_last, confirm=True)
    after_window = window_last + datetime.timedelta(days=1)
    with pytest.raises(ValidationError):  # no objection after the window
        services.objection_raise(user=user, candidate=dismissed_one, raised_by="某人", text="迟到的异议",
                                 today=after_window)
    with pytest.raises(ValidationError):  # two candidates still paused
        services.round_close(user=user, round_=notice, today=after_window, confirm=True)
    assert services.close_blockers(notice, after_window)
    services.objection_resolve(user=user, objection=first_objection, upheld=False, note="经核查不属实",
                               today=after_window)
    assert Candidate.objects.get(pk=dismissed_one.pk).outcome == Outcome.PENDING
    with pytest.raises(ValidationError):
        services.round_close(user=user, round_=notice, today=after_window, confirm=True)
    services.objection_resolve(user=user, objection=second_objection, upheld=True, note="经核查属实，违反规定",
                               today=after_window)
    eliminated = Candidate.objects.get(pk=upheld_one.pk)
    assert eliminated.outcome == Outcome.ELIMINATED and "违反规定" in eliminated.reason
    services.round_close(user=user, round_=notice, today=after_window, confirm=True)
    assert _through(notice) == [p for i, p in enumerate(people[:25]) if i != 7]

    # 审定: votes for must exceed half the votes cast; at most 20 go through.
    final = _round(selection, 5)
    finalists = _through(notice)
    by_person = {c.nominee.person_id: c.pk for c in Candidate.objects.filter(round=final).select_related("nominee")}
    votes = {by_person[p.pk]: (49 - i if i < 22 else 25, 50) for i, p in enumerate(finalists)}  # 25 of 50 fails
    services.votes_set(user=user, round_=final, votes=votes)
    services.round_close(user=user, round_=final, today=after_window, confirm=True)
    assert _through(final) == finalists[:20]

    entered = [r.entered for r in selectors.rounds(selection)]
    went_through = [r.passed for r in selectors.rounds(selection)]
    assert entered == [100, 50, 30, 25, 24]
    assert went_through == [50, 30, 25, 24, 20]
    rates = [round(r.elimination_rate, 3) for r in selectors.rounds(selection)]
    assert rates == [0.5, 0.4, round(5 / 30, 3), 0.04, round(4 / 24, 3)]
    funnel = selectors.funnel(selection)
    assert funnel["nominated"] == 100 and funnel["selected"] == 20 and funnel["overall_rate"] == 0.8

    selection.refresh_from_db()
    assert selection.status == SelectionStatus.DONE
    pool = PoolEntry.objects.filter(selection=selection)
    assert sorted(e.person_id for e in pool) == sorted(p.pk for p in finalists[:20])
    assert {(e.year, e.priority_promotion, e.priority_training) for e in pool} == {(2025, True, True)}

    # Every outcome is on record: who decided, when, why; a decision cannot be rewritten.
    record = list(Decision.objects.filter(candidate__nominee__person=people[7]).order_by("id"))
    assert [d.outcome for d in record][-2:] == [Outcome.PAUSED, Outcome.ELIMINATED]
    assert record[-1].decided_by == user and "违反规定" in record[-1].reason
    with pytest.raises(ValueError):
        record[-1].save()
    below = Candidate.objects.get(round=first, nominee__person=people[80])
    assert below.outcome == Outcome.ELIMINATED and "50" in below.reason
    half = Candidate.objects.get(round=final, nominee__person=finalists[23])
    assert half.votes_for == 25 and half.outcome == Outcome.ELIMINATED and half.reason != \
        Candidate.objects.get(round=final, nominee__person=finalists[21]).reason


def test_only_the_owner_closes_a_round(county, users, selection):
    _nominate(county, users["county"], selection, count=6)
    services.rounds_start(user=users["county"], selection=selection, today=OPENED)
    with pytest.raises(PermissionDenied):
        services.round_close(user=users["township_a"], round_=_round(selection, 1), today=OPENED, confirm=True)
    with pytest.raises(ValidationError):  # nobody scored yet: closing would let everybody through on a tie at 0
        services.round_close(user=users["county"], round_=_round(selection, 1), today=OPENED, confirm=True)
    with translation.override("en"):
        assert services.close_blockers(_round(selection, 1), OPENED) == ["6 candidates have no score entered."]
    assert _round(selection, 1).status == "open"

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kernel.orgs.services import org_create
from kernel.people.models import Post
from kernel.people.services import post_create
from mechanisms.elections import rules, selectors, services
from mechanisms.elections.models import Review, Stage
from tests.kit import make_member

from .helpers import HELD, run_election, term


def test_quorum_is_more_than_the_fraction_of_eligible_members():
    assert rules.quorum_met(votes_cast=21, eligible=40)
    assert not rules.quorum_met(votes_cast=20, eligible=40)  # exactly half is not more than half
    assert not rules.quorum_met(votes_cast=32, eligible=40, numerator=4, denominator=5)
    assert rules.quorum_met(votes_cast=33, eligible=40, numerator=4, denominator=5)


def test_majority_is_of_the_votes_cast_and_a_tie_elects_nobody():
    assert rules.majority(votes=16, votes_cast=30)
    assert not rules.majority(votes=15, votes_cast=30)
    assert rules.single_seat_winner({"a": 16, "b": 14}, 30) == "a"
    assert rules.single_seat_winner({"a": 15, "b": 15}, 30) is None


def test_election_replaces_the_committee_posts(county):
    village = county.village_a1
    old = post_create(user=None, person=county.people["zhangsan"], organization=village, title="secretary",
                      started_on=datetime.date(2021, 9, 1))
    deputy = make_member(village, "陳大", birth=datetime.date(1985, 1, 1))
    election = run_election(term(county), village, county.people["chen"], others=[(deputy, "deputy_secretary")])
    assert election.stage == Stage.DONE
    old.refresh_from_db()
    assert old.ended_on == HELD
    current = set(Post.objects.current(HELD).filter(organization=village).values_list("person__name", "title"))
    assert current == {("陳小紅", "secretary"), ("陳大", "deputy_secretary")}


def test_assembly_without_quorum_cannot_finish(county):
    tc = term(county, quorum=(4, 5))
    election = run_election(tc, county.village_a1, county.people["chen"], votes_cast=30, eligible=40, finish=False)
    with pytest.raises(ValidationError, match="30"):
        services.election_finish(user=None, election=election)
    assert not Post.objects.filter(organization=county.village_a1, title="secretary").exists()


def test_secretary_without_majority_of_votes_cast_is_not_elected(county):
    election = run_election(term(county), county.village_a1, county.people["chen"], votes_cast=30,
                            secretary_votes=15, finish=False)
    with pytest.raises(ValidationError):
        services.election_finish(user=None, election=election)
    assert services.outcome(election)["winners"] == []


def test_a_candidate_failing_review_is_excluded(county, users):
    tc = term(county)
    election = services.election_open(user=users["township_a"], term_change=tc, organization=county.village_a1)
    good = services.candidate_add(user=users["township_a"], election=election, person=county.people["chen"],
                                  title="secretary", masses_count=50)
    bad = services.candidate_add(user=users["township_a"], election=election, person=county.people["zhangsan"],
                                 title="secretary", members_count=5)
    services.recommendation_finish(user=users["township_a"], election=election)
    with pytest.raises(PermissionDenied):
        services.candidate_review(user=users["branch_a1"], candidate=good, passed=True)
    with pytest.raises(ValidationError):
        services.candidate_review(user=users["township_a"], candidate=bad, passed=False)  # no reason
    with pytest.raises(ValidationError):
        services.review_finish(user=users["township_a"], election=election)  # someone not reviewed
    services.candidate_review(user=users["township_a"], candidate=good, passed=True)
    services.candidate_review(user=users["township_a"], candidate=bad, passed=False, reason="受过党内处分")
    services.review_finish(user=users["township_a"], election=election)
    with pytest.raises(ValidationError, match="张三"):
        services.votes_record(user=users["township_a"], election=election, held_on=HELD, eligible_voters=40,
                              votes_cast=30, votes={good.pk: 10, bad.pk: 20})
    services.votes_record(user=users["township_a"], election=election, held_on=HELD, eligible_voters=40,
                          votes_cast=30, votes={good.pk: 20})
    services.election_finish(user=users["township_a"], election=election)
    good.refresh_from_db()
    bad.refresh_from_db()
    assert (good.elected, bad.elected, bad.review) == (True, False, Review.FAILED)
    election.refresh_from_db()
    assert election.recommended_by == users["township_a"] and election.reviewed_on is not None


def test_no_votes_above_the_votes_cast(county):
    election = run_election(term(county), county.village_a1, county.people["chen"], finish=False)
    candidate = election.candidates.get()
    with pytest.raises(ValidationError):
        services.votes_record(user=None, election=election, held_on=HELD, eligible_voters=40, votes_cast=30,
                              votes={candidate.pk: 31})
    with pytest.raises(ValidationError):
        services.votes_record(user=None, election=election, held_on=HELD, eligible_voters=40, votes_cast=41,
                              votes={})


def test_township_user_cannot_open_an_election_in_another_township(county, users):
    with pytest.raises(PermissionDenied):
        services.election_open(user=users["township_a"], term_change=term(county), organization=county.village_b1)


def test_progress_per_township_against_its_deadline(county, users):
    tc = term(county, deadlines={county.township_a: datetime.date(2026, 9, 30),
                                 county.township_b: datetime.date(2026, 12, 31)})
    run_election(tc, county.village_a1, county.people["chen"])
    rows = {row["township"].code: row for row in selectors.progress(users["county"], tc, today=datetime.date(2026, 10, 15))}
    assert (rows["TA"]["done"], rows["TA"]["total"], rows["TA"]["overdue"]) == (1, 2, True)
    assert (rows["TB"]["done"], rows["TB"]["total"], rows["TB"]["overdue"]) == (0, 1, False)


def test_one_shoulder_and_cross_village_shares(county, users):
    """10 villages in township A, 4 secretaries also directors, 2 secretaries from outside the village."""
    township = county.township_a
    outsider_home = org_create(user=None, parent=township, code="TA-GOV", name="甲镇机关党支部", org_type="branch",
                               domain="agency")
    tc = term(county)
    made = [county.village_a1, county.village_a2] + [
        org_create(user=None, parent=township, code=f"AV{i}", name=f"第{i}村党支部", org_type="branch", domain="rural")
        for i in range(8)]
    for index, village in enumerate(made):
        home = outsider_home if index < 2 else village
        secretary = make_member(home, f"书记{index}")
        run_election(tc, village, secretary)
        if 3 <= index < 7:
            post_create(user=None, person=secretary, organization=village, title="village_director",
                        started_on=HELD)
    result = selectors.figures(users["county"], tc, county.county, on=HELD + datetime.timedelta(days=1))
    row_a = next(row for row in result["townships"] if row["organization"] == township)
    assert (row_a["villages"], row_a["one_shoulder"], row_a["cross_village"]) == (10, 4, 2)
    assert (row_a["one_shoulder_pct"], row_a["cross_village_pct"]) == (40.0, 20.0)
    assert result["total"]["villages"] == 11  # village B1 has neither


def test_a_secretary_re_elected_keeps_the_post(county):
    sitting = post_create(user=None, person=county.people["chen"], organization=county.village_a1, title="secretary",
                          started_on=datetime.date(2021, 9, 1))
    run_election(term(county), county.village_a1, county.people["chen"])
    sitting.refresh_from_db()
    assert sitting.ended_on is None
    assert Post.objects.filter(organization=county.village_a1, title="secretary").count() == 1

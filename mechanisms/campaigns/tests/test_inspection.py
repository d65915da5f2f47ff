"""Cross-inspection (交叉检查): teams from the township committees, villages of other townships only, balanced."""
import datetime
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from kernel.people.services import post_create
from mechanisms.campaigns.balance import Unbalanceable, balanced_assignment
from mechanisms.campaigns.models import Assignment
from mechanisms.campaigns.services import assignment_move, teams_draw, villages_assign
from tests.kit import make_member


def instance(village_counts, team_townships):
    villages = [(f"v{t}-{i}", t) for t, n in enumerate(village_counts) for i in range(n)]
    teams = [(f"team{t}", t) for t in team_townships]
    return villages, teams


def feasible(villages, teams) -> bool:
    """Hall's condition: each township's villages fit in the other teams at the best balanced quotas."""
    total, count = len(villages), len(teams)
    if count == 0:
        return total == 0
    base, extra = divmod(total, count)
    per = Counter(t for _, t in villages)
    homes = {home for _, home in teams}
    # Spare places go to the teams of the townships with fewest villages: a township's own team gets the
    # larger quota only if there are more spare places than teams of smaller townships.
    for township, n in per.items():
        own = 0
        if township in homes:
            smaller = sum(1 for _, home in teams if (per.get(home, 0), home) < (n, township))
            own = base + (1 if smaller < extra else 0)
        if n > total - own:
            return False
    return True


@settings(max_examples=200, deadline=None)
@given(counts=st.lists(st.integers(0, 9), min_size=1, max_size=8), seed=st.integers(0, 10**6),
       data=st.data())
def test_never_own_township_and_balanced(counts, seed, data):
    townships = list(range(len(counts)))
    with_team = data.draw(st.lists(st.sampled_from(townships), min_size=1, unique=True))
    villages, teams = instance(counts, with_team)
    try:
        chosen = balanced_assignment(villages, teams, seed)
    except Unbalanceable:
        assert not feasible(villages, teams)
        return
    home = dict(teams)
    assert set(chosen) == {v for v, _ in villages}
    assert all(home[chosen[v]] != township for v, township in villages)
    loads = Counter(chosen.values())
    sizes = [loads.get(team, 0) for team, _ in teams]
    assert max(sizes) - min(sizes) <= 1
    assert balanced_assignment(list(reversed(villages)), teams, seed) == chosen  # reproducible


def test_an_impossible_share_is_refused_not_bent():
    villages, teams = instance([10, 1], [0, 1])  # ten villages of township 0, only team 1 may take them
    with pytest.raises(Unbalanceable):
        balanced_assignment(villages, teams, 1)


@pytest.fixture
def committees(county):
    """Township A's and B's committee members: a discipline and an organization committee member each."""
    for township, names in ((county.township_a, ("甲纪委", "甲组织")), (county.township_b, ("乙纪委", "乙组织"))):
        for name, title in zip(names, ("discipline_member", "organization_member"), strict=True):
            person = make_member(township, name)
            post_create(user=None, person=person, organization=township, title=title,
                        started_on=datetime.date(2020, 1, 1))
    return county


def test_teams_are_drawn_from_each_townships_committee(campaign, committees, users):
    teams = teams_draw(user=users["county"], campaign=campaign)
    assert [(t.township, sorted(p.name for p in t.members.all())) for t in teams] == [
        (committees.township_a, ["甲纪委", "甲组织"]), (committees.township_b, ["乙纪委", "乙组织"])]


def test_villages_go_to_the_other_township_reproducibly(campaign, committees, users):
    teams_draw(user=users["county"], campaign=campaign)
    villages_assign(user=users["county"], campaign=campaign, seed=5)
    first = dict(Assignment.objects.values_list("organization_id", "team__township_id"))
    assert first == {committees.village_a1.pk: committees.township_b.pk,
                     committees.village_a2.pk: committees.township_b.pk,
                     committees.village_b1.pk: committees.township_a.pk}
    villages_assign(user=users["county"], campaign=campaign, seed=5)
    assert dict(Assignment.objects.values_list("organization_id", "team__township_id")) == first


def test_moving_a_village_to_its_own_townships_team_is_refused(campaign, committees, users):
    teams = teams_draw(user=users["county"], campaign=campaign)
    villages_assign(user=users["county"], campaign=campaign, seed=1)
    assignment = Assignment.objects.get(organization=committees.village_b1)
    with pytest.raises(ValidationError):
        assignment_move(user=users["county"], assignment=assignment, team=teams[1])  # township B's own team
    assert Assignment.objects.get(pk=assignment.pk).team == teams[0]


def test_a_village_moves_by_hand(campaign, committees, users, client):
    teams_draw(user=users["county"], campaign=campaign)
    township_a_team, _township_b_team = campaign.teams.order_by("number")
    villages_assign(user=users["county"], campaign=campaign, seed=1)
    assignment = Assignment.objects.get(organization=committees.village_b1)
    client.force_login(users["county"])
    response = client.post(f"/campaigns/assignments/{assignment.pk}/move/", {"team": township_a_team.pk},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert Assignment.objects.get(pk=assignment.pk).team == township_a_team
    own = campaign.teams.get(township=committees.township_b)
    response = client.post(f"/campaigns/assignments/{assignment.pk}/move/", {"team": own.pk}, HTTP_HX_REQUEST="true")
    assert "检查组不能检查本乡镇" in response.content.decode()
    assert Assignment.objects.get(pk=assignment.pk).team == township_a_team


def test_teams_page_and_printout(campaign, committees, users, client):
    teams_draw(user=users["county"], campaign=campaign)
    villages_assign(user=users["county"], campaign=campaign, seed=1)
    client.force_login(users["county"])
    page = client.get(f"/campaigns/{campaign.pk}/teams/").content.decode()
    assert "甲纪委" in page and "王家村党支部" in page
    pdf = client.get(f"/campaigns/{campaign.pk}/teams.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_only_the_county_edits_assignments(campaign, committees, users, client):
    teams_draw(user=users["county"], campaign=campaign)
    villages_assign(user=users["county"], campaign=campaign, seed=1)
    assignment = Assignment.objects.get(organization=committees.village_a1)
    client.force_login(users["township_a"])
    response = client.post(f"/campaigns/assignments/{assignment.pk}/move/", {"team": assignment.team_id})
    assert response.status_code == 404
    response = client.post(f"/campaigns/{campaign.pk}/teams/draw/")
    assert response.status_code == 404

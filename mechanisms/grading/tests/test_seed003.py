"""Seed 003: 85 grassroots organizations, 42 graded lagging from data; a "3+1" team each; 三定一帮 plans run
through to acceptance by the end of October; re-grading lifts them all; the board shows 42 of 42."""
import datetime
import re
from collections import Counter

import pytest

from kernel.people.choices import PostTitle
from kernel.people.services import post_create
from mechanisms.grading import selectors, services
from mechanisms.grading.models import Grade, ProblemLine, ProblemType, Round, SupportTeam
from mechanisms.grading.testing import DEADLINE, GRADED_ON, make_jinta
from tests.kit import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def jinta():
    return make_jinta()


@pytest.fixture
def county_user(jinta):
    return make_user("jt_county", "county_admin", jinta.county)


def _grade_and_confirm(user, jinta):
    services.grades_propose(user=user, upgrading=jinta.upgrading, on=GRADED_ON)
    services.grades_confirm(user=user, upgrading=jinta.upgrading, on=GRADED_ON, confirm=True)


def test_proposals_find_the_42_lagging_with_their_reasons(jinta, county_user):
    written = services.grades_propose(user=county_user, upgrading=jinta.upgrading, on=GRADED_ON)
    assert written == 85
    grades = {g.organization_id: g for g in Grade.objects.select_related("level")}
    lagging = {pk for pk, g in grades.items() if g.level.lagging}
    assert lagging == {org.pk for org in jinta.lagging}
    assert [r["code"] for r in grades[jinta.lagging_by_standard[0].pk].reasons] == ["standard_lagging"]
    assert grades[jinta.lagging_by_meetings[0].pk].reasons[-1] == {"code": "missed_meetings", "count": 2}
    vacant = grades[jinta.lagging_by_secretary[0].pk]
    assert vacant.reasons[-1] == {"code": "secretary_vacant"} and vacant.weak_lax
    assert not grades[jinta.lagging_by_meetings[0].pk].weak_lax
    assert grades[jinta.branches[-1].pk].level.code == "good"
    assert all(g.confirmed_on is None and g.source == "rule" for g in grades.values())


def test_hand_and_confirmed_grades_survive_a_new_proposal(jinta, county_user):
    services.grades_propose(user=county_user, upgrading=jinta.upgrading, on=GRADED_ON)
    good = jinta.branches[-1]
    services.grade_set(user=county_user, upgrading=jinta.upgrading, organization=good, level="lagging",
                       reason="群众反映强烈", weak_lax=True)
    one = Grade.objects.get(organization=jinta.lagging[0])
    services.grades_confirm(user=county_user, upgrading=jinta.upgrading, grades=[one], confirm=True)
    assert Grade.objects.exclude(confirmed_on=None).count() == 2
    services.grades_propose(user=county_user, upgrading=jinta.upgrading, on=GRADED_ON)
    hand = Grade.objects.get(organization=good)
    assert hand.source == "hand" and hand.level.code == "lagging" and hand.reasons[0]["text"] == "群众反映强烈"


def test_the_whole_year_lifts_42_of_42(jinta, county_user, client):
    _grade_and_confirm(county_user, jinta)
    assert services.lagging_organizations(jinta.upgrading).count() == 42

    teams = services.teams_propose(user=county_user, upgrading=jinta.upgrading)
    assert len(teams) == 42 and SupportTeam.objects.count() == 42
    for team in SupportTeam.objects.select_related("organization__parent"):
        secretary = team.organization.parent.posts.get(title=PostTitle.SECRETARY).person
        assert team.committee_secretary == secretary
    for field in ("county_leader", "cadre"):
        loads = Counter(SupportTeam.objects.values_list(f"{field}_id", flat=True))
        assert max(loads.values()) - min(loads.values()) <= 1 and max(loads.values()) <= 3
        assert set(loads) <= {p.pk for p in jinta.leaders + jinta.cadres}

    start = datetime.date(2013, 8, 1)
    for org in jinta.lagging:
        plan = services.plan_open(user=county_user, upgrading=jinta.upgrading, organization=org, today=start)
        services.problem_add(user=county_user, plan=plan, line=ProblemLine.LEADERSHIP, kind=ProblemType.PARALYSED,
                             description="班子不健全")
        measure = services.measure_add(user=county_user, plan=plan, content="配齐村党支部书记", owner="镇党委",
                                       deadline=datetime.date(2013, 9, 30))
        services.visit_add(user=county_user, plan=plan, on=start, visitors="县领导、镇党委书记、组工干部")
        services.plan_advance(user=county_user, plan=plan, today=start)
        services.plan_approve(user=county_user, plan=plan, today=start)
        services.plan_advance(user=county_user, plan=plan, today=start)
        assert plan.case.stage == "in_progress"
        if org in jinta.lagging_by_secretary:
            post_create(user=None, person=jinta.leaders[0], organization=org, title=PostTitle.SECRETARY)
        services.measure_progress(user=county_user, measure=measure, progress=100, on=datetime.date(2013, 9, 20))
        services.plan_advance(user=county_user, plan=plan, today=datetime.date(2013, 9, 25))
        services.plan_approve(user=county_user, plan=plan, comment="验收合格", today=datetime.date(2013, 10, 10))
        services.plan_advance(user=county_user, plan=plan, today=datetime.date(2013, 10, 10))
        assert plan.case.status == "closed" and plan.case.closed_on <= DEADLINE

    # each plan's acceptance wrote its organization's re-grade: the lowest grade above lagging, confirmed
    board = selectors.board(county_user, jinta.upgrading, today=DEADLINE)
    assert (board["lagging"], board["lifted"], board["closed"]) == (42, 42, 42)
    assert {(g.level.code, g.source, g.weak_lax) for g in Grade.objects.filter(round=Round.REGRADE)} == {
        ("average", "plan", False)}

    services.grades_propose(user=county_user, upgrading=jinta.upgrading, round=Round.REGRADE, on=DEADLINE)
    services.grades_confirm(user=county_user, upgrading=jinta.upgrading, round=Round.REGRADE, on=DEADLINE, confirm=True)
    board = selectors.board(county_user, jinta.upgrading, today=DEADLINE)
    assert (board["lagging"], board["lifted"], board["teams"], board["overdue"]) == (42, 42, 42, 0)
    assert all(row["stage"] == "closed" and row["measures_done"] == 1 and row["visits"] == 1 for row in board["rows"])
    client.force_login(county_user)
    page = client.get(f"/grading/{jinta.upgrading.pk}/board/").content.decode()
    assert re.findall(r"\d+", re.search(r'id="lifted">([^<]*)<', page).group(1)) == ["42", "42"]
    assert page.count('data-org="') == 42


def test_regrading_keeps_lagging_an_organization_whose_plan_is_open(jinta, county_user):
    _grade_and_confirm(county_user, jinta)
    org = jinta.lagging_by_standard[0]
    services.plan_open(user=county_user, upgrading=jinta.upgrading, organization=org, today=GRADED_ON)
    services.grades_propose(user=county_user, upgrading=jinta.upgrading, round=Round.REGRADE, on=DEADLINE)
    regrades = {g.organization_id: g for g in Grade.objects.filter(round=Round.REGRADE).select_related("level")}
    assert len(regrades) == 42
    assert regrades[org.pk].level.lagging and regrades[org.pk].reasons == [{"code": "plan_open"}]
    # the ten without a secretary still have none
    assert regrades[jinta.lagging_by_secretary[0].pk].level.lagging

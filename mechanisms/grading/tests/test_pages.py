"""Grading pages: the grades list with proposals and confirmation, teams, the board (42 of 42, xlsx, PDF),
a plan's page; outside the user's subtree everything is a 404."""
import datetime
import re

import pytest

from kernel.people.services import post_create
from mechanisms.grading import services
from mechanisms.grading.models import Plan, ProblemLine, ProblemType, Round
from mechanisms.grading.testing import DEADLINE, GRADED_ON, make_jinta
from tests.kit import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def jinta():
    return make_jinta(branches=10, by_standard=2, by_meetings=1, by_secretary=1, leaders=2, cadres=2)


@pytest.fixture
def county_client(client, jinta):
    client.force_login(make_user("jt_county", "county_admin", jinta.county))
    return client


def _lifted(page: str) -> list[str]:
    """The numbers of the board's "lifted" figure ("4 of 4", in whatever language)."""
    return re.findall(r"\d+", re.search(r'id="lifted">([^<]*)<', page).group(1))


def _lift_all(user, jinta):
    services.grades_propose(user=user, upgrading=jinta.upgrading, on=GRADED_ON)
    services.grades_confirm(user=user, upgrading=jinta.upgrading, on=GRADED_ON, confirm=True)
    services.teams_propose(user=user, upgrading=jinta.upgrading)
    day = datetime.date(2013, 8, 1)
    for org in jinta.lagging:
        plan = services.plan_open(user=user, upgrading=jinta.upgrading, organization=org, today=day)
        services.problem_add(user=user, plan=plan, line=ProblemLine.PREMISES, kind=ProblemType.POOR, description="无活动场所")
        measure = services.measure_add(user=user, plan=plan, content="建活动室", owner="镇党委", deadline=DEADLINE)
        services.plan_advance(user=user, plan=plan, today=day)
        services.plan_approve(user=user, plan=plan, today=day)
        services.plan_advance(user=user, plan=plan, today=day)
        if org in jinta.lagging_by_secretary:
            post_create(user=None, person=jinta.cadres[0], organization=org, title="secretary")
        services.measure_progress(user=user, measure=measure, progress=100, on=day)
        services.plan_advance(user=user, plan=plan, today=day)
        services.plan_approve(user=user, plan=plan, today=day)
        services.plan_advance(user=user, plan=plan, today=day)
    services.grades_propose(user=user, upgrading=jinta.upgrading, round=Round.REGRADE, on=DEADLINE)
    services.grades_confirm(user=user, upgrading=jinta.upgrading, round=Round.REGRADE, on=DEADLINE, confirm=True)


def test_the_county_proposes_and_confirms_on_the_grades_page(county_client, jinta):
    url = f"/grading/{jinta.upgrading.pk}/"
    county_client.post(url + "propose/", {"round": "initial"})
    page = county_client.get(url).content.decode()
    assert page.count("badge text-bg-danger") == 4 and page.count("badge text-bg-warning") == 1
    assert page.count(">Confirm</button>") + page.count(">确认</button>") == 10
    response = county_client.post(url + "confirm/", {"round": "initial", "confirm": "1"})
    assert response.status_code == 302
    assert services.lagging_organizations(jinta.upgrading).count() == 4


def test_board_page_xlsx_and_pdf_show_every_lagging_organization_lifted(county_client, jinta):
    from django.contrib.auth import get_user_model

    _lift_all(get_user_model().objects.get(username="jt_county"), jinta)
    page = county_client.get(f"/grading/{jinta.upgrading.pk}/board/").content.decode()
    assert _lifted(page) == ["4", "4"]
    assert page.count('data-org="') == 4
    xlsx = county_client.get(f"/grading/{jinta.upgrading.pk}/board.xlsx")
    assert xlsx.status_code == 200 and b"".join(xlsx.streaming_content)[:2] == b"PK"
    pdf = county_client.get(f"/grading/{jinta.upgrading.pk}/board.pdf")
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"
    plan = Plan.objects.first()
    page = county_client.get(f"/grading/plans/{plan.pk}/").content.decode()
    assert "建活动室" in page and "无活动场所" in page and 'aria-current="step"' in page
    teams = county_client.get(f"/grading/{jinta.upgrading.pk}/teams/").content.decode()
    assert teams.count("<tr>") >= 5


def test_outside_the_subtree_everything_is_404(client, jinta):
    from kernel.orgs.services import org_create
    from tests.kit import make_user as mk

    county_user = mk("jt_county2", "county_admin", jinta.county)
    services.grades_propose(user=county_user, upgrading=jinta.upgrading, on=GRADED_ON)
    services.grades_confirm(user=county_user, upgrading=jinta.upgrading, on=GRADED_ON, confirm=True)
    plan = services.plan_open(user=county_user, upgrading=jinta.upgrading, organization=jinta.lagging[0],
                              today=GRADED_ON)
    other = org_create(user=None, parent=None, code="OTHER", name="别县委", org_type="committee")
    client.force_login(mk("stranger", "county_admin", other))
    pk = jinta.upgrading.pk
    for url in (f"/grading/{pk}/", f"/grading/{pk}/teams/", f"/grading/{pk}/board/", f"/grading/{pk}/board.xlsx",
                f"/grading/plans/{plan.pk}/", f"/api/grading/{pk}/board", f"/api/grading/plans/{plan.pk}"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/grading/{pk}/propose/").status_code == 404
    assert client.post(f"/grading/plans/{plan.pk}/advance/").status_code == 404
    # a township sees its own villages' plan, not the other township's
    own = jinta.lagging[0].parent
    client.force_login(mk("town", "township_admin", own))
    assert client.get(f"/grading/plans/{plan.pk}/").status_code == 200
    client.force_login(mk("town2", "township_admin", next(t for t in jinta.townships if t != own)))
    assert client.get(f"/grading/plans/{plan.pk}/").status_code == 404


def test_api_lists_proposals_and_the_board(client, jinta):
    user = make_user("api_county", "county_admin", jinta.county)
    client.force_login(user)
    pk = jinta.upgrading.pk
    assert client.post(f"/api/grading/{pk}/grades/propose", {"round": "initial"},
                       content_type="application/json").status_code == 200
    services.grades_propose(user=user, upgrading=jinta.upgrading, on=GRADED_ON)
    proposals = client.get(f"/api/grading/{pk}/grades?proposed=true&level=lagging").json()
    assert proposals["count"] == 4 and all(item["reasons"] for item in proposals["items"])
    services.grades_confirm(user=user, upgrading=jinta.upgrading, on=GRADED_ON, confirm=True)
    board = client.get(f"/api/grading/{pk}/board").json()
    assert (board["lagging"], board["lifted"]) == (4, 0)


def test_install_grading_installs_the_rectification_workflow_once(county):
    from django.core.management import call_command

    from engines.workflows.models import StageDef, Workflow

    call_command("install_grading", "--owner", county.county.code)
    call_command("install_grading", "--owner", county.county.code)
    workflow = Workflow.objects.get(code="rectification-plan")
    assert workflow.versions.count() == 1
    assert list(StageDef.objects.filter(version=workflow.current_version).values_list("code", flat=True)) == [
        "drafted", "approved", "in_progress", "accepted", "closed"]


def test_plan_page_shows_the_stage_deadline_and_how_late_it_is(county_client, jinta):
    from kernel.core import clock

    services.grades_propose(user=None, upgrading=jinta.upgrading, on=GRADED_ON)
    services.grades_confirm(user=None, upgrading=jinta.upgrading, on=GRADED_ON, confirm=True)
    opened = datetime.date(2013, 8, 1)
    plan = services.plan_open(user=None, upgrading=jinta.upgrading, organization=jinta.lagging[0], today=opened)
    assert plan.case.due_on == datetime.date(2013, 8, 21)  # 拟定 has 20 days
    with clock.today_is(datetime.date(2013, 8, 21)):
        page = county_client.get(f"/grading/plans/{plan.pk}/").content.decode()
        assert "2013-08-21" in page and "case-overdue" not in page
    with clock.today_is(datetime.date(2013, 8, 26)):
        page = county_client.get(f"/grading/plans/{plan.pk}/").content.decode()
        assert 'case-overdue" data-days="5"' in page

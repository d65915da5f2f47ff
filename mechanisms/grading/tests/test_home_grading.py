"""The home page's grading panel: this year's lagging organizations, lifted and lifted by the deadline, against last
year; the same numbers as the timetable board and its API; a township sees its own; the table as a workbook."""
import datetime
import io
import re

import openpyxl
import pytest
from django.urls import reverse

from kernel.core import clock
from mechanisms.grading import services
from mechanisms.grading.models import Grade, GradeLevel, ProblemLine, ProblemType, Round
from mechanisms.grading.testing import DEADLINE, GRADED_ON, YEAR, make_jinta
from tests.kit import make_user

pytestmark = pytest.mark.django_db
PANEL = "grading.lagging"


def panel_figures(page: str) -> list[tuple[str, str]]:
    """(link, value) of each figure of a panel, in order."""
    return re.findall(r'<div class="fs-4 fw-semibold">(?:<a href="([^"]*)"[^>]*>)?([^<]*)<', page)


def _lift(user, upgrading, org, day):
    plan = services.plan_open(user=user, upgrading=upgrading, organization=org, today=day)
    services.problem_add(user=user, plan=plan, line=ProblemLine.PREMISES, kind=ProblemType.POOR, description="无场所")
    measure = services.measure_add(user=user, plan=plan, content="建活动室", owner="镇党委", deadline=DEADLINE)
    services.plan_advance(user=user, plan=plan, today=day)
    services.plan_approve(user=user, plan=plan, today=day)
    services.plan_advance(user=user, plan=plan, today=day)
    services.measure_progress(user=user, measure=measure, progress=100, on=day)
    services.plan_advance(user=user, plan=plan, today=day)
    services.plan_approve(user=user, plan=plan, today=day)
    services.plan_advance(user=user, plan=plan, today=day)


@pytest.fixture
def jinta():
    tree = make_jinta(branches=10, by_standard=2, by_meetings=1, by_secretary=1, leaders=2, cadres=2)
    user = make_user("jt_county", "county_admin", tree.county)
    services.grades_propose(user=user, upgrading=tree.upgrading, on=GRADED_ON)
    services.grades_confirm(user=user, upgrading=tree.upgrading, on=GRADED_ON, confirm=True)
    services.teams_propose(user=user, upgrading=tree.upgrading)
    # the first lifted in August, the second only after the deadline, the other two not yet
    _lift(user, tree.upgrading, tree.lagging[0], datetime.date(YEAR, 8, 1))
    _lift(user, tree.upgrading, tree.lagging[1], DEADLINE + datetime.timedelta(days=5))
    # last year: three lagging, none lifted
    last = services.upgrading_create(user=None, scheme=tree.upgrading.scheme, owner=tree.county, year=YEAR - 1,
                                     deadline=datetime.date(YEAR - 1, 10, 31))
    lagging = GradeLevel.objects.get(scheme=tree.upgrading.scheme, lagging=True)
    Grade.objects.bulk_create([Grade(upgrading=last, organization=org, org_path=org.path, year=YEAR - 1,
                                     round=Round.INITIAL, level=lagging, source=Grade.Source.HAND,
                                     confirmed_on=datetime.date(YEAR - 1, 7, 1)) for org in tree.branches[5:8]])
    clock.set_today(DEADLINE + datetime.timedelta(days=10))
    return tree


def test_the_panel_shows_the_boards_figures_against_last_year(client, jinta):
    client.force_login(make_user("county_home", "county_admin", jinta.county))
    url = reverse("core:home_panel", args=[PANEL])
    assert url in client.get("/").content.decode()
    page = client.get(url).content.decode()
    figures = panel_figures(page)
    board_url = reverse("grading:board", args=[jinta.upgrading.pk])
    assert [value for _link, value in figures] == ["4", "2", "1"]
    assert figures[1][0] == board_url
    assert f'btn btn-sm btn-outline-primary" href="{board_url}"' in page  # the county's way to the board
    assert "home-figure-red" in page  # the deadline passed with two not lifted
    assert re.search(r"last year[^<]*\b3\b|上年[^<]*\b3\b", page)

    board = client.get(board_url).content.decode()
    assert re.findall(r"\d+", re.search(r'id="lifted">([^<]*)<', board).group(1)) == ["2", "4"]
    api = client.get(f"/api/grading/{jinta.upgrading.pk}/board").json()
    assert (api["lagging"], api["lifted"]) == (4, 2)

    response = client.get(reverse("core:home_panel_xlsx", args=[PANEL]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert len(rows[0]) == 6
    body = {row[0]: row[1:] for row in rows[1:]}
    assert sum(row[0] for row in body.values()) == 4 and sum(row[1] for row in body.values()) == 2
    assert sum(row[2] for row in body.values()) == 1 and sum(row[3] for row in body.values()) == 3
    assert body[jinta.townships[1].name][:3] == [1, 1, 0]


def test_a_township_sees_its_own_organizations_only(client, jinta):
    township = jinta.lagging[1].parent
    client.force_login(make_user("town_home", "township_admin", township))
    page = client.get(reverse("core:home_panel", args=[PANEL])).content.decode()
    assert [value for _link, value in panel_figures(page)] == ["1", "1", "0"]
    board = client.get(reverse("grading:board", args=[jinta.upgrading.pk])).content.decode()
    assert re.findall(r"\d+", re.search(r'id="lifted">([^<]*)<', board).group(1)) == ["1", "1"]
    assert jinta.lagging[0].name not in page and jinta.townships[0].name not in page
    assert jinta.lagging[1].name in page  # the table goes down to its organizations


def test_the_readonly_leader_sees_the_figures_and_a_branch_no_panel(client, jinta):
    client.force_login(make_user("leader_home", "leader", jinta.county))
    page = client.get(reverse("core:home_panel", args=[PANEL])).content.decode()
    assert [value for _link, value in panel_figures(page)] == ["4", "2", "1"]
    assert "btn-outline-primary" not in page  # read-only: the figures, no actions
    client.force_login(make_user("branch_home", "branch_secretary", jinta.lagging[0]))
    assert client.get(reverse("core:home_panel", args=[PANEL])).status_code == 404


def test_the_county_narrows_the_timetable_to_one_township(client, jinta):
    """The township filter of the board: the lifted count, the rows and the workbook of that township only, the same
    figures the township's own user sees; a township outside the user's scope is not offered and not applied."""
    client.force_login(make_user("county_filter", "county_admin", jinta.county))
    board_url = reverse("grading:board", args=[jinta.upgrading.pk])
    page = client.get(board_url).content.decode()
    offered = re.findall(r'<option value="(\d+)"', re.search(r'id="under-filter".*?</select>', page, re.S).group(0))
    assert offered == [str(town.pk) for town in jinta.townships]
    township = jinta.lagging[1].parent
    page = client.get(f"{board_url}?under={township.pk}").content.decode()
    assert re.findall(r"\d+", re.search(r'id="lifted">([^<]*)<', page).group(1)) == ["1", "1"]
    assert jinta.lagging[1].name in page and jinta.lagging[0].name not in page
    assert f'selected>{township.name}</option>' in page
    response = client.get(reverse("grading:board_xlsx", args=[jinta.upgrading.pk]) + f"?under={township.pk}")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]]
    assert jinta.lagging[1].name in names and jinta.lagging[0].name not in names

    client.force_login(make_user("town_filter", "township_admin", township))
    other = jinta.lagging[0].parent
    page = client.get(f"{board_url}?under={other.pk}").content.decode()
    assert re.findall(r"\d+", re.search(r'id="lifted">([^<]*)<', page).group(1)) == ["1", "1"]  # its own, no more
    assert jinta.lagging[0].name not in page

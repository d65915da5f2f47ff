"""Lists that scale for people: the person search with its count, pages and ranking; the grades page and the
timetable board in pages of PAGE_SIZE with their count; the board past its deadline shows the days overdue and its
plans by stage in the workflow's order."""
import datetime
import itertools
import json
import re

import pytest

from kernel.core import clock
from kernel.core.text import pinyin_initials, simplified
from kernel.people.models import Person
from tests.factories import DutyRuleFactory, PersonFactory, WorkflowFactory

pytestmark = pytest.mark.django_db

GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超"


def _total(page: str) -> int:
    return int(re.search(r'class="[^"]*list-count" data-total="(\d+)"', page).group(1))


def _people(page: str) -> list[str]:
    return re.findall(r'<span class="fw-semibold">([^<]+)</span>', page)


def test_a_common_surname_is_counted_and_paged(county, users, client, settings):
    settings.PAGE_SIZE = 100
    names = ["陈" + "".join(pair) for pair in itertools.islice(itertools.product(GIVEN, repeat=2), 125)]
    # built in one go, with the search keys the services would write
    Person.objects.bulk_create([PersonFactory.build(
        organization=county.village_a2, org_path=county.village_a2.path, name=name, name_search=simplified(name),
        name_initials=pinyin_initials(name)) for name in names])
    client.force_login(users["county"])
    first = client.get("/people/search/", {"q": "陈"}).content.decode()
    assert _total(first) == 126  # with the county's 陳小紅
    assert len(_people(first)) == 100
    assert 'rel="next" href="/people/search/?q=%E9%99%88&amp;page=2"' in first
    second = client.get("/people/search/", {"q": "陈", "page": 2}).content.decode()
    assert _total(second) == 126 and len(_people(second)) == 26
    assert sorted(_people(first) + _people(second)) == sorted(names + ["陳小紅"])
    assert 'rel="prev" href="/people/search/?q=%E9%99%88&amp;page=1"' in second


def test_the_whole_initials_rank_first(county, users, client):
    # Names that only start with zs sort before 张三 by their characters; the exact initials come first all the same.
    for name in ("卓世杰", "周少华", "宗申达", "左顺平", "庄首明", "赵四"):
        PersonFactory(organization=county.village_a1, name=name)
    client.force_login(users["county"])
    page = client.get("/people/search/", {"q": "zs"}).content.decode()
    assert _people(page) == ["张三", "赵四", "卓世杰", "周少华", "宗申达", "左顺平", "庄首明"]
    assert _total(page) == 7
    htmx = client.get("/people/search/", {"q": "zs"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in htmx and _people(htmx)[0] == "张三" and _total(htmx) == 7


# --- grading: the grades page and the timetable board -----------------------------------------------------------

@pytest.fixture
def jinta():
    from mechanisms.grading.testing import make_jinta

    return make_jinta(townships=2, branches=8, by_standard=2, by_meetings=1, by_secretary=0, leaders=2, cadres=2)


@pytest.fixture
def county_user(jinta):
    from tests.kit import make_user

    return make_user("jt_county", "county_admin", jinta.county)


def test_the_grades_page_is_paged_with_its_count(jinta, county_user, client, settings):
    from mechanisms.grading import services
    from mechanisms.grading.testing import GRADED_ON

    settings.PAGE_SIZE = 5
    services.grades_propose(user=county_user, upgrading=jinta.upgrading, on=GRADED_ON)
    client.force_login(county_user)
    url = f"/grading/{jinta.upgrading.pk}/"
    first = client.get(url).content.decode()
    assert first.count('<tr data-org="') == 5 and _total(first) == 8
    assert 'rel="next" href="?page=2"' in first
    second = client.get(url, {"page": 2}).content.decode()
    assert second.count('<tr data-org="') == 3 and _total(second) == 8
    codes = re.findall(r'<tr data-org="([^"]+)"', first + second)
    assert sorted(codes) == sorted(org.code for org in jinta.branches)
    chosen = client.get(url, {"round": "initial", "page": 2}).content.decode()
    assert 'rel="prev" href="?round=initial&amp;page=1"' in chosen


def test_the_board_past_its_deadline_shows_the_days_overdue_and_stages_in_order(jinta, county_user, client):
    from mechanisms.grading import services
    from mechanisms.grading.models import ProblemLine, ProblemType
    from mechanisms.grading.testing import DEADLINE, GRADED_ON

    services.grades_propose(user=county_user, upgrading=jinta.upgrading, on=GRADED_ON)
    services.grades_confirm(user=county_user, upgrading=jinta.upgrading, on=GRADED_ON, confirm=True)
    first, second, _third = sorted(jinta.lagging, key=lambda org: org.path)
    day = datetime.date(2013, 8, 1)
    advanced = services.plan_open(user=county_user, upgrading=jinta.upgrading, organization=first, today=day)
    services.problem_add(user=county_user, plan=advanced, line=ProblemLine.PREMISES, kind=ProblemType.POOR,
                         description="无活动场所")
    services.measure_add(user=county_user, plan=advanced, content="建活动室", owner="镇党委", deadline=DEADLINE)
    services.plan_advance(user=county_user, plan=advanced, today=day)
    services.plan_open(user=county_user, upgrading=jinta.upgrading, organization=second, today=day)
    client.force_login(county_user)
    url = f"/grading/{jinta.upgrading.pk}/board/"

    clock.set_today(DEADLINE - datetime.timedelta(days=3))
    before = client.get(url).content.decode()
    assert 'id="days-left" data-days="3"' in before and "days-overdue" not in before

    clock.set_today(DEADLINE + datetime.timedelta(days=37))
    after = client.get(url).content.decode()
    assert 'id="days-overdue" data-days="37"' in after and "days-left" not in after
    assert re.search(r'class="fs-3 text-danger fw-semibold" id="days-overdue"', after)
    chart = json.loads(re.search(r'<script id="grading-chart-data" type="application/json">(.*?)</script>',
                                 after, re.S).group(1))
    assert chart["stages"][1:] == ["拟定", "审批"] and chart["counts"] == [1, 1, 1]
    assert _total(after) == 3


# --- the other list pages: the same count above and pages below ---------------------------------------------------

@pytest.mark.parametrize(("url", "build"), [
    ("/workflows/definitions/", lambda county, n: WorkflowFactory(owner=county.county, document={"code": f"wf-{n}"})),
    ("/duties/rules/", lambda county, n: DutyRuleFactory(owner=county.county, document={"code": f"rule-{n}"})),
])
def test_list_pages_show_their_count_and_pages(url, build, county, users, client, settings):
    settings.PAGE_SIZE = 2
    for n in range(3):
        build(county, n)
    client.force_login(users["county"])
    first = client.get(url).content.decode()
    assert _total(first) == 3 and 'rel="next" href="?page=2"' in first
    second = client.get(url, {"page": 2}).content.decode()
    assert _total(second) == 3 and 'rel="prev" href="?page=1"' in second


def test_a_township_past_its_term_change_deadline_shows_the_days_overdue(county, users, client):
    from mechanisms.elections.tests.helpers import run_election, term

    tc = term(county, deadlines={county.township_a: datetime.date(2025, 3, 1),
                                 county.township_b: datetime.date(2025, 6, 1)})
    run_election(tc, county.village_a1, county.people["chen"])
    clock.set_today(datetime.date(2025, 4, 7))
    client.force_login(users["county"])
    body = client.get("/elections/").content.decode()
    assert re.findall(r'days-overdue" data-days="(\d+)"', body) == ["37"]  # township B is not late yet
    assert _total(body) == 1  # the elections opened, counted above their list

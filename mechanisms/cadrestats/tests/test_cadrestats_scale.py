"""The cadre structure at scale: its figures are counted by the database, so the structure page, the list of people
behind a figure and the home panel cost as many queries for a township of 50 villages as for one of 5; the list is
paged, its count and average age those of every holder."""
import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kernel.core import clock
from kernel.orgs.services import org_create
from kernel.people.models import Post
from tests.factories import MemberFactory, PersonFactory

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
SMALL, LARGE = 5, 50


@pytest.fixture
def villages(county):
    """Township A grown to 5 villages and township B to 50, each village with a secretary born on 1 June 1980 (a
    member; 44 on 31 December 2024) at junior college, and a director who is not a member, born on 1 June 1990."""
    clock.set_today(datetime.date(2025, 6, 16))
    grown = {"A": [county.village_a1, county.village_a2], "B": [county.village_b1]}
    for township, parent, size in (("A", county.township_a, SMALL), ("B", county.township_b, LARGE)):
        for number in range(len(grown[township]) + 1, size + 1):
            grown[township].append(org_create(user=None, parent=parent, code=f"{township}{number:03d}",
                                              name=f"{township}{number}村党支部", org_type="branch", domain="rural"))
    posts = []
    for township, rows in grown.items():
        for index, village in enumerate(rows):
            secretary = MemberFactory(person=PersonFactory(
                organization=village, name=f"{township}书记{index}", birth_date=datetime.date(1980, 6, 1),
                education="college"), joined_on=datetime.date(2005, 7, 1)).person
            director = PersonFactory(organization=village, name=f"{township}主任{index}",
                                     birth_date=datetime.date(1990, 6, 1), education="high_school")
            posts += [Post(person=secretary, organization=village, org_path=village.path, title="secretary",
                           started_on=datetime.date(2020, 1, 1)),
                      Post(person=director, organization=village, org_path=village.path, title="village_director",
                           started_on=datetime.date(2020, 1, 1))]
    Post.objects.bulk_create(posts)
    return grown


def counted(client, url, **query):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, query, **ZH)
    assert response.status_code == 200, response.content[:1000]
    return len(queries), response.content.decode()


def test_the_queries_do_not_grow_with_the_villages(client, users, county, villages, settings,
                                                   django_assert_max_num_queries):
    settings.PAGE_SIZE = 4  # both lists fill their first page: counted alike
    client.force_login(users["county"])
    structure = reverse("cadrestats:structure")
    small, small_page = counted(client, structure, year=2024, under=county.township_a.pk)
    with django_assert_max_num_queries(small):
        large, large_page = counted(client, structure, year=2024, under=county.township_b.pk)
    for page, size in ((small_page, SMALL), (large_page, LARGE)):
        card = page.split('id="group-village_secretary"')[1].split("</section>")[0]
        values = dict(re.findall(r'<tr data-figure="([\w-]+)">.*?data-value="([^"]*)"', card, re.S))
        assert (values["count"], values["average_age"], values["college"]) == (str(size), "44.0", "100.0")
        directors = page.split('id="group-village_director"')[1].split("</section>")[0]
        assert re.search(r'<tr data-figure="member">.*?data-value="([^"]*)"', directors, re.S).group(1) == "0.0"
    # the people behind a figure: one page of them, their count and average age those of all
    people = reverse("cadrestats:people")
    small, small_page = counted(client, people, year=2024, under=county.township_a.pk, group="village_secretary",
                                share="college")
    with django_assert_max_num_queries(small):
        large, large_page = counted(client, people, year=2024, under=county.township_b.pk,
                                    group="village_secretary", share="college")
    summary = re.search(r'data-count="(\d+)" data-average-age="([\d.]*)" data-percent="([\d.]*)"', large_page)
    assert summary.groups() == ("50", "44.0", "100.0")
    assert re.search(r'list-count" data-total="(\d+)"', large_page).group(1) == "50"
    assert large_page.count("<tr data-person=") == 4 and "B书记0" in large_page and "B书记49" not in large_page
    second = client.get(people, {"year": 2024, "under": county.township_b.pk, "group": "village_secretary",
                                 "share": "college", "page": 13}).content.decode()
    assert second.count("<tr data-person=") == 2 and "B书记49" in second
    api = client.get("/api/cadrestats/people", {"group": "village_director", "year": 2024, "limit": 7,
                                                "under": county.township_b.pk}).json()
    assert (api["count"], api["of"], api["average_age"], len(api["people"])) == (50, 50, 34.0, 7)


def test_the_home_panel_costs_the_same_for_5_and_50_villages(client, users, county, villages,
                                                             django_assert_max_num_queries):
    panel = reverse("core:home_panel", args=["cadrestats.structure"])
    client.force_login(users["township_a"])
    small, small_page = counted(client, panel)
    client.force_login(users["township_b"])
    with django_assert_max_num_queries(small):
        large, large_page = counted(client, panel)
    figures = re.findall(r'<a href="([^"]*)" class="text-reset">([^<]*)</a>', large_page)
    assert figures and all(value.strip() for _url, value in figures)
    ages = [value.strip() for url, value in figures if "share" not in html.unescape(url)]
    assert "45.0" in ages  # this year (16 June 2025): the secretaries are 45

"""The home page's development panel: each kind of warning counted as on the warnings page and in the API, by
township in the table (and its workbook); a township sees its own villages' warnings only."""
import datetime
import io
import re
from collections import Counter

import openpyxl
import pytest
from django.urls import reverse

from kernel.core import clock
from kernel.people.services import member_create, person_create
from mechanisms.development.services import candidate_advance
from tests.kit import county_built_once, make_member

from .conftest import open_candidate

county, users = county_built_once()
pytestmark = pytest.mark.django_db
D = datetime.date
PANEL = "development.warnings"
KINDS = ("blank_village", "family", "probation_overdue", "no_activist_period")


def panel_figures(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<div class="fs-4 fw-semibold">(?:<a href="([^"]*)"[^>]*>)?([^<]*)<', page)


def page_counts(page: str) -> list[int]:
    found = Counter(re.findall(r'<tr data-kind="([a-z_]+)"', page))
    return [found[kind] for kind in KINDS]


@pytest.fixture
def warnings(county, users, workflow):
    make_member(county.village_a1, "新党员", joined=D(2023, 7, 1))         # A1 is no 空白村; A2 and B1 are (a
    # probationer who joined in 2021 is too long ago)
    for org, name, joined in ((county.village_a1, "钱预备", D(2023, 3, 1)), (county.village_a2, "孙预备", D(2021, 1, 1)),
                              (county.village_a1, "周预备", D(2024, 1, 1))):  # the last one still within the year
        person = person_create(user=None, organization=org, name=name, gender="male", birth_date=D(1995, 1, 1))
        member_create(user=None, person=person, category="probationary", joined_on=joined)
    for name in ("陈一", "陈二"):
        case = open_candidate(users["branch_a1"], county, name=name, household="陈家组3号")
        candidate_advance(user=users["branch_a1"], case=case, today=D(2019, 3, 2))
    person_create(user=None, organization=county.village_b1, name="孙对象", gender="male", birth_date=D(1990, 1, 1),
                  stage="candidate")
    clock.set_today(D(2024, 6, 1))


def test_the_panel_counts_each_kind_as_the_warnings_page_and_the_api(client, users, county, warnings):
    client.force_login(users["county"])
    url = reverse("core:home_panel", args=[PANEL])
    assert url in client.get("/").content.decode()
    panel = client.get(url).content.decode()
    figures = panel_figures(panel)
    assert [int(value) for _link, value in figures] == [2, 1, 2, 1]
    assert figures[0][0] == reverse("development:warnings") + f"?org={county.county.pk}"
    page = client.get(figures[0][0].replace("&amp;", "&")).content.decode()
    assert page_counts(page) == [2, 1, 2, 1]
    api = client.get(f"/api/development/warnings?under={county.county.pk}").json()
    assert [sum(1 for w in api if w["kind"] == kind) for kind in KINDS] == [2, 1, 2, 1]
    assert "home-figure-amber" in panel and "btn-outline-primary" in panel
    # the table goes down to the townships, each a link to its own warnings
    assert reverse("development:warnings") + f"?org={county.township_a.pk}" in panel

    response = client.get(reverse("core:home_panel_xlsx", args=[PANEL]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = {row[0]: list(row[1:]) for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows == {county.township_a.name: [1, 1, 2, 0], county.township_b.name: [1, 0, 0, 1]}


def test_a_township_sees_its_own_warnings(client, users, county, warnings):
    client.force_login(users["township_b"])
    panel = client.get(reverse("core:home_panel", args=[PANEL])).content.decode()
    assert [int(value) for _link, value in panel_figures(panel)] == [1, 0, 0, 1]
    page = client.get(reverse("development:warnings")).content.decode()
    assert page_counts(page) == [1, 0, 0, 1]
    assert county.village_a2.name not in panel and county.village_b1.name in panel


def test_the_leader_sees_the_panel_and_a_member_does_not(client, users, warnings):
    client.force_login(users["leader"])
    panel = client.get(reverse("core:home_panel", args=[PANEL])).content.decode()
    assert [int(value) for _link, value in panel_figures(panel)] == [2, 1, 2, 1]
    assert "btn-outline-primary" not in panel  # read-only: the figures, no actions
    client.force_login(users["member"])
    assert client.get(reverse("core:home_panel", args=[PANEL])).status_code == 404

"""The department's first-secretary panel: attendance of the last complete month (not the month in progress), as on
the attendance page (which opens on that month too) and in the API; the 末位 of the latest ranking, as the ranking
page marks them; the elimination list awaiting decision; by township in the table and its workbook; scoped."""
import datetime
import html
import io
import re

import openpyxl
import pytest
from django.urls import reverse

from engines.duties import clock
from mechanisms.firstsec import services
from mechanisms.firstsec.models import CheckIn, EliminationEntry

pytestmark = pytest.mark.django_db
D = datetime.date
PANEL = "firstsec.attendance"
START = D(2025, 6, 2)


def summary(page: str) -> list[str]:
    """The numbers of the attendance page's "n of total met both minimums", in order (whatever the language)."""
    return sorted(re.findall(r"\d+", re.search(r'id="attendance-summary">([^<]*)<', page).group(1)), key=int)


def panel_figures(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<div class="fs-4 fw-semibold">(?:<a href="([^"]*)"[^>]*>)?([^<]*)<', page)


def check_ins(dispatch, days: int, nights: int):
    CheckIn.objects.bulk_create([CheckIn(dispatch=dispatch, person_id=dispatch.person_id, org_path=dispatch.org_path,
                                         day=START + datetime.timedelta(days=n), in_village=True,
                                         night_stayed=n < nights, entered_on=START + datetime.timedelta(days=n))
                                 for n in range(days)])


@pytest.fixture
def june(county, users, installed, agency, make_secretary):
    made = []
    with clock.today_is(D(2025, 6, 16)):
        for name, village, village_class, days, nights in (("赵第一", county.village_a1, "weak_lax", 25, 15),
                                                           ("钱第二", county.village_a2, "weak_lax", 10, 3),
                                                           ("孙乙村", county.village_b1, "poor", 23, 12)):
            dispatch = services.dispatch_create(
                user=users["county"], person=make_secretary(name), village=village, village_class=village_class,
                sending_unit="县农业农村局", sending_org=agency, started_on=START, ends_on=D(2027, 6, 1))
            check_ins(dispatch, days, nights)
            made.append(dispatch)
    with clock.today_is(D(2025, 7, 2)):
        assessment = services.monthly_assessment(user=users["county"], county=county.county, year=2025, month=6)
        services.monthly_results(user=users["county"], assessment=assessment)
    last = made[1]
    EliminationEntry.objects.create(dispatch=last, person_id=last.person_id, org_path=last.org_path,
                                    county=county.county, last_month="2025-06", months=["2025-04", "2025-05", "2025-06"],
                                    average_total=55, average_satisfaction=5, reason="末位")
    clock.set_today(D(2025, 7, 7))  # a week into July: June is the last complete month
    return assessment


def test_the_panel_shows_june_as_the_attendance_page_and_the_api_and_the_last_places(client, users, county, june):
    client.force_login(users["county"])
    url = reverse("core:home_panel", args=[PANEL])
    assert url in client.get("/").content.decode()
    panel = client.get(url).content.decode()
    figures = panel_figures(panel)
    assert [value for _link, value in figures] == ["2", "66.7", "1", "1"]
    assert figures[0][0] == reverse("firstsec:attendance") + "?month=2025-06"
    assert "home-figure-red" in panel  # 66.7% is below 80%
    assert "btn-outline-primary" in panel

    # the attendance page opens on June by itself, and says the same
    page = client.get(reverse("firstsec:attendance")).content.decode()
    assert "· 2025-06</small>" in page
    assert summary(page) == ["2", "3"]
    api = client.get("/api/firstsec/attendance?year=2025&month=6").json()
    assert (api["compliant"], api["dispatches"]) == (2, 3)

    # the 末位: the ranking page marks 钱第二 last of the weak and lax villages, and so does the panel
    ranking = client.get(figures[2][0]).content.decode()
    marked = re.findall(r'<tr data-person="(\d+)" data-rank="\d*" class="table-danger"', ranking)
    assert len(marked) == 1
    assert re.findall(r'class="firstsec-last">([^<]*)<', panel) == ["钱第二"]
    elimination = client.get(figures[3][0]).content.decode()
    assert elimination.count('data-entry="') == 1

    response = client.get(reverse("core:home_panel_xlsx", args=[PANEL]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = {row[0]: list(row[1:]) for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows == {county.township_a.name: [2, 1, "50.0%", 1, 1], county.township_b.name: [1, 1, "100.0%", 0, 0]}


def test_the_month_in_progress_is_still_one_click_away(client, users, june):
    client.force_login(users["county"])
    page = client.get(reverse("firstsec:attendance") + "?month=2025-07").content.decode()
    assert summary(page) == ["0", "3"]


def test_a_township_sees_its_own_secretaries(client, users, county, june):
    client.force_login(users["township_b"])
    panel = client.get(reverse("core:home_panel", args=[PANEL])).content.decode()
    assert [value for _link, value in panel_figures(panel)] == ["1", "100.0", "0", "0"]
    assert "钱第二" not in panel and county.township_a.name not in panel
    client.force_login(users["inspector"])
    panel = client.get(reverse("core:home_panel", args=[PANEL])).content.decode()
    assert [value for _link, value in panel_figures(panel)] == ["1", "50.0", "1", "1"]
    assert "btn-outline-primary" not in panel  # read-only: the figures, no actions


def test_the_attendance_page_narrows_to_one_township(client, users, county, june):
    client.force_login(users["county"])
    url = reverse("firstsec:attendance")
    page = client.get(url).content.decode()
    offered = re.findall(r'<option value="(\d+)"', re.search(r'id="under-filter".*?</select>', page, re.S).group(0))
    assert str(county.township_a.pk) in offered and str(county.township_b.pk) in offered
    page = client.get(f"{url}?month=2025-06&under={county.township_a.pk}").content.decode()
    assert summary(page) == ["1", "2"]  # as the panel's table row for township A: 2 in post, 1 met both
    assert "钱第二" in page and "孙乙村" not in page
    assert f"?month=2025-05&under={county.township_a.pk}" in html.unescape(page)  # the months keep the township
    client.force_login(users["township_b"])
    page = client.get(f"{url}?month=2025-06&under={county.township_a.pk}").content.decode()
    assert summary(page) == ["1", "1"] and "钱第二" not in page


def test_the_last_place_is_the_countys_whoever_looks(client, users, county, installed, agency, make_secretary):
    """Three weak and lax villages, two in township A and the last in B: township A's ranking marks no last place
    among its own two (the elimination rule counts the county's last), township B's marks its one."""
    with clock.today_is(D(2025, 6, 16)):
        dispatches = {}
        for name, village, days, nights in (("赵第一", county.village_a1, 25, 15), ("钱第二", county.village_a2, 15, 8),
                                            ("孙第三", county.village_b1, 5, 1)):
            dispatches[name] = services.dispatch_create(
                user=users["county"], person=make_secretary(name), village=village, village_class="weak_lax",
                sending_unit="县农业农村局", sending_org=agency, started_on=START, ends_on=D(2027, 6, 1))
            check_ins(dispatches[name], days, nights)
    with clock.today_is(D(2025, 7, 2)):
        assessment = services.monthly_assessment(user=users["county"], county=county.county, year=2025, month=6)
        services.monthly_results(user=users["county"], assessment=assessment)
    url = reverse("firstsec:ranking", args=[assessment.pk])

    def marked(user):
        client.force_login(user)
        page = client.get(url).content.decode()
        return re.findall(r'<tr data-person="(\d+)" data-rank="\d*" class="table-danger"', page)

    assert marked(users["county"]) == [str(dispatches["孙第三"].person_id)]
    assert marked(users["township_a"]) == []
    assert marked(users["township_b"]) == [str(dispatches["孙第三"].person_id)]

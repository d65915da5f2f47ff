"""The home page's panels (kernel.core.home): chosen by the user's kinds, each loaded from its own URL, its table
downloadable as Excel; a panel not meant for the user is not found."""
import io

import openpyxl
import pytest
from django.urls import reverse

from kernel.core import home
from kernel.core.home import Figure, PanelData, Table
from tests.kit import county_built_once

county, users = county_built_once()


@pytest.fixture
def panels():
    saved = list(home.PANELS)

    @home.home_panel("test.department", "Department figures", kinds={"department", "readonly"}, order=1)
    def department(request, kind):
        return PanelData(figures=[Figure("Organizations", 7, url="/orgs/", target=8, last_year=6, unit="")],
                         table=Table(["Township", "Rate"], [["=A township", "91.5%"], ["B", "88%"]], title="Rates"))

    @home.home_panel("test.member", "My record", kinds={"member"}, order=2)
    def member(request, kind):
        return None

    yield
    home.PANELS[:] = saved


def test_a_user_sees_the_panels_of_their_kinds(client, users, panels):
    assert home.user_kinds(users["county"]) == ["department"]
    assert home.user_kinds(users["leader"]) == ["readonly"]
    assert home.user_kinds(users["member"]) == ["member"]
    client.force_login(users["county"])
    page = client.get("/").content.decode()
    assert reverse("core:home_panel", args=["test.department"]) in page
    assert reverse("core:home_panel", args=["test.member"]) not in page

    panel = client.get(reverse("core:home_panel", args=["test.department"])).content.decode()
    assert ">7<" in panel and "91.5%" in panel
    assert client.get(reverse("core:home_panel", args=["test.member"])).status_code == 404


def test_a_panels_table_downloads_as_a_workbook_with_text_kept_as_text(client, users, panels):
    client.force_login(users["leader"])
    response = client.get(reverse("core:home_panel_xlsx", args=["test.department"]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Township", "Rate"]
    assert rows[1][0] == "=A township" and sheet["A2"].data_type != "f"


def test_a_panel_with_nothing_to_show_says_so(client, users, panels):
    client.force_login(users["member"])
    assert "test.member" in client.get("/").content.decode()
    answer = client.get(reverse("core:home_panel", args=["test.member"]))
    assert answer.status_code == 200 and "home-panel-empty" in answer.content.decode()
    assert client.get(reverse("core:home_panel_xlsx", args=["test.member"])).status_code == 404


def test_a_panel_is_read_once_for_two_minutes_and_afresh_after_the_users_own_change(client, users, settings):
    saved, reads = list(home.PANELS), []

    @home.home_panel("test.counter", "Counter", kinds={"department"})
    def counter(request, kind):
        reads.append(1)
        return PanelData(figures=[Figure("Reads", len(reads))])

    try:
        client.force_login(users["county"])
        url = reverse("core:home_panel", args=["test.counter"])
        first = client.get(url).content.decode()
        assert ">1<" in first and "home-read-at" in first
        assert ">1<" in client.get(url).content.decode() and len(reads) == 1  # kept
        client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})  # any change the user makes
        assert ">2<" in client.get(url).content.decode()
        client.force_login(users["leader"])  # another user: their own reading
        assert client.get(url).status_code == 404
        settings.HOME_PANEL_SECONDS = 0  # kept for no time: read on every visit
        client.force_login(users["county"])
        assert ">3<" in client.get(url).content.decode() and ">4<" in client.get(url).content.decode()
    finally:
        home.PANELS[:] = saved

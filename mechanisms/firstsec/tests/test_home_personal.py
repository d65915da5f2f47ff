"""The first secretary's home: today's check-in (done or not, with the button to the check-in page), the month so far
against the minimums pro-rated to today, and the weekly report; only for a secretary in post."""
import datetime
import re

import pytest
from django.urls import reverse

from engines.duties import clock
from kernel.core import home
from mechanisms.firstsec import services
from mechanisms.firstsec.models import CheckIn
from tests.kit import make_user

TODAY = datetime.date(2025, 9, 17)  # a Wednesday: 13 of September's 22 working days have begun
PANEL = "firstsec.today"


@pytest.fixture
def today():
    with clock.today_is(TODAY):
        yield TODAY


@pytest.fixture
def dispatch(county, users, installed, agency, make_secretary, today):
    return services.dispatch_create(user=users["county"], person=make_secretary("赵第一"), village=county.village_a1,
                                    village_class="weak_lax", sending_unit="县农业农村局", sending_org=agency,
                                    started_on=datetime.date(2025, 6, 2), ends_on=datetime.date(2027, 6, 1))


@pytest.fixture
def secretary(dispatch):
    """赵第一's account; in the village on each of September's 12 working days before today, 8 of them overnight."""
    days = [datetime.date(2025, 9, d) for d in (1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 15, 16)]
    for n, day in enumerate(days):
        CheckIn.objects.create(dispatch=dispatch, person=dispatch.person, org_path=dispatch.org_path, day=day,
                               in_village=True, night_stayed=n < 8, entered_on=day)
    services.outcome_add(user=None, dispatch=dispatch, day=datetime.date(2025, 9, 10), visits=5)
    services.outcome_add(user=None, dispatch=dispatch, day=datetime.date(2025, 8, 28), visits=7)
    return make_user("zhao", "member", dispatch.village, person=dispatch.person)


def panel(client) -> str:
    response = client.get(reverse("core:home_panel", args=[PANEL]))
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def month_values(html: str) -> list[str]:
    """The month's figures as shown: value/target."""
    block = re.search(r'id="firstsec-month">(.*?)</div>\s*<p', html, re.S).group(1)
    return [re.sub(r"\s+|<[^>]+>", "", value) for value in
            re.findall(r'<div class="fs-4[^"]*">(.*?)</div>', block, re.S)]


def test_the_secretary_checks_in_from_the_home_and_sees_the_month_pro_rated_to_today(client, secretary, dispatch):
    assert home.user_kinds(secretary) == ["firstsec", "member"]
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(secretary)
    assert reverse("core:home_panel", args=[PANEL]) in client.get("/").content.decode()
    html = panel(client)
    assert 'id="not-checked-in"' in html
    # 12 days of the 13 due by today (22 × 13/22), 8 nights of the 8 due (12 × 13/22 = 7.1, rounded up); 5 visits.
    assert month_values(html) == ["12/13", "8/8", "5"], month_values(html)
    assert "home-figure-amber" in html and "home-figure-green" in html
    assert "pro-rated to 13 of the month's 22 working days" in html
    checkin = re.search(r'href="([^"]+)" id="home-checkin"', html).group(1)
    assert checkin == reverse("firstsec:checkin_own")
    assert 'id="checkin-form"' in client.get(checkin).content.decode()
    client.post(checkin, {"day": TODAY.isoformat(), "where": "village", "night": "1"})

    html = panel(client)
    assert 'id="checked-in-today"' in html and 'id="not-checked-in"' not in html
    assert month_values(html)[:2] == ["13/13", "9/8"]
    assert "home-figure-amber" not in html


def test_the_weekly_report_due_and_sent(client, secretary, dispatch):
    client.force_login(secretary)
    html = panel(client)
    assert 'id="weekly-due"' in html and "2025-09-22" in html  # this week's, due the Monday after
    assert 'id="weekly-last-missing"' in html
    weekly = re.search(r'href="([^"]+)" id="home-weekly"', html).group(1)
    assert weekly == reverse("firstsec:weekly", args=[dispatch.pk])
    assert client.get(weekly).status_code == 200
    client.post(weekly, {"week": "2025-09-08", "title": "第37周工作动态", "body": "走访农户5户"})
    client.post(weekly, {"week": "2025-09-15", "title": "第38周工作动态", "body": "召开村民代表会议"})
    html = panel(client)
    assert 'id="weekly-sent"' in html and 'id="weekly-last-missing"' not in html


def test_the_panel_is_only_for_a_secretary_in_post(client, users, secretary, dispatch):
    for role in ("member", "branch_a1", "county", "leader"):
        client.force_login(users[role])
        assert "firstsec" not in home.user_kinds(users[role])
        assert client.get(reverse("core:home_panel", args=[PANEL])).status_code == 404
    services.dispatch_recall(user=users["county"], dispatch=dispatch, reason="工作调动", on=TODAY)
    client.force_login(secretary)
    assert client.get(reverse("core:home_panel", args=[PANEL])).status_code == 404


def test_the_check_in_menu_entry_is_the_secretarys_only(client, users, secretary):
    client.force_login(secretary)
    assert f'href="{reverse("firstsec:checkin_own")}"' in client.get(reverse("duties:todo")).content.decode()
    client.force_login(users["member"])
    assert f'href="{reverse("firstsec:checkin_own")}"' not in client.get(reverse("duties:todo")).content.decode()

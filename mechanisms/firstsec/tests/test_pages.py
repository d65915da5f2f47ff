import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from engines.duties import clock
from mechanisms.firstsec import services
from mechanisms.firstsec.models import CheckIn, Dispatch, EliminationEntry, OutcomeLog
from tests.kit import make_user

START = datetime.date(2025, 6, 2)


@pytest.fixture
def dispatch(county, users, installed, agency, make_secretary, today):
    return services.dispatch_create(user=users["county"], person=make_secretary("赵第一"), village=county.village_a1,
                                    village_class="weak_lax", sending_unit="县农业农村局", sending_org=agency,
                                    started_on=START, ends_on=datetime.date(2027, 6, 1))


@pytest.fixture
def dispatch_b(county, users, installed, make_secretary, today):
    return services.dispatch_create(user=users["county"], person=make_secretary("孙乙村"), village=county.village_b1,
                                    village_class="poor", sending_unit="县财政局", started_on=START,
                                    ends_on=datetime.date(2027, 6, 1))


@pytest.fixture
def secretary(dispatch):
    return make_user("zhao", "member", dispatch.village, person=dispatch.person)


def test_roster_counts_and_lists_by_unit_and_township(client, users, dispatch, dispatch_b):
    client.force_login(users["county"])
    page = client.get(reverse("firstsec:index")).content.decode()
    assert "县农业农村局" in page and "县财政局" in page and 'id="in-post">2 / 2<' in page
    page = client.get(reverse("firstsec:index") + "?by=township").content.decode()
    assert "甲镇党委" in page and "乙镇党委" in page


def test_a_township_sees_only_its_own_dispatches(client, users, dispatch, dispatch_b):
    client.force_login(users["township_a"])
    page = client.get(reverse("firstsec:index")).content.decode()
    assert "赵第一" in page and "孙乙村" not in page
    assert client.get(reverse("firstsec:dispatch", args=[dispatch.pk])).status_code == 200
    for name in ("dispatch", "checkin", "weekly"):
        assert client.get(reverse(f"firstsec:{name}", args=[dispatch_b.pk])).status_code == 404
    assert client.post(reverse("firstsec:recall", args=[dispatch_b.pk]), {"reason": "x"}).status_code == 404
    assert Dispatch.objects.get(pk=dispatch_b.pk).status == "in_post"


def test_the_secretary_checks_in_from_the_phone_page(client, secretary, dispatch, today):
    client.force_login(secretary)
    page = client.get(reverse("firstsec:checkin_own")).content.decode()
    assert 'id="checkin-form"' in page and "陳家村党支部" in page
    response = client.post(reverse("firstsec:checkin_own"), {"day": today.isoformat(), "where": "village",
                                                              "night": "1", "latitude": "26.731234",
                                                              "longitude": "110.631234", "accuracy": "12.5"})
    assert response.status_code == 302
    checkin = CheckIn.objects.get(dispatch=dispatch, day=today)
    assert (checkin.night_stayed, checkin.latitude, checkin.accuracy) == (True, Decimal("26.731234"), Decimal("12.5"))
    # Without a location (the phone refused) the check-in is kept all the same.
    client.post(reverse("firstsec:checkin_own"), {"day": (today - datetime.timedelta(days=1)).isoformat(),
                                                  "where": "away", "away_reason": "县里培训", "latitude": ""})
    away = CheckIn.objects.get(dispatch=dispatch, day=today - datetime.timedelta(days=1))
    assert (away.in_village, away.latitude) == (False, None)
    calendar = client.get(reverse("firstsec:dispatch", args=[dispatch.pk]) + "?month=2025-06").content.decode()
    assert f'data-day="{today.isoformat()}"' in calendar and 'id="month-calendar"' in calendar


def test_a_member_without_a_dispatch_sees_no_form(client, users, dispatch, today):
    client.force_login(users["member"])
    page = client.get(reverse("firstsec:checkin_own")).content.decode()
    assert 'id="no-dispatch"' in page and 'id="checkin-form"' not in page
    assert client.get(reverse("firstsec:dispatch", args=[dispatch.pk])).status_code == 404


def test_late_check_ins_are_approved_by_the_township(client, users, secretary, dispatch, today):
    late = services.checkin_create(user=secretary, dispatch=dispatch, day=today - datetime.timedelta(days=5),
                                   in_village=True)
    client.force_login(users["township_b"])
    assert f'data-checkin="{late.pk}"' not in client.get(reverse("firstsec:approvals")).content.decode()
    assert client.post(reverse("firstsec:approve", args=[late.pk]), {"approve": "1"}).status_code == 404
    client.force_login(users["township_a"])
    assert f'data-checkin="{late.pk}"' in client.get(reverse("firstsec:approvals")).content.decode()
    client.post(reverse("firstsec:approve", args=[late.pk]), {"approve": "1"})
    assert CheckIn.objects.get(pk=late.pk).approval == "approved"


def test_weekly_report_page_shows_missing_weeks_and_files(client, secretary, dispatch):
    with clock.today_is(datetime.date(2025, 6, 25)):
        client.force_login(secretary)
        page = client.get(reverse("firstsec:weekly", args=[dispatch.pk])).content.decode()
        assert "2025-W23" in page and "2025-W24" in page
        client.post(reverse("firstsec:weekly", args=[dispatch.pk]), {"week": "2025-06-09", "title": "第24周",
                                                                     "body": "走访"})
        page = client.get(reverse("firstsec:weekly", args=[dispatch.pk])).content.decode()
        assert 'href="?week=2025-06-09"' not in page and 'href="?week=2025-06-02"' in page


def test_ranking_page_runs_the_month_and_shows_each_class(client, users, dispatch, dispatch_b):
    client.force_login(users["county"])
    with clock.today_is(datetime.date(2025, 7, 2)):
        response = client.post(reverse("firstsec:ranking_run"), {"county": users["county"].grants.get().organization_id,
                                                                 "month": "2025-06"})
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
    assert 'data-class="weak_lax"' in page and 'data-class="poor"' in page and "赵第一" in page
    client.force_login(users["township_a"])
    page = client.get(response["Location"]).content.decode()
    assert "赵第一" in page and "孙乙村" not in page


def test_elimination_page_decides(client, users, dispatch):
    entry = EliminationEntry.objects.create(dispatch=dispatch, person_id=dispatch.person_id, org_path=dispatch.org_path,
                                            county=dispatch.village.parent.parent, last_month="2025-05",
                                            months=["2025-03", "2025-04", "2025-05"], average_total=Decimal("55"),
                                            average_satisfaction=Decimal("5"), reason="末位")
    client.force_login(users["township_a"])
    assert f'data-entry="{entry.pk}"' in client.get(reverse("firstsec:elimination")).content.decode()
    client.post(reverse("firstsec:elimination_decide", args=[entry.pk]), {"decision": "warn"})
    assert EliminationEntry.objects.get(pk=entry.pk).decision == ""  # a township cannot decide for the county
    client.force_login(users["county"])
    page = client.post(reverse("firstsec:elimination_decide", args=[entry.pk]), {"decision": "warn", "note": "约谈"})
    assert 'id="elimination-confirm"' in page.content.decode()  # the preview first, nothing decided
    assert EliminationEntry.objects.get(pk=entry.pk).decision == ""
    client.post(reverse("firstsec:elimination_decide_list"), {f"decision_{entry.pk}": "warn",
                                                               f"note_{entry.pk}": "约谈", "confirm": "1"})
    assert EliminationEntry.objects.get(pk=entry.pk).decision == "warn"


def test_outcomes_page_totals(client, users, secretary, dispatch, dispatch_b, today):
    services.outcome_add(user=secretary, dispatch=dispatch, day=today, visits=30, funds=Decimal("200000"))
    services.outcome_add(user=users["county"], dispatch=dispatch_b, day=today, visits=7, projects=1)
    client.force_login(users["county"])
    page = client.get(reverse("firstsec:outcomes")).content.decode()
    assert 'id="total-visits">37<' in page and "firstsec-outcomes-data" in page
    client.force_login(users["township_a"])
    assert 'id="total-visits">30<' in client.get(reverse("firstsec:outcomes")).content.decode()
    assert OutcomeLog.objects.count() == 2


def test_dispatch_form_sends(client, users, county, installed, make_secretary, agency, today):
    person = make_secretary("钱新派")
    client.force_login(users["county"])
    assert "钱新派" in client.get(reverse("firstsec:dispatch_create")).content.decode()
    response = client.post(reverse("firstsec:dispatch_create"), {
        "person": person.pk, "village": county.village_a2.pk, "village_class": "no_collective_income",
        "sending_org": agency.pk, "sending_unit": "", "started_on": "2025-06-01", "ends_on": "2027-05-31"})
    dispatch = Dispatch.objects.get(person=person)
    assert response["Location"] == reverse("firstsec:dispatch", args=[dispatch.pk])
    assert dispatch.sending_unit == agency.name


def test_the_county_sets_its_rules(client, users, county):
    client.force_login(users["county"])
    page = client.get(reverse("firstsec:rules")).content.decode()
    assert f'data-organization="{county.county.pk}"' in page and 'value="22"' in page
    client.post(reverse("firstsec:rules"), {"organization": county.county.pk, "min_days": "20", "min_nights": "10",
                                            "backfill_days": "2", "elimination_months": "3",
                                            "elimination_total_below": "65", "elimination_satisfaction_below": "",
                                            "satisfaction_item": "A6"})
    rule = services.rule_for(county.village_a1)
    assert (rule.min_days, rule.backfill_days, rule.elimination_total_below, rule.elimination_satisfaction_below) == (
        20, 2, Decimal("65"), None)
    client.force_login(users["township_a"])
    assert f'data-organization="{county.county.pk}"' not in client.get(reverse("firstsec:rules")).content.decode()
    assert client.post(reverse("firstsec:rules"), {"organization": county.county.pk, "min_days": "5"}).status_code == 404

"""Duties follow people and time: the daily run (manage.py daily --today) generates the obligations of new
subjects and periods and removes those of subjects that left; attendance minimums are pro-rated to the working
days in post. A first secretary replaced on Saturday 14 June 2025 owes week 24 (9-15 June) and nothing after;
his replacement owes from week 24 on."""
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from engines.duties import clock, tally
from engines.duties.models import DutyRule, Obligation, ObligationState
from engines.duties.testing import make_rule
from engines.standards.models import ItemScore
from mechanisms.firstsec.attendance import required, working_days
from mechanisms.firstsec.library import HALF_YEAR_RULE, WEEKLY_RULE
from mechanisms.firstsec.models import Dispatch

D = datetime.date


def post(client, url, body):
    return client.post(url, json.dumps(body, default=str), content_type="application/json")


def daily(day: str) -> str:
    out = io.StringIO()
    call_command("daily", "--today", day, "--only", "duties", "--only", "firstsec", stdout=out)
    return out.getvalue()


def weeks(person, code=WEEKLY_RULE):
    return sorted(Obligation.objects.filter(rule__code=code, person=person).values_list("period_start", flat=True))


@pytest.fixture
def replaced(client, county, users, installed, agency, make_secretary):
    """赵 sent on 3 March 2025 through the API, replaced by 钱 on 14 June; the daily run in between."""
    client.force_login(users["county"])
    first, second = make_secretary("赵第一"), make_secretary("钱第二")
    with clock.today_is(D(2025, 3, 3)):
        response = post(client, "/api/firstsec/dispatches", {
            "person": first.pk, "village": county.village_a1.pk, "village_class": "weak_lax",
            "sending_org": agency.pk, "started_on": "2025-03-03", "ends_on": "2027-03-02"})
        assert response.status_code == 201, response.content
    assert "duties: generated: " in daily("2025-03-03")
    with clock.today_is(D(2025, 6, 14)):
        response = post(client, f"/api/firstsec/dispatches/{response.json()['id']}/replace",
                        {"person": second.pk, "on": "2025-06-14", "sending_unit": "县农业农村局"})
        assert response.status_code == 201, response.content
    return first, second


def test_the_daily_run_generates_a_new_secretarys_duties_from_his_start(replaced):
    first, _second = replaced
    owed = weeks(first)
    assert owed[0] == D(2025, 3, 3) and owed[-1] == D(2025, 12, 22) and len(owed) == 43  # weeks 10 to 52
    assert weeks(first, HALF_YEAR_RULE) == [D(2025, 1, 1), D(2025, 7, 1)]
    daily("2025-06-15")
    assert "duties: generated: 0, ended: 0" in daily("2025-06-16")  # nothing twice


def test_a_replaced_secretary_owes_nothing_after_he_leaves_and_his_replacement_from_his_start(
        client, users, county, replaced):
    first, second = replaced
    before = Obligation.objects.count()
    removed = len([w for w in weeks(first) if w >= D(2025, 6, 16)]) + 1  # weeks 25-52 and the second half-year
    out = daily("2025-06-15")
    assert removed == 29 and f"ended: {removed}" in out
    assert weeks(first)[-1] == D(2025, 6, 9)  # week 24 holds his last day
    assert weeks(first, HALF_YEAR_RULE) == [D(2025, 1, 1)]
    assert weeks(second)[0] == D(2025, 6, 9) and weeks(second)[-1] == D(2025, 12, 22)  # from week 24, none earlier
    assert weeks(second, HALF_YEAR_RULE) == [D(2025, 1, 1), D(2025, 7, 1)]
    assert Obligation.objects.count() == before - removed + len(weeks(second)) + 2
    assert tally.rows() == tally.live_rows()

    # Week 25 is due on 23 June: overdue for the replacement, not for the one who left.
    daily("2025-06-25")
    client.force_login(users["county"])
    overdue = client.get("/api/duties/obligations?state=overdue&year=2025").json()["items"]
    assert [(o["period_label"], o["subject"]["id"]) for o in overdue] == [("2025-W25", second.pk)]
    weekly = DutyRule.objects.get(code=WEEKLY_RULE)
    rollup = client.get(f"/api/duties/rollup?root={county.village_a1.pk}&year=2025&rule={weekly.pk}").json()
    village = next(row for row in rollup if row["organization"]["id"] == county.village_a1.pk)
    assert village["overdue"] == 1  # (the weeks he did not report while in post stay missed)
    assert village["total"] == Obligation.objects.filter(rule=weekly, org_path__startswith=county.village_a1.path,
                                                         period_start__year=2025).count()
    assert tally.rows() == tally.live_rows()


def test_a_report_filed_ahead_is_kept_and_a_returned_one_waits_without_its_obligation(replaced, users):
    from engines.duties import services as duties

    first, second = replaced
    dispatch = Dispatch.objects.get(person=first)
    assert dispatch.status == Dispatch.Status.REPLACED
    # A week's obligation with a submission that does not count (returned) goes; the submission stays, unattached.
    obligation = Obligation.objects.get(rule__code=HALF_YEAR_RULE, person=first, period_start=D(2025, 7, 1))
    with clock.today_is(D(2025, 6, 13)):
        submission = duties.submit(user=None, rule=obligation.rule, subject=first, occurred_on=D(2025, 7, 1),
                                   period_start=D(2025, 7, 1), title="下半年述职（草稿）")
    duties.submission_review(user=users["county"], submission=submission, accept=False, note="重写")
    daily("2025-06-15")
    submission.refresh_from_db()
    assert submission.obligation_id is None
    assert not Obligation.objects.filter(pk=obligation.pk).exists()
    assert Obligation.objects.filter(rule__code=HALF_YEAR_RULE, person=second, period_start=D(2025, 7, 1)).exists()


def test_a_branch_created_through_the_api_owes_at_the_next_daily_run(client, county, users):
    quarterly = make_rule(county.county, code="branch-quarterly").rule
    daily("2025-01-02")
    client.force_login(users["county"])
    response = post(client, "/api/orgs", {"parent": county.township_a.pk, "code": "A9", "name": "新建村党支部",
                                          "org_type": "branch", "domain": "rural", "founded_on": "2025-05-20"})
    assert response.status_code == 201, response.content
    branch_id = response.json()["id"]
    assert not Obligation.objects.filter(organization_id=branch_id).exists()
    out = daily("2025-05-21")
    assert "duties: generated: 3," in out  # Q2 (holding its founding day), Q3, Q4; not Q1
    assert sorted(Obligation.objects.filter(rule=quarterly, organization_id=branch_id)
                  .values_list("period_label", flat=True)) == ["2025-Q2", "2025-Q3", "2025-Q4"]
    assert Obligation.objects.filter(organization_id=branch_id, state=ObligationState.OPEN).count() == 3
    # From December the next year's periods too.
    out = daily("2025-12-01")
    assert Obligation.objects.filter(rule=quarterly, organization_id=branch_id, period_start__year=2026).count() == 4
    # Dissolved on 1 October 2026: the last quarter is not owed.
    response = post(client, f"/api/orgs/{branch_id}/dissolve", {"on": "2026-10-01", "reason": "撤并"})
    assert response.status_code == 200, response.content
    daily("2026-10-02")
    assert sorted(Obligation.objects.filter(rule=quarterly, organization_id=branch_id, period_start__year=2026)
                  .values_list("period_label", flat=True)) == ["2026-Q1", "2026-Q2", "2026-Q3"]
    assert tally.rows() == tally.live_rows()


# --- attendance pro-rated ---------------------------------------------------------------------------------------

def test_the_pro_rating_rule():
    june = [D(2025, 6, day) for day in range(1, 31)]
    assert working_days(june) == 21
    assert required(22, 10, 21) == 10  # ceil(10.48) = 11, never more than the 10 working days in post
    assert required(12, 10, 21) == 6  # ceil(5.71)
    assert required(22, 11, 21) == 11 and required(12, 11, 21) == 7
    assert required(22, 21, 21) == 22  # a whole month: the minimum as it stands
    assert required(22, 0, 21) == 0


def check_in_every_working_day(client, dispatch_id, first, last):
    day = first
    while day <= last:
        if day.weekday() < 5:
            with clock.today_is(day):
                response = post(client, f"/api/firstsec/dispatches/{dispatch_id}/checkins",
                                {"day": day.isoformat(), "in_village": True, "night_stayed": True})
                assert response.status_code == 201, response.content
        day += datetime.timedelta(days=1)


@pytest.mark.parametrize("prorate", [True, False])
def test_full_presence_in_a_part_month_gets_full_marks(client, county, users, replaced, prorate):
    first, second = replaced
    client.force_login(users["county"])
    if not prorate:
        response = client.post("/firstsec/rules/", {"organization": county.county.pk, "prorate": "0"})
        assert response.status_code == 302
    old, new = Dispatch.objects.get(person=first), Dispatch.objects.get(person=second)
    check_in_every_working_day(client, old.pk, D(2025, 6, 1), D(2025, 6, 13))
    check_in_every_working_day(client, new.pk, D(2025, 6, 14), D(2025, 6, 30))
    with clock.today_is(D(2025, 7, 1)):
        response = post(client, "/api/firstsec/rankings", {"county": county.county.pk, "year": 2025, "month": 6})
        assert response.status_code == 200, response.content
        page = client.get("/firstsec/attendance/?month=2025-06").content.decode()
    scores = dict(ItemScore.objects.filter(item__code="B1", sheet__assessment__period_label="2025-06")
                  .values_list("sheet__person_id", "value"))
    if prorate:
        assert scores == {first.pk: Decimal("15"), second.pk: Decimal("15")}
        assert "10/10" in page and "10/6" in page and "11/11" in page and "11/7" in page
    else:  # the whole month's 22 days and 12 nights: 15 × (10/22 + 10/12) / 2 and 15 × (11/22 + 11/12) / 2
        assert scores == {first.pk: Decimal("9.5"), second.pk: Decimal("10.5")}

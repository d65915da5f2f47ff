"""A year of first secretaries (第一书记), over HTTP only from an empty county (tests/scenario.py): the county sends a
secretary from an agency to a village on 3 March 2025 and replaces him on Saturday 14 June 2025 with another; the
county's rules (22 days, 12 nights, pro-rated in a part month) are read and set through the API; each secretary
checks in from his own account, late check-ins are approved by the township; the documented daily run
(``manage.py daily --today``) is the only thing that moves the duties, nobody runs generate_obligations.

What is checked: the replaced secretary owes his weekly report up to week 24 (the week holding his last day) and
nothing after, week 25 neither owed nor overdue; the replacement owes from week 24, with no hand at work; each
one present every working day of his part of June meets the pro-rated minimums and gets the attendance item's
full points in the month's ranking.
"""
import datetime

import pytest

from tests.kit import make_id_number

from .scenario import api, change_password, daily, log_in, new_county
from .scenario_once import built_once

D = datetime.date
AGENCY = ("AG1", "县农业农村局机关党支部", "支部", "机关", "430530", "1990-01-01")
FIRST, SECOND = "赵第一", "钱第二"
REPLACED_ON = D(2025, 6, 14)  # a Saturday
JUNE = [D(2025, 6, day) for day in range(1, 31)]


def member_row(name, born):
    return (name, make_id_number(born), "AG1", "正式", "2005-07-01", "2006-07-01", "", "")


def working_days(first, last):
    return [day for day in JUNE if first <= day <= last and day.weekday() < 5]


def ok(response, status=200):
    assert response.status_code == status, response.content.decode()[:2000]
    return response.json()


def secretary_account(county, username, person, village):
    """The secretary's own account (member self-service, linked to his person), signed in, password changed."""
    created = ok(api(county.admin, "post", "/users/", {"username": username, "full_name": person["name"],
                                                       "person": person["id"], "organization": village["id"],
                                                       "role": "member"}), 201)
    client = log_in(username, created["one_time_password"])
    change_password(client, created["one_time_password"], f"{username.capitalize()}-new-password-1")
    return client


def check_in(client, dispatch_id, days):
    for day in days:
        entered = ok(api(client, "post", f"/firstsec/dispatches/{dispatch_id}/checkins",
                         {"day": day.isoformat(), "in_village": True, "night_stayed": True,
                          "latitude": "27.1", "longitude": "110.6", "accuracy": "12"}), 201)
        assert entered["late"] and entered["approval"] == "pending" and not entered["counts"]


@pytest.fixture(scope="module")
def year(django_db_setup, django_db_blocker, tmp_path_factory):
    """The county, its two secretaries and June 2025 as it happened, built once for the module."""
    with built_once(django_db_blocker, tmp_path_factory):
        yield run_the_year()


def run_the_year() -> dict:
    county = new_county(townships=2, villages=2, members=1, extra_orgs=[AGENCY],
                        extra_members=[member_row(FIRST, D(1985, 4, 5)), member_row(SECOND, D(1988, 9, 9))])
    admin = county.admin
    top, village, township = county.org("430530"), county.org("T1V1"), county.org("T1")
    first, second = ({"id": row["id"], "name": row["name"]} for name in (FIRST, SECOND)
                     for row in ok(api(admin, "get", f"/people?q={name}"))["items"] if row["name"] == name)
    town1 = county.account("town1", "T1", "乡镇管理员")

    # The county's rules: the defaults shown, then set as its own (pro-rating on).
    rules_url = f"/firstsec/rules/{top['id']}"
    shown = ok(api(admin, "get", rules_url))
    assert (shown["own"], shown["min_days"], shown["min_nights"], shown["prorate"]) == (False, 22, 12, True)
    saved = ok(api(admin, "put", rules_url, {"min_days": 22, "min_nights": 12, "prorate": True}))
    assert (saved["own"], saved["min_days"], saved["min_nights"], saved["prorate"]) == (True, 22, 12, True)
    assert ok(api(town1, "get", f"/firstsec/rules/{village['id']}"))["min_days"] == 22  # in force in the village

    # 3 March: 赵 sent to the village; the daily run gives him his duties.
    sent = ok(api(admin, "post", "/firstsec/dispatches", {
        "person": first["id"], "village": village["id"], "village_class": "weak_lax", "sending_unit": "县农业农村局",
        "started_on": "2025-03-03", "ends_on": "2027-03-02"}), 201)
    assert (sent["status"], sent["township"]["id"]) == ("in_post", township["id"])
    daily("2025-03-03")
    zhao = secretary_account(county, "zhao", first, village)
    check_in(zhao, sent["id"], working_days(D(2025, 6, 1), D(2025, 6, 13)))
    for day in ("2025-06-12", "2025-06-13"):
        daily(day)
    weekly = next(rule for rule in ok(api(admin, "get", "/duties/rules?q=first-secretary-weekly"))["items"]
                  if rule["code"] == "first-secretary-weekly-report")

    def weeks(person):
        rows = ok(api(admin, "get", f"/duties/obligations?rule={weekly['id']}&person={person['id']}&limit=200"))
        return sorted(row["period_label"] for row in rows["items"])

    before = {"first": weeks(first), "second": weeks(second)}

    # Saturday 14 June: 钱 replaces him; the daily run of that night and every night after.
    replacement = ok(api(admin, "post", f"/firstsec/dispatches/{sent['id']}/replace", {
        "person": second["id"], "on": REPLACED_ON.isoformat(), "sending_unit": "县农业农村局",
        "reason": "工作调动"}), 201)
    qian = secretary_account(county, "qian", second, village)
    check_in(qian, replacement["id"], working_days(REPLACED_ON, D(2025, 6, 30)))
    day = REPLACED_ON
    while day <= D(2025, 6, 25):
        daily(day.isoformat())
        day += datetime.timedelta(days=1)
    return {"county": county, "town1": town1, "zhao": zhao, "qian": qian, "top": top, "village": village,
            "first": first, "second": second, "sent": sent, "replacement": replacement, "weekly": weekly,
            "before": before, "after": {"first": weeks(first), "second": weeks(second)}}


@pytest.mark.django_db
def test_the_replaced_secretary_owes_until_he_leaves_and_his_replacement_from_his_start(year):
    admin, first, second = year["county"].admin, year["first"], year["second"]
    # Before the replacement, 赵 owed week 10 (his first) to week 52; 钱 nothing.
    assert year["before"]["first"][0] == "2025-W10" and year["before"]["first"][-1] == "2025-W52"
    assert year["before"]["second"] == []
    # After it, 赵 up to week 24 (9-15 June, holding his last day), 钱 from week 24: the daily run alone did it.
    assert year["after"]["first"] == [f"2025-W{week:02d}" for week in range(10, 25)]
    assert year["after"]["second"] == [f"2025-W{week:02d}" for week in range(24, 53)]
    old = ok(api(admin, "get", f"/firstsec/dispatches/{year['sent']['id']}"))
    assert (old["status"], old["left_on"]) == ("replaced", REPLACED_ON.isoformat())
    new = year["replacement"]
    assert (new["status"], new["started_on"], new["replaces"]) == ("in_post", REPLACED_ON.isoformat(),
                                                                   year["sent"]["id"])

    # 25 June: week 25 (due 23 June) is overdue for the replacement only; 赵 does not owe it at all.
    week25 = ok(api(admin, "get", f"/duties/obligations?rule={year['weekly']['id']}&period=2025-W25"))["items"]
    assert [(row["subject"]["id"], row["state"]) for row in week25] == [(second["id"], "overdue")]
    overdue = ok(api(admin, "get", f"/duties/obligations?rule={year['weekly']['id']}&state=overdue&year=2025"
                                   "&limit=200"))["items"]
    assert [(row["period_label"], row["subject"]["name"]) for row in overdue] == [("2025-W25", SECOND)]
    # The half-yearly 述职: 赵 owes the first half only, 钱 both (the half holding his start, and the next).
    half = {person["name"]: sorted(row["period_label"] for row in ok(api(
        admin, "get", f"/duties/obligations?person={person['id']}&year=2025&limit=200"))["items"]
        if row["rule"]["code"] == "first-secretary-half-year-report") for person in (first, second)}
    assert half == {FIRST: ["2025-H1"], SECOND: ["2025-H1", "2025-H2"]}


@pytest.mark.django_db
def test_each_present_every_working_day_of_his_part_of_june_has_full_attendance(year):
    admin, town1 = year["county"].admin, year["town1"]
    ids = {year["sent"]["id"]: FIRST, year["replacement"]["id"]: SECOND}

    # The check-ins were entered late (after the county's one day): they wait for the township.
    waiting = ok(api(admin, "get", "/firstsec/attendance?year=2025&month=6"))
    assert {ids[row["dispatch"]]: (row["days"], row["pending"]) for row in waiting["rows"]} == {
        FIRST: (0, 10), SECOND: (0, 11)}
    pending = ok(api(town1, "get", "/firstsec/checkins?approval=pending&year=2025&month=6&limit=100"))
    assert pending["count"] == 21  # 10 working days of 赵's part, 11 of 钱's
    assert ok(api(year["qian"], "get", "/firstsec/checkins?year=2025&month=6&limit=100"))["count"] == 11  # his own
    for checkin in pending["items"]:
        approved = ok(api(town1, "post", f"/firstsec/checkins/{checkin['id']}/approve",
                          {"approve": True, "note": "补录属实"}))
        assert approved["approval"] == "approved" and approved["counts"]

    # Pro-rated: 赵 10 of June's 21 working days (22 × 10/21 → 10 days, 12 × 10/21 → 6 nights), 钱 11 (11, 7).
    attendance = ok(api(admin, "get", "/firstsec/attendance?year=2025&month=6"))
    assert {ids[row["dispatch"]]: (row["days"], row["min_days"], row["nights"], row["min_nights"], row["compliant"],
                                   row["pending"]) for row in attendance["rows"]} == {
        FIRST: (10, 10, 10, 6, True, 0), SECOND: (11, 11, 11, 7, True, 0)}
    assert (attendance["month"], attendance["dispatches"], attendance["compliant"]) == ("2025-06", 2, 2)

    # The month's ranking: both carry the attendance item's full 15 points.
    ranking = ok(api(admin, "post", "/firstsec/rankings", {"county": year["top"]["id"], "year": 2025, "month": 6}))
    assert ranking["computed"] and ranking["month"] == "2025-06"
    rows = {row["person"]["name"]: row for row in ranking["rows"]}
    assert set(rows) == {FIRST, SECOND}
    assert {name: row["total"] for name, row in rows.items()} == {FIRST: 15.0, SECOND: 15.0}
    assert {row["village_class"] for row in rows.values()} == {"weak_lax"}
    for row in rows.values():
        scores = ok(api(admin, "get", f"/standards/sheets/{row['sheet']}/scores"))
        attendance_item = [score for score in scores["scores"] if score["item_code"] == "B1"]
        assert [float(score["value"]) for score in attendance_item] == [15.0], scores
    assert ok(api(admin, "get", "/firstsec/rankings?year=2025&month=6"))["rows"] == ranking["rows"]

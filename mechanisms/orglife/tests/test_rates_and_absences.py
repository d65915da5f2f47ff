"""Attendance rates per member and per branch; the six-month absence flag."""
import datetime

from mechanisms.orglife import selectors
from tests.kit import county_built_once, make_member

from .conftest import record

county, users = county_built_once()

TODAY = datetime.date(2025, 9, 30)
YEAR = (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))


def test_member_and_branch_rates(county, users, today):
    today(TODAY)
    zhang, chen, li = county.people["zhangsan"], county.people["chen"], county.people["lisi"]
    record(county.village_a1, date=datetime.date(2025, 3, 1), attendance={zhang.pk: "present", chen.pk: "absent"})
    record(county.village_a1, kind="lecture", date=datetime.date(2025, 4, 1),
           attendance={zhang.pk: "present", chen.pk: "excused"})
    record(county.village_a1, kind="themed_day", date=datetime.date(2025, 5, 1),
           attendance={zhang.pk: "absent", chen.pk: "present"})
    record(county.village_a2, date=datetime.date(2025, 3, 2), attendance={li.pk: "present"})
    user = users["county"]
    members = {r["name"]: r for r in selectors.member_rates(user, county.village_a1, date_from=YEAR[0],
                                                             date_to=YEAR[1])}
    assert (members["张三"]["present"], members["张三"]["expected"], members["张三"]["rate"]) == (2, 3, 0.6667)
    assert (members["陳小紅"]["excused"], members["陳小紅"]["absent"], members["陳小紅"]["rate"]) == (1, 1, 0.3333)
    assert members["陳小紅"]["last_present"] == datetime.date(2025, 5, 1)
    branches = {r["organization"].code: r for r in selectors.branch_rates(user, county.county, date_from=YEAR[0],
                                                                           date_to=YEAR[1])}
    assert (branches["A1"]["meetings"], branches["A1"]["present"], branches["A1"]["expected"]) == (3, 3, 6)
    assert branches["A1"]["rate"] == 0.5 and branches["A2"]["rate"] == 1.0
    assert "B1" not in branches
    assert selectors.rate_of(user, county.township_a, date_from=YEAR[0], date_to=YEAR[1])["rate"] == round(4 / 7, 4)
    # a township admin elsewhere sees none of it
    assert selectors.branch_rates(users["township_b"], county.county, date_from=YEAR[0], date_to=YEAR[1]) == []


def test_six_month_absence_flag(county, users, today):
    today(TODAY)
    zhang, chen = county.people["zhangsan"], county.people["chen"]
    newcomer = make_member(county.village_a1, "赵新", joined=datetime.date(2025, 6, 1))
    excused_only = make_member(county.village_a1, "钱请假")
    for month in (4, 5, 6, 7, 8, 9):
        record(county.village_a1, kind="themed_day", date=datetime.date(2025, month, 15), attendance={
            zhang.pk: "present", chen.pk: "absent", newcomer.pk: "absent", excused_only.pk: "excused"})
    # 陳小紅 was present once before the window opened (2025-03-30): still flagged
    record(county.village_a1, date=datetime.date(2025, 3, 1), attendance={chen.pk: "present"})
    rows = selectors.absentees(users["county"], county.county, today=TODAY)
    assert [r["person"].name for r in rows] == ["陳小紅"]
    assert rows[0]["absent"] == 6 and rows[0]["township"] == "甲镇党委"
    assert rows[0]["branch"] == county.village_a1 and rows[0]["last_present"] == datetime.date(2025, 3, 1)
    assert [(c["organization"].code, c["count"]) for c in selectors.absentee_counts(users["county"], county.county,
                                                                                     today=TODAY)] == [("TA", 1)]
    assert selectors.absentees(users["township_b"], county.county, today=TODAY) == []
    # one attendance in the window clears the flag
    record(county.village_a1, kind="group", date=datetime.date(2025, 9, 20), attendance={chen.pk: "present"})
    assert selectors.absentees(users["county"], county.county, today=TODAY) == []


def test_committee_meetings_do_not_count_as_organization_life(county, users, today):
    today(TODAY)
    chen = county.people["chen"]
    record(county.village_a1, kind="committee", date=datetime.date(2025, 8, 1), attendance={chen.pk: "absent"})
    assert selectors.absentees(users["county"], county.county, today=TODAY) == []


def test_clean_year_flags_nobody(county, users, today):
    today(TODAY)
    people = [county.people["zhangsan"], county.people["chen"]]
    for month in range(1, 10):
        record(county.village_a1, kind="themed_day", date=datetime.date(2025, month, 10),
               attendance={p.pk: "present" if (month + i) % 3 else "absent" for i, p in enumerate(people)})
    assert selectors.absentees(users["county"], county.county, today=TODAY) == []

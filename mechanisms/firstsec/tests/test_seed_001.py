"""Seed 001: thirty first secretaries in three village classes, ranked monthly within their class; attendance
against ≥ 22 days and ≥ 12 nights; 末位淘汰 after three months running last with poor results or a poor
response from the masses. Over four months (March to June) exactly the constructed two land on the list."""
import datetime
from decimal import Decimal

import pytest

from engines.duties import clock
from engines.standards.models import Item, RaterGroup
from engines.standards.services import scores_bulk_set
from kernel.orgs.services import org_create
from mechanisms.firstsec import services
from mechanisms.firstsec.library import RATER
from mechanisms.firstsec.models import CheckIn, Dispatch, EliminationEntry
from mechanisms.firstsec.selectors import month_attendance, ranking
from tests.kit import county_built_once

county, users = county_built_once()

CLASSES = ["weak_lax", "no_collective_income", "poor"]
MONTHS = [3, 4, 5, 6]
# Attendance of secretary k of each class: (days in the village counted, nights); k 0..7 meet both minimums.
ATTENDANCE = {**{k: (24, 14) for k in range(8)}, 8: (20, 12), 9: (22, 8)}


def six_items(village_class: str, k: int, month: int) -> list:
    """Points of A1..A6 as constructed (attendance comes from the check-ins: 15, 14 for k=8, 12.5 for k=9)."""
    if k < 8:
        return [14 - 0.5 * k] * 5 + [9]
    if village_class == "no_collective_income":
        # k=8 and k=9 tie for last at 72: k=8 with a good response of the masses (9), k=9 with a poor one (4).
        return [10, 10, 10, 10, 9, 9] if k == 8 else [11, 11, 11, 11, 11.5, 4]
    if k == 8:
        return [10.5] * 5 + [8]  # 74.5
    if village_class == "poor" and month == 5:
        return [12] * 5 + [5]  # 77.5: the poor-class last (k=9) climbs out of last place in May only
    return [8] * 5 + [5]  # 57.5


@pytest.fixture
def scenario(county, users, installed, agency, make_secretary):
    with clock.today_is(datetime.date(2025, 1, 1)):
        secretaries = {}
        for c, village_class in enumerate(CLASSES):
            for k in range(10):
                township = county.township_a if k % 2 == 0 else county.township_b
                village = org_create(user=None, parent=township, code=f"V{c}{k}", name=f"{village_class}村{k}",
                                     org_type="branch", domain="rural")
                person = make_secretary(f"书记{c}{k}")
                dispatch = services.dispatch_create(
                    user=users["county"], person=person, village=village, village_class=village_class,
                    sending_unit="县农业农村局", sending_org=agency, started_on=datetime.date(2025, 1, 1),
                    ends_on=datetime.date(2026, 12, 31))
                secretaries[(village_class, k)] = dispatch
    for month in MONTHS:
        _check_ins(secretaries, month)
    return secretaries


def _check_ins(secretaries, month: int) -> None:
    rows = []
    for (_class, k), dispatch in secretaries.items():
        days, nights = ATTENDANCE[k]
        start = datetime.date(2025, month, 1)
        for n in range(28):
            day = start + datetime.timedelta(days=n)
            in_village = n < days
            rows.append(CheckIn(dispatch=dispatch, person_id=dispatch.person_id, org_path=dispatch.org_path, day=day,
                                in_village=in_village, night_stayed=in_village and n < nights,
                                away_reason="" if in_village else "到县里开会", entered_on=day))
        if k == 8:  # two more days in the village entered a week late: one awaits approval, one was refused
            for n, approval in ((28, "pending"), (29, "refused")):
                day = start + datetime.timedelta(days=n)
                rows.append(CheckIn(dispatch=dispatch, person_id=dispatch.person_id, org_path=dispatch.org_path,
                                    day=day, in_village=True, night_stayed=True, entered_on=day + datetime.timedelta(7),
                                    late=True, approval=approval))
    CheckIn.objects.bulk_create(rows)


def _assess(county, users, secretaries, month: int):
    with clock.today_is(datetime.date(2025, month, 28) + datetime.timedelta(days=5)):
        assessment = services.monthly_assessment(user=users["county"], county=county.county, year=2025, month=month)
        rater = RaterGroup.objects.get(version=assessment.version, code=RATER)
        items = {item.code: item for item in Item.objects.filter(version=assessment.version)}
        sheets = {sheet.person_id: sheet for sheet in assessment.sheets.all()}
        rows = []
        for (village_class, k), dispatch in secretaries.items():
            for code, points in zip(["A1", "A2", "A3", "A4", "A5", "A6"], six_items(village_class, k, month)):
                rows.append((sheets[dispatch.person_id].pk, items[code].pk, Decimal(str(points)), None, None))
        scores_bulk_set(user=users["county"], assessment=assessment, rater=rater, rows=rows)
        services.monthly_results(user=users["county"], assessment=assessment)
        return assessment


def test_a_month_ranked_within_each_village_class(county, users, scenario):
    assessment = _assess(county, users, scenario, 3)
    sheets = {sheet.person_id: sheet for sheet in ranking(users["county"], assessment)}
    assert len(sheets) == 30
    rank = {(c, k): sheets[d.person_id].rank_class for (c, k), d in scenario.items()}
    assert {sheets[d.person_id].class_key for (c, _k), d in scenario.items() if c == "poor"} == {"poor"}
    assert [rank[("weak_lax", k)] for k in range(10)] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    assert [rank[("poor", k)] for k in range(10)] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    assert [rank[("no_collective_income", k)] for k in range(10)] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 9]
    totals = {key: sheets[d.person_id].total for key, d in scenario.items()}
    assert totals[("weak_lax", 0)] == Decimal("94.00")
    assert totals[("weak_lax", 8)] == Decimal("74.50")  # attendance 14: 20 of 22 days counted
    assert totals[("weak_lax", 9)] == Decimal("57.50")  # attendance 12.5: 8 of 12 nights
    assert totals[("no_collective_income", 8)] == totals[("no_collective_income", 9)] == Decimal("72.00")
    # Ranked within the class, not overall: each class has its own first place.
    assert sorted(s.rank_class for s in sheets.values()).count(1) == 3


def test_the_poor_class_last_climbs_out_in_may(county, users, scenario):
    assessment = _assess(county, users, scenario, 5)
    sheets = {sheet.person_id: sheet for sheet in ranking(users["county"], assessment)}
    rank = {k: sheets[scenario[("poor", k)].person_id].rank_class for k in range(10)}
    assert (rank[9], rank[7], rank[8]) == (8, 9, 10)


def test_attendance_compliance_of_the_month(county, users, scenario):
    rows = month_attendance(users["county"], year=2025, month=6, under=county.county)
    by_person = {row["dispatch"].person_id: row for row in rows}
    assert len(rows) == 30
    compliant = {key for key, d in scenario.items() if by_person[d.person_id]["compliant"]}
    assert compliant == {(c, k) for c in CLASSES for k in range(8)}
    eight, nine = by_person[scenario[("poor", 8)].person_id], by_person[scenario[("poor", 9)].person_id]
    assert (eight["days"], eight["nights"], eight["days_met"], eight["nights_met"]) == (20, 12, False, True)
    assert eight["pending"] == 1
    assert (nine["days"], nine["nights"], nine["days_met"], nine["nights_met"]) == (22, 8, True, False)


def test_four_months_put_exactly_the_constructed_secretaries_on_the_list(county, users, scenario):
    listed_by_month = {}
    for month in MONTHS:
        _assess(county, users, scenario, month)
        entries = services.elimination_evaluate(user=users["county"], county=county.county, year=2025, month=month)
        listed_by_month[month] = {entry.person_id for entry in entries}
    expected = {scenario[("weak_lax", 9)].person_id, scenario[("no_collective_income", 9)].person_id}
    assert listed_by_month == {3: set(), 4: set(), 5: expected, 6: expected}
    assert set(EliminationEntry.objects.values_list("person_id", flat=True)) == expected
    weak = EliminationEntry.objects.get(person_id=scenario[("weak_lax", 9)].person_id, last_month="2025-06")
    assert weak.months == ["2025-04", "2025-05", "2025-06"]
    assert weak.average_total == Decimal("57.50")
    masses = EliminationEntry.objects.get(person_id=scenario[("no_collective_income", 9)].person_id,
                                          last_month="2025-06")
    assert (masses.average_total, masses.average_satisfaction) == (Decimal("72.00"), Decimal("4.00"))
    # Re-evaluating a month adds nobody twice.
    services.elimination_evaluate(user=users["county"], county=county.county, year=2025, month=6)
    assert EliminationEntry.objects.count() == 4


def test_the_rule_is_configurable(county, users, scenario):
    for month in MONTHS:
        _assess(county, users, scenario, month)
    services.rule_save(user=users["county"], organization=county.county, elimination_months=2,
                       elimination_total_below=Decimal("60"), elimination_satisfaction_below=None)
    entries = services.elimination_evaluate(user=users["county"], county=county.county, year=2025, month=4)
    # Two months running suffice now, and only a total below 60 counts: the poor class's last is caught, the
    # one with a poor response of the masses (total 72) is not.
    assert {e.person_id for e in entries} == {scenario[("weak_lax", 9)].person_id, scenario[("poor", 9)].person_id}


def test_the_county_decides_and_a_recall_ends_the_dispatch(county, users, scenario):
    for month in MONTHS[:3]:
        _assess(county, users, scenario, month)
    entry = services.elimination_evaluate(user=users["county"], county=county.county, year=2025, month=5)[0]
    with clock.today_is(datetime.date(2025, 6, 10)):
        services.elimination_decide(user=users["county"], decisions=[
            {"entry": entry, "decision": "recall", "note": "末位淘汰"}], confirm=True)
    dispatch = Dispatch.objects.get(pk=entry.dispatch_id)
    assert (dispatch.status, dispatch.left_on, dispatch.recall_reason) == ("recalled", datetime.date(2025, 6, 10),
                                                                          "末位淘汰")
    assert dispatch.post.ended_on == datetime.date(2025, 6, 10)

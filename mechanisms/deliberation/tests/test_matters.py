import datetime

import pytest
from django.core.exceptions import ValidationError

from engines.workflows.models import Case
from mechanisms.deliberation import selectors, services
from mechanisms.deliberation.definition import ensure
from tests.kit import county_built_once

county, users = county_built_once()

DAY = datetime.timedelta(days=1)
START = datetime.date(2026, 3, 2)


@pytest.fixture
def matter(county, users):
    ensure(owner=county.county)
    return services.matter_open(user=users["branch_a1"], organization=county.village_a1, title="修建村道",
                                matter="村内主干道硬化2.3公里", proposal="申请一事一议资金", proposed_on=START,
                                today=START)


def advance(user, case, data, today):
    services.matter_record(user=user, case=case, data=data)
    return services.matter_advance(user=user, case=case, today=today)


def test_a_matter_goes_through_every_stage_with_its_gates(matter, users, county):
    user = users["branch_a1"]
    case = services.matter_advance(user=user, case=matter, today=START)
    assert case.stage == "committees"
    with pytest.raises(ValidationError):
        services.matter_advance(user=user, case=case, today=START)  # the committees' date and opinion missing
    case = advance(user, case, {"committees_on": "2026-03-05", "committees_opinion": "同意提交党员大会"}, START + 3 * DAY)
    assert case.stage == "members"
    services.matter_record(user=user, case=case, data={"members_on": "2026-03-10", "members_present": 30,
                                                       "members_for": 15})
    with pytest.raises(ValidationError, match="15"):
        services.matter_advance(user=user, case=case, today=START + 8 * DAY)  # 15 of 30 is no majority
    case = advance(user, case, {"members_for": 16}, START + 8 * DAY)
    assert case.stage == "villagers"
    case = advance(user, case, {"villagers_on": "2026-03-15", "villagers_kind": "representatives",
                                "villagers_present": 41, "villagers_for": 35}, START + 13 * DAY)
    assert case.stage == "resolution_public"
    public_from = START + 13 * DAY
    case = services.matter_record(user=user, case=case, data={"resolution_public_on": public_from.isoformat()})
    with pytest.raises(ValidationError, match="2026-03-22"):
        services.matter_advance(user=user, case=case, today=public_from + 6 * DAY)
    case = services.matter_advance(user=user, case=case, today=public_from + 7 * DAY)
    assert case.stage == "result_public"
    case = advance(user, case, {"result": "道路已硬化并验收", "result_public_on": "2026-06-30"},
                   datetime.date(2026, 6, 30))
    assert (case.status, case.stage, case.closed_on) == (Case.Status.CLOSED, "closed", datetime.date(2026, 6, 30))

    rows = selectors.ledger(users["township_a"], county.village_a1)
    assert len(rows) == 1
    row = rows[0]
    assert (row["proposed_on"], row["members_votes"], row["villagers_votes"], row["notice_until"],
            row["closed_on"]) == ("2026-03-02", "16/30", "35/41", "2026-03-22", "2026-06-30")
    assert selectors.ledger(users["township_b"], county.village_a1) == []


def test_recording_refuses_votes_above_those_present_and_fields_of_other_stages(matter, users):
    user = users["branch_a1"]
    case = services.matter_advance(user=user, case=matter, today=START)
    with pytest.raises(ValidationError):
        services.matter_record(user=user, case=case, data={"members_for": 3})  # not this stage's field
    case = advance(user, case, {"committees_on": "2026-03-05", "committees_opinion": "同意"}, START)
    with pytest.raises(ValidationError):
        services.matter_record(user=user, case=case, data={"members_present": 10, "members_for": 11})
    with pytest.raises(ValidationError):
        services.matter_record(user=user, case=case, data={"members_on": "not a date"})


def test_matters_filter_by_stage_and_overdue(matter, users, county):
    rows = selectors.matters(users["county"], under=county.township_a, stage="proposal")
    assert list(rows) == [matter]
    assert list(selectors.matters(users["county"], overdue=True, today=START + 40 * DAY)) == [matter]
    assert list(selectors.matters(users["county"], overdue=True, today=START + 10 * DAY)) == []
    assert list(selectors.matters(users["township_b"])) == []

"""One clock for the whole system: moving kernel.core.clock moves what every service takes for today, and the
duties' clock is the same clock under its own names."""
import datetime

import pytest
from django.core.exceptions import ValidationError

from engines.duties import clock as duties_clock
from kernel.core import clock
from kernel.people.services import member_update, validate_member_dates

D = datetime.date


def test_the_duties_clock_is_the_one_clock():
    with duties_clock.today_is(D(2025, 4, 1)):
        assert clock.today() == duties_clock.today() == D(2025, 4, 1)
    assert clock.today() == datetime.date.today()


def test_moving_the_clock_moves_the_people_services_today():
    dates = {"birth_date": D(1990, 1, 1), "applied_on": D(2023, 1, 1), "full_on": None, "category": "probationary"}
    with clock.today_is(D(2024, 5, 31)), pytest.raises(ValidationError) as refused:
        validate_member_dates(joined_on=D(2024, 6, 1), **dates)
    assert "joined_on" in refused.value.message_dict
    with clock.today_is(D(2024, 6, 1)):
        validate_member_dates(joined_on=D(2024, 6, 1), **dates)


@pytest.mark.django_db
def test_a_status_change_is_dated_by_the_clock(county):
    member = county.people["zhangsan"].membership
    clock.set_today(D(2025, 3, 15))
    member = member_update(user=None, member=member, status="deceased")
    assert member.status_changed_on == D(2025, 3, 15)

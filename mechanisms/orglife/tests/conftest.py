import datetime

import pytest

from engines.duties import clock
from mechanisms.orglife.library import install_rules
from mechanisms.orglife.services import meeting_save


@pytest.fixture
def rules(county):
    """The shipped rules of organization life, set by the county."""
    return install_rules(user=None, owner=county.county)


@pytest.fixture
def today():
    """The duties clock set to a day in 2025 (reset after the test)."""
    def set_day(day: datetime.date):
        clock.set_today(day)
        return day

    yield set_day
    clock.set_today(None)


def record(org, kind="branch_general", date=datetime.date(2025, 2, 10), attendance=None, user=None, **fields):
    """Records a meeting of ``org`` as ``user`` (default: the system)."""
    return meeting_save(user=user, organization=org, kind=kind, date=date, topic=fields.pop("topic", "学习党章"),
                        attendance=attendance or {}, **fields)

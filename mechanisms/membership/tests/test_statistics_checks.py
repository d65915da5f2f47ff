"""The reviewers' checks on the statistics page when a year has both a suspension (a name list) and a branch whose
members changed by more than a tenth: the page lists both warnings (the name list once broke the page)."""
import datetime

import pytest

from kernel.core import clock
from tests.scenario import api, new_county

pytestmark = pytest.mark.django_db


def test_name_lists_and_unusual_changes_warn_together():
    with clock.today_is(datetime.date(2025, 3, 1)):
        county = new_county(townships=2, villages=1, members=24)
        admin = county.admin
        people = {p["name"]: p["id"] for p in api(admin, "get", "/people?q=党员1-1&limit=100").json()["items"]}
        suspended = api(admin, "post", f"/membership/people/{people['党员1-1-0']}/standing",
                        {"kind": "suspend", "on": "2025-03-01", "decision": "停止党籍决定", "decided_by": "第1镇党委"})
        assert suspended.status_code == 201, suspended.content
        for n in range(1, 5):  # four of 24 leave: more than a tenth of the village
            left = api(admin, "post", f"/membership/people/{people[f'党员1-1-{n}']}/standing",
                       {"kind": "exit", "reason": "deceased", "on": "2025-03-01", "confirm": True})
            assert left.status_code == 201, left.content
    page = admin.get(f"/membership/statistics/?root={county.org(county.code)['id']}&year=2025")
    assert page.status_code == 200
    text = page.content.decode()
    assert "党员1-1-0（2025-03-01）" in text  # the name list of suspensions
    assert "第1镇党委：年初 25 名，年底 21 名（变化超过一成）" in text  # the unusual change, warned by its row

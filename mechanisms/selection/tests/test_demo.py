"""The demo fills a decided selection for last year and one in its public notice this year."""
import datetime

import pytest

from mechanisms.selection.demo import generate_selection
from mechanisms.selection.models import Objection, PoolEntry, Round, Selection
from tests.kit import make_member

pytestmark = pytest.mark.django_db


def test_demo_selections(county):
    for index in range(40):
        make_member(county.village_a2 if index % 2 else county.village_b1, f"干部{index}")
    today = datetime.date(2025, 6, 1)
    result = generate_selection(county.county, 3, today=today, progress=lambda *args: None)
    past, current = Selection.objects.get(pk=result["past"]), Selection.objects.get(pk=result["current"])
    assert (past.year, past.status, current.year, current.status) == (2024, "done", 2025, "running")
    assert PoolEntry.objects.filter(selection=past).count() == result["selected"] > 10
    assert Round.objects.get(selection=past, number=1).entered == 44
    notice = Round.objects.get(selection=current, code="notice")
    assert notice.status == "open" and notice.opened_on <= today
    assert Objection.objects.filter(candidate__round=notice, resolution="").count() == 1

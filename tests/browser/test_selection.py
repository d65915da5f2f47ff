"""The county closes a selection round in the browser: scores entered in the grid, the round closed by its rule,
the funnel drawn; in the public notice an open objection keeps the close button disabled."""
import pytest

from kernel.people.services import person_create
from mechanisms.selection import services
from mechanisms.selection.models import Candidate, Round
from mechanisms.selection.testing import CHANNELS, cadre_name
from tests.kit import make_small_county, make_user

from .conftest import login, screenshot

ROUNDS = [
    {"code": "initial", "name": "初评", "method": "top", "keep": 3},
    {"code": "notice", "name": "公示", "method": "notice", "objection_days": 5},
    {"code": "final", "name": "审定", "method": "vote", "threshold": "0.5"},
]


@pytest.fixture
def selection(db):
    county = make_small_county()
    make_user("sel_county", "county_admin", county.county)
    selection = services.selection_create(user=None, owner=county.county, name="示范县好干部评选", year=2025,
                                          rounds=ROUNDS)
    for i in range(6):
        person = person_create(user=None, organization=county.village_a1, name=cadre_name(i), gender="male")
        services.nomination_add(user=None, selection=selection, person=person, channel=CHANNELS[i % 4],
                                nominator="县直单位")
    services.rounds_start(user=None, selection=selection)
    return selection


def test_a_round_is_scored_and_closed(page, selection):
    login(page, "sel_county")
    first = Round.objects.get(selection=selection, number=1)
    page.goto(f"{page.base_url}/selection/rounds/{first.pk}/")
    candidates = list(Candidate.objects.filter(round=first).order_by("id"))
    for index, candidate in enumerate(candidates):
        page.fill(f'input[name="s-{candidate.pk}-J1"]', str(10 - index))
        page.fill(f'input[name="s-{candidate.pk}-H5"]', str(9 - index))
    page.click("#save-scores")
    page.wait_for_selector(f'tr[data-candidate="{candidates[0].pk}"] .score')
    assert page.inner_text(f'tr[data-candidate="{candidates[0].pk}"] .score') == "19.00"
    screenshot(page, "selection-round-scored")
    assert page.locator("#close-round").is_enabled()
    page.click("#close-round")
    page.wait_for_selector("#close-confirm")
    assert page.inner_text('[data-count="went_on"]') == "3" and page.inner_text('[data-count="eliminated"]') == "3"
    page.check("#confirm")
    page.click("#close-confirm-button")
    page.wait_for_selector("#passed")
    assert page.inner_text("#passed") == "3" and page.inner_text("#eliminated") == "3"
    assert page.locator('tr[data-outcome="eliminated"]').count() == 3
    assert page.locator("#close-round").count() == 0
    screenshot(page, "selection-round-closed")

    notice = Round.objects.get(selection=selection, number=2)
    assert notice.status == "open" and notice.entered == 3
    page.goto(f"{page.base_url}/selection/rounds/{notice.pk}/")
    page.fill("#obj-by", "群众来信")
    page.fill("#obj-text", "反映其作风问题")
    page.click("#objection-form button")
    page.wait_for_selector('tr[data-outcome="paused"]')
    assert page.locator("#close-round").is_disabled()
    assert page.locator("#close-blockers li").count() == 2  # the window is open, and one candidate is paused
    screenshot(page, "selection-notice-objection")

    page.goto(f"{page.base_url}/selection/{selection.pk}/")
    page.wait_for_selector("#selection-funnel svg")
    assert page.inner_text("#nominated") == "6"
    assert page.inner_text('#round-table tr[data-round="initial"] .rate') == "50.0%"
    screenshot(page, "selection-funnel")

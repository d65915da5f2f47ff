"""A township administrator enters the member assembly's votes of a village election and closes it; a branch
secretary takes a 四议两公开 matter through the member assembly, a vote without majority holding it back."""
import datetime

from kernel.people.models import Post
from mechanisms.deliberation import services as deliberation
from mechanisms.deliberation.definition import ensure
from mechanisms.elections.tests.helpers import run_election, term
from tests.kit import make_user

from .conftest import login, screenshot


def test_entering_the_votes_of_a_village_election(page, county):
    make_user("township_a", "township_admin", county.township_a)
    tc = term(county, deadlines={county.township_a: datetime.date(2020, 1, 1),
                                 county.township_b: datetime.date(2099, 1, 1)})
    election = run_election(tc, county.village_a1, county.people["chen"], finish=False)
    candidate = election.candidates.get()
    login(page, "township_a")
    page.goto(page.base_url + "/elections/")
    assert page.locator("#progress-table tr.overdue").count() == 1
    screenshot(page, "elections-index")
    page.goto(page.base_url + f"/elections/elections/{election.pk}/")
    page.fill("#held_on", "2026-09-26")
    page.fill("#eligible_voters", "40")
    page.fill("#votes_cast", "36")
    page.fill(f"#votes_{candidate.pk}", "33")
    page.click("#finish-election")
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("#election-stage", "data-stage") == "done"
    assert page.locator("#candidates-table .elected").count() == 1
    screenshot(page, "elections-election-done")
    assert Post.objects.current(datetime.date(2026, 9, 27)).filter(
        organization=county.village_a1, title="secretary", person=county.people["chen"]).exists()
    page.goto(page.base_url + f"/elections/terms/{tc.pk}/figures/")
    page.wait_for_selector("#elections-chart svg")
    screenshot(page, "elections-figures")


def test_advancing_a_matter_through_the_member_assembly(page, county):
    make_user("branch_a1", "branch_secretary", county.village_a1)
    ensure(owner=county.county)
    today = datetime.date.today()
    case = deliberation.matter_open(user=None, organization=county.village_a1, title="修建村道", matter="村道硬化",
                                    proposal="党支部提议", proposed_on=today)
    deliberation.matter_advance(user=None, case=case)
    login(page, "branch_a1")
    page.goto(page.base_url + f"/deliberation/matters/{case.pk}/")
    page.fill("#id_committees_on", today.isoformat())
    page.fill("#id_committees_opinion", "同意")
    page.click("#advance")
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("[aria-current=step]", "data-stage") == "members"
    page.fill("#id_members_on", today.isoformat())
    page.fill("#id_members_present", "20")
    page.fill("#id_members_for", "10")
    page.click("#advance")
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("[aria-current=step]", "data-stage") == "members"  # 10 of 20: no majority
    assert page.locator(".alert-danger").count() >= 1
    screenshot(page, "deliberation-vote-refused")
    page.fill("#id_members_for", "14")
    page.click("#advance")
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("[aria-current=step]", "data-stage") == "villagers"
    screenshot(page, "deliberation-case")
    page.goto(page.base_url + f"/deliberation/ledger/{county.village_a1.pk}/")
    assert page.locator("#ledger-table tr[data-case]").count() == 1
    screenshot(page, "deliberation-ledger")
    page.goto(page.base_url + "/deliberation/")
    screenshot(page, "deliberation-index")

"""A campaign's results across years in the browser, on a desktop and a phone: both charts are drawn (ECharts, SVG)
from the page's figures, the tables show the pass rate by township year by year, and a village's history shows its
titles step by step (逐步升创)."""
import pytest

from mechanisms.campaigns.library import install_standards
from mechanisms.campaigns.tests.test_years import run_year
from tests.kit import make_user

from .conftest import login, screenshot


@pytest.fixture
def three_years(county):
    user = make_user("county_admin", "county_admin", county.county)
    shipped = install_standards(user=None, owner=county.county)
    a1, a2, b1 = county.village_a1.pk, county.village_a2.pk, county.village_b1.pk
    plan = {2024: {a1: 1, b1: 1}, 2025: {a1: 1, a2: 1}, 2026: {a1: 1, a2: 1, b1: 1}}
    return [run_year(user, county, shipped, year, shares) for year, shares in plan.items()]


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_the_years_page_draws_its_charts(device, page, phone_page, three_years, county):
    tab = page if device == "desktop" else phone_page
    login(tab, "county_admin")
    tab.goto(f"{tab.base_url}/campaigns/{three_years[-1].pk}/")
    tab.click("#campaign-years-link")
    tab.wait_for_selector("#chart-years-overall svg")
    tab.wait_for_selector("#chart-years-townships svg")
    assert "逐年对比" in tab.inner_text("h1")
    headers = [cell.strip() for cell in tab.locator("#townships-reached thead th").all_inner_texts()]
    assert headers[1:] == ["2024", "2025", "2026"]
    village_a = tab.locator(f"#townships-reached tr[data-org='{county.township_a.pk}'] td").all_inner_texts()
    assert [cell.strip() for cell in village_a] == ["50.0%", "100.0%", "100.0%"]
    screenshot(tab, f"campaign-years-{device}")
    tab.goto(f"{tab.base_url}/standards/history/org/{county.village_b1.pk}/")
    tab.wait_for_selector("#titles-by-year-table")
    events = tab.locator("#titles-by-year-table .title-event").evaluate_all("els => els.map(e => e.dataset.event)")
    assert events == ["granted", "removed", "granted"]
    screenshot(tab, f"org-titles-by-year-{device}")

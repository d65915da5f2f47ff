"""The organization tree in a real browser: lazy loading through HTMX, on a desktop and on a phone."""
from kernel.orgs.services import org_create

from .conftest import login, screenshot


def open_node(page, org):
    page.locator(f'li[data-org="{org.pk}"] > details > summary .org-toggle').click()
    page.wait_for_selector(f'li[data-org="{org.pk}"] > details > .org-children > li.org-node')


def test_the_tree_expands_a_node_through_htmx(page, county, users):
    login(page, "county")
    page.goto(page.base_url + "/orgs/")
    assert page.locator("#org-tree > li.org-node").count() == 1
    assert page.get_by_text("甲镇党委").count() == 0  # children load only when asked
    open_node(page, county.county)
    open_node(page, county.township_a)
    children = page.locator(f'li[data-org="{county.township_a.pk}"] .org-children .org-name')
    assert children.all_inner_texts() == ["陳家村党支部", "李家村党支部"]
    assert page.get_by_text("乙镇党委").is_visible()
    screenshot(page, "tree-desktop")
    page.get_by_role("link", name="陳家村党支部").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "陳家村党支部"
    screenshot(page, "org-detail-desktop")


def test_dissolved_organizations_hide_until_asked(page, county, users):
    empty = org_create(user=None, parent=county.township_a, code="A9", name="旧村党支部", org_type="branch")
    from kernel.people.restructure import org_dissolve

    org_dissolve(user=None, org=empty, reason="撤并")
    login(page, "township_a")
    page.goto(page.base_url + "/orgs/")
    open_node(page, county.township_a)
    old = page.get_by_text("旧村党支部")
    assert old.count() == 1 and not old.is_visible()
    page.locator("#show-ended").check()
    assert old.is_visible()
    page.reload()
    open_node(page, county.township_a)
    assert page.get_by_text("旧村党支部").is_visible()  # the switch is remembered


def test_the_tree_on_a_phone(phone_page, county, users):
    page = phone_page
    login(page, "county")
    page.goto(page.base_url + "/orgs/")
    open_node(page, county.county)
    open_node(page, county.township_b)
    assert page.get_by_text("王家村党支部").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width}px)"
    screenshot(page, "tree-phone")
    page.locator(".navbar-toggler").click()
    page.wait_for_selector("#mainnav.show")
    screenshot(page, "nav-phone")
    page.goto(page.base_url + f"/orgs/{county.township_a.pk}/")
    screenshot(page, "org-detail-phone")
    page.goto(page.base_url + "/")
    page.wait_for_selector("#total-members, #home-panels .home-panel")
    screenshot(page, "home-phone")

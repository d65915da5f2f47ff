"""A user finds a person by pinyin initials and narrows the member list, on a desktop and on a phone."""
from .conftest import login, screenshot


def test_search_by_initials_and_open_the_person(page, county, users):
    login(page, "county")
    search = page.locator("nav input[name=q]")
    search.fill("zs")
    with page.expect_navigation():
        search.press("Enter")
    results = page.locator("#person-search-results a")
    assert results.count() == 1
    live = page.locator("#person-search-input")
    live.fill("cxh")
    page.wait_for_selector("#person-search-results a:has-text('陳小紅')")
    live.fill("zs")
    page.wait_for_selector("#person-search-results a:has-text('张三')")
    screenshot(page, "people-search")
    with page.expect_navigation():
        page.locator("#person-search-results a", has_text="张三").click()
    assert page.locator("#person-name").inner_text().startswith("张三")
    masked = page.locator("#id-number").inner_text()
    assert "*" in masked
    with page.expect_navigation():
        page.locator("#reveal-button").click()
    assert page.locator("#id-number").inner_text() == county.people["zhangsan"].id_number
    screenshot(page, "people-person")


def test_member_list_filter_narrows(page, county, users):
    login(page, "county")
    page.goto(page.base_url + "/people/members/")
    rows = page.locator("#member-table tbody tr")
    assert rows.count() == 4
    page.select_option("#id_gender", "female")
    with page.expect_navigation():
        page.click("#apply-filters")
    assert rows.count() == 1
    assert "陳小紅" in rows.first.inner_text()
    assert "gender=female" in page.url
    screenshot(page, "people-member-list")


def test_member_list_and_person_on_a_phone(phone_page, county, users):
    page = phone_page
    login(page, "township_a")
    page.goto(page.base_url + "/people/members/")
    assert page.locator("#member-table tbody tr").count() == 3
    assert not page.locator("#id_gender").is_visible()  # filters fold away on a phone
    page.click("button[data-bs-target='#member-filters']")
    page.wait_for_selector("#member-filters.collapse.show")  # the folding animation has finished
    page.select_option("#id_classification", "elderly")
    with page.expect_navigation():
        page.click("#apply-filters")
    assert page.locator("#member-table tbody tr").count() == 1
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    screenshot(page, "people-member-list-phone")
    with page.expect_navigation():
        page.locator("#member-table a", has_text="李四").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "people-person-phone")

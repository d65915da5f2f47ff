"""A branch secretary registers an applicant and takes the case on stage by stage, seeing what each stage still
needs; the county sees a village with no member developed for three years among the warnings."""
import datetime

import pytest

from kernel.people.models import Person
from kernel.people.services import member_create, person_create
from mechanisms.development.definition import install
from tests.kit import make_user

from .conftest import login, screenshot


@pytest.fixture
def installed(county):
    return install(owner=county.county)


def missing(page) -> str:
    return page.inner_text("#gate-missing") if page.locator("#gate-missing").count() else ""


def test_secretary_takes_an_applicant_to_public_notice(page, county, installed):
    make_user("branch_a1", "branch_secretary", county.village_a1)
    login(page, "branch_a1")
    page.goto(page.base_url + "/development/")
    screenshot(page, "development-register-empty")
    page.goto(page.base_url + "/development/new/")
    page.select_option("#id_organization", str(county.village_a1.pk))
    page.fill("#id_name", "周晓明")
    page.select_option("#id_gender", "male")
    page.fill("#id_birth_date", "1998-04-12")
    page.fill("#id_applied_on", "2024-01-10")
    page.fill("#id_household", "一组12号")
    page.click("form.col-lg-6 button[type=submit]")
    page.wait_for_load_state("networkidle")
    screenshot(page, "development-case-opened")
    page.wait_for_selector("#current-stage")
    assert Person.objects.get(name="周晓明").stage == "applicant"
    page.click("#advance")
    page.wait_for_load_state("networkidle")

    assert page.inner_text("#current-stage") == "入党积极分子"
    assert "培养联系人" in missing(page) and "入党积极分子日期" in missing(page)
    screenshot(page, "development-case-activist-missing")
    page.fill("#id_activist_on", "2024-03-01")
    page.fill("#id_contact_1", "李红")
    page.fill("#id_contact_2", "王强")
    page.click("#advance")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#current-stage") == "发展对象"
    assert Person.objects.get(name="周晓明").stage == "candidate"
    assert "预审" in missing(page)

    page.fill("#id_recommended_on", "2025-03-20")
    page.fill("#id_target_on", "2025-02-01")  # before the recommendation and within a year of activist: refused
    page.fill("#id_reviewed_on", "2025-04-20")
    page.click("#advance")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#current-stage") == "发展对象"
    assert "id_target_on" in page.content()
    page.fill("#id_target_on", "2025-04-01")
    page.click("#advance")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#current-stage") == "公示"
    assert Person.objects.get(name="周晓明").stage == "candidate"
    screenshot(page, "development-case-public-notice")
    assert "发展对象 → 公示" in page.inner_text("#transitions")


def test_county_sees_a_blank_village_among_the_warnings(page, county, installed):
    make_user("county_admin", "county_admin", county.county)
    for branch, name in ((county.village_a2, "吴新"), (county.village_b1, "郑新")):
        person = person_create(user=None, organization=branch, name=name, gender="female",
                               birth_date=datetime.date(1996, 2, 2))
        member_create(user=None, person=person, category="full", joined_on=datetime.date.today().replace(day=1)
                      - datetime.timedelta(days=500), full_on=datetime.date.today().replace(day=1)
                      - datetime.timedelta(days=100))
    login(page, "county_admin")
    page.goto(page.base_url + "/development/warnings/")
    rows = page.locator("#development-warnings tr[data-kind=blank_village]")
    assert rows.count() == 1
    assert county.village_a1.name in rows.first.inner_text()
    screenshot(page, "development-warnings")
    page.goto(page.base_url + "/development/structure/")
    screenshot(page, "development-structure")
    page.goto(page.base_url + "/development/")
    screenshot(page, "development-register")

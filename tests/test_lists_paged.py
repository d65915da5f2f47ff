"""The lists that were still unpaged (organization search, the reporting notices and inspections) come in pages
of PAGE_SIZE with their count; the standards lists show their count above the rows."""
import datetime
import re

import pytest

from engines.duties import clock
from engines.standards.services import assessment_create
from engines.standards.testing import make_standard
from mechanisms.reporting.library import install_reporting_rules
from mechanisms.reporting.services import finding_add, inspection_create, notice_issue
from tests.factories import OrganizationFactory, StandardFactory
from tests.kit import county_built_once

county, users = county_built_once()

D = datetime.date


def _total(page: str) -> int:
    return int(re.search(r'class="[^"]*list-count" data-total="(\d+)"', page).group(1))


def _links(page: str, prefix: str) -> list[str]:
    return re.findall(rf'href="({prefix}\d+/)"', page)


def test_the_organization_search_is_counted_and_paged(county, users, client, settings):
    settings.PAGE_SIZE = 2
    for n in range(3):
        OrganizationFactory(parent=county.township_a, name=f"新建村党支部{n}", code=f"NEW{n}")
    client.force_login(users["county"])
    first = client.get("/orgs/search/", {"q": "新建村"}).content.decode()
    assert _total(first) == 3 and first.count('class="list-group-item list-group-item-action') == 2
    assert 'rel="next" href="/orgs/search/?q=%E6%96%B0%E5%BB%BA%E6%9D%91&amp;page=2"' in first
    second = client.get("/orgs/search/", {"q": "新建村", "page": 2}).content.decode()
    assert _total(second) == 3 and second.count('class="list-group-item list-group-item-action') == 1
    htmx = client.get("/orgs/search/", {"q": "新建村"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in htmx and _total(htmx) == 3 and 'rel="next"' in htmx
    # the count is the user's: township B sees none of township A's
    client.force_login(users["township_b"])
    assert "list-count" not in client.get("/orgs/search/", {"q": "新建村"}).content.decode()


@pytest.fixture
def inspections(county, users):
    with clock.today_is(D(2025, 9, 5)):
        install_reporting_rules(user=None, owner=county.county)
        made = []
        for quarter in (1, 2, 3):
            inspection = inspection_create(user=users["county"], organization=county.county, year=2025,
                                           quarter=quarter, inspected_on=D(2025, quarter * 3, 1), team="检查组")
            finding = finding_add(user=users["county"], inspection=inspection, organization=county.village_a1,
                                  category="org_life", text=f"第{quarter}季度记录不全")
            notice_issue(user=users["county"], finding=finding, deadline=D(2025, 9, 30),
                         number=f"督办〔2025〕{quarter}号")
            made.append(inspection)
    return made


def test_the_inspections_and_notices_are_counted_and_paged(county, users, client, settings, inspections):
    settings.PAGE_SIZE = 2
    client.force_login(users["county"])
    first = client.get("/reporting/inspections/").content.decode()
    assert _total(first) == 3 and len(_links(first, "/reporting/inspections/")) == 2
    assert 'rel="next" href="/reporting/inspections/?page=2"' in first
    second = client.get("/reporting/inspections/", {"page": 2}).content.decode()
    assert len(_links(second, "/reporting/inspections/")) == 1
    assert sorted(_links(first, "/reporting/inspections/") + _links(second, "/reporting/inspections/")) == sorted(
        f"/reporting/inspections/{inspection.pk}/" for inspection in inspections)

    notices = client.get("/reporting/notices/", {"status": "open"}).content.decode()
    assert _total(notices) == 3 and len(_links(notices, "/reporting/notices/")) == 2
    assert 'rel="next" href="/reporting/notices/?status=open&amp;page=2"' in notices
    rest = client.get("/reporting/notices/", {"status": "open", "page": 2}).content.decode()
    assert _total(rest) == 3 and len(_links(rest, "/reporting/notices/")) == 1
    client.force_login(users["township_b"])
    assert _total(client.get("/reporting/notices/").content.decode()) == 0


def test_the_standards_lists_show_their_count(county, users, client):
    version = make_standard(county.county, code="five-good-count", name="五个好村党组织")
    for year in (2024, 2025):
        assessment_create(user=None, version=version, owner=county.county, name=f"{year}年五个好",
                          period_kind="year", period_start=D(year, 1, 1), period_end=D(year, 12, 31),
                          period_label=str(year))
    StandardFactory(owner=county.county)
    client.force_login(users["county"])
    assert _total(client.get("/standards/assessments/").content.decode()) == 2
    assert _total(client.get("/standards/library/").content.decode()) == 2
    assessment = version.assessments.order_by("period_start").last()
    sheets = assessment.sheets.count()
    assert sheets > 0
    assert _total(client.get(f"/standards/assessments/{assessment.pk}/").content.decode()) == sheets
    assert _total(client.get(f"/standards/assessments/{assessment.pk}/results/").content.decode()) == sheets

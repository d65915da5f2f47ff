"""A first secretary checks in on a phone with the location the phone reports; the county reads the month's
ranking within each village class."""
import datetime
from decimal import Decimal

import pytest

from engines.standards.models import Item, RaterGroup
from engines.standards.services import scores_bulk_set
from kernel.orgs.services import org_create
from mechanisms.firstsec import services
from mechanisms.firstsec.library import RATER, install_firstsec
from mechanisms.firstsec.models import CheckIn
from tests.kit import make_member, make_user

from .conftest import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def _send(county, person, village, village_class, started_on):
    return services.dispatch_create(user=None, person=person, village=village, village_class=village_class,
                                    sending_unit="县农业农村局", started_on=started_on,
                                    ends_on=started_on + datetime.timedelta(days=730))


@pytest.fixture
def agency(county):
    return org_create(user=None, parent=county.county, code="AG1", name="县农业农村局机关党支部", org_type="branch",
                      domain="agency")


@pytest.fixture
def located_phone(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, geolocation={"latitude": 26.731234, "longitude": 110.631234,
                                                               "accuracy": 18},
                                  permissions=["geolocation"])
    page = context.new_page()
    page.set_default_timeout(30000)
    page.base_url = live_server.url
    yield page
    context.close()


def test_a_check_in_on_a_phone_with_its_location(located_phone, county, agency):
    page = located_phone
    install_firstsec(user=None, owner=county.county)
    today = datetime.date.today()
    dispatch = _send(county, make_member(agency, "赵第一"), county.village_a1, "weak_lax",
                     today - datetime.timedelta(days=20))
    make_user("zhao", "member", county.village_a1, person=dispatch.person)
    login(page, "zhao")
    page.goto(page.base_url + "/firstsec/checkin/")
    page.wait_for_function("document.getElementById('c-lat').value !== ''")
    assert page.locator("#c-reason-group").is_hidden()
    page.locator("label[for=c-away]").tap()
    assert page.locator("#c-reason-group").is_visible() and page.locator("#c-night-group").is_hidden()
    page.locator("label[for=c-village]").tap()
    page.locator("label[for=c-night]").tap()
    screenshot(page, "firstsec-checkin-phone")
    page.locator("#c-submit").tap()
    page.wait_for_selector("#checked-today")
    screenshot(page, "firstsec-checked-in-phone")
    checkin = CheckIn.objects.get(dispatch=dispatch)
    assert (checkin.day, checkin.in_village, checkin.night_stayed, checkin.late) == (today, True, True, False)
    assert (checkin.latitude, checkin.longitude, checkin.accuracy) == (Decimal("26.731234"), Decimal("110.631234"),
                                                                       Decimal("18.0"))
    assert page.locator("#days-so-far").inner_text().startswith("1")
    page.locator(f"a[href='/firstsec/dispatches/{dispatch.pk}/']").tap()
    page.wait_for_selector("#month-calendar")
    assert "table-success" in page.locator(f'td[data-day="{today.isoformat()}"]').get_attribute("class")
    screenshot(page, "firstsec-calendar-phone")


def test_the_monthly_ranking_page(page, county, agency):
    install_firstsec(user=None, owner=county.county)
    villages = [org_create(user=None, parent=county.township_a if n % 2 else county.township_b, code=f"V{n}",
                           name=f"第{n}村党支部", org_type="branch", domain="rural") for n in range(6)]
    start = datetime.date(2025, 1, 1)
    classes = ["weak_lax", "weak_lax", "weak_lax", "poor", "poor", "poor"]
    dispatches = [_send(county, make_member(agency, f"书记{n}"), village, village_class, start)
                  for n, (village, village_class) in enumerate(zip(villages, classes))]
    assessment = services.monthly_assessment(user=None, county=county.county, year=2025, month=5)
    rater = RaterGroup.objects.get(version=assessment.version, code=RATER)
    items = list(Item.objects.filter(version=assessment.version, source=""))
    sheets = {sheet.person_id: sheet for sheet in assessment.sheets.all()}
    points = [14, 10, 12, 9, 13, 11]  # per item: 书记0 > 书记2 > 书记1 in 软弱涣散; 书记4 > 书记5 > 书记3 in 贫困
    rows = [(sheets[d.person_id].pk, item.pk, Decimal(min(p, int(item.max_points))), None, None)
            for d, p in zip(dispatches, points) for item in items]
    scores_bulk_set(user=None, assessment=assessment, rater=rater, rows=rows)
    services.monthly_results(user=None, assessment=assessment)
    make_user("county", "county_admin", county.county)
    login(page, "county")
    page.goto(page.base_url + "/firstsec/rankings/")
    page.wait_for_url(f"**/firstsec/rankings/{assessment.pk}/")
    weak = page.locator('section[data-class="weak_lax"] tbody tr')
    poor = page.locator('section[data-class="poor"] tbody tr')
    assert [weak.nth(n).locator("td").nth(1).inner_text() for n in range(3)] == ["书记0", "书记2", "书记1"]
    assert [poor.nth(n).locator("td").nth(1).inner_text() for n in range(3)] == ["书记4", "书记5", "书记3"]
    assert [poor.nth(n).get_attribute("data-rank") for n in range(3)] == ["1", "2", "3"]
    assert "table-danger" in (weak.nth(2).get_attribute("class") or "")
    screenshot(page, "firstsec-ranking")


def test_the_countys_elimination_decision_previewed_confirmed_and_recorded(page, county, agency):
    """The list's choices (selects outside the form, joined to it by the form= attribute) go to a preview with the
    counts; confirming needs the box ticked (nothing is decided until then); the decision is recorded."""
    from engines.duties import clock
    from mechanisms.firstsec.models import EliminationDecision, EliminationEntry

    install_firstsec(user=None, owner=county.county)
    entries = {}
    for village, name in ((county.village_a1, "赵第一"), (county.village_a2, "钱第二"), (county.village_b1, "孙第三")):
        dispatch = _send(county, make_member(agency, name), village, "weak_lax", datetime.date(2025, 6, 2))
        entries[name] = EliminationEntry.objects.create(
            dispatch=dispatch, person_id=dispatch.person_id, org_path=dispatch.org_path, county=county.county,
            last_month="2025-06", months=["2025-04", "2025-05", "2025-06"], reason="末位")
    make_user("county", "county_admin", county.county)
    with clock.today_is(datetime.date(2025, 7, 3)):
        login(page, "county")
        page.goto(page.base_url + "/firstsec/elimination/")
        page.select_option(f'select[name="decision_{entries["赵第一"].pk}"]', "recall")
        page.fill(f'input[name="note_{entries["赵第一"].pk}"]', "末位淘汰")
        page.select_option(f'select[name="decision_{entries["钱第二"].pk}"]', "warn")
        page.select_option(f'select[name="decision_{entries["孙第三"].pk}"]', "keep")
        page.locator("#decide-list button").click()
        page.wait_for_selector("#elimination-confirm")
        counts = page.locator("#decision-counts")
        assert [counts.locator(f'[data-count="{key}"]').inner_text() for key in ("count", "keep", "warn", "recall")] \
            == ["3", "1", "1", "1"]
        assert "赵第一" in page.locator('ul[data-decision="recall"]').inner_text()
        screenshot(page, "firstsec-elimination-preview")
        page.locator("#elimination-confirm button[type=submit]").click()  # the box not ticked: the browser stops
        assert page.locator("#confirm").evaluate("box => box.validity.valueMissing")
        assert page.locator("#elimination-confirm").is_visible() and not EliminationDecision.objects.exists()
        page.locator("#confirm").check()
        page.locator("#elimination-confirm button[type=submit]").click()
        page.wait_for_url("**/firstsec/elimination/decisions/*/")
        screenshot(page, "firstsec-elimination-decided")
    act = EliminationDecision.objects.get()
    assert page.url.endswith(f"/firstsec/elimination/decisions/{act.pk}/")
    decided = dict(EliminationEntry.objects.values_list("person__name", "decision"))
    assert decided == {"赵第一": "recall", "钱第二": "warn", "孙第三": "keep"}

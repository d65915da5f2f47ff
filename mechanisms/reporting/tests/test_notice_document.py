"""The supervision notice (督查通知) as an official document, from its page and the API: 文号 (suggested from the
year's register on the inspection page), the issuer and the Chinese date, the organization addressed, the finding,
the deadline and the quarter written as people write it."""
import datetime

from kernel.core.models import DocumentNumber
from kernel.core.tests.official_pdf import assert_official, flat, pdf_text
from mechanisms.reporting.services import finding_add, inspection_create, notice_issue
from tests.kit import county_built_once

county, users = county_built_once()

D = datetime.date


def test_the_notice_in_the_official_layout(client, county, users, rules, today):
    today(D(2025, 11, 20))
    inspection = inspection_create(user=users["county"], organization=county.county, year=2025, quarter=4,
                                   inspected_on=D(2025, 11, 18))
    finding = finding_add(user=users["county"], inspection=inspection, organization=county.village_a1,
                          text="“三会一课”记录不全")
    client.force_login(users["county"])
    page = client.get(f"/reporting/inspections/{inspection.pk}/").content.decode()
    assert "示督〔2025〕1号" in page  # the county's abbreviation, 督, the first of the year
    notice = notice_issue(user=users["county"], finding=finding, deadline=D(2025, 12, 20), number="示督〔2025〕1号",
                          requirement="补齐会议记录")
    assert DocumentNumber.objects.filter(prefix="示督", year=2025, sequence=1).exists()
    finding_add(user=users["county"], inspection=inspection, organization=county.village_a2, text="党费收缴不及时")
    assert "示督〔2025〕2号" in client.get(f"/reporting/inspections/{inspection.pk}/").content.decode()
    response = client.get(f"/reporting/notices/{notice.pk}.pdf", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    text = assert_official(response.content, "supervision-notice", number="示督〔2025〕1号", issuer="示范县委",
                           date="2025年11月20日", title="关于督促陳家村党支部限期整改督查发现问题的通知",
                           names=("陳家村党支部：", "2025年第四季度", "2025年11月18日", "补齐会议记录",
                                  "2025年12月20日前", "示范县委文件"))
    assert "“三会一课”记录不全" in text
    api = client.get(f"/api/reporting/notices/{notice.pk}/pdf")
    assert api.status_code == 200 and "示督〔2025〕1号" in flat(pdf_text(api.content))
    client.force_login(users["township_b"])
    assert client.get(f"/api/reporting/notices/{notice.pk}/pdf").status_code == 404
    assert client.get(f"/reporting/notices/{notice.pk}.pdf").status_code == 404

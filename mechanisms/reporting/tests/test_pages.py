"""Reporting pages and API: a report written and returned through the pages, notices by township, the notice
PDF, the two-way page, and 404 outside the user's subtree."""
import datetime

from engines.duties.models import Obligation, Submission
from engines.duties.services import generate
from mechanisms.reporting.models import NoticeStatus, SupervisionNotice
from mechanisms.reporting.services import finding_add, inspection_create, notice_issue
from tests.kit import county_built_once

county, users = county_built_once()

D = datetime.date


def _notice(county, users, organization):
    inspection = inspection_create(user=users["county"], organization=county.county, year=2025, quarter=1,
                                   inspected_on=D(2025, 3, 18))
    finding = finding_add(user=users["county"], inspection=inspection, organization=organization, text="台账不全")
    return notice_issue(user=users["county"], finding=finding, deadline=D(2025, 4, 20), number="督办〔2025〕2号")


def test_write_and_return_a_report_through_the_pages(client, county, users, rules, today):
    generate(user=None, year=2025, root=county.county)
    today(D(2025, 7, 5))
    obligation = Obligation.objects.get(rule__code="village-halfyearly-report", organization=county.village_a1,
                                        period_label="2025-H1")
    client.force_login(users["branch_a1"])
    page = client.get("/reporting/?rule=village-halfyearly-report&year=2025&period=2025-H1")
    assert page.status_code == 200 and "陳家村党支部" in page.content.decode()
    response = client.post(f"/reporting/write/{obligation.pk}/", {"title": "上半年报告", "body": "内容"})
    assert response.status_code == 302
    submission = Submission.objects.get(obligation=obligation)
    assert client.post(f"/reporting/review/{submission.pk}/", {"decision": "accept"}).status_code == 404
    client.force_login(users["township_a"])
    assert client.get(f"/reporting/review/{submission.pk}/").status_code == 200
    client.post(f"/reporting/review/{submission.pk}/", {"decision": "return", "note": "请补充数据"})
    submission.refresh_from_db()
    assert submission.review == "returned" and submission.review_note == "请补充数据"
    client.force_login(users["township_b"])
    assert client.get(f"/reporting/review/{submission.pk}/").status_code == 404
    assert client.get(f"/reporting/write/{obligation.pk}/").status_code == 404


def test_notice_pages_pdf_and_scope(client, county, users, rules, today):
    today(D(2025, 3, 20))
    notice = _notice(county, users, county.township_a)
    today(D(2025, 4, 25))
    client.force_login(users["county"])
    listing = client.get("/reporting/notices/?status=overdue").content.decode()
    assert "督办〔2025〕2号" in listing and "甲镇党委" in listing
    assert client.get("/reporting/inspections/").status_code == 200
    assert client.get(f"/reporting/inspections/{notice.finding.inspection_id}/").status_code == 200
    pdf = client.get(f"/reporting/notices/{notice.pk}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    client.force_login(users["township_a"])
    assert client.get(f"/reporting/notices/{notice.pk}/").status_code == 200
    client.post(f"/reporting/notices/{notice.pk}/rectify/", {"text": "已整改"})
    assert SupervisionNotice.objects.get(pk=notice.pk).status == NoticeStatus.SUBMITTED
    client.post(f"/reporting/notices/{notice.pk}/close/", {"note": ""})  # not the issuer: refused
    assert SupervisionNotice.objects.get(pk=notice.pk).status == NoticeStatus.SUBMITTED
    client.force_login(users["county"])
    client.post(f"/reporting/notices/{notice.pk}/close/", {"note": "销号"})
    assert SupervisionNotice.objects.get(pk=notice.pk).status == NoticeStatus.CLOSED
    client.force_login(users["township_b"])
    assert client.get(f"/reporting/notices/{notice.pk}/").status_code == 404
    assert client.get(f"/reporting/notices/{notice.pk}.pdf").status_code == 404
    assert "督办〔2025〕2号" not in client.get("/reporting/notices/").content.decode()
    assert client.get(f"/reporting/inspections/{notice.finding.inspection_id}/").status_code == 404


def test_two_way_page(client, county, users, rules, today):
    today(D(2025, 7, 5))
    client.force_login(users["township_a"])
    assert client.get("/reporting/two-way/?year=2025&half=1").status_code == 200
    response = client.post("/reporting/two-way/", {"action": "assess", "owner": county.township_a.pk, "year": 2025,
                                                   "half": 1})
    assert response.status_code == 302


def test_api_notices_and_reports(client, county, users, rules, today):
    generate(user=None, year=2025, root=county.county)
    today(D(2025, 3, 20))
    notice = _notice(county, users, county.township_a)
    today(D(2025, 4, 25))
    client.force_login(users["township_a"])
    body = client.get("/api/reporting/notices?status=overdue").json()
    assert [item["id"] for item in body["items"]] == [notice.pk] and body["items"][0]["overdue"]
    rectified = client.post(f"/api/reporting/notices/{notice.pk}/rectification", {"text": "已整改"},
                            content_type="application/json")
    assert rectified.json()["status"] == "submitted"
    report = client.post("/api/reporting/reports", {"rule": "township-quarterly-report",
                                                    "organization": county.township_a.pk,
                                                    "period_start": "2025-01-01", "title": "一季度报告"},
                         content_type="application/json")
    assert report.status_code == 201 and report.json()["period_label"] == "2025-Q1"
    client.force_login(users["township_b"])
    assert client.get(f"/api/reporting/notices/{notice.pk}").status_code == 404
    assert client.post(f"/api/reporting/notices/{notice.pk}/close", {}, content_type="application/json").status_code == 404
    client.force_login(users["county"])
    reviewed = client.post(f"/api/reporting/reports/{report.json()['id']}/review", {"accept": True},
                           content_type="application/json")
    assert reviewed.json()["review"] == "accepted"
    closed = client.post(f"/api/reporting/notices/{notice.pk}/close", {"note": "销号"}, content_type="application/json")
    assert closed.json()["status"] == "closed"

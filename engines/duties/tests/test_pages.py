"""The duties pages as their users rely on them: each sees only their part of the tree, a report goes from
the branch's to-do list through the township's review, late entries wait for an approval, the board exports."""
import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from engines.duties import clock, services
from engines.duties.models import Notice, Obligation, Submission
from engines.duties.testing import make_rule
from tests.kit import county_built_once

county, users = county_built_once()

TODAY = datetime.date(2025, 7, 15)  # the first half-year's reports were due on 10 July


@pytest.fixture(autouse=True)
def today():
    with clock.today_is(TODAY):
        yield TODAY


@pytest.fixture
def report(county):
    """Branches report to their township every half-year; the township reviews each report."""
    version = make_rule(county.county, code="branch-half-yearly", name="村党支部半年工作报告", cadence="half_yearly",
                        review=True)
    services.generate(user=None, rule=version.rule, year=2025)
    return version.rule


def obligation_of(rule, org, label="2025-H1"):
    return Obligation.objects.get(rule=rule, organization=org, period_label=label)


def login(client, user):
    client.force_login(user)
    return client


def test_the_branch_sees_its_overdue_report_on_its_todo_list_and_nothing_of_others(client, users, county, report):
    page = login(client, users["branch_a1"]).get(reverse("duties:todo")).content.decode()
    own = obligation_of(report, county.village_a1)
    assert reverse("duties:submit", args=[own.pk]) in page
    assert "陳家村党支部" in page
    assert "李家村党支部" not in page and "王家村党支部" not in page


def test_a_township_gets_404_for_another_townships_obligation_and_submission(client, users, county, report):
    foreign = obligation_of(report, county.village_b1)
    submission = services.submit(user=None, rule=report, subject=county.village_b1, occurred_on=TODAY,
                                 title="王家村上半年报告", period_start=foreign.period_start)
    login(client, users["township_a"])
    for url in (reverse("duties:obligation", args=[foreign.pk]), reverse("duties:submit", args=[foreign.pk]),
                reverse("duties:review", args=[submission.pk]), reverse("duties:approval", args=[submission.pk])):
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("duties:review", args=[submission.pk]), {"decision": "accept"})
    assert response.status_code == 404
    submission.refresh_from_db()
    assert submission.review == Submission.Review.PENDING


def test_a_township_sees_only_its_branches_on_the_board_calendar_and_lists(client, users, county, report):
    login(client, users["township_a"])
    board = client.get(reverse("duties:board")).content.decode()
    assert "陳家村党支部" in board and "李家村党支部" in board
    assert "王家村党支部" not in board and "乙镇党委" not in board
    calendar = client.get(reverse("duties:calendar"), {"year": 2025, "month": 7}).content.decode()
    assert "村党支部半年工作报告" in calendar
    day = calendar.split('data-date="2025-07-10"')[1].split("</td>")[0]
    assert re.search(r'duty-state-overdue"[^>]*>2<', day)  # A1 and A2, not B1
    listing = client.get(reverse("duties:obligations"), {"rule": report.pk}).content.decode()
    assert listing.count("data-obligation=") == 4  # two branches × two half-years
    assert "王家村党支部" not in listing
    assert client.get(reverse("duties:board"), {"under": county.township_b.pk}).status_code == 404


def test_the_county_board_drills_down_into_a_township(client, users, county, report):
    login(client, users["county"])
    top = client.get(reverse("duties:board")).content.decode()
    assert f'data-org="{county.township_a.pk}"' in top and f'data-org="{county.township_b.pk}"' in top
    down = client.get(reverse("duties:board"), {"under": county.township_a.pk}).content.decode()
    assert f'data-org="{county.village_a1.pk}"' in down and f'data-org="{county.village_b1.pk}"' not in down


def submit_report(client, obligation, title="上半年党建工作报告"):
    return client.post(reverse("duties:submit", args=[obligation.pk]),
                       {"title": title, "body": "召开支部党员大会3次，发展党员1名。"})


def test_a_report_is_returned_resubmitted_and_accepted_through_the_pages(client, users, county, report):
    own = obligation_of(report, county.village_a1)
    login(client, users["branch_a1"])
    response = submit_report(client, own)
    assert response.status_code == 302
    first = Submission.objects.get(obligation=own)
    assert first.review == Submission.Review.PENDING
    own.refresh_from_db()
    assert own.state == "overdue"

    login(client, users["township_a"])
    todo = client.get(reverse("duties:todo")).content.decode()
    assert reverse("duties:review", args=[first.pk]) in todo
    refused = client.post(reverse("duties:review", args=[first.pk]), {"decision": "return", "note": ""})
    assert refused.status_code == 200  # a return needs a note
    client.post(reverse("duties:review", args=[first.pk]), {"decision": "return", "note": "请补充发展党员情况"})
    first.refresh_from_db()
    assert first.review == Submission.Review.RETURNED
    own.refresh_from_db()
    assert own.done_count == 0 and own.state == "overdue"

    login(client, users["branch_a1"])
    form = client.get(reverse("duties:submit", args=[own.pk])).content.decode()
    assert "请补充发展党员情况" in form
    submit_report(client, own, title="上半年党建工作报告（修改稿）")
    second = Submission.objects.filter(obligation=own).exclude(pk=first.pk).get()
    assert client.post(reverse("duties:review", args=[second.pk]), {"decision": "accept"}).status_code == 403

    login(client, users["township_a"])
    client.post(reverse("duties:review", args=[second.pk]), {"decision": "accept", "note": ""})
    own.refresh_from_db()
    assert own.state == "late" and own.done_count == 1 and own.completed_on == TODAY
    detail = client.get(reverse("duties:obligation", args=[own.pk])).content.decode()
    assert "请补充发展党员情况" in detail and "（修改稿）" in detail


def test_a_record_entered_late_counts_once_approved(client, users, county):
    version = make_rule(county.county, code="branch-visits", name="走访群众记实", kind="record", cadence="monthly",
                        due_days=5, backfill_days=3)
    services.generate(user=None, rule=version.rule, year=2025)
    july = obligation_of(version.rule, county.village_a1, "2025-07")
    login(client, users["branch_a1"])
    response = client.post(reverse("duties:submit", args=[july.pk]),
                           {"title": "走访困难党员", "body": "走访5户", "occurred_on": "2025-07-02"})
    assert response.status_code == 302
    entry = Submission.objects.get(obligation=july)
    assert entry.late_entry and entry.approval == Submission.Approval.PENDING
    july.refresh_from_db()
    assert july.done_count == 0
    future = client.post(reverse("duties:submit", args=[july.pk]),
                         {"title": "x", "body": "y", "occurred_on": "2025-07-20"})
    assert future.status_code == 200 and Submission.objects.filter(obligation=july).count() == 1

    login(client, users["township_a"])
    assert reverse("duties:approval", args=[entry.pk]) in client.get(reverse("duties:todo")).content.decode()
    client.post(reverse("duties:approval", args=[entry.pk]), {"decision": "approve", "note": "情况属实"})
    entry.refresh_from_db()
    july.refresh_from_db()
    assert entry.approval == Submission.Approval.APPROVED and july.done_count == 1


def test_the_board_exports_the_rows_it_shows(client, users, county, report):
    with clock.today_is(datetime.date(2025, 7, 5)):  # before the deadline
        accepted = services.submit(user=None, rule=report, subject=county.village_a2, title="李家村上半年报告",
                                   occurred_on=datetime.date(2025, 7, 5), period_start=datetime.date(2025, 1, 1))
    services.submission_review(user=None, submission=accepted, accept=True)
    login(client, users["township_a"])
    response = client.get(reverse("duties:board_xlsx"), {"year": 2025})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    header, body = rows[0], {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert set(body) == {"陳家村党支部", "李家村党支部", "甲镇党委"}
    assert "王家村党支部" not in body
    rate = header[-2]
    assert body["李家村党支部"][rate] == 100.0
    assert body["陳家村党支部"][rate] in (0, 0.0, None)


def test_notices_are_marked_read_one_by_one_and_only_ones_own(client, users, county, report):
    own = obligation_of(report, county.village_a1)
    mine = Notice.objects.create(user=users["branch_a1"], obligation=own, kind="overdue", message="半年报告已逾期")
    theirs = Notice.objects.create(user=users["township_a"], obligation=own, kind="overdue", message="村报告逾期")
    login(client, users["branch_a1"])
    assert "半年报告已逾期" in client.get(reverse("duties:todo")).content.decode()
    assert client.post(reverse("duties:notice_read", args=[theirs.pk])).status_code == 404
    client.post(reverse("duties:notice_read", args=[mine.pk]), HTTP_HX_REQUEST="true")
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None
    assert "半年报告已逾期" not in client.get(reverse("duties:todo")).content.decode()


def test_an_attachment_is_downloaded_only_within_scope(client, users, county, report):
    own = obligation_of(report, county.village_a1)
    login(client, users["branch_a1"])
    upload = SimpleUploadedFile("报告.pdf", b"%PDF-1.4 report", content_type="application/pdf")
    client.post(reverse("duties:submit", args=[own.pk]), {"title": "上半年报告", "attachment": upload})
    submission = Submission.objects.get(obligation=own)
    url = reverse("duties:attachment", args=[submission.pk])
    assert b"".join(login(client, users["township_a"]).get(url).streaming_content) == b"%PDF-1.4 report"
    assert login(client, users["township_b"]).get(url).status_code == 404


def test_the_obligation_list_filters_by_state_and_period(client, users, county, report):
    login(client, users["township_a"])
    overdue = client.get(reverse("duties:obligations"), {"state": "overdue"}).content.decode()
    assert overdue.count("data-obligation=") == 2 and "2025-H2" not in overdue
    second = client.get(reverse("duties:obligations"), {"period": "2025-H2"}).content.decode()
    assert second.count("data-obligation=") == 2 and "2025-H1" not in second

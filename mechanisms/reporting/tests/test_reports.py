"""Reports (报告制): written for a period, accepted or returned by the parent; a returned report does not count."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from engines.duties.models import Obligation, Submission
from engines.duties.services import generate
from mechanisms.reporting.services import report_review, report_submit
from tests.kit import county_built_once

county, users = county_built_once()


def _obligation(org, code, label):
    return Obligation.objects.get(rule__code=code, organization=org, period_label=label)


def test_shipped_rules_apply_to_townships_villages_and_everyone(county, rules):
    generate(user=None, year=2025, root=county.county)
    quarterly = Obligation.objects.filter(rule__code="township-quarterly-report")
    assert set(quarterly.values_list("organization__code", flat=True)) == {"TA", "TB"}
    assert quarterly.count() == 8
    halves = Obligation.objects.filter(rule__code="village-halfyearly-report")
    assert set(halves.values_list("organization__code", flat=True)) == {"A1", "A2", "B1"}
    assert set(halves.values_list("period_label", flat=True)) == {"2025-H1", "2025-H2"}
    assert Obligation.objects.filter(rule__code="annual-report").count() == 5  # 2 townships + 3 villages
    q1 = _obligation(county.township_a, "township-quarterly-report", "2025-Q1")
    assert q1.due_on == datetime.date(2025, 4, 10) and q1.owed_to == county.county


def test_report_accepted_counts_returned_does_not(county, users, rules, today):
    generate(user=None, year=2025, root=county.county)
    today(datetime.date(2025, 4, 5))
    report = report_submit(user=users["township_a"], rule_code="township-quarterly-report",
                           organization=county.township_a, period_start=datetime.date(2025, 1, 1),
                           title="甲镇一季度党建工作报告", body="……")
    obligation = _obligation(county.township_a, "township-quarterly-report", "2025-Q1")
    assert report.review == Submission.Review.PENDING and obligation.state == "open"

    with pytest.raises(ValidationError):
        report_review(user=users["county"], submission=report, accept=False, note="")
    report_review(user=users["county"], submission=report, accept=False, note="补充党员发展情况")
    obligation.refresh_from_db()
    assert obligation.done_count == 0 and obligation.state == "open"

    today(datetime.date(2025, 4, 15))
    revised = report_submit(user=users["township_a"], rule_code="township-quarterly-report",
                            organization=county.township_a, period_start=datetime.date(2025, 1, 1),
                            title="甲镇一季度党建工作报告（修改稿）")
    report_review(user=users["county"], submission=revised, accept=True)
    obligation.refresh_from_db()
    assert obligation.state == "late" and obligation.completed_on == datetime.date(2025, 4, 15)


def test_only_the_parent_reviews_and_only_the_subject_writes(county, users, rules, today):
    generate(user=None, year=2025, root=county.county)
    today(datetime.date(2025, 7, 3))
    with pytest.raises(PermissionDenied):
        report_submit(user=users["township_b"], rule_code="village-halfyearly-report", organization=county.village_a1,
                      period_start=datetime.date(2025, 1, 1), title="x")
    report = report_submit(user=users["branch_a1"], rule_code="village-halfyearly-report",
                           organization=county.village_a1, period_start=datetime.date(2025, 1, 1),
                           title="陳家村上半年党建工作")
    with pytest.raises(PermissionDenied):
        report_review(user=users["branch_a1"], submission=report, accept=True)
    with pytest.raises(PermissionDenied):
        report_review(user=users["township_b"], submission=report, accept=True)
    report_review(user=users["township_a"], submission=report, accept=True)
    assert _obligation(county.village_a1, "village-halfyearly-report", "2025-H1").state == "done"

"""Inspections → findings → supervision notices (督办通知): rectification, closure by the issuer, reopening, and
escalation of an overdue notice through the duties clock."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from engines.duties import clock
from engines.duties.models import Notice, Obligation
from mechanisms.reporting.models import NoticeStatus
from mechanisms.reporting.services import (
    finding_add,
    inspection_create,
    notice_close,
    notice_issue,
    notice_reopen,
    rectification_submit,
)
from tests.kit import county_built_once

county, users = county_built_once()

D = datetime.date


@pytest.fixture
def notice(county, users, rules, today):
    today(D(2025, 3, 20))
    inspection = inspection_create(user=users["county"], organization=county.county, year=2025, quarter=1,
                                   inspected_on=D(2025, 3, 18), team="县委组织部基层办检查组")
    finding = finding_add(user=users["county"], inspection=inspection, organization=county.township_a,
                          category="org_life", text="部分村“三会一课”记录不全")
    return notice_issue(user=users["county"], finding=finding, deadline=D(2025, 4, 20), number="督办〔2025〕1号")


def test_a_notice_is_a_one_off_obligation_due_on_its_deadline(county, notice):
    obligation = Obligation.objects.get(pk=notice.obligation_id)
    assert obligation.rule.code == "supervision-rectification"
    assert obligation.organization == county.township_a and obligation.owed_to == county.county
    assert obligation.due_on == D(2025, 4, 20) and obligation.state == "open"


def test_rectified_then_closed_by_the_issuer_is_done(county, users, notice, today):
    today(D(2025, 4, 10))
    with pytest.raises(PermissionDenied):
        rectification_submit(user=users["township_b"], notice=notice, text="x")
    rectification_submit(user=users["township_a"], notice=notice, text="已补齐记录并组织培训")
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.SUBMITTED
    assert Obligation.objects.get(pk=notice.obligation_id).state == "open"  # not counted until closed
    with pytest.raises(PermissionDenied):
        notice_close(user=users["township_a"], notice=notice)
    today(D(2025, 4, 25))
    notice_close(user=users["county"], notice=notice, note="整改到位")
    notice.refresh_from_db()
    obligation = Obligation.objects.get(pk=notice.obligation_id)
    assert notice.status == NoticeStatus.CLOSED and notice.closed_on == D(2025, 4, 25)
    assert obligation.state == "done" and obligation.completed_on == D(2025, 4, 10)


def test_reopened_notice_counts_as_undone_again(county, users, notice, today):
    today(D(2025, 4, 10))
    rectification_submit(user=users["township_a"], notice=notice, text="已整改")
    notice_close(user=users["county"], notice=notice)
    today(D(2025, 4, 30))
    with pytest.raises(ValidationError):
        notice_reopen(user=users["county"], notice=notice, note="")
    notice_reopen(user=users["county"], notice=notice, note="复查发现问题反弹")
    notice.refresh_from_db()
    obligation = Obligation.objects.get(pk=notice.obligation_id)
    assert notice.status == NoticeStatus.OPEN and obligation.state == "overdue"


def test_an_overdue_notice_escalates_to_the_parent(county, users, notice):
    clock.tick(today=D(2025, 4, 22))
    obligation = Obligation.objects.get(pk=notice.obligation_id)
    assert obligation.state == "overdue"
    assert Notice.objects.filter(obligation=obligation, kind="overdue", user=users["township_a"]).exists()
    assert not Notice.objects.filter(obligation=obligation, kind="escalation").exists()
    clock.tick(today=D(2025, 4, 24))
    escalated = set(Notice.objects.filter(obligation=obligation, kind="escalation").values_list("user__username",
                                                                                                flat=True))
    assert escalated == {"county"}
    clock.tick(today=D(2025, 5, 6))
    assert Obligation.objects.get(pk=notice.obligation_id).state == "missed"


def test_findings_only_below_the_inspecting_organization_and_one_notice_each(county, users, rules, today):
    today(D(2025, 6, 1))
    inspection = inspection_create(user=users["township_a"], organization=county.township_a, year=2025, quarter=2,
                                   inspected_on=D(2025, 6, 1))
    with pytest.raises(ValidationError):
        finding_add(user=users["township_a"], inspection=inspection, organization=county.village_b1, text="x")
    first = finding_add(user=users["township_a"], inspection=inspection, organization=county.village_a1, text="a")
    second = finding_add(user=users["township_a"], inspection=inspection, organization=county.village_a1, text="b")
    one = notice_issue(user=users["township_a"], finding=first, deadline=D(2025, 6, 30))
    two = notice_issue(user=users["township_a"], finding=second, deadline=D(2025, 7, 15))
    assert one.obligation_id != two.obligation_id  # two notices to one village on one day
    with pytest.raises(ValidationError):
        notice_issue(user=users["township_a"], finding=first, deadline=D(2025, 6, 30))
    with pytest.raises(ValidationError):
        notice_issue(user=users["township_a"], finding=finding_add(
            user=users["township_a"], inspection=inspection, organization=county.village_a2, text="c"),
            deadline=D(2025, 5, 1))

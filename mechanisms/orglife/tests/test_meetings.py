"""Meetings discharge the duties of their kind; attendance is written in one go; late entries wait for approval."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from engines.duties import services as duties
from engines.duties.models import Obligation, Submission
from mechanisms.orglife.models import Attendance, Meeting
from mechanisms.orglife.services import meeting_delete, meeting_save
from tests.kit import county_built_once

from .conftest import record

county, users = county_built_once()

Q1 = datetime.date(2025, 1, 1)


def obligation(rules, code, org, period_start):
    return Obligation.objects.get(rule=rules[code].rule, organization=org, period_start=period_start)


def test_shipped_rules_install_once(rules, county):
    from mechanisms.orglife.library import install_rules

    again = install_rules(user=None, owner=county.county)
    assert {code: v.pk for code, v in again.items()} == {code: v.pk for code, v in rules.items()}
    assert rules["orglife-branch-general"].cadence == "quarterly"
    assert rules["orglife-committee"].cadence == "monthly"
    assert rules["orglife-life-meeting"].cadence == "yearly"
    assert rules["orglife-township-cadre-training"].min_count == 3


def test_quarter_without_general_meeting_ends_missed(rules, county, today):
    today(datetime.date(2025, 2, 12))
    duties.generate(user=None, rule=rules["orglife-branch-general"].rule, year=2025)
    record(county.village_a1, date=datetime.date(2025, 2, 10),
           attendance={county.people["zhangsan"].pk: "present", county.people["chen"].pk: "absent"})
    today(datetime.date(2025, 6, 1))  # past Q1's deadline (04-15) and its grace (30 days)
    duties.refresh_states()
    assert obligation(rules, "orglife-branch-general", county.village_a1, Q1).state == "done"
    assert obligation(rules, "orglife-branch-general", county.village_a2, Q1).state == "missed"
    assert obligation(rules, "orglife-branch-general", county.village_b1, Q1).state == "missed"


def test_meeting_discharges_only_its_own_kind(rules, county, today):
    today(datetime.date(2025, 2, 12))
    meeting = record(county.village_a1, kind="lecture")
    lecture = obligation(rules, "orglife-lecture", county.village_a1, Q1)
    assert lecture.done_count == 1 and lecture.state == "done"
    assert not Obligation.objects.filter(rule=rules["orglife-branch-general"].rule, done_count__gt=0).exists()
    submission = Submission.objects.get(record_id=meeting.pk, rule=rules["orglife-lecture"].rule)
    assert submission.organization == county.village_a1 and submission.occurred_on == meeting.date


def test_moving_and_deleting_a_meeting_moves_the_duty(rules, county, today):
    today(datetime.date(2025, 4, 5))
    meeting = record(county.village_a1, date=datetime.date(2025, 3, 30))
    q1 = obligation(rules, "orglife-branch-general", county.village_a1, Q1)
    assert q1.done_count == 1
    meeting_save(user=None, meeting=meeting, date=datetime.date(2025, 4, 3), attendance={})
    q1.refresh_from_db()
    q2 = obligation(rules, "orglife-branch-general", county.village_a1, datetime.date(2025, 4, 1))
    assert (q1.done_count, q2.done_count) == (0, 1)
    meeting_save(user=None, meeting=Meeting.objects.get(pk=meeting.pk), kind="committee", attendance={})
    q2.refresh_from_db()
    april = obligation(rules, "orglife-committee", county.village_a1, datetime.date(2025, 4, 1))
    assert (q2.done_count, april.done_count) == (0, 1)
    meeting_delete(user=None, meeting=Meeting.objects.get(pk=meeting.pk))
    april.refresh_from_db()
    assert april.done_count == 0 and april.state == "open"
    assert not Submission.objects.filter(record_id=meeting.pk).exists()


def test_back_filled_meeting_needs_approval(rules, county, users, today):
    today(datetime.date(2025, 3, 20))
    meeting = record(county.village_a1, date=datetime.date(2025, 3, 1), user=users["branch_a1"])  # 19 days > 15
    submission = Submission.objects.get(record_id=meeting.pk)
    assert submission.late_entry and submission.approval == "pending"
    q1 = obligation(rules, "orglife-branch-general", county.village_a1, Q1)
    assert q1.done_count == 0
    with pytest.raises(PermissionDenied):  # the branch cannot approve its own late entry
        duties.submission_approve(user=users["branch_a1"], submission=submission, approve=True)
    duties.submission_approve(user=users["township_a"], submission=submission, approve=True)
    q1.refresh_from_db()
    assert q1.done_count == 1 and q1.state == "done"


def test_meeting_within_window_needs_no_approval(rules, county, today):
    today(datetime.date(2025, 3, 16))
    meeting = record(county.village_a1, date=datetime.date(2025, 3, 1))  # 15 days: still in the window
    submission = Submission.objects.get(record_id=meeting.pk)
    assert not submission.late_entry and submission.approval == ""


def test_attendance_is_written_and_edited(county, today):
    today(datetime.date(2025, 3, 1))
    zhang, chen = county.people["zhangsan"], county.people["chen"]
    meeting = record(county.village_a1, attendance={zhang.pk: "present", chen.pk: "excused"})
    assert (meeting.present_count, meeting.excused_count, meeting.absent_count) == (1, 1, 0)
    meeting = meeting_save(user=None, meeting=meeting, attendance={str(zhang.pk): "absent"})
    assert dict(Attendance.objects.filter(meeting=meeting).values_list("person_id", "status")) == {zhang.pk: "absent"}
    assert (meeting.present_count, meeting.excused_count, meeting.absent_count) == (0, 0, 1)
    meeting = meeting_save(user=None, meeting=meeting, date=datetime.date(2025, 2, 1), kind="lecture",
                           attendance={zhang.pk: "absent"})
    row = Attendance.objects.get(meeting=meeting)
    assert (row.date, row.kind, row.org_path) == (datetime.date(2025, 2, 1), "lecture", county.village_a1.path)


def test_attendance_only_for_the_branch_members(county, today):
    today(datetime.date(2025, 3, 1))
    with pytest.raises(ValidationError):
        record(county.village_a1, attendance={county.people["wangwu"].pk: "present"})
    with pytest.raises(ValidationError):
        record(county.village_a1, attendance={county.people["zhangsan"].pk: "asleep"})
    with pytest.raises(ValidationError):
        record(county.village_a1, date=datetime.date(2025, 3, 2))  # tomorrow
    assert not Meeting.objects.exists()


def test_meeting_outside_scope_is_refused(county, users, today):
    today(datetime.date(2025, 3, 1))
    with pytest.raises(PermissionDenied):
        record(county.village_b1, user=users["township_a"])
    assert not Meeting.objects.exists()

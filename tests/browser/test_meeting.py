"""Recording a meeting on a phone: every member listed, attendance by tapping names, saved in one POST."""
import datetime

import pytest

from mechanisms.orglife.models import Attendance, Meeting
from tests.kit import make_member, make_user

from .conftest import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_record_a_meeting_by_tapping_names(phone_page, county):
    page = phone_page
    branch = county.village_a1
    extra = [make_member(branch, name) for name in ("赵一", "钱二", "孙三", "周四", "吴五", "郑六")]
    make_user("secretary", "branch_secretary", branch)
    login(page, "secretary")
    page.goto(page.base_url + f"/orglife/orgs/{branch.pk}/meetings/new/")
    page.select_option("#id_kind", "branch_general")
    page.fill("#id_topic", "学习党章 重温入党誓词")
    page.fill("#id_place", "村党员活动室")
    buttons = page.locator("button.att")
    assert buttons.count() == 2 + len(extra)
    assert page.locator('button.att[data-status="present"]').count() == 8  # everyone starts present
    chen = page.locator("button.att", has_text="陳小紅")
    chen.tap()  # present → excused
    zhao = page.locator("button.att", has_text="赵一")
    zhao.tap()
    zhao.tap()  # → absent
    assert chen.get_attribute("data-status") == "excused" and zhao.get_attribute("data-status") == "absent"
    assert "6" in page.locator("#attendance-tally").inner_text()
    screenshot(page, "meeting-entry-phone")
    page.click("#save-meeting")
    page.wait_for_url("**/orglife/meetings/*/")
    screenshot(page, "meeting-saved-phone")
    meeting = Meeting.objects.get()
    assert (meeting.kind, meeting.date, meeting.present_count, meeting.excused_count, meeting.absent_count) == (
        "branch_general", datetime.date.today(), 6, 1, 1)
    statuses = dict(Attendance.objects.filter(meeting=meeting).values_list("person__name", "status"))
    assert statuses["陳小紅"] == "excused" and statuses["赵一"] == "absent" and statuses["张三"] == "present"
    assert "6" in page.locator("#attendance-counts").inner_text()
    page.goto(page.base_url + f"/orglife/orgs/{branch.pk}/meetings/")
    screenshot(page, "meeting-ledger-phone")
    assert "学习党章" in page.locator("#meetings").inner_text()

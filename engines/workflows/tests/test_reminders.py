import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from engines.workflows import services
from engines.workflows.models import CaseNotice
from engines.workflows.reminders import days_overdue, kinds_due, tick
from engines.workflows.testing import make_workflow, workflow_document
from kernel.core import clock
from kernel.core.todo import collect

OPENED = datetime.date(2025, 1, 31)
D = datetime.date


@pytest.fixture
def case(county):
    stages = workflow_document()["stages"]
    stages[0].update(time_limit_days=30, remind_days=3)  # due 2025-03-02: February's end lies in between
    workflow = make_workflow(county.county, stages=stages).workflow
    return services.case_open(user=None, workflow=workflow, organization=county.village_a1, title="陳家村整改",
                              today=OPENED)


def notices(case, kind):
    return list(case.notices.filter(kind=kind))


def recipients(notice):
    return {user.username for user in notice.recipients.all()}


def test_the_deadline_is_the_stage_entry_plus_its_time_limit_across_a_month_end(case):
    assert case.due_on == D(2025, 3, 2)
    assert kinds_due(D(2025, 3, 2), 3, D(2025, 2, 26), 7) == []
    assert kinds_due(D(2025, 3, 2), 3, D(2025, 2, 27), 7) == ["reminder"]
    assert kinds_due(D(2024, 3, 2), 3, D(2024, 2, 27), 7) == []  # a leap year: the 29th lies between
    assert kinds_due(D(2024, 3, 2), 3, D(2024, 2, 28), 7) == ["reminder"]
    assert kinds_due(D(2024, 3, 2), 3, D(2024, 3, 3), 7) == ["overdue"]
    assert kinds_due(D(2024, 3, 2), 3, D(2024, 3, 10), 7) == ["overdue", "escalation"]


def test_reminder_comes_remind_days_before_the_deadline_to_the_stage_actors_and_once_only(case, users):
    assert tick(today=D(2025, 2, 26))["reminder"] == 0
    assert tick(today=D(2025, 2, 27))["reminder"] == 1
    (reminder,) = notices(case, CaseNotice.Kind.REMINDER)
    assert reminder.due_on == D(2025, 3, 2) and reminder.created_on == D(2025, 2, 27)
    # the drafted stage's actors over 陳家村: its branch secretary and township A's admin; not the county
    # (county_admin is no actor of the stage), not township B, not the read-only inspector
    assert recipients(reminder) == {"branch_a1", "township_a"}
    for day in (D(2025, 2, 27), D(2025, 2, 28), D(2025, 3, 2)):
        assert tick(today=day)["reminder"] == 0
    assert len(notices(case, CaseNotice.Kind.REMINDER)) == 1
    assert not notices(case, CaseNotice.Kind.OVERDUE)


def test_overdue_the_day_after_and_escalation_to_the_parents_users_days_later(case, users, settings):
    settings.WORKFLOWS_ESCALATE_DAYS = 7
    assert tick(today=D(2025, 3, 2))["overdue"] == 0
    result = tick(today=D(2025, 3, 3))
    assert result["overdue"] == 1 and result["reminder"] == 0  # past the deadline a reminder is too late
    (overdue,) = notices(case, CaseNotice.Kind.OVERDUE)
    assert recipients(overdue) == {"branch_a1", "township_a"}
    assert tick(today=D(2025, 3, 9))["escalation"] == 0
    assert tick(today=D(2025, 3, 10))["escalation"] == 1
    (escalation,) = notices(case, CaseNotice.Kind.ESCALATION)
    # the users with a change role on 甲镇党委, the parent: its admin, not its inspector, not the branch
    assert recipients(escalation) == {"township_a"}
    assert tick(today=D(2025, 4, 1)) == {"reminder": 0, "overdue": 0, "escalation": 0, "emails": 0}


def test_escalation_delay_is_configurable(case, settings):
    settings.WORKFLOWS_ESCALATE_DAYS = 1
    assert tick(today=D(2025, 3, 3))["escalation"] == 0
    assert tick(today=D(2025, 3, 4))["escalation"] == 1


def test_notices_are_emailed_once_to_users_with_an_address(case, users):
    users["branch_a1"].email = "a1@example.org"
    users["branch_a1"].save()
    assert tick(today=D(2025, 2, 27))["emails"] == 1
    (message,) = mail.outbox
    assert message.to == ["a1@example.org"] and "陳家村整改" in message.body and "2025-03-02" in message.body
    assert tick(today=D(2025, 2, 28))["emails"] == 0
    tick(today=D(2025, 3, 3))
    assert len(mail.outbox) == 2 and "陳家村整改" in mail.outbox[1].body


def test_closed_or_cancelled_cases_and_stages_without_a_time_limit_get_nothing(case, county, users):
    services.case_cancel(user=users["township_a"], case=case, comment="合并", today=D(2025, 2, 1))
    untimed = services.case_open(user=None, workflow=case.workflow, organization=county.village_a2, title="李家村",
                                 today=D(2025, 2, 1))
    services.case_update(user=None, case=untimed, data={"problems": "p", "measures": "m"})
    services.case_advance(user=None, case=untimed, today=D(2025, 2, 1))  # "approved" has no time limit
    assert untimed.due_on is None
    for day in (D(2025, 2, 27), D(2025, 3, 3), D(2025, 6, 1)):
        assert tick(today=day) == {"reminder": 0, "overdue": 0, "escalation": 0, "emails": 0}
    assert not CaseNotice.objects.exists()


def test_a_case_returned_to_the_stage_is_reminded_again_for_its_new_stay(case, users):
    tick(today=D(2025, 2, 27))
    services.case_update(user=None, case=case, data={"problems": "p", "measures": "m"})
    services.case_advance(user=None, case=case, today=D(2025, 2, 27))
    services.case_return(user=None, case=case, to_stage="drafted", comment="重拟", today=D(2025, 2, 28))
    assert case.due_on == D(2025, 3, 30)
    assert tick(today=D(2025, 3, 27))["reminder"] == 1
    assert len(notices(case, CaseNotice.Kind.REMINDER)) == 2


def test_todo_list_shows_the_gravest_notice_until_the_case_moves_on(case, users):
    tick(today=D(2025, 2, 27))
    (item,) = [i for i in collect(users["branch_a1"], D(2025, 2, 27)) if i.url == f"/workflows/cases/{case.pk}/"]
    assert (item.kind, item.due_on) == ("reminder", D(2025, 3, 2)) and "陳家村整改" in item.title
    tick(today=D(2025, 3, 3))
    (item,) = [i for i in collect(users["branch_a1"], D(2025, 3, 3)) if i.url == f"/workflows/cases/{case.pk}/"]
    assert item.kind == "overdue"
    assert not [i for i in collect(users["township_b"], D(2025, 3, 3)) if "/workflows/" in i.url]
    services.case_update(user=None, case=case, data={"problems": "p", "measures": "m"})
    services.case_advance(user=None, case=case, today=D(2025, 3, 4))
    assert not [i for i in collect(users["branch_a1"], D(2025, 3, 4)) if "/workflows/" in i.url]


def test_command_runs_the_day(case, users):
    call_command("workflows_tick", "--today", "2025-02-27")
    assert len(notices(case, CaseNotice.Kind.REMINDER)) == 1


def test_case_page_and_list_show_the_deadline_and_how_late_it_is(client, users, case):
    client.force_login(users["township_a"])
    with clock.today_is(D(2025, 3, 1)):
        page = client.get(f"/workflows/cases/{case.pk}/").content.decode()
        assert 'data-due="2025-03-02"' in page and "case-overdue" not in page
    with clock.today_is(D(2025, 3, 5)):
        assert days_overdue(case) == 3
        page = client.get(f"/workflows/cases/{case.pk}/").content.decode()
        assert 'class="badge text-bg-danger case-overdue" data-days="3"' in page
        listing = client.get("/workflows/", {"overdue": "1"}).content.decode()
        assert "陳家村整改" in listing and 'data-days="3"' in listing
        assert "陳家村整改" not in client.get("/workflows/", {"overdue": "0"}).content.decode()
    with clock.today_is(D(2025, 3, 2)):
        assert "陳家村整改" in client.get("/workflows/", {"overdue": "0"}).content.decode()


def test_the_to_do_page_lists_the_notice_with_a_link_to_the_case(client, case, users):
    from django.urls import reverse

    tick(today=D(2025, 2, 27))
    client.force_login(users["branch_a1"])
    page = client.get(reverse("duties:todo")).content.decode()
    assert "陳家村整改" in page and f'href="/workflows/cases/{case.pk}/"' in page
    client.force_login(users["township_b"])
    assert "陳家村整改" not in client.get(reverse("duties:todo")).content.decode()


def waiting(user, day):
    return [item for item in collect(user, day) if "/workflows/" in item.url]


def test_a_case_waits_on_the_nearest_level_that_acts_or_approves_even_without_a_notice(county, users, client):
    """No time limits, so no notice is ever written: the to-do still lists the case for whoever it waits on — the
    branch while it drafts, then the township (the nearest actor level) to move it and the county to approve it,
    the county's item gone once it approved; a township elsewhere and the read-only inspector never."""
    from django.urls import reverse

    stages = workflow_document()["stages"]
    stages[0].pop("time_limit_days")
    workflow = make_workflow(county.county, stages=stages).workflow
    case = services.case_open(user=None, workflow=workflow, organization=county.village_a1, title="陳家村整改",
                              today=OPENED)
    day = D(2025, 2, 10)
    (item,) = waiting(users["branch_a1"], day)
    assert (item.due_on, item.kind, item.action) == (None, "open", "办理") and "拟定" in item.title
    assert not waiting(users["township_a"], day)  # the branch acts first: the township is not waited on
    assert not waiting(users["county"], day) and not waiting(users["inspector"], day)
    client.force_login(users["branch_a1"])
    assert f'href="/workflows/cases/{case.pk}/"' in client.get(reverse("duties:todo")).content.decode()

    services.case_update(user=None, case=case, data={"problems": "p", "measures": "m"})
    services.case_advance(user=None, case=case, today=day)
    assert not waiting(users["branch_a1"], day)
    (item,) = waiting(users["township_a"], day)
    assert item.kind == "open" and "审批" in item.title
    (item,) = waiting(users["county"], day)
    assert item.kind == "approval" and item.state == "待您审批"
    assert not waiting(users["township_b"], day)
    services.case_approve(user=users["county"], case=case, today=day)
    assert not waiting(users["county"], day)
    assert waiting(users["township_a"], day)

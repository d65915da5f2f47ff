"""The to-do list and the reminders (催办) over the API, reminders by e-mail (once), and a reminder withdrawn by its
sender before anyone read it, through the pages and the API."""
import datetime
import json
import re

import pytest
from django.core import mail
from django.urls import reverse

from engines.duties import clock, services, urging
from engines.duties.models import Urging
from tests.kit import county_built_once, make_user

from . import test_todo_desk as desk
from .test_todo_desk import todo_items

# the to-do desk's fixtures: the branches' quarterly report, a supervision notice, a self-declaration; 5 September
report, notice, declaration, today = desk.report, desk.notice, desk.declaration, desk.today

county, users = county_built_once()

D = datetime.date


@pytest.fixture(scope="module")
def openapi():
    from jiceng.api import api

    return json.loads(json.dumps(api.get_openapi_schema(), default=str))


def check(response, openapi, template, method="get"):
    from tests.test_api import check_response

    assert response.status_code == 200, response.content
    check_response(response, openapi, template, method)
    return response.json()


def test_the_api_to_do_is_the_pages_list_with_its_fields_and_pages(client, users, county, report, notice,
                                                                   declaration, openapi):
    client.force_login(users["branch_a1"])
    page = client.get(reverse("duties:todo")).content.decode()
    listed = check(client.get("/api/duties/todo"), openapi, "/api/duties/todo")
    assert listed["count"] == 3 == len(todo_items(page))
    notice_item, report_item, declaration_item = listed["items"]
    assert notice_item["url"] == reverse("reporting:notice", args=[notice.pk])
    assert notice_item["due_on"] == "2025-09-30" and notice_item["overdue_days"] == 0
    assert notice_item["organization"] == county.village_a1.name and notice_item["source"] == "督办通知"
    assert notice_item["state"] and notice_item["action"]
    assert report_item["title"] == "村党支部季度工作报告 · 2025年第三季度" and report_item["kind"] == "reminder"
    assert declaration_item["due_on"] is None and declaration_item["kind"] == "open"
    # every item is the page's, in the page's order
    assert [item["url"] for item in listed["items"]] == [
        re.search(r'todo-action" href="([^"]+)"', item).group(1).replace("&amp;", "&") for item in todo_items(page)]
    second = client.get("/api/duties/todo", {"limit": 2, "offset": 2}).json()
    assert second["count"] == 3 and [item["url"] for item in second["items"]] == [declaration_item["url"]]
    # past its deadline, the notice counts its days overdue
    with clock.today_is(D(2025, 10, 3)):
        late = client.get("/api/duties/todo").json()["items"][0]
    assert late["url"] == notice_item["url"] and late["overdue_days"] == 3 and late["kind"] == "overdue"
    client.force_login(make_user("branch_b1", "branch_secretary", county.village_b1))
    assert all(item["url"] != notice_item["url"] for item in client.get("/api/duties/todo").json()["items"])
    client.logout()
    assert client.get("/api/duties/todo").status_code == 401


def _urge(client, users, county, message):
    client.force_login(users["township_a"])
    query = f"?under={county.township_a.pk}&year=2025"
    assert client.post(reverse("duties:urge") + query, {"message": message}).status_code == 302
    return Urging.objects.get(message=message)


@pytest.fixture
def overdue(report, county):
    clock.set_today(D(2025, 10, 15))  # the third quarter's reports were due on 10 October
    services.daily(today=D(2025, 10, 15))


def test_a_reminder_is_emailed_once_to_those_with_an_address_and_read_through_the_api(
        client, users, county, overdue, openapi, django_capture_on_commit_callbacks):
    users["branch_a1"].email = "chen@example.cn"
    users["branch_a1"].save(update_fields=["email"])
    make_user("branch_a2", "branch_secretary", county.village_a2)  # no address: on the list, no e-mail
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = _urge(client, users, county, "请尽快报送第三季度工作报告")
    assert sent.recipients.count() == 2
    assert len(mail.outbox) == 1
    [email] = mail.outbox
    assert email.to == ["chen@example.cn"] and "甲镇党委" in email.subject
    assert "请尽快报送第三季度工作报告" in email.body and county.village_a1.name in email.body
    assert urging.send_emails(sent.pk) == 0 and len(mail.outbox) == 1  # sent once

    client.force_login(users["branch_a1"])
    received = check(client.get("/api/duties/urgings"), openapi, "/api/duties/urgings")
    assert received["count"] == 1
    [item] = received["items"]
    assert item["message"] == "请尽快报送第三季度工作报告" and item["read"] is False
    assert item["sender"]["id"] == county.township_a.pk and item["organization"]["id"] == county.village_a1.pk
    assert client.get("/api/duties/urgings", {"unread": True}).json()["count"] == 1
    client.force_login(make_user("branch_b1", "branch_secretary", county.village_b1))
    assert client.post(f"/api/duties/urgings/{item['id']}/read").status_code == 404  # not theirs
    client.force_login(users["branch_a1"])
    read = client.post(f"/api/duties/urgings/{item['id']}/read")
    assert check(read, openapi, "/api/duties/urgings/{urging_id}/read", "post")["read"] is True
    assert client.get("/api/duties/urgings", {"unread": True}).json()["count"] == 0
    assert "urging-read" in client.get(reverse("duties:todo")).content.decode()

    # read: the sender can no longer withdraw it
    client.force_login(users["township_a"])
    mine = check(client.get("/api/duties/urgings/sent"), openapi, "/api/duties/urgings/sent")
    assert mine["items"][0]["read"] == 1 and mine["items"][0]["can_withdraw"] is False
    assert client.post(f"/api/duties/urgings/sent/{sent.pk}/withdraw").status_code == 422
    assert 'class="btn btn-sm btn-outline-danger urging-withdraw"' not in client.get(
        reverse("duties:urgings_sent")).content.decode()


def test_the_sender_withdraws_a_reminder_nobody_read_and_it_leaves_the_lists(
        client, users, county, overdue, openapi, django_capture_on_commit_callbacks):
    first = _urge(client, users, county, "第一次催办")
    second = _urge(client, users, county, "第二次催办")
    page = client.get(reverse("duties:urgings_sent")).content.decode()
    assert "第一次催办" in page and reverse("duties:urging_withdraw", args=[first.pk]) in page
    # nobody else withdraws it
    client.force_login(users["county"])
    assert client.post(reverse("duties:urging_withdraw", args=[first.pk])).status_code == 404
    assert client.post(f"/api/duties/urgings/sent/{first.pk}/withdraw").status_code == 404
    client.force_login(users["township_a"])
    withdrawn = client.post(reverse("duties:urging_withdraw", args=[first.pk]), follow=True).content.decode()
    assert withdrawn.count("已撤回") >= 1 and f'id="urging-sent-{first.pk}"' in withdrawn
    answer = check(client.post(f"/api/duties/urgings/sent/{second.pk}/withdraw"), openapi,
                   "/api/duties/urgings/sent/{urging_id}/withdraw", "post")
    assert answer["withdrawn_at"] and answer["can_withdraw"] is False
    # withdrawn before any e-mail went out: none goes
    mail.outbox.clear()
    assert urging.send_emails(first.pk) == 0 and mail.outbox == []
    client.force_login(users["branch_a1"])
    assert 'id="todo-urgings"' not in client.get(reverse("duties:todo")).content.decode()
    assert client.get("/api/duties/urgings").json()["count"] == 0
    recipient = first.recipients.get(user=users["branch_a1"])
    assert client.post(reverse("duties:urging_read", args=[recipient.pk])).status_code == 404
    assert client.post(f"/api/duties/urgings/{recipient.pk}/read").status_code == 404

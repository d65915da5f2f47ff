"""The first secretary's to-do: today's check-in until made and the weekly report owed, opening the dispatch's report
page (not the generic obligation page); the township's: late check-ins awaiting its approval."""
import datetime

from django.urls import reverse

from engines.duties.models import Obligation
from mechanisms.firstsec.library import WEEKLY_RULE
from mechanisms.firstsec.models import CheckIn
from tests.kit import make_user

from . import test_home_personal as personal

today, dispatch = personal.today, personal.dispatch  # fixtures: 17 September 2025, 赵第一 in village A1

TODAY = personal.TODAY


def _todo(client, user) -> list:
    client.force_login(user)
    return client.get("/api/duties/todo").json()["items"]


def test_the_secretary_checks_in_and_writes_the_weekly_report_from_the_to_do(client, users, dispatch):
    from engines.duties import services as duties
    from engines.duties.models import DutyRule

    duties.generate(user=None, rule=DutyRule.objects.get(code=WEEKLY_RULE), year=2025)
    secretary = make_user("zhao", "member", dispatch.village, person=dispatch.person)
    items = _todo(client, secretary)
    checkin = [item for item in items if item["url"] == reverse("firstsec:checkin_own")]
    assert len(checkin) == 1 and checkin[0]["due_on"] == TODAY.isoformat() and checkin[0]["title"] == "今日打卡"
    assert client.get(reverse("firstsec:checkin_own")).status_code == 200
    weekly = Obligation.objects.filter(person=dispatch.person, rule__code=WEEKLY_RULE, due_on__gte=TODAY).order_by(
        "due_on").first()
    assert weekly is not None
    reports = [item for item in items if item["url"].startswith(reverse("firstsec:weekly", args=[dispatch.pk]))]
    assert reports, items
    urls = [item["url"] for item in items]
    assert reverse("duties:submit", args=[weekly.pk]) not in urls  # the generic item is replaced
    assert reverse("duties:obligation", args=[weekly.pk]) not in urls
    url = reverse("firstsec:weekly", args=[dispatch.pk]) + f"?week={weekly.period_start.isoformat()}"
    assert url in [item["url"] for item in reports]
    assert client.get(url).status_code == 200
    CheckIn.objects.create(dispatch=dispatch, person=dispatch.person, org_path=dispatch.org_path, day=TODAY,
                           in_village=True, entered_on=TODAY)
    assert reverse("firstsec:checkin_own") not in [item["url"] for item in _todo(client, secretary)]
    # nobody else has the secretary's check-in to make
    assert reverse("firstsec:checkin_own") not in [item["url"] for item in _todo(client, users["branch_a1"])]


def test_late_check_ins_wait_on_the_township(client, users, dispatch):
    day = TODAY - datetime.timedelta(days=9)
    CheckIn.objects.create(dispatch=dispatch, person=dispatch.person, org_path=dispatch.org_path, day=day,
                           in_village=True, entered_on=TODAY, late=True, approval=CheckIn.Approval.PENDING)
    [item] = [item for item in _todo(client, users["township_a"]) if item["url"] == reverse("firstsec:approvals")]
    assert item["title"] == "1 条补录打卡待审批" and item["kind"] == "approval"
    assert client.get(reverse("firstsec:approvals")).status_code == 200
    assert reverse("firstsec:approvals") not in [item["url"] for item in _todo(client, users["township_b"])]
    # the village's branch sees the check-in but approving it is the township's
    assert reverse("firstsec:approvals") not in [item["url"] for item in _todo(client, users["branch_a1"])]

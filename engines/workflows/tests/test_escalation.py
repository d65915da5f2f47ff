"""Escalation reaches those who can act: the holders of the stage's actor roles on the nearest organization above
the case that has any; items with deadlines of their own (a mechanism's) are noticed once each until done; each
user reads their own notices, in their scope, under /api/workflows/notices."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from engines.workflows import services
from engines.workflows.models import CaseNotice
from engines.workflows.reminders import Item, item_resolve, send_item_notices, tick
from engines.workflows.testing import make_workflow, workflow_document
from tests.kit import county_built_once, make_user

county, users = county_built_once()

D = datetime.date
OPENED = D(2025, 1, 31)  # the first stage is due 2025-03-02


def open_case(county, actors, organization=None, title="陳家村整改"):
    stages = workflow_document()["stages"]
    stages[0].update(actors=actors, time_limit_days=30, remind_days=3)
    workflow = make_workflow(county.county, stages=stages).workflow
    return services.case_open(user=None, workflow=workflow, organization=organization or county.village_a1,
                              title=title, today=OPENED)


def escalated(case) -> set[str]:
    notice = case.notices.get(kind=CaseNotice.Kind.ESCALATION)
    return {user.username for user in notice.recipients.all()}


@pytest.fixture(autouse=True)
def _escalate_after_a_week(settings):
    settings.WORKFLOWS_ESCALATE_DAYS = 7


def test_a_county_stage_escalates_to_the_county_not_to_the_township(county, users):
    case = open_case(county, ["county_admin"])
    tick(today=D(2025, 3, 3))
    overdue = case.notices.get(kind=CaseNotice.Kind.OVERDUE)
    assert {user.username for user in overdue.recipients.all()} == {"county"}
    assert tick(today=D(2025, 3, 10))["escalation"] == 1
    assert escalated(case) == {"county"}  # township_a, the parent's admin, cannot act in this stage


def test_escalation_stops_at_the_nearest_level_with_holders(county, users):
    case = open_case(county, ["branch_secretary", "township_admin", "county_admin"])
    tick(today=D(2025, 3, 10))
    assert escalated(case) == {"township_a"}  # not the county as well: the township can act
    make_user("county_secretary", "branch_secretary", county.county)  # an actor role held at the top: not nearer
    other = open_case(county, ["branch_secretary", "township_admin"], organization=county.village_a2, title="李家村")
    tick(today=D(2025, 3, 10))
    assert escalated(other) == {"township_a"}


def test_with_nobody_above_able_to_act_the_escalation_has_no_recipients(county, users):
    case = open_case(county, ["member"])
    tick(today=D(2025, 3, 10))
    assert escalated(case) == set()


def test_recipients_are_read_in_a_few_queries_whatever_the_number_of_cases(county, users):
    for n in range(12):
        open_case(county, ["township_admin", "county_admin"], title=f"整改{n}")
    with CaptureQueriesContext(connection) as queries:
        result = tick(today=D(2025, 3, 10))
    assert result["escalation"] == 12
    grant_reads = [q["sql"] for q in queries.captured_queries if "accounts_grant" in q["sql"]]
    assert len(grant_reads) == 1


def test_an_items_deadline_is_noticed_once_per_kind_until_it_is_done(county, users):
    case = open_case(county, ["branch_secretary", "township_admin"])
    item = Item(case_id=case.pk, key="measure:1", label="选配书记", due_on=D(2025, 2, 20), remind_days=4)
    assert send_item_notices(D(2025, 2, 15), [item]) == {"reminder": 0, "overdue": 0}
    assert send_item_notices(D(2025, 2, 16), [item]) == {"reminder": 1, "overdue": 0}
    assert send_item_notices(D(2025, 2, 21), [item]) == {"reminder": 0, "overdue": 1}
    assert send_item_notices(D(2025, 2, 22), [item]) == {"reminder": 0, "overdue": 0}
    assert send_item_notices(D(2025, 2, 16), [Item(case_id=case.pk, key="measure:2", label="建阵地",
                                                    due_on=D(2025, 2, 20), remind_days=4)])["reminder"] == 1
    # the stage's own notices are apart from the items'
    assert tick(today=D(2025, 2, 27))["reminder"] == 1
    assert item_resolve(case_id=case.pk, key="measure:1", on=D(2025, 2, 23)) == 2
    overdue = case.notices.get(key="measure:1", kind="overdue")
    assert {user.username for user in overdue.recipients.all()} == {"branch_a1", "township_a"}


def test_the_notice_api_lists_the_callers_own_notices_in_their_scope(client, county, users):
    case = open_case(county, ["branch_secretary", "township_admin"])
    open_case(county, ["township_admin"], organization=county.village_b1, title="王家村整改")
    tick(today=D(2025, 2, 27))
    tick(today=D(2025, 3, 3))
    client.force_login(users["township_a"])
    page = client.get("/api/workflows/notices", {"limit": 1}).json()
    assert page["count"] == 2 and page["limit"] == 1 and len(page["items"]) == 1
    assert page["items"][0]["kind"] == "overdue" and page["items"][0]["case"] == {"id": case.pk, "name": "陳家村整改"}
    assert client.get("/api/workflows/notices", {"kind": "reminder"}).json()["count"] == 1
    assert client.get("/api/workflows/notices", {"pending": "true"}).json()["count"] == 2
    client.force_login(users["township_b"])
    mine = client.get("/api/workflows/notices").json()
    assert {item["case"]["name"] for item in mine["items"]} == {"王家村整改"}
    assert client.get("/api/workflows/notices", {"case": case.pk}).status_code == 404
    client.force_login(users["county"])  # sees both cases, but was sent none of these notices
    assert client.get("/api/workflows/notices").json()["count"] == 0
    services.case_update(user=None, case=case, data={"problems": "p", "measures": "m"})
    services.case_advance(user=None, case=case, today=D(2025, 3, 4))
    client.force_login(users["township_a"])
    assert client.get("/api/workflows/notices", {"pending": "true"}).json()["count"] == 0
    assert client.get("/api/workflows/notices", {"pending": "false"}).json()["count"] == 2

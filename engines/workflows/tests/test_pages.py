import datetime

import pytest

from engines.workflows import services
from engines.workflows.testing import make_workflow

DAY = datetime.date(2025, 3, 1)


@pytest.fixture
def case(county):
    workflow = make_workflow(county.county).workflow
    return services.case_open(user=None, workflow=workflow, organization=county.village_a1, title="陳家村整改",
                              today=DAY)


def test_pages_show_the_case_and_refuse_outside_scope_or_role(client, users, case):
    client.force_login(users["township_a"])
    assert client.get("/workflows/").status_code == 200
    assert client.get("/workflows/definitions/").status_code == 200
    assert client.get(f"/workflows/definitions/{case.workflow_id}/").status_code == 200
    page = client.get(f"/workflows/cases/{case.pk}/")
    assert page.status_code == 200 and "problems" in page.content.decode()
    client.post(f"/workflows/cases/{case.pk}/", {"action": "data", "problems": "a", "measures": "b"})
    client.post(f"/workflows/cases/{case.pk}/", {"action": "advance"})
    case.refresh_from_db()
    assert case.stage == "approved"
    client.force_login(users["leader"])
    assert client.post(f"/workflows/cases/{case.pk}/", {"action": "advance"}).status_code == 403
    client.force_login(users["township_b"])
    assert client.get(f"/workflows/cases/{case.pk}/").status_code == 404
    assert client.post(f"/workflows/cases/{case.pk}/", {"action": "advance"}).status_code == 404


def test_edit_shows_errors_with_lines(client, users, case):
    client.force_login(users["county"])
    page = client.post(f"/workflows/definitions/{case.workflow_id}/edit/", {"text": "code: x\nname: y\nfoo: 1\n"})
    assert page.status_code == 200 and "format-errors" in page.content.decode()

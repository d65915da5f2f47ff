"""四议两公开's gates hold on every path (README "Gates: development and 四议两公开"): a meeting's resolution only
with its majority, the resolution public for its days and free of open objections before the matter goes on,
what a left stage recorded frozen, a return voiding the later meetings, no cancelling once the resolution is
public, no data of later stages on opening — whether the 四议两公开 page and API or the generic workflow page and
API act. Each refused act answers its reason and writes nothing; the allowed path works. The data is built with
the services; every act under test is an HTTP request."""
import datetime
import json

import pytest
from django.contrib.messages import get_messages

from engines.workflows.models import Case
from kernel.core import clock
from mechanisms.deliberation import services
from mechanisms.deliberation.definition import ensure
from tests.kit import county_built_once

county, users = county_built_once()

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
D = datetime.date
START = D(2026, 3, 2)
STEPS = (("committees", {"committees_on": "2026-03-05", "committees_opinion": "同意"}),
         ("members", {"members_on": "2026-03-09", "members_present": 20, "members_for": 15}),
         ("villagers", {"villagers_on": "2026-03-12", "villagers_kind": "assembly", "villagers_present": 40,
                        "villagers_for": 30}),
         ("resolution_public", {"resolution_public_on": "2026-03-15"}),
         ("result_public", {"result": "已完工", "result_public_on": "2026-09-01"}))


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json", **EN)


def page_post(client, url, data):
    response = client.post(url, data, **EN)
    return response, [str(m) for m in get_messages(response.wsgi_request)]


def matter(county, users, stage, *, last=None):
    """A matter taken up to ``stage`` (its data recorded; ``last`` replaces that stage's), built with services;
    each stage is left 8 days after it was entered."""
    ensure(owner=county.county)
    user = users["branch_a1"]
    case = services.matter_open(user=user, organization=county.village_a1, title="修建村道", matter="村道硬化",
                                proposal="党支部提议", proposed_on=START, today=START)
    case = services.matter_advance(user=user, case=case, today=START)
    for days, (code, data) in enumerate(STEPS, start=1):
        services.matter_record(user=user, case=case, data=last if code == stage and last else data)
        if code == stage:
            return case
        case = services.matter_advance(user=user, case=case, today=START + datetime.timedelta(days=8 * days))
    return case


def stays(case, stage, data=None):
    case.refresh_from_db()
    return case.stage == stage and (data is None or all(case.data[k] == v for k, v in data.items()))


ADVANCES = ("/api/deliberation/matters/{}/advance", "/api/workflows/cases/{}/advance")
PAGES = ("/deliberation/matters/{}/", "/workflows/cases/{}/")


def test_the_members_resolution_needs_its_majority_on_every_path(client, county, users):
    case = matter(county, users, "members", last={"members_on": "2026-03-09", "members_present": 20,
                                                  "members_for": 10})
    client.force_login(users["branch_a1"])
    for url in ADVANCES:
        refused = post(client, url.format(case.pk), {})
        assert refused.status_code == 422 and "no majority: 10 for out of 20" in refused.json()["message"], url
    for url in PAGES:
        _response, said = page_post(client, url.format(case.pk), {"action": "advance"})
        assert any("no majority" in m for m in said), url
    assert stays(case, "members") and case.transitions.count() == 3
    assert post(client, f"/api/deliberation/matters/{case.pk}/record", {"data": {"members_for": 11}}).status_code == 200
    moved = post(client, ADVANCES[1].format(case.pk), {})
    assert moved.status_code == 200 and moved.json()["stage"] == "villagers"


def test_the_resolution_stays_public_its_days_and_free_of_objections_on_every_path(client, county, users):
    case = matter(county, users, "resolution_public")
    entered = case.stage_entered_on
    client.force_login(users["branch_a1"])
    with clock.today_is(entered + datetime.timedelta(days=6)):
        for url in ADVANCES:
            refused = post(client, url.format(case.pk), {})
            assert refused.status_code == 422 and "waiting period of 7 days" in refused.json()["message"], url
        for url in PAGES:
            _response, said = page_post(client, url.format(case.pk), {"action": "advance"})
            assert any("waiting period" in m for m in said), url
    assert stays(case, "resolution_public")
    with clock.today_is(entered + datetime.timedelta(days=7)):
        objected = post(client, f"/api/deliberation/matters/{case.pk}/objections", {"text": "占用耕地未补偿"})
        assert objected.status_code == 200
        for url in ADVANCES:
            refused = post(client, url.format(case.pk), {})
            assert refused.status_code == 422 and "1 objection(s) not yet resolved" in refused.json()["message"]
        assert stays(case, "resolution_public")
        resolved = post(client, f"/api/deliberation/matters/{case.pk}/objections/0/resolve",
                        {"resolution": "已按标准补偿"})
        assert resolved.status_code == 200
        moved = post(client, ADVANCES[0].format(case.pk), {})
        assert moved.status_code == 200 and moved.json()["stage"] == "result_public"


def test_what_a_left_stage_recorded_is_frozen_on_every_path(client, county, users):
    case = matter(county, users, "villagers")
    client.force_login(users["branch_a1"])
    refused = post(client, f"/api/workflows/cases/{case.pk}/data", {"data": {"members_for": 3}})
    assert refused.status_code == 422 and "stage the matter has left" in refused.json()["message"]
    refused = post(client, f"/api/deliberation/matters/{case.pk}/record", {"data": {"members_for": 3}})
    assert refused.status_code == 422 and "Not a field of the present stage" in refused.json()["message"]
    assert stays(case, "villagers", {"members_for": 15, "members_present": 20})
    saved = post(client, f"/api/workflows/cases/{case.pk}/data", {"data": {"villagers_for": 31}})
    assert saved.status_code == 200 and saved.json()["data"]["villagers_for"] == 31


def test_a_return_voids_the_later_meetings_on_the_page_and_in_the_api(client, county, users):
    case = matter(county, users, "villagers")
    client.force_login(users["branch_a1"])
    refused = post(client, f"/api/deliberation/matters/{case.pk}/return", {"to_stage": "members", "comment": "x"})
    assert refused.status_code == 422 and "can only be returned to: proposal" in refused.json()["message"]
    refused = post(client, f"/api/deliberation/matters/{case.pk}/return", {"to_stage": "proposal", "comment": " "})
    assert refused.status_code == 422 and "Say why" in refused.json()["message"]
    assert stays(case, "villagers")
    returned = post(client, f"/api/deliberation/matters/{case.pk}/return",
                    {"to_stage": "proposal", "comment": "村民代表要求修改方案"})
    assert returned.status_code == 200 and returned.json()["stage"] == "proposal"
    assert not {"committees_on", "members_for", "villagers_for"} & set(returned.json()["data"])
    assert returned.json()["data"]["matter"] == "村道硬化"
    # the page does the same
    other = matter(county, users, "members")
    response, _said = page_post(client, f"/deliberation/matters/{other.pk}/",
                                {"action": "return", "to_stage": "proposal", "comment": "重新商议"})
    assert response.status_code == 302 and stays(other, "proposal")
    assert "members_for" not in other.data and "committees_opinion" not in other.data


def test_a_public_resolution_is_not_cancelled_on_any_path(client, county, users):
    case = matter(county, users, "result_public")
    client.force_login(users["branch_a1"])
    refused = post(client, f"/api/workflows/cases/{case.pk}/cancel", {"comment": "不再实施"})
    assert refused.status_code == 422 and "cannot be cancelled" in refused.json()["message"]
    _response, said = page_post(client, f"/workflows/cases/{case.pk}/", {"action": "cancel", "comment": "不再实施"})
    assert any("cannot be cancelled" in m for m in said)
    case.refresh_from_db()
    assert case.status == "open" and not case.transitions.filter(action="cancel").exists()
    early = matter(county, users, "committees")
    cancelled = post(client, f"/api/workflows/cases/{early.pk}/cancel", {"comment": "支部撤回提议"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


def test_the_generic_api_opens_a_matter_with_the_proposals_fields_only(client, county, users):
    workflow = ensure(owner=county.county)
    client.force_login(users["branch_a1"])
    before = Case.objects.count()

    def open_with(data):
        return post(client, "/api/workflows/cases", {"workflow": workflow.pk, "organization": county.village_a1.pk,
                                                     "title": "修建村道", "data": data})

    refused = open_with({"matter": "村道硬化", "members_present": 20, "members_for": 20})
    assert refused.status_code == 422 and "Not a field of the present stage" in refused.json()["message"]
    refused = open_with({"proposed_on": "soon"})
    assert refused.status_code == 422 and "Enter a date" in refused.json()["message"]
    assert Case.objects.count() == before
    opened = open_with({"matter": "村道硬化", "proposed_on": "2026-03-02"})
    assert opened.status_code == 201 and opened.json()["data"]["proposed_on"] == "2026-03-02"


def test_a_refused_role_answers_its_reason(client, county, users):
    """A user who sees the matter but may not act on it: 403 saying why, not a generic refusal."""
    from tests.kit import make_user

    case = matter(county, users, "committees")
    client.force_login(make_user("inspector_gates", "inspector", county.township_a))
    refused = post(client, f"/api/workflows/cases/{case.pk}/advance", {})
    assert refused.status_code == 403 and "outside the organizations you are responsible for" in \
        refused.json()["message"]
    assert stays(case, "committees")

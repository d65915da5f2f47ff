import datetime
import json

from django.urls import reverse

from kernel.core.clock import today_is
from mechanisms.deliberation import services
from mechanisms.deliberation.definition import ensure
from tests.kit import county_built_once

county, users = county_built_once()


def open_matter(county, users, village=None, title="修建村道"):
    ensure(owner=county.county)
    return services.matter_open(user=None, organization=village or county.village_a1, title=title,
                                matter="村道硬化", proposal="党支部提议", proposed_on=datetime.date(2026, 3, 2))


def test_index_lists_matters_in_scope_only(client, county, users):
    mine = open_matter(county, users)
    other = open_matter(county, users, county.village_b1, title="集体林地流转")
    client.force_login(users["township_a"])
    body = client.get(reverse("deliberation:index")).content.decode()
    assert f'data-case="{mine.pk}"' in body and "集体林地流转" not in body
    assert client.get(reverse("deliberation:case", args=[other.pk])).status_code == 404
    assert client.get(reverse("deliberation:ledger", args=[county.village_b1.pk])).status_code == 404
    assert client.get(f"/api/deliberation/matters/{other.pk}").status_code == 404
    assert client.get(f"/api/deliberation/ledgers/{county.village_b1.pk}").status_code == 404
    assert client.post(f"/api/deliberation/matters/{other.pk}/advance", "{}",
                       content_type="application/json").status_code == 404


def test_opening_and_advancing_on_the_page(client, county, users):
    client.force_login(users["branch_a1"])
    response = client.post(reverse("deliberation:open"), {
        "organization": county.village_a1.pk, "title": "村集体经济项目", "matter": "建设光伏电站",
        "proposal": "党支部提议建设", "proposed_on": "2026-03-02"})
    assert response.status_code == 302, response.content
    case_url = response["Location"]
    assert client.post(case_url, {"action": "advance"}).status_code == 302
    page = client.get(case_url).content.decode()
    assert 'data-stage="committees"' in page
    client.post(case_url, {"action": "advance", "committees_on": "2026-03-05", "committees_opinion": "同意"})
    client.post(case_url, {"action": "advance", "members_on": "2026-03-09", "members_present": "20",
                           "members_for": "10"})
    assert 'data-stage="members"' in client.get(case_url).content.decode()  # 10 of 20: no majority


def test_ledger_exports(client, county, users):
    open_matter(county, users)
    client.force_login(users["township_a"])
    xlsx = client.get(reverse("deliberation:ledger_xlsx", args=[county.village_a1.pk]))
    data = b"".join(xlsx.streaming_content)
    assert data[:2] == b"PK"
    assert "修建村道" in client.get(reverse("deliberation:ledger", args=[county.village_a1.pk])).content.decode()
    rows = client.get(f"/api/deliberation/ledgers/{county.village_a1.pk}").json()
    assert [row["title"] for row in rows] == ["修建村道"]


def test_ledger_pdf(client, county, users):
    open_matter(county, users)
    client.force_login(users["township_a"])
    response = client.get(reverse("deliberation:ledger_pdf", args=[county.village_a1.pk]))
    assert response.status_code == 200 and response.content[:4] == b"%PDF"


def test_api_opens_and_advances_a_matter(client, county, users):
    ensure(owner=county.county)
    client.force_login(users["branch_a1"])

    def post(url, payload):
        return client.post(url, json.dumps(payload), content_type="application/json")

    with today_is(datetime.date(2026, 3, 2)):
        opened = post("/api/deliberation/matters", {"organization": county.village_a1.pk, "title": "村道",
                                                    "matter": "硬化", "proposal": "提议",
                                                    "proposed_on": "2026-03-02"})
        assert opened.status_code == 200, opened.content
        case_id = opened.json()["id"]
        assert post(f"/api/deliberation/matters/{case_id}/advance", {}).json()["stage"] == "committees"
        refused = post(f"/api/deliberation/matters/{case_id}/advance", {})
        assert refused.status_code == 422
    listed = client.get("/api/deliberation/matters?stage=committees").json()
    assert [item["id"] for item in listed["items"]] == [case_id]
    outside = post("/api/deliberation/matters", {"organization": county.village_b1.pk, "title": "x"})
    assert outside.status_code == 404


def test_index_filters_by_a_township(client, county, users):
    mine = open_matter(county, users)
    client.force_login(users["county"])
    open_matter(county, users, county.village_b1, title="集体林地流转")
    body = client.get(reverse("deliberation:index") + f"?under={county.township_a.pk}").content.decode()
    assert f'data-case="{mine.pk}"' in body and "集体林地流转" not in body
    assert f'<option value="{county.township_a.pk}" selected' in body


def test_api_serves_only_deliberation_cases(client, county, users):
    from engines.workflows import services as workflow_services
    from engines.workflows.testing import make_workflow

    mine = open_matter(county, users)
    rectification = workflow_services.case_open(user=None, workflow=make_workflow(county.county).workflow,
                                                organization=county.village_a1, title="整改",
                                                today=datetime.date(2026, 3, 1))
    client.force_login(users["township_a"])
    assert client.get(f"/api/deliberation/matters/{mine.pk}").json()["title"] == "修建村道"
    assert client.get(f"/api/deliberation/matters/{rectification.pk}").status_code == 404
    assert client.get(f"/api/workflows/cases/{rectification.pk}").status_code == 200


def test_the_generic_case_api_refuses_what_the_matter_services_refuse(client, county, users):
    """The workflows API writes to any case; a 四议两公开 matter's data is still checked as matter_record checks it."""
    case = open_matter(county, users)
    client.force_login(users["branch_a1"])
    url = f"/api/workflows/cases/{case.pk}"

    def write(data):
        return client.post(f"{url}/data", json.dumps({"data": data}), content_type="application/json")

    assert client.post(f"{url}/advance", "{}", content_type="application/json").status_code == 200
    assert write({"committees_on": "not a date"}).status_code == 422
    assert write({"members_present": -3}).status_code == 422
    assert write({"colour": "red"}).status_code == 422
    saved = write({"committees_on": "2026/3/5", "committees_opinion": " 同意 "})
    assert saved.status_code == 200
    assert (saved.json()["data"]["committees_on"], saved.json()["data"]["committees_opinion"]) == ("2026-03-05", "同意")
    assert client.post(f"{url}/advance", "{}", content_type="application/json").status_code == 200
    assert write({"members_on": "2026-03-09", "members_present": 20}).status_code == 200
    too_many = write({"members_for": 21})  # more in favour than the 20 recorded as present
    assert too_many.status_code == 422 and "members_for" in json.dumps(too_many.json())
    case.refresh_from_db()
    assert case.data["members_present"] == 20 and "members_for" not in case.data


def in_public_notice(county, users):
    """A matter taken to the public notice of its resolution (决议公开), made public on 2026-03-15."""
    from mechanisms.deliberation.definition import ensure as installed

    installed(owner=county.county)
    user, start = users["branch_a1"], datetime.date(2026, 3, 2)
    case = services.matter_open(user=user, organization=county.village_a1, title="修建村道", matter="村道硬化",
                                proposal="党支部提议", proposed_on=start, today=start)
    case = services.matter_advance(user=user, case=case, today=start)
    for data in ({"committees_on": "2026-03-05", "committees_opinion": "同意"},
                 {"members_on": "2026-03-09", "members_present": 20, "members_for": 15},
                 {"villagers_on": "2026-03-12", "villagers_kind": "assembly", "villagers_present": 40,
                  "villagers_for": 30}):
        services.matter_record(user=user, case=case, data=data)
        case = services.matter_advance(user=user, case=case, today=start)
    case = services.matter_record(user=user, case=case, data={"resolution_public_on": "2026-03-15"})
    assert case.stage == "resolution_public"
    return case


def test_an_objection_during_the_public_notice_holds_the_matter_until_resolved_on_the_page(client, county, users):
    case = in_public_notice(county, users)
    url = reverse("deliberation:case", args=[case.pk])
    client.force_login(users["branch_a1"])
    with today_is(datetime.date(2026, 3, 25)):  # the seven days are over
        assert 'id="objection-form"' in client.get(url).content.decode()
        assert client.post(url, {"action": "objection", "text": "村民反映占用耕地未作补偿",
                                 "on": "2026-03-18"}).status_code == 302
        page = client.get(url).content.decode()
        assert "村民反映占用耕地未作补偿" in page and 'data-objection="0"' in page
        assert '<dd class="col-sm-9">村民会议</dd>' in page  # the kind of meeting by its name, not its code
        client.post(url, {"action": "advance"})
        case.refresh_from_db()
        assert case.stage == "resolution_public"  # held by the open objection
        assert client.post(url, {"action": "resolve", "index": "0", "resolution": ""}).status_code == 302
        case.refresh_from_db()
        assert case.data["objections"][0]["resolved"] is False  # a resolution must say how
        client.post(url, {"action": "resolve", "index": "0", "resolution": "经核实已按标准补偿"})
        client.post(url, {"action": "advance"})
        case.refresh_from_db()
    assert case.stage == "result_public"
    assert case.data["objections"] == [{"text": "村民反映占用耕地未作补偿", "on": "2026-03-18", "resolved": True,
                                        "resolution": "经核实已按标准补偿"}]
    client.force_login(users["township_b"])
    assert client.post(url, {"action": "objection", "text": "外乡镇"}).status_code == 404


def test_objections_through_the_api(client, county, users):
    case = in_public_notice(county, users)
    url = f"/api/deliberation/matters/{case.pk}"

    def post(path, body):
        return client.post(f"{url}{path}", json.dumps(body), content_type="application/json")

    client.force_login(users["township_b"])
    assert post("/objections", {"text": "外乡镇"}).status_code == 404
    client.force_login(users["branch_a1"])
    assert post("/objections", {"text": "  "}).status_code == 422
    raised = post("/objections", {"text": "公开内容不完整", "on": "2026-03-16"})
    assert raised.status_code == 200 and raised.json()["data"]["objections"][0]["resolved"] is False
    with today_is(datetime.date(2026, 3, 25)):
        assert post("/advance", {}).status_code == 422  # held by the open objection
        assert client.get(url).json()["stage"] == "resolution_public"
        assert client.get(url).json()["missing"]
        assert post("/objections/3/resolve", {"resolution": "已补充"}).status_code == 422  # no such objection
        assert post("/objections/0/resolve", {"resolution": "已补充公开"}).status_code == 200
        assert post("/advance", {}).json()["stage"] == "result_public"

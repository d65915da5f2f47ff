"""The warnings of 自行脱党 through the pages and the API, on 16 June 2025 (the six months read: December 2024 to May
2025): 张三, six months of dues unpaid and absent from every meeting, is warned after the check's preview; 陳小紅, who
paid and attended, is not, nor is 李四, behind with his dues under an approved exemption. The warning is on the
branch's to-do with its deadline (not on 张三's own), the talk recorded does its duty, the outcome "left of own accord"
shows the exit on the standing after its preview; 王五's warning is dismissed for a good reason and he is not warned
again; bad input is refused with nothing written, and each township sees its own only."""
import pytest
from django.urls import reverse

API = "/api/membership/lapse"
WINDOW = ["2024-12", "2025-01", "2025-02", "2025-03", "2025-04", "2025-05"]


@pytest.fixture(autouse=True)
def installed(shipped):
    """The shipped rules and dues bands, for every test here (the conftest's ``shipped``)."""


def post(client, path, body):
    return client.post(path, body, content_type="application/json")


def dues_year(client, organization, bases: dict, paid=()):
    """The organization's bases from December 2024, its ledger of the six months opened, ``paid`` members paying."""
    for person, amount in bases.items():
        assert post(client, f"/api/membership/dues/people/{person.pk}/base",
                    {"payer_kind": "employed", "amount": amount, "from_month": "2024-12"}).status_code == 201
    for month in WINDOW:
        assert post(client, "/api/membership/dues/ledger/open",
                    {"organization": organization.pk, "month": month}).status_code == 201
    for person in paid:
        assert post(client, f"/api/membership/dues/people/{person.pk}/payments",
                    {"months": WINDOW, "paid_on": "2025-06-01"}).status_code == 201


def meeting(client, organization, on, attendance: dict):
    made = post(client, "/api/orglife/meetings", {
        "organization_id": organization.pk, "kind": "branch_general", "date": on, "topic": "支部党员大会",
        "attendance": [{"person_id": person.pk, "status": status} for person, status in attendance.items()]})
    assert made.status_code == 201, made.content


def warnings_of(client, **params) -> dict:
    return {row["person"]["name"]: row for row in client.get(API + "/warnings", params).json()["items"]}


def test_warned_talked_and_left_of_own_accord(client, users, county):
    zhang, chen, lisi = county.people["zhangsan"], county.people["chen"], county.people["lisi"]
    client.force_login(users["branch_a1"])
    dues_year(client, county.village_a1, {zhang: "2800", chen: "5200"}, paid=[chen])
    for on in ("2025-01-10", "2025-03-12", "2025-05-09"):
        meeting(client, county.village_a1, on, {zhang: "absent", chen: "present"})
    client.force_login(users["township_a"])
    dues_year(client, county.village_a2, {lisi: "3000"})  # 李四 pays nothing: under an exemption
    assert post(client, f"/api/membership/dues/people/{lisi.pk}/reliefs", {
        "kind": "exempt", "from_month": "2024-12", "to_month": "2025-05", "reason": "因病住院，家庭困难",
        "branch_decision": "支部委员会", "decided_on": "2024-11-20"}).status_code == 201
    (relief,) = client.get("/api/membership/dues/reliefs", {"status": "proposed"}).json()["items"]
    assert post(client, f"/api/membership/dues/reliefs/{relief['id']}/approve", {}).status_code == 200

    # the check: who would be warned (nothing written), then the warning opened
    preview = post(client, API + "/check", {"organization": county.township_a.pk})
    assert preview.status_code == 409, preview.content
    assert [row["name"] for row in preview.json()["members"]] == ["张三"]
    assert (preview.json()["window_from"], preview.json()["window_to"]) == ("2024-12-01", "2025-05-31")
    assert warnings_of(client) == {}
    page = client.post(reverse("membership:lapse_check"), {"organization": county.township_a.pk})
    assert page.status_code == 200 and 'id="lapse-preview" data-count="1"' in page.content.decode()
    assert client.post(reverse("membership:lapse_check"), {"organization": county.township_a.pk,
                                                           "confirm": "on"}).status_code == 302
    warning = warnings_of(client)["张三"]
    assert (warning["no_life"], warning["no_dues"], warning["no_work"]) == (True, True, False)
    assert (warning["state"], warning["talk_due"], warning["duty_state"]) == ("open", "2025-07-16", "open")
    assert (warning["criteria"]["life"]["absent"], warning["criteria"]["dues"]["unpaid"]) == (3, 6)
    assert post(client, API + "/check", {"organization": county.township_a.pk}).json()["count"] == 0  # warned once
    url = reverse("membership:lapse_warning", args=[warning["id"]])
    assert 'data-test="dues" data-met="1"' in client.get(url).content.decode()
    assert "张三" in client.get(reverse("membership:lapse")).content.decode()

    # on the branch's to-do with the deadline; not on 张三's own
    client.force_login(users["branch_a1"])
    todo = client.get(reverse("duties:todo")).content.decode()
    assert url in todo and "2025-07-16" in todo
    client.force_login(users["member"])
    assert "自行脱党" not in client.get(reverse("duties:todo")).content.decode()

    # bad input refused, nothing written; then the talk recorded does the duty
    client.force_login(users["branch_a1"])
    talk = reverse("membership:lapse_action", args=[warning["id"], "talk"])
    for day in ("2025-07-01", "2025-06-10"):  # in the future; before the warning
        refused = client.post(talk, {"on": day, "place": "村委会", "others": "支部书记", "topic": "了解情况"})
        assert refused.status_code == 422 and 'name="place"' in refused.content.decode()
    assert post(client, f"{API}/warnings/{warning['id']}/talk",
                {"on": "2025-06-16", "place": " ", "topic": "了解情况", "others": "支部书记"}).status_code == 422
    assert post(client, f"{API}/warnings/{warning['id']}/outcome", {"outcome": "resumed",
                                                                    "note": "已恢复"}).status_code == 422  # no talk yet
    assert client.get(f"{API}/warnings/{warning['id']}").json()["state"] == "open"
    assert client.post(talk, {"on": "2025-06-16", "place": "村党群服务中心", "others": "支部书记", "people": [chen.pk],
                              "topic": "了解未参加组织生活、未交党费的原因"}).status_code == 302
    after = client.get(f"{API}/warnings/{warning['id']}").json()
    assert (after["state"], after["duty_state"]) == ("talked", "done") and after["talk"]
    talks = client.get("/api/membership/evaluation/talks", {"organization": county.village_a1.pk}).json()["items"]
    assert (talks[0]["kind"], talks[0]["about_member"]["name"]) == ("at_risk", "张三")
    assert {person["name"] for person in talks[0]["people"]} == {"张三", "陳小紅"}

    # left of own accord: the exit's preview first, then the standing shows it
    decision = {"outcome": "lapsed", "on": "2025-06-16", "decided_by": "村党支部支部大会",
                "decision": "按自行脱党予以除名"}
    preview = post(client, f"{API}/warnings/{warning['id']}/outcome", decision)
    assert preview.status_code == 409 and preview.json()["name"] == "张三"
    standing = f"/api/membership/people/{zhang.pk}/standing"
    assert client.get(standing).json()["status"] == "active"
    action = reverse("membership:lapse_action", args=[warning["id"], "decide"])
    confirm_page = client.post(action, decision)
    assert confirm_page.status_code == 200 and 'id="exit-preview"' in confirm_page.content.decode()
    assert client.post(action, {**decision, "confirm": "True"}).status_code == 302
    exit_change = client.get(standing).json()["changes"][-1]
    assert client.get(standing).json()["status"] == "left"
    assert (exit_change["kind"], exit_change["reason"]) == ("exit", "lapsed")
    closed = client.get(f"{API}/warnings/{warning['id']}").json()
    assert (closed["state"], closed["outcome"], closed["standing_change"]) == ("closed", "lapsed", exit_change["id"])
    assert url not in client.get(reverse("duties:todo")).content.decode()


def test_dismissed_for_a_good_reason_and_each_township_sees_its_own(client, users, county):
    wangwu = county.people["wangwu"]
    client.force_login(users["township_b"])
    for on in ("2025-02-14", "2025-04-11"):
        meeting(client, county.village_b1, on, {wangwu: "absent"})
    assert post(client, API + "/check", {"organization": county.township_b.pk, "confirm": True}).json()["count"] == 1
    warning = warnings_of(client)["王五"]
    assert (warning["no_life"], warning["no_dues"]) == (True, False)

    client.force_login(users["township_a"])  # outside: nothing of it
    assert client.get(f"{API}/warnings/{warning['id']}").status_code == 404
    assert client.get(reverse("membership:lapse_warning", args=[warning["id"]])).status_code == 404
    assert post(client, f"{API}/warnings/{warning['id']}/dismiss", {"reason": "某"}).status_code == 404
    assert post(client, API + "/check", {"organization": county.township_b.pk}).status_code == 404
    assert warnings_of(client) == {}
    client.force_login(users["inspector"])  # read-only
    assert client.post(reverse("membership:lapse_check"), {"organization": county.township_a.pk}).status_code == 404

    client.force_login(users["township_b"])
    dismiss = reverse("membership:lapse_action", args=[warning["id"], "dismiss"])
    assert client.post(dismiss, {"on": "2025-06-16", "reason": " "}).status_code == 422
    assert post(client, f"{API}/warnings/{warning['id']}/outcome", {"outcome": "vanished"}).status_code == 422
    assert client.get(f"{API}/warnings/{warning['id']}").json()["state"] == "open"
    assert client.post(dismiss, {"on": "2025-06-16", "reason": "长期患病住院，经支部核实"}).status_code == 302
    dismissed = client.get(f"{API}/warnings/{warning['id']}").json()
    assert (dismissed["state"], dismissed["outcome"], dismissed["duty_state"]) == ("closed", "dismissed", "waived")
    assert post(client, API + "/check", {"organization": county.township_b.pk}).json()["count"] == 0
    assert warnings_of(client, state="closed")["王五"]["note"] == "长期患病住院，经支部核实"

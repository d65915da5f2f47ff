"""Terms (换届) as a county and its townships run them through the pages and the API: lengths by type and domain
from the shipped table (and a county's change of it, past terms keeping theirs), a term's expiry and its reminder
through the duties engine (reminded before, overdue after, done by the next term change), an early change
confirmed after its preview, the holders before and after for each post, a village election recording the term
change, a mistaken change withdrawn, each township seeing its own subtree, and bad input refused with nothing
written."""
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture(autouse=True)
def installed(shipped):
    """The shipped rule and table, for every test here (the conftest's ``shipped``)."""


def post_json(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def change(client, org, **body):
    return post_json(client, f"/api/terms/organizations/{org.pk}/terms", body)


def terms_of(client, org) -> list[dict]:
    response = client.get(f"/api/terms/organizations/{org.pk}/terms")
    assert response.status_code == 200, response.content
    return response.json()


def register(client, **query) -> list[dict]:
    return client.get("/api/terms/terms", query).json()["items"]


def give_post(client, person, org, title, started_on):
    response = post_json(client, "/api/posts", {"person": person.pk, "organization": org.pk, "title": title,
                                                "started_on": started_on})
    assert response.status_code == 201, response.content
    return response.json()


def test_lengths_by_type_and_domain_give_the_expiry(client, users, county):
    client.force_login(users["county"])
    lengths = client.get("/api/terms/lengths").json()
    in_2025 = {(row["org_type"], row["domain"]): row["years"] for row in lengths
               if row["effective_from"] == "2019-01-01" or row["domain"] == ""}
    assert in_2025[("branch", "rural")] == in_2025[("branch", "community")] == 5
    assert in_2025[("branch", "")] == in_2025[("general_branch", "")] == 3 and in_2025[("party_committee", "")] == 5
    agency = post_json(client, "/api/orgs", {"parent": county.township_a.pk, "code": "A9", "name": "镇政府机关党支部",
                                             "org_type": "branch", "domain": "agency"})
    assert agency.status_code == 201, agency.content
    started = {"village": (county.village_a1, "2021-03-01", 5, "2026-03-01"),
               "old village": (county.village_a2, "2017-01-05", 3, "2020-01-05"),  # before 2019: three years
               "township": (county.township_a, "2021-10-20", 5, "2026-10-20")}
    for org, day, years, expires in started.values():
        term = change(client, org, started_on=day, number=8)
        assert term.status_code == 201, term.content
        assert (term.json()["years"], term.json()["expires_on"]) == (years, expires)
    agency_id = agency.json()["id"]
    term = post_json(client, f"/api/terms/organizations/{agency_id}/terms", {"started_on": "2024-02-29"}).json()
    assert (term["years"], term["expires_on"], term["number"]) == (3, "2027-02-28", None)
    page = client.get(reverse("terms:organization", args=[county.village_a1.pk]), **ZH).content.decode()
    assert "2026-03-01" in page and 'id="current-term"' in page and 'data-status="expiring"' not in page


def test_the_reminder_before_expiry_then_done_by_an_early_change_confirmed(client, users, county):
    client.force_login(users["township_a"])
    first = change(client, county.village_a1, started_on="2020-09-01", number=10).json()
    assert (first["expires_on"], first["status"]) == ("2025-09-01", "expiring")
    assert (first["reminder_due_on"], first["reminder_state"]) == ("2025-09-01", "open")
    assert [t["organization"]["name"] for t in register(client, status="expiring")] == ["陳家村党支部"]
    assert register(client, status="expiring", months=2) == []
    call_command("daily", "--today", "2025-06-16", "--only", "duties", stdout=io.StringIO())  # as cron runs it
    client.force_login(users["branch_a1"])
    notices = client.get("/api/duties/notices").json()["items"]
    assert [(n["kind"], n["message"][:6]) for n in notices if n["obligation"] == first["reminder"]] == [
        ("reminder", "任期届满换届")]
    client.force_login(users["township_a"])
    early = change(client, county.village_a1, started_on="2025-06-10")
    assert early.status_code == 409 and early.json()["code"] == "confirmation_required"
    assert "2025-09-01" in early.json()["message"] and early.json()["number"] == 11
    assert len(terms_of(client, county.village_a1)) == 1  # nothing written before the confirmation
    done = change(client, county.village_a1, started_on="2025-06-10", confirm=True)
    assert done.status_code == 201, done.content
    assert (done.json()["number"], done.json()["expires_on"], done.json()["reminder_state"]) == (
        11, "2030-06-10", "open")
    before = terms_of(client, county.village_a1)[1]
    assert (before["ended_on"], before["status"], before["reminder_state"]) == ("2025-06-10", "ended", "done")


def test_a_term_past_its_expiry_without_a_change_is_overdue(client, users, county):
    client.force_login(users["township_b"])
    term = change(client, county.village_b1, started_on="2020-01-10", number=9).json()
    assert (term["status"], term["reminder_state"]) == ("expired", "overdue")
    page = client.get(reverse("terms:register") + "?status=expired", **ZH).content.decode()
    assert "王家村党支部" in page and 'data-status="expired"' in page and "badge text-bg-danger" in page
    on_time = change(client, county.village_b1, started_on="2025-06-12").json()  # late: no confirmation needed
    assert on_time["number"] == 10
    assert terms_of(client, county.village_b1)[1]["reminder_state"] == "late"


def test_holders_before_and_after_for_each_post(client, users, county):
    chen, zhang = county.people["chen"], county.people["zhangsan"]
    client.force_login(users["township_a"])
    give_post(client, chen, county.village_a1, "secretary", "2020-09-01")
    give_post(client, zhang, county.village_a1, "committee_member", "2020-09-01")
    change(client, county.village_a1, started_on="2020-09-01")
    page = client.get(reverse("terms:organization", args=[county.village_a1.pk]), **ZH).content.decode()
    assert 'name="holder_title"' in page and f'value="{chen.pk}" selected' in page  # prefilled from the posts
    form = {"started_on": "2025-06-10", "number": "", "how": "assembly", "decision": "甲镇党委批复", "expires_on": "",
            "expiry_reason": "", "note": "", "confirm": "",
            "holder_title": ["secretary", "committee_member", "deputy_secretary"],
            "holder_before": [str(chen.pk), str(zhang.pk), ""], "holder_after": [str(zhang.pk), "", str(chen.pk)]}
    url = reverse("terms:organization", args=[county.village_a1.pk])
    preview = client.post(url, form, **ZH).content.decode()
    assert 'id="term-preview"' in preview and "2025-09-01" in preview and "张三" in preview
    assert client.post(url, {**form, "confirm": "True"}).status_code == 302
    latest = terms_of(client, county.village_a1)[0]
    assert [(h["title"], h["name_before"], h["name_after"]) for h in latest["holders"]] == [
        ("secretary", "陳小紅", "张三"), ("committee_member", "张三", ""), ("deputy_secretary", "", "陳小紅")]
    assert latest["decision"] == "甲镇党委批复"


def test_a_village_election_records_the_term_change(client, users, county):
    chen, lisi = county.people["chen"], county.people["lisi"]
    client.force_login(users["county"])
    give_post(client, lisi, county.village_a2, "secretary", "2020-07-01")
    assert change(client, county.village_a2, started_on="2020-07-01", number=10).status_code == 201
    tc = post_json(client, "/api/elections/terms", {"owner": county.county.pk, "name": "2025年村党组织换届",
                                                   "year": 2025, "started_on": "2025-05-01"})
    assert tc.status_code == 200, tc.content
    election = post_json(client, f"/api/elections/terms/{tc.json()['id']}/elections",
                         {"organization": county.village_a2.pk}).json()["id"]
    candidate = post_json(client, f"/api/elections/elections/{election}/candidates",
                          {"person": chen.pk, "title": "secretary", "masses_count": 80}).json()["candidates"][0]["id"]
    assert post_json(client, f"/api/elections/elections/{election}/recommended", {}).status_code == 200
    assert post_json(client, f"/api/elections/candidates/{candidate}/review", {"passed": True}).status_code == 200
    assert post_json(client, f"/api/elections/elections/{election}/reviewed", {}).status_code == 200
    votes = {"held_on": "2025-06-08", "eligible_voters": 20, "votes_cast": 18,
             "votes": [{"candidate": candidate, "votes": 15}]}
    assert post_json(client, f"/api/elections/elections/{election}/votes", votes).status_code == 200
    assert post_json(client, f"/api/elections/elections/{election}/finish", {}).json()["stage"] == "done"
    new, old = terms_of(client, county.village_a2)
    assert (new["started_on"], new["number"], new["how"], new["decision"]) == (
        "2025-06-08", 11, "assembly", "2025年村党组织换届")
    assert [(h["title"], h["name_before"], h["name_after"]) for h in new["holders"]] == [
        ("secretary", "李四", "陳小紅")]
    assert (old["ended_on"], old["reminder_state"]) == ("2025-06-08", "done")


def test_a_mistaken_change_withdrawn_the_term_before_is_current_again(client, users, county):
    client.force_login(users["township_b"])
    first = change(client, county.village_b1, started_on="2020-01-10").json()
    second = change(client, county.village_b1, started_on="2025-06-01").json()
    assert post_json(client, f"/api/terms/terms/{first['id']}/withdraw", {"reason": "误录"}).status_code == 422
    assert post_json(client, f"/api/terms/terms/{second['id']}/withdraw", {"reason": ""}).status_code == 422
    response = client.post(reverse("terms:withdraw", args=[second["id"]]), {"reason": "日期录错"})
    assert response.status_code == 302
    withdrawn, current = terms_of(client, county.village_b1)
    assert (withdrawn["status"], withdrawn["withdraw_reason"], withdrawn["reminder_state"]) == (
        "withdrawn", "日期录错", "waived")
    assert (current["status"], current["ended_on"], current["reminder_state"]) == ("expired", None, "overdue")
    again = change(client, county.village_b1, started_on="2025-06-01").json()  # recorded again, right this time
    assert (again["status"], again["reminder_state"]) == ("current", "open")


def test_each_township_sees_its_subtree_and_only_the_county_changes_its_lengths(client, users, county):
    client.force_login(users["county"])
    for org, day in ((county.village_a1, "2021-03-01"), (county.village_b1, "2021-04-01")):
        assert change(client, org, started_on=day).status_code == 201
    client.force_login(users["township_a"])
    assert [t["organization"]["name"] for t in register(client)] == ["陳家村党支部"]
    page = client.get(reverse("terms:register"), **ZH).content.decode()
    assert "陳家村党支部" in page and "王家村党支部" not in page
    assert client.get(reverse("terms:organization", args=[county.village_b1.pk])).status_code == 404
    assert client.get(f"/api/terms/organizations/{county.village_b1.pk}/terms").status_code == 404
    assert change(client, county.village_b1, started_on="2025-06-01").status_code == 404
    workbook = client.get(reverse("terms:register_xlsx"))
    assert workbook.status_code == 200 and workbook["Content-Type"].startswith("application/vnd.openxmlformats")
    new_length = {"owner": county.county.pk, "org_type": "branch", "domain": "rural", "years": 4,
                  "effective_from": "2025-01-01", "note": "县委组织部通知"}
    for user in ("township_a", "branch_a1"):
        client.force_login(users[user])
        assert post_json(client, "/api/terms/lengths", new_length).status_code == 404
        assert client.post(reverse("terms:lengths"), new_length).status_code == 403
        assert 'id="length-form"' not in client.get(reverse("terms:lengths")).content.decode()
    client.force_login(users["county"])
    assert client.post(reverse("terms:lengths"), new_length).status_code == 302
    assert change(client, county.village_a2, started_on="2025-03-01").json()["expires_on"] == "2029-03-01"
    assert terms_of(client, county.village_a1)[0]["expires_on"] == "2026-03-01"  # begun before: keeps five years
    page = client.get(reverse("terms:lengths"), **ZH).content.decode()
    assert "县委组织部通知" in page


def test_bad_input_is_refused_with_a_reason_and_nothing_written(client, users, county):
    client.force_login(users["township_a"])
    url = f"/api/terms/organizations/{county.village_a1.pk}/terms"
    future = post_json(client, url, {"started_on": "2025-07-01"})
    assert future.status_code == 422 and "started_on" in future.content.decode()
    assert post_json(client, url, {"started_on": "2021-03-01", "expires_on": "2027-01-01"}).status_code == 422
    wangwu = county.people["wangwu"]  # township B's: not a holder here
    stranger = post_json(client, url, {"started_on": "2021-03-01",
                                       "holders": [{"title": "secretary", "person_after": wangwu.pk}]})
    assert stranger.status_code == 422
    assert post_json(client, f"/api/terms/organizations/{county.county.pk}/terms",
                     {"started_on": "2021-03-01"}).status_code == 404  # the county committee: not in scope, no terms
    page = client.post(reverse("terms:organization", args=[county.village_a1.pk]), {
        "started_on": "2030-01-01", "how": "assembly", "holder_title": [""], "holder_before": [""],
        "holder_after": [""]}, **ZH)
    assert page.status_code == 422 and "invalid-feedback" in page.content.decode()
    assert terms_of(client, county.village_a1) == []
    first = post_json(client, url, {"started_on": "2021-03-01"})
    assert first.status_code == 201
    assert post_json(client, url, {"started_on": "2020-03-01"}).status_code == 422  # before the latest term
    assert post_json(client, url, {"started_on": "2022-03-01", "number": 1, "confirm": True}).status_code == 201
    assert len(terms_of(client, county.village_a1)) == 2


def test_the_demo_gives_every_organization_its_current_term(client, users, county):
    from mechanisms.terms.demo import generate_terms

    counts = generate_terms(county.county, seed=0, progress=lambda message: None)
    assert counts["recorded"] == 5  # two townships, three villages
    client.force_login(users["county"])
    terms = register(client, limit=50)
    assert len(terms) == 5 and all(term["reminder_state"] in ("open", "overdue") for term in terms)
    villages = [term for term in terms if term["organization"]["name"].endswith("村党支部")]
    assert all(term["status"] in ("expired", "expiring") for term in villages)  # electing this year
    assert generate_terms(county.county, seed=0, progress=lambda message: None)["recorded"] == 0

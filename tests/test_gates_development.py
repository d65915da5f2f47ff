"""发展党员's irreversible steps hold on every path (README "Gates: development and 四议两公开"): admission as a
probationary member only through the branch vote with its majority and the township's approval, the approved
and admitted record frozen, no cancelling after admission, no second admission of a registry member, no case
opened for a member or twice — whether the development page and API, or the generic workflow page and API, act.
Each refused act answers its reason and writes nothing; the allowed path works. The data is built with the
services (as tests/development does); every act under test is an HTTP request."""
import datetime
import json

import pytest
from django.contrib.messages import get_messages
from django.utils import translation

from engines.workflows.models import Approval, Case
from kernel.people.models import Member
from mechanisms.development import services
from mechanisms.development.definition import install
from tests.import_files import id_number, member_row, xlsx
from tests.kit import county_built_once

county, users = county_built_once()

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
D = datetime.date
VOTE = {"vote_on": "2020-08-05", "votes_for": 5, "eligible_voters": 8}


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json", **EN)


def page_post(client, url, data):
    response = client.post(url, data, **EN)
    return response, [str(m) for m in get_messages(response.wsgi_request)]


def at_vote(county, users, *, name="赵明", votes=VOTE, **person):
    """A candidate's case at the branch vote (支部大会票决), the vote recorded; built with the services."""
    install(owner=county.county)
    user = users["branch_a1"]
    case = services.candidate_open(user=user, organization=county.village_a1, applied_on=D(2019, 3, 1), name=name,
                                   gender="male", birth_date=D(1995, 5, 5), today=D(2019, 3, 1), **person)
    for data, on in (({}, D(2019, 3, 1)),
                     ({"activist_on": D(2019, 6, 1), "contact_1": "张三", "contact_2": "李四"}, D(2020, 7, 1)),
                     ({"recommended_on": D(2020, 7, 1), "target_on": D(2020, 7, 2), "reviewed_on": D(2020, 7, 20)},
                      D(2020, 7, 25)),
                     ({"notice_from": D(2020, 7, 25)}, D(2020, 7, 31))):
        services.candidate_record(user=user, case=case, data=data)
        services.candidate_advance(user=user, case=case, today=on)
    services.candidate_record(user=user, case=case, data=votes)
    assert case.stage == "vote"
    return case


def admitted(county, users):
    """A probationary member's case: voted, approved by the township and admitted."""
    case = at_vote(county, users)
    services.candidate_approve(user=users["township_a"], case=case, today=D(2020, 8, 6))
    services.candidate_advance(user=users["branch_a1"], case=case, today=D(2020, 8, 6))
    assert case.stage == "probationary"
    return case


def unchanged(case, stage, members):
    case.refresh_from_db()
    return case.stage == stage and Member.objects.filter(person_id=case.person_id).count() == members


def test_admission_needs_the_townships_approval_on_every_path(client, county, users):
    case = at_vote(county, users)
    client.force_login(users["branch_a1"])
    for url in (f"/api/development/cases/{case.pk}/advance", f"/api/workflows/cases/{case.pk}/advance"):
        refused = post(client, url, {})
        assert refused.status_code == 422 and "An approval by one of" in refused.json()["message"], url
    _page, said = page_post(client, f"/workflows/cases/{case.pk}/", {"action": "advance"})
    assert any("An approval by one of" in m for m in said)
    page, _said = page_post(client, f"/development/cases/{case.pk}/", {"action": "advance"})
    assert page.status_code == 400 and "An approval by one of" in page.content.decode()
    # the branch secretary records the vote but does not approve it: 403 with who may
    for url in (f"/api/development/cases/{case.pk}/approve", f"/api/workflows/cases/{case.pk}/approve"):
        refused = post(client, url, {})
        assert refused.status_code == 403 and "may approve" in refused.json()["message"], url
    assert unchanged(case, "vote", 0) and not Approval.objects.filter(case=case).exists()

    client.force_login(users["township_a"])
    approved = post(client, f"/api/development/cases/{case.pk}/approve", {"comment": "同意接收为预备党员"})
    assert approved.status_code == 200, approved.json()
    client.force_login(users["branch_a1"])
    moved = post(client, f"/api/development/cases/{case.pk}/advance", {})
    assert moved.status_code == 200 and moved.json()["stage"] == "probationary"
    member = Member.objects.get(person_id=case.person_id)
    assert (member.category, member.joined_on) == ("probationary", D(2020, 8, 5))


def test_the_township_approves_on_the_case_page(client, county, users):
    case = at_vote(county, users)
    client.force_login(users["township_a"])
    url = f"/development/cases/{case.pk}/"
    assert 'id="approve-form"' in client.get(url, **EN).content.decode()
    response, _said = page_post(client, url, {"action": "approve", "comment": "同意"})
    assert response.status_code == 302 and Approval.objects.filter(case=case, stage="vote").count() == 1
    assert 'id="approvals"' in client.get(url, **EN).content.decode()
    client.force_login(users["branch_a1"])  # a branch secretary is told why not
    _response, said = page_post(client, url, {"action": "approve"})
    assert any("may approve" in m for m in said) and Approval.objects.filter(case=case).count() == 1


def test_a_vote_without_majority_is_not_approved_on_any_path(client, county, users):
    case = at_vote(county, users, votes={**VOTE, "votes_for": 4})
    client.force_login(users["township_a"])
    for url in (f"/api/development/cases/{case.pk}/approve", f"/api/workflows/cases/{case.pk}/approve"):
        refused = post(client, url, {})
        assert refused.status_code == 422 and "no majority: 4 for out of 8" in refused.json()["message"], url
    for url in (f"/development/cases/{case.pk}/", f"/workflows/cases/{case.pk}/"):
        _response, said = page_post(client, url, {"action": "approve"})
        assert any("no majority" in m for m in said), url
    assert not Approval.objects.filter(case=case).exists() and unchanged(case, "vote", 0)


def test_the_approved_vote_and_the_admission_are_frozen(client, county, users):
    case = at_vote(county, users)
    services.candidate_approve(user=users["township_a"], case=case, today=D(2020, 8, 6))
    client.force_login(users["branch_a1"])
    for url in (f"/api/development/cases/{case.pk}/record", f"/api/workflows/cases/{case.pk}/data"):
        refused = post(client, url, {"data": {"votes_for": 8}})
        assert refused.status_code == 422 and "has approved this stage" in refused.json()["message"], url
    case.refresh_from_db()
    assert case.data["votes_for"] == 5

    services.candidate_advance(user=users["branch_a1"], case=case, today=D(2020, 8, 6))
    for url in (f"/api/development/cases/{case.pk}/record", f"/api/workflows/cases/{case.pk}/data"):
        refused = post(client, url, {"data": {"vote_on": "2020-09-01"}})
        assert refused.status_code == 422 and "record of the admission" in refused.json()["message"], url
    response, said = page_post(client, f"/workflows/cases/{case.pk}/", {"action": "data", "full_on": "2021-08-05"})
    assert response.status_code == 302  # the probation's own field may be written, on any path
    case.refresh_from_db()
    assert (case.data["vote_on"], case.data["full_on"]) == ("2020-08-05", "2021-08-05")
    assert Member.objects.get(person_id=case.person_id).joined_on == D(2020, 8, 5)


def test_a_probationary_members_case_is_not_cancelled_on_any_path(client, county, users):
    case = admitted(county, users)
    client.force_login(users["township_a"])
    refused = post(client, f"/api/workflows/cases/{case.pk}/cancel", {"comment": "本人申请退出"})
    assert refused.status_code == 422 and "cannot be cancelled" in refused.json()["message"]
    _response, said = page_post(client, f"/workflows/cases/{case.pk}/", {"action": "cancel", "comment": "退出"})
    assert any("cannot be cancelled" in m for m in said)
    case.refresh_from_db()
    assert case.status == "open" and case.transitions.count() == 6
    assert Member.objects.get(person_id=case.person_id).category == "probationary"
    # before admission a case may be cancelled
    other = at_vote(county, users, name="钱亮")
    cancelled = post(client, f"/api/workflows/cases/{other.pk}/cancel", {"comment": "本人申请撤回"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


def test_the_people_registry_and_the_import_leave_an_open_cases_standing_to_it(client, county, users):
    """While the case is open, admission, conversion and the development stage are the case's alone: the people
    API and the member import refuse to write them, with the reason, and write nothing."""
    case = at_vote(county, users, id_number=id_number(7, birth=D(1995, 5, 5)))
    services.candidate_approve(user=users["township_a"], case=case, today=D(2020, 8, 6))
    client.force_login(users["county"])
    entered = post(client, f"/api/people/{case.person_id}/membership",
                   {"category": "probationary", "joined_on": "2020-08-01", "applied_on": "2019-03-01"})
    assert entered.status_code == 422 and "open member-development case" in entered.json()["message"], entered.content
    staged = client.patch(f"/api/people/{case.person_id}", json.dumps({"stage": "member"}),
                          content_type="application/json", **EN)
    assert staged.status_code == 422 and "open member-development case" in staged.json()["message"], staged.content
    row = member_row(7, org="A1", 姓名="赵明", 出生日期="1995-05-05", 公民身份号码=id_number(7, birth=D(1995, 5, 5)))
    job = client.post("/api/imports/members", {"file": xlsx([row])}, **EN).json()
    assert job["state"] == "failed", job
    assert [(e["row"], e["column"]) for e in job["errors"]] == [(2, "入党日期")], job["errors"]
    assert "open member-development case" in job["errors"][0]["message"]
    assert not Member.objects.filter(person_id=case.person_id).exists()
    for url in (f"/api/development/cases/{case.pk}/advance",):  # the case's own path admits
        assert post(client, url, {}).status_code == 200, url
    member = Member.objects.get(person_id=case.person_id)
    assert (member.category, member.joined_on) == ("probationary", D(2020, 8, 5))


def test_the_generic_api_opens_a_development_case_as_the_development_api_does(client, county, users):
    case = at_vote(county, users)
    workflow_id = case.workflow_id
    client.force_login(users["branch_a1"])
    before = Case.objects.count()

    def open_for(person_id, data=None):
        return post(client, "/api/workflows/cases", {"workflow": workflow_id, "organization": county.village_a1.pk,
                                                     "person": person_id, "title": "发展", "data": data or {}})

    refused = open_for(case.person_id)
    assert refused.status_code == 422 and "already has an open development case" in refused.json()["message"]
    member = county.people["zhangsan"]
    assert Member.objects.filter(person=member).exists()
    refused = open_for(member.pk)
    assert refused.status_code == 422 and "already a party member" in refused.json()["message"]
    newcomer = services.person_create(user=None, organization=county.village_a1, name="孙华", gender="female",
                                      birth_date=D(1998, 1, 1), stage="applicant")
    refused = open_for(newcomer.pk, {"applied_on": "2024-01-10", "colour": "red"})
    assert refused.status_code == 422 and "Not a field of member development" in refused.json()["message"]
    assert Case.objects.count() == before
    opened = open_for(newcomer.pk, {"applied_on": "2024-01-10"})
    assert opened.status_code == 201 and opened.json()["stage"] == "application"


def test_a_return_voids_the_notice_and_the_vote(client, county, users):
    case = at_vote(county, users)
    client.force_login(users["branch_a1"])
    returned = post(client, f"/api/workflows/cases/{case.pk}/return", {"to_stage": "target", "comment": "重新公示"})
    assert returned.status_code == 200 and returned.json()["stage"] == "target"
    data = returned.json()["data"]
    assert not {"notice_from", "vote_on", "votes_for", "eligible_voters"} & set(data)
    assert data["reviewed_on"] == "2020-07-20"
    assert case.transitions.get(action="return").data["votes_for"] == 5  # the record keeps what was voided


def test_the_rule_names_the_same_people_for_a_few_and_for_a_whole_files_worth(county, users):
    """A person's write asks about one person; an import about thousands (read another way): the same answer."""
    case = at_vote(county, users)
    others = list(range(10**8, 10**8 + 600))
    for ids in ([case.person_id], [case.person_id, *others]):
        with translation.override("en"):
            refusals = services.membership_check(ids, {"membership"})
        assert list(refusals) == [case.person_id] and "open member-development case" in refusals[case.person_id]
    assert services.membership_check([case.person_id], {"status"}) == {}

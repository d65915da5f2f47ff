"""The change log: who, from where, which request, and only what changed."""
import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.http import HttpResponse
from django.test import RequestFactory

from kernel.core import idcard
from kernel.core.actor import acting_as
from kernel.core.changelog import history_for
from kernel.core.middleware import RequestContextMiddleware
from kernel.core.models import ChangeRecord
from kernel.orgs.models import Organization
from kernel.orgs.services import org_create, org_move, org_update
from kernel.people.models import Member, Post
from kernel.people.restructure import org_dissolve, org_merge
from kernel.people.services import (
    member_create,
    member_update,
    person_create,
    person_transfer,
    person_update,
    post_create,
    post_end,
)
from tests.kit import county_built_once

county, users = county_built_once()

NEW_ID = idcard.make("430581", datetime.date(1990, 9, 9), 11, "female")
WRONG_ID = NEW_ID[:17] + ("1" if NEW_ID[17] == "0" else "0")


def _new_branch(county, user):
    return org_create(user=user, parent=county.township_b, code="B7", name="新支部", org_type="branch", domain="rural")


def _new_person(county, user):
    return person_create(user=user, organization=county.village_b1, name="孙七", id_number=NEW_ID)


def _new_member(county, user):
    person = _new_person(county, user)
    return member_create(user=user, person=person, category="probationary", applied_on=datetime.date(2022, 1, 1),
                         joined_on=datetime.date(2023, 6, 1))


# Each service, the action it records and the object the record is about.
SERVICES = {
    "org_create": (ChangeRecord.Action.CREATE, _new_branch),
    "org_update": (ChangeRecord.Action.UPDATE,
                   lambda c, u: org_update(user=u, org=c.village_b1, short_name="王家村")),
    "org_move": (ChangeRecord.Action.MOVE,
                 lambda c, u: org_move(user=u, org=c.village_a2, new_parent=c.township_b)),
    "org_merge": (ChangeRecord.Action.MERGE,
                  lambda c, u: org_merge(user=u, source=c.village_a2, target=c.village_a1)),
    "org_dissolve": (ChangeRecord.Action.DISSOLVE, lambda c, u: org_dissolve(user=u, org=_new_branch(c, u))),
    "person_create": (ChangeRecord.Action.CREATE, _new_person),
    "person_update": (ChangeRecord.Action.UPDATE,
                      lambda c, u: person_update(user=u, person=c.people["wangwu"], phone="13911112222")),
    "person_transfer": (ChangeRecord.Action.MOVE,
                        lambda c, u: person_transfer(user=u, person=c.people["wangwu"], organization=c.village_a1)),
    "member_create": (ChangeRecord.Action.CREATE, _new_member),
    "member_update": (ChangeRecord.Action.UPDATE,
                      lambda c, u: member_update(user=u, member=Member.objects.get(person=c.people["wangwu"]),
                                                 no_post_class="migrant")),
    "post_create": (ChangeRecord.Action.CREATE,
                    lambda c, u: post_create(user=u, person=c.people["wangwu"], organization=c.village_b1,
                                             title="secretary", started_on=datetime.date(2021, 1, 1))),
    "post_end": (ChangeRecord.Action.UPDATE,
                 lambda c, u: post_end(user=u, post=post_create(user=u, person=c.people["wangwu"],
                                                                organization=c.village_b1, title="secretary",
                                                                started_on=datetime.date(2021, 1, 1)))),
}


@pytest.mark.parametrize("service", list(SERVICES))
@pytest.mark.parametrize("source", ["web", "api", "command:recount"])
def test_every_service_records_who_from_where_and_which_request(county, users, service, source):
    action, call = SERVICES[service]
    user = users["county"]
    with acting_as(user, source=source, request_id=f"req-{service}"):
        obj = call(county, user)
    record = ChangeRecord.objects.latest("id")
    assert (record.action, record.user, record.source, record.request_id) == (action, user, source, f"req-{service}")
    assert record.content_type.model_class() is type(obj)
    assert record.object_id == obj.pk
    assert record.org_path == getattr(obj, obj.scope_path_field)
    assert list(history_for(obj))[0] == record


def test_without_an_actor_the_change_is_the_systems(county):
    org_update(user=None, org=county.village_b1, short_name="王家村")
    record = history_for(county.village_b1).first()
    assert (record.user, record.source) == (None, "system")
    assert len(record.request_id) == 32


def test_one_request_id_ties_together_every_record_of_a_merge(county, users):
    with acting_as(users["county"], source="web", request_id="merge-1"):
        org_merge(user=users["county"], source=county.township_a, target=county.township_b)
    records = ChangeRecord.objects.filter(request_id="merge-1")
    assert sorted(records.values_list("action", flat=True)) == ["merge", "move", "move"]


def test_the_request_middleware_makes_the_user_the_actor(county, users):
    def view(request):
        person_update(user=request.user, person=county.people["wangwu"], phone="13911112222")
        return HttpResponse()

    factory = RequestFactory()
    for path, source in [("/people/1/edit/", "web"), ("/api/people/1", "api")]:
        request = factory.post(path, headers={"X-Request-Id": f"abc-{source}"})
        request.user = users["township_b"]
        response = RequestContextMiddleware(view)(request)
        assert response["X-Request-Id"] == f"abc-{source}"
        if source == "web":
            record = ChangeRecord.objects.latest("id")
            assert (record.user, record.source, record.request_id) == (users["township_b"], "web", "abc-web")


def test_an_api_call_is_recorded_as_the_api(client, county, users):
    client.force_login(users["township_b"])
    response = client.patch(f"/api/orgs/{county.village_b1.pk}", {"short_name": "王家"},
                            content_type="application/json", headers={"X-Request-Id": "api-call-1"})
    assert response.status_code == 200, response.content
    record = history_for(county.village_b1).first()
    assert (record.user, record.source, record.request_id) == (users["township_b"], "api", "api-call-1")


def test_a_command_is_recorded_as_the_command(county, users):
    Organization.objects.filter(pk=county.village_a1.pk).update(member_count=99)
    call_command("recount", "--as", "county", stdout=io.StringIO())
    county.village_a1.refresh_from_db()
    assert county.village_a1.member_count == 2
    with acting_as(None, source="command:demo_data"):
        org_update(user=None, org=county.village_b1, short_name="王家村")
    assert history_for(county.village_b1).first().source == "command:demo_data"


def test_an_update_records_only_the_changed_fields(county):
    person = county.people["wangwu"]
    person_update(user=None, person=person, phone="13911112222", education="high_school")
    record = history_for(person).first()
    assert record.before == {"phone": "13800001234", "education": ""}
    assert record.after == {"phone": "13911112222", "education": "high_school"}
    assert sorted(name for name, _old, _new in record.changed_fields()) == ["education", "phone"]


def test_a_rename_records_the_name_and_its_search_keys(county):
    org_update(user=None, org=county.village_b1, name="王庄村党支部")
    record = history_for(county.village_b1).first()
    assert record.before["name"] == "王家村党支部" and record.after["name"] == "王庄村党支部"
    assert set(record.after) <= {"name", "name_search", "name_initials"}


def test_a_create_records_the_whole_object(county):
    record = history_for(county.people["wangwu"]).last()
    assert record.action == "create" and record.before is None
    assert record.after["name"] == "王五" and record.after["birth_date"] == "1975-02-02"


@pytest.mark.parametrize("noop", [
    lambda c: person_update(user=None, person=c.people["wangwu"], phone="13800001234"),
    lambda c: person_update(user=None, person=c.people["wangwu"]),
    lambda c: org_update(user=None, org=c.village_b1, name="王家村党支部"),
    lambda c: member_update(user=None, member=Member.objects.get(person=c.people["wangwu"]), no_post_class="poor"),
])
def test_an_update_that_changes_nothing_records_nothing(county, noop):
    last = ChangeRecord.objects.latest("id").pk
    noop(county)
    assert not ChangeRecord.objects.filter(pk__gt=last).exists()


def test_history_comes_newest_first(county):
    person = county.people["wangwu"]
    for phone in ("13900000001", "13900000002", "13900000003"):
        person_update(user=None, person=person, phone=phone)
    history = list(history_for(person))
    assert [r.after.get("phone") for r in history[:3]] == ["13900000003", "13900000002", "13900000001"]
    assert history[-1].action == "create"
    assert [r.pk for r in history] == sorted((r.pk for r in history), reverse=True)


def test_history_is_about_one_object_only(county):
    assert {r.object_id for r in history_for(county.people["wangwu"])} == {county.people["wangwu"].pk}


def test_a_refused_service_records_nothing(county, users):
    last = ChangeRecord.objects.latest("id").pk
    with pytest.raises(ValidationError):
        person_create(user=None, organization=county.village_a1, name="错号", id_number=WRONG_ID)
    with pytest.raises(PermissionDenied):
        person_update(user=users["township_a"], person=county.people["wangwu"], phone="13911112222")
    assert not ChangeRecord.objects.filter(pk__gt=last).exists()


def test_a_service_failing_halfway_leaves_neither_changes_nor_records(county, users):
    general = org_create(user=None, parent=county.township_a, code="G", name="总支", org_type="general_branch")
    group = org_create(user=None, parent=general, code="G1", name="小组", org_type="group")
    branch = org_create(user=None, parent=general, code="G2", name="支部", org_type="branch")
    last = ChangeRecord.objects.latest("id").pk
    # the group moves under the target first; the branch cannot sit under a branch, so the whole merge fails
    with pytest.raises(ValidationError):
        org_merge(user=users["county"], source=general, target=county.village_b1)
    assert not ChangeRecord.objects.filter(pk__gt=last).exists()
    group.refresh_from_db()
    branch.refresh_from_db()
    assert group.parent_id == general.pk and branch.parent_id == general.pk
    assert Organization.objects.get(pk=general.pk).status == "active"
    assert not Post.objects.exists()

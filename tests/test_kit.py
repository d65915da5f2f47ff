"""The test kit itself: the factories build through the services, and the scoped-view helper applied to a page and
an endpoint of the people registry."""
import datetime

import pytest

from engines.duties.models import DutyRule
from engines.standards.models import Standard
from engines.workflows.models import Workflow
from kernel.orgs.models import Organization
from kernel.people.models import Member, Post
from tests.factories import (
    DutyRuleFactory,
    MemberFactory,
    OrganizationFactory,
    PostFactory,
    StandardFactory,
    UserFactory,
    WorkflowFactory,
)
from tests.kit import county_built_once, scoped_view_tests

pytestmark = pytest.mark.django_db

# The county is built once for the module: every test here leaves it as it found it.
county, users = county_built_once()


def test_registry_factories_go_through_the_services(county):
    branch = OrganizationFactory(parent=county.township_a)
    assert branch.path.startswith(county.township_a.path) and branch.depth == county.township_a.depth + 1
    member = MemberFactory(person__organization=branch)
    assert member.org_path == branch.path and member.person.stage == "member"
    post = PostFactory(person=member.person, started_on=datetime.date(2022, 1, 1))
    assert post.organization == branch and Post.objects.current().filter(pk=post.pk).exists()
    assert Member.objects.get(pk=member.pk).holds_post
    assert Organization.objects.get(pk=branch.pk).member_count == 1
    assert Organization.objects.get(pk=county.township_a.pk).subtree_member_count == 2 + 1 + 1  # A1, A2, this one


def test_a_user_factory_with_a_grant_can_log_in(county, client):
    user = UserFactory(grant__role="township_admin", grant__organization=county.township_a)
    assert [(g.role, g.organization_id) for g in user.grants.all()] == [("township_admin", county.township_a.pk)]
    assert client.login(username=user.username, password="pass-Word-123")
    assert not UserFactory().grants.exists()


def test_engine_factories_answer_a_definition_with_its_current_version(county):
    standard = StandardFactory(owner=county.county)
    rule = DutyRuleFactory(owner=county.county, document={"cadence": "yearly"})
    workflow = WorkflowFactory(owner=county.county)
    assert isinstance(standard, Standard) and standard.versions.count() == 1
    assert isinstance(rule, DutyRule) and rule.versions.get().cadence == "yearly"
    assert isinstance(workflow, Workflow) and workflow.versions.count() == 1
    assert StandardFactory(owner=county.county).code != standard.code


def _zhangsan(county):
    return county.people["zhangsan"].pk


# The person page and the person endpoint, each with the five scope cases.
test_person_page_scope = scoped_view_tests(
    url=lambda county: f"/people/{_zhangsan(county)}/", organization=lambda county: county.township_a,
    write={"method": "post", "url": lambda county: f"/people/{_zhangsan(county)}/edit/", "data": {"name": "改名"}})

test_person_endpoint_scope = scoped_view_tests(
    url=lambda county: f"/api/people/{_zhangsan(county)}", organization=lambda county: county.township_a,
    write={"method": "patch", "url": lambda county: f"/api/people/{_zhangsan(county)}", "data": {"phone": "13900000000"}})

# A list: the members page shows the own township's members and hides them from the sibling and from no grants.
test_member_list_scope = scoped_view_tests(
    url="/people/members/", organization=lambda county: county.township_a, hidden="陳小紅")

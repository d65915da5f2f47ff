"""The organization tree: paths, subtree queries, moves, merges, dissolutions and counters."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kernel.core.models import ChangeRecord
from kernel.core.tree import subtree_bounds
from kernel.orgs.models import Organization
from kernel.orgs.services import org_create, org_move, org_update
from kernel.people.counters import recount
from kernel.people.models import Member, Person
from kernel.people.restructure import org_dissolve, org_merge
from tests.kit import county_built_once

county, users = county_built_once()


def counters(org):
    org.refresh_from_db()
    return org.member_count, org.subtree_member_count, org.subtree_org_count, org.child_count


def test_subtree_is_one_range_query(county):
    lo, hi = subtree_bounds(county.township_a.path)
    with CaptureQueriesContext(connection) as ctx:
        codes = list(Organization.objects.filter(path__gte=lo, path__lt=hi).values_list("code", flat=True))
    assert sorted(codes) == ["A1", "A2", "TA"]
    assert len(ctx.captured_queries) == 1


def test_counters_follow_creation(county):
    assert counters(county.county) == (0, 4, 6, 2)
    assert counters(county.township_a) == (0, 3, 3, 2)
    assert counters(county.village_a1) == (2, 2, 1, 0)


def test_move_rewrites_paths_of_subtree_people_and_history(county, users):
    org_move(user=users["county"], org=county.village_a1, new_parent=county.township_b)
    county.village_a1.refresh_from_db()
    assert county.village_a1.parent_id == county.township_b.pk
    assert county.village_a1.path.startswith(county.township_b.path)
    assert set(Person.objects.filter(organization=county.village_a1).values_list("org_path", flat=True)) == {
        county.village_a1.path}
    assert set(Member.objects.filter(person__organization=county.village_a1).values_list("org_path", flat=True)) == {
        county.village_a1.path}
    assert counters(county.township_a) == (0, 1, 2, 1)
    assert counters(county.township_b) == (0, 3, 3, 2)
    assert ChangeRecord.objects.filter(action="move", object_id=county.village_a1.pk).exists()
    # the counters the services keep equal the ones rebuilt from scratch
    snapshot = {o.pk: counters(o) for o in Organization.objects.all()}
    recount()
    assert {o.pk: counters(o) for o in Organization.objects.all()} == snapshot


def test_move_under_own_subtree_is_refused(county, users):
    with pytest.raises(ValidationError):
        org_move(user=users["county"], org=county.township_a, new_parent=county.village_a1)


def test_township_admin_cannot_move_into_sibling_township(county, users):
    with pytest.raises(PermissionDenied):
        org_move(user=users["township_a"], org=county.village_a1, new_parent=county.township_b)
    county.village_a1.refresh_from_db()
    assert county.village_a1.parent_id == county.township_a.pk


def test_merge_keeps_the_merged_village_findable(county, users):
    org_merge(user=users["township_a"], source=county.village_a2, target=county.village_a1,
              on=datetime.date(2024, 3, 1))
    county.village_a2.refresh_from_db()
    assert county.village_a2.status == "merged"
    assert county.village_a2.merged_into_id == county.village_a1.pk
    assert Organization.objects.filter(code="A2").exists()
    assert county.people["lisi"].__class__.objects.get(pk=county.people["lisi"].pk).organization_id == county.village_a1.pk
    assert counters(county.village_a1)[:2] == (3, 3)
    assert counters(county.township_a) == (0, 3, 2, 1)


def test_dissolve_requires_an_empty_organization(county, users):
    with pytest.raises(ValidationError):
        org_dissolve(user=users["county"], org=county.village_b1)
    empty = org_create(user=users["county"], parent=county.township_b, code="B9", name="空支部", org_type="branch",
                       domain="rural")
    org_dissolve(user=users["county"], org=empty, reason="撤销")
    empty.refresh_from_db()
    assert empty.status == "dissolved"
    assert counters(county.township_b) == (0, 1, 2, 1)


def test_placement_rules(county, users):
    with pytest.raises(ValidationError):
        org_create(user=users["county"], parent=county.village_a1, code="X", name="x", org_type="party_committee")
    with pytest.raises(ValidationError):
        org_create(user=users["county"], parent=county.township_a, code="A1", name="dup", org_type="branch")


def test_a_type_change_must_still_fit_the_sub_organizations(county, users):
    with pytest.raises(ValidationError) as exc:
        org_update(user=users["county"], org=county.township_a, org_type="branch")  # its villages are branches
    assert "org_type" in exc.value.message_dict
    county.township_a.refresh_from_db()
    assert county.township_a.org_type == "party_committee"
    org_update(user=users["county"], org=county.township_a, org_type="general_branch")  # branches fit under it
    county.township_a.refresh_from_db()
    assert county.township_a.org_type == "general_branch"


def test_a_type_change_must_fit_the_parent(county, users):
    with pytest.raises(ValidationError):
        org_update(user=users["county"], org=county.village_a1, org_type="group")  # a group under a committee
    org_update(user=users["county"], org=county.village_a1, name="陈家村党支部", short_name="陈家村")
    county.village_a1.refresh_from_db()
    assert (county.village_a1.name_search, county.village_a1.name_initials) == ("陈家村党支部", "cjcdzb")


def test_every_copy_of_a_path_follows_a_move(county, users):
    from django.contrib.contenttypes.models import ContentType

    from kernel.core.models import SensitiveAccess

    zhangsan = county.people["zhangsan"]
    SensitiveAccess.objects.create(user=users["county"], request_id="r", object_id=zhangsan.pk, fields="id_number",
                                   content_type=ContentType.objects.get_for_model(zhangsan),
                                   org_path=zhangsan.org_path, where="/people/")
    org_move(user=users["county"], org=county.village_a1, new_parent=county.township_b)
    county.village_a1.refresh_from_db()
    assert SensitiveAccess.objects.get().org_path == county.village_a1.path
    assert not SensitiveAccess.objects.restrict(users["township_a"]).exists()
    assert SensitiveAccess.objects.restrict(users["township_b"]).exists()

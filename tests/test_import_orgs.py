"""Organization import: codes match, parents may come from the registry or the same file, scope holds."""
import datetime

import pytest

from kernel.core.models import ChangeRecord
from kernel.orgs.models import Organization
from tests.import_files import filled_template, xlsx
from tests.kit import county_built_once
from tools.dataio.orgs import import_orgs

county, users = county_built_once()

pytestmark = pytest.mark.django_db


def org_row(code, name, parent, org_type="党支部", **changes):
    row = {"组织代码": code, "名称": name, "简称": "", "组织类别": org_type, "所属领域": "农村", "上级组织代码": parent,
           "成立日期": "2001-07-01", "地点": ""}
    row.update(changes)
    return row


def test_a_filled_in_template_imports_with_parents_later_in_the_file(county, users):
    upload = filled_template("orgs", [
        ["G1", "张家村党支部第一党小组", "", "党小组", "农村", "Z1", "2010-01-01", ""],
        ["Z1", "张家村党支部", "张家村", "党支部", "农村", "TA", "2001年7月", "张家村"],
    ])
    plan = import_orgs(upload, "t.xlsx", user=users["township_a"])
    assert plan.ok, plan.error_dicts()
    branch = Organization.objects.get(code="Z1")
    group = Organization.objects.get(code="G1")
    assert (branch.parent, branch.founded_on, branch.short_name, branch.domain) == (
        county.township_a, datetime.date(2001, 7, 1), "张家村", "rural")
    assert group.parent == branch and group.org_type == "group"
    assert Organization.objects.get(pk=county.township_a.pk).child_count == 3


def test_reimport_is_a_no_op_and_an_edit_updates_only_that_row(county, users):
    rows = [org_row("Z1", "张家村党支部", "TA"), org_row("Z2", "赵家村党支部", "TA")]
    assert import_orgs(xlsx(rows), user=users["township_a"]).counts["created"] == 2
    records = ChangeRecord.objects.count()
    assert import_orgs(xlsx(rows), user=users["township_a"]).counts == {"created": 0, "updated": 0, "unchanged": 2}
    assert ChangeRecord.objects.count() == records
    rows[1]["名称"] = "赵家新村党支部"
    plan = import_orgs(xlsx(rows), user=users["township_a"])
    assert plan.counts == {"created": 0, "updated": 1, "unchanged": 1}
    record = ChangeRecord.objects.latest("id")
    assert (record.before["name"], record.after["name"]) == ("赵家村党支部", "赵家新村党支部")
    assert ChangeRecord.objects.count() == records + 1


def test_scope_placement_and_moves_are_row_errors_and_nothing_is_written(county, users):
    rows = [
        org_row("Z1", "张家村党支部", "TA"),
        org_row("Z2", "外乡党支部", "TB"),  # township B
        org_row("Z3", "党委下的党委", "A1", org_type="党委"),  # a party committee under a branch
        org_row("A2", "李家村党支部", "TB"),  # an existing branch given another parent
        org_row("Z1", "重复", "TA"),
    ]
    before = Organization.objects.count()
    plan = import_orgs(xlsx(rows), user=users["township_a"])
    assert Organization.objects.count() == before
    assert [(e["row"], e["column"]) for e in plan.error_dicts()] == [
        (3, "上级组织代码"), (4, "组织类别"), (5, "上级组织代码"), (6, "组织代码")]


def test_only_the_system_may_add_top_level_organizations(county, users):
    rows = [org_row("P1", "某县委", "", org_type="县委")]
    assert not import_orgs(xlsx(rows), user=users["county"]).ok
    assert import_orgs(xlsx(rows), user=None).ok
    assert Organization.objects.get(code="P1").parent is None

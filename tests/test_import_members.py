"""Member import: what a county administrator relies on when moving a ledger in."""
import datetime

import pytest
from django.contrib.contenttypes.models import ContentType

from kernel.core.models import ChangeRecord
from kernel.orgs.models import Organization
from kernel.people.counters import recount
from kernel.people.models import Member, Person, Post
from tests.import_files import csv_file, filled_template, id_number, member_row, read_back, xlsx
from tests.kit import county_built_once
from tools.dataio.members import import_members
from tools.dataio.services import errors_file

county, users = county_built_once()

pytestmark = pytest.mark.django_db


def registry():
    return (Person.objects.count(), Member.objects.count(), Post.objects.count(), ChangeRecord.objects.count())


def counters():
    return list(Organization.objects.order_by("path").values_list("code", "member_count", "subtree_member_count"))


def test_a_filled_in_template_imports(county, users):
    number = id_number(1, birth=datetime.date(1980, 1, 1))
    upload = filled_template("members", [
        ["赵一", "男", "汉族", "1980-01-01", number, "高中", "农牧渔民", "13800001111", "A1", "正式党员",
         "2003-03-01", "2005-07-01", "2006-07-01", "正常", "", "党支部书记;村委会主任", "2021-01-01"],
    ])
    plan = import_members(upload, "template.xlsx", user=users["township_a"])
    assert plan.ok, plan.error_dicts()
    assert plan.counts == {"created": 1, "updated": 0, "unchanged": 0}
    person = Person.objects.get(id_number=number)
    assert (person.name, person.organization, person.stage, person.occupation) == ("赵一", county.village_a1,
                                                                                 "member", "farmer")
    member = person.membership
    assert (member.category, member.joined_on, member.full_on, member.holds_post) == (
        "full", datetime.date(2005, 7, 1), datetime.date(2006, 7, 1), True)
    assert sorted(Post.objects.filter(person=person).values_list("title", "started_on", "organization")) == [
        ("secretary", datetime.date(2021, 1, 1), county.village_a1.pk),
        ("village_director", datetime.date(2021, 1, 1), county.village_a1.pk)]
    assert person.name_initials == "zy"


def test_counters_follow_the_import_exactly_as_a_recount_would(county, users):
    rows = [member_row(i, org="A1" if i % 2 else "A2") for i in range(30)]
    rows[3]["党员状态"] = "已去世"
    assert import_members(xlsx(rows), user=users["township_a"]).ok
    imported = counters()
    recount()
    assert counters() == imported
    assert Organization.objects.get(code="A1").member_count == 2 + 15 - 1  # the deceased one does not count


def test_three_bad_rows_among_a_thousand_write_nothing_and_are_reported_exactly(county, users):
    rows = [member_row(i) for i in range(1000)]
    rows[10]["公民身份号码"] = rows[10]["公民身份号码"][:-1] + ("0" if rows[10]["公民身份号码"][-1] != "0" else "1")
    rows[500]["入党日期"] = "2007-01-01"  # before the application (2008-03-01)
    rows[998]["党员类别"] = "积极分子"
    before = registry()
    plan = import_members(xlsx(rows), user=users["township_a"])
    assert registry() == before
    assert [(e["row"], e["column"]) for e in plan.error_dicts()] == [
        (12, "公民身份号码"), (502, "入党日期"), (1000, "党员类别")]
    assert all(e["message"] for e in plan.error_dicts())
    assert "校验" in plan.error_dicts()[0]["message"]


def test_errors_are_in_chinese_by_default(county, users):
    rows = [member_row(1, 入党日期="不知道")]
    (error,) = import_members(xlsx(rows), user=users["township_a"]).error_dicts()
    assert "不知道" in error["message"] and "日期" in error["message"]


def test_reimporting_the_same_file_changes_nothing(county, users):
    rows = [member_row(i) for i in range(50)]
    rows[0].update(职务="党支部书记;村委会主任", 任职日期="2021-01-01")
    assert import_members(xlsx(rows), user=users["township_a"]).counts["created"] == 50
    before = registry()
    plan = import_members(xlsx(rows), user=users["township_a"])
    assert plan.counts == {"created": 0, "updated": 0, "unchanged": 50}
    assert registry() == before


def test_an_edited_file_updates_only_the_edited_rows_and_logs_before_and_after(county, users):
    rows = [member_row(i) for i in range(20)]
    assert import_members(xlsx(rows), user=users["township_a"]).ok
    last_record = ChangeRecord.objects.order_by("-id").first().pk
    rows[4]["联系电话"] = "13912345678"
    rows[7]["所在党组织代码"] = "A2"
    rows[9]["职务"] = "党支部副书记"
    plan = import_members(xlsx(rows), user=users["township_a"])
    assert plan.counts == {"created": 0, "updated": 3, "unchanged": 17}
    assert [(s["row"], s["fields"]) for s in plan.samples["updated"]] == [
        (6, ["联系电话"]), (9, ["所在党组织代码"]), (11, ["职务"])]
    records = ChangeRecord.objects.filter(pk__gt=last_record)
    person_type = ContentType.objects.get_for_model(Person)
    changes = {(r.object_repr, r.content_type_id == person_type.pk): (r.before, r.after, r.action) for r in records}
    phone_person = Person.objects.get(id_number=rows[4]["公民身份号码"])
    assert changes[(phone_person.name, True)] == (
        {"phone": rows[4]["公民身份号码"] and "13900000004"}, {"phone": "13912345678"}, "update")
    moved = Person.objects.get(id_number=rows[7]["公民身份号码"])
    assert moved.organization == county.village_a2 and moved.membership.org_path == county.village_a2.path
    assert Post.objects.get(person__id_number=rows[9]["公民身份号码"]).title == "deputy_secretary"
    assert {r.source for r in records} == {"system"}
    assert records.filter(action="update", content_type=person_type).count() == 2
    # two people; two memberships (one's path, the other's 任职); one post
    assert records.count() == 2 + 2 + 1


def test_a_blank_posts_cell_ends_the_posts_the_file_no_longer_lists(county, users):
    rows = [member_row(1, 职务="党支部书记", 任职日期="2020-01-01")]
    import_members(xlsx(rows), user=users["township_a"])
    rows[0]["职务"] = ""
    plan = import_members(xlsx(rows), user=users["township_a"])
    assert plan.counts["updated"] == 1
    post = Post.objects.get()
    assert post.ended_on == datetime.date.today()
    assert not post.person.membership.holds_post


def test_header_variants_and_date_spellings(county, users):
    header = ["姓名", "身份证号", "党组织代码", "党员类别", "申请入党时间", "入党时间", "转正时间", "出生年月"]
    values = [
        ("甲", "2005/6/1", "2007.06", "2008年6月1日", "1985年3月"),
        ("乙", datetime.datetime(2005, 6, 1), datetime.date(2007, 6, 1), 39600, "1985-03-01"),
    ]
    rows = []
    for n, (name, applied, joined, full, _born) in enumerate(values):
        rows.append({"姓名": name, "身份证号": id_number(n), "党组织代码": "A1", "党员类别": "full",
                     "申请入党时间": applied, "入党时间": joined, "转正时间": full})
    plan = import_members(xlsx(rows, header=header[:-1]), user=users["township_a"])
    assert plan.ok, plan.error_dicts()
    first, second = (Member.objects.get(person__name=n) for n in ("甲", "乙"))
    assert (first.applied_on, first.joined_on, first.full_on) == (
        datetime.date(2005, 6, 1), datetime.date(2007, 6, 1), datetime.date(2008, 6, 1))
    assert (second.applied_on, second.joined_on, second.full_on) == (
        datetime.date(2005, 6, 1), datetime.date(2007, 6, 1), datetime.date(2008, 6, 1))
    assert first.person.birth_date == datetime.date(1985, 3, 1) and first.person.gender == "male"


def test_enumerations_as_chinese_labels_or_english_codes(county, users):
    rows = [member_row(1, 性别="male", 学历="大学本科", 职业="worker", 党员类别="probationary", 转正日期="",
                       无职党员类别="外出", 民族="回族"),
            member_row(2, 学历="university", 职业="工人", 无职党员类别="migrant", 民族="03")]
    assert import_members(xlsx(rows), user=users["township_a"]).ok
    one, two = (Person.objects.get(id_number=r["公民身份号码"]) for r in rows)
    assert (one.education, one.occupation, one.ethnicity, one.membership.category, one.membership.no_post_class) == (
        "university", "worker", "03", "probationary", "migrant")
    assert (two.education, two.occupation, two.ethnicity, two.membership.no_post_class) == (
        "university", "worker", "03", "migrant")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_in_the_encodings_excel_saves(county, users, encoding):
    rows = [member_row(i, 姓名=f"陈{i}") for i in range(3)]
    plan = import_members(csv_file(rows, encoding), "members.csv", user=users["township_a"])
    assert plan.ok, plan.error_dicts()
    assert sorted(Person.objects.filter(name__startswith="陈").values_list("name", flat=True)) == ["陈0", "陈1", "陈2"]


def test_a_township_a_user_cannot_import_into_township_b(county, users):
    rows = [member_row(1), member_row(2, org="B1"), member_row(3)]
    before = registry()
    plan = import_members(xlsx(rows), user=users["township_a"])
    assert registry() == before
    assert [(e["row"], e["column"]) for e in plan.error_dicts()] == [(3, "所在党组织代码")]
    # the same message as for a code that does not exist: nothing is learnt about township B
    missing = import_members(xlsx([member_row(2, org="NOPE")]), user=users["township_a"]).error_dicts()[0]
    assert missing["message"] == plan.error_dicts()[0]["message"].replace("B1", "NOPE")


def test_a_person_kept_in_township_b_cannot_be_pulled_over_by_id_number(county, users):
    wangwu = county.people["wangwu"]
    row = member_row(1, 公民身份号码=wangwu.id_number, 出生日期=wangwu.birth_date.isoformat())
    before = registry()
    plan = import_members(xlsx([row]), user=users["township_a"])
    assert registry() == before
    assert [(e["row"], e["column"], e["code"]) for e in plan.error_dicts()] == [(2, "公民身份号码", "scope")]
    assert Person.objects.get(pk=wangwu.pk).organization == county.village_b1


def test_read_only_roles_import_nothing(county, users):
    plan = import_members(xlsx([member_row(1)]), user=users["inspector"])
    assert not plan.ok and Person.objects.filter(name="导入1").count() == 0


def test_duplicates_within_the_file_are_errors(county, users):
    rows = [member_row(1), member_row(2), member_row(1)]
    plan = import_members(xlsx(rows), user=users["township_a"])
    assert [(e["row"], e["column"], e["code"]) for e in plan.error_dicts()] == [(4, "公民身份号码", "duplicate")]


def test_missing_required_columns_are_reported_on_the_header_row(county, users):
    plan = import_members(xlsx([{"姓名": "张"}]), user=users["township_a"])
    columns = {e["column"] for e in plan.error_dicts() if e["row"] == 1}
    assert {"公民身份号码", "所在党组织代码", "党员类别", "入党日期"} <= columns


def test_the_error_workbook_marks_the_bad_cells(county, users):
    rows = [member_row(i) for i in range(5)]
    rows[2]["入党日期"] = "someday"
    rows[4]["所在党组织代码"] = "B1"
    upload = xlsx(rows)
    plan = import_members(upload, user=users["township_a"])
    sheet = read_back(errors_file(upload, "import.xlsx", plan))
    header = [cell.value for cell in sheet[1]]
    joined, org, errors = header.index("入党日期") + 1, header.index("所在党组织代码") + 1, len(header)
    assert sheet.cell(row=4, column=joined).fill.fgColor.rgb.endswith("FFC7CE")
    assert "someday" in sheet.cell(row=4, column=joined).comment.text
    assert sheet.cell(row=6, column=org).fill.fgColor.rgb.endswith("FFC7CE")
    assert sheet.cell(row=3, column=joined).fill.fgColor.rgb in ("00000000", None)
    assert "入党日期" in sheet.cell(row=4, column=errors).value
    assert sheet.cell(row=3, column=errors).value is None


def test_the_error_workbook_of_a_csv_upload(county, users):
    rows = [member_row(1), member_row(2, 党员类别="积极分子")]
    upload = csv_file(rows, "gb18030")
    plan = import_members(upload, "m.csv", user=users["township_a"])
    sheet = read_back(errors_file(upload, "m.csv", plan))
    column = [cell.value for cell in sheet[1]].index("党员类别") + 1
    assert sheet.cell(row=3, column=column).value == "积极分子"
    assert sheet.cell(row=3, column=column).comment is not None


def test_a_dry_run_plans_without_writing(county, users):
    before = registry()
    plan = import_members(xlsx([member_row(1), member_row(2)]), user=users["township_a"], dry_run=True)
    assert plan.ok and plan.counts["created"] == 2 and registry() == before

"""The set-based member import on PostgreSQL gives exactly what the row-by-row importer gives."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kernel.core import idcard
from kernel.core.models import ChangeRecord
from kernel.orgs.models import Organization, OrgStat
from kernel.people.models import Member, Person, Post
from kernel.people.services import person_create
from tests.import_files import csv_file, member_row, xlsx
from tools.dataio import bulk
from tools.dataio.members import MemberImport, import_members

pytestmark = pytest.mark.django_db


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("the set-based import runs on PostgreSQL")


def files(county):
    """A first file, the same file again, and an edited one touching people the registry already had."""
    person_create(user=None, organization=county.village_a2, name="赵无党", id_number=member_row(90)["公民身份号码"])
    first = [member_row(i, org="A1" if i % 3 else "A2") for i in range(30)]
    first[3].update(党员状态="已去世")
    first[4].update(党员类别="预备党员", 转正日期="")
    first[5].update(民族="", 学历="", 联系电话="", 申请入党日期="")
    lisi = county.people["lisi"]
    edited = [dict(row) for row in first]
    edited[1].update(联系电话="13912345678")
    edited[2].update(所在党组织代码="A2")
    edited[6].update(党员状态="已去世", 姓名="导入六改")
    edited[7].update(无职党员类别="")  # blank: kept as it is
    edited.append(member_row(90, org="A2"))  # a person without a membership
    edited.append(member_row(91, org="A1", 公民身份号码=lisi.id_number, 姓名="李四", 出生日期="",
                             性别="", 申请入党日期="1973-03-01", 转正日期="1975-07-01", 入党日期="1974-07-01"))
    return [csv_file(first), csv_file(first), xlsx(edited), xlsx(edited)]


def snapshot(plans):
    numbers = dict(Person.objects.values_list("id", "id_number"))
    member_numbers = dict(Member.objects.values_list("id", "person__id_number"))
    people = sorted(tuple((k, v) for k, v in row.items() if k not in ("id", "created_at", "updated_at"))
                    for row in Person.objects.values())
    members = sorted((member_numbers[row["id"]], *((k, v) for k, v in row.items()
                                                   if k not in ("id", "person_id", "created_at", "updated_at")))
                     for row in Member.objects.values())
    records = []
    for record in ChangeRecord.objects.select_related("content_type").order_by("id"):
        model = record.content_type.model
        if model not in ("person", "member"):
            continue
        key = (numbers if model == "person" else member_numbers)[record.object_id]
        strip = lambda d: d and {k: v for k, v in d.items() if k not in ("id", "person")}  # noqa: E731
        records.append((model, key, record.action, record.object_repr, record.org_path, record.source,
                        record.user_id, strip(record.before), strip(record.after)))
    counters = list(Organization.objects.order_by("path").values_list("code", "member_count", "subtree_member_count"))
    stats = sorted(OrgStat.objects.values_list("organization__code", "dimension", "value", "direct", "subtree"))
    return {"plans": [p.summary() for p in plans], "people": people, "members": members,
            "records": sorted(records, key=repr), "counters": counters, "stats": stats, "posts": Post.objects.count()}


def run(county, users, monkeypatch, *, set_based: bool):
    used = []
    original = bulk.prepare

    def spy(*args, **kwargs):
        plan = original(*args, **kwargs) if set_based else None
        used.append(plan is not None)
        return plan

    monkeypatch.setattr(bulk, "prepare", spy)
    with transaction.atomic():
        uploads = files(county)
        plans = [import_members(uploads[0], "a.csv", user=users["county"]),
                 import_members(uploads[1], "a.csv", user=users["county"]),
                 import_members(uploads[2], "b.xlsx", user=users["county"], dry_run=True),
                 import_members(uploads[3], "b.xlsx", user=users["county"])]
        result = snapshot(plans)
        transaction.set_rollback(True)
    monkeypatch.setattr(bulk, "prepare", original)
    return result, used


def test_set_based_import_matches_the_row_by_row_one(county, users, monkeypatch, postgresql):
    set_based, used = run(county, users, monkeypatch, set_based=True)
    assert used == [True, True, True, True]
    row_by_row, _used = run(county, users, monkeypatch, set_based=False)
    assert [p["counts"] for p in set_based["plans"]] == [
        {"created": 30, "updated": 0, "unchanged": 0}, {"created": 0, "updated": 0, "unchanged": 30},
        {"created": 0, "updated": 5, "unchanged": 27}, {"created": 0, "updated": 5, "unchanged": 27}]
    for key in row_by_row:
        assert set_based[key] == row_by_row[key], key


def test_a_file_it_cannot_take_goes_row_by_row_and_its_errors_are_reported(county, users):
    rows = [member_row(i) for i in range(40)]
    rows[7]["入党日期"] = "2010年7月1日"  # a spelling only the row-by-row reader takes
    assert import_members(csv_file(rows), "a.csv", user=users["township_a"]).counts["created"] == 40
    rows = [member_row(i) for i in range(100, 140)]
    rows[5]["公民身份号码"] = rows[5]["公民身份号码"][:-1] + ("1" if rows[5]["公民身份号码"][-1] != "1" else "2")
    rows[9]["所在党组织代码"] = "B1"  # outside township A
    before = Person.objects.count(), ChangeRecord.objects.count()
    plan = import_members(csv_file(rows), "a.csv", user=users["township_a"])
    assert [(e["row"], e["column"]) for e in plan.error_dicts()] == [(7, "公民身份号码"), (11, "所在党组织代码")]
    assert (Person.objects.count(), ChangeRecord.objects.count()) == before


def test_a_date_the_database_refuses_is_reported_like_any_other(county, users):
    rows = [member_row(i) for i in range(10)]
    rows[3]["入党日期"] = "2010-02-30"
    plan = import_members(csv_file(rows), "a.csv", user=users["township_a"])
    assert [(e["row"], e["column"], e["code"]) for e in plan.error_dicts()] == [(5, "入党日期", "date")]
    assert not Person.objects.filter(name__startswith="导入").exists()
    rows[3]["入党日期"] = "2010-02-28"
    assert import_members(csv_file(rows), "a.csv", user=users["township_a"]).counts["created"] == 10


def id_numbers():
    """Valid numbers, and numbers with a wrong check character, a changed region or order digit (which the
    check character then catches), a lower-case x, or the wrong length: never a date that is not one (the
    database refuses those in make_date, and the file then goes row by row)."""
    valid = st.builds(idcard.make, st.sampled_from(["110101", "430581", "632821"]),
                      st.dates(datetime.date(1930, 1, 1), datetime.date(2005, 12, 31)),
                      st.integers(0, 499), st.sampled_from(["male", "female"]))

    def spoil(number, how, position, char):
        if how == "digit":
            position = [0, 1, 2, 3, 4, 5, 14, 15, 16][position % 9]
            return number[:position] + char + number[position + 1:]
        if how == "check":
            return number[:17] + ("X" if char == "0" else char)
        if how == "lower":
            return number[:17] + number[17].lower()
        return number[:17] if how == "short" else number

    return st.builds(spoil, valid, st.sampled_from(["none", "none", "digit", "check", "lower", "short"]),
                     st.integers(0, 8), st.sampled_from("0123456789"))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(numbers=st.lists(id_numbers(), min_size=1, max_size=40))
def test_the_databases_id_checks_agree_with_the_registrys(postgresql, numbers):
    """The set-based import checks ID numbers in SQL (format, check character, birth date, gender) the way
    kernel.core.idcard checks them one by one."""
    importer = bulk.BulkImport(MemberImport(user=None))
    importer.present = ["id_number"]
    with transaction.atomic(), connection.cursor() as cursor:
        importer.cursor = cursor
        cursor.execute(f"DROP TABLE IF EXISTS {bulk.TEMP_TABLES}")
        cursor.execute("CREATE TEMP TABLE import_raw (row_number integer, id_number text)")
        for row, number in enumerate(numbers, start=2):
            cursor.execute("INSERT INTO import_raw VALUES (%s, %s)", [row, number])
        try:
            importer.check_cells()
        except bulk.Unsuitable:
            pass  # every row here lacks a name and a date of joining: what matters is what was worked out
        cursor.execute("SELECT row_number, id_checks, id_birth, id_gender FROM import_typed ORDER BY row_number")
        found = {row: (checks, birth, gender) for row, checks, birth, gender in cursor.fetchall()}
        transaction.set_rollback(True)
    for row, number in enumerate(numbers, start=2):
        checks, birth, gender = found[row]
        try:
            expected = idcard.parse(number)
        except ValidationError:
            assert checks is not True, number
        else:
            assert (checks, birth, gender) == (True, *expected), number

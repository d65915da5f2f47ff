"""Organization-life lists over the API come in pages ({"items", "count"}) within the caller's scope, and a
training class is edited with the page's rules."""
import datetime
import json

import pytest

from mechanisms.orglife.models import TrainingClass
from mechanisms.orglife.services import class_save, participants_set, plan_create
from tests.kit import county_built_once, make_member

from .conftest import record

county, users = county_built_once()

D = datetime.date
TODAY = D.today()


def patch(client, url, body):
    return client.patch(url, json.dumps(body, default=str), content_type="application/json")


def make_class(plan, title, start, days=1, **fields):
    return class_save(user=None, plan=plan, title=title, level=fields.pop("level", "township"), domain="rural",
                      start_on=start, end_on=start + datetime.timedelta(days=days - 1), hours=6, **fields)


@pytest.fixture
def training(county):
    """Three 2025 plans of township A and one of 2024; one 2025 plan of township B; classes of each."""
    plans_a = [plan_create(user=None, organizer=county.township_a, year=2025, title=f"甲镇培训计划{n}")
               for n in (1, 2, 3)]
    old_a = plan_create(user=None, organizer=county.township_a, year=2024, title="甲镇2024年计划")
    plan_b = plan_create(user=None, organizer=county.township_b, year=2025, title="乙镇培训计划")
    classes_a = [make_class(plans_a[0], f"甲镇班{n}", D(2025, n, 1)) for n in (3, 4, 5)]
    class_b = make_class(plan_b, "乙镇班", D(2025, 3, 1))
    return {"plans_a": plans_a, "old_a": old_a, "plan_b": plan_b, "classes_a": classes_a, "class_b": class_b}


def test_plans_page_filters_by_year_and_subtree_within_scope(client, users, county, training):
    client.force_login(users["township_a"])
    body = client.get("/api/orglife/training/plans", {"year": 2025, "limit": 2}).json()
    assert body["count"] == 3 and len(body["items"]) == 2
    assert {p["organizer"]["id"] for p in body["items"]} == {county.township_a.pk}
    rest = client.get("/api/orglife/training/plans", {"year": 2025, "limit": 2, "offset": 2}).json()
    assert [p["title"] for p in rest["items"]] == ["甲镇培训计划3"]
    assert client.get("/api/orglife/training/plans").json()["count"] == 4  # every year, none of township B's
    assert client.get("/api/orglife/training/plans", {"under": county.township_b.pk}).status_code == 404
    client.force_login(users["county"])
    under_b = client.get("/api/orglife/training/plans", {"under": county.township_b.pk}).json()
    assert [p["title"] for p in under_b["items"]] == ["乙镇培训计划"] and under_b["count"] == 1


def test_classes_page_keeps_its_filters_and_scope(client, users, county, training):
    client.force_login(users["township_a"])
    body = client.get("/api/orglife/training/classes", {"limit": 2}).json()
    assert body["count"] == 3 and [c["title"] for c in body["items"]] == ["甲镇班3", "甲镇班4"]
    assert client.get("/api/orglife/training/classes", {"year": 2024}).json() == {
        "count": 0, "count_exact": True, "limit": 50, "offset": 0, "items": []}
    assert client.get("/api/orglife/training/classes", {"level": "county"}).json()["count"] == 0
    assert client.get("/api/orglife/training/classes", {"under": county.township_b.pk}).status_code == 404
    client.force_login(users["township_b"])
    assert [c["title"] for c in client.get("/api/orglife/training/classes").json()["items"]] == ["乙镇班"]


def test_participants_and_archive_are_paged_and_scoped(client, users, county):
    plan = plan_create(user=None, organizer=county.county, year=2025, title="县级计划")
    zhang, chen, wang = county.people["zhangsan"], county.people["chen"], county.people["wangwu"]
    classes = [make_class(plan, f"县级班{n}", D(2025, n, 1), days=2, level="county") for n in (3, 4, 5)]
    for training_class in classes:
        participants_set(user=None, training_class=training_class, rows=[
            {"person_id": zhang.pk, "attended_days": 2}, {"person_id": chen.pk, "attended_days": 1},
            {"person_id": wang.pk, "attended_days": 2}])
    client.force_login(users["township_a"])
    page = client.get(f"/api/orglife/training/classes/{classes[0].pk}/participants", {"limit": 1}).json()
    assert page["count"] == 2 and [p["name"] for p in page["items"]] == ["张三"]  # 王五 of township B is not counted
    archive = client.get(f"/api/orglife/training/people/{zhang.pk}", {"limit": 2}).json()
    assert archive["count"] == 3
    assert [p["class_id"] for p in archive["items"]] == [classes[2].pk, classes[1].pk]  # newest first
    assert client.get(f"/api/orglife/training/people/{wang.pk}").status_code == 404
    client.force_login(users["township_b"])
    assert client.get(f"/api/orglife/training/people/{zhang.pk}").status_code == 404
    assert client.get(f"/api/orglife/training/people/{wang.pk}").json()["count"] == 3


def test_absences_page_counts_every_flagged_member(client, users, county):
    absent = [county.people["chen"], make_member(county.village_a1, "赵缺席"), make_member(county.village_a2, "钱缺席")]
    stranger = county.people["wangwu"]
    for weeks in (4, 8, 12):
        day = TODAY - datetime.timedelta(weeks=weeks)
        record(county.village_a1, kind="themed_day", date=day, attendance={absent[0].pk: "absent",
                                                                         absent[1].pk: "absent"})
        record(county.village_a2, kind="themed_day", date=day, attendance={absent[2].pk: "absent"})
        record(county.village_b1, kind="themed_day", date=day, attendance={stranger.pk: "absent"})
    client.force_login(users["township_a"])
    body = client.get(f"/api/orglife/absences/{county.township_a.pk}", {"limit": 2}).json()
    assert body["count"] == 3 and len(body["items"]) == 2 and body["items"][0]["absent"] == 3
    rest = client.get(f"/api/orglife/absences/{county.township_a.pk}", {"limit": 2, "offset": 2}).json()
    names = {row["name"] for row in body["items"] + rest["items"]}
    assert names == {person.name for person in absent}
    assert client.get(f"/api/orglife/absences/{county.township_b.pk}").status_code == 404
    client.force_login(users["county"])
    assert client.get(f"/api/orglife/absences/{county.county.pk}").json()["count"] == 4


def test_patch_class_validates_like_the_page_and_stays_in_scope(client, users, county, training):
    mine, theirs = training["classes_a"][0], training["class_b"]
    client.force_login(users["township_a"])
    url = f"/api/orglife/training/classes/{mine.pk}"
    edited = patch(client, url, {"title": "甲镇党务干部班", "end_on": "2025-03-03", "hours": "12.5"})
    assert edited.status_code == 200, edited.content
    assert (edited.json()["title"], edited.json()["end_on"], edited.json()["hours"]) == ("甲镇党务干部班",
                                                                                       "2025-03-03", 12.5)
    mine.refresh_from_db()
    assert (mine.title, mine.end_on, mine.level) == ("甲镇党务干部班", D(2025, 3, 3), "township")
    assert patch(client, url, {"end_on": "2025-02-01"}).status_code == 422  # ends before it starts
    assert patch(client, url, {"title": "  "}).status_code == 422
    assert patch(client, url, {"hours": -1}).status_code == 422
    assert patch(client, url, {"title": None}).status_code == 422
    assert patch(client, url, {"level": "galaxy"}).status_code == 422
    assert patch(client, url, {"organizer_id": county.township_b.pk}).status_code == 404
    assert TrainingClass.objects.get(pk=mine.pk).title == "甲镇党务干部班"
    assert patch(client, f"/api/orglife/training/classes/{theirs.pk}", {"title": "x"}).status_code == 404
    assert patch(client, "/api/orglife/training/classes/987654321", {"title": "x"}).status_code == 404
    client.force_login(users["branch_a1"])  # sees the township's classes at most, changes none
    assert patch(client, url, {"title": "x"}).status_code == 404
    assert TrainingClass.objects.get(pk=theirs.pk).title == "乙镇班"

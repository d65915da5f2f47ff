"""Training pages: a township plans a class, finds its people as it types, records who came, days and scores;
a person's archive and the person-times follow; nobody works on another township's class or people."""
import datetime
from decimal import Decimal

import pytest

from mechanisms.orglife.models import Participant, TrainingClass, TrainingPlan
from mechanisms.orglife.services import class_save, participants_set, plan_create

CLASS = {"title": "甲镇农村党员冬训班", "level": "township", "domain": "rural", "start_on": "2025-12-01",
         "end_on": "2025-12-03", "hours": "18", "course_series": "《农村党支部书记培训10讲》", "place": "镇党校"}


@pytest.fixture
def county_class(county):
    plan = plan_create(user=None, organizer=county.county, year=2025, title="县委2025年培训计划")
    return class_save(user=None, plan=plan, title="县级示范班", level="county", domain="rural",
                      start_on=datetime.date(2025, 3, 3), end_on=datetime.date(2025, 3, 4), hours=12)


def test_a_township_plans_a_class_and_records_its_participants(client, users, county):
    client.force_login(users["township_a"])
    page = client.get(f"/orglife/orgs/{county.township_a.pk}/training/?year=2025")
    assert 'id="plan-new"' in page.content.decode()
    response = client.post(f"/orglife/orgs/{county.township_a.pk}/training/plans/new/",
                           {"year": 2025, "title": "甲镇2025年党员教育培训计划"})
    plan = TrainingPlan.objects.get(title="甲镇2025年党员教育培训计划")
    assert response.status_code == 302 and response.url == f"/orglife/plans/{plan.pk}/"
    assert plan.organizer == county.township_a and plan.year == 2025
    response = client.post(f"/orglife/plans/{plan.pk}/", CLASS)
    training_class = TrainingClass.objects.get(plan=plan)
    assert response.url == f"/orglife/classes/{training_class.pk}/"
    assert (training_class.level, training_class.hours, training_class.days, training_class.course_series) == (
        "township", Decimal("18"), 3, "《农村党支部书记培训10讲》")
    # searching as one types: people of the township only
    found = client.get(f"/orglife/classes/{training_class.pk}/people/", {"q": "张"}, HTTP_HX_REQUEST="true")
    assert f'name="add_{county.people["zhangsan"].pk}"' in found.content.decode()
    found = client.get(f"/orglife/classes/{training_class.pk}/people/", {"q": "王"}, HTTP_HX_REQUEST="true")
    assert f'add_{county.people["wangwu"].pk}' not in found.content.decode()  # township B's member
    zhang, chen = county.people["zhangsan"], county.people["chen"]
    response = client.post(f"/orglife/classes/{training_class.pk}/participants/", {
        f"add_{zhang.pk}": "1", f"d_{zhang.pk}": "3", f"s_{zhang.pk}": "92.5", f"add_{chen.pk}": "1"})
    assert response.status_code == 302
    rows = {p.person_id: (p.attended_days, p.exam_score) for p in Participant.objects.filter(
        training_class=training_class)}
    assert rows == {zhang.pk: (3, Decimal("92.5")), chen.pk: (0, None)}
    # attendance marked afterwards for the one added without days; the other row is left as it was
    client.post(f"/orglife/classes/{training_class.pk}/participants/", {f"d_{chen.pk}": "2", f"s_{chen.pk}": "80"})
    rows = {p.person_id: (p.attended_days, p.exam_score) for p in Participant.objects.filter(
        training_class=training_class)}
    assert rows == {zhang.pk: (3, Decimal("92.5")), chen.pk: (2, Decimal("80"))}
    page = client.get(f"/orglife/orgs/{county.township_a.pk}/training/?year=2025")
    assert page.context["totals"]["total"]["person_times"] == 2
    assert page.context["totals"]["total"]["hours"] == 36
    archive = client.get(f"/orglife/people/{zhang.pk}/training/")
    assert "甲镇农村党员冬训班" in archive.content.decode() and archive.context["hours"] == 18
    # a participant removed
    participant = Participant.objects.get(training_class=training_class, person=chen)
    client.post(f"/orglife/classes/{training_class.pk}/participants/{participant.pk}/remove/")
    assert not Participant.objects.filter(pk=participant.pk).exists()


def test_days_beyond_the_class_or_a_bad_score_are_refused(client, users, county):
    plan = plan_create(user=None, organizer=county.township_a, year=2025, title="计划")
    training_class = class_save(user=None, plan=plan, title="一日班", level="township", domain="rural",
                                start_on=datetime.date(2025, 5, 6), end_on=datetime.date(2025, 5, 6), hours=6)
    client.force_login(users["township_a"])
    zhang = county.people["zhangsan"]
    client.post(f"/orglife/classes/{training_class.pk}/participants/", {f"add_{zhang.pk}": "1", f"d_{zhang.pk}": "2"})
    client.post(f"/orglife/classes/{training_class.pk}/participants/", {f"add_{zhang.pk}": "1", f"s_{zhang.pk}": "101"})
    assert not Participant.objects.filter(training_class=training_class).exists()


def test_another_townships_class_plan_and_people_are_out_of_reach(client, users, county, county_class):
    plan = plan_create(user=None, organizer=county.township_b, year=2025, title="乙镇计划")
    b_class = class_save(user=None, plan=plan, title="乙镇班", level="township", domain="rural",
                         start_on=datetime.date(2025, 5, 6), end_on=datetime.date(2025, 5, 6), hours=6)
    client.force_login(users["township_a"])
    assert client.get(f"/orglife/plans/{plan.pk}/").status_code == 404
    assert client.post(f"/orglife/plans/{plan.pk}/", CLASS).status_code == 404
    assert client.get(f"/orglife/orgs/{county.township_b.pk}/training/plans/new/").status_code == 404
    assert client.post(f"/orglife/orgs/{county.township_b.pk}/training/plans/new/",
                       {"year": 2025, "title": "x"}).status_code == 404
    assert client.get(f"/orglife/classes/{b_class.pk}/people/", {"q": "张"}).status_code == 404
    zhang = county.people["zhangsan"]
    assert client.post(f"/orglife/classes/{b_class.pk}/participants/",
                       {f"add_{zhang.pk}": "1", f"d_{zhang.pk}": "1"}).status_code == 404
    # the county's class is seen from below but changed only by the county
    assert client.get(f"/orglife/classes/{county_class.pk}/").status_code == 200
    assert client.post(f"/orglife/classes/{county_class.pk}/participants/",
                       {f"add_{zhang.pk}": "1"}).status_code == 404
    assert not Participant.objects.exists()
    # the county adds township B's member to its class; township A cannot add someone it cannot see
    wangwu = county.people["wangwu"]
    client.force_login(users["county"])
    client.post(f"/orglife/classes/{county_class.pk}/participants/", {f"add_{wangwu.pk}": "1", f"d_{wangwu.pk}": "2"})
    assert Participant.objects.get(training_class=county_class).person == wangwu
    own_plan = plan_create(user=None, organizer=county.township_a, year=2025, title="甲镇计划")
    a_class = class_save(user=None, plan=own_plan, title="甲镇班", level="township", domain="rural",
                         start_on=datetime.date(2025, 5, 6), end_on=datetime.date(2025, 5, 6), hours=6)
    client.force_login(users["township_a"])
    assert client.post(f"/orglife/classes/{a_class.pk}/participants/",
                       {f"add_{wangwu.pk}": "1"}).status_code == 404
    assert not Participant.objects.filter(training_class=a_class).exists()


def test_a_person_archive_lists_their_classes_and_is_scoped(client, users, county, county_class):
    participants_set(user=None, training_class=county_class, rows=[
        {"person_id": county.people["wangwu"].pk, "attended_days": 2, "exam_score": 85}])
    client.force_login(users["township_b"])
    page = client.get(f"/orglife/people/{county.people['wangwu'].pk}/training/")
    assert page.status_code == 200 and "县级示范班" in page.content.decode() and page.context["days"] == 2
    client.force_login(users["township_a"])
    assert client.get(f"/orglife/people/{county.people['wangwu'].pk}/training/").status_code == 404

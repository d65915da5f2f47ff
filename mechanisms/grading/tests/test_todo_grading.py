"""Rectification ("3+1") on the to-do list: grades proposed wait on the county (opening the grades page where they
are confirmed); a measure of a lagging branch's plan, due soon, opens the plan's page where its progress is entered
(instead of the plan's workflow case), and leaves once done."""
import datetime

import pytest
from django.urls import reverse

from kernel.core import clock
from mechanisms.grading import services
from mechanisms.grading.models import ProblemLine, ProblemType
from mechanisms.grading.testing import DEADLINE, GRADED_ON, make_jinta
from tests.kit import make_user


@pytest.fixture
def jinta(db):
    return make_jinta(townships=2, branches=6, by_standard=2, by_meetings=0, by_secretary=0, leaders=2, cadres=2)


def _todo(client, user) -> dict:
    client.force_login(user)
    return {item["url"]: item for item in client.get("/api/duties/todo").json()["items"]}


def test_grades_to_confirm_then_a_measure_due(client, jinta):
    county_user = make_user("jt_county", "county_admin", jinta.county)
    clock.set_today(GRADED_ON)
    services.grades_propose(user=county_user, upgrading=jinta.upgrading, on=GRADED_ON)
    grades_url = f"{reverse('grading:grades', args=[jinta.upgrading.pk])}?round=initial"
    todo = _todo(client, county_user)
    assert grades_url in todo and todo[grades_url]["state"] == "6 个定级建议"
    assert client.get(grades_url).status_code == 200
    township_user = make_user("jt_township", "township_admin", jinta.townships[0])
    assert grades_url not in _todo(client, township_user)  # the county decides
    services.grades_confirm(user=county_user, upgrading=jinta.upgrading, on=GRADED_ON, confirm=True)
    assert grades_url not in _todo(client, county_user)

    lagging = sorted(jinta.lagging, key=lambda org: org.path)[0]
    day = datetime.date(2013, 8, 1)
    plan = services.plan_open(user=county_user, upgrading=jinta.upgrading, organization=lagging, today=day)
    services.problem_add(user=county_user, plan=plan, line=ProblemLine.PREMISES, kind=ProblemType.POOR,
                         description="无活动场所")
    measure = services.measure_add(user=county_user, plan=plan, content="建设村级活动室", owner="镇党委",
                                   deadline=datetime.date(2013, 9, 10))
    services.measure_add(user=county_user, plan=plan, content="明年再议", owner="镇党委", deadline=DEADLINE)
    clock.set_today(datetime.date(2013, 8, 20))
    secretary = make_user("jt_branch", "branch_secretary", lagging)
    todo = _todo(client, secretary)
    plan_url = reverse("grading:plan", args=[plan.pk])
    [item] = [item for item in todo.values() if item["url"] == plan_url]  # due by the end of next month: one
    assert item["title"] == "建设村级活动室" and item["due_on"] == "2013-09-10" and item["source"] == "整改措施"
    assert client.get(plan_url).status_code == 200
    clock.set_today(datetime.date(2013, 9, 15))
    client.force_login(secretary)
    listed = client.get("/api/duties/todo").json()["items"]
    late, later = [item for item in listed if item["url"] == plan_url]  # by then the next one is due next month
    assert (late["title"], late["overdue_days"], later["title"]) == ("建设村级活动室", 5, "明年再议")
    # the daily run's overdue notice of the plan's case stands for the same measure: this item is the one listed
    from mechanisms.grading import reminders

    assert reminders.tick(today=datetime.date(2013, 9, 15))["measure_overdue"] >= 1
    plan.refresh_from_db()
    listed = client.get("/api/duties/todo").json()["items"]
    assert [item["url"] for item in listed if "建设村级活动室" in item["title"]] == [plan_url]
    measure.done_on = datetime.date(2013, 9, 14)
    measure.save(update_fields=["done_on"])
    assert all(item["title"] != "建设村级活动室" for item in _todo(client, secretary).values())

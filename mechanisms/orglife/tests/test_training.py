"""Training: person-times and hours per level and domain; the ≥3 days a year duty of township party-affairs cadres."""
import datetime

import pytest
from django.core.exceptions import ValidationError

from engines.duties import services as duties
from engines.duties.models import Obligation
from kernel.people.services import post_create
from mechanisms.orglife import selectors
from mechanisms.orglife.services import class_save, participants_set, plan_create
from tests.kit import county_built_once, make_member

county, users = county_built_once()


def make_class(plan, organizer=None, *, days=2, start=datetime.date(2025, 3, 3), level="county", domain="rural",
               hours=12, title="农村党支部书记培训班"):
    return class_save(user=None, plan=plan, organizer=organizer, title=title, level=level, domain=domain,
                      start_on=start, end_on=start + datetime.timedelta(days=days - 1), hours=hours,
                      course_series="《农村党支部书记培训10讲》", place="县委党校")


def test_person_times_and_hours_per_level_and_domain(county, users):
    plan = plan_create(user=None, organizer=county.county, year=2025, title="2025年干部教育培训计划")
    first = make_class(plan, hours=12)
    second = make_class(plan, county.township_a, level="township", hours=6, start=datetime.date(2025, 5, 6))
    people = county.people
    participants_set(user=None, training_class=first, rows=[
        {"person_id": people[k].pk, "attended_days": 2, "exam_score": 90} for k in ("zhangsan", "chen", "wangwu")])
    participants_set(user=None, training_class=second, rows=[
        {"person_id": people["zhangsan"].pk, "attended_days": 1},
        {"person_id": people["lisi"].pk, "attended_days": 0}])  # enrolled, never came
    totals = selectors.training_totals(users["county"], county.county, year=2025)
    assert totals["total"] == {"classes": 2, "person_times": 4, "hours": 42, "days": 7}
    assert [(r["level"], r["domain"], r["person_times"], r["hours"]) for r in totals["rows"]] == [
        ("county", "rural", 3, 36), ("township", "rural", 1, 6)]
    # township B sees its own trainee of the county's class only
    assert selectors.training_totals(users["township_b"], county.county, year=2025)["total"]["person_times"] == 1
    archive = list(selectors.archive(users["county"], people["zhangsan"]))
    assert [p.training_class.title for p in archive] == [second.title, first.title]


def test_days_attended_cannot_exceed_the_class(county):
    plan = plan_create(user=None, organizer=county.county, year=2025, title="计划")
    training_class = make_class(plan, days=2)
    with pytest.raises(ValidationError):
        participants_set(user=None, training_class=training_class,
                         rows=[{"person_id": county.people["zhangsan"].pk, "attended_days": 3}])


def test_three_days_a_year_duty_of_township_cadres(county, today):
    from mechanisms.orglife.library import install_rules

    today(datetime.date(2025, 3, 1))
    cadre = make_member(county.township_a, "组织委员")
    post_create(user=None, person=cadre, organization=county.township_a, title="organization_member",
                started_on=datetime.date(2021, 1, 1))
    rule = install_rules(user=None, owner=county.county, codes=["orglife-township-cadre-training"])[
        "orglife-township-cadre-training"].rule
    duties.generate(user=None, rule=rule, year=2025)
    obligation = Obligation.objects.get(rule=rule, person=cadre)
    assert obligation.required_count == 3
    plan = plan_create(user=None, organizer=county.county, year=2025, title="计划")
    spring = make_class(plan, days=2, start=datetime.date(2025, 2, 24))
    participants_set(user=None, training_class=spring, rows=[{"person_id": cadre.pk, "attended_days": 2}])
    obligation.refresh_from_db()
    assert (obligation.done_count, obligation.state) == (2, "open")
    # nobody else owes it; the ordinary member's training discharges nothing
    participants_set(user=None, training_class=spring, rows=[{"person_id": county.people["zhangsan"].pk,
                                                                "attended_days": 2}])
    assert not Obligation.objects.filter(rule=rule, person=county.people["zhangsan"]).exists()
    today(datetime.date(2025, 6, 20))
    summer = make_class(plan, days=3, start=datetime.date(2025, 6, 16))
    participants_set(user=None, training_class=summer, rows=[{"person_id": cadre.pk, "attended_days": 1}])
    obligation.refresh_from_db()
    assert (obligation.done_count, obligation.state) == (3, "done")
    participants_set(user=None, training_class=summer, rows=[{"person_id": cadre.pk, "attended_days": 0}])
    obligation.refresh_from_db()
    assert (obligation.done_count, obligation.state) == (2, "open")

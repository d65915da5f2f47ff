"""The member's home and record: their own meetings this year, training and evaluations, nothing of the department's
(no organization counts, no department menus, the department's panels not found); and the branch secretary's
meetings of the month."""
import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from engines.duties import clock
from engines.duties import services as duties
from engines.standards.models import Sheet
from engines.standards.services import assessment_create
from engines.standards.testing import make_standard
from kernel.core import home
from mechanisms.orglife.library import install_rules
from mechanisms.orglife.services import class_save, meeting_save, participants_set, plan_create
from tests.kit import county_built_once

county, users = county_built_once()

TODAY = datetime.date(2025, 9, 5)
D = datetime.date
MEMBER_PANELS = ["orglife.my_meetings", "orglife.my_training", "orglife.my_evaluations"]


@pytest.fixture(autouse=True)
def today():
    with clock.today_is(TODAY):
        yield TODAY


@pytest.fixture
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _meeting(org, day, attendance, topic, kind="branch_general"):
    return meeting_save(user=None, organization=org, kind=kind, date=day, topic=topic, attendance=attendance)


@pytest.fixture
def record(county):
    """张三 (the member) was expected at three meetings of 2025 (present twice, absent once) and one of 2024; 陳小紅
    at those and one more; 张三 attended 2 of a class's 3 days, 陳小紅 another class; a member evaluation of 2025
    gave 张三 达标 (85) and 陳小紅 先进."""
    me, other = county.people["zhangsan"], county.people["chen"]
    a1 = county.village_a1
    _meeting(a1, D(2024, 11, 3), {me.pk: "present", other.pk: "present"}, "2024年的会议")
    _meeting(a1, D(2025, 3, 3), {me.pk: "present", other.pk: "present"}, "学习党章")
    _meeting(a1, D(2025, 6, 1), {me.pk: "present", other.pk: "absent"}, "讨论发展党员")
    _meeting(a1, D(2025, 8, 2), {me.pk: "absent", other.pk: "present"}, "主题党日活动")
    _meeting(a1, D(2025, 8, 20), {other.pk: "present"}, "只有陳小紅的会议", kind="committee")
    plan = plan_create(user=None, organizer=county.township_a, year=2025, title="甲镇2025年培训计划")
    mine = class_save(user=None, plan=plan, title="党员冬训班", level="township", domain="rural",
                      start_on=D(2025, 4, 1), end_on=D(2025, 4, 3), hours=12)
    theirs = class_save(user=None, plan=plan, title="村干部专题班", level="township", domain="rural",
                        start_on=D(2025, 5, 1), end_on=D(2025, 5, 1), hours=6)
    participants_set(user=None, training_class=mine, rows=[{"person_id": me.pk, "attended_days": 2}])
    participants_set(user=None, training_class=theirs, rows=[{"person_id": other.pk, "attended_days": 1}])
    version = make_standard(county.county, code="member-eval-test", name="民主评议党员（测试）", subject="person",
                            applies_to={})
    assessment = assessment_create(user=None, version=version, owner=county.county, name="2025年民主评议党员",
                                   period_kind="year", period_start=D(2025, 1, 1), period_end=D(2025, 12, 31),
                                   period_label="2025")
    Sheet.objects.filter(assessment=assessment, person=me).update(total=85, tier="qualified", tier_level=1)
    Sheet.objects.filter(assessment=assessment, person=other).update(total=95, tier="advanced", tier_level=2)
    type(assessment).objects.filter(pk=assessment.pk).update(computed_at=timezone.now())
    return me


def panel(client, code) -> str:
    response = client.get(reverse("core:home_panel", args=[code]))
    assert response.status_code == 200, (code, response.status_code)
    return response.content.decode()


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_members_home_shows_their_own_record_and_no_organization_counts(english, users, record):
    english.force_login(users["member"])
    page = english.get("/").content.decode()
    for code in MEMBER_PANELS:
        assert reverse("core:home_panel", args=[code]) in page, code
    assert reverse("orgs:overview") not in page and "scope-overview" not in page

    meetings = text(panel(english, "orglife.my_meetings"))
    assert "Attended 2 of 3 expected" in meetings, meetings
    assert "66.7%" in meetings and "Absent 1" in meetings
    assert "学习党章" in meetings and "主题党日活动" in meetings
    assert "只有陳小紅的会议" not in meetings and "2024年的会议" not in meetings

    training = text(panel(english, "orglife.my_training"))
    assert "Classes 1" in training and "Days 2" in training and "Hours 12" in training, training
    assert "党员冬训班" in training and "村干部专题班" not in training

    evaluations = text(panel(english, "orglife.my_evaluations"))
    assert "民主评议党员（测试）" in evaluations and "达标" in evaluations and "85" in evaluations, evaluations
    assert "先进" not in evaluations and "95" not in evaluations


def test_the_members_training_record_link_opens(client, users, record):
    client.force_login(users["member"])
    link = re.search(r'href="(/orglife/people/\d+/training/)"', panel(client, "orglife.my_training")).group(1)
    assert link == reverse("orglife:archive", args=[record.pk])
    assert client.get(link).status_code == 200


def test_the_members_page_carries_their_meetings_training_and_evaluations(english, users, record):
    english.force_login(users["member"])
    page = english.get(reverse("people:person_detail", args=[record.pk])).content.decode()
    marks = text(re.search(r'id="person-marks">(.*?)</div>', page, re.S).group(1))
    assert "Meetings 2025: attended 2 of 3" in marks, marks
    assert "Training 2025: 2 days, 12 hours" in marks, marks
    assert "民主评议党员（测试） 2025: 达标" in marks, marks


def test_a_member_without_a_record_yet_sees_empty_panels(english, users):
    english.force_login(users["member"])
    assert "Attended 0 of 0 expected" in text(panel(english, "orglife.my_meetings"))
    assert "no-evaluations" in panel(english, "orglife.my_evaluations")


NAV_LINK = re.compile(r'<a class="[^"]*(?:nav-link|dropdown-item)[^"]*"[^>]*href="([^"]+)"')


def nav_links(page: str) -> set[str]:
    nav = re.search(r"<nav.*?</nav>", page, re.S).group(0)
    return set(NAV_LINK.findall(nav))


DEPARTMENT_PAGES = ["standards:cockpit", "standards:assessment_list", "reporting:inspections", "reporting:notices",
                    "workflows:list", "workflows:cases", "orgs:tree", "people:member_list", "duties:board",
                    "duties:rules", "campaigns:list", "firstsec:index", "firstsec:rankings", "grading:list",
                    "orglife:index", "jobs:list", "dataio:home"]


def test_the_members_navigation_has_no_department_menu(client, users):
    client.force_login(users["member"])
    links = nav_links(client.get("/").content.decode())
    assert reverse("core:home") in links and reverse("duties:todo") in links, links
    assert not {reverse(name) for name in DEPARTMENT_PAGES} & links, links
    assert reverse("firstsec:checkin_own") not in links  # not a first secretary in post

    client.force_login(users["county"])
    county_links = nav_links(client.get("/").content.decode())
    assert {reverse(name) for name in DEPARTMENT_PAGES} <= county_links, county_links


def test_the_department_panels_are_not_found_for_a_member(client, users):
    client.force_login(users["member"])
    page = client.get("/").content.decode()
    others = [p.code for p in home.PANELS if "member" not in p.kinds]
    assert "duties.branch" in others and "orglife.branch_month" in others
    for code in others:
        assert reverse("core:home_panel", args=[code]) not in page, code
        assert client.get(reverse("core:home_panel", args=[code])).status_code == 404, code
        assert client.get(reverse("core:home_panel_xlsx", args=[code])).status_code == 404, code


def test_the_branch_secretary_sees_this_months_meetings_with_the_button_to_record_one(english, users, county):
    versions = install_rules(user=None, owner=county.county)
    for version in versions.values():
        duties.generate(user=None, rule=version.rule, year=2025)
    _meeting(county.village_a1, D(2025, 9, 2), {county.people["zhangsan"].pk: "present"}, "九月支委会",
             kind="committee")
    _meeting(county.village_a2, D(2025, 9, 3), {}, "李家村的会", kind="committee")
    english.force_login(users["branch_a1"])
    assert reverse("core:home_panel", args=["orglife.branch_month"]) in english.get("/").content.decode()
    html = panel(english, "orglife.branch_month")
    body = text(html)
    assert "Meetings held this month 1" in body, body
    assert "Branch committee meeting 1" in body
    duty_names = re.findall(r'<span class="text-truncate">([^<]+)</span>', html)
    assert duty_names, html  # the meeting duties of the period in progress (the committee's of September, …)
    record_url = reverse("orglife:meeting_new", args=[county.village_a1.pk])
    assert f'href="{record_url}"' in html
    assert english.get(record_url).status_code == 200
    english.force_login(users["leader"])
    assert english.get(reverse("core:home_panel", args=["orglife.branch_month"])).status_code == 404

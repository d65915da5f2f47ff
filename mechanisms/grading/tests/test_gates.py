"""A "3+1" year driven through the API and the pages, the days moved by ``manage.py daily --today``: while a lagging
organization's rectification plan is not accepted, no grade write lifts it — the grade API in either round, the
grades page, the workbook through the page and the API, the confirmation — and each refusal names the plan and its
stage and writes nothing; a measure's deadline is reminded and declared overdue once; the 验收 stage's overdue
escalation reaches the county, not the township; the notices read under /api/workflows/notices, each user their
own; the plan's acceptance lifts the organization."""
import datetime
import io
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import translation
from openpyxl import load_workbook

from engines.workflows.models import CaseNotice
from kernel.core import clock
from kernel.core.models import ChangeRecord
from mechanisms.grading import services
from mechanisms.grading.models import Grade, GradeLevel, Plan, Round
from mechanisms.grading.testing import make_jinta
from tests.kit import make_user

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
D = datetime.date
LEVEL, WEAK, REASON = "H", "I", "J"


def post(client, url, body):
    return client.post(url, json.dumps(body, default=str), content_type="application/json", **EN)


def daily(day: datetime.date) -> str:
    out = io.StringIO()
    call_command("daily", "--today", day.isoformat(), stdout=out)
    return out.getvalue()


def grade_writes() -> int:
    return ChangeRecord.objects.filter(content_type=ContentType.objects.get_for_model(Grade)).count()


def regrade(org):
    return Grade.objects.filter(organization=org, round=Round.REGRADE).select_related("level").first()


@pytest.fixture
def year(client):
    jinta = make_jinta(townships=2, branches=6, by_standard=1, by_meetings=1, by_secretary=1, leaders=2, cadres=2)
    org = jinta.lagging_by_secretary[0]  # lagging and 软弱涣散: its secretary post is vacant
    other_town = next(town for town in jinta.townships if town.pk != org.parent_id)
    users = {"county": make_user("jt_county", "county_admin", jinta.county),
             "township": make_user("jt_town", "township_admin", org.parent),
             "other_township": make_user("jt_town_b", "township_admin", other_town),
             "branch": make_user("jt_branch", "branch_secretary", org)}
    jinta.upgrading.measure_remind_days = 5
    jinta.upgrading.save(update_fields=["measure_remind_days"])
    return jinta, org, users


def as_user(client, user):
    client.force_login(user)
    return client


def refused(response, org, stage):
    assert response.status_code == 422, response.content
    text = json.dumps(response.json(), ensure_ascii=False)
    assert org.name in text and f"“{stage}”" in text and "acceptance" in text, text


def notices(client, user, **params):
    response = as_user(client, user).get("/api/workflows/notices", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_a_lagging_organization_is_lifted_only_by_its_plans_acceptance(client, year, settings):
    settings.WORKFLOWS_ESCALATE_DAYS = 7
    jinta, org, users = year
    upgrading = jinta.upgrading.pk
    county = as_user(client, users["county"])
    assert post(county, f"/api/grading/{upgrading}/grades/propose", {"round": "initial"}).status_code == 200
    assert post(county, f"/api/grading/{upgrading}/grades/confirm", {"round": "initial", "confirm": True}).status_code == 200
    initial = Grade.objects.get(organization=org, round=Round.INITIAL)
    assert initial.level.lagging and initial.weak_lax and initial.confirmed

    with clock.today_is(D(2013, 8, 1)):
        opened = post(county, f"/api/grading/{upgrading}/plans", {"organization": org.pk})
        assert opened.status_code == 201
        plan = opened.json()["id"]
        post(county, f"/api/grading/plans/{plan}/problems",
             {"line": "leadership", "type": "paralysed", "description": "书记空缺"})
        body = post(county, f"/api/grading/plans/{plan}/measures",
                    {"content": "选配村党支部书记", "owner": "镇党委", "deadline": "2013-09-30"}).json()
        (measure,) = body["measures"]
        for step in ("advance", "approve", "advance"):
            assert post(county, f"/api/grading/plans/{plan}/{step}", {}).status_code == 200, step
    assert post(county, f"/api/grading/plans/{plan}/advance", {}).status_code == 422  # measures not done
    case_id = Plan.objects.get(pk=plan).case_id

    # --- at 整改, every path that would lift it is refused, and nothing is written --------------------------------
    writes = grade_writes()
    for body in ({"round": "regrade", "level": "good"},  # a better grade
                 {"round": "regrade", "level": "lagging", "weak_lax": False},  # 软弱涣散 dropped
                 {"round": "initial", "level": "average"}):  # the initial grade rewritten while the plan runs
        refused(post(county, f"/api/grading/{upgrading}/grades",
                     {"organization": org.pk, "reason": "整改见效", "weak_lax": False, **body}), org, "整改")
    page = county.post(f"/grading/{upgrading}/set/", {"organization": org.pk, "level": "good", "reason": "整改见效",
                                                      "round": "regrade"}, **EN)
    assert page.status_code == 302
    shown = " ".join(str(message) for message in get_messages(page.wsgi_request))
    assert org.name in shown and "“整改”" in shown
    assert regrade(org) is None and grade_writes() == writes
    initial.refresh_from_db()
    assert initial.level.lagging and initial.weak_lax

    # the re-grading proposes it lagging, 软弱涣散 kept; the workbook cannot change that, by the API or the page
    assert post(county, f"/api/grading/{upgrading}/grades/propose", {"round": "regrade"}).status_code == 200
    proposal = regrade(org)
    assert proposal.level.lagging and proposal.weak_lax and not proposal.confirmed
    response = county.get(f"/grading/{upgrading}/grades/workbook.xlsx", {"round": "regrade"})
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(row=r, column=1).value == org.code)
    sheet[f"{LEVEL}{row}"], sheet[f"{REASON}{row}"] = "一般", "整改见效"
    content = io.BytesIO()
    book.save(content)
    uploaded = county.post(f"/api/grading/{upgrading}/grades/workbook",
                           {"file": SimpleUploadedFile("g.xlsx", content.getvalue()), "round": "regrade",
                            "dry_run": "false"}, **EN)
    refused(uploaded, org, "整改")
    assert county.post(f"/grading/{upgrading}/grades/workbook/",
                       {"file": SimpleUploadedFile("g.xlsx", content.getvalue()), "round": "regrade"},
                       **EN).status_code == 302
    preview = county.get(f"/grading/{upgrading}/grades/workbook/", **EN).content.decode()
    assert 'id="workbook-errors' in preview and "“整改”" in preview
    county.post(f"/grading/{upgrading}/grades/workbook/apply/", **EN)
    assert not regrade(org).confirmed and regrade(org).level.lagging and grade_writes() == writes

    # a proposal that would lift it (say, left from before the rules changed) is not confirmed either
    good = GradeLevel.objects.get(scheme=jinta.upgrading.scheme, code="good")
    Grade.objects.filter(pk=proposal.pk).update(level=good, weak_lax=False)
    refused(post(county, f"/api/grading/{upgrading}/grades/confirm", {"round": "regrade"}), org, "整改")
    refused(post(county, f"/api/grading/{upgrading}/grades/confirm", {"round": "regrade", "grades": [proposal.pk]}),
            org, "整改")
    page = county.post(f"/grading/{upgrading}/confirm/", {"round": "regrade"}, **EN)
    assert org.name in " ".join(str(message) for message in get_messages(page.wsgi_request))
    assert not Grade.objects.filter(round=Round.REGRADE).exclude(confirmed_on=None).exists()
    Grade.objects.filter(pk=proposal.pk).update(level=initial.level, weak_lax=True)

    # --- the measure's deadline (2013-09-30), reminded 5 days before, then overdue, each once -----------------------
    daily(D(2013, 9, 24))
    assert notices(client, users["branch"])["count"] == 0
    assert "measure_reminder: 1" in daily(D(2013, 9, 25))
    daily(D(2013, 9, 26))
    assert "measure_overdue: 1" in daily(D(2013, 10, 1))
    for day in (D(2013, 10, 2), D(2013, 10, 3)):
        assert "measure_reminder: 0, measure_overdue: 0" in daily(day)
    mine = notices(client, users["branch"])
    assert [(n["kind"], n["item"], n["due_on"]) for n in mine["items"]] == [
        ("overdue", f"measure:{measure['id']}", "2013-09-30"), ("reminder", f"measure:{measure['id']}", "2013-09-30")]
    assert mine["count"] == 2 and mine["items"][0]["case"]["id"] == case_id
    assert notices(client, users["township"], kind="overdue")["count"] == 1
    assert notices(client, users["other_township"])["count"] == 0  # not theirs, not in their scope
    assert as_user(client, users["other_township"]).get("/api/workflows/notices", {"case": case_id}).status_code == 404

    county = as_user(client, users["county"])
    with clock.today_is(D(2013, 10, 5)):
        assert post(county, f"/api/grading/plans/{plan}/measures/{measure['id']}/progress",
                    {"progress": 100, "on": "2013-10-05"}).status_code == 200
        assert post(county, f"/api/grading/plans/{plan}/advance", {}).status_code == 200
    assert notices(client, users["branch"], pending="true")["count"] == 0  # the measure is done
    assert notices(client, users["branch"], pending="false")["count"] == 2

    # --- 验收 (the county's, 15 days): overdue after 2013-10-20, escalated a week later to the county ----------------
    refused(post(as_user(client, users["county"]), f"/api/grading/{upgrading}/grades",
                 {"organization": org.pk, "level": "good", "reason": "整改见效", "round": "regrade"}), org, "验收")
    assert "overdue: 1" in daily(D(2013, 10, 21))
    assert "escalation: 0" in daily(D(2013, 10, 27))
    assert "escalation: 1" in daily(D(2013, 10, 28))
    escalation = CaseNotice.objects.get(case_id=case_id, kind=CaseNotice.Kind.ESCALATION)
    assert {user.username for user in escalation.recipients.all()} == {"jt_county"}
    assert notices(client, users["county"], kind="escalation")["items"][0]["stage"] == "accepted"
    assert notices(client, users["township"], kind="escalation")["count"] == 0
    daily(D(2013, 10, 29))
    assert CaseNotice.objects.filter(case_id=case_id, kind=CaseNotice.Kind.ESCALATION).count() == 1

    # --- the acceptance lifts it --------------------------------------------------------------------------------------
    county = as_user(client, users["county"])
    with clock.today_is(D(2013, 10, 30)):
        assert post(county, f"/api/grading/plans/{plan}/approve", {"comment": "验收合格"}).status_code == 200
        assert post(county, f"/api/grading/plans/{plan}/advance", {"comment": "销号"}).status_code == 200
    lifted = regrade(org)
    assert (lifted.level.code, lifted.weak_lax, lifted.source) == ("average", False, "plan")
    assert lifted.confirmed_on == D(2013, 10, 30) and lifted.confirmed_by == users["county"]
    board = county.get(f"/api/grading/{upgrading}/board").json()
    assert (board["lagging"], board["lifted"], board["closed"]) == (3, 1, 1)
    # now a better grade is a hand-set one, with its reason
    assert post(county, f"/api/grading/{upgrading}/grades", {"organization": org.pk, "level": "good",
                                                              "reason": "整改成效突出", "round": "regrade"}).status_code == 200
    assert notices(client, users["county"], pending="true")["count"] == 0  # the case is closed


def test_a_better_regrade_without_the_plans_acceptance_is_not_counted_as_lifted(client, year):
    """The board counts a lift only with the plan accepted (grades written before the gates existed)."""
    jinta, org, users = year
    services.grades_propose(user=None, upgrading=jinta.upgrading)
    services.grades_confirm(user=None, upgrading=jinta.upgrading, confirm=True)
    services.plan_open(user=None, upgrading=jinta.upgrading, organization=org)
    good = GradeLevel.objects.get(scheme=jinta.upgrading.scheme, code="good")
    Grade.objects.create(upgrading=jinta.upgrading, organization=org, org_path=org.path, year=jinta.upgrading.year,
                         round=Round.REGRADE, level=good, source="hand", confirmed_on=D(2013, 9, 1))
    board = as_user(client, users["county"]).get(f"/api/grading/{jinta.upgrading.pk}/board").json()
    assert (board["lagging"], board["lifted"]) == (3, 0)


def test_the_initial_grade_may_be_corrected_until_a_plan_is_under_way(year):
    jinta, org, users = year
    services.grades_propose(user=None, upgrading=jinta.upgrading)
    services.grades_confirm(user=None, upgrading=jinta.upgrading, confirm=True)
    other = jinta.lagging_by_standard[0]
    corrected = services.grade_set(user=users["county"], upgrading=jinta.upgrading, organization=other,
                                   level="average", reason="考核数据有误")
    assert not corrected.level.lagging
    # in the re-grading, an organization still lagging without any plan is held too
    with translation.override("en"), pytest.raises(ValidationError, match="no rectification plan under way"):
        services.grade_set(user=users["county"], upgrading=jinta.upgrading, organization=org, level="good",
                           reason="x", round=Round.REGRADE)

"""Items counted from the registers: the sources of organization life and duties, overrides that need a reason,
filling that never overwrites an override, the bulk path under the same rules, the count on the page and API."""
import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from engines.duties.services import generate
from engines.standards import services
from engines.standards.counting import counted_entries
from engines.standards.models import Item, ItemScore, RaterGroup
from engines.standards.services import counted_check
from engines.standards.testing import standard_document
from mechanisms.orglife.services import class_save, meeting_save, participants_set, plan_create
from mechanisms.reporting.library import install_reporting_rules
from mechanisms.reporting.services import report_review, report_submit

D = datetime.date
SECTIONS = [{"code": "A", "title": "组织生活", "items": [
    {"code": "M1", "title": "支委会", "kind": "count", "threshold": 4, "unit": "次", "max": 10,
     "source": "orglife.meetings.committee"},
    {"code": "M2", "title": "党课", "kind": "pass_fail", "max": 5, "source": "orglife.meetings.lecture"},
    {"code": "R1", "title": "半年报告按时", "kind": "count", "threshold": 1, "unit": "次", "max": 10,
     "source": "duties.on_time.village-halfyearly-report"},
    {"code": "T1", "title": "培训", "kind": "count", "threshold": 3, "unit": "天", "max": 5,
     "source": "orglife.training.person_days"},
    {"code": "P1", "title": "班子", "kind": "points", "max": 70},
]}]


@pytest.fixture
def counted(county):
    document = standard_document(sections=SECTIONS, tiers=[{"code": "ok", "name": "达标", "level": 1, "min_total": 1}],
                                 consequences={})
    version = services.standard_save(user=None, document=document, owner=county.county)
    assessment = services.assessment_create(
        user=None, version=version, owner=county.county, name="2025年组织生活", period_kind="year",
        period_start=D(2025, 1, 1), period_end=D(2025, 12, 31), period_label="2025",
        subjects=[county.village_a1, county.village_a2])
    sheets = {sheet.organization_id: sheet for sheet in assessment.sheets.all()}
    items = {item.code: item for item in Item.objects.filter(version=version)}
    rater = RaterGroup.objects.get(version=version, code="inspectors")
    return assessment, sheets[county.village_a1.pk], sheets[county.village_a2.pk], items, rater


def meeting(org, kind, day):
    return meeting_save(user=None, organization=org, kind=kind, date=day, topic="学习", attendance={})


@pytest.fixture
def meetings(county):
    for month in (2, 4, 6, 9):
        meeting(county.village_a1, "committee", D(2025, month, 3))
    meeting(county.village_a1, "committee", D(2024, 12, 30))  # the year before: not counted
    meeting(county.village_a1, "lecture", D(2025, 5, 1))
    meeting(county.village_a2, "committee", D(2025, 3, 3))


def test_meetings_held_in_the_period_are_counted_by_kind(county, counted, meetings):
    assessment, a1, a2, items, _rater = counted
    entries = counted_entries(assessment)
    assert entries[(a1.pk, items["M1"].pk)] == {"count": 4}
    assert entries[(a2.pk, items["M1"].pk)] == {"count": 1}
    assert entries[(a1.pk, items["M2"].pk)] == {"passed": True}  # a count feeds a pass/fail item: at least one
    assert entries[(a2.pk, items["M2"].pk)] == {"passed": False}
    assert (a1.pk, items["P1"].pk) not in entries
    assert counted_entries(assessment, sheet_ids=[a2.pk]) == {k: v for k, v in entries.items() if k[0] == a2.pk}


def test_reports_done_on_time_are_counted(county, users, counted):
    from engines.duties import clock

    assessment, a1, a2, items, _rater = counted
    install_reporting_rules(user=None, owner=county.county)
    generate(user=None, year=2025, root=county.county)
    try:
        clock.set_today(D(2025, 7, 3))
        on_time = report_submit(user=users["branch_a1"], rule_code="village-halfyearly-report",
                                organization=county.village_a1, period_start=D(2025, 1, 1), title="上半年报告")
        report_review(user=users["township_a"], submission=on_time, accept=True)
        clock.set_today(D(2026, 3, 1))
        late = report_submit(user=None, rule_code="village-halfyearly-report", organization=county.village_a2,
                             period_start=D(2025, 1, 1), title="上半年报告（补）")
        report_review(user=users["township_a"], submission=late, accept=True)
    finally:
        clock.set_today(None)
    entries = counted_entries(assessment)
    assert entries[(a1.pk, items["R1"].pk)] == {"count": 1}
    assert entries[(a2.pk, items["R1"].pk)] == {"count": 0}  # late is not on time


def test_training_person_days_add_up_over_the_subjects_people(county, counted):
    assessment, a1, a2, items, _rater = counted
    plan = plan_create(user=None, organizer=county.county, year=2025, title="县级计划")
    spring = class_save(user=None, plan=plan, title="春训", level="county", domain="rural", start_on=D(2025, 3, 1),
                        end_on=D(2025, 3, 2), hours=12)
    old = class_save(user=None, plan=plan, title="去年", level="county", domain="rural", start_on=D(2024, 3, 1),
                     end_on=D(2024, 3, 2), hours=12)
    people = county.people
    participants_set(user=None, training_class=spring, rows=[
        {"person_id": people["zhangsan"].pk, "attended_days": 2}, {"person_id": people["chen"].pk, "attended_days": 1},
        {"person_id": people["lisi"].pk, "attended_days": 2}])
    participants_set(user=None, training_class=old, rows=[{"person_id": people["lisi"].pk, "attended_days": 2}])
    entries = counted_entries(assessment)
    assert entries[(a1.pk, items["T1"].pk)] == {"count": 3}
    assert entries[(a2.pk, items["T1"].pk)] == {"count": 2}


def test_an_entry_other_than_the_count_needs_a_reason(county, counted, meetings):
    assessment, a1, _a2, items, rater = counted
    score = services.score_set(user=None, sheet=a1, item=items["M1"], rater=rater, count=4)
    assert score.counted == {"count": 4} and score.override_reason == ""
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.score_set(user=None, sheet=a1, item=items["M1"], rater=rater, count=3)
    error = refused.value.error_dict["override_reason"][0]
    assert error.code == "override_needs_reason"
    assert error.message == ("This item is counted from the registers (4); give a reason to enter another value.")
    with pytest.raises(ValidationError):
        services.score_set(user=None, sheet=a1, item=items["M1"], rater=rater, count=3, override_reason="  ")
    score = services.score_set(user=None, sheet=a1, item=items["M1"], rater=rater, count=3,
                               override_reason="一次支委会记录不全")
    assert (score.count, score.counted, score.override_reason) == (3, {"count": 4}, "一次支委会记录不全")
    again = services.score_set(user=None, sheet=a1, item=items["M1"], rater=rater, count=3, note="补记")
    assert again.override_reason == "一次支委会记录不全"  # the same entry keeps its reason
    back = services.score_set(user=None, sheet=a1, item=items["M1"], rater=rater, count=4)
    assert back.override_reason == ""
    plain = services.score_set(user=None, sheet=a1, item=items["P1"], rater=rater, points=20)
    assert plain.counted is None


def test_filling_never_overwrites_an_override(county, counted, meetings):
    assessment, a1, a2, items, rater = counted
    services.score_set(user=None, sheet=a1, item=items["M1"], rater=rater, count=5, override_reason="另有一次记录在册外")
    assert services.fill_from_sources(user=None, assessment=assessment, rater_code="inspectors") == 7
    scores = {(s.sheet_id, s.item.code): s for s in ItemScore.objects.filter(rater=rater).select_related("item")}
    assert (scores[(a1.pk, "M1")].count, scores[(a1.pk, "M1")].override_reason) == (5, "另有一次记录在册外")
    assert (scores[(a2.pk, "M1")].count, scores[(a2.pk, "M1")].counted) == (1, {"count": 1})
    assert scores[(a1.pk, "M2")].passed is True and scores[(a2.pk, "M2")].counted == {"passed": False}


def test_the_bulk_path_follows_the_same_rules(county, counted, meetings):
    assessment, a1, a2, items, rater = counted
    m1 = items["M1"].pk
    with pytest.raises(ValidationError) as refused:
        services.scores_bulk_set(user=None, assessment=assessment, rater=rater,
                                 rows=[(a1.pk, m1, None, None, 4), (a2.pk, m1, None, None, 3)])
    assert refused.value.error_dict["override_reason"][0].code == "override_needs_reason"
    assert not ItemScore.objects.exists()
    written = services.scores_bulk_set(user=None, assessment=assessment, rater=rater, rows=[
        (a1.pk, m1, None, None, 4), (a2.pk, m1, None, None, 3, "会议记录另附"), (a1.pk, items["P1"].pk, 30, None, None)])
    assert written == 3
    scores = {(s.sheet_id, s.item_id): s for s in ItemScore.objects.all()}
    assert (scores[(a1.pk, m1)].counted, scores[(a1.pk, m1)].override_reason) == ({"count": 4}, "")
    assert (scores[(a2.pk, m1)].count, scores[(a2.pk, m1)].counted) == (3, {"count": 1})
    assert scores[(a2.pk, m1)].override_reason == "会议记录另附"
    assert scores[(a1.pk, items["P1"].pk)].counted is None
    # A row without a reason keeps the stored one while it leaves the entry as it was.
    services.scores_bulk_set(user=None, assessment=assessment, rater=rater, rows=[(a2.pk, m1, None, None, 3)])
    assert ItemScore.objects.get(sheet=a2, item_id=m1).override_reason == "会议记录另附"


def test_compute_takes_the_count_where_nobody_entered_one(county, counted, meetings):
    assessment, a1, a2, items, rater = counted
    services.score_set(user=None, sheet=a1, item=items["M1"], rater=rater, count=2, override_reason="两次补记不算")
    services.compute_results(user=None, assessment=assessment)
    scores = {(s.sheet_id, s.item.code): s for s in ItemScore.objects.filter(rater=rater).select_related("item")}
    assert scores[(a1.pk, "M1")].count == 2  # the override stays
    assert scores[(a2.pk, "M1")].count == 1 and scores[(a1.pk, "M2")].passed is True
    assert not ItemScore.objects.filter(rater__code="self").exists()  # a group that does not count is left alone
    a1.refresh_from_db()
    assert a1.total == 5  # M2 passed (5); M1 2 < 4; R1 0; T1 0


@given(count=st.integers(0, 50), entered=st.integers(0, 50), reason=st.sampled_from(["", " ", "原因"]))
def test_an_override_is_kept_only_with_its_reason(count, entered, reason):
    item = Item(code="M1", kind="count", threshold=4, source="x")
    try:
        stored, kept = counted_check(item, {"points": None, "passed": None, "count": entered}, {"count": count},
                                     reason)
    except ValidationError as error:
        assert entered != count and not reason.strip() and error.error_dict["override_reason"][0].code == \
            "override_needs_reason"
    else:
        assert stored == {"count": count}
        assert kept == ("" if entered == count else reason.strip()) and (entered == count or kept)


def test_the_api_reads_the_count_and_takes_the_reason(client, users, county, counted, meetings):
    _assessment, a1, _a2, items, _rater = counted
    client.force_login(users["county"])
    url = f"/api/standards/sheets/{a1.pk}/scores"
    body = {"item": items["M1"].pk, "rater": "inspectors", "count": 3}
    refused = client.put(url, json.dumps(body), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 422, refused.content
    assert "counted from the registers (4)" in refused.content.decode()
    saved = client.put(url, json.dumps({**body, "override_reason": "少一次记录"}), content_type="application/json")
    assert saved.status_code == 200, saved.content
    assert saved.json()["counted"] == {"count": 4} and saved.json()["override_reason"] == "少一次记录"
    read = client.get(url).json()
    assert read["counted"]["M1"] == {"count": 4} and read["counted"]["M2"] == {"passed": True}
    assert [(s["item_code"], s["override_reason"]) for s in read["scores"]] == [("M1", "少一次记录")]


def test_the_sheet_page_shows_the_count_and_the_override(client, users, county, counted, meetings):
    _assessment, a1, _a2, items, rater = counted
    services.score_set(user=None, sheet=a1, item=items["M1"], rater=rater, count=3, override_reason="少一次记录")
    client.force_login(users["county"])
    page = client.get(f"/standards/sheets/{a1.pk}/?rater=inspectors", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Counted from the registers: 4" in page and "Overridden" in page and "少一次记录" in page
    answer = client.post(f"/standards/sheets/{a1.pk}/score/", {"item": items["M2"].pk, "rater": "inspectors",
                                                               "value": "0"}, HTTP_ACCEPT_LANGUAGE="en")
    assert answer["X-Score-Result"] == "error" and "give a reason" in answer.content.decode()
    answer = client.post(f"/standards/sheets/{a1.pk}/score/", {"item": items["M2"].pk, "rater": "inspectors",
                                                               "value": "0", "override_reason": "党课未达要求"})
    assert answer["X-Score-Result"] == "saved"
    assert ItemScore.objects.get(sheet=a1, item=items["M2"]).override_reason == "党课未达要求"

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from engines.duties import clock
from kernel.people.models import Person, Post
from mechanisms.firstsec import services
from mechanisms.firstsec.models import CheckIn, Dispatch, FirstsecRule
from mechanisms.firstsec.selectors import attendance_points, attendance_totals, last_in_class, missing_weeks, roster
from tests.kit import make_user

START = datetime.date(2025, 6, 2)


@pytest.fixture
def dispatch(county, users, installed, agency, make_secretary, today):
    person = make_secretary("赵第一")
    return services.dispatch_create(user=users["county"], person=person, village=county.village_a1,
                                    village_class="weak_lax", sending_unit="县农业农村局", sending_org=agency,
                                    started_on=START, ends_on=datetime.date(2027, 6, 1))


@pytest.fixture
def secretary_user(dispatch):
    return make_user("zhao", "member", dispatch.village, person=dispatch.person)


def test_dispatch_moves_the_relationship_and_creates_the_post(county, dispatch, agency):
    person = Person.objects.get(pk=dispatch.person_id)
    assert person.organization == county.village_a1
    assert person.membership.org_path == county.village_a1.path
    post = Post.objects.get(pk=dispatch.post_id)
    assert (post.title, post.organization, post.started_on) == ("first_secretary", county.village_a1, START)
    assert dispatch.township == county.township_a
    assert dispatch.home_org == agency


def test_a_person_in_post_cannot_be_sent_twice(county, users, dispatch):
    with pytest.raises(ValidationError):
        services.dispatch_create(user=users["county"], person=dispatch.person, village=county.village_a2,
                                 village_class="poor", sending_unit="县财政局", started_on=START,
                                 ends_on=datetime.date(2026, 1, 1))


def test_a_township_cannot_send_to_another_townships_village(county, users, make_secretary, today):
    person = make_secretary()
    with pytest.raises(PermissionDenied):
        services.dispatch_create(user=users["township_a"], person=person, village=county.village_b1,
                                 village_class="poor", sending_unit="县财政局", started_on=START,
                                 ends_on=datetime.date(2026, 1, 1))


def test_replacement_links_the_replaced_dispatch_and_ends_its_post(county, users, dispatch, make_secretary, agency):
    newcomer = make_secretary("钱接任")
    day = datetime.date(2025, 6, 10)
    new = services.dispatch_replace(user=users["county"], dispatch=dispatch, person=newcomer, on=day,
                                    sending_unit="县财政局", reason="工作调动")
    old = Dispatch.objects.get(pk=dispatch.pk)
    assert new.replaces == old and old.replaced_by == new
    assert (old.status, old.left_on) == ("replaced", day)
    assert Post.objects.get(pk=old.post_id).ended_on == day
    assert (new.village, new.village_class, new.ends_on) == (old.village, "weak_lax", old.ends_on)
    # The replaced secretary's relationship goes back to the sending unit.
    assert Person.objects.get(pk=old.person_id).organization == agency


def test_recall_needs_a_reason_and_ends_the_post(users, dispatch):
    with pytest.raises(ValidationError):
        services.dispatch_recall(user=users["county"], dispatch=dispatch, on=datetime.date(2025, 6, 12), reason=" ")
    services.dispatch_recall(user=users["county"], dispatch=dispatch, on=datetime.date(2025, 6, 12), reason="不胜任")
    dispatch.refresh_from_db()
    assert (dispatch.status, dispatch.recall_reason) == ("recalled", "不胜任")
    assert not Post.objects.current(datetime.date(2025, 6, 13)).filter(pk=dispatch.post_id).exists()
    with pytest.raises(ValidationError):
        services.dispatch_recall(user=users["county"], dispatch=dispatch, on=datetime.date(2025, 6, 13), reason="再次")


def test_the_secretary_checks_in_with_the_phones_location(secretary_user, dispatch, today):
    checkin = services.checkin_create(user=secretary_user, dispatch=dispatch, day=today, in_village=True,
                                      night_stayed=True, latitude="26.7312345678", longitude=110.6312, accuracy=15.26)
    assert (checkin.late, checkin.approval, checkin.entered_by) == (False, "", secretary_user)
    assert (checkin.latitude, checkin.longitude, checkin.accuracy) == (Decimal("26.731235"), Decimal("110.631200"),
                                                                       Decimal("15.3"))
    with pytest.raises(ValidationError):
        services.checkin_create(user=secretary_user, dispatch=dispatch, day=today, in_village=True)


def test_check_ins_are_refused_in_the_future_before_the_term_and_away_without_reason(secretary_user, dispatch, today):
    for day, in_village, reason in ((today + datetime.timedelta(days=1), True, ""),
                                    (START - datetime.timedelta(days=1), True, ""), (today, False, "")):
        with pytest.raises(ValidationError):
            services.checkin_create(user=secretary_user, dispatch=dispatch, day=day, in_village=in_village,
                                    away_reason=reason)
    away = services.checkin_create(user=secretary_user, dispatch=dispatch, day=today, in_village=False,
                                   night_stayed=True, away_reason="县里开会")
    assert away.night_stayed is False


def test_someone_else_cannot_check_in_for_the_secretary(county, users, dispatch, today):
    with pytest.raises(PermissionDenied):
        services.checkin_create(user=users["member"], dispatch=dispatch, day=today, in_village=True)
    with pytest.raises(PermissionDenied):
        services.checkin_create(user=users["inspector"], dispatch=dispatch, day=today, in_village=True)
    stranger = users["township_b"]
    with pytest.raises(PermissionDenied):
        services.checkin_create(user=stranger, dispatch=dispatch, day=today, in_village=True)
    assert services.checkin_create(user=users["branch_a1"], dispatch=dispatch, day=today, in_village=True).pk


def test_a_late_check_in_counts_only_once_the_township_approves(users, secretary_user, dispatch, today):
    on_time = services.checkin_create(user=secretary_user, dispatch=dispatch, day=today - datetime.timedelta(days=1),
                                      in_village=True, night_stayed=True)
    late = services.checkin_create(user=secretary_user, dispatch=dispatch, day=today - datetime.timedelta(days=2),
                                   in_village=True, night_stayed=True)
    refused = services.checkin_create(user=secretary_user, dispatch=dispatch, day=today - datetime.timedelta(days=3),
                                      in_village=True)
    assert not on_time.late and (late.late, late.approval) == (True, "pending")
    month = (datetime.date(2025, 6, 1), datetime.date(2025, 6, 30))
    assert attendance_totals([dispatch.person_id], *month)[dispatch.person_id]["days"] == 1
    with pytest.raises(PermissionDenied):  # the village's own secretary may not approve
        services.checkin_approve(user=users["branch_a1"], checkin=late, approve=True)
    with pytest.raises(PermissionDenied):
        services.checkin_approve(user=users["township_b"], checkin=late, approve=True)
    services.checkin_approve(user=users["township_a"], checkin=late, approve=True)
    services.checkin_approve(user=users["township_a"], checkin=refused, approve=False)
    totals = attendance_totals([dispatch.person_id], *month)[dispatch.person_id]
    assert (totals["days"], totals["nights"], totals["refused"]) == (2, 2, 1)
    with pytest.raises(ValidationError):
        services.checkin_approve(user=users["township_a"], checkin=on_time, approve=True)


def test_the_back_filling_window_is_the_countys(county, users, secretary_user, dispatch, today):
    services.rule_save(user=users["county"], organization=county.county, backfill_days=3)
    checkin = services.checkin_create(user=secretary_user, dispatch=dispatch, day=today - datetime.timedelta(days=3),
                                      in_village=True)
    assert not checkin.late
    with pytest.raises(PermissionDenied):
        services.rule_save(user=users["township_a"], organization=county.county, backfill_days=5)


def test_rule_for_takes_the_nearest_settings(county, users):
    assert services.rule_for(county.village_a1).min_days == 22
    services.rule_save(user=users["county"], organization=county.county, min_days=20)
    services.rule_save(user=users["county"], organization=county.township_a, min_days=18)
    assert services.rule_for(county.village_a1).min_days == 18
    assert services.rule_for(county.village_b1).min_days == 20
    assert FirstsecRule.objects.count() == 2


def test_attendance_points():
    rule = FirstsecRule(min_days=22, min_nights=12)
    assert attendance_points({"days": 25, "nights": 14}, rule, 15) == Decimal("15.0")
    assert attendance_points({"days": 11, "nights": 12}, rule, 15) == Decimal("11.0")  # 15 × 0.75 = 11.25
    assert attendance_points({}, rule, 15) == Decimal("0.0")


def test_weekly_report_by_the_secretary_and_the_missing_weeks(secretary_user, dispatch):
    with clock.today_is(datetime.date(2025, 6, 30)):
        submission = services.weekly_report_submit(user=secretary_user, dispatch=dispatch,
                                                   week_start=datetime.date(2025, 6, 9), title="第24周工作动态",
                                                   body="走访农户12户")
        assert submission.submitted_by == secretary_user
        assert submission.obligation.period_label == "2025-W24"
        # Weeks of 2, 9, 16 June are due; the week of 23 June is not yet.
        assert missing_weeks(dispatch) == [datetime.date(2025, 6, 2), datetime.date(2025, 6, 16)]
        with pytest.raises(ValidationError):
            services.weekly_report_submit(user=secretary_user, dispatch=dispatch, week_start=datetime.date(2025, 6, 10),
                                          title="x")


def test_half_year_report(users, dispatch):
    with clock.today_is(datetime.date(2025, 7, 5)):
        submission = services.half_year_report_submit(user=users["township_a"], dispatch=dispatch, year=2025, half=1,
                                                      title="上半年述职")
    assert submission.obligation.period_label == "2025-H1"
    assert submission.review == "pending"


def test_outcomes_are_logged_by_the_secretary(secretary_user, dispatch, today):
    log = services.outcome_add(user=secretary_user, dispatch=dispatch, day=today, visits=12, problems=2,
                               funds=Decimal("50000"))
    assert (log.visits, log.funds, log.org_path) == (12, Decimal("50000"), dispatch.org_path)
    with pytest.raises(ValidationError):
        services.outcome_add(user=secretary_user, dispatch=dispatch, day=today)


def test_roster_counts_in_post_of_total(users, dispatch, make_secretary):
    services.dispatch_recall(user=users["county"], dispatch=dispatch, on=datetime.date(2025, 6, 12), reason="病休")
    rows = roster(users["county"], by="sending_unit")
    assert [(r["name"], r["in_post"], r["total"]) for r in rows] == [("县农业农村局", 0, 1)]
    assert roster(users["township_b"], by="township") == []


rank_lists = st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.integers(min_value=0, max_value=20)),
                      min_size=1, max_size=30)


@settings(max_examples=60, deadline=None)
@given(rank_lists)
def test_last_in_class_is_the_worst_place_of_each_class_of_two_or_more(rows):
    # Competition ranking by total within each class, as the engine computes it.
    sheets = []
    for person_id, (key, total) in enumerate(rows):
        same = [t for k, t in rows if k == key]
        sheets.append({"person_id": person_id, "class_key": key, "total": total,
                       "rank_class": 1 + sum(1 for t in same if t > total)})
    last = last_in_class(sheets)
    for key in {k for k, _t in rows}:
        mine = [s for s in sheets if s["class_key"] == key]
        lowest = min(s["total"] for s in mine)
        expected = ({s["person_id"] for s in mine if s["total"] == lowest}
                    if len({s["total"] for s in mine}) > 1 else set())
        assert {s["person_id"] for s in mine} & last == expected


def test_check_in_counts_as_the_model_says():
    assert CheckIn(late=True, approval="approved").counts and not CheckIn(late=True, approval="refused").counts


def test_install_firstsec_installs_once(county):
    from django.core.management import call_command

    from engines.duties.models import DutyRule
    from engines.standards.models import Standard

    call_command("install_firstsec", "--owner", county.county.code)
    call_command("install_firstsec", "--owner", county.county.code)
    assert set(DutyRule.objects.values_list("code", flat=True)) == {"first-secretary-weekly-report",
                                                                    "first-secretary-half-year-report"}
    assert Standard.objects.get(code="first-secretary-monthly").versions.count() == 1

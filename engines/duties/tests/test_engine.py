"""The duties engine: rule files and versions, submissions and states, review, no back-filling, the clock."""
import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from engines.duties import clock, selectors, services
from engines.duties.format import FormatError, dump, parse
from engines.duties.models import DutyRule, Notice, Obligation, ObligationState, RuleVersion, Submission
from engines.duties.testing import make_rule, rule_document


@pytest.fixture(autouse=True)
def _english():
    """These tests check the English wording of messages made in Python, whatever the default language."""
    with translation.override("en"):
        yield


D = datetime.date

VALID = """\
code: township-quarterly-report
name: 乡镇党委季度党建工作报告
description: 乡镇党委每季度向县委组织部报告一次党建工作
effective_from: 2025-01-01
subject: organization
applies_to: {org_types: [party_committee], domains: [rural]}
recipient: owner
kind: report
cadence: quarterly
due_days: 10
grace_days: 20
min_count: 1
remind_days: 5
escalate_days: 7
backfill_days: null
review: true
"""


# --- the file format --------------------------------------------------------------------------------------------

def test_parse_fills_defaults_and_dump_reads_back_the_same():
    document = parse(VALID)
    assert document["effective_from"] == "2025-01-01"
    assert document["topic"] == "" and document["due_on"] is None and document["review"] is True
    assert parse(dump(document)) == document
    minimal = parse("code: x\nname: X\neffective_from: 2025-01-01\nsubject: person\nkind: meeting\n"
                    "cadence: once\ndue_on: 2025-06-30\n")
    assert minimal["recipient"] == "parent" and minimal["min_count"] == 1 and minimal["backfill_days"] is None
    assert parse(dump(minimal)) == minimal


def test_every_problem_is_reported_with_its_line():
    text = VALID.replace("cadence: quarterly", "cadence: fortnightly").replace("min_count: 1", "min_count: 0") \
        .replace("review: true", "review: maybe") + "colour: red\n"
    with pytest.raises(FormatError) as refused:
        parse(text)
    lines = {line for line, _reason in refused.value.errors}
    assert lines == {9, 12, 16, 17}, refused.value.errors


def test_cadence_once_needs_due_on_and_only_it_has_one():
    with pytest.raises(FormatError) as refused:
        parse(VALID.replace("cadence: quarterly", "cadence: once"))
    assert any("due_on" in reason for _line, reason in refused.value.errors)
    with pytest.raises(FormatError) as refused:
        parse(VALID + "due_on: 2025-03-01\n")
    assert refused.value.errors[0][0] == 17


def test_not_yaml_and_not_a_mapping():
    with pytest.raises(FormatError) as refused:
        parse("code: [unclosed\nname: x\n")
    assert refused.value.errors[0][0] in (1, 2, 3)
    with pytest.raises(FormatError):
        parse("- a list\n")
    with pytest.raises(FormatError):
        parse("")


# --- rules and versions -----------------------------------------------------------------------------------------

def test_rule_save_in_place_while_unused_then_as_a_new_version(county):
    first = make_rule(county.county, code="r")
    same = services.rule_save(user=None, owner=county.county, document=rule_document(code="r"))
    assert same.pk == first.pk and RuleVersion.objects.count() == 1
    edited = services.rule_save(user=None, owner=county.county, document=rule_document(code="r", due_days=15))
    assert edited.pk == first.pk and edited.due_days == 15
    services.generate(user=None, rule=first.rule, year=2025)
    frozen = services.rule_save(user=None, owner=county.county,
                                document=rule_document(code="r", due_days=20, effective_from="2026-01-01"))
    assert frozen.number == 2 and DutyRule.objects.get(code="r").current_version_id == frozen.pk
    with pytest.raises(ValidationError):
        services.rule_save(user=None, owner=county.county,
                           document=rule_document(code="r", due_days=30, effective_from="2024-06-01"))
    moved = services.rule_save(user=None, owner=county.county,
                               document=rule_document(code="r", due_days=30, effective_from="2025-06-01"))
    assert moved.pk == frozen.pk and RuleVersion.objects.count() == 2


def test_rules_are_saved_only_inside_the_users_scope(county, users):
    with pytest.raises(PermissionDenied):
        services.rule_save(user=users["township_a"], owner=county.county, document=rule_document())
    version = services.rule_save(user=users["township_a"], owner=county.township_a, document=rule_document())
    assert DutyRule.objects.restrict(users["township_b"]).filter(pk=version.rule_id).count() == 0
    assert DutyRule.objects.restrict(users["branch_a1"]).filter(pk=version.rule_id).count() == 1


def test_import_and_export_round_trip(county):
    version = services.rule_import(user=None, text=VALID, owner=county.county)
    assert version.review and version.recipient == "owner"
    assert parse(services.rule_export(version.rule)) == parse(VALID)


# --- submissions and states -------------------------------------------------------------------------------------

@pytest.fixture
def quarterly(county):
    """Branches report each quarter to their township: due 10 days after it, missed 20 days later."""
    version = make_rule(county.county, code="quarterly", min_count=1)
    services.generate(user=None, rule=version.rule, year=2025)
    return version.rule


def q1(rule, org) -> Obligation:
    return Obligation.objects.get(rule=rule, organization=org, period_label="2025-Q1")


def submit(users, rule, org, occurred_on, **kwargs):
    return services.submit(user=kwargs.pop("user", users["county"]), rule=rule, subject=org,
                           occurred_on=occurred_on, title="季度报告", **kwargs)


def test_done_late_overdue_missed(county, users, quarterly):
    with clock.today_is(D(2025, 4, 10)):  # the deadline itself is still on time
        submit(users, quarterly, county.village_a1, D(2025, 3, 31))
    with clock.today_is(D(2025, 4, 11)):
        submit(users, quarterly, county.village_a2, D(2025, 3, 20))
        services.refresh_states()
    assert q1(quarterly, county.village_a1).state == ObligationState.DONE
    assert q1(quarterly, county.village_a1).completed_on == D(2025, 4, 10)
    assert q1(quarterly, county.village_a2).state == ObligationState.LATE
    assert q1(quarterly, county.village_b1).state == ObligationState.OVERDUE
    services.refresh_states(today=D(2025, 4, 30))  # the last day of grace
    assert q1(quarterly, county.village_b1).state == ObligationState.OVERDUE
    services.refresh_states(today=D(2025, 5, 1))
    assert q1(quarterly, county.village_b1).state == ObligationState.MISSED
    with clock.today_is(D(2025, 5, 6)):  # delivered after all: late, not missed
        submit(users, quarterly, county.village_b1, D(2025, 3, 1))
    assert q1(quarterly, county.village_b1).state == ObligationState.LATE


def test_minimum_count_and_units(county, users):
    rule = make_rule(county.county, kind="training", min_count=3, cadence="yearly").rule
    with clock.today_is(D(2025, 3, 1)):
        submit(users, rule, county.village_a1, D(2025, 2, 1), units=2)
        obligation = Obligation.objects.get(rule=rule, organization=county.village_a1)
        assert (obligation.done_count, obligation.state) == (2, ObligationState.OPEN)
        submit(users, rule, county.village_a1, D(2025, 2, 20))
    obligation.refresh_from_db()
    assert (obligation.done_count, obligation.state, obligation.completed_on) == (3, "done", D(2025, 3, 1))


def test_a_submission_counts_in_the_period_it_took_place_or_reports_on(county, users, quarterly):
    with clock.today_is(D(2025, 7, 3)):
        meeting = submit(users, quarterly, county.village_a1, D(2025, 5, 20))
        report = submit(users, quarterly, county.village_a2, D(2025, 7, 2), period_start=D(2025, 4, 1))
    assert meeting.obligation.period_label == "2025-Q2"
    assert report.obligation.period_label == "2025-Q2"


def test_submissions_only_inside_the_users_scope(county, users, quarterly):
    with pytest.raises(PermissionDenied), clock.today_is(D(2025, 4, 1)):
        submit(users, quarterly, county.village_b1, D(2025, 3, 1), user=users["township_a"])
    assert not Submission.objects.exists()


def test_review_accept_counts_from_the_submission_day_returned_never_counts(county, users):
    rule = make_rule(county.county, review=True).rule
    services.generate(user=None, rule=rule, year=2025)
    with clock.today_is(D(2025, 4, 8)):
        first = submit(users, rule, county.village_a1, D(2025, 3, 31), user=users["branch_a1"])
    assert first.review == Submission.Review.PENDING
    assert q1(rule, county.village_a1).done_count == 0
    with clock.today_is(D(2025, 4, 9)):
        services.submission_review(user=users["township_a"], submission=first, accept=False, note="补充数据")
    assert q1(rule, county.village_a1).done_count == 0
    assert Notice.objects.filter(user=users["branch_a1"], kind=Notice.Kind.RETURNED).count() == 1
    with clock.today_is(D(2025, 4, 9)):
        second = submit(users, rule, county.village_a1, D(2025, 3, 31), user=users["branch_a1"])
    with clock.today_is(D(2025, 4, 20)):  # accepted after the deadline, submitted before it: on time
        services.submission_review(user=users["township_a"], submission=second, accept=True)
    obligation = q1(rule, county.village_a1)
    assert (obligation.state, obligation.completed_on, obligation.done_count) == ("done", D(2025, 4, 9), 1)


def test_only_the_recipient_reviews(county, users):
    rule = make_rule(county.county, review=True).rule
    with clock.today_is(D(2025, 4, 8)):
        submission = submit(users, rule, county.village_a1, D(2025, 3, 31), user=users["branch_a1"])
    for outsider in ("branch_a1", "township_b"):
        with pytest.raises(PermissionDenied):
            services.submission_review(user=users[outsider], submission=submission, accept=True)
    assert selectors.can_decide(users["township_a"], submission)
    assert not selectors.can_decide(users["branch_a1"], submission)


def test_no_back_filling_late_entry_counts_only_once_approved(county, users):
    rule = make_rule(county.county, kind="meeting", backfill_days=7).rule
    services.generate(user=None, rule=rule, year=2025)
    with clock.today_is(D(2025, 3, 8)):  # 7 days after: in time
        in_time = submit(users, rule, county.village_a1, D(2025, 3, 1))
    assert not in_time.late_entry and in_time.approval == ""
    with clock.today_is(D(2025, 3, 20)):
        late = submit(users, rule, county.village_a2, D(2025, 3, 1), user=users["township_a"])
    assert late.late_entry and late.approval == Submission.Approval.PENDING
    assert q1(rule, county.village_a2).done_count == 0
    assert Notice.objects.filter(user=users["township_a"], kind=Notice.Kind.APPROVAL, submission=late).exists()
    assert late in selectors.todo(users["township_a"], D(2025, 3, 21))["to_approve"]
    with pytest.raises(PermissionDenied):
        services.submission_approve(user=users["branch_a1"], submission=late, approve=True)
    with clock.today_is(D(2025, 4, 30)):
        services.submission_approve(user=users["township_a"], submission=late, approve=True)
    obligation = q1(rule, county.village_a2)
    assert (obligation.done_count, obligation.state, obligation.completed_on) == (1, "done", D(2025, 3, 20))
    with clock.today_is(D(2025, 6, 20)):
        refused = submit(users, rule, county.village_b1, D(2025, 5, 1))
        services.submission_approve(user=users["township_b"], submission=refused, approve=False)
    assert Obligation.objects.get(rule=rule, organization=county.village_b1, period_label="2025-Q2").done_count == 0


def test_record_changed_moves_the_submission_and_withdraw_recounts(county, users, quarterly):
    record = county.village_a1  # any row can stand for a mechanism's record
    with clock.today_is(D(2025, 4, 2)):
        submission = submit(users, quarterly, county.village_a1, D(2025, 3, 30), record=record)
    assert q1(quarterly, county.village_a1).done_count == 1
    with clock.today_is(D(2025, 4, 3)):
        services.record_changed(record=record, occurred_on=D(2025, 4, 1))
    submission.refresh_from_db()
    assert submission.obligation.period_label == "2025-Q2"
    assert q1(quarterly, county.village_a1).done_count == 0
    services.submission_withdraw(user=users["branch_a1"], submission=submission)
    assert Obligation.objects.get(rule=quarterly, organization=county.village_a1, period_label="2025-Q2").done_count == 0


def test_a_submission_before_generation_creates_its_obligation(county, users):
    rule = make_rule(county.county, cadence="monthly").rule
    with clock.today_is(D(2025, 2, 3)):
        submission = submit(users, rule, county.village_a1, D(2025, 2, 1))
    assert submission.obligation.period_label == "2025-02"
    assert services.generate(user=None, rule=rule, year=2025) == 3 * 12 - 1


def test_waive(county, users, quarterly):
    obligation = q1(quarterly, county.village_b1)
    with pytest.raises(PermissionDenied):
        services.waive(user=users["township_a"], obligation=obligation, note="新成立")
    services.waive(user=users["township_b"], obligation=obligation, note="新成立")
    services.refresh_states(today=D(2025, 6, 1))
    assert q1(quarterly, county.village_b1).state == ObligationState.WAIVED


# --- the clock: reminders, escalation, e-mail -------------------------------------------------------------------

def notices(user, kind):
    return Notice.objects.filter(user=user, kind=kind).count()


def test_reminders_overdue_and_escalation_each_once_with_email(county, users, quarterly):
    users["township_a"].email = "ta@example.org"
    users["township_a"].save()
    assert clock.tick(today=D(2025, 4, 4))["reminders"] == 0  # 6 days before: too early
    first = clock.tick(today=D(2025, 4, 5))
    # Q1 of A1 (secretary + township A), A2 (township A), B1 (township B)
    assert first["reminders"] == 4
    assert notices(users["branch_a1"], "reminder") == 1 and notices(users["township_a"], "reminder") == 2
    assert notices(users["county"], "reminder") == 0
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ta@example.org"]
    assert clock.tick(today=D(2025, 4, 6))["reminders"] == 0
    assert len(mail.outbox) == 1
    assert Obligation.objects.filter(reminded_on=D(2025, 4, 5)).count() == 3

    with clock.today_is(D(2025, 4, 9)):
        submit(users, quarterly, county.village_a2, D(2025, 3, 1))
    overdue = clock.tick(today=D(2025, 4, 11))
    assert overdue["overdue"] == 3  # A1: secretary and township A; B1: township B
    assert overdue["escalations"] == 0
    escalated = clock.tick(today=D(2025, 4, 18))  # 7 days after the deadline
    assert escalated["escalations"] == 2  # A1 → township A; B1 → township B
    assert notices(users["township_a"], "escalation") == 1
    assert clock.tick(today=D(2025, 4, 19)) == {"changed": 0, "reminders": 0, "overdue": 0, "escalations": 0,
                                                "emails": 0}
    assert Obligation.objects.get(pk=q1(quarterly, county.village_a1).pk).escalation == 2
    assert all(notice.emailed_at for notice in Notice.objects.filter(user=users["township_a"]))
    assert not Notice.objects.filter(user=users["branch_a1"], emailed_at__isnull=False).exists()


def test_todo_lists_what_the_users_organizations_owe_and_unread_notices(county, users, quarterly):
    clock.tick(today=D(2025, 4, 5))
    todo = selectors.todo(users["branch_a1"], D(2025, 4, 5))
    assert {o.organization_id for o in todo["owed"]} == {county.village_a1.pk}
    assert len(todo["notices"]) == 1
    services.notice_mark_read(user=users["branch_a1"], notice=todo["notices"][0])
    assert selectors.todo(users["branch_a1"], D(2025, 4, 5))["notices"] == []


def test_calendar_counts_what_falls_due_in_the_users_scope(county, users, quarterly):
    services.refresh_states(today=D(2025, 4, 1))
    days = selectors.calendar(users["township_a"], 2025, 4)
    assert days == {D(2025, 4, 10): {"total": 2, "open": 2}}
    assert selectors.calendar(users["county"], 2025, 4)[D(2025, 4, 10)]["total"] == 3


def test_rollup_every_node_and_colours(county, users, quarterly):
    with clock.today_is(D(2025, 4, 9)):
        submit(users, quarterly, county.village_a1, D(2025, 3, 1))
    services.refresh_states(today=D(2025, 4, 15))
    nodes = {path: selectors.as_counts(row)
             for path, row in selectors.rollup_paths(users["county"], county.county, year=2025).items()}
    assert nodes[county.county.path]["total"] == 12
    assert nodes[county.township_a.path]["overdue"] == 1 and nodes[county.township_a.path]["done"] == 1
    assert nodes[county.village_b1.path] == {**{s: 0 for s in selectors.STATES}, "open": 3, "overdue": 1,
                                              "total": 4}
    states = list(Obligation.objects.values_list("org_path", "state"))
    for node, counted in nodes.items():  # every node sums its whole subtree
        below = [state for path, state in states if path.startswith(node)]
        assert counted == {**{s: below.count(s) for s in selectors.STATES}, "total": len(below)}
    assert set(nodes) == {org.path for org in (county.county, county.township_a, county.township_b,
                                               county.village_a1, county.village_a2, county.village_b1)}
    rows = {row["org"].pk: row for row in selectors.rollup(users["county"], county.county, year=2025)}
    assert rows[county.township_a.pk]["total"] == 8
    assert rows[county.township_a.pk]["colour"] == "red"  # 1 of 2 due overdue: above 20%
    assert rows[county.township_b.pk]["colour"] == "red"
    services.refresh_states(today=D(2025, 5, 15))
    rows = {row["org"].pk: row for row in selectors.rollup(users["county"], county.county, year=2025)}
    assert rows[county.township_b.pk]["missed"] == 1 and rows[county.township_b.pk]["colour"] == "red"
    assert rows[county.township_a.pk]["on_time_rate"] == pytest.approx(0.5)
    # Township A's user sees no rows of township B, and no roll-up of the county beyond its own.
    assert selectors.rollup(users["township_a"], county.township_b) == []
    mine = selectors.rollup_paths(users["township_a"], county.county, year=2025)
    assert mine == {}


def test_amber_and_green():
    assert selectors.colour({"done": 9, "overdue": 1}) == "amber"
    assert selectors.colour({"done": 3, "overdue": 1}) == "red"
    assert selectors.colour({"done": 4, "open": 3}) == "green"


def test_an_attachment_is_kept_and_named_in_the_change_log(county, users, quarterly):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kernel.core.changelog import history_for

    with clock.today_is(D(2025, 4, 2)):
        submission = submit(users, quarterly, county.village_a1, D(2025, 3, 30),
                            attachment=SimpleUploadedFile("report.pdf", b"%PDF-1.4 report"))
    assert submission.attachment.name.startswith("submissions/") and submission.attachment.read() == b"%PDF-1.4 report"
    assert history_for(submission).get().after["attachment"] == submission.attachment.name

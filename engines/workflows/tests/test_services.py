import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from engines.workflows import services
from engines.workflows.models import Case, ImmutableError, Transition
from engines.workflows.signals import case_moved
from engines.workflows.testing import make_workflow, workflow_document


@pytest.fixture(autouse=True)
def _english():
    """These tests check the English wording of messages made in Python, whatever the default language."""
    with translation.override("en"):
        yield


DAY = datetime.date(2025, 3, 1)


def later(days):
    return DAY + datetime.timedelta(days=days)


@pytest.fixture
def workflow(county):
    return make_workflow(county.county).workflow


@pytest.fixture
def case(workflow, county, users):
    return services.case_open(user=users["township_a"], workflow=workflow, organization=county.village_a1,
                              title="陳家村整改", today=DAY)


def fill_draft(case, users):
    services.case_update(user=users["branch_a1"], case=case, data={"problems": "班子不齐", "measures": "补选"})


def to_notice(case, users):
    fill_draft(case, users)
    services.case_advance(user=users["branch_a1"], case=case, today=DAY)
    services.case_approve(user=users["county"], case=case, today=DAY)
    services.case_advance(user=users["county"], case=case, today=DAY)


def test_open_starts_in_the_first_stage_with_its_deadline_and_freezes_the_version(case):
    assert case.stage == "drafted" and case.status == Case.Status.OPEN
    assert case.due_on == later(15)
    assert case.version.frozen
    (opened,) = case.transitions.all()
    assert (opened.action, opened.from_stage, opened.to_stage) == ("open", "", "drafted")


def test_required_fields_hold_the_stage(case, users):
    with pytest.raises(ValidationError) as refused:
        services.case_advance(user=users["branch_a1"], case=case, today=DAY)
    assert any("problems" in message for message in refused.value.messages)
    services.case_update(user=users["branch_a1"], case=case, data={"problems": "x", "measures": "  "})
    assert len(services.gate(case, DAY)) == 1
    fill_draft(case, users)
    assert services.gate(case, DAY) == []
    services.case_advance(user=users["branch_a1"], case=case, today=DAY)
    assert case.stage == "approved"


def test_attachments_hold_the_stage(county, users):
    document = workflow_document()
    document["stages"][0]["attachments"] = 2
    workflow = make_workflow(county.county, **document).workflow
    case = services.case_open(user=None, workflow=workflow, organization=county.village_a1, title="t", today=DAY)
    fill_draft(case, users)
    services.case_attach(user=users["branch_a1"], case=case, uploaded_file=SimpleUploadedFile("a.pdf", b"1"))
    assert services.gate(case, DAY) == ["2 attachment(s) needed in this stage, 1 attached."]
    services.case_attach(user=users["branch_a1"], case=case, uploaded_file=SimpleUploadedFile("b.pdf", b"2"))
    services.case_advance(user=users["branch_a1"], case=case, today=DAY)
    advanced = case.transitions.get(action="advance")
    assert advanced.files.count() == 2


def test_approval_by_the_right_role_only_and_only_for_the_present_stay(case, users):
    fill_draft(case, users)
    services.case_advance(user=users["branch_a1"], case=case, today=DAY)
    with pytest.raises(PermissionDenied):
        services.case_approve(user=users["township_a"], case=case, today=DAY)
    assert services.gate(case, DAY)
    services.case_approve(user=users["county"], case=case, today=DAY)
    assert services.gate(case, DAY) == []
    services.case_return(user=users["township_a"], case=case, to_stage="drafted", comment="再改", today=DAY)
    services.case_advance(user=users["branch_a1"], case=case, today=later(1))
    assert services.gate(case, later(1)), "the approval of the earlier stay no longer counts"
    services.case_approve(user=users["county"], case=case, today=later(1))
    assert services.gate(case, later(1)) == []


@pytest.mark.parametrize("rule, votes_for, eligible, passes", [
    ("majority", 5, 10, False), ("majority", 6, 10, True),
    ("two_thirds", 6, 10, False), ("two_thirds", 7, 10, True), ("two_thirds", 2, 3, True),
])
def test_vote_rules(county, users, rule, votes_for, eligible, passes):
    document = workflow_document()
    document["stages"] = [
        {"code": "vote", "name": "票决", "actors": ["branch_secretary"],
         "vote": {"for": "votes_for", "eligible": "eligible_voters", "rule": rule}},
        {"code": "done", "name": "完成", "final": True},
    ]
    workflow = make_workflow(county.county, **document).workflow
    case = services.case_open(user=None, workflow=workflow, organization=county.village_a1, title="t", today=DAY)
    assert services.gate(case, DAY)
    services.case_update(user=users["branch_a1"], case=case, data={"votes_for": str(votes_for),
                                                                   "eligible_voters": eligible})
    assert (services.gate(case, DAY) == []) is passes


def test_waiting_period_counts_from_stage_entry(case, users):
    with_clock = later(10)
    fill_draft(case, users)
    services.case_advance(user=users["branch_a1"], case=case, today=with_clock)
    services.case_approve(user=users["county"], case=case, today=with_clock)
    services.case_advance(user=users["county"], case=case, today=with_clock)
    assert case.stage == "public_notice" and case.stage_entered_on == with_clock
    assert services.gate(case, with_clock + datetime.timedelta(days=4))
    with pytest.raises(ValidationError):
        services.case_advance(user=users["township_a"], case=case, today=with_clock + datetime.timedelta(days=4))
    assert services.gate(case, with_clock + datetime.timedelta(days=5)) == []


def test_waiting_period_uses_the_clock_by_default(case, users):
    from kernel.core import clock

    to_notice(case, users)
    with clock.today_is(later(4)):
        assert services.gate(case)
    with clock.today_is(later(5)):
        assert services.gate(case) == []


def test_open_objections_hold_the_notice(case, users):
    to_notice(case, users)
    services.case_update(user=users["township_a"], case=case,
                         data={"objections": [{"text": "有异议", "resolved": False}, "另一条"]})
    assert services.gate(case, later(5)) == ["2 objection(s) not yet resolved."]
    services.case_update(user=users["township_a"], case=case,
                         data={"objections": [{"text": "有异议", "resolved": True}]})
    assert services.gate(case, later(5)) == []


def test_returns_only_to_back_to_and_need_a_reason(case, users):
    fill_draft(case, users)
    services.case_advance(user=users["branch_a1"], case=case, today=DAY)
    with pytest.raises(ValidationError):
        services.case_return(user=users["township_a"], case=case, to_stage="drafted", comment=" ", today=DAY)
    with pytest.raises(ValidationError):
        services.case_return(user=users["township_a"], case=case, to_stage="vote", comment="x", today=DAY)
    services.case_return(user=users["township_a"], case=case, to_stage="drafted", comment="x", today=DAY)
    assert case.stage == "drafted"
    with pytest.raises(ValidationError):
        services.case_return(user=users["township_a"], case=case, to_stage="drafted", comment="x", today=DAY)


def test_full_run_closes_the_case_and_records_each_move(case, users):
    moves = []
    case_moved.connect(lambda sender, case, transition, **kw: moves.append(transition.to_stage), weak=False,
                       dispatch_uid="test-moves")
    try:
        to_notice(case, users)
        services.case_advance(user=users["township_a"], case=case, today=later(5))
        services.case_update(user=users["branch_a1"], case=case, data={"votes_for": 7, "eligible_voters": 9})
        services.case_advance(user=users["branch_a1"], case=case, comment="通过", today=later(6))
    finally:
        case_moved.disconnect(dispatch_uid="test-moves")
    assert case.status == Case.Status.CLOSED and case.closed_on == later(6) and case.stage == "closed"
    chain = list(case.transitions.values_list("action", "from_stage", "to_stage"))
    assert chain == [("open", "", "drafted"), ("advance", "drafted", "approved"),
                     ("advance", "approved", "public_notice"), ("advance", "public_notice", "vote"),
                     ("close", "vote", "closed")]
    assert moves == ["approved", "public_notice", "vote", "closed"]
    assert case.transitions.last().data["votes_for"] == 7
    with pytest.raises(ValidationError):
        services.case_update(user=users["branch_a1"], case=case, data={"x": 1})


def test_transitions_are_immutable(case):
    transition = case.transitions.get()
    transition.comment = "changed"
    with pytest.raises(ImmutableError):
        transition.save()
    with pytest.raises(ImmutableError):
        transition.delete()
    assert Transition.objects.get(pk=transition.pk).comment == ""


def test_cancel_needs_a_reason_and_ends_the_case(case, users):
    with pytest.raises(ValidationError):
        services.case_cancel(user=users["township_a"], case=case, comment="", today=DAY)
    services.case_cancel(user=users["township_a"], case=case, comment="撤销", today=DAY)
    assert case.status == Case.Status.CANCELLED
    with pytest.raises(ValidationError):
        services.case_advance(user=users["township_a"], case=case, today=DAY)


def test_permissions_by_role_and_scope(case, users):
    fill_draft(case, users)
    for name in ("leader", "inspector", "member", "township_b"):
        with pytest.raises(PermissionDenied):
            services.case_advance(user=users[name], case=case, today=DAY)
    with pytest.raises(PermissionDenied):
        services.case_update(user=users["township_b"], case=case, data={"x": 1})
    with pytest.raises(PermissionDenied):
        services.case_open(user=users["township_b"], workflow=case.workflow, organization=case.organization,
                           title="t", today=DAY)
    services.case_advance(user=users["township_a"], case=case, today=DAY)
    with pytest.raises(PermissionDenied):
        services.case_advance(user=users["branch_a1"], case=case, today=DAY)


def test_editing_a_used_workflow_makes_a_new_version_and_open_cases_keep_theirs(case, county):
    workflow = case.workflow
    document = services.workflow_version(workflow).document
    assert services.workflow_save(user=None, document=document, owner=county.county).number == 1
    changed = {**document, "name": "新名称"}
    version = services.workflow_save(user=None, document=changed, owner=county.county)
    assert version.number == 2
    workflow.refresh_from_db()
    case.refresh_from_db()
    assert workflow.current_version == version and case.version.number == 1
    assert services.workflow_save(user=None, document={**changed, "description": "x"},
                                  owner=county.county).number == 2, "an unused version changes in place"


def test_person_workflows_need_a_person(county):
    workflow = make_workflow(county.county, subject="person").workflow
    with pytest.raises(ValidationError):
        services.case_open(user=None, workflow=workflow, organization=county.village_a1, title="t", today=DAY)
    case = services.case_open(user=None, workflow=workflow, organization=county.village_a1,
                              person=county.people["zhangsan"], title="张三", today=DAY)
    assert case.person == county.people["zhangsan"]


def test_import_and_export_round_trip(county, workflow):
    text = services.workflow_export(workflow)
    assert services.workflow_import(user=None, text=text, owner=county.county).number == 1

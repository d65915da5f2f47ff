import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engines.workflows import services
from engines.workflows.models import Case
from engines.workflows.testing import make_workflow

DAY = datetime.date(2025, 3, 1)
ACTIONS = st.lists(st.tuples(st.sampled_from(["fill", "vote", "approve", "advance", "return", "cancel", "wait"]),
                             st.sampled_from(["county", "township_a", "branch_a1"])), max_size=25)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=ACTIONS)
def test_any_allowed_sequence_keeps_one_open_stay_and_a_linked_chain(county, users, actions):
    case = services.case_open(user=None, workflow=make_workflow(county.county).workflow,
                              organization=county.village_a1, title="t", today=DAY)
    today = DAY
    for action, who in actions:
        user = users[who]
        try:
            if action == "fill":
                services.case_update(user=user, case=case, data={"problems": "p", "measures": "m"})
            elif action == "vote":
                services.case_update(user=user, case=case, data={"votes_for": 5, "eligible_voters": 8})
            elif action == "approve":
                services.case_approve(user=user, case=case, today=today)
            elif action == "advance":
                services.case_advance(user=user, case=case, today=today)
            elif action == "return":
                stage = services.current_stage(case)
                if stage.back_to:
                    services.case_return(user=user, case=case, to_stage=stage.back_to[0], comment="r", today=today)
            elif action == "cancel":
                services.case_cancel(user=user, case=case, comment="c", today=today)
            else:
                today += datetime.timedelta(days=3)
        except (ValidationError, PermissionDenied):
            pass
        case.refresh_from_db()
    chain = list(case.transitions.order_by("id"))
    assert chain[0].action == "open" and chain[0].from_stage == ""
    for before, after in zip(chain, chain[1:]):
        assert after.from_stage == before.to_stage
    assert chain[-1].to_stage == case.stage
    opened = [t for t in chain if t.action in ("open", "advance", "return")]
    assert sum(1 for t in chain if t.action in ("close", "cancel")) == (case.status != Case.Status.OPEN)
    if case.status == Case.Status.OPEN:
        assert opened[-1] is chain[-1], "exactly one open stay: the one the last transition began"

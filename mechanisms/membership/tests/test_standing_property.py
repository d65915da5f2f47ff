"""Property: whatever sequence of changes of standing and withdrawals is attempted (each refused or recorded), the
member's registry record is always what replaying the recorded, not withdrawn, changes in order gives; every attempt
recorded leaves a row (withdrawn ones stay), a refused one nothing; and the member is counted as in good standing
exactly when that replay says so."""
import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kernel.core import clock
from kernel.orgs.models import Organization
from kernel.people.choices import MemberCategory, MemberStatus
from kernel.people.models import Member
from kernel.people.services import member_create, person_create
from mechanisms.membership import services
from mechanisms.membership.models import ExitReason, Kind, StandingChange
from tests.kit import make_id_number

D = datetime.date
TODAY = D(2026, 6, 30)
JOINED = D(2025, 3, 1)
_names = itertools.count()

KINDS = [k for k in Kind.values if k != Kind.CORRECTION]
operation = st.one_of(
    st.tuples(st.just("change"), st.sampled_from(KINDS), st.integers(0, 40), st.sampled_from(ExitReason.values),
              st.integers(150, 420)),
    st.tuples(st.just("withdraw"), st.none(), st.none(), st.none(), st.none()),
)


def replay(changes, category) -> dict:
    state = {"category": category, "status": MemberStatus.ACTIVE, "lost_contact_on": None, "kept_since": None}
    for change in changes:
        kind = change.kind
        if kind == Kind.MAKE_FULL:
            state["category"] = MemberCategory.FULL
        elif kind == Kind.SUSPEND:
            state["status"] = MemberStatus.SUSPENDED
        elif kind == Kind.RESTORE:
            state.update(status=MemberStatus.ACTIVE, lost_contact_on=None)
        elif kind == Kind.KEEP:
            state["kept_since"] = change.on
        elif kind == Kind.KEEP_END:
            state["kept_since"] = None
        elif kind == Kind.LOSE_CONTACT:
            state["lost_contact_on"] = change.on
        elif kind == Kind.REGAIN_CONTACT:
            state["lost_contact_on"] = None
        elif kind == Kind.EXIT:
            state.update(status=MemberStatus.DECEASED if change.reason == ExitReason.DECEASED else MemberStatus.LEFT,
                         kept_since=None)
    return state


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(category=st.sampled_from([MemberCategory.PROBATIONARY, MemberCategory.FULL]),
       operations=st.lists(operation, max_size=12))
def test_the_record_is_always_the_replay_of_the_recorded_changes(county, category, operations):
    name = f"性质{next(_names)}"
    person = person_create(user=None, organization=Organization.objects.get(pk=county.village_a1.pk), name=name,
                           gender="male", birth_date=D(1990, 1, 1), id_number=make_id_number(D(1990, 1, 1)))
    member = member_create(user=None, person=person, category=category, applied_on=D(2023, 1, 1), joined_on=JOINED,
                           full_on=D(2026, 3, 1) if category == MemberCategory.FULL else None)
    day, recorded = JOINED, 0
    with clock.today_is(TODAY):
        for op, kind, step, reason, months in operations:
            try:
                if op == "change":
                    day = min(day + datetime.timedelta(days=step), TODAY)
                    services.standing_change(
                        user=None, member=member, kind=kind, on=day, reason=reason,
                        until=JOINED + datetime.timedelta(days=months * 2) if kind == Kind.EXTEND_PROBATION
                        else (day + datetime.timedelta(days=months) if kind == Kind.KEEP else None),
                        decided_by="支部大会", confirm=True)
                    recorded += 1
                else:
                    latest = StandingChange.objects.filter(member=member, withdrawn_on__isnull=True).order_by("-pk").first()
                    if latest is None:
                        continue
                    services.standing_withdraw(user=None, change=latest, reason="误录")
            except ValidationError:
                pass
            rows = list(StandingChange.objects.filter(member=member).order_by("pk"))
            assert len(rows) == recorded
            live = [row for row in rows if row.withdrawn_on is None]
            expected = replay(live, category)
            now = Member.objects.get(pk=member.pk)
            assert {key: getattr(now, key) for key in expected} == expected, (op, kind)
            assert Member.objects.filter(pk=member.pk, status=MemberStatus.ACTIVE).exists() == \
                (expected["status"] == MemberStatus.ACTIVE)

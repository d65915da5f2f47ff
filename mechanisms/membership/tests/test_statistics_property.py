"""Property: whatever a year brings (members joining, transfers within the county received, held or sent back,
transfers out of the system and in from outside, probationary members made full, exits of every kind), the
statistics report's reconciliation is exact for the county, each township and each branch, in each category
(opening + joined + transferred in − transferred out − left ± made full = closing), and its opening and closing
members are exactly those a plain replay of the year says: nobody lost, nobody counted twice."""
import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from kernel.core import clock
from kernel.orgs.models import Organization
from kernel.people.choices import MemberCategory
from kernel.people.models import Member
from kernel.people.services import member_create, person_create
from mechanisms.membership import services, statistics, transfers
from mechanisms.membership.models import ExitReason, Kind
from tests.kit import make_id_number

D = datetime.date
YEAR = 2025
_names = itertools.count()
BRANCHES = ("village_a1", "village_a2", "village_b1")

step = st.one_of(
    st.tuples(st.just("join"), st.sampled_from(BRANCHES), st.none()),
    st.tuples(st.just("move"), st.integers(0, 50), st.sampled_from(BRANCHES)),
    st.tuples(st.just("hold"), st.integers(0, 50), st.sampled_from(BRANCHES)),
    st.tuples(st.just("send_back"), st.integers(0, 50), st.sampled_from(BRANCHES)),
    st.tuples(st.just("out"), st.integers(0, 50), st.none()),
    st.tuples(st.just("in"), st.sampled_from(BRANCHES), st.none()),
    st.tuples(st.just("full"), st.integers(0, 50), st.none()),
    st.tuples(st.just("exit"), st.integers(0, 50), st.sampled_from(ExitReason.values)),
)


class Rollback(Exception):
    pass


def new_member(org, *, joined, category, full_on=None):
    birth = D(1960, 1, 1) + datetime.timedelta(days=next(_names))  # a birthday of its own: an ID number of its own
    person = person_create(user=None, organization=org, name=f"统计{birth:%y%m%d}", gender="female",
                           birth_date=birth, id_number=make_id_number(birth, "female"))
    return member_create(user=None, person=person, category=category, applied_on=joined - datetime.timedelta(days=400),
                         joined_on=joined, full_on=full_on)


@pytest.mark.django_db
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(steps=st.lists(step, min_size=4, max_size=10))
def test_the_report_reconciles_and_counts_everyone_once(county, shipped, steps):
    try:
        with transaction.atomic():
            run_year(county, steps)
            raise Rollback
    except Rollback:
        pass


def run_year(county, steps):
    orgs = {name: Organization.objects.get(pk=getattr(county, name).pk) for name in BRANCHES}
    # the model: member id → (branch name, category) while in the party
    model: dict = {member.pk: (name, member.category) for name, org in orgs.items()
                   for member in Member.objects.filter(person__organization=org)}  # the county's own
    with clock.today_is(D(YEAR - 1, 12, 31)):
        for name, org in orgs.items():
            for joined, category, full_on in ((D(2010, 5, 1), MemberCategory.FULL, D(2011, 5, 1)),
                                              (D(2024, 3, 1), MemberCategory.PROBATIONARY, None)):
                member = new_member(org, joined=joined, category=category, full_on=full_on)
                model[member.pk] = (name, category)
    opening = dict(model)
    day = D(YEAR, 1, 5)
    for op, target, detail in steps:
        day += datetime.timedelta(days=20)
        try:
            with clock.today_is(day), transaction.atomic():  # a refused step changes nothing
                apply(op, target, detail, day, orgs, model)
        except ValidationError:
            pass
    with clock.today_is(D(YEAR + 1, 1, 10)):
        for root in [Organization.objects.get(pk=county.county.pk), *Organization.objects.filter(
                pk__in=[county.township_a.pk, county.township_b.pk])]:
            period = statistics.Period(root, YEAR)
            table = statistics.reconciliation(period)
            for row, cells in table.items():
                for category, cell in cells.items():
                    assert cell["balanced"], (root.name, row, category, cell)
            branch_paths = {name: org.path for name, org in orgs.items()}
            for label, state, figure in (("opening", opening, "opening"), ("closing", model, "closing")):
                expected = {pk for pk, (name, _c) in state.items() if branch_paths[name].startswith(root.path)}
                found = set(statistics.people(period, figure).values_list("pk", flat=True))
                assert found == expected, (label, root.name)
                by_category = {c: {pk for pk in expected if state[pk][1] == c} for c in statistics.CATEGORIES}
                for category, ids in by_category.items():
                    assert set(statistics.people(period, figure, category=category).values_list("pk", flat=True)) \
                        == ids, (label, category)
            total = table.get("total", {}).get("all")
            if total:
                assert total["closing"] == len([1 for name, _c in model.values()
                                                if branch_paths[name].startswith(root.path)])


def apply(op, target, detail, day, orgs, model):
    """One step of the year through the services, and the model changed as it says."""
    present = sorted(model)
    if op == "join":
        member = new_member(orgs[target], joined=day, category=MemberCategory.PROBATIONARY)
        model[member.pk] = (target, MemberCategory.PROBATIONARY)
        return
    if op == "in":
        member = new_member(orgs[target], joined=D(2015, 1, 1), category=MemberCategory.FULL, full_on=D(2016, 1, 1))
        transfers.transfer_in(user=None, member=member, outside_name="外省某支部", serial="X-1",
                              issued_on=day - datetime.timedelta(days=3), dues_paid_to="2025-01", on=day)
        model[member.pk] = (target, MemberCategory.FULL)
        return
    if not present:
        return
    pk = present[target % len(present)]
    member = Member.objects.get(pk=pk)
    where, category = model[pk]
    if op in ("move", "hold", "send_back"):
        if detail == where:
            return
        letter = transfers.transfer_issue(user=None, member=member, kind="within", to_org=orgs[detail],
                                          dues_paid_to=day.strftime("%Y-%m"), confirm=True)
        if op == "move":
            transfers.transfer_accept(user=None, transfer=letter, on=day)
            model[pk] = (detail, category)
        elif op == "hold":
            transfers.transfer_hold(user=None, transfer=letter, reason="材料不全")
            transfers.transfer_cancel(user=None, transfer=letter, reason="撤回")
        else:
            transfers.transfer_return(user=None, transfer=letter, reason="不符合接收条件")
    elif op == "out":
        letter = transfers.transfer_issue(user=None, member=member, kind="out", outside_name="外省某支部",
                                          dues_paid_to=day.strftime("%Y-%m"), confirm=True)
        transfers.transfer_receipt(user=None, transfer=letter, on=day)
        del model[pk]
    elif op == "full":
        services.standing_change(user=None, member=member, kind=Kind.MAKE_FULL, on=day, decided_by="支部大会",
                                 confirm=True)
        model[pk] = (where, MemberCategory.FULL)
    else:
        services.standing_change(user=None, member=member, kind=Kind.EXIT, on=day, reason=detail,
                                 decided_by="支部大会", confirm=True)
        del model[pk]

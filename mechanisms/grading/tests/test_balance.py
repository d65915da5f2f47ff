"""The spread of county leaders and cadres over the lagging organizations: properties of balance.spread."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mechanisms.grading.balance import OverLoad, spread


@st.composite
def cases(draw):
    pool = draw(st.integers(min_value=1, max_value=12))
    cap = draw(st.integers(min_value=1, max_value=6))
    organizations = draw(st.integers(min_value=0, max_value=pool * cap))
    return list(range(organizations)), [f"p{n}" for n in range(pool)], cap


@given(cases())
def test_each_organization_gets_exactly_one_person_loads_within_one_and_under_the_cap(case):
    organizations, pool, cap = case
    assignment = spread(organizations, pool, cap=cap)
    assert sorted(assignment) == organizations
    assert set(assignment.values()) <= set(pool)
    loads = [list(assignment.values()).count(person) for person in pool]
    assert max(loads) - min(loads) <= 1
    assert max(loads) <= cap


@given(cases(), st.data())
def test_existing_loads_are_evened_out_and_the_cap_holds(case, data):
    organizations, pool, cap = case
    loads = {person: data.draw(st.integers(min_value=0, max_value=cap)) for person in pool}
    room = sum(cap - load for load in loads.values())
    if len(organizations) > room:
        with pytest.raises(OverLoad):
            spread(organizations, pool, cap=cap, loads=loads)
        return
    assignment = spread(organizations, pool, cap=cap, loads=loads)
    totals = {person: loads[person] + list(assignment.values()).count(person) for person in pool}
    assert max(totals.values()) <= cap
    # nobody got more while somebody who ended lower was available
    for person, total in totals.items():
        if total > loads[person]:
            assert all(other >= total - 1 for other in totals.values())


@given(st.integers(min_value=1, max_value=8), st.integers(min_value=1, max_value=4))
def test_more_organizations_than_the_pool_can_carry_are_refused(pool_size, cap):
    with pytest.raises(OverLoad):
        spread(list(range(pool_size * cap + 1)), [f"p{n}" for n in range(pool_size)], cap=cap)

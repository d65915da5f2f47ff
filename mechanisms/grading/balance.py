"""The even spread of "3+1" support team members: a pure function, so that its promises can be property-tested.

Each organization gets exactly one person of the pool; a person already carrying ``loads[person]``
organizations takes the next one only while every other person carries at least as many, so loads
starting even end within one of each other; nobody goes beyond ``cap``.
"""
import heapq


class OverLoad(Exception):
    """More organizations than the pool can carry within the cap."""


def spread(organizations: list, pool: list, *, cap: int, loads: dict | None = None) -> dict:
    """``{organization: person}`` giving each organization one person of ``pool`` (in pool order on ties)."""
    loads = dict(loads or {})
    room = sum(max(cap - loads.get(person, 0), 0) for person in pool)
    if len(organizations) > room:
        raise OverLoad(len(organizations), room)
    heap = [(loads.get(person, 0), order, person) for order, person in enumerate(pool)]
    heapq.heapify(heap)
    assignment = {}
    for organization in organizations:
        load, order, person = heapq.heappop(heap)
        assignment[organization] = person
        heapq.heappush(heap, (load + 1, order, person))
    return assignment

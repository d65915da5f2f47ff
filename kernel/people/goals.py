"""Members' yearly goals (目标责任书, seed 000 §三.2) as the app that keeps them tells the apps that need the outcome
without knowing it: democratic evaluation (mechanisms.membership) bars 评优 for a member whose goals were not met, and
reads the outcome from here when the goals are not said otherwise (a mechanism may not import another).

An app registers a source in one of its ``hooks`` modules::

    from kernel.people.goals import goals_outcome_source

    @goals_outcome_source
    def outcomes(member_ids, year) -> dict[int, str]: ...

A source answers for the members ``member_ids`` (member ids, a list or a queryset of them) and the year: ``"yes"``
(the goals met) or ``"no"`` (not met) for the members whose outcome it has recorded; a member it has no outcome for is
left out. ``goals_outcomes`` merges the sources' answers ("no" wins over "yes").
"""
from collections.abc import Callable

MET, NOT_MET = "yes", "no"
_SOURCES: list[Callable] = []


def goals_outcome_source(fn: Callable) -> Callable:
    """Registers ``fn(member_ids, year) -> {member id: "yes" | "no"}``; use as a decorator."""
    if fn not in _SOURCES:
        _SOURCES.append(fn)
    return fn


def goals_outcomes(member_ids, year: int) -> dict[int, str]:
    """{member id: "yes" | "no"} for the members some source has a recorded outcome of for ``year``."""
    found: dict[int, str] = {}
    for source in _SOURCES:
        for member_id, outcome in source(member_ids, year).items():
            if outcome not in (MET, NOT_MET):
                continue
            found[member_id] = NOT_MET if NOT_MET in (outcome, found.get(member_id)) else outcome
    return found


def goals_outcome(member_id: int, year: int) -> str | None:
    """One member's recorded outcome for ``year`` ("yes", "no"), or None."""
    return goals_outcomes([member_id], year).get(member_id)

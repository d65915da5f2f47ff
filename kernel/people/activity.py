"""Members' organization life (组织生活) as the apps that record it see it, for the apps that need it without knowing
them (the early warning of 自行脱党 in membership reads what orglife's attendance ledger says, and a mechanism may
not import another).

An app registers a source in one of its ``hooks`` modules::

    from kernel.people.activity import member_activity_source

    @member_activity_source
    def attendance(person_ids, since, until) -> dict[int, Life]: ...

A source answers for the persons ``person_ids`` (a list of ids or a queryset of them, read as a subquery) and the
days ``since`` to ``until`` (both included): how many times each was expected at organization life and how, and the
last time each was present, up to ``until``. A person a source knows nothing of is left out of its answer.
``organization_life`` adds up every source's answer.
"""
import datetime
from collections.abc import Callable
from dataclasses import dataclass

_SOURCES: list[Callable] = []


@dataclass(frozen=True)
class Life:
    """One person's organization life over a window: times present, excused (leave asked for and given) and absent
    without leave; the last day present, also before the window (None: never recorded)."""

    present: int = 0
    excused: int = 0
    absent: int = 0
    last_present: datetime.date | None = None

    @property
    def expected(self) -> int:
        return self.present + self.excused + self.absent

    def __add__(self, other: "Life") -> "Life":
        lasts = [day for day in (self.last_present, other.last_present) if day is not None]
        return Life(self.present + other.present, self.excused + other.excused, self.absent + other.absent,
                    max(lasts) if lasts else None)


def member_activity_source(fn: Callable) -> Callable:
    """Registers ``fn(person_ids, since, until) -> {person id: Life}``; use as a decorator."""
    if fn not in _SOURCES:
        _SOURCES.append(fn)
    return fn


def organization_life(person_ids, since: datetime.date, until: datetime.date) -> dict[int, Life]:
    """{person id: Life} over ``since``..``until`` from every source, for the persons some source knows of."""
    found: dict[int, Life] = {}
    for source in _SOURCES:
        for person_id, life in source(person_ids, since, until).items():
            found[person_id] = found.get(person_id, Life()) + life
    return found

"""Figures of the party statistics annual report (党内统计年报) that other apps hold: member training (orglife's
classes and participants), member development (development's cases). The report lives in membership, which may
not import another mechanism; each app that holds figures registers a source in one of its ``hooks`` modules::

    from kernel.people.statistics_sources import StatisticsSource, statistics_source

    statistics_source(StatisticsSource(
        key="training", title=_("Member training"), order=10,
        columns=lambda: [("times", _("Person-times")), ...],
        count=count_training,      # (root_path, width, start, end) -> {row: {column: n}}
        people=training_people,    # (root_path, start, end, column, row) -> a Person queryset, or None
    ))

``count`` answers for the subtree at ``root_path`` and the days ``start`` to ``end`` (both included), grouped by
the report's row: the first ``width`` characters of the path where the figure is counted (a child of the root), or
a shorter path for the root's own. ``grouped`` does that grouping in the database. ``people`` gives the persons
behind one column (within a row: a child's path, or the root's path for its own, or None for the whole subtree);
None for an unknown column. Counts must be made in the database (GROUP BY), never member by member: the province
has millions of members.
"""
import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.db.models.functions import Substr

from kernel.core.tree import subtree_q


@dataclass(frozen=True)
class StatisticsSource:
    key: str
    title: object
    columns: Callable[[], list[tuple[str, object]]]
    count: Callable[[str, int, datetime.date, datetime.date], dict[str, dict[str, int]]]
    people: Callable[..., QuerySet | None]
    order: int = 0
    note: object = ""


_SOURCES: dict[str, StatisticsSource] = {}


def statistics_source(source: StatisticsSource) -> StatisticsSource:
    """Registers ``source`` (once per key: registering a key again replaces it)."""
    _SOURCES[source.key] = source
    return source


def sources() -> list[StatisticsSource]:
    return sorted(_SOURCES.values(), key=lambda source: (source.order, source.key))


def source(key: str) -> StatisticsSource | None:
    return _SOURCES.get(key)


def grouped(queryset: QuerySet, path_field: str, width: int, counts: dict) -> dict[str, dict[str, int]]:
    """{row prefix: {column: n}} of ``queryset`` grouped by the first ``width`` characters of ``path_field``,
    ``counts`` being {column: an aggregate} (``Count("pk", filter=Q(...))``, ``Count("person", distinct=True)``)."""
    rows = (queryset.order_by().annotate(stat_row=Substr(path_field, 1, width)).values("stat_row")
            .annotate(**counts))
    return {row.pop("stat_row"): {key: row[key] or 0 for key in counts} for row in rows}


def within(queryset: QuerySet, path_field: str, root_path: str, row: str | None) -> QuerySet:
    """``queryset`` restricted to a row of the report: a child's subtree, the root's own (``row`` equal to
    ``root_path``), or the whole subtree (None)."""
    if row is None:
        return queryset.filter(subtree_q(path_field, [root_path]))
    if row == root_path:
        return queryset.filter(**{path_field: root_path})
    return queryset.filter(subtree_q(path_field, [row]))


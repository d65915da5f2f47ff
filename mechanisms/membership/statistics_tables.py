"""The further tables of the party statistics annual report (MEMBERSHIP.md), beside the reconciling form and the
closing members' tables of ``statistics``:

- the two-year comparison of member counts (last year's end against this year's, the basic situation's columns);
- leaving the party in two tables: by way of leaving and category (from the reconciling form), and the leavers by
  age, education and time of joining, by way of leaving;
- probationary members made full: on time, after an extended probation, probation extended in the year,
  probationary membership cancelled (the standing records);
- member development in two tables: applicants, activists and development targets (the development app's source,
  ``kernel.people.statistics_sources``), and the members admitted in the year by sex, age, education, occupation;
- member training (the training app's source);
- in-party commendations (the register ``models_commendation``) by honour and level.

Each count is one GROUP BY in the database (by the report's row: the first ``width`` characters of the path where
the figure counts), and each figure opens the people behind it (``extra_people``, called by ``statistics.people``).
"""
from django.db.models import CharField, Count, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from kernel.core.tree import subtree_q
from kernel.people.choices import Education, MemberCategory, Occupation
from kernel.people.models import Member
from kernel.people.statistics_sources import source as find_source
from kernel.people.statistics_sources import sources

from . import commendations
from .models import ExitReason, Kind, StandingChange
from .models_commendation import CommendationLevel, Honour
from .statistics import (
    LEAVING,
    Period,
    _age_q,
    closing_groups,
    organizations,
    reconciliation,
    rows_of,
    table_filters,
    tables,
)
from .statistics import people as statistics_people

LEAVER_TABLES = ("age", "education", "joining")
PROBATION_COLUMNS = ("made_full", "on_time", "after_extension", "extended", "cancelled")
PROBATION_LABELS = {"made_full": _("Made full members"), "on_time": _("On time"),
                    "after_extension": _("After an extended probation"), "extended": _("Probation extended"),
                    "cancelled": _("Probationary membership cancelled")}
EXTRA_TITLES = {"comparison": _("Two-year comparison of member counts"),
                "leaving_ways": _("Leaving the party (1): by way of leaving and category"),
                "leavers": _("Leaving the party (2): the leavers by age, education and time of joining"),
                "probation": _("Probationary members made full"),
                "admitted": _("Member development (2): members admitted in the year"),
                "commendations": _("In-party commendations")}


def previous(period: Period) -> Period:
    return Period(period.root, period.year - 1)


def row_of_prefix(period: Period, prefix: str) -> str:
    return prefix if len(prefix) == period.width else period.root.path


def _by_row(period: Period, rows, counts: dict, field: str = "stood") -> dict:
    """{row path and "total": {column: n}} of ``rows`` grouped by the report's row."""
    found: dict = {"total": {key: 0 for key in counts}}
    grouped = rows.order_by().annotate(stat_row=Substr(field, 1, period.width)).values("stat_row").annotate(**counts)
    for group in grouped:
        cell = found.setdefault(row_of_prefix(period, group["stat_row"]), {key: 0 for key in counts})
        for key in counts:
            cell[key] += group[key] or 0
            found["total"][key] += group[key] or 0
    return found


# --- leaving -------------------------------------------------------------------------------------------------------

def leaver_filters(period: Period) -> dict:
    """{"total" and "<table>:<column>": Q} of the leavers' table (age at the year's end)."""
    filters = table_filters(period)
    found = {"total": Q(), "women": Q(person__gender="female")}
    for table in LEAVER_TABLES:
        for key, _label, q in filters[table]:
            found[f"{table}:{key}"] = q
    return found


def leavers(period: Period, sets: dict) -> dict:
    """{way of leaving and "total": {column: n}}."""
    filters = leaver_filters(period)
    counts = {column.replace(":", "__"): Count("pk", filter=q) for column, q in filters.items()}
    found = {reason: {column: 0 for column in filters} for reason in [*LEAVING, "total"]}
    for group in sets["left"].order_by().values("way_of_leaving").annotate(**counts):
        for column in filters:
            n = group[column.replace(":", "__")] or 0
            found.setdefault(group["way_of_leaving"], {c: 0 for c in filters})[column] += n
            found["total"][column] += n
    return found


# --- probation -----------------------------------------------------------------------------------------------------

def _extended_before():
    return Exists(StandingChange.objects.filter(member=OuterRef("pk"), kind=Kind.EXTEND_PROBATION,
                                                withdrawn_on__isnull=True))


def probation_sets(period: Period, sets: dict) -> dict:
    """Each probation column's members, with ``stood`` and ``category_then``."""
    made_full = sets["made_full"].annotate(extended_before=_extended_before())
    changes = StandingChange.objects.filter(kind=Kind.EXTEND_PROBATION, on__year=period.year,
                                            withdrawn_on__isnull=True)
    where = (changes.filter(member=OuterRef("pk")).order_by("-on", "-pk").values("org_path")[:1])
    extended = (Member.objects.filter(pk__in=changes.filter(subtree_q("org_path", [period.root.path]))
                                      .values("member_id"))
                .annotate(stood=Subquery(where, output_field=CharField()),
                          category_then=Value(MemberCategory.PROBATIONARY.value, output_field=CharField()))
                .filter(subtree_q("stood", [period.root.path])))
    return {"made_full": made_full, "on_time": made_full.filter(extended_before=False),
            "after_extension": made_full.filter(extended_before=True), "extended": extended,
            "cancelled": sets["left"].filter(way_of_leaving=ExitReason.PROBATION_CANCELLED)}


def probation(period: Period, sets: dict) -> dict:
    found = _by_row(period, probation_sets(period, sets)["made_full"],
                    {"made_full": Count("pk"), "on_time": Count("pk", filter=Q(extended_before=False)),
                     "after_extension": Count("pk", filter=Q(extended_before=True))})
    for name in ("extended", "cancelled"):
        rows = probation_sets(period, sets)[name]
        for row, cell in _by_row(period, rows, {name: Count("pk")}).items():
            found.setdefault(row, {key: 0 for key in ("made_full", "on_time", "after_extension")})[name] = cell[name]
    for cell in found.values():
        for key in PROBATION_COLUMNS:
            cell.setdefault(key, 0)
    return found


# --- members admitted ----------------------------------------------------------------------------------------------

def admitted_filters(period: Period) -> list[tuple[str, object, Q]]:
    end = period.end
    found = [("total", _("Members admitted"), Q()), ("women", _("Women"), Q(person__gender="female")),
             ("minority", _("Ethnic minorities"), ~Q(person__ethnicity="01")),
             ("young", _("35 or under"), _age_q(end, None, 35)),
             ("college", _("Junior college or above"),
              Q(person__education__in=[Education.GRADUATE, Education.UNIVERSITY, Education.COLLEGE]))]
    found += [(f"occupation_{value}", label, Q(person__occupation=value)) for value, label in Occupation.choices]
    found.append(("occupation_none", _("Occupation not recorded"), Q(person__occupation="")))
    return found


def admitted(period: Period, sets: dict) -> dict:
    return _by_row(period, sets["joined"], {key: Count("pk", filter=q) for key, _label, q in admitted_filters(period)})


# --- other apps' sources -------------------------------------------------------------------------------------------

def source_tables(period: Period) -> dict:
    """{source key: {"title", "note", "columns", "rows": {row: {column: n}}, "total"}} of every registered source."""
    found = {}
    for src in sources():
        columns = src.columns()
        blank = {key: 0 for key, _label in columns}
        rows: dict = {}
        for prefix, cells in src.count(period.root.path, period.width, period.start, period.end).items():
            cell = rows.setdefault(row_of_prefix(period, prefix), dict(blank))
            for key in blank:
                cell[key] += cells.get(key, 0)
        whole = src.count(period.root.path, len(period.root.path), period.start, period.end)
        total = {key: sum(cells.get(key, 0) for cells in whole.values()) for key in blank}
        found[src.key] = {"title": src.title, "note": src.note, "columns": columns, "rows": rows, "total": total}
    return found


# --- commendations -------------------------------------------------------------------------------------------------

def commendation_table(period: Period) -> dict:
    """{"grid": {honour: {level and "total": n}}, "rows": {row and "total": {honour and "total": n}}}."""
    levels, honours = CommendationLevel.values, Honour.values
    grid = {honour: {key: 0 for key in [*levels, "total"]} for honour in [*honours, "total"]}
    rows: dict = {"total": {key: 0 for key in [*honours, "total"]}}
    for group in commendations.counts(period.root.path, period.year, period.width):
        n, honour, level = group["n"], group["honour"], group["level"]
        for h in (honour, "total"):
            for lv in (level, "total"):
                grid[h][lv] += n
        for row in (row_of_prefix(period, group["row"]), "total"):
            cell = rows.setdefault(row, {key: 0 for key in [*honours, "total"]})
            cell[honour] += n
            cell["total"] += n
    return {"grid": grid, "rows": rows}


# --- all of them ---------------------------------------------------------------------------------------------------

def extra_tables(period: Period, data: dict) -> dict:
    from .statistics import event_sets

    sets = event_sets(period)
    return {"comparison": {"before": tables(previous(period), only=("basic",))["basic"],
                           "after": data["tables"]["basic"]},
            "leavers": leavers(period, sets), "probation": probation(period, sets),
            "admitted": admitted(period, sets), "sources": source_tables(period),
            "commendations": commendation_table(period)}


def extra_people(period: Period, sets: dict, name: str, detail: str, row: str | None):
    """The members behind a figure of these tables (to be filtered by row and category by the caller), the persons
    behind a source's figure (filtered here), False for an unknown column, None for a figure not of these tables:
    ``before:<column>`` (last year's end, the basic columns), ``left_by:<column>[:<way>]``,
    ``probation:<column>``, ``admitted:<column>``, ``source:<key>:<column>``."""
    if name == "before":
        columns = {key: q for key, _label, q in table_filters(previous(period))["basic"]}
        return sets["opening"].filter(columns[detail]) if detail in columns else False
    if name == "left_by":
        filters = leaver_filters(period)
        parts = detail.split(":")
        column, way = (":".join(parts[:2]), parts[2] if len(parts) > 2 else "") if parts[0] in LEAVER_TABLES \
            else (parts[0], parts[1] if len(parts) > 1 else "")
        if column not in filters or (way and way not in LEAVING):
            return False
        rows = sets["left"].filter(filters[column])
        return rows.filter(way_of_leaving=way) if way else rows
    if name == "probation":
        found = probation_sets(period, sets)
        return found[detail] if detail in found else False
    if name == "admitted":
        columns = {key: q for key, _label, q in admitted_filters(period)}
        return sets["joined"].filter(columns[detail]) if detail in columns else False
    if name == "source":
        key, _sep, column = detail.partition(":")
        src = find_source(key)
        if src is None:
            return False
        persons = src.people(period.root.path, period.start, period.end, column, row)
        if persons is None:
            return False
        return persons.select_related("organization").order_by("name_search", "pk")
    return None


def report(period: Period) -> dict:
    """Everything the report shows, computed once: the reconciling form, the closing members' tables, the
    organizations, and the further tables."""
    closing = closing_groups(period)  # the end of the year read once, for the form and the tables
    data = {"reconciliation": reconciliation(period, closing), "tables": tables(period, closing),
            "organizations": organizations(period), "rows": rows_of(period)}
    data.update(extra_tables(period, data))
    return data


def people(period: Period, figure: str, *, row: str | None = None, category: str = ""):
    """The people behind any figure of the report, the further tables' included (``statistics.people``)."""
    return statistics_people(period, figure, row=row, category=category, extra_people=extra_people)

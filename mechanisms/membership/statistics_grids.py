"""The further tables of the statistics annual report (``statistics_tables``) laid out once, as the official forms
lay them, for the page and for the workbook: each a grid of rows (organizations, or the items of the form) and
columns, each figure with the link to the people (or commendations) behind it."""
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from . import statistics, statistics_tables
from .models import ExitReason
from .models_commendation import CommendationLevel, Honour
from .statistics import CATEGORY_LABELS, LEAVING, TOTAL, Period
from .statistics_tables import EXTRA_TITLES, PROBATION_COLUMNS, PROBATION_LABELS


def _people(period: Period, figure: str, row: str | None = None, category: str = "") -> str:
    query = {"root": period.root.pk, "year": period.year, "figure": figure}
    if row and row != "total":
        query["row"] = row
    if category and category != "all":
        query["category"] = category
    return f"{reverse('membership:statistics_people')}?{urlencode(query)}"


def _commended(period: Period, row: str | None = None, **filters) -> str:
    query = {"root": period.root.pk, "year": period.year, **{k: v for k, v in filters.items() if v}}
    if row and row != "total":
        query["row"] = row
    return f"{reverse('membership:commendations')}?{urlencode(query)}"


def _grid(key, title, columns, rows, *, sheet="", note="", first=None) -> dict:
    return {"key": key, "title": str(title), "sheet": str(sheet or title), "note": str(note or ""),
            "first": str(first or _("Organization")), "columns": [str(label) for label in columns], "rows": rows}


def _org_rows(period: Period, data: dict, found: dict, columns: list[str], figure) -> list[dict]:
    """A row per organization of the report (and the total), a cell per column: (n, link or "")."""
    rows = []
    for path, name in [*data["rows"], ("total", str(TOTAL))]:
        cells = found.get(path)
        if cells is None and path != "total":
            continue
        cells = cells or {}
        rows.append({"path": path, "name": name, "total": path == "total",
                     "cells": [(cells.get(column, 0), figure(column, path) if cells.get(column, 0) else "")
                               for column in columns]})
    return rows


def grids(period: Period, data: dict) -> list[dict]:
    """Every further table as a grid, in the order of the official forms."""
    found = []
    # 1. two-year comparison (the basic situation's columns at both ends)
    basic = statistics.table_filters(period)["basic"]
    before, after = data["comparison"]["before"].get("total", {}), data["comparison"]["after"].get("total", {})
    rows = []
    for key, label, _q in basic:
        b, a = before.get(key, 0), after.get(key, 0)
        change = a - b
        rows.append({"path": key, "name": str(label), "total": key == "total", "cells": [
            (b, _people(period, f"before:{key}") if b else ""), (a, _people(period, f"basic:{key}") if a else ""),
            (f"{change:+d}" if change else 0, ""),
            (f"{change * 100 / b:+.1f}%" if b and change else "", "")]})
    found.append(_grid("comparison", EXTRA_TITLES["comparison"],
                       [_("End of %(year)s") % {"year": period.year - 1}, _("End of %(year)s") % {"year": period.year},
                        _("Change"), _("Change (%)")], rows, sheet=_("Two-year comparison"), first=_("Item")))
    by_org = {path: {"before": (data["comparison"]["before"].get(path) or {}).get("total", 0),
                     "after": (cells or {}).get("total", 0)}
              for path, cells in data["comparison"]["after"].items()}
    for path, cells in data["comparison"]["before"].items():
        by_org.setdefault(path, {"before": cells.get("total", 0), "after": 0})
    for cells in by_org.values():
        cells["change"] = cells["after"] - cells["before"]
    org_rows = _org_rows(period, data, by_org, ["before", "after", "change"],
                         lambda column, path: _people(period, "before:total" if column == "before" else "basic:total",
                                                      path) if column != "change" else "")
    for row in org_rows:
        n = row["cells"][2][0]
        row["cells"][2] = (f"{n:+d}" if n else 0, "")
    found.append(_grid("comparison_rows", _("Two-year comparison by organization"),
                       [_("End of %(year)s") % {"year": period.year - 1}, _("End of %(year)s") % {"year": period.year},
                        _("Change")], org_rows, sheet=_("Comparison by organization")))
    # 2. leaving the party: by way and category; the leavers by age, education, time of joining
    labels = {**{value: str(label) for value, label in ExitReason.choices},
              statistics.UNRECORDED: _("Way of leaving not recorded")}
    total = data["reconciliation"].get("total", {})
    categories = list(CATEGORY_LABELS)
    rows = []
    for reason in [*LEAVING, "total"]:
        cells = []
        for category in categories:
            cell = total.get(category) or statistics.blank_cell()
            n = cell["left_total"] if reason == "total" else cell["left"].get(reason, 0)
            figure = "left" if reason == "total" else f"left:{reason}"
            cells.append((n, _people(period, figure, category=category) if n else ""))
        rows.append({"path": reason, "name": str(TOTAL) if reason == "total" else labels[reason],
                     "total": reason == "total", "cells": cells})
    found.append(_grid("leaving_ways", EXTRA_TITLES["leaving_ways"], [CATEGORY_LABELS[c] for c in categories], rows,
                       sheet=_("Leaving by way"), first=_("Way of leaving")))
    filters = statistics.table_filters(period)
    names = {"total": str(TOTAL), "women": _("Women")}
    for table in statistics_tables.LEAVER_TABLES:
        for key, label, _q in filters[table]:
            names[f"{table}:{key}"] = f"{statistics.TABLE_TITLES[table]} · {label}"
    leavers = data["leavers"]
    rows = [{"path": column, "name": name, "total": column == "total", "cells": [
        (leavers.get(way, {}).get(column, 0),
         _people(period, f"left_by:{column}" + (f":{way}" if way != "total" else ""))
         if leavers.get(way, {}).get(column, 0) else "") for way in ["total", *LEAVING]]}
        for column, name in names.items()]
    found.append(_grid("leavers", EXTRA_TITLES["leavers"], [str(TOTAL), *[labels[way] for way in LEAVING]], rows,
                       sheet=_("Leavers by age and education"), first=_("Item")))
    # 3. probationary members made full
    found.append(_grid("probation", EXTRA_TITLES["probation"], [PROBATION_LABELS[c] for c in PROBATION_COLUMNS],
                       _org_rows(period, data, data["probation"], list(PROBATION_COLUMNS),
                                 lambda column, path: _people(period, f"probation:{column}", path)),
                       sheet=_("Made full"),
                       note=_("Made full members = on time + after an extended probation; extensions and "
                              "cancellations are those recorded on the members' standing in the year.")))
    # 4. development (the development app's source first, then the members admitted), training
    sources = data["sources"]
    for key in sources:
        src = sources[key]
        grid = _grid(f"source-{key}", src["title"], [label for _k, label in src["columns"]],
                     _org_rows(period, data, {**src["rows"], "total": src["total"]}, [k for k, _l in src["columns"]],
                               lambda column, path, key=key: _people(period, f"source:{key}:{column}", path)),
                     sheet=src["title"], note=src["note"])
        found.append(grid)
    admitted = statistics_tables.admitted_filters(period)
    found.append(_grid("admitted", EXTRA_TITLES["admitted"], [label for _k, label, _q in admitted],
                       _org_rows(period, data, data["admitted"], [k for k, _l, _q in admitted],
                                 lambda column, path: _people(period, f"admitted:{column}", path)),
                       sheet=_("Members admitted")))
    # 5. commendations: honour by level, and by organization
    grid = data["commendations"]["grid"]
    levels = CommendationLevel.choices
    rows = [{"path": honour, "name": str(TOTAL) if honour == "total" else str(label), "total": honour == "total",
             "cells": [(grid[honour][level], _commended(period, honour=honour if honour != "total" else "",
                                                         level=level if level != "total" else "")
                        if grid[honour][level] else "") for level in ["total", *CommendationLevel.values]]}
            for honour, label in [*Honour.choices, ("total", TOTAL)]]
    found.append(_grid("commendations", EXTRA_TITLES["commendations"], [str(TOTAL), *[lb for _v, lb in levels]], rows,
                       sheet=_("Commendations"), first=_("Honour")))
    found.append(_grid("commendations_rows", _("In-party commendations by organization"),
                       [*[label for _v, label in Honour.choices], str(TOTAL)],
                       _org_rows(period, data, data["commendations"]["rows"], [*Honour.values, "total"],
                                 lambda column, path: _commended(period, path, honour=column if column != "total"
                                                                 else "")),
                       sheet=_("Commendations by organization")))
    return found

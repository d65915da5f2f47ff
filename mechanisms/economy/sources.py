"""What the standards engine can count from the collective economy, as a data source of its items.

- ``economy.empty_reduced.<max>``: "村级集体经济“空壳村”减少" (C06 of the 六个好 township standard) scored from
  the incomes recorded: ``<max>`` points when the villages under the subject organization empty in the
  assessment's year are fewer than the year before, or none is empty with every village's income recorded; 0
  otherwise (also when the year's incomes are not recorded yet). A subject none of whose villages has an income
  recorded for either year gets nothing counted (the item is then scored by hand, as with the dues ledger).
"""
from decimal import Decimal, InvalidOperation

from engines.standards.sources import data_source
from kernel.core.tree import subtree_q
from kernel.orgs.models import Organization

from . import selectors
from .models import VillageStatus


@data_source("economy.empty_reduced.*")
def empty_reduced(sheets, assessment, key):
    try:
        most = Decimal(key)
    except InvalidOperation:
        return {}
    year = assessment.period_end.year
    answer = {}
    for sheet_id, path in sheets.exclude(organization=None).values_list("pk", "org_path"):
        orgs = list(Organization.objects.filter(selectors.village_filter(), subtree_q("path", [path])))
        rows = selectors.village_years(orgs, year)
        if all(r.status == VillageStatus.UNKNOWN and r.before == VillageStatus.UNKNOWN for r in rows):
            continue  # no income recorded under it for either year: scored by hand
        now = sum(r.status == VillageStatus.EMPTY for r in rows)
        before = sum(r.before == VillageStatus.EMPTY for r in rows)
        known = bool(rows) and all(r.status != VillageStatus.UNKNOWN for r in rows)
        reduced = any(r.status != VillageStatus.UNKNOWN for r in rows) and now < before
        answer[sheet_id] = {"points": most if reduced or (known and now == 0) else Decimal(0)}
    return answer

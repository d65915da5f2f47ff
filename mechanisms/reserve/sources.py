"""The reserve pool and two-way cultivation as data sources of the standards' items.

- ``reserve.pool``: the reserve cadres in the pool under each sheet's organization at the end of the assessment's
  period (or today, if earlier) — the item "建立村级后备干部库，后备干部人数" (five-good-village B05, kind count).
- ``reserve.two_way.<max>``: "建立村级后备干部库，开展“双向培养”" (six-good-township B07, kind points) for a
  township: ``<max>``/2 points times the share of its villages with a reserve cadre in the pool on that day, plus
  ``<max>``/2 times the share of its villages with a two-way cultivation under way in the period or achieved in it,
  in half points downwards.

Both say nothing (the item is then scored by hand, as the dues ledger's sources do) while the county running the
assessment has recorded no reserve cadre in the pool by that day (nor, for ``reserve.two_way``, any cultivation):
it does not keep its pool in the system, and a count of 0 would be a wrong answer rather than none.
"""
from collections import Counter
from decimal import ROUND_FLOOR, Decimal, InvalidOperation

from django.db.models import Q

from engines.standards.sources import data_source
from kernel.core import clock
from kernel.core.tree import ancestor_paths, subtree_q
from kernel.orgs.models import Organization, OrgStatus, OrgType

from .models import Cultivation, Outcome, PoolStatus, ReserveCadre

POOL_SOURCE = "reserve.pool"
TWO_WAY_SOURCE = "reserve.two_way.*"
VILLAGE_Q = Q(org_type__in=(OrgType.BRANCH, OrgType.GENERAL_BRANCH), domain__in=("rural", "community"),
              status=OrgStatus.ACTIVE)


def _day(assessment):
    return min(assessment.period_end, clock.today())


def _in_pool(assessment, on):
    """The pool entries under the assessment's owner in the pool on ``on`` (entered by then, not out before)."""
    return (ReserveCadre.objects.filter(subtree_q("org_path", [assessment.owner_path]), since__lte=on)
            .filter(Q(status=PoolStatus.IN_POOL) | Q(outcome_on__gt=on)))


def _kept_here(assessment, on) -> bool:
    """Whether the county running the assessment keeps its pool in the system: an entry by ``on`` under it."""
    return ReserveCadre.objects.filter(subtree_q("org_path", [assessment.owner_path]), since__lte=on).exists()


@data_source(POOL_SOURCE)
def reserve_pool(sheets, assessment):
    on = _day(assessment)
    if not _kept_here(assessment, on):
        return {}
    per_path = Counter()
    for org_path in _in_pool(assessment, on).values_list("org_path", flat=True):
        for ancestor in ancestor_paths(org_path):
            per_path[ancestor] += 1
    paths = dict(sheets.exclude(organization=None).values_list("pk", "organization__path"))
    return {sheet_id: {"count": per_path.get(path, 0)} for sheet_id, path in paths.items()}


@data_source(TWO_WAY_SOURCE)
def two_way(sheets, assessment, key):
    try:
        most = Decimal(key)
    except InvalidOperation:
        return {}
    on = _day(assessment)
    cultivations = Cultivation.objects.filter(subtree_q("org_path", [assessment.owner_path]), started_on__lte=on)
    if not _kept_here(assessment, on) and not cultivations.exists():
        return {}
    with_pool = set(_in_pool(assessment, on).values_list("org_path", flat=True))
    # under way on the day, or achieved in the period up to it (在培或年内培养成功)
    cultivating = set(cultivations.filter(
        Q(outcome=Outcome.ONGOING) | Q(outcome_on__gt=on)
        | Q(outcome=Outcome.ACHIEVED, outcome_on__gte=assessment.period_start)).values_list("org_path", flat=True))
    paths = dict(sheets.exclude(organization=None).values_list("pk", "organization__path"))
    sheets_of = {}
    for sheet_id, path in paths.items():
        sheets_of.setdefault(path, []).append(sheet_id)
    villages, pooled, cultivated = Counter(), Counter(), Counter()
    for village in Organization.objects.filter(VILLAGE_Q, subtree_q("path", paths.values())).values_list(
            "path", flat=True):
        for ancestor in ancestor_paths(village):
            for sheet_id in sheets_of.get(ancestor, ()):
                villages[sheet_id] += 1
                pooled[sheet_id] += village in with_pool
                cultivated[sheet_id] += village in cultivating
    half = most / 2
    answer = {}
    for sheet_id, count in villages.items():
        points = half * (Decimal(pooled[sheet_id]) + Decimal(cultivated[sheet_id])) / count
        answer[sheet_id] = {"points": (points * 2).to_integral_value(rounding=ROUND_FLOOR) / 2}
    return answer

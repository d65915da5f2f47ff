"""The reserve pool as a data source of the standards' items: ``reserve.pool`` counts the reserve cadres in the
pool under each sheet's organization at the end of the assessment's period (or today, if earlier) — the item
"建立村级后备干部库，后备干部人数" (five-good-village B05, kind count) names it as its ``source``."""
from engines.standards.sources import data_source
from kernel.core import clock

from .selectors import in_pool_counts

POOL_SOURCE = "reserve.pool"


@data_source(POOL_SOURCE)
def reserve_pool(sheets, assessment):
    on = min(assessment.period_end, clock.today())
    paths = dict(sheets.exclude(organization=None).values_list("pk", "organization__path"))
    return {sheet_id: {"count": count} for sheet_id, count in in_pool_counts(paths, on).items()}

"""The dues ledger as data sources of the standards' items.

- ``registers.dues``: the 党费收缴花名册 of 十有六册 is kept when the organization has a dues ledger for a month
  of the assessment's period (it prints from the data).
- ``dues.collection.<max>``: "按时足额收缴党费" scored from the ledger: ``<max>`` points times the share of the
  period's member-months paid in full by the end of the month after, in half points downwards.
"""
from decimal import ROUND_FLOOR, Decimal

from django.db.models import Count, F, Q

from engines.standards.sources import data_source
from kernel.core.tree import subtree_q

from .dues import month_of, months_between, next_month
from .models_dues import DuesLine


def _lines(sheets, assessment):
    """The period's lines of each sheet's organization subtree: {sheet id: (organization path)}."""
    paths = dict(sheets.exclude(organization=None).values_list("pk", "organization__path"))
    start, end = month_of(assessment.period_start), month_of(assessment.period_end)
    return paths, DuesLine.objects.filter(month__gte=start, month__lte=end, owed__isnull=False)


@data_source("registers.dues")
def dues_register(sheets, assessment):
    paths, lines = _lines(sheets, assessment)
    return {sheet_id: {"passed": lines.filter(subtree_q("org_path", [path])).exists()}
            for sheet_id, path in paths.items()}


@data_source("dues.collection.*")
def dues_collection(sheets, assessment, key):
    """Points for collecting dues on time and in full; a sheet whose organization has no ledger gets nothing
    counted (the item is then scored by hand)."""
    try:
        most = Decimal(key)
    except ArithmeticError:
        return {}
    paths, lines = _lines(sheets, assessment)
    on_time = Q()
    for month in months_between(assessment.period_start, assessment.period_end):  # paid by the end of the month after
        on_time |= Q(month=month, paid_on__lt=next_month(next_month(month)))
    answers = {}
    for sheet_id, path in paths.items():
        row = (lines.filter(subtree_q("org_path", [path]))
               .aggregate(total=Count("pk"), on_time=Count("pk", filter=Q(paid__gte=F("owed")) & on_time)))
        if row["total"]:
            share = Decimal(row["on_time"]) / Decimal(row["total"])
            answers[sheet_id] = {"points": (most * share * 2).to_integral_value(rounding=ROUND_FLOOR) / 2}
    return answers


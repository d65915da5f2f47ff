"""What the standards engine can count from the duties reported on, as data sources of its items.

- ``duties.on_time.<rule code>``: the subject's obligations of that duty rule whose period ends within the
  assessment's period and that were done by their deadline, ``{"count": n}``.
- ``reporting.on_time.<topic>``: the same over every rule of that topic (e.g. ``party_building_report``: the
  township's quarterly and the village's half-yearly reports).
"""
from django.db.models import Count

from engines.duties.models import Obligation, ObligationState
from engines.standards.sources import data_source


def _on_time(sheets, assessment, **rule) -> dict:
    done = Obligation.objects.filter(state=ObligationState.DONE, period_end__gte=assessment.period_start,
                                     period_end__lte=assessment.period_end, **rule)
    answer = {}
    for field in ("organization_id", "person_id"):
        subjects = dict(sheets.exclude(**{field: None}).values_list(field, "pk"))
        if not subjects:
            continue
        counts = dict(done.filter(**{f"{field}__in": subjects}).values(field).annotate(n=Count("id"))
                      .values_list(field, "n"))
        answer.update({sheet_id: {"count": counts.get(subject, 0)} for subject, sheet_id in subjects.items()})
    return answer


@data_source("duties.on_time.*")
def rule_done_on_time(sheets, assessment, key):
    return _on_time(sheets, assessment, rule__code=key)


@data_source("reporting.on_time.*")
def topic_done_on_time(sheets, assessment, key):
    return _on_time(sheets, assessment, version__topic=key)

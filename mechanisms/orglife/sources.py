"""What the standards engine can count from organization life, as data sources of its items.

- ``orglife.meetings.<kind>`` (branch_general, committee, group, lecture, themed_day, life_meeting): the
  meetings of that kind the subject organization held in the assessment's period, ``{"count": n}``.
- ``orglife.training.person_days``: days attended at training classes starting in the period, by the subject
  person or by the people of the subject organization's subtree.
- ``orglife.training.classes``: training classes the subject organization organized starting in the period.
"""
from collections import defaultdict

from django.db.models import Count, Sum

from engines.standards.sources import data_source
from kernel.core.tree import ancestor_paths, subtree_q

from .models import Meeting, MeetingKind, Participant, TrainingClass


def _by_organization(sheets) -> dict:
    return dict(sheets.exclude(organization=None).values_list("organization_id", "pk"))


def _counts_for(sheets, counts: dict) -> dict:
    """{sheet_id: {"count": n}} for every organization sheet, 0 where nothing was counted."""
    return {sheet_id: {"count": int(counts.get(org_id) or 0)} for org_id, sheet_id in _by_organization(sheets).items()}


@data_source("orglife.meetings.*")
def meetings_held(sheets, assessment, key):
    if key not in MeetingKind.values:
        return {}
    held = (Meeting.objects.filter(organization_id__in=sheets.exclude(organization=None).values("organization_id"),
                                   kind=key, date__gte=assessment.period_start, date__lte=assessment.period_end)
            .values("organization_id").annotate(n=Count("id")).values_list("organization_id", "n"))
    return _counts_for(sheets, dict(held))


def _attended(assessment):
    return Participant.objects.filter(training_class__start_on__gte=assessment.period_start,
                                      training_class__start_on__lte=assessment.period_end)


@data_source("orglife.training.person_days")
def training_person_days(sheets, assessment):
    answer = {}
    people = dict(sheets.exclude(person=None).values_list("person_id", "pk"))
    if people:
        days = dict(_attended(assessment).filter(person_id__in=people).values("person_id")
                    .annotate(days=Sum("attended_days")).values_list("person_id", "days"))
        answer.update({sheet_id: {"count": int(days.get(person_id) or 0)} for person_id, sheet_id in people.items()})
    orgs = list(sheets.exclude(organization=None).values_list("pk", "org_path"))
    if orgs:
        # One range (the assessment's owner's subtree) summed by path, rolled up to the sheets' subtrees here.
        by_path = (_attended(assessment).filter(subtree_q("org_path", [assessment.owner_path]))
                   .values("org_path").annotate(days=Sum("attended_days")).values_list("org_path", "days"))
        totals = defaultdict(int)
        for path, days in by_path:
            for ancestor in ancestor_paths(path):
                totals[ancestor] += days or 0
        answer.update({sheet_id: {"count": totals.get(path, 0)} for sheet_id, path in orgs})
    return answer


@data_source("orglife.training.classes")
def training_classes_held(sheets, assessment):
    held = (TrainingClass.objects.filter(organizer_id__in=sheets.exclude(organization=None).values("organization_id"),
                                         start_on__gte=assessment.period_start, start_on__lte=assessment.period_end)
            .values("organizer_id").annotate(n=Count("id")).values_list("organizer_id", "n"))
    return _counts_for(sheets, dict(held))

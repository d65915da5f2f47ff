"""What the standards engine asks of this mechanism: each item of the monthly standard counted from the month's
records (``representatives.<item>``), and each representative's ranking class (the studio)."""
from collections import Counter, defaultdict
from decimal import Decimal

from engines.standards.models import Item
from engines.standards.sources import classifier, data_source

from .library import CLASSIFIER, SOURCE_PREFIX
from .models import Activity, ActivityKind, HouseholdRequest, Proposal, Representative, Studio

OTHER_KINDS = (ActivityKind.MEETING, ActivityKind.QUESTION, ActivityKind.EVALUATION)
VISIT_POINTS = 10


def _reps(sheets, assessment) -> dict:
    """{sheet id: representative id} of the assessment's owner's congresses."""
    people = dict(sheets.exclude(person=None).values_list("person_id", "pk"))
    reps = (Representative.objects.filter(person_id__in=people, congress__org_path=assessment.owner_path,
                                          congress__opened_on__lte=assessment.period_end,
                                          congress__term_ends_on__gte=assessment.period_start)
            .values_list("person_id", "pk"))
    return {people[person_id]: rep_id for person_id, rep_id in reps}


def _activity_counts(rep_ids, assessment, kinds) -> Counter:
    rows = (Activity.objects.filter(representative_id__in=rep_ids, kind__in=kinds,
                                    occurred_on__range=(assessment.period_start, assessment.period_end))
            .values_list("representative_id", flat=True))
    return Counter(rows)


def month_points(rep_ids, assessment) -> dict:
    """{item key: {representative id: points}} of the month (the maximum of each item from the standard)."""
    counts = {kind: _activity_counts(rep_ids, assessment, [kind]) for kind in
              (ActivityKind.ACTIVITY_DAY, ActivityKind.RESEARCH, ActivityKind.HOUSEHOLD_VISIT)}
    other = _activity_counts(rep_ids, assessment, OTHER_KINDS)
    year_start = assessment.period_start.replace(month=1, day=1)
    proposed = set(Proposal.objects.filter(representative_id__in=rep_ids,
                                           submitted_on__range=(year_start, assessment.period_end))
                   .values_list("representative_id", flat=True))
    due = defaultdict(lambda: [0, 0])
    for rep_id, done_on, deadline in (HouseholdRequest.objects.filter(
            representative_id__in=rep_ids, deadline__range=(assessment.period_start, assessment.period_end))
            .values_list("representative_id", "done_on", "deadline")):
        due[rep_id][0] += 1
        due[rep_id][1] += done_on is not None and done_on <= deadline
    maxima = dict(Item.objects.filter(version_id=assessment.version_id, source__startswith=SOURCE_PREFIX)
                  .values_list("source", "max_points"))

    def top(key):
        return Decimal(maxima.get(SOURCE_PREFIX + key, 0))

    points = {}
    for rep_id in rep_ids:
        visits = counts[ActivityKind.HOUSEHOLD_VISIT][rep_id]
        owed, on_time = due.get(rep_id, (0, 0))
        points[rep_id] = {
            "activity_day": top("activity_day") if counts[ActivityKind.ACTIVITY_DAY][rep_id] else Decimal(0),
            "research": top("research") if counts[ActivityKind.RESEARCH][rep_id] else Decimal(0),
            "household_visit": min(top("household_visit"), Decimal(VISIT_POINTS * visits)),
            "proposal": top("proposal") if rep_id in proposed else Decimal(0),
            "requests": top("requests") if not owed else _half(top("requests") * on_time / owed),
            "other": top("other") if other[rep_id] else Decimal(0),
        }
    return points


@data_source(SOURCE_PREFIX + "*")
def month_item(sheets, assessment, key) -> dict:
    by_sheet = _reps(sheets, assessment)
    points = month_points(list(by_sheet.values()), assessment)
    return {sheet_id: {"points": _half(points[rep_id].get(key, Decimal(0)))} for sheet_id, rep_id in by_sheet.items()}


def _half(value: Decimal) -> Decimal:
    return (Decimal(value) * 2).to_integral_value() / 2


def _studio_labels():
    return list(Studio.objects.values_list("pk", "name"))


@classifier(CLASSIFIER, labels=lambda: [(str(pk), name) for pk, name in _studio_labels()])
def studio_class(subjects) -> dict:
    """Each person's class: the studio of their latest representative's office."""
    keys = {}
    for person_id, studio_id in (Representative.objects.filter(person_id__in=[s.pk for s in subjects])
                                 .order_by("person_id", "pk").values_list("person_id", "studio_id")):
        keys[person_id] = str(studio_id or "")
    return keys

"""What the standards engine asks of this mechanism: the attendance item's score from the month's check-ins,
and each secretary's ranking class (the class of the village they are sent to)."""
from collections import defaultdict

from engines.standards.models import Item
from engines.standards.sources import classifier, data_source

from .attendance import month_minimums
from .library import ATTENDANCE_SOURCE, CLASSIFIER
from .models import Dispatch, VillageClass
from .selectors import attendance_points, attendance_totals, serving_in


@data_source(ATTENDANCE_SOURCE)
def attendance(sheets, assessment) -> dict:
    from .selectors import rule_for

    item = Item.objects.filter(version_id=assessment.version_id, source=ATTENDANCE_SOURCE).first()
    rule = rule_for(assessment.owner)
    sheets = list(sheets.exclude(person=None).values_list("pk", "person_id"))
    start, end = assessment.period_start, assessment.period_end
    people = [person_id for _pk, person_id in sheets]
    totals = attendance_totals(people, start, end)
    dispatches = defaultdict(list)
    for dispatch in serving_in(Dispatch.objects.filter(person_id__in=people, org_path__startswith=assessment.owner_path),
                               start, end):
        dispatches[dispatch.person_id].append(dispatch)
    empty = {"days": 0, "nights": 0}
    return {pk: {"points": attendance_points(totals.get(person_id, empty),
                                             month_minimums(rule, dispatches[person_id], start, end),
                                             item.max_points)}
            for pk, person_id in sheets}


@classifier(CLASSIFIER, labels=lambda: VillageClass.choices)
def village_class(subjects) -> dict:
    """Each person's class: that of their dispatch in post, else of their latest dispatch."""
    keys = {}
    rows = (Dispatch.objects.filter(person_id__in=[s.pk for s in subjects])
            .order_by("person_id", "started_on", "pk").values_list("person_id", "village_class", "status"))
    for person_id, village_class, status in rows:
        if status == Dispatch.Status.IN_POST or keys.get(person_id, (None, ""))[0] != Dispatch.Status.IN_POST:
            keys[person_id] = (status, village_class)
    return {person_id: value for person_id, (_status, value) in keys.items()}

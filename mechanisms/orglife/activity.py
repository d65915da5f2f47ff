"""The attendance ledger as a source of members' organization life (kernel.people.activity): the meetings all members
are expected at (``ORGANIZATION_LIFE``), as the six-month absence flag counts them (selectors.absentees)."""
from django.db.models import Count, Max, Q

from kernel.people.activity import Life, member_activity_source

from .models import ORGANIZATION_LIFE, Attendance
from .selectors import ABSENT, EXCUSED, PRESENT


@member_activity_source
def attendance(person_ids, since, until) -> dict[int, Life]:
    """Two queries: the window's tally per person, then the last day present of those present at none of it."""
    window = (Attendance.objects.filter(person_id__in=person_ids, kind__in=ORGANIZATION_LIFE, date__gte=since,
                                        date__lte=until)
              .values("person_id").annotate(present=Count("pk", filter=Q(status=PRESENT)),
                                            excused=Count("pk", filter=Q(status=EXCUSED)),
                                            absent=Count("pk", filter=Q(status=ABSENT)),
                                            last=Max("date", filter=Q(status=PRESENT))))
    tallies = {row["person_id"]: row for row in window}
    never = [pk for pk, row in tallies.items() if not row["present"]]
    earlier = dict(Attendance.objects.filter(person_id__in=never, kind__in=ORGANIZATION_LIFE, status=PRESENT,
                                             date__lt=since).values("person_id").annotate(last=Max("date"))
                   .values_list("person_id", "last")) if never else {}
    return {pk: Life(row["present"], row["excused"], row["absent"], row["last"] or earlier.get(pk))
            for pk, row in tallies.items()}

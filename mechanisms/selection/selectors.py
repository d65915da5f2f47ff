"""Reads of the good-cadre selection; everything that names a person goes through ``restrict``."""
from django.db.models import Count, Q

from kernel.core import rates

from .models import Candidate, Decision, Nomination, Nominee, Objection, PoolEntry, Round, Selection


def selections(user):
    return Selection.objects.restrict(user).select_related("owner").annotate(
        nominee_count=Count("nominees", distinct=True))


def rounds(selection: Selection):
    return Round.objects.filter(selection=selection).order_by("number")


def funnel(selection: Selection) -> dict:
    """Counts per round (figures, no names): who entered, went through, was eliminated, and the rates."""
    nominated = Nominee.objects.filter(selection=selection).count()
    steps = []
    for round_ in rounds(selection):
        steps.append({"round": round_, "entered": round_.entered, "passed": round_.passed,
                      "eliminated": round_.eliminated, "rate": round_.elimination_rate,
                      "percent": rates.rate(round_.eliminated, round_.entered)})
    closed = [step for step in steps if step["round"].status == "closed"]
    selected = closed[-1]["passed"] if closed and len(closed) == len(steps) else None
    overall = None if selected is None or not nominated else (nominated - selected) / nominated
    # the percent shown: from the counts, rounded once (kernel.core.rates), never from the float share
    overall_percent = None if selected is None else rates.rate(nominated - selected, nominated)
    return {"nominated": nominated, "steps": steps, "selected": selected, "overall_rate": overall,
            "overall_percent": overall_percent}


def nominees(user, selection: Selection, *, channel: str = "", search: str = ""):
    rows = Nominee.objects.restrict(user).filter(selection=selection).select_related("person__organization")
    if channel:
        rows = rows.filter(nominations__channel=channel).distinct()
    if search:
        rows = rows.filter(Q(person__name__contains=search) | Q(person__name_initials__startswith=search.lower()))
    return rows.annotate(nomination_count=Count("nominations")).order_by("id")


def nominations(user, selection: Selection):
    return Nomination.objects.restrict(user).filter(selection=selection).select_related(
        "nominee__person").order_by("-id")


def channel_counts(selection: Selection) -> dict:
    return dict(Nomination.objects.filter(selection=selection).values_list("channel").annotate(n=Count("id"))
                .values_list("channel", "n"))


def candidates(user, round_: Round, *, outcome: str = ""):
    rows = Candidate.objects.restrict(user).filter(round=round_).select_related(
        "nominee__person__organization", "sheet")
    if outcome:
        rows = rows.filter(outcome=outcome)
    return rows.order_by("id")


def objections(user, *, selection: Selection | None = None, round_: Round | None = None):
    rows = Objection.objects.restrict(user).select_related("candidate__nominee__person", "candidate__round")
    if selection is not None:
        rows = rows.filter(candidate__round__selection=selection)
    if round_ is not None:
        rows = rows.filter(candidate__round=round_)
    return rows.order_by("raised_on", "id")


def decisions(user, candidate: Candidate):
    return Decision.objects.restrict(user).filter(candidate=candidate).select_related("decided_by")


def pool(user, *, selection: Selection | None = None, year: int | None = None, person=None):
    rows = PoolEntry.objects.restrict(user).select_related("person__organization", "selection")
    if selection is not None:
        rows = rows.filter(selection=selection)
    if year is not None:
        rows = rows.filter(year=year)
    if person is not None:
        rows = rows.filter(person=person)
    return rows.order_by("-year", "org_path", "id")

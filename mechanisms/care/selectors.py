"""Reads of care and service, through ``restrict``. Every figure of the summary is the count or total of one list
the pages show: the members cared for (old or in hardship) and those visited, the fund's balance, the commitments
and their judgement, the volunteer hours, the pairs."""
import datetime
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from kernel.core.tree import subtree_q
from kernel.people.choices import MemberStatus
from kernel.people.models import Person

from .models import (
    CareVisit,
    Commitment,
    CommitmentState,
    FundEntry,
    FundKind,
    Hardship,
    Pairing,
    PairingOutcome,
    VolunteerService,
)

OLD_AGE = 70
CENT = Decimal("0.01")


def money(value) -> Decimal:
    """A sum of yuan with its two decimals (SQLite's sums lose them)."""
    return Decimal(value or 0).quantize(CENT)
AGE_CHOICES = (60, 65, 70, 75, 80)
WHICH = ("", "old", "hardship", "visited", "unvisited")


def old_cutoff(year: int, age: int) -> datetime.date:
    """Born on or before this day: aged ``age`` or more by the year's end."""
    return datetime.date(year - age, 12, 31)


def _in_hardship(year: int):
    """A hardship open at some time in the year."""
    return Hardship.objects.filter(person_id=OuterRef("pk"), since__lte=datetime.date(year, 12, 31)).filter(
        Q(lifted_on__isnull=True) | Q(lifted_on__gte=datetime.date(year, 1, 1)))


def _visits(year: int):
    return CareVisit.objects.filter(person_id=OuterRef("pk"), visited_on__year=year)


def cared_for(user, root, year: int, *, age: int = OLD_AGE, which: str = "", q: str = ""):
    """The members in good standing under ``root`` who are old (aged ``age`` by the year's end) or in hardship in the
    year, with their visits, help and last visit in the year; ``which`` narrows to the old, those in hardship, those
    visited or not; ``q`` searches every member by name (to reach one not yet cared for)."""
    rows = (Person.objects.restrict(user).filter(subtree_q("org_path", [root.path]),
                                                 membership__status=MemberStatus.ACTIVE)
            .annotate(hardship=Exists(_in_hardship(year)),
                      hardship_reason=Subquery(_in_hardship(year).order_by("-since").values("reason")[:1]),
                      visits=Coalesce(Subquery(_visits(year).values("person_id").annotate(n=Count("pk"))
                                               .values("n")[:1], output_field=IntegerField()), Value(0)),
                      helped=Coalesce(Subquery(_visits(year).values("person_id").annotate(total=Sum("amount"))
                                               .values("total")[:1],
                                               output_field=DecimalField(max_digits=12, decimal_places=2)),
                                      Value(Decimal(0)), output_field=DecimalField(max_digits=12, decimal_places=2)),
                      last_visit=Subquery(_visits(year).order_by("-visited_on").values("visited_on")[:1]))
            .select_related("organization"))
    old = Q(birth_date__lte=old_cutoff(year, age))
    if q:
        rows = rows.filter(name__icontains=q.strip())
    else:
        rows = rows.filter(old | Q(hardship=True))
    if which == "old":
        rows = rows.filter(old)
    elif which == "hardship":
        rows = rows.filter(hardship=True)
    elif which == "visited":
        rows = rows.filter(visits__gt=0)
    elif which == "unvisited":
        rows = rows.filter(visits=0)
    return rows.order_by("org_path", "birth_date", "pk")


def fund_entries(user, root, *, year: int | None = None):
    rows = FundEntry.objects.restrict(user).filter(subtree_q("org_path", [root.path])).select_related(
        "organization", "person")
    if year:
        rows = rows.filter(on__year=year)
    return rows.order_by("-on", "-pk")


def fund_balances(user, root) -> list[dict]:
    """Each fund under ``root``: its organization, money in, payouts and balance (withdrawn entries left out)."""
    rows = (FundEntry.objects.restrict(user).live().filter(subtree_q("org_path", [root.path]))
            .values("organization_id", "organization__name", "org_path")
            .annotate(income=Sum("amount", filter=Q(kind=FundKind.INCOME), default=Decimal(0)),
                      payouts=Sum("amount", filter=Q(kind=FundKind.PAYOUT), default=Decimal(0)),
                      paid_to=Count("person", filter=Q(kind=FundKind.PAYOUT), distinct=True))
            .order_by("org_path"))
    return [{**row, "income": money(row["income"]), "payouts": money(row["payouts"]),
             "balance": money(row["income"]) - money(row["payouts"])} for row in rows]


def commitments(user, root, year: int, state: str = ""):
    rows = (Commitment.objects.restrict(user).filter(subtree_q("org_path", [root.path]), year=year)
            .select_related("person", "person__organization"))
    if state in CommitmentState.values:
        rows = rows.filter(state=state)
    return rows.order_by("org_path", "person__name", "pk")


def volunteer_hours(user, root, year: int):
    """Per member with service in the year: the activities and hours, the most hours first."""
    return (VolunteerService.objects.restrict(user).filter(subtree_q("org_path", [root.path]), served_on__year=year)
            .values("person_id", "person__name", "person__organization__name")
            .annotate(activities=Count("pk"), hours=Sum("hours")).order_by("-hours", "person__name"))


def volunteer_total(user, root, year: int) -> dict:
    """{hours, people} of the year's volunteer service under ``root``."""
    return (VolunteerService.objects.restrict(user).filter(subtree_q("org_path", [root.path]), served_on__year=year)
            .aggregate(hours=Sum("hours", default=Decimal(0)), people=Count("person", distinct=True)))


def pairings(user, root, *, year: int, active_only: bool = False):
    """The pairs under ``root`` in force at some time in the year, with the year's outcome."""
    rows = (Pairing.objects.restrict(user).filter(subtree_q("org_path", [root.path]),
                                                  since__lte=datetime.date(year, 12, 31))
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=datetime.date(year, 1, 1)))
            .select_related("organization", "partner"))
    if active_only:
        rows = rows.filter(ended_on__isnull=True)
    outcome = PairingOutcome.objects.filter(pairing_id=OuterRef("pk"), year=year)
    return rows.annotate(outcome_text=Subquery(outcome.values("outcome")[:1]),
                         outcome_projects=Subquery(outcome.values("projects")[:1]),
                         outcome_funds=Subquery(outcome.values("funds")[:1])).order_by("org_path", "since", "pk")


def summary(user, root, year: int, *, age: int = OLD_AGE) -> dict:
    """The figures of the care page and the home panel, each the count or total of a list."""
    cared = cared_for(user, root, year, age=age)
    aggregate = {"old": cared.filter(birth_date__lte=old_cutoff(year, age)).count(),
                 "hardship": cared.filter(hardship=True).count(), "total": cared.count(),
                 "visited": cared.filter(visits__gt=0).count()}
    visits = CareVisit.objects.restrict(user).filter(subtree_q("org_path", [root.path]), visited_on__year=year)
    help_total = money(visits.aggregate(total=Sum("amount"))["total"])
    balances = fund_balances(user, root)
    promised = commitments(user, root, year).aggregate(
        made=Count("pk"), fulfilled=Count("pk", filter=Q(state=CommitmentState.FULFILLED)),
        unfulfilled=Count("pk", filter=Q(state=CommitmentState.UNFULFILLED)))
    service = volunteer_total(user, root, year)
    pairs = pairings(user, root, year=year)
    return {"old": aggregate["old"], "hardship": aggregate["hardship"], "cared": aggregate["total"],
            "visited": aggregate["visited"],
            "visited_percent": round(100 * aggregate["visited"] / aggregate["total"], 1) if aggregate["total"] else None,
            "help": help_total, "fund_balance": money(sum((b["balance"] for b in balances), Decimal(0))),
            "funds": len(balances), **{f"commitments_{key}": value for key, value in promised.items()},
            "fulfilled_percent": round(100 * promised["fulfilled"] / promised["made"], 1) if promised["made"] else None,
            "volunteer_hours": service["hours"], "volunteers": service["people"], "pairings": pairs.count(),
            "pairings_with_outcome": pairs.filter(outcome_text__isnull=False).count()}


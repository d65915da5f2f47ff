"""Reads of members' goals and plaques, through ``restrict``; the figures the pages, the API and the home panel
share (each figure on the home panel is the one on the page it links to)."""
from django.db.models import Count, Q
from django.db.models.functions import Substr

from kernel.core.tree import SEGMENT_WIDTH, subtree_q
from kernel.orgs.models import Organization
from kernel.people.choices import MemberStatus
from kernel.people.models import Member

from .models import (
    OUT_OF_POVERTY,
    CheckStatus,
    GoalLetter,
    GoalTemplate,
    LiveStatus,
    ModelMember,
    Outcome,
    OutcomeBatch,
    PairOutcome,
    Plaque,
    PlaqueNaming,
    PlaqueStatus,
    PovertyPair,
    SpotCheck,
    SpotCheckEntry,
)


def _under(rows, under: Organization | None, field: str = "org_path"):
    return rows.filter(subtree_q(field, [under.path])) if under is not None else rows


def letters(user, *, year: int, under: Organization | None = None, organization: Organization | None = None,
            outcome: str = ""):
    rows = GoalLetter.objects.restrict(user).filter(year=year).select_related("person", "organization")
    rows = _under(rows, under)
    if organization is not None:
        rows = rows.filter(organization=organization)
    if outcome:
        rows = rows.filter(outcome=outcome)
    return rows.order_by("org_path", "person__name", "pk")


def letter_figures(user, under: Organization | None, year: int) -> dict:
    """Members in good standing, letters signed, their share, and the outcomes (met, not met, pending)."""
    members = _under(Member.objects.restrict(user).filter(status=MemberStatus.ACTIVE), under).count()
    counts = _under(GoalLetter.objects.restrict(user).filter(year=year), under).aggregate(
        total=Count("pk"), met=Count("pk", filter=Q(outcome=Outcome.MET)),
        not_met=Count("pk", filter=Q(outcome=Outcome.NOT_MET)), pending=Count("pk", filter=Q(outcome=Outcome.PENDING)))
    share = round(100 * counts["total"] / members, 1) if members else 0
    return {"members": members, "letters": counts["total"], "share": share, "met": counts["met"],
            "not_met": counts["not_met"], "pending": counts["pending"]}


def by_child(user, parent: Organization, year: int) -> list[dict]:
    """Per child of ``parent`` the user sees: members, letters, met, not met, behind at the latest check."""
    width = len(parent.path) + SEGMENT_WIDTH
    children = list(Organization.objects.restrict(user).filter(parent=parent).order_by("path"))

    def counted(rows, **aggregates):
        return {row["child"]: row for row in rows.annotate(child=Substr("org_path", 1, width)).values("child")
                .annotate(**aggregates).order_by()}

    members = counted(_under(Member.objects.restrict(user).filter(status=MemberStatus.ACTIVE), parent), n=Count("pk"))
    letters_ = counted(_under(GoalLetter.objects.restrict(user).filter(year=year), parent), n=Count("pk"),
                       met=Count("pk", filter=Q(outcome=Outcome.MET)),
                       not_met=Count("pk", filter=Q(outcome=Outcome.NOT_MET)))
    behind = counted(_under(SpotCheckEntry.objects.restrict(user).filter(spot_check__year=year,
                                                                          status=CheckStatus.BEHIND), parent),
                     n=Count("letter_id", distinct=True))
    rows = []
    for child in children:
        row = letters_.get(child.path, {})
        rows.append({"organization": child, "members": members.get(child.path, {}).get("n", 0),
                     "letters": row.get("n", 0), "met": row.get("met", 0), "not_met": row.get("not_met", 0),
                     "behind": behind.get(child.path, {}).get("n", 0)})
    return rows


def spot_checks(user, *, organization: Organization | None = None, under: Organization | None = None,
                year: int | None = None):
    rows = SpotCheck.objects.restrict(user).select_related("organization", "submission__obligation")
    rows = _under(rows, under)
    if organization is not None:
        rows = rows.filter(organization=organization)
    if year is not None:
        rows = rows.filter(year=year)
    return rows.prefetch_related("entries__letter__person").order_by("org_path", "-year", "-quarter")


def templates(user, year: int | None = None):
    rows = GoalTemplate.objects.restrict(user).select_related("owner")
    if year is not None:
        rows = rows.filter(year=year)
    return rows.order_by("owner_path", "-year", "member_class")


def plaques(user, *, under: Organization | None = None, status: str = "", year: int | None = None):
    rows = _under(Plaque.objects.restrict(user), under).select_related("person", "organization", "naming",
                                                                       "village_title")
    if status:
        rows = rows.filter(status=status)
    if year is not None:
        rows = rows.filter(year=year)
    return rows.order_by("org_path", "person__name", "-year", "pk")


def namings(user, *, under: Organization | None = None):
    rows = PlaqueNaming.objects.restrict(user).select_related("owner")
    if under is not None:
        rows = rows.filter(subtree_q("owner_path", [under.path]))
    return rows.annotate(n_granted=Count("granted", distinct=True), n_removed=Count("removed", distinct=True))


def plaque_figures(user, under: Organization | None, year: int) -> dict:
    rows = _under(Plaque.objects.restrict(user), under)
    return {"held": rows.filter(status=PlaqueStatus.HELD).count(),
            "granted": rows.filter(year=year, naming__status=LiveStatus.ACTIVE).count(),
            "removed": rows.filter(status=PlaqueStatus.REMOVED, removed_on__year=year).count()}


def model_members(user, *, under: Organization | None = None, year: int | None = None, active_only: bool = True):
    rows = _under(ModelMember.objects.restrict(user), under).select_related("person", "organization")
    if active_only:
        rows = rows.filter(status=LiveStatus.ACTIVE)
    if year is not None:
        rows = rows.filter(year=year)
    return rows.order_by("-year", "org_path", "person__name", "pk")


def model_figures(user, under: Organization | None, year: int) -> dict:
    rows = model_members(user, under=under)
    return {"year": rows.filter(year=year).count(), "total": rows.count()}


def pairs(user, *, under: Organization | None = None, outcome: str = ""):
    rows = _under(PovertyPair.objects.restrict(user), under).select_related("person", "organization")
    if outcome == "out_any":
        rows = rows.filter(outcome__in=OUT_OF_POVERTY)
    elif outcome:
        rows = rows.filter(outcome=outcome)
    return rows.order_by("org_path", "-started_on", "pk")


def pair_figures(user, under: Organization | None) -> dict:
    counts = _under(PovertyPair.objects.restrict(user), under).aggregate(
        total=Count("pk"), out=Count("pk", filter=Q(outcome=PairOutcome.OUT)),
        basically_out=Count("pk", filter=Q(outcome=PairOutcome.BASICALLY_OUT)),
        helping=Count("pk", filter=Q(outcome=PairOutcome.HELPING)),
        not_out=Count("pk", filter=Q(outcome=PairOutcome.NOT_OUT)))
    counts["out_any"] = counts["out"] + counts["basically_out"]
    return counts


def outcome_batches(user, *, organization: Organization | None = None, under: Organization | None = None,
                    year: int | None = None):
    """The savings of the year-end outcome grids, newest first, each with how many outcomes it changed."""
    rows = _under(OutcomeBatch.objects.restrict(user), under).select_related("organization", "recorded_by")
    if organization is not None:
        rows = rows.filter(organization=organization)
    if year is not None:
        rows = rows.filter(year=year)
    return rows.annotate(n_changes=Count("changes")).order_by("-saved_on", "-pk")

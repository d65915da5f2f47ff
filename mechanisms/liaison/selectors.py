"""Reads of liaison points, visits and service-day requests, every one through the user's scope."""
import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr

from engines.standards.models import Standard, TitleAward
from kernel.core import rates
from kernel.core.tree import SEGMENT_WIDTH, subtree_q
from kernel.orgs.models import Organization

from .models import LiaisonPoint, LiaisonVisit, RequestStatus, ServiceRequest

FIVE_GOOD = "five-good-village"


def percent(part: int, whole: int) -> Decimal | None:
    return rates.rate(part, whole)


def points(user, *, year=None, under: Organization | None = None, level=None, current=None):
    rows = LiaisonPoint.objects.restrict(user).select_related("leader", "organization")
    if year:
        rows = rows.filter(year=year)
    if under is not None:
        rows = rows.filter(subtree_q("org_path", [under.path]))
    if level:
        rows = rows.filter(level=level)
    if current is True:
        rows = rows.filter(ended_on__isnull=True)
    return rows.annotate(visit_count=Count("visits"), amount=Sum("visits__amount"))


def history(user, organization: Organization):
    """Every assignment of an organization as a liaison point, newest first (who held it when)."""
    return (LiaisonPoint.objects.restrict(user).filter(organization=organization)
            .select_related("leader").order_by("-year", "-assigned_on"))


def leader_summary(user, year: int, *, under: Organization | None = None) -> list[dict]:
    """The year-end summary (年底通报) per leader: points, visits, help and amounts, in the user's scope."""
    visits = LiaisonVisit.objects.restrict(user).filter(point__year=year)
    assignments = LiaisonPoint.objects.restrict(user).filter(year=year)
    if under is not None:
        visits = visits.filter(subtree_q("org_path", [under.path]))
        assignments = assignments.filter(subtree_q("org_path", [under.path]))
    rows: dict = {}
    for point in assignments.select_related("leader", "organization").order_by("leader__name", "assigned_on"):
        row = rows.setdefault(point.leader_id, {"leader": point.leader, "points": [], "levels": set(), "visits": 0,
                                                "amount": Decimal("0"), "help": [], "last_visit": None})
        row["points"].append(point)
        row["levels"].add(point.get_level_display())
    for visit in visits.select_related("point").order_by("visited_on"):
        row = rows.get(visit.point.leader_id)
        if row is None:
            continue
        row["visits"] += 1
        row["amount"] += visit.amount
        if visit.help_given:
            row["help"].append(visit.help_given)
        row["last_visit"] = visit.visited_on
    return sorted(rows.values(), key=lambda row: (-row["visits"], row["leader"].name))


def titled_share(user, root: Organization, *, year: int, standard_code: str = FIVE_GOOD,
                 on: datetime.date | None = None) -> dict:
    """Of the organizations under ``root`` holding the standard's title on ``on`` (default: the year's end),
    how many are liaison points that year (seed 000: 73% of the named 五个好 villages)."""
    on = on or datetime.date(year, 12, 31)
    standard = Standard.objects.filter(code=standard_code).first()
    titled = TitleAward.objects.restrict(user).filter(
        subtree_q("org_path", [root.path]), organization__isnull=False, granted_on__lte=on,
    ).filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=on))
    titled = titled.filter(standard=standard) if standard else titled.none()
    titled_ids = set(titled.values_list("organization_id", flat=True))
    liaison_ids = set(LiaisonPoint.objects.restrict(user).filter(
        year=year, organization_id__in=titled_ids).values_list("organization_id", flat=True))
    return {"standard": standard, "titled": len(titled_ids), "liaison": len(liaison_ids),
            "share": percent(len(liaison_ids), len(titled_ids)), "on": on}


def _child_prefix(root: Organization):
    return Substr("org_path", 1, len(root.path) + SEGMENT_WIDTH)


def requests(user, *, under: Organization | None = None, status=None, date_from=None, date_to=None):
    rows = ServiceRequest.objects.restrict(user).select_related("organization", "handler")
    if under is not None:
        rows = rows.filter(subtree_q("org_path", [under.path]))
    if status:
        rows = rows.filter(status=status)
    if date_from:
        rows = rows.filter(service_date__gte=date_from)
    if date_to:
        rows = rows.filter(service_date__lte=date_to)
    return rows


def request_counts(user, root: Organization, *, date_from=None, date_to=None) -> dict:
    """Service-day requests per child of ``root`` (townships under a county, villages under a township):
    received, in progress, done, and the total."""
    rows = requests(user, under=root, date_from=date_from, date_to=date_to).exclude(org_path=root.path)
    counted = (rows.annotate(child=_child_prefix(root)).values("child", "status").order_by()
               .annotate(n=Count("pk")))
    per_child: dict = defaultdict(lambda: {s: 0 for s in RequestStatus.values})
    for entry in counted:
        per_child[entry["child"]][entry["status"]] = entry["n"]
    children = {org.path: org for org in Organization.objects.restrict(user).filter(path__in=per_child.keys())}
    table = []
    total = {s: 0 for s in RequestStatus.values}
    for path in sorted(per_child):
        counts = per_child[path]
        for status, n in counts.items():
            total[status] += n
        table.append({"org": children.get(path), "path": path, **counts, "total": sum(counts.values()),
                      "done_share": percent(counts[RequestStatus.DONE], sum(counts.values()))})
    return {"rows": table, "total": {**total, "total": sum(total.values()),
                                     "done_share": percent(total[RequestStatus.DONE], sum(total.values()))}}

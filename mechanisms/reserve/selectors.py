"""Reads of the reserve mechanism, through ``restrict``; the yearly counts the pages, the API, the workbooks and the
home panel share (so each figure is the same wherever it shows)."""
import datetime

from django.db.models import Count, Q

from kernel.core.tree import subtree_q

from .models import Cultivation, DutyPostAssignment, MemberDutyPost, Outcome, PoolStatus, ReserveCadre, Track


def _under(rows, under, field="org_path"):
    return rows.filter(subtree_q(field, [under.path])) if under is not None else rows


def pool(user, *, under=None, status: str = "", year: int | None = None, since_year: int | None = None,
         outcome_year: int | None = None):
    """The reserve cadres the user sees; ``year``: those in the pool at some time of the year (entered by its end,
    not out before its start); ``since_year``: entered in that year; ``outcome_year``: out of the pool in it."""
    rows = _under(ReserveCadre.objects.restrict(user), under).select_related("person", "organization")
    if status:
        rows = rows.filter(status=status)
    if since_year:
        rows = rows.filter(since__year=since_year)
    if outcome_year:
        rows = rows.filter(outcome_on__year=outcome_year)
    if year:
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        rows = rows.filter(since__lte=end).filter(Q(outcome_on__isnull=True) | Q(outcome_on__gte=start))
    return rows.order_by("org_path", "since", "pk")


def pool_figures(user, year: int, *, under=None) -> dict:
    """The pool in ``year``: in the pool now, entered in the year, appointed in the year, left in the year, and the
    villages with at least one reserve cadre in the pool."""
    rows = _under(ReserveCadre.objects.restrict(user), under)
    current = rows.filter(status=PoolStatus.IN_POOL)
    return {
        "in_pool": current.count(),
        "villages": current.values("organization_id").distinct().count(),
        "entered": rows.filter(since__year=year).count(),
        "appointed": rows.filter(status=PoolStatus.APPOINTED, outcome_on__year=year).count(),
        "left": rows.filter(status=PoolStatus.LEFT, outcome_on__year=year).count(),
    }


def cultivations(user, *, under=None, track: str = "", outcome: str = "", year: int | None = None,
                 started_year: int | None = None, outcome_year: int | None = None):
    """``year``: begun or closed in the year; ``started_year``: begun in it; ``outcome_year``: closed in it."""
    rows = _under(Cultivation.objects.restrict(user), under).select_related("person", "organization")
    if track:
        rows = rows.filter(track=track)
    if outcome:
        rows = rows.filter(outcome=outcome)
    if year:
        rows = rows.filter(Q(started_on__year=year) | Q(outcome_on__year=year))
    if started_year:
        rows = rows.filter(started_on__year=started_year)
    if outcome_year:
        rows = rows.filter(outcome_on__year=outcome_year)
    return rows.order_by("org_path", "-started_on", "pk")


def track_counts(user, year: int, *, under=None) -> list[dict]:
    """Per track of two-way cultivation: started in the year, achieved in it, stopped in it, under way at its end
    (or today)."""
    rows = _under(Cultivation.objects.restrict(user), under)
    end = datetime.date(year, 12, 31)
    counts = {row["track"]: row for row in rows.values("track").annotate(
        started=Count("pk", filter=Q(started_on__year=year)),
        achieved=Count("pk", filter=Q(outcome=Outcome.ACHIEVED, outcome_on__year=year)),
        stopped=Count("pk", filter=Q(outcome=Outcome.STOPPED, outcome_on__year=year)),
        ongoing=Count("pk", filter=Q(started_on__lte=end) & (Q(outcome=Outcome.ONGOING) | Q(outcome_on__gt=end))))}
    return [{"track": track.value, "label": str(track.label),
             **{key: counts.get(track.value, {}).get(key, 0) for key in ("started", "achieved", "stopped", "ongoing")}}
            for track in Track]


def duty_posts(user, *, under=None, organization=None):
    rows = _under(MemberDutyPost.objects.restrict(user), under).select_related("organization")
    if organization is not None:
        rows = rows.filter(organization=organization)
    return rows.order_by("org_path", "name", "pk")


def assignments(user, year: int, *, under=None, organization=None):
    rows = _under(DutyPostAssignment.objects.restrict(user), under).filter(year=year).select_related(
        "post", "post__organization", "person")
    if organization is not None:
        rows = rows.filter(post__organization=organization)
    return rows.order_by("org_path", "post__name", "person__name", "pk")


def duty_post_figures(user, year: int, *, under=None) -> dict:
    """Posts for members without office in ``year``: active posts, branches with posts, members assigned,
    assignments reviewed, reviewed as duties not done."""
    posts = _under(MemberDutyPost.objects.restrict(user), under).filter(
        Q(ended_on__isnull=True) | Q(ended_on__year__gte=year))
    rows = _under(DutyPostAssignment.objects.restrict(user), under).filter(year=year)
    return {"posts": posts.count(), "branches": posts.values("organization_id").distinct().count(),
            "members": rows.values("person_id").distinct().count(), "assignments": rows.count(),
            "reviewed": rows.exclude(rating="").count(), "poor": rows.filter(rating="poor").count()}


def in_pool_counts(org_paths: dict, on: datetime.date) -> dict:
    """{key: reserve cadres in the pool on ``on`` under the path} for {key: organization path} (the standards'
    data source)."""
    rows = ReserveCadre.objects.filter(since__lte=on).filter(
        Q(status=PoolStatus.IN_POOL) | Q(outcome_on__gt=on))
    return {key: rows.filter(subtree_q("org_path", [path])).count() for key, path in org_paths.items()}

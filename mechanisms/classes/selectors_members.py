"""Reads of the members' classes (一类/二类/三类党员), through ``restrict`` (``user`` None: the system, everything).

The members counted for a year under an organization are the members in the user's scope under it (by the
member's own path) who are in good standing, or who are not any more but were classed that year. Each carries its
class of the year and of the year before ("" where not classed), so the counts, the movement matrix and the list of
members behind every figure are one and the same set of rows, filtered.
"""
from collections import defaultdict

from django.db.models import Case, CharField, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from kernel.core.tree import subtree_q
from kernel.orgs.models import Organization, OrgStatus
from kernel.people.choices import MemberStatus
from kernel.people.models import Member

from .models import RANK, MemberClassEntry, MemberClassing, Movement, VillageClass, movement
from .selectors import share  # noqa: F401 (the same rounding as the villages')

KLASS_FILTERS = [*VillageClass.values, "none"]
MATRIX_KEYS = [*VillageClass.values, ""]


def _orgs(user):
    return Organization.objects.all() if user is None else Organization.objects.restrict(user)


def _members(user):
    return Member.objects.all() if user is None else Member.objects.restrict(user)


def _live(year: int):
    return MemberClassEntry.objects.filter(member=OuterRef("pk"), year=year, active=True)


def _rank(field: str):
    return Case(*[When(**{field: code}, then=Value(rank)) for code, rank in RANK.items()], default=Value(0),
                output_field=IntegerField())


def member_rows(user, year: int, under: Organization | None = None, *, klass: str = "", before: str = "",
                move: str = "", branch: Organization | None = None):
    """The members counted for ``year`` (see the module) with ``member_class``, ``class_before``, ``class_reason``
    and the ranks; of a class of the year and of the year before (``none``: not classed), of a movement."""
    rows = _members(user).select_related("person", "person__organization")
    if under is not None:
        rows = rows.filter(subtree_q("org_path", [under.path]))
    if branch is not None:
        rows = rows.filter(person__organization=branch)
    rows = rows.annotate(
        member_class=Coalesce(Subquery(_live(year).values("klass")[:1]), Value(""), output_field=CharField()),
        class_before=Coalesce(Subquery(_live(year - 1).values("klass")[:1]), Value(""), output_field=CharField()),
        class_reason=Coalesce(Subquery(_live(year).values("reason")[:1]), Value(""), output_field=CharField()),
    ).annotate(rank_now=_rank("member_class"), rank_before=_rank("class_before"))
    rows = rows.filter(Q(status=MemberStatus.ACTIVE) | ~Q(member_class=""))
    if klass in KLASS_FILTERS:
        rows = rows.filter(member_class="" if klass == "none" else klass)
    if before in KLASS_FILTERS:
        rows = rows.filter(class_before="" if before == "none" else before)
    if move == Movement.UP:
        rows = rows.filter(rank_before__gt=0, rank_now__gt=0, rank_now__lt=F("rank_before"))
    elif move == Movement.DOWN:
        rows = rows.filter(rank_before__gt=0, rank_now__gt=F("rank_before"))
    elif move == Movement.SAME:
        rows = rows.filter(rank_before__gt=0, rank_now=F("rank_before"))
    elif move == Movement.NEW:
        rows = rows.filter(rank_before=0, rank_now__gt=0)
    return rows.order_by("org_path", "person__name", "pk")


def empty_counts() -> dict:
    return {"members": 0, **{k: 0 for k in VillageClass.values}, "none": 0, "classed": 0,
            **{m: 0 for m in Movement.values}}


def _add(counts: dict, now: str, before: str) -> None:
    counts["members"] += 1
    counts[now or "none"] += 1
    if now:
        counts["classed"] += 1
        counts[movement(before, now)] += 1


def counts(user, year: int, under: Organization | None = None) -> dict:
    """The year's counts under ``under`` (everything the user sees when None) and under each organization right
    below it that the user sees: {"total": counts, "rows": [{"organization", **counts}]} where counts are
    {"members", each class, "none" (not classed), "classed", each movement}."""
    root = under
    children = list(_orgs(user).filter(parent=root).exclude(status=OrgStatus.DISSOLVED).order_by("path")
                    .only("pk", "name", "path")) if root is not None else []
    by_path = {child.path: child for child in children}
    width = len(children[0].path) if children else 0
    total, per = empty_counts(), defaultdict(empty_counts)
    for path, now, before in member_rows(user, year, under).order_by().values_list(
            "org_path", "member_class", "class_before").iterator(chunk_size=5000):
        _add(total, now, before)
        child = by_path.get(path[:width]) if width else None
        if child is not None:
            _add(per[child.pk], now, before)
    return {"total": total, "rows": [{"organization": c, **per[c.pk]} for c in children if per[c.pk]["members"]]}


def matrix(user, year: int, under: Organization | None = None) -> dict:
    """{(class the year before, class of the year): members} over the members counted ("" where not classed), with
    the totals of each movement."""
    cells, totals = defaultdict(int), defaultdict(int)
    for now, before in member_rows(user, year, under).order_by().values_list(
            "member_class", "class_before").iterator(chunk_size=5000):
        cells[(before, now)] += 1
        if now:
            totals[movement(before, now)] += 1
    return {"cells": cells, "totals": totals}


def classes_of_year(year: int, member_ids) -> dict:
    """{member id: class} of ``year``'s live classes of the members ``member_ids``."""
    return dict(MemberClassEntry.objects.filter(year=year, active=True, member_id__in=list(member_ids))
                .values_list("member_id", "klass"))


def branch_members(branch: Organization):
    """The members whose branch is ``branch``, in good standing, by name."""
    return (Member.objects.filter(person__organization=branch, status=MemberStatus.ACTIVE)
            .select_related("person").order_by("person__name", "pk"))


def branches(user, action: str = "change", limit: int = 1000):
    """The organizations in the user's reach (``action``) that hold members in good standing directly: those whose
    members are classed, each by itself."""
    held = Member.objects.filter(status=MemberStatus.ACTIVE, person__organization=OuterRef("pk"))
    orgs = Organization.objects.all() if user is None else Organization.objects.restrict(user, action)
    return list(orgs.filter(Exists(held), status=OrgStatus.ACTIVE).order_by("path")[:limit])


def classings(user, year: int | None = None, branch: Organization | None = None):
    rows = MemberClassing.objects.restrict(user).select_related("branch") if user is not None else \
        MemberClassing.objects.select_related("branch")
    if year is not None:
        rows = rows.filter(year=year)
    if branch is not None:
        rows = rows.filter(branch=branch)
    return rows


def row_movement(member) -> str:
    return movement(member.class_before or None, member.member_class or None)

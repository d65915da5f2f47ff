"""Reads of the people registry, always through the user's scope."""
import datetime

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from kernel.core import clock
from kernel.core.changelog import history_for
from kernel.core.scope import VIEW, scope_for
from kernel.core.text import is_latin_query, simplified
from kernel.core.tree import subtree_bounds
from kernel.orgs.models import Organization

from .choices import Classification
from .models import Member, Person

# Age bands as the party statistics report them: (code, youngest, oldest).
AGE_BANDS = [
    ("35-", None, 35),
    ("36-45", 36, 45),
    ("46-55", 46, 55),
    ("56-60", 56, 60),
    ("61-70", 61, 70),
    ("71+", 71, None),
]


def age_band_filter(code: str, today: datetime.date, prefix: str = "") -> Q:
    """People aged within the band today (inclusive); an unknown band matches everyone."""
    bands = {band: (youngest, oldest) for band, youngest, oldest in AGE_BANDS}
    youngest, oldest = bands.get(code, (None, None))
    condition = Q()
    if youngest is not None:  # born on or before today minus `youngest` years
        condition &= Q(**{f"{prefix}birth_date__lte": _years_before(today, youngest)})
    if oldest is not None:  # born after today minus (oldest + 1) years
        condition &= Q(**{f"{prefix}birth_date__gt": _years_before(today, oldest + 1)})
    return condition


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def name_filter(q: str, prefix: str = "") -> Q:
    """Matches a name typed in Chinese (simplified or traditional) or as pinyin initials, by prefix."""
    q = (q or "").strip()
    if not q:
        return Q()
    if is_latin_query(q):
        return Q(**{f"{prefix}name_initials__startswith": q.lower()})
    if q.isdigit() or (len(q) == 18 and q[:17].isdigit()):
        return Q(**{f"{prefix}id_number": q.upper()})
    return Q(**{f"{prefix}name_search__startswith": simplified(q)})


def member_list(*, user, organization: Organization | None = None, status: str = "active",
                classification: str = "", age_band: str = "", education: str = "", gender: str = "",
                ethnicity: str = "", category: str = "", q: str = "",
                today: datetime.date | None = None) -> QuerySet[Member]:
    if organization is not None and scope_for(user).covers(organization.path, realm="people"):
        # The subtree lies wholly inside the user's scope: its one range is the whole restriction. (Adding
        # the scope's own, wider range too makes PostgreSQL misjudge the rows and pick a slower plan.)
        lo, hi = subtree_bounds(organization.path)
        members = Member.objects.filter(org_path__gte=lo, org_path__lt=hi)
    else:
        members = Member.objects.restrict(user)
        if organization is not None:
            lo, hi = subtree_bounds(organization.path)
            members = members.filter(org_path__gte=lo, org_path__lt=hi)
    members = members.select_related("person", "person__organization")
    if status:
        members = members.filter(status=status)
    if category:
        members = members.filter(category=category)
    if classification == Classification.OFFICE:
        members = members.filter(holds_post=True)
    elif classification:
        members = members.filter(holds_post=False, no_post_class=classification)
    if age_band:
        members = members.filter(age_band_filter(age_band, today or clock.today(), prefix="person__"))
    person_filters = {}
    if education:
        person_filters["person__education"] = education
    if gender:
        person_filters["person__gender"] = gender
    if ethnicity:
        person_filters["person__ethnicity"] = ethnicity
    if person_filters:
        members = members.filter(**person_filters)
    if q:
        members = members.filter(name_filter(q, prefix="person__"))
    return members.order_by("org_path", "id")


def search_rank(q: str):
    """How well a person found by ``name_filter(q)`` matches: 0 the whole name, 1 the whole name's pinyin initials
    (``zs`` is 张三's and 赵四's), 2 a name that merely starts so."""
    q = (q or "").strip()
    if is_latin_query(q):
        return Case(When(name_initials=q.lower(), then=Value(1)), default=Value(2), output_field=IntegerField())
    return Case(When(name_search=simplified(q), then=Value(0)), default=Value(2), output_field=IntegerField())


def person_search(*, user, q: str, limit: int | None = 20) -> QuerySet[Person]:
    """People whose name (or its pinyin initials, or ID number) matches ``q``: the exact matches first, then the
    others, each by name. ``limit=None`` answers the whole ordered list, for a page of it."""
    if not (q or "").strip():
        return Person.objects.none()
    people = (Person.objects.restrict(user).filter(name_filter(q)).select_related("organization")
              .annotate(search_rank=search_rank(q)).order_by("search_rank", "name_search", "id"))
    return people if limit is None else people[:limit]


def capped_count(queryset: QuerySet, cap: int) -> int:
    """Counts at most ``cap + 1`` rows (one bounded subquery), so a province-wide list never counts millions."""
    return queryset.select_related(None).order_by()[: cap + 1].count()


def member_total_from_counters(user, organization: Organization | None) -> int | None:
    """Members in good standing under ``organization`` (or the whole scope) from the stored counters.

    None when the counters cannot answer (a member who sees only their own record).
    """
    if organization is not None:
        return organization.subtree_member_count
    scope = scope_for(user)
    if scope.everything:
        roots = Organization.objects.filter(depth=1)
    else:
        paths = scope.roots("people", VIEW)
        if not paths:
            return None
        roots = Organization.objects.filter(path__in=paths)
    return sum(roots.values_list("subtree_member_count", flat=True))


def filter_organizations(user, *, limit: int = 200, selected: Organization | None = None):
    """The organizations offered in the member list's subtree filter: the user's top ones and their children.

    Two indexed queries (by path, then by parent), whatever the tree's size. Deeper ones are reached
    through the organization search or pages; a selected one is always offered.
    """
    scope = scope_for(user)
    fields = ("id", "name", "short_name", "depth", "path")
    visible = Organization.objects.restrict(user).only(*fields)
    roots = list(visible.filter(depth=1) if scope.everything else visible.filter(path__in=scope.roots("org", VIEW)))
    children = list(visible.filter(parent__in=[root.pk for root in roots]).order_by("path")[:limit])
    orgs = sorted(roots + children, key=lambda org: org.path)
    if selected is not None and all(o.pk != selected.pk for o in orgs):
        orgs.append(selected)
    return orgs


def person_history(*, person: Person, membership: Member | None, posts) -> QuerySet:
    """Change records of the person, their membership and their posts, newest first.

    Whoever may see the person sees their whole history, including records written while
    the person belonged to an organization outside the viewer's scope.
    """
    history = history_for(person)
    if membership is not None:
        history = history | history_for(membership)
    for post in posts:
        history = history | history_for(post)
    return history.order_by("-time", "-id")

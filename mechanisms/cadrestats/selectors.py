"""The cadre structure figures (seed 000 §二.1: 乡镇党委书记平均年龄37.3岁, 93.3%达到大专以上文化程度; 村党支部书记平均年龄
43岁, 92%达到初中以上; 村主任平均年龄39.4岁, 初中以上84.2%, 党员占34.4%), computed from the posts held on a day and the
people holding them, for any subtree and year.

- The day of a year is its 31 December, or today for the current year (and a year not yet begun is refused by the
  callers). A post is held on a day when it started on or before it and did not end by it (``Post.objects.current``).
- The groups: township secretaries (the secretary of a rural party committee: a township), village secretaries
  (the secretary of a rural branch: a village, as everywhere in the system), village directors (村委会主任).
- A person's age is counted on the day; education from the registry (blank: not recorded, counted in no share but in
  the number of people); a director is a member when their membership began by the day and had not ended (death,
  leaving) by it; 一肩挑: a village secretary who is also the director of the same village on the day.
- Every figure is the count or the share of a list of people (``people``), which the pages and the API show behind it.
- The figures are counted by the database (one grouped query a year for every group: ``group_figures``; one aggregate
  for a list's own figures: ``list_figures``), so a province's tens of thousands of villages cost as many queries as
  a township's few; the lists behind them are read a page at a time (``holder_rows``).
"""
import datetime
import operator
from dataclasses import dataclass
from functools import reduce

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from kernel.core import clock
from kernel.core.tree import subtree_q
from kernel.orgs.models import Domain, OrgType
from kernel.people.choices import Education, MemberStatus, PostTitle
from kernel.people.models import Post

GROUPS = {
    "township_secretary": _("Township party secretaries"),
    "village_secretary": _("Village party secretaries"),
    "village_director": _("Village committee directors"),
}
GROUP_POSTS = {
    "township_secretary": {"title": PostTitle.SECRETARY, "organization__org_type": OrgType.PARTY_COMMITTEE,
                           "organization__domain": Domain.RURAL},
    "village_secretary": {"title": PostTitle.SECRETARY, "organization__org_type": OrgType.BRANCH,
                          "organization__domain": Domain.RURAL},
    "village_director": {"title": PostTitle.VILLAGE_DIRECTOR},
}
# The education levels, highest first (kernel.people.choices.Education's order), and the shares reported: "X and
# above". Technical secondary (中专) and senior high school stand on one step.
LEVEL = {Education.GRADUATE: 6, Education.UNIVERSITY: 5, Education.COLLEGE: 4, Education.SECONDARY: 3,
         Education.HIGH_SCHOOL: 3, Education.JUNIOR: 2, Education.PRIMARY: 1}
SHARES = {
    "college": (4, _("Junior college or above")),
    "secondary": (3, _("Technical secondary or senior high school or above")),
    "junior": (2, _("Junior high school or above")),
}
EXTRA_SHARES = {
    "member": _("Party members"),
    "combined": _("Secretary and director the same person"),
}
AGE_BANDS = (("35", 0, 35, _("35 or under")), ("45", 36, 45, _("36 to 45")), ("55", 46, 55, _("46 to 55")),
             ("56", 56, 200, _("56 or over")))
EXITED = (MemberStatus.DECEASED, MemberStatus.LEFT)


def day_of(year: int, today: datetime.date | None = None) -> datetime.date:
    """The day a year's figures count the posts held: its 31 December, or today for the current year."""
    today = today or clock.today()
    return today if year == today.year else datetime.date(year, 12, 31)


def age_on(birth: datetime.date | None, on: datetime.date) -> int | None:
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


@dataclass
class Holder:
    person_id: int
    name: str
    organization_id: int
    organization: str
    birth_date: datetime.date | None
    age: int | None
    education: str
    member: bool
    combined: bool = False

    @property
    def education_label(self) -> str:
        return str(Education(self.education).label) if self.education in Education.values else ""


def _posts(user, root, on: datetime.date, group: str | None = None):
    """The posts held on ``on`` under ``root``: of one group, or of every group (``None``)."""
    rows = Post.objects.restrict(user).current(on).filter(subtree_q("org_path", [root.path]))
    if group is not None:
        return rows.filter(**GROUP_POSTS[group])
    return rows.filter(reduce(operator.or_, (Q(**GROUP_POSTS[code]) for code in GROUPS)))


def _age(on: datetime.date):
    """The holder's age on ``on`` in the database (None without a birth date), as ``age_on`` counts it."""
    later = (Q(person__birth_date__month__gt=on.month)
             | Q(person__birth_date__month=on.month, person__birth_date__day__gt=on.day))
    return ExpressionWrapper(Value(on.year) - ExtractYear("person__birth_date")
                             - Case(When(later, then=Value(1)), default=Value(0)), output_field=IntegerField())


def _member(on: datetime.date) -> Q:
    """A member on ``on``: joined by it, and not dead or gone by it."""
    return Q(person__membership__joined_on__lte=on) & (
        ~Q(person__membership__status__in=EXITED) | Q(person__membership__status_changed_on__gt=on))


def _combined(on: datetime.date):
    """The holder is also the director of the same organization on ``on`` (一肩挑)."""
    return Exists(Post.objects.current(on).filter(person_id=OuterRef("person_id"),
                                                  organization_id=OuterRef("organization_id"),
                                                  **GROUP_POSTS["village_director"]))


def _band(code: str) -> Q:
    low, high = next((lo, hi) for band, lo, hi, _label in AGE_BANDS if band == code)
    return Q(age__gte=low, age__lte=high)


def trait_q(share: str, on: datetime.date) -> Q:
    """The posts whose holder has the share's trait (``""``: all), over rows annotated by ``_annotated``."""
    if share in SHARES:
        return Q(person__education__in=[level for level, step in LEVEL.items() if step >= SHARES[share][0]])
    if share == "member":
        return _member(on)
    if share == "combined":
        return Q(combined=True)
    if share in {code for code, *_rest in AGE_BANDS}:
        return _band(share)
    return Q()


def _annotated(rows, on: datetime.date, *, selected: bool = False):
    """The rows with the holder's ``age`` and ``combined`` (一肩挑) on ``on``: aliases, or annotations an
    ``aggregate()`` can read (``selected``)."""
    return (rows.annotate if selected else rows.alias)(age=_age(on), combined=_combined(on))


def holder_rows(user, root, year: int, group: str, share: str = "", today: datetime.date | None = None):
    """The posts of the group under ``root`` held on the year's day whose holder has the share's trait, as rows of
    values by organization (a queryset: the pages take one page of it, the workbook streams it)."""
    on = day_of(year, today)
    rows = _annotated(_posts(user, root, on, group), on).filter(trait_q(share, on))
    return rows.annotate(is_combined=F("combined")).values(
        "person_id", "person__name", "organization_id", "organization__name", "organization__path",
        "person__birth_date", "person__education", "person__membership__joined_on",
        "person__membership__status", "person__membership__status_changed_on", "is_combined").order_by(
        "organization__path", "pk")


def as_holder(row: dict, on: datetime.date, group: str) -> Holder:
    joined = row["person__membership__joined_on"]
    ended = (row["person__membership__status"] in EXITED
             and (row["person__membership__status_changed_on"] or datetime.date.min) <= on)
    return Holder(
        person_id=row["person_id"], name=row["person__name"], organization_id=row["organization_id"],
        organization=row["organization__name"], birth_date=row["person__birth_date"],
        age=age_on(row["person__birth_date"], on), education=row["person__education"] or "",
        member=joined is not None and joined <= on and not ended,
        combined=group == "village_secretary" and bool(row["is_combined"]))


def share_codes(group: str) -> list[str]:
    codes = list(SHARES)
    if group == "village_director":
        codes.append("member")
    if group == "village_secretary":
        codes.append("combined")
    return codes


def share_label(code: str):
    if code in SHARES:
        return SHARES[code][1]
    if code in EXTRA_SHARES:
        return EXTRA_SHARES[code]
    return next((label for band, _lo, _hi, label in AGE_BANDS if band == code), "")


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _measures(on: datetime.date) -> dict:
    """The aggregates of one group's posts: how many, their ages, each share and age band."""
    measures = {"count": Count("pk"), "aged": Count("age"), "age_sum": Sum("age"),
                "educated": Count("pk", filter=Q(person__education__in=list(LEVEL)))}
    for code in [*SHARES, *EXTRA_SHARES]:
        measures[f"share_{code}"] = Count("pk", filter=trait_q(code, on))
    for code, *_rest in AGE_BANDS:
        measures[f"band_{code}"] = Count("pk", filter=_band(code))
    return measures


def _group_of():
    return Case(*[When(Q(**GROUP_POSTS[code]), then=Value(code)) for code in GROUPS], default=Value(""),
                output_field=CharField())


def _figures(found: dict | None, group: str) -> dict:
    """A group's figures from its aggregates: {count, aged (with a birth date), average_age, shares {code: {count,
    percent}}, bands {code: count}, no_education}."""
    found = found or {}
    count, aged = found.get("count") or 0, found.get("aged") or 0
    shares = {}
    for code in share_codes(group):
        n = found.get(f"share_{code}") or 0
        shares[code] = {"count": n, "percent": percent(n, count)}
    return {"count": count, "aged": aged,
            "average_age": round(int(found["age_sum"]) / aged, 1) if aged else None,
            "shares": shares, "bands": {code: found.get(f"band_{code}") or 0 for code, *_rest in AGE_BANDS},
            "no_education": count - (found.get("educated") or 0)}


def group_figures(user, root, on: datetime.date) -> dict[str, dict]:
    """Every group's figures on ``on`` under ``root`` in one grouped query, whatever the number of villages."""
    rows = (_annotated(_posts(user, root, on), on).annotate(group=_group_of()).values("group")
            .annotate(**_measures(on)).order_by())
    found = {row["group"]: row for row in rows}
    return {code: _figures(found.get(code), code) for code in GROUPS}


def list_figures(user, root, year: int, group: str, share: str = "", today: datetime.date | None = None) -> dict:
    """The figures of the list behind one figure, counted in the database: how many hold the group's posts
    (``of``), how many of them have the share's trait (``count``, its ``percent``), their average age."""
    on = day_of(year, today)
    match = trait_q(share, on)
    found = _annotated(_posts(user, root, on, group), on, selected=True).aggregate(
        of=Count("pk"), count=Count("pk", filter=match), aged=Count("age", filter=match),
        age_sum=Sum("age", filter=match))
    return {"of": found["of"], "count": found["count"], "percent": percent(found["count"], found["of"]),
            "average_age": round(int(found["age_sum"]) / found["aged"], 1) if found["aged"] else None}


def change(now, before):
    if now is None or before is None:
        return None
    return round(now - before, 1)


def structure(user, root, year: int, today: datetime.date | None = None) -> list[dict]:
    """Each group's figures in ``year`` and the year before, with the change: two grouped queries."""
    this_year = group_figures(user, root, day_of(year, today))
    last_year = group_figures(user, root, day_of(year - 1, today))
    groups = []
    for code, label in GROUPS.items():
        now, before = this_year[code], last_year[code]
        for share, found in now["shares"].items():
            found["last_year"] = before["shares"][share]["percent"]
            found["change"] = change(found["percent"], found["last_year"])
        groups.append({"code": code, "label": label, **now, "last_year_count": before["count"],
                       "last_year_average_age": before["average_age"],
                       "average_age_change": change(now["average_age"], before["average_age"])})
    return groups


def valid_filter(group: str, share: str) -> bool:
    return share == "" or share in share_codes(group) or share in {code for code, *_rest in AGE_BANDS}

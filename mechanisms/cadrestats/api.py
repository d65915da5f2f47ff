"""The cadre structure in the REST API: each group's figures for a year and subtree with the year before, and the
people behind a figure. Read through ``restrict`` on the posts; an organization outside the scope: 404."""
import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from kernel.core import clock
from kernel.core.api import PageParams, Year, get_scoped, scoped
from kernel.orgs.models import Organization
from kernel.orgs.views import scope_root
from kernel.people.models import Post

from . import selectors

router = Router(tags=["cadrestats"])


class CadrestatsShareOut(Schema):
    code: str
    label: str
    count: int
    percent: float | None
    last_year: float | None
    change: float | None


class CadrestatsGroupOut(Schema):
    code: str
    label: str
    count: int
    last_year_count: int
    average_age: float | None
    last_year_average_age: float | None
    average_age_change: float | None
    shares: list[CadrestatsShareOut]
    age_bands: dict[str, int] = Field(..., description="People aged 35 or under, 36–45, 46–55, 56 or over.")
    no_education: int


class CadrestatsStructureOut(Schema):
    year: int
    on: datetime.date = Field(..., description="The day the posts are counted: 31 December, or today this year.")
    organization: int
    groups: list[CadrestatsGroupOut]


class CadrestatsPersonOut(Schema):
    person: int
    name: str
    organization: int
    organization_name: str
    birth_date: datetime.date | None
    age: int | None
    education: str
    member: bool
    combined: bool


class CadrestatsPeopleOut(Schema):
    year: int
    on: datetime.date
    group: str
    share: str
    count: int
    of: int
    percent: float | None
    average_age: float | None
    limit: int
    offset: int
    people: list[CadrestatsPersonOut] = Field(..., description="One page of the people: ``limit`` from ``offset``.")


def _root_and_year(request, under, year):
    today = clock.today()
    year = today.year if year is None else year
    if year > today.year:
        raise ValidationError({"year": [_("The figures of a year not yet begun cannot be counted.")]})
    root = get_scoped(Organization.objects, request.auth, pk=under) if under is not None else scope_root(request.auth)
    if root is None:
        from django.http import Http404
        raise Http404
    return root, year, today


@router.get("/structure", response=CadrestatsStructureOut)
@scoped(Post)
def structure(request, under: int | None = None, year: Year | None = None):
    """Township secretaries, village secretaries and village directors under an organization (default: the
    caller's top): how many, their average age, the shares by education (and directors who are members, villages
    whose secretary is the director), this year against the year before."""
    root, year, today = _root_and_year(request, under, year)
    groups = selectors.structure(request.auth, root, year, today)
    return {"year": year, "on": selectors.day_of(year, today), "organization": root.pk, "groups": [
        {**{key: group[key] for key in ("code", "count", "last_year_count", "average_age", "last_year_average_age",
                                        "average_age_change", "no_education")},
         "label": str(group["label"]), "age_bands": group["bands"],
         "shares": [{"code": code, "label": str(selectors.share_label(code)), **found}
                    for code, found in group["shares"].items()]} for group in groups]}


@router.get("/people", response=CadrestatsPeopleOut)
@scoped(Post)
def people(request, page: Query[PageParams], group: str, share: str = "", under: int | None = None,
           year: Year | None = None):
    """The people behind one figure: the group's post holders on the year's day, with the share's trait
    (``college``, ``secondary``, ``junior``, ``member``, ``combined``, an age band ``35``/``45``/``55``/``56``; empty:
    all); ``count`` and ``average_age`` count them all, ``people`` is one page of them (``limit`` from
    ``offset``)."""
    if group not in selectors.GROUPS or not selectors.valid_filter(group, share):
        raise ValidationError({"group": [_("Choose a group and one of its figures.")]})
    root, year, today = _root_and_year(request, under, year)
    on = selectors.day_of(year, today)
    figures = selectors.list_figures(request.auth, root, year, group, share, today)
    rows = [selectors.as_holder(row, on, group) for row in
            selectors.holder_rows(request.auth, root, year, group, share, today)[page.offset: page.offset + page.limit]]
    return {"year": year, "on": on, "group": group, "share": share, "count": figures["count"],
            "of": figures["of"], "percent": figures["percent"], "average_age": figures["average_age"],
            "limit": page.limit, "offset": page.offset,
            "people": [{"person": row.person_id, "name": row.name, "organization": row.organization_id,
                        "organization_name": row.organization, "birth_date": row.birth_date, "age": row.age,
                        "education": row.education, "member": row.member, "combined": row.combined}
                       for row in rows]}

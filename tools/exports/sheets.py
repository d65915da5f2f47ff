"""What each export holds: its columns, its rows within the user's scope, and the filters of its list page.

Headers are translated (Chinese by default; they match the import templates, so an export imports back).
Enumerations are written as their labels, dates as dates. ID numbers and phones are masked unless the user
may see them unmasked; those shown unmasked are counted, and the export logs one access with that count.
"""
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.http import Http404, QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kernel.core import clock
from kernel.core.idcard import mask_id, mask_phone
from kernel.core.scope import SENSITIVE, scope_for
from kernel.core.tree import in_subtree, subtree_bounds
from kernel.orgs.models import Domain, Organization, OrgStatus, OrgType
from kernel.people import selectors
from kernel.people.choices import (
    ETHNICITIES,
    Classification,
    Education,
    Gender,
    MemberCategory,
    MemberStatus,
    Occupation,
    PostTitle,
)
from kernel.people.forms import MemberFilterForm
from kernel.people.models import Member, Post

ANY = "any"
CHUNK = 2000


class Unmasking:
    """Whose ID number and phone the user sees unmasked (no query per row), counting those shown."""

    def __init__(self, user):
        scope = scope_for(user)
        self.everything = scope.everything
        self.roots = scope.roots("people", SENSITIVE)
        self.self_person_id = scope.self_person_id
        self.shown = 0

    @property
    def never(self) -> bool:
        return not self.everything and not self.roots and self.self_person_id is None

    def allows(self, org_path: str, person_id: int) -> bool:
        return self.everything or person_id == self.self_person_id or in_subtree(org_path, self.roots)

    def id_and_phone(self, org_path: str, person_id: int, id_number: str | None, phone: str) -> tuple[str, str]:
        if self.allows(org_path, person_id):
            if id_number or phone:
                self.shown += 1
            return id_number or "", phone or ""
        return mask_id(id_number or ""), mask_phone(phone or "")


@dataclass
class Export:
    """One export, ready to write: ``rows()`` yields the sheet's rows in the list's order."""

    kind: str
    title: str
    header: list[str]
    queryset: object
    make_rows: object  # (export, chunk of database rows) -> list of sheet rows
    organization: Organization | None = None
    unmasking: Unmasking | None = None
    extra: dict = field(default_factory=dict)

    def count(self, cap: int | None = None) -> int:
        queryset = self.queryset.order_by()
        return queryset[: cap + 1].count() if cap is not None else queryset.count()

    def rows(self) -> Iterator[tuple]:
        source = self.queryset.iterator(chunk_size=CHUNK)
        while True:
            chunk = list(islice(source, CHUNK))
            if not chunk:
                return
            yield from self.make_rows(self, chunk)

    @property
    def filename(self) -> str:
        return f"{self.title}-{clock.today():%Y%m%d}.xlsx"


def _labels(choices) -> dict:
    return {code: str(label) for code, label in choices}


def _scoped_organization(user, value) -> Organization | None:
    """The organization a filter names, within the user's scope; 404 outside it, as on the list pages."""
    if value in (None, ""):
        return None
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise Http404 from None
    organization = Organization.objects.restrict(user).filter(pk=pk).first()
    if organization is None:
        raise Http404
    return organization


def _within(queryset, field: str, organization: Organization | None):
    if organization is None:
        return queryset
    lo, hi = subtree_bounds(organization.path)
    return queryset.filter(**{f"{field}__gte": lo, f"{field}__lt": hi})


# --- party members ----------------------------------------------------------------------------------------------

MEMBER_FIELDS = (
    "person_id", "org_path", "person__name", "person__gender", "person__ethnicity", "person__birth_date",
    "person__id_number", "person__education", "person__occupation", "person__phone",
    "person__organization_id", "person__organization__code", "person__organization__name", "category",
    "applied_on", "joined_on", "full_on", "status", "holds_post", "no_post_class",
)


def member_export(user, params: QueryDict) -> Export:
    """The member list as filtered on its page (the same GET parameters), with each member's current posts."""
    form = MemberFilterForm(params or None)
    organization = None
    if form.is_bound and form.is_valid():
        organization = _scoped_organization(user, form.cleaned_data.get("org"))
    members = selectors.member_list(user=user, organization=organization, **form.selector_arguments())
    header = [
        pgettext("export column", "Name"), pgettext("export column", "Gender"),
        pgettext("export column", "Ethnicity"), pgettext("export column", "Birth date"),
        pgettext("export column", "ID number"), pgettext("export column", "Education"),
        pgettext("export column", "Occupation"), pgettext("export column", "Phone"),
        pgettext("export column", "Organization code"), pgettext("export column", "Organization name"),
        pgettext("export column", "Member category"), pgettext("export column", "Applied on"),
        pgettext("export column", "Joined on"), pgettext("export column", "Full membership on"),
        pgettext("export column", "Member status"), pgettext("export column", "Class without a post"),
        pgettext("export column", "Posts"), pgettext("export column", "Posts started on"),
    ]
    labels = {
        "gender": _labels(Gender.choices), "ethnicity": _labels(ETHNICITIES),
        "education": _labels(Education.choices), "occupation": _labels(Occupation.choices),
        "category": _labels(MemberCategory.choices), "status": _labels(MemberStatus.choices),
        "class": _labels(Classification.choices), "post": _labels(PostTitle.choices),
    }
    return Export(kind="members", title=_("Party members"), header=header,
                  queryset=members.values_list(*MEMBER_FIELDS), make_rows=_member_rows, organization=organization,
                  unmasking=Unmasking(user), extra={"labels": labels, "user": user})


def _current_posts(user, chunk) -> dict:
    """{person id: [(title, started_on), …]}: the current posts each member holds in their own organization."""
    holders = {row[0]: row[10] for row in chunk if row[18]}  # person id -> organization id, for post holders
    if not holders:
        return {}
    posts: dict = {}
    rows = (Post.objects.restrict(user).current().filter(person_id__in=list(holders))
            .order_by("person_id", "started_on", "id").values_list("person_id", "organization_id", "title",
                                                                   "started_on"))
    for person_id, organization_id, title, started_on in rows:
        if holders.get(person_id) == organization_id:
            posts.setdefault(person_id, []).append((title, started_on))
    return posts


def _member_rows(export: Export, chunk) -> list[tuple]:
    labels = export.extra["labels"]
    gender, ethnicity, education, occupation = (labels[k] for k in ("gender", "ethnicity", "education",
                                                                     "occupation"))
    category, status, classes, titles = (labels[k] for k in ("category", "status", "class", "post"))
    unmask = export.unmasking.id_and_phone
    posts = _current_posts(export.extra["user"], chunk)
    rows = []
    for (person_id, org_path, name, gender_code, ethnicity_code, birth_date, id_number, education_code,
         occupation_code, phone, _org_id, org_code, org_name, category_code, applied_on, joined_on, full_on,
         status_code, _holds_post, no_post_class) in chunk:
        id_shown, phone_shown = unmask(org_path, person_id, id_number, phone)
        held = posts.get(person_id, ())
        rows.append((
            name, gender.get(gender_code, gender_code), ethnicity.get(ethnicity_code, ethnicity_code), birth_date,
            id_shown, education.get(education_code, education_code), occupation.get(occupation_code, occupation_code),
            phone_shown, org_code, org_name, category.get(category_code, category_code), applied_on, joined_on,
            full_on, status.get(status_code, status_code), classes.get(no_post_class, no_post_class),
            ";".join(titles.get(title, title) for title, _started in held),
            ";".join(started.isoformat() if started else "" for _title, started in held).strip(";"),
        ))
    return rows


# --- organizations ----------------------------------------------------------------------------------------------

ORG_FIELDS = ("code", "name", "short_name", "org_type", "domain", "parent__code", "parent__name", "founded_on",
              "place", "status", "ended_on", "child_count", "subtree_member_count")


def org_export(user, params: QueryDict) -> Export:
    """Organizations in the user's scope: a subtree (``org``), a search (``q``), a ``type``, a ``domain``.

    Active ones unless ``status`` says otherwise (``any`` for all).
    """
    from kernel.orgs.selectors import search_filter  # the search page's own matching

    organization = _scoped_organization(user, params.get("org") or params.get("under"))
    orgs = _within(Organization.objects.restrict(user), "path", organization)
    if params.get("q", "").strip():
        orgs = orgs.filter(search_filter(params["q"][:50]))
    if params.get("type") in OrgType.values:
        orgs = orgs.filter(org_type=params["type"])
    if params.get("domain") in Domain.values:
        orgs = orgs.filter(domain=params["domain"])
    status = params.get("status") or OrgStatus.ACTIVE
    if status in OrgStatus.values:
        orgs = orgs.filter(status=status)
    header = [
        pgettext("export column", "Code"), pgettext("export column", "Organization full name"),
        pgettext("export column", "Short name"), pgettext("export column", "Organization type"),
        pgettext("export column", "Domain"), pgettext("export column", "Parent organization code"),
        pgettext("export column", "Parent organization"), pgettext("export column", "Founded on"),
        pgettext("export column", "Place"), pgettext("export column", "Organization status"),
        pgettext("export column", "Dissolved or merged on"), pgettext("export column", "Sub-organizations"),
        pgettext("export column", "Party members"),
    ]
    labels = {"type": _labels(OrgType.choices), "domain": _labels(Domain.choices),
              "status": _labels(OrgStatus.choices)}
    return Export(kind="orgs", title=_("Organizations"), header=header,
                  queryset=orgs.order_by("path").values_list(*ORG_FIELDS), make_rows=_org_rows,
                  organization=organization, extra={"labels": labels})


def _org_rows(export: Export, chunk) -> list[tuple]:
    types, domains, statuses = (export.extra["labels"][k] for k in ("type", "domain", "status"))
    return [
        (code, name, short_name, types.get(org_type, org_type), domains.get(domain, domain), parent_code,
         parent_name, founded_on, place, statuses.get(status, status), ended_on, child_count, members)
        for (code, name, short_name, org_type, domain, parent_code, parent_name, founded_on, place, status,
             ended_on, child_count, members) in chunk
    ]


# --- posts ------------------------------------------------------------------------------------------------------

POST_FIELDS = ("person_id", "person__org_path", "person__name", "person__id_number", "organization__code",
               "organization__name", "title", "started_on", "ended_on")


def post_export(user, params: QueryDict) -> Export:
    """Posts held in organizations of the user's scope: a subtree (``org``), a ``title``; current ones unless
    ``current`` is ``any``."""
    organization = _scoped_organization(user, params.get("org") or params.get("under"))
    posts = _within(Post.objects.restrict(user), "org_path", organization)
    if params.get("current", "") != ANY:
        posts = posts.current()
    if params.get("title") in PostTitle.values:
        posts = posts.filter(title=params["title"])
    header = [
        pgettext("export column", "Name"), pgettext("export column", "ID number"),
        pgettext("export column", "Organization code"), pgettext("export column", "Organization name"),
        pgettext("export column", "Post"), pgettext("export column", "Started on"),
        pgettext("export column", "Ended on"),
    ]
    return Export(kind="posts", title=_("Posts"), header=header,
                  queryset=posts.order_by("org_path", "title", "id").values_list(*POST_FIELDS),
                  make_rows=_post_rows, organization=organization, unmasking=Unmasking(user),
                  extra={"labels": _labels(PostTitle.choices)})


def _post_rows(export: Export, chunk) -> list[tuple]:
    titles = export.extra["labels"]
    unmask = export.unmasking.id_and_phone
    rows = []
    for person_id, person_path, name, id_number, org_code, org_name, title, started_on, ended_on in chunk:
        id_shown, _phone = unmask(person_path, person_id, id_number, "")
        rows.append((name, id_shown, org_code, org_name, titles.get(title, title), started_on, ended_on))
    return rows


EXPORTS = {"members": member_export, "orgs": org_export, "posts": post_export}
MODELS = {"members": Member, "orgs": Organization, "posts": Post}


def build_export(kind: str, user, params) -> Export:
    if not isinstance(params, QueryDict):
        query = QueryDict(mutable=True)
        for name, value in (params or {}).items():
            query.setlist(name, value if isinstance(value, list) else [value])
        params = query
    return EXPORTS[kind](user, params)

"""The organization tree over the API: reads through ``restrict``, writes through kernel.orgs.services."""
import datetime

from django.db.models import Q
from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from kernel.core.api import (
    In,
    Page,
    PageParams,
    Ref,
    choice,
    paginate,
    patch_changes,
    ref,
    run_service,
    scoped,
)
from kernel.core.scope import CHANGE, VIEW, scope_for
from kernel.core.text import is_latin_query, simplified
from kernel.core.tree import subtree_bounds
from kernel.people import restructure
from kernel.people.models import Post

from . import selectors, services
from .models import Domain, Organization, OrgStatus, OrgType

router = Router(tags=["organizations"])


class OrgOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    org_type: choice(OrgType)
    domain: choice(Domain, blank=True)
    status: choice(OrgStatus)
    parent_id: int | None
    depth: int
    place: str
    founded_on: datetime.date | None
    ended_on: datetime.date | None
    merged_into_id: int | None
    child_count: int
    member_count: int
    subtree_member_count: int
    subtree_org_count: int


class OrgDetailOut(OrgOut):
    secretary: Ref | None


class OrgFilters(Schema):
    parent: str | None = Field(None, description="The parent's code (or id): its direct sub-organizations.")
    under: str | None = Field(None, description="An organization's code (or id): its whole subtree.")
    org_type: choice(OrgType) | None = None
    type: choice(OrgType) | None = Field(None, description="The same as org_type.")
    domain: choice(Domain) | None = None
    status: choice(OrgStatus) | None = None
    q: str = ""


class OrgCreateIn(In):
    parent: int | None
    code: str
    name: str
    org_type: choice(OrgType)
    domain: choice(Domain, blank=True) = ""
    short_name: str = ""
    place: str = ""
    founded_on: datetime.date | None = None


class OrgPatchIn(In):
    code: str | None = None
    name: str | None = None
    short_name: str | None = None
    org_type: choice(OrgType) | None = None
    domain: choice(Domain, blank=True) | None = None
    place: str | None = None
    founded_on: datetime.date | None = None


class MoveIn(In):
    parent: int


class MergeIn(In):
    target: int
    on: datetime.date | None = None


class DissolveIn(In):
    on: datetime.date | None = None
    reason: str = ""


def org_data(org: Organization) -> dict:
    return {field: getattr(org, field) for field in OrgOut.model_fields}


def org_page_items(orgs) -> list[dict]:
    return [org_data(org) for org in orgs]


def name_or_code(q: str) -> Q:
    q = q.strip()
    if not q:
        return Q()
    by_name = Q(name_initials__startswith=q.lower()) if is_latin_query(q) else Q(name_search__startswith=simplified(q))
    return by_name | Q(code=q)


def org_detail_data(request, org: Organization) -> dict:
    post = (Post.objects.restrict(request.auth).current().filter(organization=org, title="secretary")
            .select_related("person").order_by("-started_on", "-id").first())
    return {**org_data(org), "secretary": ref(post.person) if post else None}


def org_by_code_or_id(request, value: str, action: str = VIEW) -> Organization:
    """An organization named by its code or, failing that, by its id; 404 if neither is in scope."""
    orgs = Organization.objects.restrict(request.auth, action)
    org = orgs.filter(code=value).first()
    if org is None and value.isdigit() and len(value) < 19:
        org = orgs.filter(pk=int(value)).first()
    if org is None:
        raise Http404
    return org


@router.get("/orgs", response=Page[OrgOut])
@router.get("/orgs/", response=Page[OrgOut], include_in_schema=False)
@scoped(Organization)
def org_list(request, filters: Query[OrgFilters], page: Query[PageParams]):
    orgs = request.scoped()
    if filters.under:
        lo, hi = subtree_bounds(org_by_code_or_id(request, filters.under).path)
        orgs = orgs.filter(path__gte=lo, path__lt=hi)
    if filters.parent:
        orgs = orgs.filter(parent=org_by_code_or_id(request, filters.parent))
    for name in ("org_type", "domain", "status"):
        if getattr(filters, name):
            orgs = orgs.filter(**{name: getattr(filters, name)})
    if filters.type:
        orgs = orgs.filter(org_type=filters.type)
    orgs = orgs.filter(name_or_code(filters.q)).order_by("path")
    return paginate(orgs, page, org_page_items)


@router.get("/orgs/{org_id}", response=OrgDetailOut)
@scoped(Organization)
def org_detail(request, org_id: int):
    return org_detail_data(request, request.scoped.get(pk=org_id))


@router.get("/orgs/{org_id}/children", response=Page[OrgOut])
@scoped(Organization)
def org_children(request, org_id: int, page: Query[PageParams], status: choice(OrgStatus) | None = None):
    org = request.scoped.get(pk=org_id)
    children = request.scoped().filter(parent=org).order_by("path")
    if status:
        children = children.filter(status=status)
    return paginate(children, page, org_page_items)


@router.post("/orgs", response={201: OrgDetailOut})
@scoped(Organization)
def org_create(request, payload: OrgCreateIn):
    data = payload.model_dump()
    parent_id = data.pop("parent")
    parent = None if parent_id is None else request.scoped.get(CHANGE, pk=parent_id)
    org = run_service(request, services.org_create, parent=parent, **data)
    return Status(201, org_detail_data(request, org))


@router.patch("/orgs/{org_id}", response=OrgDetailOut)
@scoped(Organization)
def org_update(request, org_id: int, payload: OrgPatchIn):
    org = request.scoped.get(CHANGE, pk=org_id)
    changes = patch_changes(payload, nullable=("founded_on",))
    org = run_service(request, services.org_update, org=org, **changes)
    return org_detail_data(request, org)


@router.post("/orgs/{org_id}/move", response=OrgDetailOut)
@scoped(Organization)
def org_move(request, org_id: int, payload: MoveIn):
    org = request.scoped.get(CHANGE, pk=org_id)
    new_parent = request.scoped.get(CHANGE, pk=payload.parent)
    org = run_service(request, services.org_move, org=org, new_parent=new_parent)
    return org_detail_data(request, org)


@router.post("/orgs/{org_id}/merge", response=OrgDetailOut)
@scoped(Organization)
def org_merge(request, org_id: int, payload: MergeIn):
    source = request.scoped.get(CHANGE, pk=org_id)
    target = request.scoped.get(CHANGE, pk=payload.target)
    source = run_service(request, restructure.org_merge, source=source, target=target, on=payload.on)
    return org_detail_data(request, source)


@router.post("/orgs/{org_id}/dissolve", response=OrgDetailOut)
@scoped(Organization)
def org_dissolve(request, org_id: int, payload: DissolveIn):
    org = request.scoped.get(CHANGE, pk=org_id)
    org = run_service(request, restructure.org_dissolve, org=org, on=payload.on, reason=payload.reason)
    return org_detail_data(request, org)


@router.get("/orgs/by-code/{code}", response=OrgDetailOut)
@scoped(Organization)
def org_by_code(request, code: str):
    return org_detail_data(request, request.scoped.get(code=code))


class OrgCounts(Schema):
    total: int = Field(..., description="Active organizations in the subtree, the root included.")
    by_type: dict[str, int]
    by_domain: dict[str, int] = Field(..., description="Organizations with a domain, by domain.")
    branches_by_domain: dict[str, int]


class MemberCounts(Schema):
    total: int = Field(..., description="Members in good standing.")
    by_status: dict[str, int] = Field(..., description="Every membership kept in the subtree, by status.")
    by_classification: dict[str, int]
    by_occupation: dict[str, int]
    by_gender: dict[str, int]
    by_age_band: dict[str, int] = Field(..., description="By the age reached this year.")
    by_education: dict[str, int]


class SummaryOut(Schema):
    code: str
    name: str
    organizations: OrgCounts
    members: MemberCounts


@router.get("/orgs/{code}/summary", response=SummaryOut)
@scoped(Organization)
def org_summary(request, code: str):
    """Counts for the whole subtree, keyed by the registries' codes (every code present, zeros included).

    Read from the stored statistics (orgs/stats.py): one indexed read whatever the subtree's size. The
    member counts are personal data in aggregate, so the caller's scope must cover the subtree's people.
    """
    org = request.scoped.get(code=code)
    if not scope_for(request.auth).covers(org.path, realm="people"):
        raise Http404
    return selectors.org_summary(org)

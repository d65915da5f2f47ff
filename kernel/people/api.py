"""People, members and posts over the API: reads through ``restrict`` and the selectors, writes through services.

ID numbers and phones are masked unless the caller's scope allows them for that row; what is shown unmasked
is logged once per object.
"""
import datetime

from ninja import Query, Router, Schema, Status

from kernel.core.api import (
    In,
    Page,
    PageParams,
    Ref,
    Unmasking,
    choice,
    get_scoped,
    paginate,
    patch_changes,
    ref,
    run_service,
    scoped,
)
from kernel.core.scope import CHANGE, VIEW
from kernel.core.tree import subtree_bounds
from kernel.orgs.models import Organization

from . import selectors, services
from .choices import (
    ETHNICITIES,
    NO_POST_CLASSES,
    Classification,
    Education,
    Gender,
    MemberCategory,
    MemberStatus,
    Occupation,
    PostTitle,
    Stage,
)
from .models import Member, Person, Post

router = Router(tags=["people"])

AgeBand = choice([(code, code) for code, _youngest, _oldest in selectors.AGE_BANDS])
NoPostClass = choice([(c.value, c.label) for c in NO_POST_CLASSES], blank=True)


class PersonOut(Schema):
    id: int
    name: str
    gender: choice(Gender)
    ethnicity: choice(ETHNICITIES)
    birth_date: datetime.date | None
    age: int | None
    id_number: str
    phone: str
    masked: bool
    education: choice(Education, blank=True)
    occupation: choice(Occupation, blank=True)
    stage: choice(Stage)
    organization: Ref


class MembershipOut(Schema):
    id: int
    category: choice(MemberCategory)
    applied_on: datetime.date | None
    joined_on: datetime.date
    full_on: datetime.date | None
    status: choice(MemberStatus)
    status_changed_on: datetime.date | None
    classification: choice(Classification, blank=True)
    no_post_class: NoPostClass
    holds_post: bool


class MemberOut(MembershipOut):
    person: PersonOut


class PostOut(Schema):
    id: int
    person: Ref
    organization: Ref
    title: choice(PostTitle)
    started_on: datetime.date | None
    ended_on: datetime.date | None
    is_current: bool


class PersonDetailOut(PersonOut):
    membership: MembershipOut | None
    posts: list[PostOut]


class PersonFilters(Schema):
    organization: int | None = None
    stage: choice(Stage) | None = None
    gender: choice(Gender) | None = None
    education: choice(Education) | None = None
    occupation: choice(Occupation) | None = None
    ethnicity: choice(ETHNICITIES) | None = None
    age_band: AgeBand | None = None
    q: str = ""


class MemberFilters(Schema):
    organization: int | None = None
    status: choice(MemberStatus, blank=True) = MemberStatus.ACTIVE.value
    category: choice(MemberCategory) | None = None
    classification: choice(Classification) | None = None
    age_band: AgeBand | None = None
    education: choice(Education) | None = None
    gender: choice(Gender) | None = None
    ethnicity: choice(ETHNICITIES) | None = None
    q: str = ""


class PostFilters(Schema):
    organization: int | None = None
    under: int | None = None
    person: int | None = None
    title: choice(PostTitle) | None = None
    current: bool | None = None


class PersonCreateIn(In):
    organization: int
    name: str
    gender: choice(Gender) | None = None
    ethnicity: choice(ETHNICITIES) = "01"
    birth_date: datetime.date | None = None
    id_number: str | None = None
    education: choice(Education, blank=True) = ""
    occupation: choice(Occupation, blank=True) = ""
    phone: str = ""
    stage: choice(Stage) = Stage.MASSES.value


class PersonPatchIn(In):
    name: str | None = None
    gender: choice(Gender) | None = None
    ethnicity: choice(ETHNICITIES) | None = None
    birth_date: datetime.date | None = None
    id_number: str | None = None
    education: choice(Education, blank=True) | None = None
    occupation: choice(Occupation, blank=True) | None = None
    phone: str | None = None
    stage: choice(Stage) | None = None


class MembershipIn(In):
    category: choice(MemberCategory)
    joined_on: datetime.date
    applied_on: datetime.date | None = None
    full_on: datetime.date | None = None
    no_post_class: NoPostClass = ""
    status: choice(MemberStatus) = MemberStatus.ACTIVE.value


class MemberPatchIn(In):
    category: choice(MemberCategory) | None = None
    applied_on: datetime.date | None = None
    joined_on: datetime.date | None = None
    full_on: datetime.date | None = None
    no_post_class: NoPostClass | None = None
    status: choice(MemberStatus) | None = None
    status_changed_on: datetime.date | None = None


class PostCreateIn(In):
    person: int
    organization: int
    title: choice(PostTitle)
    started_on: datetime.date | None = None
    ended_on: datetime.date | None = None


class PostEndIn(In):
    ended_on: datetime.date | None = None


def person_data(person: Person, unmasking: Unmasking) -> dict:
    return {
        "id": person.pk, "name": person.name, "gender": person.gender, "ethnicity": person.ethnicity,
        "birth_date": person.birth_date, "age": person.age, "education": person.education,
        "occupation": person.occupation, "stage": person.stage, "organization": ref(person.organization),
        **unmasking.fields(person),
    }


def membership_data(member: Member) -> dict:
    return {field: getattr(member, field) for field in MembershipOut.model_fields}


def member_data(member: Member, unmasking: Unmasking) -> dict:
    return {**membership_data(member), "person": person_data(member.person, unmasking)}


def post_data(post: Post) -> dict:
    return {"id": post.pk, "person": ref(post.person), "organization": ref(post.organization), "title": post.title,
            "started_on": post.started_on, "ended_on": post.ended_on, "is_current": post.is_current}


def person_detail_data(request, person: Person) -> dict:
    unmasking = Unmasking(request)
    membership = Member.objects.restrict(request.auth).filter(person=person).first()
    posts = (Post.objects.restrict(request.auth).filter(person=person).select_related("person", "organization")
             .order_by("-started_on", "-id"))
    data = {
        **person_data(person, unmasking),
        "membership": membership_data(membership) if membership else None,
        "posts": [post_data(post) for post in posts],
    }
    unmasking.log()
    return data


def scoped_org(request, org_id: int, action: str = VIEW) -> Organization:
    return get_scoped(Organization.objects, request.auth, action, pk=org_id)


def scoped_person(request, person_id: int, action: str = VIEW) -> Person:
    return get_scoped(Person.objects.select_related("organization"), request.auth, action, pk=person_id)


@router.get("/people", response=Page[PersonOut])
@scoped(Person)
def person_list(request, filters: Query[PersonFilters], page: Query[PageParams]):
    people = request.scoped().select_related("organization")
    if filters.organization is not None:
        lo, hi = subtree_bounds(scoped_org(request, filters.organization).path)
        people = people.filter(org_path__gte=lo, org_path__lt=hi)
    for name in ("stage", "gender", "education", "occupation", "ethnicity"):
        if getattr(filters, name):
            people = people.filter(**{name: getattr(filters, name)})
    if filters.age_band:
        people = people.filter(selectors.age_band_filter(filters.age_band, datetime.date.today()))
    people = people.filter(selectors.name_filter(filters.q)).order_by("org_path", "id")
    unmasking = Unmasking(request)
    result = paginate(people, page, lambda rows: [person_data(person, unmasking) for person in rows])
    unmasking.log()
    return result


@router.get("/people/{person_id}", response=PersonDetailOut)
@scoped(Person)
def person_detail(request, person_id: int):
    return person_detail_data(request, scoped_person(request, person_id))


@router.post("/people", response={201: PersonDetailOut})
@scoped(Person)
def person_create(request, payload: PersonCreateIn):
    data = payload.model_dump()
    organization = scoped_org(request, data.pop("organization"))
    person = run_service(request, services.person_create, organization=organization, **data)
    return Status(201, person_detail_data(request, person))


@router.patch("/people/{person_id}", response=PersonDetailOut)
@scoped(Person)
def person_update(request, person_id: int, payload: PersonPatchIn):
    person = scoped_person(request, person_id, CHANGE)
    changes = patch_changes(payload, nullable=("birth_date", "id_number"))
    person = run_service(request, services.person_update, person=person, **changes)
    return person_detail_data(request, person)


@router.post("/people/{person_id}/membership", response={201: MemberOut})
@scoped(Person)
def membership_create(request, person_id: int, payload: MembershipIn):
    person = scoped_person(request, person_id, CHANGE)
    member = run_service(request, services.member_create, person=person, **payload.model_dump())
    member = Member.objects.select_related("person__organization").get(pk=member.pk)
    unmasking = Unmasking(request)
    data = member_data(member, unmasking)
    unmasking.log()
    return Status(201, data)


@router.get("/members", response=Page[MemberOut])
@scoped(Member)
def member_list(request, filters: Query[MemberFilters], page: Query[PageParams]):
    options = filters.model_dump()
    org_id = options.pop("organization")
    organization = scoped_org(request, org_id) if org_id is not None else None
    members = selectors.member_list(
        user=request.auth, organization=organization, **{k: v or "" for k, v in options.items()})
    unmasking = Unmasking(request)
    result = paginate(members, page, lambda rows: [member_data(member, unmasking) for member in rows])
    unmasking.log()
    return result


@router.patch("/members/{member_id}", response=MemberOut)
@scoped(Member)
def member_update(request, member_id: int, payload: MemberPatchIn):
    member = request.scoped.get(CHANGE, pk=member_id)
    changes = patch_changes(payload, nullable=("applied_on", "full_on", "status_changed_on"))
    run_service(request, services.member_update, member=member, **changes)
    member = Member.objects.select_related("person__organization").get(pk=member.pk)
    unmasking = Unmasking(request)
    data = member_data(member, unmasking)
    unmasking.log()
    return data


@router.get("/posts", response=Page[PostOut])
@scoped(Post)
def post_list(request, filters: Query[PostFilters], page: Query[PageParams]):
    posts = request.scoped().select_related("person", "organization")
    if filters.under is not None:
        lo, hi = subtree_bounds(scoped_org(request, filters.under).path)
        posts = posts.filter(org_path__gte=lo, org_path__lt=hi)
    if filters.organization is not None:
        posts = posts.filter(organization_id=filters.organization)
    if filters.person is not None:
        posts = posts.filter(person_id=filters.person)
    if filters.title:
        posts = posts.filter(title=filters.title)
    if filters.current is True:
        posts = posts.current()
    elif filters.current is False:
        posts = posts.exclude(pk__in=Post.objects.current().values("pk"))
    return paginate(posts.order_by("org_path", "title", "id"), page, lambda rows: [post_data(p) for p in rows])


@router.post("/posts", response={201: PostOut})
@scoped(Post)
def post_create(request, payload: PostCreateIn):
    person = scoped_person(request, payload.person)
    organization = scoped_org(request, payload.organization, CHANGE)
    post = run_service(request, services.post_create, person=person, organization=organization, title=payload.title,
                       started_on=payload.started_on, ended_on=payload.ended_on)
    return Status(201, post_data(post))


@router.post("/posts/{post_id}/end", response=PostOut)
@scoped(Post)
def post_end(request, post_id: int, payload: PostEndIn):
    post = request.scoped.get(CHANGE, pk=post_id)
    post = run_service(request, services.post_end, post=post, ended_on=payload.ended_on)
    return post_data(Post.objects.select_related("person", "organization").get(pk=post.pk))

"""Accounts over the API: bearer tokens, the caller's own account and password, and accounts and grants as an
administrator manages them (accounts/roles.py). Writes go through kernel.accounts.services; an account or grant
outside the caller's reach answers 404 like a missing one."""
import datetime

from django.contrib.auth import get_user_model, update_session_auth_hash
from django.db.models import Prefetch, Q
from django.http import Http404, JsonResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.security import HttpBearer

from kernel.core.api import (
    In,
    Page,
    PageParams,
    Ref,
    choice,
    paginate,
    patch_changes,
    run_service,
    scope_exempt,
    scoped,
)
from kernel.core.scope import CHANGE, VIEW
from kernel.core.tree import in_subtree, subtree_q
from kernel.orgs.models import Organization
from kernel.people.models import Person

from . import selectors, services
from .middleware import SESSION_FLAG, api_path_allowed, password_change_required_body
from .models import ApiToken, Grant, Profile
from .roles import Role

router = Router(tags=["accounts"])
User = get_user_model()


class PasswordChangeRequired(Exception):
    """A token's user still holds a one-time password."""


def password_change_required(request, exc):
    return JsonResponse(password_change_required_body(), status=403)


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``; no cookie is involved, so no CSRF token is needed."""

    def authenticate(self, request, token: str):
        user = ApiToken.user_for(token)
        if user is not None:
            profile = getattr(user, "profile", None)
            if profile is not None and profile.must_change_password and not api_path_allowed(request.path_info, user):
                raise PasswordChangeRequired
            request.user = user
        return user


class GrantOut(Schema):
    role: choice(Role)
    organization: Ref


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    is_superuser: bool
    person: Ref | None
    grants: list[GrantOut]


@router.get("/me", response=MeOut)
@scope_exempt("shows only the caller's own account and grants")
def me(request):
    user = request.auth
    grants = Grant.objects.filter(user=user).select_related("organization").order_by("organization__path", "role")
    profile = getattr(user, "profile", None)
    person = profile.person if profile is not None else None
    return {
        "id": user.pk,
        "username": user.get_username(),
        "full_name": user.get_full_name(),
        "is_superuser": user.is_superuser,
        "person": {"id": person.pk, "name": person.name} if person else None,
        "grants": [{"role": g.role, "organization": {"id": g.organization_id, "name": g.organization.name}}
                   for g in grants],
    }


# --- one's own password ---------------------------------------------------------------------------------------

class PasswordChangeIn(In):
    old_password: str
    new_password: str


@router.post("/users/{user_id}/password", response={204: None})
@scope_exempt("the caller's own password: another account's id answers 404")
def password_change(request, user_id: str, payload: PasswordChangeIn):
    """Changes the caller's own password (``user_id``: ``me`` or the caller's own id); a session stays signed in."""
    if user_id not in ("me", str(request.auth.pk)):
        raise Http404
    run_service(request, services.password_change, old_password=payload.old_password,
                new_password=payload.new_password)
    if getattr(request, "session", None) is not None and request.user.is_authenticated:
        update_session_auth_hash(request, request.auth)
        request.session.pop(SESSION_FLAG, None)
    return Status(204, None)


# --- accounts ---------------------------------------------------------------------------------------------------

class AccountRef(Schema):
    id: int
    username: str


class AccountGrantOut(Schema):
    id: int
    user: AccountRef
    role: choice(Role)
    organization: Ref
    granted_at: datetime.datetime


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    phone: str
    is_active: bool
    must_change_password: bool
    home: Ref | None
    person: Ref | None
    grants: list[AccountGrantOut] = Field(..., description="Only the grants on organizations the caller manages.")
    manageable: bool = Field(..., description="Whether the caller may change this account (accounts/roles.py).")
    last_login: datetime.datetime | None
    date_joined: datetime.datetime


class UserFilters(Schema):
    q: str = Field("", description="Part of the user name or name, or the start of the phone number.")
    organization: int | None = Field(None, description="An organization's id: accounts granted or placed in its "
                                                       "subtree.")
    role: choice(Role) | None = Field(None, description="Accounts holding this role (within the organization).")
    active: bool | None = None


class UserCreateIn(In):
    username: str
    full_name: str
    organization: int = Field(..., description="The account's home organization; it decides who manages it.")
    role: choice(Role) | None = Field(None, description="A first role, granted on the home organization.")
    phone: str = ""
    email: str = ""
    person: int | None = None


class UserPatchIn(In):
    full_name: str | None = None
    phone: str | None = None
    email: str | None = None
    person: int | None = None
    organization: int | None = Field(None, description="The account's home organization.")


class UserCreatedOut(Schema):
    user: UserOut
    one_time_password: str = Field(..., description="Shown only this once; it must be changed at the first login.")


class OneTimePasswordOut(Schema):
    one_time_password: str = Field(..., description="Shown only this once; it must be changed at the next login.")


def _grant_data(grant: Grant) -> dict:
    return {"id": grant.pk, "user": {"id": grant.user_id, "username": grant.user.username}, "role": grant.role,
            "organization": {"id": grant.organization_id, "name": grant.organization.name},
            "granted_at": grant.granted_at}


def _name_ref(obj) -> dict | None:
    return None if obj is None else {"id": obj.pk, "name": obj.name}


def _users_with_details(request, users):
    grants = selectors.visible_grants(request.auth).select_related("organization", "user").order_by(
        "organization__path", "role")
    return users.select_related("profile__home", "profile__person").prefetch_related(
        Prefetch("grants", queryset=grants, to_attr="shown_grants"))


def _serialize(request, accounts) -> list[dict]:
    manageable = set(selectors.manageable_users(request.auth).filter(pk__in=[a.pk for a in accounts])
                     .values_list("pk", flat=True))
    items = []
    for account in accounts:
        profile = getattr(account, "profile", None)
        items.append({
            "id": account.pk, "username": account.username, "full_name": account.get_full_name(),
            "email": account.email, "phone": profile.phone if profile else "", "is_active": account.is_active,
            "must_change_password": bool(profile and profile.must_change_password),
            "home": _name_ref(profile.home if profile else None),
            "person": _name_ref(profile.person if profile else None),
            "grants": [_grant_data(g) for g in account.shown_grants], "manageable": account.pk in manageable,
            "last_login": account.last_login, "date_joined": account.date_joined,
        })
    return items


def _user_data(request, account) -> dict:
    (account,) = _users_with_details(request, User.objects.filter(pk=account.pk))
    return _serialize(request, [account])[0]


def _visible_user(request, user_id: int):
    account = selectors.visible_users(request.auth).filter(pk=user_id).first()
    if account is None:
        raise Http404
    return account


def _organization(request, org_id: int) -> Organization:
    """An organization the caller sees; the services then refuse one outside their administrator subtrees."""
    org = Organization.objects.restrict(request.auth, VIEW).filter(pk=org_id).first()
    if org is None:
        raise Http404
    return org


def _person(request, person_id: int) -> Person:
    person = Person.objects.restrict(request.auth, CHANGE).filter(pk=person_id).first()
    if person is None:
        raise Http404
    return person


@router.get("/users/", response=Page[UserOut])
@router.get("/users", response=Page[UserOut], include_in_schema=False)
@scoped(Profile)
def user_list(request, filters: Query[UserFilters], page: Query[PageParams]):
    """The accounts the caller sees as an administrator (none for other roles), by user name."""
    users = selectors.visible_users(request.auth)
    grants = selectors.visible_grants(request.auth)
    if filters.organization is not None:
        org = _organization(request, filters.organization)
        if not request.auth.is_superuser and not in_subtree(org.path, selectors.admin_roots(request.auth)):
            raise Http404
        grants = grants.filter(subtree_q("organization__path", [org.path]))
        placed = Profile.objects.filter(subtree_q("home_path", [org.path])).values("user_id")
        users = users.filter(Q(pk__in=grants.values("user_id")) | Q(pk__in=placed)) if not filters.role else users
    if filters.role:
        users = users.filter(pk__in=grants.filter(role=filters.role).values("user_id"))
    if filters.active is not None:
        users = users.filter(is_active=filters.active)
    q = filters.q.strip()
    if q:
        users = users.filter(Q(username__icontains=q) | Q(first_name__icontains=q) | Q(profile__phone__startswith=q))
    users = _users_with_details(request, users.order_by("username"))
    return paginate(users, page, lambda rows: _serialize(request, rows))


@router.post("/users/", response={201: UserCreatedOut})
@scoped(Profile)
def user_create(request, payload: UserCreateIn):
    """Creates an account with a one-time password, placed in ``organization`` and, with ``role``, granted it there."""
    home = _organization(request, payload.organization)
    person = _person(request, payload.person) if payload.person is not None else None
    account, secret = run_service(request, services.user_create_with_role, username=payload.username,
                                  full_name=payload.full_name, phone=payload.phone, email=payload.email,
                                  person=person, home=home, role=payload.role)
    return Status(201, {"user": _user_data(request, account), "one_time_password": secret})


@router.get("/users/{user_id}", response=UserOut)
@scoped(Profile)
def user_detail(request, user_id: int):
    return _user_data(request, _visible_user(request, user_id))


@router.patch("/users/{user_id}", response=UserOut)
@scoped(Profile)
def user_update(request, user_id: int, payload: UserPatchIn):
    account = _visible_user(request, user_id)
    changes = patch_changes(payload, nullable=("person",))
    if "person" in changes:
        changes["person"] = None if changes["person"] is None else _person(request, changes["person"])
    if "organization" in changes:
        changes["home"] = _organization(request, changes.pop("organization"))
    account = run_service(request, services.user_update, target=account, **changes)
    return _user_data(request, account)


@router.post("/users/{user_id}/deactivate", response=UserOut)
@scoped(Profile)
def user_deactivate(request, user_id: int):
    """Deactivates the account: its sessions stop working and its API tokens are revoked."""
    account = run_service(request, services.user_deactivate, target=_visible_user(request, user_id))
    return _user_data(request, account)


@router.post("/users/{user_id}/reactivate", response=UserOut)
@scoped(Profile)
def user_reactivate(request, user_id: int):
    account = run_service(request, services.user_reactivate, target=_visible_user(request, user_id))
    return _user_data(request, account)


@router.post("/users/{user_id}/reset-password", response=OneTimePasswordOut)
@scoped(Profile)
def password_reset(request, user_id: int):
    """Issues a new one-time password, returned only in this answer; the account must change it at the next login."""
    secret = run_service(request, services.password_reset, target=_visible_user(request, user_id))
    return {"one_time_password": secret}


# --- grants -----------------------------------------------------------------------------------------------------

class GrantFilters(Schema):
    user: int | None = Field(None, description="An account's id.")
    organization: int | None = Field(None, description="An organization's id: grants in its subtree.")
    role: choice(Role) | None = None


class GrantCreateIn(In):
    user: int
    role: choice(Role)
    organization: int


@router.get("/grants/", response=Page[AccountGrantOut])
@router.get("/grants", response=Page[AccountGrantOut], include_in_schema=False)
@scoped(Profile)
def grant_list(request, filters: Query[GrantFilters], page: Query[PageParams]):
    """Grants on the organizations the caller manages, by organization."""
    grants = selectors.visible_grants(request.auth)
    if filters.user is not None:
        grants = grants.filter(user=_visible_user(request, filters.user))
    if filters.organization is not None:
        grants = grants.filter(subtree_q("organization__path", [_organization(request, filters.organization).path]))
    if filters.role:
        grants = grants.filter(role=filters.role)
    grants = grants.select_related("user", "organization").order_by("organization__path", "role", "user__username")
    return paginate(grants, page, lambda rows: [_grant_data(g) for g in rows])


@router.post("/grants/", response={201: AccountGrantOut})
@scoped(Profile)
def grant_add(request, payload: GrantCreateIn):
    """Grants a role on an organization; refused (422) for a role ranked above the caller's there."""
    target = _visible_user(request, payload.user)
    org = _organization(request, payload.organization)
    grant = run_service(request, services.grant_add, target=target, role=payload.role, organization=org)
    return Status(201, _grant_data(Grant.objects.select_related("user", "organization").get(pk=grant.pk)))


@router.delete("/grants/{grant_id}", response={204: None})
@scoped(Profile)
def grant_revoke(request, grant_id: int):
    grant = selectors.visible_grants(request.auth).select_related("user", "organization").filter(pk=grant_id).first()
    if grant is None:
        raise Http404
    run_service(request, services.grant_revoke, grant=grant)
    return Status(204, None)

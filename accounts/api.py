"""API authentication for scripts (bearer tokens) and the caller's own account."""
from ninja import Router, Schema
from ninja.security import HttpBearer

from core.api import Ref, choice, scope_exempt

from .models import ApiToken, Grant
from .roles import Role

router = Router(tags=["accounts"])


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``; no cookie is involved, so no CSRF token is needed."""

    def authenticate(self, request, token: str):
        user = ApiToken.user_for(token)
        if user is not None:
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

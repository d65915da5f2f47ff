"""Turns a user's grants into a kernel.core.scope.Scope."""
from kernel.core.scope import CHANGE, SENSITIVE, VIEW, Scope
from kernel.core.tree import in_subtree

from .models import Grant, Profile
from .roles import CAPABILITIES


def scope_for(user) -> Scope:
    if user.is_superuser:
        return Scope(everything=True)
    paths: dict[tuple[str, str], list[str]] = {}
    for role, path in role_grants(user):
        caps = CAPABILITIES[role]
        keys = [("org", VIEW)]
        if caps.change:
            keys.append(("org", CHANGE))
        if caps.see_people:
            keys.append(("people", VIEW))
            if caps.change:
                keys.append(("people", CHANGE))
            if caps.sensitive:
                keys.append(("people", SENSITIVE))
        for key in keys:
            paths.setdefault(key, []).append(path)
    person_id = Profile.objects.filter(user=user).values_list("person_id", flat=True).first()
    return Scope(paths={k: tuple(v) for k, v in paths.items()}, self_person_id=person_id)


def role_grants(user) -> list[tuple[str, str]]:
    """(role, organization path) of each of the user's grants on an active organization; read once per user
    object (a request's), like its scope."""
    if user is None or not getattr(user, "pk", None):
        return []
    cached = getattr(user, "_jiceng_role_grants", None)
    if cached is None:
        cached = user._jiceng_role_grants = list(Grant.objects.filter(
            user=user, organization__status="active").values_list("role", "organization__path"))
    return cached


def roles_covering(user, path: str) -> set[str]:
    """The role codes the user holds on ``path`` or on an organization above it."""
    return {role for role, root in role_grants(user) if in_subtree(path, [root])}

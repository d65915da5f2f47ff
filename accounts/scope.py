"""Turns a user's grants into a core.scope.Scope."""
from core.scope import CHANGE, SENSITIVE, VIEW, Scope

from .models import Grant, Profile
from .roles import CAPABILITIES


def scope_for(user) -> Scope:
    if user.is_superuser:
        return Scope(everything=True)
    paths: dict[tuple[str, str], list[str]] = {}
    for role, path in Grant.objects.filter(user=user, organization__status="active").values_list(
        "role", "organization__path"
    ):
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

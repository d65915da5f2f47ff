"""The organizations a user answers for: those they hold a grant that may change on (not their subtree).

The to-do list gathers what these organizations owe or must decide; a township administrator's own organization is
the township committee, a branch secretary's their branch. Every source of the to-do asks, so the answer is read once
per request (kept on the user object, like the scope) as a list of ids: a leader or an inspector answers for no
organization, and a source then asks the database nothing."""
from .models import Grant
from .roles import CAPABILITIES

CHANGE_ROLES = tuple(role for role, capabilities in CAPABILITIES.items() if capabilities.change)


def own_grants(user) -> list[tuple[int, str]]:
    """(organization id, role) of the user's grants that may change, read once per user object."""
    cached = getattr(user, "_jiceng_own_grants", None)
    if cached is None:
        cached = list(Grant.objects.filter(user_id=getattr(user, "pk", None) or 0, role__in=CHANGE_ROLES)
                      .values_list("organization_id", "role").distinct())
        if getattr(user, "pk", None):
            user._jiceng_own_grants = cached
    return cached


def own_organization_ids(user) -> list[int]:
    """``organization_id__in=own_organization_ids(user)``: the organizations' ids, read once per user object."""
    return sorted({organization_id for organization_id, _role in own_grants(user)})


def own_roles(user) -> set[str]:
    """The roles the user holds on the organizations they answer for."""
    return {role for _organization_id, role in own_grants(user)}

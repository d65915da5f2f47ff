"""The organizations a user answers for: those they hold a grant that may change on (not their subtree).

The to-do list gathers what these organizations owe or must decide; a township administrator's own organization is
the township committee, a branch secretary's their branch. The answer is a subquery, so filtering by it costs no
query of its own."""
from .models import Grant
from .roles import CAPABILITIES

CHANGE_ROLES = tuple(role for role, capabilities in CAPABILITIES.items() if capabilities.change)


def own_organization_ids(user):
    """``organization_id__in=own_organization_ids(user)``: a subquery of the organizations' ids."""
    return Grant.objects.filter(user_id=getattr(user, "pk", None) or 0, role__in=CHANGE_ROLES).values(
        "organization_id")

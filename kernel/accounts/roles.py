"""What each role may do on the subtree it is granted on, and who may grant it.

Roles are ordered; an account is managed only by an administrator:

=================  ====  ===============================================================
role               rank  may create accounts and grant roles
=================  ====  ===============================================================
county_admin       4     yes: any role, on organizations inside its grant's subtree
township_admin     3     yes: township_admin and below, inside its grant's subtree
branch_secretary   2     no
inspector          1     no (granted by administrators only)
leader             1     no (read-only; granted by administrators only)
member             1     no
=================  ====  ===============================================================

- Only an administrator (county_admin or township_admin on an active organization, or a superuser) manages
  accounts, and only inside the subtree of an administrator grant it holds.
- A role R may be granted on organization O only by someone holding an administrator grant that covers O
  and ranks at least as high as R: a county administrator may grant county_admin inside its subtree; a
  township administrator never grants county_admin, and nothing on the county's own organization.
- An account is *visible* to an administrator when one of its grants lies in the administrator's subtree,
  or its home organization does. It is *manageable* (edit, deactivate, reset the password, grant, revoke)
  only when the administrator could have granted every grant it holds (each one covered, each one ranked no
  higher), and, for an account without grants, when its home organization lies in the subtree. An account
  with grants inside and outside a township is visible to that township's administrator but managed only
  by someone above both. Superusers are managed only by superusers.
- Nobody changes their own grants, deactivates their own account or resets their own password (everyone
  changes their own password with the old one).
"""
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COUNTY_ADMIN = "county_admin", _("County administrator")
    TOWNSHIP_ADMIN = "township_admin", _("Township administrator")
    BRANCH_SECRETARY = "branch_secretary", _("Branch secretary")
    INSPECTOR = "inspector", _("Inspector")
    LEADER = "leader", _("Leader (read-only)")
    MEMBER = "member", _("Member self-service")


@dataclass(frozen=True)
class Capabilities:
    see_people: bool  # personal data of everyone in the subtree (otherwise only one's own)
    change: bool
    sensitive: bool  # ID numbers and phones unmasked


CAPABILITIES = {
    Role.COUNTY_ADMIN: Capabilities(see_people=True, change=True, sensitive=True),
    Role.TOWNSHIP_ADMIN: Capabilities(see_people=True, change=True, sensitive=True),
    Role.BRANCH_SECRETARY: Capabilities(see_people=True, change=True, sensitive=True),
    Role.INSPECTOR: Capabilities(see_people=True, change=False, sensitive=False),
    Role.LEADER: Capabilities(see_people=True, change=False, sensitive=False),
    Role.MEMBER: Capabilities(see_people=False, change=False, sensitive=False),
}

RANK = {
    Role.COUNTY_ADMIN: 4,
    Role.TOWNSHIP_ADMIN: 3,
    Role.BRANCH_SECRETARY: 2,
    Role.INSPECTOR: 1,
    Role.LEADER: 1,
    Role.MEMBER: 1,
}

ADMIN_ROLES = frozenset({Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN})


def may_grant(held: str, granted: str) -> bool:
    """Whether an administrator grant of role ``held`` allows granting ``granted`` (on an organization it covers)."""
    return held in ADMIN_ROLES and granted in RANK and RANK[held] >= RANK[granted]


def roles_grantable_by(held: str) -> list[str]:
    return [role for role in Role.values if may_grant(held, role)]

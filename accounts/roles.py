"""What each role may do on the subtree it is granted on."""
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

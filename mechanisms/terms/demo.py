"""Terms for the demo county or city: every active base committee, general branch and branch gets its current term.

The villages whose election of this year's term change is done have theirs already (recorded when the result took
office, mechanisms.elections through kernel.people.services.organization_term_changed); they get their reminder
here, once the shipped rule is installed. The villages still electing have a term at or just past its expiry.
Elsewhere a term began some time within its length: about one in five expires within six months and one in twenty
is past its expiry without a term change (overdue in the duties engine).
"""
import datetime
import random

from django.db import transaction

from kernel.core import clock
from kernel.core.actor import acting_as
from kernel.core.tree import subtree_q
from kernel.orgs.models import Domain, Organization, OrgStatus, OrgType

from . import services
from .dates import add_months
from .library import install_terms
from .models import TERM_TYPES, How, Term

OVERDUE_SHARE, EXPIRING_SHARE = 0.05, 0.2


def generate_terms(root: Organization, seed: int, progress=print, today: datetime.date | None = None) -> dict:
    with acting_as(None, source="command:demo_data:terms"), transaction.atomic():
        return _generate(root, seed, today or clock.today(), progress)


def _start(rng, organization: Organization, today: datetime.date) -> datetime.date:
    """A plausible start of the organization's current term."""
    years, _length = services.length_in_force(organization, today)
    months = 12 * years
    if organization.org_type == OrgType.BRANCH and organization.domain == Domain.RURAL:
        ahead = rng.randint(-2, 3)  # still electing: at its expiry or just past it
    else:
        draw = rng.random()
        if draw < OVERDUE_SHARE:
            ahead = -rng.randint(1, 8)
        elif draw < OVERDUE_SHARE + EXPIRING_SHARE:
            ahead = rng.randint(1, 5)
        else:
            ahead = rng.randint(7, months - 1)
    return add_months(today, ahead - months) + datetime.timedelta(days=rng.randint(0, 27))


def _generate(root, seed, today, progress) -> dict:
    install_terms(user=None, owner=root)  # the term-expiry rule and the table of term lengths
    rng = random.Random(f"terms:{seed}")
    counts = {"elected": 0, "recorded": 0}
    for term in Term.objects.filter(subtree_q("org_path", [root.path]), ended_on__isnull=True,
                                    withdrawn_on__isnull=True, obligation__isnull=True).select_related("organization"):
        services.open_reminder(term)
        counts["elected"] += 1
    organizations = (Organization.objects.filter(subtree_q("path", [root.path]), org_type__in=TERM_TYPES,
                                                 status=OrgStatus.ACTIVE)
                     .exclude(pk__in=Term.objects.filter(ended_on__isnull=True, withdrawn_on__isnull=True)
                              .values("organization_id"))
                     .select_related("parent").order_by("path"))
    for organization in organizations:
        started_on = min(_start(rng, organization, today), today)
        services.term_change(user=None, organization=organization, started_on=started_on,
                             number=rng.randint(3, 14), confirm=True,
                             how=How.CONGRESS if organization.org_type == OrgType.PARTY_COMMITTEE
                             and rng.random() < 0.5 else How.ASSEMBLY)
        counts["recorded"] += 1
    progress(f"terms: {counts['recorded']:,} current terms recorded, {counts['elected']:,} from this year's village "
             f"elections given their reminder")
    return counts

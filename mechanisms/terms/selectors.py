"""Reads of the terms register, through ``restrict``."""
from kernel.core.tree import subtree_q
from kernel.orgs.models import Organization, OrgStatus

from .dates import add_months
from .models import TERM_TYPES, Term, TermLength, TermStatus

MONTHS_AHEAD = 6


def register(user, *, today, under=None, status: str = "", org_type: str = "", months: int = MONTHS_AHEAD):
    """The organizations' current terms in the user's scope, the soonest to expire first: ``status`` expired (past
    the expiry without a term change), expiring (within ``months``) or current (later)."""
    rows = (Term.objects.restrict(user).live().filter(ended_on__isnull=True)
            .select_related("organization", "obligation"))
    if under is not None:
        rows = rows.filter(subtree_q("org_path", [under.path]))
    if org_type:
        rows = rows.filter(organization__org_type=org_type)
    horizon = add_months(today, months)
    if status == TermStatus.EXPIRED:
        rows = rows.filter(expires_on__lt=today)
    elif status == TermStatus.EXPIRING:
        rows = rows.filter(expires_on__gte=today, expires_on__lte=horizon)
    elif status == TermStatus.CURRENT:
        rows = rows.filter(expires_on__gt=horizon)
    return rows.order_by("expires_on", "org_path")


def without_term(user, *, under=None, org_type: str = ""):
    """The active organizations with terms (committees, general branches, branches) in the user's scope that have
    no current term recorded."""
    rows = Organization.objects.restrict(user).filter(org_type__in=TERM_TYPES, status=OrgStatus.ACTIVE).exclude(
        pk__in=Term.objects.live().filter(ended_on__isnull=True).values("organization_id"))
    if under is not None:
        rows = rows.filter(subtree_q("path", [under.path]))
    if org_type:
        rows = rows.filter(org_type=org_type)
    return rows


def history(user, organization):
    """The organization's terms the user may see, the latest first, with their holders."""
    return (Term.objects.restrict(user).filter(organization=organization)
            .select_related("obligation", "recorded_by", "withdrawn_by").prefetch_related("holders")
            .order_by("-started_on", "-pk"))


def lengths(user):
    """The tables of term lengths the user works under (its owners' and those above), each row with its history."""
    return TermLength.objects.restrict(user).select_related("owner", "created_by")

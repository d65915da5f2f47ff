"""Reads of the letters, through ``restrict``."""
from django.db.models import Q

from kernel.core import clock
from kernel.core.tree import subtree_q

from .models import Letter, LetterCheck, LetterPerson, LetterStatus

STATUSES = [(s.value, s.label) for s in LetterStatus]


def letters(user, *, year: int, under=None, status: str = "", issuer=None):
    """The letters of ``year`` the user sees (as the issuer above or as the organization signing), under an
    organization, of a status, from an issuer."""
    rows = (Letter.objects.restrict(user).filter(year=year)
            .select_related("organization", "issuer", "obligation", "year_check"))
    if under is not None:
        rows = rows.filter(subtree_q("org_path", [under.path]))
    if issuer is not None:
        rows = rows.filter(issuer=issuer)
    live = Q(withdrawn_on__isnull=True)
    if status == LetterStatus.WITHDRAWN:
        rows = rows.filter(withdrawn_on__isnull=False)
    elif status == LetterStatus.CHECKED:
        rows = rows.filter(live, year_check__isnull=False)
    elif status == LetterStatus.SIGNED:
        rows = rows.filter(live, signed_on__isnull=False, year_check__isnull=True)
    elif status == LetterStatus.OVERDUE:
        rows = rows.filter(live, signed_on__isnull=True, due_on__lt=clock.today())
    elif status == LetterStatus.UNSIGNED:
        rows = rows.filter(live, signed_on__isnull=True, due_on__gte=clock.today())
    elif status == "failed":
        rows = rows.filter(live, accepted=False)
    else:
        rows = rows.filter(live)
    return rows.order_by("issuer_path", "org_path", "pk")


def counts(user, *, year: int, under=None) -> dict:
    """The figures of the letters of ``year`` (as the list counts them): issued, signed, unsigned, overdue,
    checked, failed."""
    rows = letters(user, year=year, under=under)
    return {"issued": rows.count(), "signed": rows.filter(signed_on__isnull=False).count(),
            "unsigned": rows.filter(signed_on__isnull=True).count(),
            "overdue": letters(user, year=year, under=under, status=LetterStatus.OVERDUE).count(),
            "checked": rows.filter(year_check__isnull=False).count(),
            "failed": letters(user, year=year, under=under, status="failed").count(),
            "barred": barred(user, year=year, under=under).count()}


def barred(user, *, year: int, under=None):
    """The people barred from the 优秀 grade of ``year``'s annual review (seed 000 §一.3: 因工作不力造成验收不合格的，
    一律不得进入优秀档): those answerable for a letter of the year, not withdrawn, whose year-end check (not
    withdrawn) failed, in the user's subtree (under an organization). Computed from the checks: a check withdrawn
    or redone as passed lifts the bar."""
    rows = (LetterPerson.objects.restrict(user)
            .filter(letter__in=Letter.objects.restrict(user).filter(year=year), letter__withdrawn_on__isnull=True,
                    letter__year_check__isnull=False, letter__year_check__withdrawn_on__isnull=True,
                    letter__accepted=False)
            .select_related("letter", "letter__organization", "letter__issuer", "letter__year_check", "person"))
    if under is not None:
        rows = rows.filter(subtree_q("org_path", [under.path]))
    return rows.order_by("org_path", "letter_id", "position", "pk")


def checks(user, *, year: int | None = None):
    rows = LetterCheck.objects.restrict(user).select_related("issuer", "assessment")
    if year is not None:
        rows = rows.filter(year=year)
    return rows


def issuers(user):
    """The organizations whose letters the user may issue: those in the user's reach with organizations under
    them to sign with."""
    from kernel.core.scope import CHANGE
    from kernel.orgs.models import Organization, OrgStatus, OrgType

    return (Organization.objects.restrict(user, CHANGE)
            .filter(status=OrgStatus.ACTIVE, org_type__in=(OrgType.COMMITTEE, OrgType.PARTY_COMMITTEE,
                                                           OrgType.GENERAL_BRANCH))
            .filter(children__status=OrgStatus.ACTIVE).distinct().order_by("path"))


def this_year() -> int:
    return clock.today().year

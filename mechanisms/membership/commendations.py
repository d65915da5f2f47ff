"""The register of in-party commendations (党内表彰): recording one (a member, or an organization), withdrawing
one recorded by mistake, and the reads the register page, the API and the statistics report share."""
import datetime

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from kernel.core import clock
from kernel.core.changelog import record_change, snapshot
from kernel.core.models import ChangeRecord
from kernel.core.services import refuse, require_in_scope, user_or_none
from kernel.core.tree import subtree_q
from kernel.orgs.models import Organization
from kernel.people.models import Person

from .models_commendation import PERSON_HONOURS, Commendation, CommendationLevel, Honour


@transaction.atomic
def commendation_record(*, user, honour: str, level: str, year: int, decided_on: datetime.date,
                        organization: Organization | None = None, person: Person | None = None, title: str = "",
                        decided_by: str = "", number: str = "", note: str = "") -> Commendation:
    """Records a commendation of ``person`` (kept under their organization) or of ``organization``."""
    if honour not in Honour.values:
        refuse(_("Choose the honour."), field="honour")
    if level not in CommendationLevel.values:
        refuse(_("Choose the level of the body that decided it."), field="level")
    if person is not None:
        if organization is not None and not person.org_path.startswith(organization.path):
            refuse(_("%(name)s is not a member of %(organization)s.") % {"name": person.name,
                                                                         "organization": organization.name},
                   field="person")
        organization = person.organization
    if organization is None:
        refuse(_("Choose the member or the organization commended."), field="person")
    if honour in PERSON_HONOURS and person is None:
        refuse(_("This honour is given to a member: choose the member."), field="person")
    if honour == Honour.ADVANCED_ORG and person is not None:
        refuse(_("This honour is given to an organization, not to a member."), field="person")
    if honour == Honour.OTHER and not title.strip():
        refuse(_("Name the honour."), field="title")
    today = clock.today()
    if decided_on > today:
        refuse(_("A commendation is recorded once it was decided: the date cannot be in the future."),
               field="decided_on")
    if not 1950 <= year <= today.year:
        refuse(_("The year must be between 1950 and this year."), field="year")
    if decided_on.year < year:
        refuse(_("A commendation for a year is decided in that year or later."), field="decided_on")
    require_in_scope(user, organization.path, realm="org")
    same = Commendation.objects.filter(year=year, honour=honour, level=level, withdrawn_on__isnull=True,
                                       organization=organization, person=person)
    if honour == Honour.OTHER:
        same = same.filter(title=title.strip())
    if same.exists():
        refuse(_("%(subject)s already has this honour for %(year)s.") % {
            "subject": person.name if person else organization.name, "year": year})
    row = Commendation.objects.create(
        organization=organization, person=person, org_path=organization.path, year=year, honour=honour,
        title=title.strip() if honour == Honour.OTHER else "", level=level, decided_by=decided_by.strip(),
        number=number.strip(), decided_on=decided_on, note=note.strip(), recorded_by=user_or_none(user))
    record_change(row, ChangeRecord.Action.CREATE)
    return row


@transaction.atomic
def commendation_withdraw(*, user, commendation: Commendation, reason: str) -> Commendation:
    """Withdraws a commendation recorded by mistake (or revoked): it stays in the register, marked, and counts
    nowhere."""
    row = Commendation.objects.select_for_update().get(pk=commendation.pk)
    require_in_scope(user, row.org_path, realm="org")
    if row.withdrawn_on is not None:
        refuse(_("This commendation was withdrawn already."))
    if not reason.strip():
        refuse(_("Say why the commendation is withdrawn."), field="reason")
    before = snapshot(row)
    row.withdrawn_on, row.withdrawn_by, row.withdraw_reason = clock.today(), user_or_none(user), reason.strip()
    row.save(update_fields=["withdrawn_on", "withdrawn_by", "withdraw_reason", "updated_at"])
    record_change(row, ChangeRecord.Action.UPDATE, before=before)
    return row


def register(user, *, root: Organization, year: int | None = None, honour: str = "", level: str = "",
             row: str | None = None, withdrawn: bool = False):
    """The commendations under ``root`` the user may see (within a row of the report: a child's subtree, or the
    root's own when ``row`` is its path), the withdrawn ones only when asked."""
    rows = Commendation.objects.restrict(user).filter(subtree_q("org_path", [root.path]))
    if row is not None:
        rows = rows.filter(org_path=row) if row == root.path else rows.filter(subtree_q("org_path", [row]))
    if year:
        rows = rows.filter(year=year)
    if honour:
        rows = rows.filter(honour=honour)
    if level:
        rows = rows.filter(level=level)
    if not withdrawn:
        rows = rows.filter(withdrawn_on__isnull=True)
    return rows.select_related("organization", "person")


def counts(root_path: str, year: int, width: int) -> list[dict]:
    """The year's commendations in force under ``root_path``, grouped by row prefix, honour and level."""
    from django.db.models.functions import Substr

    return list(Commendation.objects.filter(subtree_q("org_path", [root_path]), year=year, withdrawn_on__isnull=True)
                .order_by().annotate(row=Substr("org_path", 1, width)).values("row", "honour", "level")
                .annotate(n=Count("pk")))

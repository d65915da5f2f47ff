"""Reminders (催办) from a figure: a township or county administrator sends a reminder to the organizations behind
a figure of the overdue board (those with overdue obligations under a node); every user holding a secretary's or
administrator's grant on one of them finds it on their to-do list until they read it, and read for a while after."""
import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.accounts.models import Grant
from kernel.accounts.own import CHANGE_ROLES
from kernel.accounts.roles import ADMIN_ROLES
from kernel.accounts.scope import roles_covering
from kernel.core.scope import CHANGE, scope_for
from kernel.core.services import refuse

from . import selectors
from .models import ObligationState, Urging, UrgingRecipient

# Read reminders stay on the to-do list this long after they were sent.
KEEP_READ_DAYS = 30


def may_urge(user, organization) -> bool:
    """A township or county administrator (or a superuser) over ``organization``."""
    if getattr(user, "is_superuser", False):
        return True
    return bool(roles_covering(user, organization.path) & set(ADMIN_ROLES)) and scope_for(user).covers(
        organization.path, action=CHANGE)


def overdue_organizations(user, under, *, rule=None, year=None) -> list[int]:
    """The organizations under ``under`` (itself excluded) with obligations overdue, in the user's scope."""
    rows = selectors.obligations(user, under=under, rule=rule, state=ObligationState.OVERDUE, year=year).order_by()
    ids = set()
    for organization_id, person_org_id in rows.values_list("organization_id", "person__organization_id").distinct():
        ids.add(organization_id or person_org_id)
    ids.discard(None)
    ids.discard(under.pk)
    return sorted(ids)


@transaction.atomic
def urge(*, user, sender_org, organization_ids, about: str, message: str) -> Urging:
    if not may_urge(user, sender_org):
        raise PermissionDenied
    message = (message or "").strip()
    if not message:
        refuse(_("Write the reminder."), field="message")
    from kernel.orgs.models import Organization

    organizations = list(Organization.objects.restrict(user, CHANGE).filter(pk__in=organization_ids))
    if not organizations:
        refuse(_("No organization to remind."), field="organizations")
    urging = Urging.objects.create(sender=user if getattr(user, "pk", None) else None, sender_org=sender_org,
                                   about=about[:200], message=message[:300])
    grants = (Grant.objects.filter(organization__in=organizations, role__in=CHANGE_ROLES, user__is_active=True)
              .exclude(user_id=user.pk).values_list("user_id", "organization_id").distinct())
    UrgingRecipient.objects.bulk_create([UrgingRecipient(urging=urging, user_id=user_id, organization_id=org_id)
                                         for user_id, org_id in grants], ignore_conflicts=True)
    return urging


def received(user, today: datetime.date):
    """The user's reminders: unread ones, and read ones sent in the last KEEP_READ_DAYS days."""
    since = timezone.now() - datetime.timedelta(days=KEEP_READ_DAYS)
    from django.db.models import Q

    return (UrgingRecipient.objects.filter(user_id=getattr(user, "pk", None) or 0)
            .filter(Q(read_at__isnull=True) | Q(urging__created_at__gte=since))
            .select_related("urging__sender_org", "organization").order_by("read_at", "-urging__created_at", "-pk"))


def mark_read(user, recipient: UrgingRecipient) -> None:
    if recipient.user_id != user.pk:
        raise PermissionDenied
    if recipient.read_at is None:
        recipient.read_at = timezone.now()
        recipient.save(update_fields=["read_at"])

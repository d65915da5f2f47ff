"""Reminders (催办) from a figure: a township or county administrator sends a reminder to the organizations behind
a figure of the overdue board (those with overdue obligations under a node); every user holding a secretary's or
administrator's grant on one of them finds it on their to-do list until they read it, and read for a while after.
Those with an e-mail address get it by e-mail too, once. Its sender may withdraw it while nobody has read it: it
then leaves every recipient's list."""
import datetime
import logging
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kernel.accounts.models import Grant
from kernel.accounts.own import CHANGE_ROLES
from kernel.accounts.roles import ADMIN_ROLES
from kernel.accounts.scope import roles_covering
from kernel.core.scope import CHANGE, scope_for
from kernel.core.services import refuse

from . import selectors
from .models import ObligationState, Urging, UrgingRecipient

logger = logging.getLogger(__name__)

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
    transaction.on_commit(lambda: send_emails(urging.pk))
    return urging


def send_emails(urging_id: int) -> int:
    """E-mails the reminder to each recipient with an address who has not had it yet (one message per user, naming
    their organizations), unless it was withdrawn; the number of messages sent."""
    pending = list(UrgingRecipient.objects.filter(urging_id=urging_id, emailed_at__isnull=True,
                                                  urging__withdrawn_at__isnull=True)
                   .exclude(user__email="").select_related("user", "organization", "urging__sender_org")
                   .order_by("user_id", "organization__path"))
    by_user = defaultdict(list)
    for recipient in pending:
        by_user[recipient.user].append(recipient)
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for user, rows in by_user.items():
            urging = rows[0].urging
            subject = _("Reminder from %(org)s: %(about)s") % {"org": urging.sender_org.name, "about": urging.about}
            body = "\n".join([urging.message, "", _("For: %(orgs)s") % {
                "orgs": "、".join(row.organization.name for row in rows)},
                _("Sent on %(day)s.") % {"day": timezone.localdate(urging.created_at).isoformat()}])
            try:
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=False)
            except Exception:  # noqa: BLE001 - a mail server down must not lose the reminder; the list still shows it
                logger.exception("reminder %s not e-mailed to user %s", urging_id, user.pk)
                continue
            UrgingRecipient.objects.filter(pk__in=[row.pk for row in rows]).update(emailed_at=timezone.now())
            sent += 1
    return sent


def sent_by(user):
    """The reminders ``user`` sent, newest first, each with its recipients counted and those who read it."""
    return (Urging.objects.filter(sender_id=getattr(user, "pk", None) or 0).select_related("sender_org")
            .annotate(recipient_count=Count("recipients"),
                      read_count=Count("recipients", filter=Q(recipients__read_at__isnull=False)))
            .order_by("-created_at", "-pk"))


def can_withdraw(user, urging: Urging) -> bool:
    return (urging.sender_id is not None and urging.sender_id == getattr(user, "pk", None)
            and urging.withdrawn_at is None and not urging.recipients.filter(read_at__isnull=False).exists())


@transaction.atomic
def withdraw(*, user, urging: Urging) -> Urging:
    """The sender takes the reminder back while nobody has read it; it leaves every recipient's list."""
    urging = Urging.objects.select_for_update().get(pk=urging.pk)
    if urging.sender_id is None or urging.sender_id != getattr(user, "pk", None):
        raise PermissionDenied
    if urging.withdrawn_at is not None:
        refuse(_("This reminder has already been withdrawn."))
    if urging.recipients.filter(read_at__isnull=False).exists():
        refuse(_("This reminder has been read: it can no longer be withdrawn."))
    urging.withdrawn_at = timezone.now()
    urging.save(update_fields=["withdrawn_at"])
    return urging


def received(user, today: datetime.date):
    """The user's reminders: unread ones, and read ones sent in the last KEEP_READ_DAYS days."""
    since = timezone.now() - datetime.timedelta(days=KEEP_READ_DAYS)
    return (UrgingRecipient.objects.filter(user_id=getattr(user, "pk", None) or 0, urging__withdrawn_at__isnull=True)
            .filter(Q(read_at__isnull=True) | Q(urging__created_at__gte=since))
            .select_related("urging__sender_org", "organization").order_by("read_at", "-urging__created_at", "-pk"))


def mark_read(user, recipient: UrgingRecipient) -> None:
    if recipient.user_id != user.pk or recipient.urging.withdrawn_at is not None:
        raise PermissionDenied
    if recipient.read_at is None:
        recipient.read_at = timezone.now()
        recipient.save(update_fields=["read_at"])

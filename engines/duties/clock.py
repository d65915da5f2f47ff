"""The duties clock: what day it is, the states that follow from it, and the notices it sends.

``refresh_states`` moves every unfinished obligation to open, overdue or missed by its dates in one
UPDATE. ``tick`` (the daily command duties_tick) refreshes, then writes the reminders (``remind_days``
before the deadline, to those responsible for the subject), the overdue notices (after the deadline,
to the same users) and the escalations (``escalate_days`` after it, to those responsible for the
parent), each set-based and each at most once per user and obligation (a unique constraint), and
e-mails every new notice to users with an address: one message per user.
"""
import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.core import clock as _system
from kernel.core.tree import subtree_bounds

from .models import Notice, ObligationState

CHANGE_ROLES = ("county_admin", "township_admin", "branch_secretary")

# The duties' today is the system's one clock (kernel.core.clock), under the names the duties' callers use.
today, set_today, today_is = _system.today, _system.set_today, _system.today_is

def state_sql(today_param: str = "%s") -> str:
    """The state of an unfinished obligation on the day bound to ``today_param`` (twice)."""
    return (f"CASE WHEN missed_after < {today_param} THEN '{ObligationState.MISSED}' "
            f"WHEN due_on < {today_param} THEN '{ObligationState.OVERDUE}' ELSE '{ObligationState.OPEN}' END")


def state_of(*, due_on, missed_after, completed_on, today_: datetime.date, waived: bool = False) -> str:
    """The state the semantics give: done or late once completed, else open, overdue or missed."""
    if waived:
        return ObligationState.WAIVED
    if completed_on is not None:
        return ObligationState.DONE if completed_on <= due_on else ObligationState.LATE
    if today_ > missed_after:
        return ObligationState.MISSED
    if today_ > due_on:
        return ObligationState.OVERDUE
    return ObligationState.OPEN


def _root_condition(root, column: str = "org_path") -> tuple[str, list]:
    if root is None:
        return "", []
    lo, hi = subtree_bounds(root.path)
    return f" AND {column} >= %s AND {column} < %s", [lo, hi]


def refresh_states(*, today: datetime.date | None = None, root=None) -> dict:
    """Sets the state of every unfinished obligation (under ``root``) from its dates; {"changed": n}."""
    day = today or _system.today()
    where, params = _root_condition(root)
    sql = (f"UPDATE duties_obligation SET state = {state_sql()} "
           f"WHERE completed_on IS NULL AND state <> '{ObligationState.WAIVED}' "
           f"AND state <> {state_sql()}{where}")
    with connection.cursor() as cursor:
        cursor.execute(sql, [day, day, day, day, *params])
        return {"changed": cursor.rowcount}


# --- notices --------------------------------------------------------------------------------------------------

def _responsible(level: str) -> str:
    """The grants of users who must act: on the subject's organization or its parent ("subject"), or on
    the parent only ("parent"). ``og`` is the subject's organization."""
    organizations = "g.organization_id IN (og.id, og.parent_id)" if level == "subject" else \
        "g.organization_id = og.parent_id"
    roles = ", ".join(f"'{role}'" for role in CHANGE_ROLES)
    return f"{organizations} AND g.role IN ({roles})"


def _notify(kind: str, condition: str, params: list, level: str, now) -> int:
    """Writes one notice of ``kind`` per responsible user and matching obligation that has none yet."""
    users = get_user_model()._meta.db_table
    sql = f"""
        INSERT INTO duties_notice (user_id, obligation_id, kind, message, created_at)
        SELECT DISTINCT g.user_id, o.id, %s, r.name || ' · ' || o.period_label, %s
        FROM duties_obligation o
        JOIN duties_dutyrule r ON r.id = o.rule_id
        JOIN duties_ruleversion v ON v.id = o.version_id
        LEFT JOIN people_person p ON p.id = o.person_id
        JOIN orgs_organization og ON og.id = COALESCE(o.organization_id, p.organization_id)
        JOIN accounts_grant g ON {_responsible(level)}
        JOIN {users} u ON u.id = g.user_id AND u.is_active
        WHERE o.completed_on IS NULL AND o.state IN ('{ObligationState.OPEN}', '{ObligationState.OVERDUE}')
          AND {condition}
          AND NOT EXISTS (SELECT 1 FROM duties_notice n
                          WHERE n.user_id = g.user_id AND n.obligation_id = o.id AND n.kind = %s)"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [kind, now, *params, kind])
        return cursor.rowcount


def _shifted(column: str, sign: str) -> str:
    """``o.due_on`` shifted by the version's day ``column``, as a date on both databases."""
    if connection.vendor == "postgresql":
        return f"(o.due_on {sign} v.{column})"
    return f"date(o.due_on, '{sign}' || v.{column} || ' days')"


def send_reminders(day: datetime.date, now) -> dict:
    """Reminders from ``remind_days`` before the deadline, overdue notices after it, escalations
    ``escalate_days`` after it; marks the obligations reminded and escalated."""
    reminders = _notify(Notice.Kind.REMINDER, f"o.due_on >= %s AND {_shifted('remind_days', '-')} <= %s",
                        [day, day], "subject", now)
    overdue = _notify(Notice.Kind.OVERDUE, "o.due_on < %s", [day], "subject", now)
    escalations = _notify(Notice.Kind.ESCALATION, f"{_shifted('escalate_days', '+')} < %s", [day], "parent", now)
    with connection.cursor() as cursor:
        marked = "(SELECT obligation_id FROM duties_notice WHERE kind = %s AND created_at = %s)"
        cursor.execute(f"UPDATE duties_obligation SET reminded_on = %s WHERE reminded_on IS NULL AND id IN {marked}",
                       [day, Notice.Kind.REMINDER, now])
        for level, kind in ((1, Notice.Kind.OVERDUE), (2, Notice.Kind.ESCALATION)):
            cursor.execute(f"UPDATE duties_obligation SET escalation = %s WHERE escalation < %s AND id IN {marked}",
                           [level, level, kind, now])
    return {"reminders": reminders, "overdue": overdue, "escalations": escalations}


def send_emails() -> int:
    """E-mails each user with an address their notices not yet sent, in one message; returns messages sent."""
    pending = (Notice.objects.filter(emailed_at__isnull=True).exclude(user__email="")
               .select_related("user").order_by("user_id", "kind", "pk"))
    by_user: dict = {}
    for notice in pending:
        by_user.setdefault(notice.user, []).append(notice)
    sent = 0
    for user, notices in by_user.items():
        kinds = dict(Notice.Kind.choices)
        lines = [f"{kinds.get(notice.kind, notice.kind)}: {notice.message}" for notice in notices]
        subject = _("%(count)d duties need your attention") % {"count": len(notices)}
        send_mail(subject, "\n".join(lines), settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=False)
        Notice.objects.filter(pk__in=[notice.pk for notice in notices]).update(emailed_at=timezone.now())
        sent += 1
    return sent


def tick(*, today: datetime.date | None = None) -> dict:
    """The daily run: states, reminders, overdue notices, escalations, e-mail."""
    day = today or _system.today()
    now = timezone.now()
    with transaction.atomic():
        result = refresh_states(today=day)
        result.update(send_reminders(day, now))
    result["emails"] = send_emails()
    return result


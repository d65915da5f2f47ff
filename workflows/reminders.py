"""Stage deadlines acted on: the daily ``tick`` (command workflows_tick) and the to-do items it leaves.

A case in a stage with ``time_limit_days`` is due ``stage_entered_on + time_limit_days`` (``Case.due_on``,
the date the overdue filters compare). From ``remind_days`` before that date until it, the users holding
one of the stage's actor roles over the case's organization get a reminder; after it, an overdue
notice; ``WORKFLOWS_ESCALATE_DAYS`` days after it (settings, default 7), the users with a change role
on the parent organization get an escalation. Each kind is written once per stay in a stage (a unique
constraint), e-mailed to the users with an address, and listed on their to-do list while the case
stays where it was.
"""
import datetime
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Grant
from accounts.roles import CAPABILITIES
from core.scope import VIEW
from core.todo import TodoItem
from core.tree import ancestor_paths

from . import clock
from .models import Case, CaseNotice, NoticeRecipient, StageDef, Transition

DEFAULT_ESCALATE_DAYS = 7
SEVERITY = {CaseNotice.Kind.REMINDER: 0, CaseNotice.Kind.OVERDUE: 1, CaseNotice.Kind.ESCALATION: 2}


def escalate_days() -> int:
    return int(getattr(settings, "WORKFLOWS_ESCALATE_DAYS", DEFAULT_ESCALATE_DAYS))


def deadline(case: Case) -> datetime.date | None:
    """The date the case must leave its stage by (None: the stage has no time limit or the case is closed)."""
    return case.due_on if case.status == Case.Status.OPEN else None


def days_overdue(case: Case, today: datetime.date | None = None) -> int:
    """Days past the stage's deadline; 0 while not overdue."""
    due = deadline(case)
    today = today or clock.today()
    return (today - due).days if due is not None and today > due else 0


def kinds_due(due_on: datetime.date, remind_days: int, today: datetime.date, escalate_after: int) -> list[str]:
    """The notices a case due on ``due_on`` has reached by ``today``."""
    if today > due_on:
        kinds = [CaseNotice.Kind.OVERDUE]
        if today > due_on + datetime.timedelta(days=escalate_after):
            kinds.append(CaseNotice.Kind.ESCALATION)
        return kinds
    if today >= due_on - datetime.timedelta(days=remind_days):
        return [CaseNotice.Kind.REMINDER]
    return []


def _with_entry(rows):
    latest = Transition.objects.filter(case=OuterRef("pk")).order_by("-id").values("id")[:1]
    return rows.annotate(entry_id=Subquery(latest))


def _grants():
    """(user, role) per organization path and per organization id, of active users on active organizations."""
    by_path, by_org = defaultdict(list), defaultdict(list)
    rows = Grant.objects.filter(organization__status="active", user__is_active=True).values_list(
        "user_id", "role", "organization__path", "organization_id")
    for user_id, role, path, org_id in rows:
        by_path[path].append((user_id, role))
        by_org[org_id].append((user_id, role))
    return by_path, by_org


def _actors(case: Case, stage: StageDef, by_path) -> set[int]:
    return {user_id for path in ancestor_paths(case.org_path) for user_id, role in by_path.get(path, ())
            if role in stage.actors}


def _parent_changers(case: Case, by_org) -> set[int]:
    return {user_id for user_id, role in by_org.get(case.organization.parent_id, ()) if CAPABILITIES[role].change}


def send_notices(day: datetime.date) -> dict:
    """Writes the notices the open cases have reached on ``day`` and have not had yet."""
    counts = {kind: 0 for kind in CaseNotice.Kind.values}
    horizon = StageDef.objects.aggregate(n=Max("remind_days"))["n"] or 0
    candidates = list(_with_entry(Case.objects.filter(
        status=Case.Status.OPEN, due_on__isnull=False, due_on__lte=day + datetime.timedelta(days=horizon)))
        .select_related("organization"))
    if not candidates:
        return counts
    stages = {(stage.version_id, stage.code): stage
              for stage in StageDef.objects.filter(version_id__in={case.version_id for case in candidates})}
    had = set(CaseNotice.objects.filter(case__in=candidates).values_list("case_id", "entry_id", "kind"))
    by_path, by_org = _grants()
    after = escalate_days()
    for case in candidates:
        stage = stages[(case.version_id, case.stage)]
        for kind in kinds_due(case.due_on, stage.remind_days, day, after):
            if (case.pk, case.entry_id, kind) in had:
                continue
            users = _parent_changers(case, by_org) if kind == CaseNotice.Kind.ESCALATION else \
                _actors(case, stage, by_path)
            notice = CaseNotice.objects.create(case=case, entry_id=case.entry_id, kind=kind, stage=stage.code,
                                               message=f"{case.title} · {stage.name}"[:300], due_on=case.due_on,
                                               created_on=day)
            NoticeRecipient.objects.bulk_create(NoticeRecipient(notice=notice, user_id=user_id)
                                                for user_id in sorted(users))
            counts[kind] += 1
    return counts


def send_emails() -> int:
    """E-mails each user with an address the notices not yet sent to them, in one message; messages sent."""
    pending = (NoticeRecipient.objects.filter(emailed_at__isnull=True).exclude(user__email="")
               .select_related("user", "notice").order_by("user_id", "notice__due_on", "pk"))
    by_user = defaultdict(list)
    for delivery in pending:
        by_user[delivery.user].append(delivery)
    kinds = dict(CaseNotice.Kind.choices)
    for user, deliveries in by_user.items():
        lines = [_("%(kind)s: %(message)s, due on %(date)s")
                 % {"kind": kinds[d.notice.kind], "message": d.notice.message, "date": d.notice.due_on.isoformat()}
                 for d in deliveries]
        subject = _("%(count)d workflow cases need your attention") % {"count": len(deliveries)}
        send_mail(subject, "\n".join(lines), settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=False)
        NoticeRecipient.objects.filter(pk__in=[d.pk for d in deliveries]).update(emailed_at=timezone.now())
    return len(by_user)


def tick(*, today: datetime.date | None = None) -> dict:
    """The daily run: the day's reminders, overdue notices and escalations, then the e-mail."""
    day = today or clock.today()
    with transaction.atomic():
        result = send_notices(day)
    result["emails"] = send_emails()
    return result


def todo_items(user, today: datetime.date):
    """The user's notices of cases still open and still in the stay they were written for, the gravest
    notice per case."""
    if not getattr(user, "pk", None):
        return []
    visible = Case.objects.restrict(user, VIEW).filter(status=Case.Status.OPEN)
    deliveries = (NoticeRecipient.objects.filter(user=user, notice__case__in=visible)
                  .select_related("notice").order_by("notice__case_id"))
    current = dict(_with_entry(Case.objects.filter(pk__in={d.notice.case_id for d in deliveries}))
                   .values_list("pk", "entry_id"))
    gravest: dict[int, CaseNotice] = {}
    for delivery in deliveries:
        notice = delivery.notice
        if current.get(notice.case_id) != notice.entry_id:
            continue
        kept = gravest.get(notice.case_id)
        if kept is None or SEVERITY[notice.kind] > SEVERITY[kept.kind]:
            gravest[notice.case_id] = notice
    return [TodoItem(title=notice.message, url=reverse("workflows:case", args=[notice.case_id]),
                     due_on=notice.due_on, kind=notice.kind, source=_("Workflows"))
            for notice in gravest.values()]

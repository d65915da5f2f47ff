"""Deadlines acted on: the daily ``tick`` (command workflows_tick) and the to-do items it leaves.

A case in a stage with ``time_limit_days`` is due ``stage_entered_on + time_limit_days`` (``Case.due_on``,
the date the overdue filters compare). From ``remind_days`` before that date until it, the users holding
one of the stage's actor roles over the case's organization get a reminder; after it, an overdue notice;
``WORKFLOWS_ESCALATE_DAYS`` days after it (settings, default 7), an escalation to those who can act one level
up: the users holding one of the stage's actor roles on the nearest organization above the case's that has
any (``escalated_to``). Each kind is written once per stay in a stage (a unique constraint), e-mailed to the
users with an address, and listed on their to-do list while the case stays where it was.

A mechanism's items with deadlines of their own inside a case (grading's rectification measures) are reminded
and declared overdue the same way, once per item (``send_item_notices``), until the item is done
(``item_resolve``). Recipients are read with one query per 2,000 organizations above the cases due, never by
walking the registry user by user.
"""
import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.accounts.models import Grant
from kernel.core import clock
from kernel.core.scope import CHANGE, VIEW
from kernel.core.todo import TodoItem
from kernel.core.tree import ancestor_paths

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


_PATHS_PER_QUERY = 2000


def _grants(cases) -> dict[str, list[tuple[int, str]]]:
    """(user, role) of the active users' grants on the active organizations on or above the cases, per path:
    one query per 2,000 organizations, whatever the size of the registry."""
    paths = sorted({path for case in cases for path in ancestor_paths(case.org_path)})
    by_path = defaultdict(list)
    for start in range(0, len(paths), _PATHS_PER_QUERY):
        rows = Grant.objects.filter(organization__path__in=paths[start:start + _PATHS_PER_QUERY],
                                    organization__status="active", user__is_active=True).values_list(
            "user_id", "role", "organization__path")
        for user_id, role, path in rows:
            by_path[path].append((user_id, role))
    return by_path


def _actors(case: Case, stage: StageDef, by_path) -> set[int]:
    """The users holding one of the stage's actor roles over the case (on its organization or above)."""
    return {user_id for path in ancestor_paths(case.org_path) for user_id, role in by_path.get(path, ())
            if role in stage.actors}


def escalated_to(case: Case, stage: StageDef, by_path) -> set[int]:
    """Who an overdue stage escalates to: the users holding one of the stage's actor roles on the nearest
    organization above the case's that has any, walking up from its parent (a township's admins for a stage
    township admins act in; the county's for 验收, which only the county acts in). Nobody when no organization
    above has such users."""
    for path in reversed(ancestor_paths(case.org_path)[:-1]):
        users = {user_id for user_id, role in by_path.get(path, ()) if role in stage.actors}
        if users:
            return users
    return set()


def _write(case: Case, *, kind: str, stage: str, message: str, due_on: datetime.date, day: datetime.date,
           users, key: str = "") -> CaseNotice:
    notice = CaseNotice.objects.create(case=case, entry_id=case.entry_id, kind=kind, stage=stage, key=key,
                                       message=message[:300], due_on=due_on, created_on=day)
    NoticeRecipient.objects.bulk_create(NoticeRecipient(notice=notice, user_id=user_id) for user_id in sorted(users))
    return notice


def _stages(cases) -> dict:
    return {(stage.version_id, stage.code): stage
            for stage in StageDef.objects.filter(version_id__in={case.version_id for case in cases})}


def send_notices(day: datetime.date) -> dict:
    """Writes the stage notices the open cases have reached on ``day`` and have not had yet."""
    counts = {kind: 0 for kind in CaseNotice.Kind.values}
    horizon = StageDef.objects.aggregate(n=Max("remind_days"))["n"] or 0
    candidates = list(_with_entry(Case.objects.filter(
        status=Case.Status.OPEN, due_on__isnull=False, due_on__lte=day + datetime.timedelta(days=horizon))))
    if not candidates:
        return counts
    stages = _stages(candidates)
    had = set(CaseNotice.objects.filter(case__in=candidates, key="").values_list("case_id", "entry_id", "kind"))
    by_path = _grants(candidates)
    after = escalate_days()
    for case in candidates:
        stage = stages[(case.version_id, case.stage)]
        for kind in kinds_due(case.due_on, stage.remind_days, day, after):
            if (case.pk, case.entry_id, kind) in had:
                continue
            users = escalated_to(case, stage, by_path) if kind == CaseNotice.Kind.ESCALATION else \
                _actors(case, stage, by_path)
            _write(case, kind=kind, stage=stage.code, message=f"{case.title} · {stage.name}", due_on=case.due_on,
                   day=day, users=users)
            counts[kind] += 1
    return counts


@dataclass(frozen=True)
class Item:
    """Something a mechanism keeps inside a case with a deadline of its own (a rectification measure):
    ``key`` names it within the case (e.g. "measure:12"), unique per case."""

    case_id: int
    key: str
    label: str
    due_on: datetime.date
    remind_days: int = 3


def send_item_notices(day: datetime.date, items) -> dict:
    """A reminder from ``remind_days`` before an item's deadline, an overdue notice after it, each once per item,
    to the actors of the stage its case is in; items of cases no longer open are passed over."""
    counts = {CaseNotice.Kind.REMINDER: 0, CaseNotice.Kind.OVERDUE: 0}
    items = list(items)
    cases = {case.pk: case for case in _with_entry(Case.objects.filter(
        pk__in={item.case_id for item in items}, status=Case.Status.OPEN))}
    if not cases:
        return counts
    stages = _stages(cases.values())
    had = set(CaseNotice.objects.filter(case__in=cases).exclude(key="").values_list("case_id", "key", "kind"))
    by_path = _grants(cases.values())
    for item in items:
        case = cases.get(item.case_id)
        if case is None:
            continue
        stage = stages[(case.version_id, case.stage)]
        for kind in kinds_due(item.due_on, item.remind_days, day, escalate_after=10**6):
            if (case.pk, item.key, kind) in had:
                continue
            _write(case, kind=kind, stage=stage.code, message=f"{case.title} · {item.label}", due_on=item.due_on,
                   day=day, users=_actors(case, stage, by_path), key=item.key)
            counts[kind] += 1
    return counts


def item_resolve(*, case_id: int, key: str, on: datetime.date) -> int:
    """The item is done: its notices leave the to-do lists (they stay in the record)."""
    return CaseNotice.objects.filter(case_id=case_id, key=key, resolved_on=None).update(resolved_on=on)


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


# How many open cases under the user's own organizations are looked at for the ones waiting on them.
WAITING_CASES = 2000


def nearest_holders(case: Case, roles, by_path) -> set[int]:
    """The users holding one of ``roles`` on the nearest organization that has any, walking up from the case's own:
    the level a stage waits on (the branch for what a branch secretary records, the township for its approval)."""
    if not roles:
        return set()
    for path in reversed(ancestor_paths(case.org_path)):
        users = {user_id for user_id, role in by_path.get(path, ()) if role in roles}
        if users:
            return users
    return set()


def _waiting_kind(case: Case, stage: StageDef, today: datetime.date, approve: bool) -> str:
    """As the stage's notices would say it (overdue past the deadline, a reminder within its reminder days), else
    what is waited for."""
    if case.due_on and case.due_on < today:
        return "overdue"
    if case.due_on and (case.due_on - today).days <= stage.remind_days:
        return "reminder"
    return "approval" if approve else "open"


def waiting_items(user, today: datetime.date) -> list[TodoItem]:
    """The open cases under the user's own organizations whose stage waits on them, whether or not a notice was
    written (a stage with no time limit has none). A stage waits on its first-listed role, the others listed after
    it being those above who may step in (a development stage: the branch secretary; the rectification plan's
    approval: the township; its acceptance: the county): to act in it, when the user holds the first actor role
    at the nearest level holding it; to approve it, while its approval is missing, the same with the first
    approval role."""
    from kernel.accounts.own import own_organization_ids, own_roles

    from .models import Approval

    own = own_organization_ids(user)
    if not own:
        return []
    roles = sorted(own_roles(user))
    at_stage = Exists(StageDef.objects.filter(version_id=OuterRef("version_id"), code=OuterRef("stage"), final=False)
                      .filter(Q(actors__0__in=roles) | Q(approval_roles__0__in=roles)))
    # the subtrees of the organizations the user answers for are those they may change in
    cases = list(_with_entry(Case.objects.restrict(user, CHANGE).filter(at_stage, status=Case.Status.OPEN))
                 .select_related("organization").order_by("due_on", "org_path", "pk")[:WAITING_CASES])
    if not cases:
        return []
    stages = _stages(cases)
    by_path = _grants(cases)
    approved = set(Approval.objects.filter(case__in=cases).values_list("case_id", "entry_id"))
    items = []
    for case in cases:
        stage = stages.get((case.version_id, case.stage))
        if stage is None or stage.final:
            continue
        approve = bool(stage.approval_roles) and (case.pk, case.entry_id) not in approved and \
            user.pk in nearest_holders(case, stage.approval_roles[:1], by_path)
        if not approve and user.pk not in nearest_holders(case, stage.actors[:1], by_path):
            continue
        items.append(TodoItem(
            title=f"{case.title} · {stage.name}", url=reverse("workflows:case", args=[case.pk]), due_on=case.due_on,
            kind=_waiting_kind(case, stage, today, approve),
            source=_("Workflow stage"), organization=case.organization.name if case.organization_id else "",
            state=_("awaiting your approval") if approve else stage.name,
            action=_("Approve") if approve else _("Open case"), key=f"workflows.case:{case.pk}:", weight=1))
    return items


def todo_items(user, today: datetime.date):
    """The user's notices of cases still open: a stage's while the case stays where it was, an item's until it is
    done; the gravest notice per stage or item; and the cases waiting on the user (waiting_items), a stage's notice
    giving way to them."""
    if not getattr(user, "pk", None):
        return []
    visible = Case.objects.restrict(user, VIEW).filter(status=Case.Status.OPEN)
    deliveries = (NoticeRecipient.objects.filter(user=user, notice__case__in=visible)
                  .select_related("notice").order_by("notice__case_id"))
    current = dict(_with_entry(Case.objects.filter(pk__in={d.notice.case_id for d in deliveries}))
                   .values_list("pk", "entry_id"))
    gravest: dict[tuple, CaseNotice] = {}
    for delivery in deliveries:
        notice = delivery.notice
        if notice.resolved_on is not None or (not notice.key and current.get(notice.case_id) != notice.entry_id):
            continue
        kept = gravest.get((notice.case_id, notice.key))
        if kept is None or SEVERITY[notice.kind] > SEVERITY[kept.kind]:
            gravest[(notice.case_id, notice.key)] = notice
    return [TodoItem(title=notice.message, url=reverse("workflows:case", args=[notice.case_id]),
                     due_on=notice.due_on, kind=notice.kind, source=_("Workflow stage"),
                     action=_("Open case"), key=f"workflows.case:{notice.case_id}:{notice.key}")
            for notice in gravest.values()] + waiting_items(user, today)

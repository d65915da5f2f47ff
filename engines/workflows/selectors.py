"""Reads of workflows and cases. Each takes the user and answers only inside the user's scope (a case is
scoped by its organization's path; a workflow is seen in its owner's subtree and below)."""
import datetime

from django.db.models import Count, F, OuterRef, Q, Subquery

from kernel.core import clock
from kernel.core.scope import VIEW
from kernel.core.tree import subtree_q

from .models import Case, CaseNotice, Transition, Workflow


def workflows(user, *, q: str = ""):
    rows = Workflow.objects.restrict(user, VIEW)
    if q:
        rows = rows.filter(name__icontains=q) | rows.filter(code__icontains=q)
    return rows.select_related("owner", "current_version").order_by("code")


def cases(user, *, workflow=None, under=None, stage=None, status=None, overdue=None, older_than_days=None,
          person=None, today: datetime.date | None = None):
    """The cases in the user's scope, filtered. ``older_than_days``: opened at least that many days ago;
    ``overdue``: True for open cases past their stage's deadline, False for the others."""
    today = today or clock.today()
    rows = Case.objects.restrict(user, VIEW)
    if workflow is not None:
        rows = rows.filter(workflow=workflow)
    if under is not None:
        rows = rows.filter(subtree_q("org_path", [under.path]))
    if stage:
        rows = rows.filter(stage=stage)
    if status:
        rows = rows.filter(status__in=[status] if isinstance(status, str) else list(status))
    if person is not None:
        rows = rows.filter(person=person)
    if older_than_days is not None:
        rows = rows.filter(opened_on__lte=today - datetime.timedelta(days=older_than_days))
    if overdue is True:
        rows = rows.filter(status=Case.Status.OPEN, due_on__lt=today)
    elif overdue is False:
        rows = rows.exclude(status=Case.Status.OPEN, due_on__lt=today)
    return rows.select_related("workflow", "organization", "person", "version").order_by("-opened_on", "org_path",
                                                                                         "pk")


def overdue(user, today: datetime.date | None = None):
    """Open cases past the deadline of the stage they sit in, the longest overdue first."""
    return cases(user, overdue=True, today=today).order_by("due_on", "org_path", "pk")


def stage_counts(user, workflow, under=None) -> list[dict]:
    """Open cases per stage of the workflow, in the current version's stage order (stages only older
    versions have come last): [{"code", "name", "count"}]."""
    counted = dict(cases(user, workflow=workflow, under=under, status=Case.Status.OPEN).order_by()
                   .values_list("stage").annotate(n=Count("pk")).values_list("stage", "n"))
    rows = []
    if workflow.current_version_id:
        for stage in workflow.current_version.stages.order_by("order"):
            rows.append({"code": stage.code, "name": stage.name, "count": counted.pop(stage.code, 0),
                         "final": stage.final})
    rows.extend({"code": code, "name": code, "count": count, "final": False} for code, count in sorted(counted.items()))
    return rows


def notices(user, *, kind: str | None = None, case=None, pending: bool | None = None):
    """The deadline notices sent to the user, of cases in the user's scope, the newest first. ``pending``: True
    for those still on the to-do list (the case open; a stage's notice while the case stays in that stay, an
    item's until it is done), False for the others."""
    if not getattr(user, "pk", None):
        return CaseNotice.objects.none()
    rows = CaseNotice.objects.filter(deliveries__user=user, case__in=Case.objects.restrict(user, VIEW))
    if kind:
        rows = rows.filter(kind=kind)
    if case is not None:
        rows = rows.filter(case=case)
    if pending is not None:
        latest = Transition.objects.filter(case=OuterRef("case_id")).order_by("-id").values("id")[:1]
        rows = rows.annotate(current_entry=Subquery(latest))
        still = Q(case__status=Case.Status.OPEN, resolved_on=None) & (~Q(key="") | Q(entry_id=F("current_entry")))
        rows = rows.filter(still) if pending else rows.exclude(still)
    return rows.select_related("case").order_by("-created_on", "-id")

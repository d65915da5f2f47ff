"""Reads of 四议两公开: the matters at any subtree and a village's ledger (台账)."""
import datetime

from engines.workflows.models import Case
from kernel.core import clock
from kernel.core.tree import subtree_q

from .definition import WORKFLOW_CODE


def matters(user, *, under=None, stage=None, status=None, overdue=None, today: datetime.date | None = None):
    """The 四议两公开 cases in the user's scope; ``overdue`` True: open cases past their stage's deadline."""
    today = today or clock.today()
    rows = Case.objects.restrict(user).filter(workflow__code=WORKFLOW_CODE)
    if under is not None:
        rows = rows.filter(subtree_q("org_path", [under.path]))
    if stage:
        rows = rows.filter(stage=stage)
    if status:
        rows = rows.filter(status=status)
    if overdue is True:
        rows = rows.filter(status=Case.Status.OPEN, due_on__lt=today)
    elif overdue is False:
        rows = rows.exclude(status=Case.Status.OPEN, due_on__lt=today)
    return rows.select_related("organization", "version").order_by("-opened_on", "org_path", "pk")


def stage_names(case_or_version) -> dict:
    version = getattr(case_or_version, "version", case_or_version)
    return {stage.code: stage.name for stage in version.stages.all()}


def _votes(data, votes_for, present):
    if data.get(votes_for) in (None, "") or data.get(present) in (None, ""):
        return ""
    return f"{data[votes_for]}/{data[present]}"


def ledger(user, village, *, year: int | None = None) -> list[dict]:
    """One row per matter of the village (oldest first) with the date of each step and the votes."""
    rows = matters(user, under=village).filter(org_path=village.path).order_by("opened_on", "pk")
    if year:
        rows = rows.filter(opened_on__year=year)
    out = []
    names_by_version: dict = {}
    for case in rows.prefetch_related("transitions"):
        if case.version_id not in names_by_version:
            names_by_version[case.version_id] = stage_names(case)
        data = case.data
        entered = {t.to_stage: t.on for t in case.transitions.all() if t.action in ("advance", "close", "open")}
        notice_until = (entered["resolution_public"] + datetime.timedelta(days=7)
                        if "resolution_public" in entered else None)
        out.append({
            "case": case, "title": case.title, "matter": data.get("matter", ""),
            "proposed_on": data.get("proposed_on", ""), "committees_on": data.get("committees_on", ""),
            "members_on": data.get("members_on", ""), "members_votes": _votes(data, "members_for", "members_present"),
            "villagers_on": data.get("villagers_on", ""),
            "villagers_votes": _votes(data, "villagers_for", "villagers_present"),
            "resolution_public_on": data.get("resolution_public_on", ""),
            "notice_until": notice_until.isoformat() if notice_until else "",
            "result_public_on": data.get("result_public_on", ""), "result": data.get("result", ""),
            "closed_on": case.closed_on.isoformat() if case.closed_on else "",
            "stage_name": names_by_version[case.version_id].get(case.stage, case.stage),
            "status": case.get_status_display(),
        })
    return out

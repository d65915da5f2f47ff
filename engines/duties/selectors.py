"""Reads of obligations, submissions, notices and their roll-up. Each takes the user and answers only
inside the user's scope (obligations and submissions are scoped by their subject's path)."""
import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Count, Q

from kernel.core import rates
from kernel.core.scope import CHANGE, VIEW, scope_for
from kernel.core.tree import SEGMENT_WIDTH, depth_of, subtree_bounds, subtree_q
from kernel.orgs.models import Organization

from . import clock, tally
from .models import DutyRule, Notice, Obligation, ObligationState, Submission

STATES = [state.value for state in ObligationState]
# What has come due: done, late, overdue or missed (open ones are not due yet; waived ones are not owed).
DUE_STATES = (ObligationState.DONE, ObligationState.LATE, ObligationState.OVERDUE, ObligationState.MISSED)
SHARE = Decimal("0.0001")
RED_OVERDUE_SHARE = Decimal("0.2")
SOON_DAYS = 30


def _year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)


def obligations(user, *, under=None, rule=None, state=None, period=None, due_from=None, due_to=None,
                subject=None, year=None, kind=None):
    """The obligations in the user's scope, filtered; ``period`` is a label (2025-Q3) or a day in it; ``kind`` a
    DutyKind (the rules whose version in force owes it: reports, meetings…)."""
    rows = Obligation.objects.restrict(user, VIEW)
    if under is not None:
        rows = rows.filter(subtree_q("org_path", [under.path]))
    if rule is not None:
        rows = rows.filter(rule=rule)
    if kind:
        rows = rows.filter(rule_id__in=rule_ids_of_kind(kind))
    if state:
        rows = rows.filter(state__in=[state] if isinstance(state, str) else list(state))
    if isinstance(period, datetime.date):
        rows = rows.filter(period_start__lte=period, period_end__gte=period)
    elif period:
        rows = rows.filter(period_label=period)
    if due_from is not None:
        rows = rows.filter(due_on__gte=due_from)
    if due_to is not None:
        rows = rows.filter(due_on__lte=due_to)
    if year is not None:
        lo, hi = _year_bounds(year)
        rows = rows.filter(period_start__gte=lo, period_start__lt=hi)
    if subject is not None:
        rows = rows.filter(**{"person" if subject._meta.model_name == "person" else "organization": subject})
    return rows.select_related("rule", "organization", "person", "owed_to").order_by("due_on", "org_path", "pk")


def submissions(user, *, obligation=None, under=None, rule=None, review=None, approval=None):
    rows = Submission.objects.restrict(user, VIEW)
    if obligation is not None:
        rows = rows.filter(obligation=obligation)
    if under is not None:
        rows = rows.filter(subtree_q("org_path", [under.path]))
    if rule is not None:
        rows = rows.filter(rule=rule)
    if review is not None:
        rows = rows.filter(review=review)
    if approval is not None:
        rows = rows.filter(approval=approval)
    return rows.select_related("rule", "organization", "person", "obligation", "submitted_by").order_by(
        "-submitted_on", "-pk")


def todo_horizon(day: datetime.date) -> datetime.date:
    """The last due date the to-do list looks ahead to: the end of next month, and at least SOON_DAYS away (a
    report due next month is on the list from the first of this one)."""
    following = day.replace(day=1) + datetime.timedelta(days=62)
    end_of_next_month = following.replace(day=1) - datetime.timedelta(days=1)
    return max(end_of_next_month, day + datetime.timedelta(days=SOON_DAYS))


def todo_rows(user, today: datetime.date | None = None) -> dict:
    """The querysets of the to-do: what the user's own organizations (and the user as a member) owe until
    ``todo_horizon`` or overdue, and the submissions awaiting their review or approval."""
    from kernel.accounts.own import own_organization_ids

    day = today or clock.today()
    own = own_organization_ids(user)
    person_id = scope_for(user).self_person_id
    owner = Q(organization_id__in=own) | Q(person_id=person_id) if person_id else Q(organization_id__in=own)
    owed = Obligation.objects.restrict(user, VIEW).filter(
        owner, state__in=(ObligationState.OPEN, ObligationState.OVERDUE), due_on__lte=todo_horizon(day),
    ).select_related("rule", "version", "organization", "person").order_by("due_on", "org_path", "pk")
    # The pending submissions first (partial indexes), then those owed to the user's organizations.
    awaiting = Submission.objects.select_related("rule", "organization", "person", "obligation")
    return {
        "today": day,
        "owed": owed,
        "to_review": awaiting.filter(review=Submission.Review.PENDING, obligation__owed_to_id__in=own).order_by(
            "submitted_on", "pk"),
        "to_approve": awaiting.filter(approval=Submission.Approval.PENDING, obligation__owed_to_id__in=own).order_by(
            "submitted_on", "pk"),
    }


def todo(user, today: datetime.date | None = None) -> dict:
    """What the user's organizations owe soon or overdue, what awaits their review or approval, unread notices."""
    rows = todo_rows(user, today)
    return {**{name: list(value) if name != "today" else value for name, value in rows.items()},
            "notices": list(notices(user, unread=True)[:200])}


def notices(user, *, unread: bool = False):
    rows = Notice.objects.filter(user_id=getattr(user, "pk", None)).select_related("obligation__rule", "submission")
    if unread:
        rows = rows.filter(read_at__isnull=True)
    return rows.order_by("-created_at", "-pk")


def calendar(user, year: int, month: int, *, under=None) -> dict:
    """Obligations due per day of the month in the user's scope: {day: {"total", state: n, ...}}."""
    first = datetime.date(year, month, 1)
    last = datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)
    rows = obligations(user, under=under, due_from=first, due_to=last).order_by()
    days: dict = {}
    for row in rows.values("due_on", "state").annotate(n=Count("pk")):
        entry = days.setdefault(row["due_on"], {"total": 0})
        entry[row["state"]] = row["n"]
        entry["total"] += row["n"]
    return dict(sorted(days.items()))


def _share(part: int, whole: int) -> Decimal:
    return (Decimal(part) / Decimal(whole)).quantize(SHARE, ROUND_HALF_UP) if whole else Decimal("0")


def colour(row: dict) -> str:
    """Red: anything missed, or more than 20% of what came due is overdue; amber: anything overdue."""
    due = sum(row.get(state, 0) for state in DUE_STATES)
    if row.get(ObligationState.MISSED, 0) or (due and Decimal(row.get(ObligationState.OVERDUE, 0)) / due
                                               > RED_OVERDUE_SHARE):
        return "red"
    if row.get(ObligationState.OVERDUE, 0):
        return "amber"
    return "green"


def _finish(row: dict) -> dict:
    due = sum(row[state] for state in DUE_STATES)
    row["due"] = due
    row["on_time_rate"] = _share(row[ObligationState.DONE], due)
    row["on_time_percent"] = rates.rate(row[ObligationState.DONE], due)  # from the counts, rounded once
    row["colour"] = colour(row)
    return row


def rule_ids_of_kind(kind: str) -> list[int]:
    """The rules whose version in force owes ``kind`` (a DutyKind: report, meeting, …)."""
    return list(DutyRule.objects.filter(current_version__kind=kind).values_list("pk", flat=True))


def rollup_paths(user, root: Organization, *, year=None, rule=None, depth: int | None = None,
                 kind: str | None = None) -> dict[str, tuple]:
    """Counts by state for every node of ``root``'s subtree, down to ``depth`` levels below it (None: all), at
    once: {path: counts in STATES order} (``as_counts`` names them). Only obligations in the user's scope count.
    ``kind``: only the rules owing that DutyKind (summed over them), instead of one ``rule`` or every rule.

    It reads the tally (duties/tally.py: counts per organization subtree, rule and year, kept by the database),
    one row per node as it stands. Tuples, not dicts: for 200,000 nodes building the dicts would cost more than
    the query."""
    scope = scope_for(user)
    if not scope.everything and not scope.covers(root.path):
        return {}
    lo, hi = subtree_bounds(root.path)
    if kind:
        rule_ids = rule_ids_of_kind(kind)
        if not rule_ids:
            return {}
        where = [f"t.rule_id IN ({', '.join(['%s'] * len(rule_ids))})", "t.org_path >= %s", "t.org_path < %s"]
        params = [*rule_ids, lo, hi]
    else:
        where, params = ["t.rule_id = %s", "t.org_path >= %s", "t.org_path < %s"], [
            rule.pk if rule is not None else tally.EVERY_RULE, lo, hi]
    if not scope.everything:
        ranges = []
        for path in scope.roots("org", VIEW):
            ranges.append("(t.org_path >= %s AND t.org_path < %s)")
            params += list(subtree_bounds(path))
        where.append("(" + " OR ".join(ranges) + ")")
    if year is not None:
        where.append("t.year = %s")
        params.append(year)
    if depth is not None:
        where.append(f"length(t.org_path) <= {(depth_of(root.path) + depth) * SEGMENT_WIDTH}")
    counts = ", ".join(f"t.{state}" for state in STATES)
    if year is None or kind:  # a row per year (or per rule of the kind): summed
        counts = ", ".join(f"SUM(t.{state})" for state in STATES)
        sql = (f"SELECT t.org_path, {counts} FROM {tally.TABLE} t WHERE {' AND '.join(where)} GROUP BY t.org_path "
               f"HAVING SUM({' + '.join(f't.{state}' for state in STATES)}) <> 0")
    else:
        sql = (f"SELECT t.org_path, {counts} FROM {tally.TABLE} t WHERE {' AND '.join(where)} "
               f"AND {' + '.join(f't.{state}' for state in STATES)} <> 0")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {row[0]: row[1:] for row in rows}


def as_counts(numbers) -> dict:
    """A roll-up node's counts (a tuple in STATES order, as rollup_paths gives them) by state, with "total"."""
    counts = dict(zip(STATES, map(int, numbers)))
    counts["total"] = sum(counts.values())
    return counts


def with_rates(row: dict) -> dict:
    """A roll-up row with what came due, the on-time rate and the RAG colour."""
    return _finish(dict(row))


def rollup(user, root: Organization, *, year=None, rule=None, kind=None) -> list[dict]:
    """The root and each child of it in the user's scope: counts by state, what came due, the on-time
    rate and the RAG colour. The root comes first."""
    if not scope_for(user).covers(root.path):
        return []
    counts = rollup_paths(user, root, year=year, rule=rule, depth=1, kind=kind)
    empty = (0,) * len(STATES)
    children = Organization.objects.restrict(user, VIEW).filter(parent=root).order_by("path")
    return [{"org": org, **with_rates(as_counts(counts.get(org.path, empty)))} for org in [root, *children]]


def history(user, subject, rule=None):
    """The subject's obligations, oldest first, with their submissions."""
    rows = obligations(user, rule=rule, subject=subject).order_by("period_start", "rule__code", "pk")
    return list(rows.prefetch_related("submissions"))


def rules(user, *, q: str = "", active: bool | None = None):
    rows = DutyRule.objects.restrict(user, VIEW).select_related("owner", "current_version")
    if q:
        rows = rows.filter(Q(code__icontains=q) | Q(name__icontains=q))
    if active is not None:
        rows = rows.filter(active=active)
    return rows.order_by("code")


def can_decide(user, submission: Submission) -> bool:
    """Whether the user reviews and approves this submission (change scope on its recipient)."""
    obligation = submission.obligation
    if obligation is not None and obligation.owed_to_id:
        path = obligation.owed_to.path
    else:
        path = submission.org_path[:-SEGMENT_WIDTH] or submission.org_path
    return scope_for(user).covers(path, action=CHANGE)

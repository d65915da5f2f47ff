"""Obligations generated set-based: one INSERT ... SELECT per rule version, subjects × periods.

The subjects (organizations or persons the version applies to, inside the rule owner's subtree and
the chosen root) are joined with the version's periods, written into the statement as a small
UNION ALL list; ``NOT EXISTS`` on the unique key skips the obligations already there, so running it
twice changes nothing. A new obligation's state follows from its period's dates alone (nothing
discharged it yet), so it is computed per period in Python and inserted with the row.
"""
import contextlib
import datetime
import threading

from django.db import connection

from kernel.core.tree import subtree_bounds

from . import tally
from .clock import state_of
from .models import Cadence, DutyRule, Obligation, ObligationState, Recipient, RuleVersion, SubjectKind
from .periods import Period, deadline, once_period, period_of, periods_of_year


def versions_in_force(rule: DutyRule) -> list[tuple[RuleVersion, datetime.date | None]]:
    """Each version that governs some periods, with the start of the next one (None: open-ended).

    Of versions starting on the same day the highest number wins."""
    versions = list(rule.versions.order_by("effective_from", "number"))
    chosen = []
    for version in versions:
        if chosen and chosen[-1].effective_from == version.effective_from:
            chosen[-1] = version
        else:
            chosen.append(version)
    return [(version, chosen[n + 1].effective_from if n + 1 < len(chosen) else None)
            for n, version in enumerate(chosen)]


def governs(version: RuleVersion, until: datetime.date | None, period: Period, *, first: bool) -> bool:
    """A version governs the periods starting while it is in force; the first one also the period in which
    the rule comes into force (a weekly rule from 1 January owes the week that began on 30 December)."""
    begins = period.end if first else period.start
    return version.effective_from <= begins and (until is None or period.start < until)


def version_for(rule: DutyRule, day: datetime.date) -> RuleVersion | None:
    """The version governing the period of its cadence that contains ``day``."""
    for n, (version, until) in enumerate(versions_in_force(rule)):
        period = period_of(version.cadence, day, due_on=version.due_on, effective_from=version.effective_from)
        if period is not None and governs(version, until, period, first=n == 0):
            return version
    return None


def periods_for(version: RuleVersion, until: datetime.date | None, year: int | None, *,
                first: bool) -> list[Period]:
    """The version's periods of ``year``; "once": its one period."""
    if version.cadence == Cadence.ONCE:
        period = once_period(version.due_on, version.effective_from)
        return [period] if period and (year is None or period.end.year == year) else []
    return [period for period in periods_of_year(version.cadence, year) if governs(version, until, period, first=first)]


def _in_list(column: str, values, params: list) -> str:
    params.extend(values)
    return f" AND {column} IN ({', '.join(['%s'] * len(values))})"


def _subjects_sql(rule: DutyRule, version: RuleVersion, root_path: str | None, only: list[int] | None):
    """FROM and WHERE of the subjects (alias s, their organization og) and its parameters."""
    params: list = []
    applies = version.applies_to or {}
    by_person = version.subject_kind == SubjectKind.PERSON
    path = "s.org_path" if by_person else "s.path"
    where = ""
    for bound_path in filter(None, (rule.owner_path, root_path)):
        lo, hi = subtree_bounds(bound_path)
        where += f" AND {path} >= %s AND {path} < %s"
        params += [lo, hi]
    if by_person:
        source = "people_person s JOIN orgs_organization og ON og.id = s.organization_id"
        where += " AND og.status = 'active'"
        if applies.get("posts"):
            # the holders of such a post first (a few thousand of a province's millions), then their periods
            where += (" AND s.id IN (SELECT holder.person_id FROM people_post holder WHERE 1 = 1"
                      + _in_list("holder.title", applies["posts"], params) + ")")
            where += (" AND EXISTS (SELECT 1 FROM people_post po WHERE po.person_id = s.id"
                      + _in_list("po.title", applies["posts"], params)
                      + " AND (po.started_on IS NULL OR po.started_on <= p.period_end)"
                        " AND (po.ended_on IS NULL OR po.ended_on > p.period_start))")
    else:
        source = "orgs_organization s JOIN orgs_organization og ON og.id = s.id"
        where += " AND s.status = 'active'"
        # (an organization founded during the periods owes those from the one containing its founding day:
        # see _founded_within and _interval_sql)
        if applies.get("org_types"):
            where += _in_list("s.org_type", applies["org_types"], params)
        if applies.get("domains"):
            where += _in_list("s.domain", applies["domains"], params)
    if only is not None:
        where += _in_list("s.id", only or [0], params)
    return source, where, params


def _interval_sql(version: RuleVersion) -> str:
    """The condition, on subject ``s`` and period ``p``, that the subject is one during the period: an organization
    from the period containing its founding day (its end is its status, above); a person holding one of the posts
    (that part of ``_subjects_sql``)."""
    if version.subject_kind == SubjectKind.PERSON:
        return ""
    return " AND (s.founded_on IS NULL OR s.founded_on <= p.period_end)"


def _founded_within(where: str, params: list, periods: list[Period]) -> bool:
    """Whether a subject was founded after the first period starts (it owes fewer periods than the others)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM orgs_organization s WHERE 1 = 1 {where} AND s.founded_on > %s)",
                       [*params, min(period.start for period in periods)])
        return bool(cursor.fetchone()[0])


def _periods_sql(version: RuleVersion, periods: list[Period], today: datetime.date) -> tuple[str, list]:
    """The periods as a derived table p(period_start, period_end, period_label, due_on, missed_after, state)."""
    selects, params = [], []
    for period in periods:
        due, missed = deadline(version.cadence, period, due_days=version.due_days, grace_days=version.grace_days,
                               due_on=version.due_on)
        state = state_of(due_on=due, missed_after=missed, completed_on=None, today_=today)
        selects.append("SELECT %s AS period_start, %s AS period_end, %s AS period_label, %s AS due_on, "
                       "%s AS missed_after, %s AS state")
        params += [period.start, period.end, period.label, due, missed, str(state)]
    return " UNION ALL ".join(selects), params


def _any_generated(rule: DutyRule, periods: list[Period], root_path: str | None, only: list[int] | None) -> bool:
    """Whether the rule has any obligation in these periods (under ``root_path``), or whether we cannot cheaply tell."""
    if only is not None:
        return True
    rows = Obligation.objects.filter(rule=rule)
    if rule.versions.exclude(cadence=Cadence.ONCE).exists():
        rows = rows.filter(period_start__gte=min(p.start for p in periods),
                           period_start__lte=max(p.start for p in periods))
    if root_path:
        lo, hi = subtree_bounds(root_path)
        rows = rows.filter(org_path__gte=lo, org_path__lt=hi)
    return rows.exists()


_local = threading.local()  # .batch: the parts a tally_batch() counts at its end


def _count_subjects(parts: list) -> None:
    """Adds the parts' obligations to the tally in one statement (work_mem raised for it: a year for 200,000
    organizations groups a million rows)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW work_mem")
        work_mem = cursor.fetchone()[0]
        cursor.execute("SELECT set_config('work_mem', '256MB', true)")
        fresh = not tally.holds_any([part[0] for part in parts], {year for part in parts for year in part[2]})
        cursor.execute(tally.add_subjects_sql([part[:3] for part in parts], fresh=fresh),
                       [param for part in parts for param in part[3]])
        cursor.execute("SELECT set_config('work_mem', %s, true)", [work_mem])


@contextlib.contextmanager
def tally_batch():
    """Within it, obligations inserted for whole sets of subjects are added to the tally together at the end
    (rather than by the trigger, statement by statement, from the inserted rows): one upsert of every
    subtree row instead of one per rule. Everything else written in between the trigger counts as usual."""
    if not _can_defer_tally() or getattr(_local, "batch", None) is not None:
        yield
        return
    _local.batch = []
    try:
        yield
        if _local.batch:
            _count_subjects(_local.batch)
    finally:
        _local.batch = None


def _can_defer_tally() -> bool:
    """PostgreSQL inside a transaction: the trigger's count can be replaced by one counted from the subjects
    (a setting made outside a transaction would outlive the statement)."""
    return connection.vendor == "postgresql" and connection.in_atomic_block


def _states_per_year(version: RuleVersion, periods: list[Period], today: datetime.date) -> dict:
    """{year of the period's start: {state: periods}}: what each subject's new obligations add to the tally."""
    per_year: dict = {}
    for period in periods:
        due, missed = deadline(version.cadence, period, due_days=version.due_days, grace_days=version.grace_days,
                               due_on=version.due_on)
        state = str(state_of(due_on=due, missed_after=missed, completed_on=None, today_=today))
        counts = per_year.setdefault(period.start.year, {})
        counts[state] = counts.get(state, 0) + 1
    return per_year


def insert_obligations(rule: DutyRule, version: RuleVersion, periods: list[Period], *, today: datetime.date,
                       root_path: str | None = None, only: list[int] | None = None) -> int:
    """Inserts the missing obligations of ``version`` for ``periods`` and its subjects; returns how many."""
    if not periods:
        return 0
    by_person = version.subject_kind == SubjectKind.PERSON
    source, where, subject_params = _subjects_sql(rule, version, root_path, only)
    periods_sql, period_params = _periods_sql(version, periods, today)
    owed_to = {Recipient.PARENT: "og.parent_id", Recipient.OWNER: str(int(rule.owner_id))}.get(version.recipient,
                                                                                               "NULL")
    subject_column = "person_id" if by_person else "organization_id"
    same_period = "" if version.cadence == Cadence.ONCE else " AND o.period_start = p.period_start"
    missing = (f"AND NOT EXISTS (SELECT 1 FROM duties_obligation o WHERE o.rule_id = {int(rule.pk)} "
               f"AND o.{subject_column} = s.id{same_period})")
    if not _any_generated(rule, periods, root_path, only):
        missing = ""  # the first generation of these periods: nothing to skip, no lookup per row
    sql = f"""
        INSERT INTO duties_obligation (rule_id, version_id, organization_id, person_id, org_path, owed_to_id,
            period_start, period_end, period_label, due_on, missed_after, required_count, done_count, state,
            completed_on, reminded_on, escalation)
        SELECT {int(rule.pk)}, {int(version.pk)}, {"NULL" if by_person else "s.id"}, {"s.id" if by_person else "NULL"},
               {"s.org_path" if by_person else "s.path"}, {owed_to}, p.period_start, p.period_end, p.period_label,
               p.due_on, p.missed_after, {int(version.min_count)}, 0, p.state, NULL, NULL, 0
        FROM {source} CROSS JOIN ({periods_sql}) p
        WHERE 1 = 1 {where}{_interval_sql(version)} {missing}"""
    countable = (not missing and not by_person and _can_defer_tally()
                 and not _founded_within(where, subject_params, periods))
    with connection.cursor() as cursor:
        if countable:
            cursor.execute("SELECT set_config(%s, 'on', true)", [tally.DEFERRED_SETTING])
        cursor.execute(sql, [*period_params, *subject_params])
        inserted = cursor.rowcount
        if countable:  # (a failed statement aborts the transaction, the setting with it)
            cursor.execute("SELECT set_config(%s, 'off', true)", [tally.DEFERRED_SETTING])
            # the subjects alone (the join with their own row, for the recipient, is not needed to count them)
            part = (rule.pk, f"SELECT s.path AS org_path FROM orgs_organization s WHERE 1 = 1 {where}",
                    _states_per_year(version, periods, today), subject_params)
            if inserted and getattr(_local, "batch", None) is not None:
                _local.batch.append(part)
            elif inserted:
                _count_subjects([part])
    if inserted:
        RuleVersion.objects.filter(pk=version.pk, frozen=False).update(frozen=True)
    return inserted


def generate_rule(rule: DutyRule, *, year: int | None, today: datetime.date, root_path: str | None = None,
                  only: list[int] | None = None) -> int:
    """Every missing obligation of ``rule`` for ``year`` (None: its "once" period), each under its version."""
    inserted = 0
    for n, (version, until) in enumerate(versions_in_force(rule)):
        if year is None and version.cadence != Cadence.ONCE:
            continue
        inserted += insert_obligations(rule, version, periods_for(version, until, year, first=n == 0), today=today,
                                       root_path=root_path, only=only)
    return inserted


def generate_for_subject(rule: DutyRule, subject_id: int, day: datetime.date, *, today: datetime.date) -> int:
    """The obligation of one subject for the period containing ``day`` (if the rule applies to it)."""
    inserted = 0
    for n, (version, until) in enumerate(versions_in_force(rule)):
        if version.cadence == Cadence.ONCE:
            periods = periods_for(version, until, None, first=True)
        else:
            period = period_of(version.cadence, day)
            periods = [period] if governs(version, until, period, first=n == 0) else []
        inserted += insert_obligations(rule, version, periods, today=today, only=[subject_id])
    return inserted


# --- following the subjects: the daily run ------------------------------------------------------------------------

def follow_rule(rule: DutyRule, years: list[int], *, today: datetime.date) -> int:
    """The missing obligations of ``rule`` for ``years`` (a rule due once: while its date has not passed), for the
    subjects and periods that have none yet: new subjects, new periods, subjects whose interval grew."""
    inserted = 0
    for n, (version, until) in enumerate(versions_in_force(rule)):
        if version.cadence == Cadence.ONCE:
            periods = [period for period in periods_for(version, until, None, first=True) if period.end >= today]
        else:
            periods = [period for year in years for period in periods_for(version, until, year, first=n == 0)]
        inserted += insert_obligations(rule, version, periods, today=today)
    return inserted


def _outside_sql(version: RuleVersion) -> tuple[str, list] | None:
    """The condition, on obligation ``o``, that its subject was no subject of ``version`` during its period (the
    converse of generation's conditions); None where a subject's interval is not known (persons without posts)."""
    applies = version.applies_to or {}
    if version.subject_kind == SubjectKind.PERSON:
        if not applies.get("posts"):
            return None
        params: list = []
        posts = _in_list("po.title", applies["posts"], params)
        return ("NOT EXISTS (SELECT 1 FROM people_post po WHERE po.person_id = o.person_id" + posts
                + " AND (po.started_on IS NULL OR po.started_on <= o.period_end)"
                  " AND (po.ended_on IS NULL OR po.ended_on > o.period_start))"), params
    return ("EXISTS (SELECT 1 FROM orgs_organization s WHERE s.id = o.organization_id"
            " AND (s.founded_on > o.period_end"
            "      OR (s.status <> 'active' AND (s.ended_on IS NULL OR s.ended_on <= o.period_start))))"), []


def outside_interval(rule: DutyRule, *, since: datetime.date) -> list[int]:
    """The ids of the rule's unfinished obligations of periods starting on or after ``since`` whose subject was
    not one of the rule during the period: a post left or not yet held, an organization dissolved or not yet
    founded. Obligations due once by their own date (a supervision notice's) and waived ones are left alone."""
    ids: list[int] = []
    with connection.cursor() as cursor:
        for version in rule.versions.exclude(cadence=Cadence.ONCE):
            outside = _outside_sql(version)
            if outside is None:
                continue
            condition, params = outside
            cursor.execute(
                f"SELECT o.id FROM duties_obligation o WHERE o.rule_id = %s AND o.period_start >= %s "
                f"AND o.version_id = %s AND o.completed_on IS NULL AND o.state <> '{ObligationState.WAIVED}' "
                f"AND {condition}", [rule.pk, since, version.pk, *params])
            ids += [row[0] for row in cursor.fetchall()]
    return ids

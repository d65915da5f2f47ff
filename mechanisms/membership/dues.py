"""Party dues (党费, MEMBERSHIP.md): the bands in force, what a member owes a month, the ledger opened a month at a
time (for a branch, or for a whole subtree in one statement), payments tapped or imported, reductions and
exemptions decided by the branch and approved by the committee above, arrears, and the month dues are paid up to.

What a member owes for a month: nothing under an approved exemption, the reduced amount under an approved
reduction; else from the member's base in force that month and the bands in force for the member's organization:
a bracket's percentage of the whole base (the bracket the base falls in), or, for farmers and members on relief,
the base itself (an amount within the band's range). A member without a base owes the band's lowest amount if a
farmer or a student, and an amount to be set (None) otherwise. The same rule is written twice, in Python for one
member (``owed_for``) and in SQL for the ledger (``_owed_sql``); a test holds them equal.
"""
import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import yaml
from django.db import connection, transaction
from django.db.models import Count, F, Min, Q, Sum
from django.utils.translation import gettext as _

from kernel.core import clock
from kernel.core.services import NeedsConfirmation, refuse, require_in_scope, user_or_none
from kernel.core.tree import ancestor_paths, subtree_bounds, subtree_q
from kernel.orgs.models import Organization, OrgType
from kernel.people.choices import MemberStatus, Occupation
from kernel.people.models import Member

from .models_dues import (
    UPWARD_ONE_OFF,
    DuesBand,
    DuesBase,
    DuesLine,
    DuesOneOff,
    DuesRelief,
    DuesSchedule,
    PayerKind,
    PaySource,
    ReliefKind,
    ReliefStatus,
)

HERE = Path(__file__).resolve().parent
CENT = Decimal("0.01")
# The kinds whose base is the amount itself (within the band's range); the others take a bracket's percentage.
AMOUNT_KINDS = (PayerKind.FARMER, PayerKind.BASIC)
# A member without a base recorded owes the lowest amount of these kinds, by occupation.
DEFAULT_KIND = {Occupation.FARMER: PayerKind.FARMER, Occupation.STUDENT: PayerKind.BASIC}
EARLIEST = datetime.date(2000, 1, 1)


# --- months -------------------------------------------------------------------------------------------------------

def month_of(value) -> datetime.date:
    """The first day of the month: from a date or "YYYY-MM"; a clear refusal otherwise."""
    if isinstance(value, datetime.date):
        return value.replace(day=1)
    try:
        return datetime.date.fromisoformat(f"{str(value).strip()[:7]}-01")
    except ValueError:
        refuse(_("Give the month as YYYY-MM."), field="month")


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def month_end(month: datetime.date) -> datetime.date:
    return next_month(month) - datetime.timedelta(days=1)


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, month = [], month_of(first)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


# --- the bands ----------------------------------------------------------------------------------------------------

def shipped_bands() -> tuple[datetime.date, dict]:
    document = yaml.safe_load((HERE / "rules" / "dues-bands.yaml").read_text(encoding="utf-8"))
    return month_of(str(document["applies_from"])), document["bands"]


def _rows_from(bands: dict) -> list[dict]:
    """The band rows of a {kind: brackets | {minimum, maximum}} mapping, checked."""
    rows = []
    for kind in PayerKind.values:
        given = bands.get(kind)
        if given is None:
            refuse(_("The bands of “%(kind)s” are missing.") % {"kind": PayerKind(kind).label})
        if kind in AMOUNT_KINDS:
            low, high = _amount(given.get("minimum")), _amount(given.get("maximum"))
            if low is None or high is None or low > high:
                refuse(_("“%(kind)s” needs a lowest and a highest amount, the lowest not above the highest.") % {
                    "kind": PayerKind(kind).label})
            rows.append({"payer_kind": kind, "minimum": low, "maximum": high})
            continue
        brackets = list(given or [])
        uptos = [_amount(b.get("upto")) for b in brackets]
        rates = [_amount(b.get("rate")) for b in brackets]
        if (not brackets or uptos[-1] is not None or any(u is None for u in uptos[:-1])
                or any(a >= b for a, b in zip(uptos[:-2], uptos[1:-1]))
                or any(r is None or not Decimal("0") <= r <= Decimal("100") for r in rates)):
            refuse(_("The brackets of “%(kind)s” rise from the lowest to an open last one, each with a rate from 0 "
                     "to 100 %%.") % {"kind": PayerKind(kind).label})
        rows += [{"payer_kind": kind, "upto": upto, "rate": rate} for upto, rate in zip(uptos, rates)]
    return rows


def _amount(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).strip())
    except ArithmeticError:
        refuse(_("“%(value)s” is not an amount.") % {"value": value})
    if not amount.is_finite() or amount < 0:
        refuse(_("“%(value)s” is not an amount.") % {"value": value})
    return amount


LIVE = Q(withdrawn_on__isnull=True)


def _bands_from_rows(rows: list[dict]) -> dict:
    """{kind: [DuesBand…]} of checked rows not saved yet, in bracket order (as ``bands_of`` gives a version's)."""
    found: dict = {}
    for row in rows:
        found.setdefault(row["payer_kind"], []).append(DuesBand(**row))
    for kind in found:
        found[kind].sort(key=lambda b: (b.upto is None, b.upto or 0))
    return found


def _figure(value: Decimal | None) -> str:
    """3000.00 as 3000, 0.50 as 0.5."""
    text = "" if value is None else format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def describe(kind: str, bands: list) -> str:
    """One kind's bands as a line of text ("up to 3000: 0.5% · … · above: 2%"); "" without any."""
    if not bands:
        return ""
    if kind in AMOUNT_KINDS:
        return _("%(low)s–%(high)s yuan a month") % {"low": bands[0].minimum.quantize(CENT),
                                                      "high": bands[0].maximum.quantize(CENT)}
    return " · ".join(_("up to %(upto)s: %(rate)s%%") % {"upto": _figure(b.upto), "rate": _figure(b.rate)}
                      if b.upto is not None else _("above: %(rate)s%%") % {"rate": _figure(b.rate)} for b in bands)


def _differences(before: dict, after: dict) -> list[dict]:
    """Per kind of payer, the bands before and after and whether they differ."""
    rows = []
    for kind, label in PayerKind.choices:
        was, now = describe(kind, before.get(kind, [])), describe(kind, after.get(kind, []))
        rows.append({"payer_kind": kind, "label": str(label), "before": was, "after": now, "changed": was != now})
    return rows


def _region_sql(column: str, path: str, deeper: list[str]) -> tuple[str, list]:
    """SQL: ``column`` (a path) in the subtree at ``path`` and not in the subtrees ``deeper`` (owners below that
    decide for their own)."""
    where, params = [f"{column} >= %s AND {column} < %s"], list(subtree_bounds(path))
    for other in deeper:
        where.append(f"NOT ({column} >= %s AND {column} < %s)")
        params += list(subtree_bounds(other))
    return " AND ".join(where), params


def _region(path: str, month: datetime.date, *, excluding: int | None = None) -> tuple[DuesSchedule | None, list]:
    """The version in force for members directly under the owner at ``path`` in ``month`` (its own, or the nearest
    owner's above) and the subtrees of owners below that decide for their own; ``excluding`` a version (the one
    being withdrawn)."""
    groups = _schedule_groups(path, month, excluding=excluding)
    for schedule, applies, deeper in groups:
        if applies == path:
            return schedule, deeper
    return None, [applies for _schedule, applies, _deeper in groups]


DIFFERS = "(x.owed_before <> x.owed_after OR (x.owed_before IS NULL) <> (x.owed_after IS NULL))"


def _members_changing(path: str, deeper: list[str], month: datetime.date, before: dict, after: dict) -> dict:
    """How many members owing dues in ``month`` (in the region) owe another amount under ``after`` than under
    ``before``: more, less, and the month's total change."""
    was, was_params = _owed_sql(before)
    now, now_params = _owed_sql(after)
    joins, join_params = _joins(month, grouped=True)
    owing, owing_params = _owing_members(month)
    region, region_params = _region_sql("m.org_path", path, deeper)
    sql = f"""
        SELECT COUNT(*), SUM(CASE WHEN x.owed_after > x.owed_before THEN 1 ELSE 0 END),
               SUM(CASE WHEN x.owed_after < x.owed_before THEN 1 ELSE 0 END),
               SUM(COALESCE(x.owed_after, 0) - COALESCE(x.owed_before, 0))
        FROM (SELECT {was} AS owed_before, {now} AS owed_after
              FROM people_member m JOIN people_person p ON p.id = m.person_id {joins}
              WHERE {owing} AND {region}) x
        WHERE {DIFFERS}"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [*was_params, *now_params, *join_params, *owing_params, *region_params])
        count, up, down, change = cursor.fetchone()
    return {"members_changed": count or 0, "members_up": up or 0, "members_down": down or 0,
            "monthly_change": _cents(change)}


def _lines_changing(path: str, deeper: list[str], month: datetime.date, after: dict) -> tuple[int, int]:
    """The ledger lines of ``month`` (in the region) whose amount owed ``after`` changes, and how many of them
    hold a payment."""
    now, now_params = _owed_sql(after)
    joins, join_params = _joins(month, grouped=True)
    region, region_params = _region_sql("l.org_path", path, deeper)
    sql = f"""
        SELECT COUNT(*), SUM(CASE WHEN x.paid > 0 THEN 1 ELSE 0 END)
        FROM (SELECT l.owed AS owed_before, {now} AS owed_after, l.paid
              FROM membership_duesline l JOIN people_member m ON m.id = l.member_id
              JOIN people_person p ON p.id = m.person_id {joins}
              WHERE l.month = %s AND {region}) x
        WHERE {DIFFERS}"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [*now_params, *join_params, month, *region_params])
        count, paid = cursor.fetchone()
    return count or 0, paid or 0


def _opened_months(path: str, first: datetime.date, before: datetime.date | None = None) -> list[datetime.date]:
    lines = DuesLine.objects.filter(subtree_q("org_path", [path]), month__gte=first)
    if before is not None:
        lines = lines.filter(month__lt=before)
    return sorted(set(lines.values_list("month", flat=True).distinct()))


def _next_version_from(owner: Organization, month: datetime.date, *, excluding: int | None = None):
    """The first month after ``month`` from which a later live version of the owner applies (None: none)."""
    later = DuesSchedule.objects.filter(LIVE, owner=owner, valid_from__gt=month)
    if excluding is not None:
        later = later.exclude(pk=excluding)
    return later.aggregate(first=Min("valid_from"))["first"]


def _impact(owner: Organization, first: datetime.date, *, bands: dict | None = None,
            withdrawing: DuesSchedule | None = None) -> dict:
    """What a new version (``bands`` from ``first``) or the withdrawal of one (``withdrawing``) does: the bands
    before and after, the members whose monthly amount changes from ``first`` and by how much in all, and the
    ledger lines already opened that are owed again (those holding a payment counted apart). Months from which
    a later version of the owner applies are not touched."""
    excluding = withdrawing.pk if withdrawing else None
    current, deeper = _region(owner.path, first, excluding=excluding)
    before = bands_of(withdrawing) if withdrawing else bands_of(current)
    after = bands_of(current) if withdrawing else bands
    figures = _members_changing(owner.path, deeper, first, before, after)
    lines = paid = 0
    months = []
    for month in _opened_months(owner.path, first, _next_version_from(owner, first, excluding=excluding)):
        region_now, region_deeper = _region(owner.path, month, excluding=excluding)
        changed, with_payment = _lines_changing(owner.path, region_deeper, month,
                                                bands_of(region_now) if withdrawing else bands)
        if changed:
            months.append(month.strftime("%Y-%m"))
        lines, paid = lines + changed, paid + with_payment
    return {"owner": {"id": owner.pk, "name": owner.name}, "valid_from": first.strftime("%Y-%m"),
            "replaces": ({"id": current.pk, "version": current.version, "owner": current.owner.name,
                          "valid_from": current.valid_from.strftime("%Y-%m")} if current is not None else None),
            "bands": _differences(before, after), **figures, "lines_repriced": lines, "lines_paid_repriced": paid,
            "months": months}


def _check_owner(user, owner: Organization) -> None:
    require_in_scope(user, owner.path, realm="org")
    if owner.org_type != OrgType.COMMITTEE:
        refuse(_("The bands are set by a county (or city) committee."), field="owner")


def schedule_preview(*, user, owner: Organization, valid_from, bands: dict) -> dict:
    """What saving these bands as a new version would do (nothing is written): see ``_impact``."""
    _check_owner(user, owner)
    valid_from = month_of(valid_from)
    rows = _rows_from(bands)
    latest = DuesSchedule.objects.filter(owner=owner).order_by("-version").first()
    if DuesSchedule.objects.filter(LIVE, owner=owner).exists() and valid_from < month_of(clock.today()):
        refuse(_("New bands apply from this month or a later one: months past keep the bands they were owed "
                 "under."), field="valid_from")
    preview = _impact(owner, valid_from, bands=_bands_from_rows(rows))
    if preview["replaces"] is not None and not any(row["changed"] for row in preview["bands"]):
        refuse(_("These are the bands in force from that month already: there is nothing to change."))
    preview["version"] = (latest.version + 1) if latest else 1
    return preview


@transaction.atomic
def schedule_save(*, user, owner: Organization, valid_from, bands: dict, note: str = "",
                  confirm: bool = False) -> DuesSchedule:
    """A new version of ``owner``'s bands, applying from the month ``valid_from`` on; earlier months keep theirs.
    A bulk change: without ``confirm`` a NeedsConfirmation with its preview (``schedule_preview``). The lines of
    the owner's subtree opened from that month on are owed again under it."""
    _check_owner(user, owner)
    DuesSchedule.objects.select_for_update().filter(owner=owner).exists()  # one new version of an owner at a time
    preview = schedule_preview(user=user, owner=owner, valid_from=valid_from, bands=bands)
    if not confirm:
        raise NeedsConfirmation(_("Read what the new bands change and confirm them."), preview)
    valid_from = month_of(valid_from)
    schedule = DuesSchedule.objects.create(owner=owner, owner_path=owner.path, valid_from=valid_from,
                                           version=preview["version"], note=note.strip(),
                                           created_by=user_or_none(user))
    DuesBand.objects.bulk_create(DuesBand(schedule=schedule, **row) for row in _rows_from(bands))
    reprice(valid_from, path=owner.path)
    return schedule


def withdraw_preview(*, user, schedule: DuesSchedule) -> dict:
    """What withdrawing a version would do, or why it may not be: only the owner's latest version still in force
    may be, before any month it priced holds a payment, and not when no bands would be left."""
    owner = schedule.owner
    _check_owner(user, owner)
    if schedule.withdrawn_on is not None:
        refuse(_("This version was withdrawn already."))
    latest = DuesSchedule.objects.filter(LIVE, owner=owner).order_by("-valid_from", "-version").first()
    if latest is None or latest.pk != schedule.pk:
        refuse(_("Only the latest version of an organization's bands can be withdrawn."))
    preview = _impact(owner, schedule.valid_from, withdrawing=schedule)
    if preview["replaces"] is None:
        refuse(_("Without this version no bands would be in force: save a new version instead."))
    paid = _paid_under(schedule)
    if paid:
        refuse(_("Version %(version)s cannot be withdrawn: %(count)s months of dues owed under it are paid already "
                 "(from %(month)s on). Save a new version instead.") % {
            "version": schedule.version, "count": paid, "month": schedule.valid_from.strftime("%Y-%m")})
    preview["version"] = schedule.version
    return preview


def _paid_under(schedule: DuesSchedule) -> int:
    """Lines priced under ``schedule`` (its owner's region, from its first month on) that hold a payment."""
    paid = 0
    for month in _opened_months(schedule.owner_path, schedule.valid_from):
        in_force, deeper = _region(schedule.owner_path, month)
        if in_force is None or in_force.pk != schedule.pk:
            continue
        region, params = _region_sql("org_path", schedule.owner_path, deeper)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM membership_duesline WHERE month = %s AND paid > 0 AND {region}",
                           [month, *params])
            paid += cursor.fetchone()[0]
    return paid


@transaction.atomic
def schedule_withdraw(*, user, schedule: DuesSchedule, reason: str, confirm: bool = False) -> DuesSchedule:
    """Withdraws a version saved by mistake (see ``withdraw_preview``): it stays, marked withdrawn, and the lines it
    priced are owed again under the version before it. Without ``confirm`` a NeedsConfirmation with its preview."""
    schedule = DuesSchedule.objects.select_for_update().select_related("owner").get(pk=schedule.pk)
    preview = withdraw_preview(user=user, schedule=schedule)
    if not reason.strip():
        refuse(_("Say why the version is withdrawn."), field="reason")
    if not confirm:
        raise NeedsConfirmation(_("Read what withdrawing the version changes and confirm it."), preview)
    schedule.withdrawn_on, schedule.withdrawn_by, schedule.withdraw_reason = (clock.today(), user_or_none(user),
                                                                              reason.strip())
    schedule.save(update_fields=["withdrawn_on", "withdrawn_by", "withdraw_reason", "updated_at"])
    reprice(schedule.valid_from, path=schedule.owner_path)
    return schedule


def install_dues_bands(*, user, owner: Organization) -> dict:
    """The shipped bands as the owner's first version (kept when the owner already has bands): {code: version}."""
    found = DuesSchedule.objects.filter(LIVE, owner=owner).order_by("-version").first()
    if found is None:
        valid_from, bands = shipped_bands()
        found = schedule_save(user=user, owner=owner, valid_from=valid_from, bands=bands,
                              note=_("The shipped bands (2008 rules)"), confirm=True)
    return {"dues-bands": found}


def schedules_for(path: str) -> list[DuesSchedule]:
    """The versions that may apply at ``path``: its own and its ancestors', nearest owner first, newest first."""
    rows = list(DuesSchedule.objects.filter(LIVE, owner_path__in=ancestor_paths(path) + [path])
                .prefetch_related("bands"))
    return sorted(rows, key=lambda s: (-len(s.owner_path), -s.valid_from.toordinal(), -s.version))


def schedule_in_force(path: str, month: datetime.date) -> DuesSchedule | None:
    """The bands a member at ``path`` owes ``month`` under: the nearest owner's version in force that month."""
    candidates = [s for s in schedules_for(path) if s.valid_from <= month]
    return candidates[0] if candidates else None


def bands_of(schedule: DuesSchedule | None) -> dict:
    """{kind: [DuesBand…]} in bracket order (the open bracket last)."""
    found: dict = {}
    for band in (schedule.bands.all() if schedule else []):
        found.setdefault(band.payer_kind, []).append(band)
    for kind in found:
        found[kind].sort(key=lambda b: (b.upto is None, b.upto or 0))
    return found


def as_mapping(schedule: DuesSchedule | None) -> dict:
    """The bands as the mapping ``schedule_save`` takes (the edit form starts from it)."""
    mapping = {}
    for kind, bands in bands_of(schedule).items():
        if kind in AMOUNT_KINDS:
            mapping[kind] = {"minimum": bands[0].minimum, "maximum": bands[0].maximum}
        else:
            mapping[kind] = [{"upto": b.upto, "rate": b.rate} for b in bands]
    return mapping


# --- what is owed -------------------------------------------------------------------------------------------------

def _percent(base: Decimal, rate: Decimal) -> Decimal:
    return (base * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def owed_for(bands: dict, *, payer_kind: str | None, base: Decimal | None, relief: DuesRelief | None = None,
             occupation: str = "") -> Decimal | None:
    """What one member owes a month (None: a base must be recorded first)."""
    if relief is not None:
        return Decimal("0.00") if relief.kind == ReliefKind.EXEMPT else relief.amount
    if payer_kind is None:
        default = DEFAULT_KIND.get(occupation)
        return bands[default][0].minimum if default and default in bands else None
    if payer_kind in AMOUNT_KINDS:
        return base
    for band in bands.get(payer_kind, []):
        if band.upto is None or base <= band.upto:
            return _percent(base, band.rate)
    return None


def _owed_sql(bands: dict) -> tuple[str, list]:
    """``owed_for`` as one SQL CASE over the member ``m``, person ``p``, base ``b`` and relief ``r`` (joined)."""
    whens = ["WHEN r.kind = 'exempt' THEN 0", "WHEN r.kind = 'reduce' THEN r.amount"]
    params: list = []
    for occupation, kind in DEFAULT_KIND.items():
        if kind in bands:
            whens.append("WHEN b.id IS NULL AND p.occupation = %s THEN %s")
            params += [occupation.value, bands[kind][0].minimum]
    whens.append("WHEN b.id IS NULL THEN NULL")
    for kind in AMOUNT_KINDS:
        whens.append("WHEN b.payer_kind = %s THEN b.amount")
        params.append(kind.value)
    for kind, rows in bands.items():
        if kind in AMOUNT_KINDS:
            continue
        for band in rows:
            # + 1e-7: a float base on SQLite rounds half up as the Decimal does (products have 6 decimals at most)
            if band.upto is None:
                whens.append("WHEN b.payer_kind = %s THEN ROUND(b.amount * %s / 100 + 0.0000001, 2)")
                params += [kind, band.rate]
            else:
                whens.append("WHEN b.payer_kind = %s AND b.amount <= %s THEN ROUND(b.amount * %s / 100 + 0.0000001, 2)")
                params += [kind, band.upto, band.rate]
    return "CASE " + " ".join(whens) + " ELSE NULL END", params


def _joins(month: datetime.date, *, grouped: bool) -> tuple[str, list]:
    """The base and the approved relief in force for ``month``, joined to each member ``m``: the member's latest base
    from on or before the month, and the latest approved relief covering it. ``grouped`` (a whole ledger): grouped
    once, then joined, so a province's month is a few hash joins; else (a few lines owed again) looked up per
    member."""
    if grouped:
        # a base is in force from its month until the next base's (until_month, kept by base_set): one hash join
        sql = """
            LEFT JOIN membership_duesbase b ON b.member_id = m.id AND b.from_month <= %s
                   AND (b.until_month IS NULL OR b.until_month > %s)
            LEFT JOIN (SELECT member_id, MAX(id) AS id FROM membership_duesrelief
                       WHERE status = 'approved' AND from_month <= %s AND to_month >= %s GROUP BY member_id) lr
                   ON lr.member_id = m.id
            LEFT JOIN membership_duesrelief r ON r.id = lr.id"""
    else:
        sql = """
            LEFT JOIN membership_duesbase b ON b.id = (
                SELECT b2.id FROM membership_duesbase b2 WHERE b2.member_id = m.id AND b2.from_month <= %s
                ORDER BY b2.from_month DESC LIMIT 1)
            LEFT JOIN membership_duesrelief r ON r.id = (
                SELECT r2.id FROM membership_duesrelief r2 WHERE r2.member_id = m.id AND r2.status = 'approved'
                AND r2.from_month <= %s AND r2.to_month >= %s ORDER BY r2.id DESC LIMIT 1)"""
        return sql, [month, month, month]
    return sql, [month, month, month, month]


def _owing_members(month: datetime.date) -> tuple[str, list]:
    """Members who owe dues for ``month``: in good standing, joined by its end, their standing not kept (保留党籍
    members pay none while it is kept)."""
    end = month_end(month)
    return ("m.status = %s AND m.joined_on <= %s AND NOT (m.kept_since IS NOT NULL AND m.kept_since <= %s "
            "AND (m.kept_until IS NULL OR m.kept_until >= %s))", [MemberStatus.ACTIVE, end, end, month])


def _schedule_groups(path: str, month: datetime.date, *,
                     excluding: int | None = None) -> list[tuple[DuesSchedule, str, list[str]]]:
    """For the subtree at ``path``: each owner's version in force for ``month``, the subtree it applies to, and the
    subtrees of owners below that decide for their own (nearest owner above ``path`` first). Withdrawn versions
    (and ``excluding``) do not count."""
    in_force = {}
    versions = DuesSchedule.objects.filter(LIVE, Q(owner_path__in=ancestor_paths(path)) | subtree_q("owner_path", [path]),
                                           valid_from__lte=month)
    if excluding is not None:
        versions = versions.exclude(pk=excluding)
    for schedule in versions.prefetch_related("bands").order_by("owner_path", "-valid_from", "-version"):
        in_force.setdefault(schedule.owner_path, schedule)
    above = [owner for owner in in_force if path.startswith(owner)]
    starts = ([max(above, key=len)] if above else []) + [owner for owner in in_force if owner.startswith(path)
                                                          and owner not in above]
    groups = []
    for owner in starts:
        applies = path if path.startswith(owner) else owner
        deeper = [other for other in starts if other != owner and other.startswith(applies) and len(other) > len(applies)]
        groups.append((in_force[owner], applies, deeper))
    return groups


LEDGER = "membership_duesline"
LINE_COLUMNS = "member_id, organization_id, org_path, month, owed, paid, paid_by, source"
SELECTED = ("member_id", "organization_id", "org_path", "month", "owed")  # the columns each group's SELECT gives


def generate(month, *, path: str | None = None, organization: Organization | None = None) -> int:
    """Opens ``month``'s ledger: a line for each member who owes dues that month and has none yet, in the subtree
    at ``path`` or among the members of ``organization`` only. Returns how many lines were written.

    On PostgreSQL the ledger is partitioned by month (migration 0011), and the first opening of a month writes its
    partition whole (``_write_month``). Later openings of the month (a new member, another subtree), and every
    opening on SQLite, insert the lines the month lacks into the ledger."""
    month = month_of(month)
    path = organization.path if organization is not None else (path or "")
    groups = []  # for each owner of bands in force: the SELECT of its members' lines, and its parameters
    for schedule, applies, deeper in _schedule_groups(path, month):
        owed, owed_params = _owed_sql(bands_of(schedule))
        joins, join_params = _joins(month, grouped=True)
        owing, owing_params = _owing_members(month)
        where, params = ["m.org_path >= %s AND m.org_path < %s"], list(subtree_bounds(applies))
        for other in deeper:
            where.append("NOT (m.org_path >= %s AND m.org_path < %s)")
            params += list(subtree_bounds(other))
        if organization is not None:
            where.append("p.organization_id = %s")
            params.append(organization.pk)
        groups.append((applies, f"""
            SELECT m.id AS member_id, p.organization_id, m.org_path, %s AS month, {owed} AS owed
            FROM people_member m JOIN people_person p ON p.id = m.person_id {joins}
            WHERE {owing} AND {" AND ".join(where)}""", [month, *owed_params, *join_params, *owing_params, *params]))
    if not groups:
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL work_mem = '256MB'")  # the members' bases hashed in memory, not on disk
            partition = _month_table(cursor, month)
            if partition is not None:
                return _write_month(cursor, partition, month, groups)
        written = 0
        for applies, select, params in groups:
            missing = ""
            if DuesLine.objects.filter(subtree_q("org_path", [applies]), month=month).exists():
                missing = ("AND NOT EXISTS (SELECT 1 FROM membership_duesline x "
                           "WHERE x.member_id = m.id AND x.month = %s)")
                params = [*params, month]
            # in the members' order: the unique index on member and month is then written page after page
            cursor.execute(f"INSERT INTO {LEDGER} ({LINE_COLUMNS}) SELECT member_id, organization_id, org_path, "
                           f"month, owed, 0, '', '' FROM ({select} {missing} ORDER BY m.id) x", params)
            written += cursor.rowcount
        return written


def _month_table(cursor, month: datetime.date) -> str | None:
    """PostgreSQL: the name of the partition to write when ``month`` has none yet; None when it has one. Openings
    of the same month wait for each other."""
    cursor.execute("SELECT pg_advisory_xact_lock(hashtext('membership.dues.month'), %s)",
                   [month.year * 100 + month.month])
    name = f"{LEDGER}_y{month:%Y}m{month:%m}"
    cursor.execute("SELECT to_regclass(%s)", [name])
    return name if cursor.fetchone()[0] is None else None


def _write_month(cursor, name: str, month: datetime.date, groups: list) -> int:
    """A month opened the first time, written as a table of its own and attached as the month's partition:

    - the table is created from its SELECT (CREATE TABLE … AS may use parallel workers; INSERT … SELECT may not),
      its columns cast to the ledger's types, with no index to keep up row by row;
    - its ids are the month's own: the month's number times 2³⁴ plus the member's id, unique as a member has one
      line a month (the sequence, which numbers the lines written one by one, stays far below; the largest id,
      about 2⁴⁹, is still exact in a browser's numbers);
    - the lines already entered for the month (paid ahead, in the default partition) are moved in;
    - its columns are checked not null and its months in range in one scan, so attaching it scans no more;
    - attaching it builds the ledger's indexes on it, one sort each; the planner is given its statistics."""
    cursor.execute("SELECT attname, format_type(atttypid, atttypmod), attnotnull FROM pg_attribute "
                   "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum", [LEDGER])
    columns = cursor.fetchall()
    values = {"id": "%s::bigint * 17179869184 + x.member_id", "paid": "0", "paid_by": "''", "source": "''"}
    select = ", ".join(f"CAST({values.get(column, 'x.' + column if column in SELECTED else 'NULL')} AS {kind})"
                       f" AS {column}" for column, kind, _notnull in columns)
    cursor.execute(f"SELECT 1 FROM {LEDGER}_default WHERE month = %s LIMIT 1", [month])
    ahead = cursor.fetchone() is not None
    missing = (f"AND NOT EXISTS (SELECT 1 FROM {LEDGER}_default d WHERE d.member_id = m.id AND d.month = %s)"
               if ahead else "")
    union = " UNION ALL ".join(f"{sql} {missing}" for _applies, sql, _params in groups)
    params = [month.year * 12 + month.month - 1]
    for _applies, _sql, group_params in groups:
        params += group_params + ([month] if ahead else [])
    cursor.execute(f"CREATE TABLE {name} AS SELECT {select} FROM ({union}) x", params)
    written = cursor.rowcount
    checks = [f"ALTER COLUMN {column} SET NOT NULL" for column, _kind, notnull in columns if notnull]
    cursor.execute(f"ALTER TABLE {name} {', '.join(checks)}, ADD CONSTRAINT {name}_range "
                   "CHECK (month >= %s AND month < %s)", [month, next_month(month)])
    if ahead:
        names = ", ".join(column for column, _kind, _notnull in columns)
        cursor.execute(f"WITH moved AS (DELETE FROM {LEDGER}_default WHERE month = %s RETURNING *) "
                       f"INSERT INTO {name} ({names}) SELECT {names} FROM moved", [month])
    cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
    cursor.execute(f"ALTER TABLE {LEDGER} ATTACH PARTITION {name} FOR VALUES FROM (%s) TO (%s)",
                   [month, next_month(month)])
    cursor.execute(f"ANALYZE {name}")
    return written


def owed_now(member: Member, month: datetime.date) -> Decimal | None:
    """What ``member`` owes for ``month`` under the base, relief and bands in force that month."""
    base = DuesBase.objects.filter(member=member, from_month__lte=month).order_by("-from_month").first()
    relief = (DuesRelief.objects.filter(member=member, status=ReliefStatus.APPROVED, from_month__lte=month,
                                        to_month__gte=month).order_by("-pk").first())
    return owed_for(bands_of(schedule_in_force(member.org_path, month)),
                    payer_kind=base.payer_kind if base else None, base=base.amount if base else None,
                    relief=relief, occupation=member.person.occupation)


def reprice(since, *, path: str = "", member: Member | None = None) -> int:
    """Owes again, under the base, relief and bands in force, the lines from ``since`` on of the subtree at
    ``path`` or of one ``member`` (a new base, relief or bands): one UPDATE per month and owner of bands."""
    if member is not None:
        path = ""
        lines = DuesLine.objects.filter(member=member, month__gte=month_of(since))
    else:
        lines = DuesLine.objects.filter(subtree_q("org_path", [path]), month__gte=month_of(since))
    months = sorted(set(lines.values_list("month", flat=True).distinct()))
    changed = 0
    for month in months:
        for schedule, applies, deeper in _schedule_groups(path if member is None else member.org_path[:5], month):
            owed, owed_params = _owed_sql(bands_of(schedule))
            joins, join_params = _joins(month, grouped=False)
            where, params = ["month = %s", "org_path >= %s AND org_path < %s"], [month, *subtree_bounds(applies)]
            for other in deeper:
                where.append("NOT (org_path >= %s AND org_path < %s)")
                params += list(subtree_bounds(other))
            if member is not None:
                where.append("member_id = %s")
                params.append(member.pk)
            sql = f"""
                UPDATE membership_duesline SET owed = (
                    SELECT {owed} FROM people_member m JOIN people_person p ON p.id = m.person_id {joins}
                    WHERE m.id = membership_duesline.member_id)
                WHERE {" AND ".join(where)}"""
            with connection.cursor() as cursor:
                cursor.execute(sql, [*owed_params, *join_params, *params])
                changed += cursor.rowcount
    return changed


# --- bases and reliefs --------------------------------------------------------------------------------------------

@transaction.atomic
def base_set(*, user, member: Member, payer_kind: str, amount, from_month, note: str = "") -> DuesBase:
    """The member's base from ``from_month`` on (a pay rise applies from the month the new pay starts); the lines
    from that month are owed again under it."""
    require_in_scope(user, member.org_path, realm="people")
    if payer_kind not in PayerKind.values:
        refuse(_("Choose the kind of payer."), field="payer_kind")
    try:
        amount = _amount(amount)
    except Exception:
        refuse(_("Give the base as an amount in yuan, for example 4200 or 0.5."), field="amount")
    if amount is None:
        refuse(_("Give the base as an amount in yuan, for example 4200 or 0.5."), field="amount")
    from_month = month_of(from_month)
    if from_month > next_month(month_of(clock.today())):
        refuse(_("A base applies from this month or the next at the latest."), field="from_month")
    if payer_kind in AMOUNT_KINDS:
        bands = bands_of(schedule_in_force(member.org_path, from_month)).get(payer_kind)
        if bands and not bands[0].minimum <= amount <= bands[0].maximum:
            refuse(_("%(kind)s pay from %(low)s to %(high)s yuan a month.") % {
                "kind": PayerKind(payer_kind).label, "low": bands[0].minimum, "high": bands[0].maximum},
                field="amount")
    base, _created = DuesBase.objects.update_or_create(
        member=member, from_month=from_month,
        defaults={"org_path": member.org_path, "payer_kind": payer_kind, "amount": amount, "note": note.strip(),
                  "recorded_by": user_or_none(user)})
    _chain_bases(member)
    reprice(from_month, member=member)
    base.refresh_from_db()
    return base


def _chain_bases(member: Member) -> None:
    """Each of the member's bases ends where the next begins (the latest has no end)."""
    bases = list(DuesBase.objects.select_for_update().filter(member=member).order_by("from_month"))
    changed = []
    for base, following in zip(bases, [*bases[1:], None]):
        until = following.from_month if following is not None else None
        if base.until_month != until:
            base.until_month = until
            changed.append(base)
    DuesBase.objects.bulk_update(changed, ["until_month"])


@transaction.atomic
def relief_propose(*, user, member: Member, kind: str, from_month, to_month, reason: str, branch_decision: str,
                   decided_on: datetime.date, amount=None) -> DuesRelief:
    """The branch decides a member in real difficulty pays less (a monthly amount) or none for months; it counts
    once the committee above approves it."""
    require_in_scope(user, member.org_path, realm="people")
    if kind not in ReliefKind.values:
        refuse(_("Choose a reduction or an exemption."), field="kind")
    first, last = month_of(from_month), month_of(to_month)
    if last < first:
        refuse(_("The last month comes after the first."), field="to_month")
    if kind == ReliefKind.REDUCE:
        amount = _amount(amount)
        if not amount:
            refuse(_("Give the reduced amount a month."), field="amount")
    else:
        amount = None
    if not reason.strip():
        refuse(_("Say why the member cannot pay in full."), field="reason")
    if not branch_decision.strip():
        refuse(_("Give the branch's decision (meeting and date)."), field="branch_decision")
    if decided_on > clock.today():
        refuse(_("The decision is taken today or on a day past."), field="decided_on")
    return DuesRelief.objects.create(member=member, org_path=member.org_path, kind=kind, amount=amount,
                                     from_month=first, to_month=last, reason=reason.strip(),
                                     branch_decision=branch_decision.strip(), decided_on=decided_on,
                                     recorded_by=user_or_none(user))


def approving_path(relief: DuesRelief) -> str:
    """The committee above the member's branch approves: the path of the branch's parent."""
    organization = relief.member.person.organization
    return organization.parent.path if organization.parent_id else organization.path


@transaction.atomic
def relief_decide(*, user, relief: DuesRelief, approve: bool, note: str = "") -> DuesRelief:
    """The committee above approves (the lines of those months are owed again under it) or refuses; a branch
    cannot approve its own decision."""
    relief = DuesRelief.objects.select_for_update(of=("self",)).select_related("member__person__organization__parent").get(
        pk=relief.pk)
    require_in_scope(user, approving_path(relief), realm="people")
    if relief.status != ReliefStatus.PROPOSED:
        refuse(_("This decision was already dealt with (%(status)s).") % {"status": relief.get_status_display()})
    if not approve and not note.strip():
        refuse(_("Say why it is not approved."), field="note")
    relief.status = ReliefStatus.APPROVED if approve else ReliefStatus.REFUSED
    relief.approved_by, relief.approved_on, relief.approval_note = user_or_none(user), clock.today(), note.strip()
    relief.save(update_fields=["status", "approved_by", "approved_on", "approval_note", "updated_at"])
    if approve:
        reprice(relief.from_month, member=relief.member)
    return relief


@transaction.atomic
def relief_withdraw(*, user, relief: DuesRelief, note: str) -> DuesRelief:
    """The branch withdraws a decision (proposed or approved): what is owed goes back to the bands."""
    relief = DuesRelief.objects.select_for_update(of=("self",)).select_related("member__person").get(pk=relief.pk)
    require_in_scope(user, relief.org_path, realm="people")
    if relief.status not in (ReliefStatus.PROPOSED, ReliefStatus.APPROVED):
        refuse(_("This decision was already dealt with (%(status)s).") % {"status": relief.get_status_display()})
    if not note.strip():
        refuse(_("Say why the decision is withdrawn."), field="note")
    was_approved = relief.status == ReliefStatus.APPROVED
    relief.status, relief.approval_note = ReliefStatus.WITHDRAWN, note.strip()
    relief.save(update_fields=["status", "approval_note", "updated_at"])
    if was_approved:
        reprice(relief.from_month, member=relief.member)
    return relief


# --- payments -----------------------------------------------------------------------------------------------------

def _line(member: Member, month: datetime.date) -> DuesLine:
    """The member's line for ``month``, written if the month's ledger was not opened for them yet (paying
    ahead: floating members may pay a quarter at once)."""
    line = DuesLine.objects.select_for_update().filter(member=member, month=month).first()
    if line is None:
        line = DuesLine.objects.create(member=member, organization_id=member.person.organization_id,
                                       org_path=member.org_path, month=month, owed=owed_now(member, month))
    return line


@transaction.atomic
def pay(*, user, member: Member, months, amount=None, paid_on: datetime.date | None = None, paid_by: str = "",
        source: str = PaySource.TAP) -> list[DuesLine]:
    """Records the member's dues paid for ``months`` (each in full unless ``amount`` is given for one month; more
    than owed is a voluntary extra), on ``paid_on`` (today), by someone on the member's behalf if ``paid_by``."""
    member = Member.objects.select_related("person").get(pk=member.pk)
    require_in_scope(user, member.org_path, realm="people")
    months = sorted({month_of(m) for m in months})
    if not months:
        refuse(_("Choose the months paid."), field="months")
    today = clock.today()
    paid_on = paid_on or today
    if paid_on > today:
        refuse(_("Dues are paid today or on a day past."), field="paid_on")
    if months[-1] > month_of(today) + datetime.timedelta(days=366):
        refuse(_("Dues are paid at most a year ahead."), field="months")
    given = _amount(amount) if amount not in (None, "") else None
    if given is not None and len(months) > 1:
        refuse(_("Give an amount for one month at a time, or pay the months in full."), field="amount")
    lines = []
    for month in months:
        line = _line(member, month)
        if line.owed is None and given is None:
            refuse(_("%(name)s has no base recorded for %(month)s: record the base first, or give the amount.") % {
                "name": member.person.name, "month": month.strftime("%Y-%m")}, field="amount")
        line.paid = given if given is not None else line.owed
        line.paid_on, line.paid_by, line.source = paid_on, paid_by.strip()[:50], source
        line.recorded_by = user_or_none(user)
        line.save(update_fields=["paid", "paid_on", "paid_by", "source", "recorded_by"])
        lines.append(line)
    return lines


@transaction.atomic
def unpay(*, user, line: DuesLine) -> DuesLine:
    """Takes back a payment tapped by mistake: the line is unpaid again."""
    line = DuesLine.objects.select_for_update().get(pk=line.pk)
    require_in_scope(user, line.org_path, realm="people")
    line.paid, line.paid_on, line.paid_by, line.source, line.recorded_by = Decimal("0"), None, "", "", None
    line.save(update_fields=["paid", "paid_on", "paid_by", "source", "recorded_by"])
    return line


@transaction.atomic
def one_off(*, user, member: Member, amount, paid_on: datetime.date, note: str = "") -> DuesOneOff:
    """A voluntary one-off payment; 1,000 yuan or more goes wholly upward."""
    require_in_scope(user, member.org_path, realm="people")
    amount = _amount(amount)
    if not amount:
        refuse(_("Give the amount paid."), field="amount")
    if paid_on > clock.today():
        refuse(_("Dues are paid today or on a day past."), field="paid_on")
    return DuesOneOff.objects.create(member=member, org_path=member.org_path, paid_on=paid_on, amount=amount,
                                     upward=amount >= UPWARD_ONE_OFF, note=note.strip(), recorded_by=user_or_none(user))


# --- what the ledger says -----------------------------------------------------------------------------------------

def unsettled() -> Q:
    """Lines owed and not paid in full (a line whose amount is still to be set is not an arrear yet)."""
    return Q(owed__isnull=False, paid__lt=F("owed"))


def paid_up_to(member: Member) -> str:
    """The month dues are paid up to (YYYY-MM): the month before the first one unpaid, else the last one paid;
    "" with nothing on the ledger."""
    first_unpaid = DuesLine.objects.filter(unsettled(), member=member).order_by("month").first()
    if first_unpaid is not None:
        return (first_unpaid.month - datetime.timedelta(days=1)).strftime("%Y-%m")
    last = DuesLine.objects.filter(member=member, owed__isnull=False).order_by("-month").first()
    return last.month.strftime("%Y-%m") if last else ""


def ledger(user, organization: Organization, month) -> list[DuesLine]:
    """The organization's lines for ``month`` (its members then), by name."""
    month = month_of(month)
    return list(DuesLine.objects.restrict(user).filter(org_path=organization.path, month=month)
                .select_related("member__person", "recorded_by").order_by("member__person__name_search", "pk"))


def missing_count(organization: Organization, month) -> int:
    """Members of the organization who owe dues for ``month`` and have no line yet."""
    month = month_of(month)
    owing, params = _owing_members(month)
    with connection.cursor() as cursor:
        cursor.execute(f"""SELECT COUNT(*) FROM people_member m JOIN people_person p ON p.id = m.person_id
                           WHERE {owing} AND p.organization_id = %s AND NOT EXISTS (
                           SELECT 1 FROM membership_duesline x WHERE x.member_id = m.id AND x.month = %s)""",
                       [*params, organization.pk, month])
        return cursor.fetchone()[0]


def totals(lines) -> dict:
    """Owed, paid, members paid in full and not, and the collection rate, of a queryset of lines."""
    row = lines.aggregate(lines=Count("pk"), owed_sum=Sum("owed"), paid_sum=Sum("paid"),
                          settled=Count("pk", filter=Q(owed__isnull=False, paid__gte=F("owed"))),
                          unset=Count("pk", filter=Q(owed__isnull=True)))
    row["owed"], row["paid"] = _cents(row.pop("owed_sum")), _cents(row.pop("paid_sum"))
    row["unpaid"] = row["lines"] - row["settled"] - row["unset"]
    row["rate"] = round(100 * row["settled"] / (row["lines"] - row["unset"]), 1) if row["lines"] > row["unset"] else None
    return row


def by_organization(month, organizations) -> dict:
    """{organization id: the month's figures (lines, owed, paid, settled, unset, unpaid, rate)} of the members
    directly in each of ``organizations``."""
    rows = (DuesLine.objects.filter(month=month_of(month), org_path__in=[org.path for org in organizations])
            .values("organization").annotate(lines=Count("pk"), owed_sum=Sum("owed"), paid_sum=Sum("paid"),
                                             settled=Count("pk", filter=Q(owed__isnull=False, paid__gte=F("owed"))),
                                             unset=Count("pk", filter=Q(owed__isnull=True))))
    figures = {}
    for row in rows:
        row["owed"], row["paid"] = _cents(row.pop("owed_sum")), _cents(row.pop("paid_sum"))
        counted = row["lines"] - row["unset"]
        row["unpaid"] = counted - row["settled"]
        row["rate"] = round(100 * row["settled"] / counted, 1) if counted else None
        figures[row["organization"]] = row
    return figures


def arrears(user, *, under: Organization | None = None, before=None):
    """Members behind with their dues in the user's scope: the months owed and unpaid before ``before`` (the
    current month: this month's dues are not late yet), the amount, and the first month behind."""
    before = month_of(before or clock.today())
    lines = DuesLine.objects.restrict(user).filter(unsettled(), month__lt=before)
    if under is not None:
        lines = lines.filter(subtree_q("org_path", [under.path]))
    return (lines.values("member", "member__person__name", "member__person_id", "organization__name")
            .annotate(months=Count("pk"), owed_sum=Sum("owed"), paid_sum=Sum("paid"), since=Min("month"))
            .order_by("organization__name", "member__person__name"))


def roster(user, organization: Organization, year: int) -> dict:
    """The 党费收缴花名册 of ``organization`` for ``year``: a row per member on its ledger that year (by name),
    each with the base at the year's end (or its last one), the twelve months (owed, paid, when; None where no
    line) and the totals."""
    lines = (DuesLine.objects.restrict(user).filter(org_path=organization.path, month__year=year)
             .select_related("member__person").order_by("member__person__name_search", "month"))
    rows: dict = {}
    for line in lines:
        row = rows.setdefault(line.member_id, {"name": line.member.person.name, "member": line.member_id,
                                               "months": [None] * 12, "owed": Decimal("0"), "paid": Decimal("0")})
        row["months"][line.month.month - 1] = {"owed": line.owed, "paid": line.paid, "paid_on": line.paid_on,
                                               "paid_by": line.paid_by, "settled": line.settled}
        row["owed"] += line.owed or 0
        row["paid"] += line.paid
    year_end = datetime.date(year, 12, 1)
    bases = {}
    for base in DuesBase.objects.filter(member_id__in=rows, from_month__lte=year_end).order_by("member", "from_month"):
        bases[base.member_id] = base  # the last one on or before December wins
    months_total = [sum((row["months"][n]["paid"] for row in rows.values() if row["months"][n]), Decimal("0"))
                    for n in range(12)]
    for row in rows.values():
        base = bases.get(row["member"])
        row["base"] = base.amount if base else None
        row["payer_kind"] = base.get_payer_kind_display() if base else ""
        row["unpaid"] = sum((cell["owed"] - cell["paid"] for cell in row["months"]
                             if cell and cell["owed"] is not None and cell["paid"] < cell["owed"]), Decimal("0"))
    return {"rows": list(rows.values()), "months_total": months_total,
            "owed": sum((row["owed"] for row in rows.values()), Decimal("0")),
            "paid": sum(months_total, Decimal("0")),
            "one_offs": DuesOneOff.objects.filter(member_id__in=rows, paid_on__year=year).aggregate(s=Sum("amount"))["s"]
            or Decimal("0")}


def _cents(value) -> Decimal:
    """A sum as yuan and fen (SQLite sums decimals as numbers)."""
    return Decimal(str(value or 0)).quantize(CENT)


def behind(row: dict) -> Decimal:
    """What an ``arrears`` row is behind by."""
    return _cents(row["owed_sum"]) - _cents(row["paid_sum"])

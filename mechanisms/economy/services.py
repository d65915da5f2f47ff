"""Writes of the collective economy: keyword-only, ``user`` first (None = the system), atomic, scope-checked again,
every change recorded. An import of a year's incomes is all or nothing, shown before it is applied and withdrawable;
so is a plan."""
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from kernel.core import clock
from kernel.core.changelog import record_change, snapshot
from kernel.core.models import ChangeRecord
from kernel.core.services import refuse, require_in_scope, user_or_none
from kernel.orgs.models import Organization

from . import selectors
from .models import EliminationPlan, EmptyThreshold, Income, IncomeImport, IncomeImportLine, IncomeSource, Support

MAX_AMOUNT = Decimal("999999999999")
FIRST_YEAR = 2000


def check_year(year, field: str = "year") -> int:
    if not isinstance(year, int) or not FIRST_YEAR <= year <= clock.today().year:
        refuse(_("Choose a year from %(first)s to this year.") % {"first": FIRST_YEAR}, field=field)
    return year


def check_amount(value, field: str = "amount") -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
        if not amount.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        refuse(_("Give an amount in yuan, such as 12000 or 12000.50."), field=field)
    if amount < 0 or amount > MAX_AMOUNT:
        refuse(_("An amount is from 0 to 999,999,999,999 yuan."), field=field)
    return amount.quantize(Decimal("0.01"))


def _village(organization: Organization) -> Organization:
    if not selectors.is_village(organization):
        refuse(_("%(name)s is not a village: collective incomes are recorded for the villages.") % {
            "name": organization.name}, field="organization")
    return organization


# --- incomes ----------------------------------------------------------------------------------------------------

@transaction.atomic
def incomes_set(*, user, organization: Organization, year: int, amounts: dict, note: str = "") -> list[Income]:
    """Sets a village's incomes of ``year``: ``amounts`` {source: amount or None}; None (or a blank) removes the
    source's figure. Every figure is checked before anything is written."""
    require_in_scope(user, organization.path, realm="org")
    _village(organization)
    check_year(year)
    checked = {}
    for source, value in amounts.items():
        if source not in IncomeSource.values:
            refuse(_("Choose a source of income from the list."), field="source")
        checked[source] = None if value in (None, "") else check_amount(value, field=source)
    current = {row.source: row for row in Income.objects.select_for_update().filter(organization=organization,
                                                                                   year=year)}
    written = []
    for source, amount in checked.items():
        row = current.get(source)
        if amount is None:
            if row is not None:
                record_change(row, ChangeRecord.Action.DELETE, before=snapshot(row))
                row.delete()
            continue
        if row is None:
            row = Income.objects.create(organization=organization, org_path=organization.path, year=year,
                                        source=source, amount=amount, note=note.strip()[:300],
                                        recorded_by=user_or_none(user))
            record_change(row, ChangeRecord.Action.CREATE)
        elif row.amount != amount:
            before = snapshot(row)
            row.amount, row.recorded_by, row.batch = amount, user_or_none(user), None
            row.save(update_fields=["amount", "recorded_by", "batch", "updated_at"])
            record_change(row, ChangeRecord.Action.UPDATE, before=before)
        written.append(row)
    return written


@transaction.atomic
def import_apply(*, user, owner: Organization, year: int, rows: list[dict], file_name: str = "") -> IncomeImport:
    """Applies the checked rows of a workbook (imports.read_rows): [{organization, amounts {source: amount}}];
    each figure keeps the one it replaced."""
    require_in_scope(user, owner.path, realm="org")
    check_year(year)
    if not rows:
        refuse(_("The workbook has no income in it."))
    batch = IncomeImport.objects.create(owner=owner, owner_path=owner.path, year=year, file_name=file_name[:200],
                                        created_by=user_or_none(user))
    ids = [row["organization"].pk for row in rows]
    current = {(r.organization_id, r.source): r for r in Income.objects.select_for_update()
               .filter(organization_id__in=ids, year=year)}
    new, lines, changed = [], [], 0
    for row in rows:
        org = row["organization"]
        require_in_scope(user, org.path, realm="org")
        for source, amount in row["amounts"].items():
            found = current.get((org.pk, source))
            lines.append(IncomeImportLine(batch=batch, organization=org, org_path=org.path, source=source,
                                          amount=amount, previous=found.amount if found else None))
            if found is None:
                new.append(Income(organization=org, org_path=org.path, year=year, source=source, amount=amount,
                                  batch=batch, recorded_by=user_or_none(user)))
            elif found.amount != amount:
                Income.objects.filter(pk=found.pk).update(amount=amount, batch=batch, recorded_by=user_or_none(user))
                changed += 1
    Income.objects.bulk_create(new, batch_size=1000)
    IncomeImportLine.objects.bulk_create(lines, batch_size=1000)
    batch.villages, batch.figures = len(rows), len(lines)
    batch.save(update_fields=["villages", "figures", "updated_at"])
    record_change(batch, ChangeRecord.Action.CREATE,
                  message=f"{len(rows)} villages, {len(new)} figures added, {changed} changed")
    return batch


@transaction.atomic
def import_withdraw(*, user, batch: IncomeImport) -> IncomeImport:
    """Withdraws an import: each figure it set and nobody changed since goes back to the one it replaced (or goes,
    where there was none)."""
    batch = IncomeImport.objects.select_for_update().get(pk=batch.pk)
    require_in_scope(user, batch.owner_path, realm="org")
    if batch.withdrawn_on is not None:
        refuse(_("This import was withdrawn already."))
    later = IncomeImport.objects.filter(owner_path=batch.owner_path, year=batch.year, withdrawn_on__isnull=True,
                                        pk__gt=batch.pk)
    if later.exists():
        refuse(_("A later import of the same year is in force: withdraw it first."))
    for line in batch.lines.all():
        row = Income.objects.filter(organization_id=line.organization_id, year=batch.year, source=line.source,
                                    batch=batch).first()
        if row is None:
            continue
        if line.previous is None:
            row.delete()
        else:
            Income.objects.filter(pk=row.pk).update(amount=line.previous, batch=None)
    before = snapshot(batch)
    batch.withdrawn_on, batch.withdrawn_by = clock.today(), user_or_none(user)
    batch.save(update_fields=["withdrawn_on", "withdrawn_by", "updated_at"])
    record_change(batch, ChangeRecord.Action.UPDATE, before=before)
    return batch


# --- the threshold ----------------------------------------------------------------------------------------------

@transaction.atomic
def threshold_set(*, user, owner: Organization, min_income, from_year: int, counts_subsidies: bool = False,
                  note: str = "") -> EmptyThreshold:
    """A new threshold for the villages under ``owner`` from a year; the years before keep theirs."""
    require_in_scope(user, owner.path, realm="org")
    min_income = check_amount(min_income, field="min_income")
    if not isinstance(from_year, int) or not FIRST_YEAR <= from_year <= clock.today().year + 5:
        refuse(_("Choose a year from %(first)s to five years ahead.") % {"first": FIRST_YEAR}, field="from_year")
    if not note.strip():
        refuse(_("Say why the threshold changes (the county's document)."), field="note")
    if EmptyThreshold.objects.filter(owner=owner, from_year=from_year).exists():
        refuse(_("A threshold is already set from that year: set it from another year."), field="from_year")
    row = EmptyThreshold.objects.create(owner=owner, owner_path=owner.path, min_income=min_income,
                                        counts_subsidies=bool(counts_subsidies), from_year=from_year,
                                        note=note.strip()[:300], created_by=user_or_none(user))
    record_change(row, ChangeRecord.Action.CREATE)
    return row


# --- plans ------------------------------------------------------------------------------------------------------

@transaction.atomic
def plan_create(*, user, owner: Organization, title: str, start_year: int, years: int, per_year: int,
                baseline: int | None = None, note: str = "") -> EliminationPlan:
    """A plan to eliminate ``per_year`` empty villages a year under ``owner`` from ``start_year`` for ``years``
    years; ``baseline`` (default: the villages empty in the year before it starts) is where it starts from."""
    require_in_scope(user, owner.path, realm="org")
    if not title.strip():
        refuse(_("Give the plan a title."), field="title")
    if not isinstance(start_year, int) or not FIRST_YEAR <= start_year <= clock.today().year + 5:
        refuse(_("Choose a year from %(first)s to five years ahead.") % {"first": FIRST_YEAR}, field="start_year")
    if not isinstance(years, int) or not 1 <= years <= 10:
        refuse(_("A plan runs from 1 to 10 years."), field="years")
    if not isinstance(per_year, int) or per_year < 1:
        refuse(_("Give how many villages are to be eliminated a year (1 or more)."), field="per_year")
    if baseline is None:
        baseline = selectors.empty_count(owner, start_year - 1)
    if baseline < 0:
        refuse(_("The empty villages at the start are 0 or more."), field="baseline")
    overlapping = EliminationPlan.objects.filter(owner=owner, withdrawn_on__isnull=True,
                                                 start_year__lte=start_year + years - 1)
    if any(plan.end_year >= start_year for plan in overlapping):
        refuse(_("A plan of this organization already covers some of these years: withdraw it first."),
               field="start_year")
    plan = EliminationPlan.objects.create(owner=owner, owner_path=owner.path, title=title.strip()[:200],
                                          start_year=start_year, years=years, per_year=per_year, baseline=baseline,
                                          note=note.strip(), created_by=user_or_none(user))
    record_change(plan, ChangeRecord.Action.CREATE)
    return plan


@transaction.atomic
def plan_withdraw(*, user, plan: EliminationPlan, reason: str) -> EliminationPlan:
    plan = EliminationPlan.objects.select_for_update().get(pk=plan.pk)
    require_in_scope(user, plan.owner_path, realm="org")
    if plan.withdrawn_on is not None:
        refuse(_("This plan was withdrawn already."))
    if not reason.strip():
        refuse(_("Say why the plan is withdrawn."), field="reason")
    before = snapshot(plan)
    plan.withdrawn_on, plan.withdraw_reason = clock.today(), reason.strip()[:300]
    plan.save(update_fields=["withdrawn_on", "withdraw_reason", "updated_at"])
    record_change(plan, ChangeRecord.Action.UPDATE, before=before)
    return plan


# --- support ----------------------------------------------------------------------------------------------------

@transaction.atomic
def support_add(*, user, organization: Organization, year: int, department: str, leader: str = "",
                measures: str = "") -> Support:
    require_in_scope(user, organization.path, realm="org")
    _village(organization)
    if not isinstance(year, int) or not FIRST_YEAR <= year <= clock.today().year + 1:
        refuse(_("Choose a year from %(first)s to next year.") % {"first": FIRST_YEAR}, field="year")
    if not department.strip():
        refuse(_("Name the department."), field="department")
    if Support.objects.filter(organization=organization, year=year, department=department.strip(),
                              withdrawn_on__isnull=True).exists():
        refuse(_("This department already supports the village that year."), field="department")
    row = Support.objects.create(organization=organization, org_path=organization.path, year=year,
                                 department=department.strip()[:120], leader=leader.strip()[:50],
                                 measures=measures.strip()[:300], created_by=user_or_none(user))
    record_change(row, ChangeRecord.Action.CREATE)
    return row


@transaction.atomic
def support_withdraw(*, user, support: Support) -> Support:
    support = Support.objects.select_for_update().get(pk=support.pk)
    require_in_scope(user, support.org_path, realm="org")
    if support.withdrawn_on is not None:
        refuse(_("This support was withdrawn already."))
    before = snapshot(support)
    support.withdrawn_on = clock.today()
    support.save(update_fields=["withdrawn_on", "updated_at"])
    record_change(support, ChangeRecord.Action.UPDATE, before=before)
    return support

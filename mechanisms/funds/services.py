"""Writes of the village funds: keyword-only, ``user`` first (None = the system), atomic, scope-checked again, every
change recorded. A year's operating budgets for every place at once is shown before it is done (NeedsConfirmation)
and withdrawable while nothing is paid on them; a payment recorded by mistake is withdrawn with its reason."""
import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from kernel.core import clock
from kernel.core.changelog import record_change, snapshot
from kernel.core.models import ChangeRecord
from kernel.core.services import NeedsConfirmation, refuse, require_in_scope, user_or_none
from kernel.core.tree import subtree_q
from kernel.core.withdrawal import withdraw
from kernel.orgs.models import Organization

from . import selectors
from .models import Budget, BudgetBatch, BudgetKind, FundRate, Payment, PaySource, PlaceType

FIRST_YEAR = 2000
MAX_AMOUNT = Decimal("9999999999")


def check_amount(value, field: str = "amount", *, positive: bool = False) -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
        if not amount.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        refuse(_("Give an amount in yuan, such as 70000 or 2000.50."), field=field)
    if amount < 0 or amount > MAX_AMOUNT or (positive and amount == 0):
        refuse(_("An amount is more than 0 and at most 9,999,999,999 yuan.") if positive
               else _("An amount is from 0 to 9,999,999,999 yuan."), field=field)
    return amount.quantize(Decimal("0.01"))


def check_year(year, field: str = "year") -> int:
    if not isinstance(year, int) or not FIRST_YEAR <= year <= clock.today().year + 1:
        refuse(_("Choose a year from %(first)s to next year.") % {"first": FIRST_YEAR}, field=field)
    return year


def _place(organization: Organization) -> Organization:
    if not Organization.objects.filter(selectors.place_filter(), pk=organization.pk).exists():
        refuse(_("%(name)s is not a village or a community: funds are budgeted for them.") % {
            "name": organization.name}, field="organization")
    return organization


# --- the rates --------------------------------------------------------------------------------------------------

@transaction.atomic
def rate_set(*, user, owner: Organization, place_type: str, amount, from_year: int, note: str = "") -> FundRate:
    require_in_scope(user, owner.path, realm="org")
    if place_type not in PlaceType.values:
        refuse(_("Choose a type of place."), field="place_type")
    amount = check_amount(amount, positive=True)
    if not isinstance(from_year, int) or not FIRST_YEAR <= from_year <= clock.today().year + 5:
        refuse(_("Choose a year from %(first)s to five years ahead.") % {"first": FIRST_YEAR}, field="from_year")
    if not note.strip():
        refuse(_("Say why the rate changes (the county's document)."), field="note")
    if FundRate.objects.filter(owner=owner, place_type=place_type, from_year=from_year).exists():
        refuse(_("A rate is already set for this type of place from that year."), field="from_year")
    row = FundRate.objects.create(owner=owner, owner_path=owner.path, place_type=place_type, amount=amount,
                                  from_year=from_year, note=note.strip()[:300], created_by=user_or_none(user))
    record_change(row, ChangeRecord.Action.CREATE)
    return row


# --- operating budgets for every place --------------------------------------------------------------------------

def generation_preview(owner: Organization, year: int) -> dict:
    """The operating budgets a generation would add: each place under ``owner`` without one that year, at the rate
    of its type of place; the count and total by type."""
    table = selectors.rates()
    has = set(Budget.objects.filter(kind=BudgetKind.OPERATING, year=year, withdrawn_on__isnull=True)
              .values_list("organization_id", flat=True))
    found = (Organization.objects.filter(selectors.place_filter(), subtree_q("path", [owner.path]))
             .select_related("parent").order_by("path"))
    new, by_type = [], {}
    for place in found:
        if place.pk in has:
            continue
        kind = selectors.place_type(place)
        amount, _row = selectors.rate_for(place.path, kind, year, table)
        new.append((place, kind, amount))
        entry = by_type.setdefault(kind, {"place_type": str(PlaceType(kind).label), "count": 0, "amount": amount,
                                          "total": Decimal(0)})
        entry["count"] += 1
        entry["total"] += amount
    return {"owner": owner.name, "year": year, "new": new, "skipped": len(has & {p.pk for p in found}),
            "by_type": list(by_type.values()), "count": len(new), "total": sum((n[2] for n in new), Decimal(0))}


@transaction.atomic
def operating_generate(*, user, owner: Organization, year: int, confirm: bool = False) -> BudgetBatch:
    """Adds the year's operating budget of every village and community under ``owner`` that has none, at the rate
    of its type of place. Needs ``confirm`` after the preview (NeedsConfirmation)."""
    require_in_scope(user, owner.path, realm="org")
    check_year(year)
    preview = generation_preview(owner, year)
    if not preview["count"]:
        refuse(_("Every village and community under %(name)s has its operating budget of %(year)s already.") % {
            "name": owner.name, "year": year})
    if not confirm:
        details = {key: value for key, value in preview.items() if key != "new"}
        details["total"] = str(details["total"])
        details["by_type"] = [{**row, "amount": str(row["amount"]), "total": str(row["total"])}
                              for row in details["by_type"]]
        raise NeedsConfirmation(_("%(count)s operating budgets of %(year)s, %(total)s yuan in all: confirm.") % {
            "count": preview["count"], "year": year, "total": f"{preview['total']:,.0f}"}, details)
    batch = BudgetBatch.objects.create(owner=owner, owner_path=owner.path, year=year, budgets=preview["count"],
                                       total=preview["total"], created_by=user_or_none(user))
    Budget.objects.bulk_create([Budget(organization=place, org_path=place.path, year=year,
                                       kind=BudgetKind.OPERATING, place_type=kind, amount=amount, batch=batch,
                                       created_by=user_or_none(user)) for place, kind, amount in preview["new"]],
                               batch_size=1000)
    record_change(batch, ChangeRecord.Action.CREATE,
                  message=f"{preview['count']} operating budgets of {year}, {preview['total']} yuan")
    return batch


@transaction.atomic
def batch_withdraw(*, user, batch: BudgetBatch) -> BudgetBatch:
    batch = BudgetBatch.objects.select_for_update().get(pk=batch.pk)
    require_in_scope(user, batch.owner_path, realm="org")
    if batch.withdrawn_on is not None:
        refuse(_("These budgets were withdrawn already."))
    rows = Budget.objects.filter(batch=batch, withdrawn_on__isnull=True)
    if Payment.objects.live().filter(budget__in=rows).exists():
        refuse(_("Payments are recorded on some of these budgets: withdraw the payments first."))
    rows.update(withdrawn_on=clock.today())
    before = snapshot(batch)
    batch.withdrawn_on = clock.today()
    batch.save(update_fields=["withdrawn_on", "updated_at"])
    record_change(batch, ChangeRecord.Action.UPDATE, before=before)
    return batch


# --- one budget -------------------------------------------------------------------------------------------------

@transaction.atomic
def budget_create(*, user, organization: Organization, year: int, kind: str, amount=None, title: str = "",
                  note: str = "") -> Budget:
    """One place's budget of a year: its operating funds (at the rate of its type of place unless ``amount`` says
    otherwise, with a note) or a project's."""
    require_in_scope(user, organization.path, realm="org")
    _place(organization)
    check_year(year)
    if kind not in BudgetKind.values:
        refuse(_("Choose the kind of funds."), field="kind")
    place = selectors.place_type(organization)
    if kind == BudgetKind.OPERATING:
        if Budget.objects.filter(organization=organization, year=year, kind=kind, withdrawn_on__isnull=True).exists():
            refuse(_("The place has its operating budget of %(year)s already.") % {"year": year}, field="kind")
        rate, _row = selectors.rate_for(organization.path, place, year)
        amount = rate if amount in (None, "") else check_amount(amount, positive=True)
        if amount != rate and not note.strip():
            refuse(_("The rate for a %(type)s is %(rate)s yuan: say why this budget differs.") % {
                "type": PlaceType(place).label, "rate": f"{rate:,.0f}"}, field="note")
    else:
        if amount in (None, ""):
            refuse(_("Give the project's budget."), field="amount")
        amount = check_amount(amount, positive=True)
        if not title.strip():
            refuse(_("Name the project."), field="title")
    budget = Budget.objects.create(organization=organization, org_path=organization.path, year=year, kind=kind,
                                   place_type=place, title=title.strip()[:200], amount=amount,
                                   note=note.strip()[:300], created_by=user_or_none(user))
    record_change(budget, ChangeRecord.Action.CREATE)
    return budget


@transaction.atomic
def budget_withdraw(*, user, budget: Budget) -> Budget:
    budget = Budget.objects.select_for_update().get(pk=budget.pk)
    require_in_scope(user, budget.org_path, realm="org")
    if budget.withdrawn_on is not None:
        refuse(_("This budget was withdrawn already."))
    if budget.payments.live().exists():
        refuse(_("Payments are recorded on this budget: withdraw the payments first."))
    before = snapshot(budget)
    budget.withdrawn_on = clock.today()
    budget.save(update_fields=["withdrawn_on", "updated_at"])
    record_change(budget, ChangeRecord.Action.UPDATE, before=before)
    return budget


# --- payments ---------------------------------------------------------------------------------------------------

def _repaid(budget: Budget) -> None:
    paid = budget.payments.live().aggregate(s=Sum("amount"))["s"] or Decimal(0)
    Budget.objects.filter(pk=budget.pk).update(paid=paid)
    budget.paid = paid


@transaction.atomic
def payment_record(*, user, budget: Budget, paid_on: datetime.date, amount, source: str = PaySource.COUNTY,
                   note: str = "") -> Payment:
    """Money paid against a budget; never more than is outstanding."""
    budget = Budget.objects.select_for_update().get(pk=budget.pk)
    require_in_scope(user, budget.org_path, realm="org")
    if budget.withdrawn_on is not None:
        refuse(_("This budget was withdrawn: nothing is paid against it."))
    amount = check_amount(amount, positive=True)
    if paid_on is None or paid_on > clock.today():
        refuse(_("A payment is recorded once made: the day cannot be in the future."), field="paid_on")
    if paid_on.year < budget.year - 1:
        refuse(_("A payment of the %(year)s budget is made from %(from)s.") % {"year": budget.year,
                                                                              "from": budget.year - 1},
               field="paid_on")
    if source not in PaySource.values:
        refuse(_("Choose where the money came from."), field="source")
    if amount > budget.amount - budget.paid:
        refuse(_("Only %(left)s yuan of this budget is outstanding.") % {"left": f"{budget.amount - budget.paid:,.2f}"},
               field="amount")
    payment = Payment.objects.create(budget=budget, org_path=budget.org_path, paid_on=paid_on, amount=amount,
                                     source=source, note=note.strip()[:300], recorded_by=user_or_none(user))
    _repaid(budget)
    record_change(payment, ChangeRecord.Action.CREATE)
    return payment


@transaction.atomic
def payment_withdraw(*, user, payment: Payment, reason: str) -> Payment:
    payment = Payment.objects.select_for_update().select_related("budget").get(pk=payment.pk)
    withdraw(payment, user=user, reason=reason, what=_("Say why the payment is withdrawn."),
             already=_("This payment was withdrawn already."))
    _repaid(payment.budget)
    return payment

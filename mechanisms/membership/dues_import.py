"""Dues paid, imported from a workbook: the template lists the organization's members (their number, name) with a
month; the treasurer fills in what each paid (empty: what is owed), when and, if someone else paid, who. Every row
is checked first; one bad row refuses the whole workbook with each row's reason, and nothing is written."""
import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook

from kernel.core import clock
from kernel.core.workbook_upload import MAX_SIZE, UnreadableWorkbook, attachment, header_row, open_workbook, put, save
from kernel.orgs.models import Organization
from kernel.people.choices import MemberStatus
from kernel.people.models import Member

from . import dues
from .models_dues import PaySource

MAX_ROWS = 5000


class ImportRefused(Exception):
    def __init__(self, errors: list[tuple[int, str]]):
        super().__init__(errors)
        self.errors = errors


def headers() -> list[str]:
    return [_("Member number"), _("Name"), _("Month (YYYY-MM)"), _("Amount (yuan)"), _("Paid on (YYYY-MM-DD)"),
            _("Paid on the member's behalf by")]


def template_response(organization: Organization, month: datetime.date):
    book = Workbook()
    sheet = book.active
    sheet.title = month.strftime("%Y-%m")
    header_row(sheet, headers(), editable=headers()[3:], widths={headers()[1]: 14})
    members = (Member.objects.filter(person__organization=organization, status=MemberStatus.ACTIVE)
               .select_related("person").order_by("person__name_search"))
    for row, member in enumerate(members, start=2):
        for column, value in enumerate([member.person_id, member.person.name, month.strftime("%Y-%m")], start=1):
            put(sheet.cell(row=row, column=column), value)
    return attachment(save(book), f"{organization.name}-{month:%Y-%m}.xlsx")


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def _month(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.replace(day=1)
    return dues.month_of(_text(value))


def _day(value) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(_text(value))


def read_rows(organization: Organization, upload) -> list[dict]:
    """The workbook's payments, each checked; ImportRefused with every row's reason if any is wrong."""
    if upload.size > MAX_SIZE:
        raise ImportRefused([(0, _("The workbook is larger than 20 MB."))])
    try:
        book = open_workbook(upload)
    except UnreadableWorkbook as error:
        raise ImportRefused([(0, getattr(error, "message", None) or _("This is not an Excel workbook (.xlsx)."))]) from error
    members = {member.person_id: member for member in Member.objects.filter(person__organization=organization)
               .select_related("person")}
    by_name: dict = {}
    for member in members.values():
        by_name.setdefault(member.person.name, []).append(member)
    today, rows, errors = clock.today(), [], []
    for number, values in enumerate(book.active.iter_rows(min_row=2, values_only=True), start=2):
        values = list(values) + [None] * 6
        if all(_text(value) == "" for value in values[:6]):
            continue
        if len(rows) + len(errors) >= MAX_ROWS:
            errors.append((number, _("At most %(n)s rows at a time.") % {"n": MAX_ROWS}))
            break
        key, name = _text(values[0]), _text(values[1])
        member = members.get(int(key)) if key.isdigit() else None
        if member is None and not key:
            found = by_name.get(name, [])
            member = found[0] if len(found) == 1 else None
            if len(found) > 1:
                errors.append((number, _("Two members are called %(name)s: give the member number.") % {"name": name}))
                continue
        if member is None:
            errors.append((number, _("No member of %(org)s has this number or name (%(key)s).") % {
                "org": organization.name, "key": key or name}))
            continue
        try:
            month = _month(values[2])
        except ValidationError:
            errors.append((number, _("Give the month as YYYY-MM.")))
            continue
        amount = None
        if _text(values[3]):
            try:
                amount = Decimal(_text(values[3]))
                if not amount.is_finite() or amount < 0:
                    raise InvalidOperation
            except InvalidOperation:
                errors.append((number, _("“%(value)s” is not an amount.") % {"value": _text(values[3])}))
                continue
        try:
            paid_on = _day(values[4]) or today
        except ValueError:
            errors.append((number, _("Give the day paid as YYYY-MM-DD.")))
            continue
        if paid_on > today:
            errors.append((number, _("Dues are paid today or on a day past.")))
            continue
        rows.append({"member": member, "month": month, "amount": amount, "paid_on": paid_on,
                     "paid_by": _text(values[5])[:50], "row": number})
    if errors:
        raise ImportRefused(errors)
    if not rows:
        raise ImportRefused([(0, _("The workbook has no payment in it."))])
    return rows


def import_payments(*, user, organization: Organization, upload) -> int:
    """Records every payment of the workbook (the caller's transaction: all or nothing)."""
    rows = read_rows(organization, upload)
    errors = []
    for row in rows:
        try:
            dues.pay(user=user, member=row["member"], months=[row["month"]], amount=row["amount"],
                     paid_on=row["paid_on"], paid_by=row["paid_by"], source=PaySource.IMPORT)
        except ValidationError as error:
            errors.append((row["row"], " ".join(error.messages)))
    if errors:
        raise ImportRefused(errors)
    return len(rows)

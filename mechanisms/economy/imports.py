"""A year's collective incomes from a workbook: the template lists the villages under an organization (code, name,
township, year) with a column per source of income; the county fills in the figures (a blank leaves the source
unrecorded, 0 records nothing earned). Every row is checked first; one bad row refuses the whole workbook with each
row's reason, and nothing is written."""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook

from kernel.core.tree import subtree_q
from kernel.core.workbook_upload import MAX_SIZE, UnreadableWorkbook, attachment, header_row, open_workbook, put, save
from kernel.orgs.models import Organization

from . import selectors, services
from .models import Income, IncomeSource

MAX_ROWS = 20000
FIXED = 4  # code, village, township, year


class ImportRefused(Exception):
    def __init__(self, errors: list[tuple[int, str]]):
        super().__init__(errors)
        self.errors = errors


def headers() -> list[str]:
    return [_("Organization code"), _("Village"), _("Township"), _("Year"),
            *[f"{label}（{_('yuan')}）" for _value, label in IncomeSource.choices]]


def _villages(owner: Organization):
    return (Organization.objects.filter(selectors.village_filter(), subtree_q("path", [owner.path]))
            .select_related("parent").order_by("path"))


def template_response(owner: Organization, year: int):
    book = Workbook()
    sheet = book.active
    sheet.title = str(year)
    names = headers()
    header_row(sheet, names, editable=names[FIXED:], widths={names[1]: 24, names[2]: 16})
    known = {}
    for org_id, source, amount in Income.objects.filter(subtree_q("org_path", [owner.path]), year=year).values_list(
            "organization_id", "source", "amount"):
        known[(org_id, source)] = amount
    for row, village in enumerate(_villages(owner), start=2):
        values = [village.code, village.name, village.parent.name if village.parent else "", year]
        values += [known.get((village.pk, source), None) for source in IncomeSource.values]
        for column, value in enumerate(values, start=1):
            if value is not None:
                put(sheet.cell(row=row, column=column), float(value) if column > FIXED else value)
    return attachment(save(book), f"{owner.name}-{year}-{_('collective income')}.xlsx")


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def read_rows(owner: Organization, year: int, upload) -> list[dict]:
    """The workbook's villages with their figures, each checked; ImportRefused with every row's reason if any is
    wrong."""
    if upload.size > MAX_SIZE:
        raise ImportRefused([(0, _("The workbook is larger than 20 MB."))])
    try:
        book = open_workbook(upload)
    except UnreadableWorkbook as error:
        raise ImportRefused([(0, getattr(error, "message", None) or _("This is not an Excel workbook (.xlsx)."))]) \
            from error
    villages = {village.code: village for village in _villages(owner)}
    by_name: dict = {}
    for village in villages.values():
        by_name.setdefault(village.name, []).append(village)
    sources = IncomeSource.values
    rows, errors, seen = [], [], set()
    for number, values in enumerate(book.active.iter_rows(min_row=2, values_only=True), start=2):
        values = list(values) + [None] * (FIXED + len(sources))
        if all(_text(value) == "" for value in values[:FIXED + len(sources)]):
            continue
        if len(rows) + len(errors) >= MAX_ROWS:
            errors.append((number, _("At most %(n)s rows at a time.") % {"n": MAX_ROWS}))
            break
        code, name = _text(values[0]), _text(values[1])
        village = villages.get(code)
        if village is None and not code:
            found = by_name.get(name, [])
            village = found[0] if len(found) == 1 else None
        if village is None:
            errors.append((number, _("No village under %(org)s has this code or name (%(key)s).") % {
                "org": owner.name, "key": code or name}))
            continue
        if village.pk in seen:
            errors.append((number, _("%(name)s comes twice in the workbook.") % {"name": village.name}))
            continue
        seen.add(village.pk)
        if _text(values[3]) and _text(values[3]) != str(year):
            errors.append((number, _("The row is of the year %(found)s, the import of %(year)s.") % {
                "found": _text(values[3]), "year": year}))
            continue
        amounts, bad = {}, []
        for index, source in enumerate(sources):
            text = _text(values[FIXED + index])
            if text == "":
                continue
            try:
                amounts[source] = services.check_amount(text, field=source)
            except ValidationError:
                bad.append(_("“%(value)s” is not an amount (%(source)s).") % {
                    "value": text, "source": IncomeSource(source).label})
        if bad:
            errors.append((number, " ".join(bad)))
            continue
        if amounts:
            rows.append({"organization": village, "amounts": amounts, "row": number})
    if errors:
        raise ImportRefused(errors)
    if not rows:
        raise ImportRefused([(0, _("The workbook has no income in it."))])
    return rows


def preview(rows: list[dict], year: int) -> dict:
    """What the import would do: the villages, the figures added and changed, and the statuses after it."""
    ids = [row["organization"].pk for row in rows]
    current = {(org_id, source): amount for org_id, source, amount in Income.objects.filter(
        organization_id__in=ids, year=year).values_list("organization_id", "source", "amount")}
    added = changed = 0
    for row in rows:
        for source, amount in row["amounts"].items():
            before = current.get((row["organization"].pk, source))
            added += before is None
            changed += before is not None and before != amount
    table = selectors.thresholds()
    after = [selectors.VillageYear(row["organization"], year, row["amounts"],
                                   selectors.line_for(row["organization"].path, year, table)) for row in rows]
    return {"villages": len(rows), "added": added, "changed": changed,
            "empty": sum(r.status == "empty" for r in after),
            "total": sum((r.total for r in after), 0)}

"""A congress's representatives from a workbook: the template has a row per representative (name, ID number, gender,
the constituency and the linked village by code or name, the studio by name, and ten household columns, each
"head/address/phone"), and a second sheet with the organizations and studios to choose from. Every row is checked
first, each error named by its row and column; the check registers the rows in a transaction rolled back at its end,
so it refuses exactly what the import would, and nothing is written. The import itself is all or nothing."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook

from kernel.core.tree import subtree_q
from kernel.core.workbook_upload import MAX_SIZE, UnreadableWorkbook, attachment, header_row, open_workbook, put, save
from kernel.orgs.models import Organization, OrgStatus

from . import services
from .models import Congress, Studio

FIXED = 6          # name, ID number, gender, constituency, studio, village
SEPARATORS = ("/", "／")
GENDERS = {"男": "male", "女": "female", "male": "male", "female": "female", "m": "male", "f": "female"}


class ImportRefused(Exception):
    """The workbook cannot be read at all: [(row, column, message)]."""

    def __init__(self, errors: list[tuple[int, str, str]]):
        super().__init__(errors)
        self.errors = errors


def headers() -> list[str]:
    return [_("Name"), _("ID number"), _("Gender"), _("Constituency (code or name)"), _("Studio"),
            _("Linked village (code or name)"),
            *[_("Household %(n)d (head/address/phone)") % {"n": n} for n in range(1, services.HOUSEHOLDS + 1)]]


def _organizations(user, congress: Congress):
    return (Organization.objects.restrict(user).filter(subtree_q("path", [congress.org_path]),
                                                      status=OrgStatus.ACTIVE).order_by("path"))


def _studios(user, congress: Congress):
    return (Studio.objects.restrict(user).filter(subtree_q("org_path", [congress.org_path]), closed_on__isnull=True)
            .select_related("organization").order_by("org_path", "name"))


def template_response(user, congress: Congress):
    book = Workbook()
    sheet = book.active
    sheet.title = _("Representatives")
    names = headers()
    header_row(sheet, names, editable=names, widths={names[1]: 22, names[3]: 24, names[4]: 20, names[5]: 24})
    codes = book.create_sheet(_("Organizations and studios"))
    header_row(codes, [_("Organization code"), _("Organization"), _("Studio")])
    row = 2
    for org in _organizations(user, congress):
        put(codes.cell(row=row, column=1), org.code)
        put(codes.cell(row=row, column=2), "\u3000" * max(org.depth - 1, 0) + org.name)
        row += 1
    for studio in _studios(user, congress):
        put(codes.cell(row=row, column=2), studio.organization.name)
        put(codes.cell(row=row, column=3), studio.name)
        row += 1
    return attachment(save(book), f"{congress.name}-{_('representatives')}.xlsx")


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def _household(text: str) -> dict:
    for separator in SEPARATORS[1:]:
        text = text.replace(separator, SEPARATORS[0])
    parts = [part.strip() for part in text.split(SEPARATORS[0])] + ["", ""]
    return {"name": parts[0], "address": parts[1], "phone": parts[2]}


def _find_org(text, by_code, by_name, congress, *, blank_ok) -> tuple:
    """(the organization a cell names by code or name, or None; the error, or None)."""
    if not text:
        return None, (None if blank_ok else _("Required."))
    org = by_code.get(text)
    if org is not None:
        return org, None
    same = by_name.get(text, [])
    if len(same) > 1:
        return None, _("“%(name)s” names more than one organization: give its code.") % {"name": text}
    if not same:
        return None, _("No organization under %(org)s has this code or name (%(key)s).") % {
            "org": congress.organization.name, "key": text}
    return same[0], None


def read_rows(user, congress: Congress, upload) -> tuple[list[dict], list[tuple[int, str, str]]]:
    """The workbook's rows, each with what it names found, and the errors found reading it [(row, column,
    message)]. ImportRefused when the file cannot be read at all."""
    if upload.size > MAX_SIZE:
        raise ImportRefused([(0, "", _("The workbook is larger than 20 MB."))])
    try:
        book = open_workbook(upload)
    except UnreadableWorkbook as error:
        raise ImportRefused([(0, "", getattr(error, "message", None)
                              or _("This is not an Excel workbook (.xlsx)."))]) from error
    names = headers()
    orgs = list(_organizations(user, congress))
    by_code = {org.code: org for org in orgs if org.code}
    by_name: dict = {}
    for org in orgs:
        by_name.setdefault(org.name, []).append(org)
    studios: dict = {}
    for studio in _studios(user, congress):
        studios.setdefault(studio.name, []).append(studio)
    rows, errors = [], []
    width = FIXED + services.HOUSEHOLDS
    for line, values in enumerate(book.worksheets[0].iter_rows(min_row=2, values_only=True), start=2):
        values = [_text(v) for v in (list(values) + [None] * width)[:width]]
        if not any(values):
            continue
        if len(rows) >= services.MAX_BULK:
            errors.append((line, "", _("At most %(n)d representatives at once.") % {"n": services.MAX_BULK}))
            break
        found = []

        def org_of(text, column, *, blank_ok, line=line, found=found):
            org, message = _find_org(text, by_code, by_name, congress, blank_ok=blank_ok)
            if message:
                found.append((line, names[column], message))
            return org

        name, id_number, gender = values[0], values[1].upper(), values[2]
        if not name and not id_number:
            found.append((line, names[0], _("Give the representative's name.")))
        if gender and gender.lower() not in GENDERS:
            found.append((line, names[2], _("Write 男 or 女.")))
        constituency = org_of(values[3], 3, blank_ok=False)
        village = org_of(values[5], 5, blank_ok=True)
        studio = None
        if values[4]:
            same = studios.get(values[4], [])
            if len(same) == 1:
                studio = same[0]
            else:
                found.append((line, names[4], _("No open studio of this name under %(org)s.") % {
                    "org": congress.organization.name} if not same else
                    _("More than one studio has this name.")))
        filled = [(FIXED + n, text) for n, text in enumerate(values[FIXED:]) if text]
        households = [_household(text) for _column, text in filled]
        for place, _field, message in services.household_errors(households):
            found.append((line, names[filled[place - 1][0]] if place else names[FIXED], message))
        if found:
            errors.extend(found)
            continue
        rows.append({"line": line, "name": name, "id_number": id_number,
                     "gender": GENDERS.get(gender.lower(), "") if gender else "", "constituency": constituency,
                     "studio": studio, "village": village, "households": households})
    if not rows and not errors:
        errors.append((0, "", _("The workbook has no representative in it.")))
    return rows, errors


COLUMN_OF_FIELD = {"name": 0, "person": 0, "id_number": 1, "gender": 2, "constituency": 3, "studio": 4,
                   "village": 5, "households": FIXED}


def dry_run(user, congress: Congress, rows: list[dict]) -> tuple[list[dict], list[tuple[int, str, str]]]:
    """Registers the rows in a transaction rolled back at its end: what each would add (the person found or
    added) and each refusal, named by its row and column. Nothing is written."""
    names = headers()
    preview, errors = [], []
    with transaction.atomic():
        for row in rows:
            try:
                with transaction.atomic():
                    rep, added = services.import_row(user, congress, row)
            except PermissionDenied as error:
                errors.append((row["line"], names[3], " ".join(str(m) for m in error.args) or _("Not allowed.")))
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, messages in error.message_dict.items():
                        column = COLUMN_OF_FIELD.get(field)
                        for message in messages:
                            errors.append((row["line"], names[column] if column is not None else "", message))
                else:
                    errors.extend((row["line"], "", message) for message in error.messages)
            else:
                preview.append({"line": row["line"], "name": rep.person.name, "id_number": row["id_number"],
                                "added": added, "constituency": row["constituency"].name,
                                "studio": row["studio"].name if row["studio"] else "",
                                "village": row["village"].name if row["village"] else "",
                                "households": len(row["households"])})
        transaction.set_rollback(True)
    return preview, errors


def check(user, congress: Congress, upload) -> tuple[list[dict], list[dict], list[tuple[int, str, str]]]:
    """(rows, the preview of each, every error sorted by row); raises ImportRefused for an unreadable file."""
    rows, errors = read_rows(user, congress, upload)
    preview, refused = dry_run(user, congress, rows) if rows else ([], [])
    return rows, preview, sorted(errors + refused, key=lambda e: (e[0], e[1]))

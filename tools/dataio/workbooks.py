"""The workbooks users download: blank templates with instructions, and their own upload with errors marked."""
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from kernel.core.excel import read_table
from kernel.core.xlsx_stream import safe_cell

from .columns import CHOICE, DATE, MEMBER_COLUMNS, ORG_COLUMNS, POSTS

BAD = PatternFill("solid", fgColor="FFC7CE")
HEAD = PatternFill("solid", fgColor="C00000")
KINDS = {"members": MEMBER_COLUMNS, "orgs": ORG_COLUMNS}
# Sheet names are part of the ledger format, like the headers (see tools.dataio.columns).
DATA_SHEETS = {"members": "党员信息", "orgs": "党组织信息"}
EXAMPLES = {
    "members": ["张三", "男", "汉族", "1980-01-01", "430581198001010011", "高中", "农牧渔民", "13800001234", "A1",
                "正式党员", "2003-03-01", "2005-07-01", "2006-07-01", "正常", "", "党支部书记;村委会主任", "2021-01-01"],
    "orgs": ["A3", "张家村党支部", "张家村支部", "党支部", "农村", "TA", "2001-07-01", "张家村"],
}


def template(kind: str) -> bytes:
    """A blank import template: the data sheet with headers and dropdowns, an instructions sheet, a list sheet."""
    columns = KINDS[kind]
    book = Workbook()
    sheet = book.active
    sheet.title = DATA_SHEETS[kind]
    lists = book.create_sheet("选项")
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEAD
        cell.alignment = Alignment(horizontal="center")
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(column.header) * 3)
        if column.kind == DATE or column.key in ("id_number", "phone", "organization", "code", "parent"):
            for row in range(2, 1002):
                sheet.cell(row=row, column=index).number_format = "@"
        if column.kind == CHOICE:
            labels = column.labels()
            letter = get_column_letter(index)
            for row, label in enumerate(labels, start=1):
                lists.cell(row=row, column=index, value=label)
            rule = DataValidation(type="list", formula1=f"'选项'!${letter}$1:${letter}${len(labels)}", allow_blank=True,
                                  showErrorMessage=False)
            rule.add(f"{letter}2:{letter}100000")
            sheet.add_data_validation(rule)
    sheet.freeze_panes = "A2"
    lists.sheet_state = "hidden"
    _instructions(book.create_sheet(_("Instructions"), 1), kind, columns)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _instructions(sheet, kind, columns) -> None:
    sheet.append([_("How to fill in the template")])
    sheet["A1"].font = Font(bold=True, size=14)
    notes = [
        _("Fill in one row per %(thing)s on the first sheet, below the headers; keep the headers as they are.") % {
            "thing": _("member") if kind == "members" else _("organization")},
        _("Dates may be written as 2015-06-01, 2015/6/1, 2015.06 (the first of the month), 2015年6月1日 or as"
          " date cells."),
        _("Nothing is written unless every row is right: the errors come back row by row, with the bad cells"
          " marked in a copy of your file."),
        _("Rows are matched on the ID number (members) or the code (organizations): importing the same file again"
          " changes nothing, an edited file updates what changed. A blank cell keeps the value already recorded."),
        _("CSV files (UTF-8 or GB18030) with the same headers are accepted too."),
    ]
    for note in notes:
        sheet.append([note])
    sheet.append([])
    heading = [_("Column"), _("Required"), _("Explanation"), _("Accepted values"), _("Example")]
    sheet.append(heading)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for column, example in zip(columns, EXAMPLES[kind]):
        values = "、".join(column.labels()) if column.kind in (CHOICE, POSTS) else ""
        if column.kind == DATE:
            values = _("a date")
        sheet.append([column.header, _("Yes") if column.required else "", str(column.help), values, example])
    for letter, width in zip("ABCDE", (16, 8, 60, 60, 24)):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def error_workbook(file, name: str, errors: list[dict]) -> bytes:
    """The user's own rows (their values, never the file itself: none of its formulas, links or macros) with every
    bad cell filled red and commented, and a last column listing each row's errors.

    Written as it is read: the upload through the bounded reader (kernel.core.excel), the workbook in openpyxl's
    write-only mode, so a big upload costs its errors in memory, not its cells. Rows keep their numbers."""
    from openpyxl.cell import WriteOnlyCell

    # A file refused for too many errors was read up to a row: its copy ends there too.
    stop = min((e["row"] for e in errors if e.get("code") == "too_many_errors"), default=None)
    table = read_table(file, name)
    width = len(table.header)
    for number, cells in table.rows:  # first pass: the widest row, so the errors column comes after every value
        if stop is not None and number >= stop:
            break
        width = max(width, len(cells))
    file.seek(0)
    table = read_table(file, name)
    header = {str(value or "").strip(): index for index, value in enumerate(table.header)}
    by_row: dict[int, list[str]] = {}
    marks: dict[tuple[int, int], list[str]] = {}
    for error in errors:
        row, column, message = error["row"], error["column"], str(error["message"])
        by_row.setdefault(row, []).append(f"{column}: {message}" if column else message)
        if column in header:
            marks.setdefault((row, header[column]), []).append(message)

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.column_dimensions[get_column_letter(width + 1)].width = 60

    def cell(value, *, row=0, column=-1, font=None):
        written = safe_cell(WriteOnlyCell(sheet), value)
        messages = marks.get((row, column))
        if messages:
            written.fill = BAD
            written.comment = Comment("\n".join(messages), "jiceng")
        if font is not None:
            written.font = font
        return written

    def line(number, values):
        found = by_row.pop(number, None)
        padded = [*values, *([None] * (width - len(values)))]
        out = [cell(value, row=number, column=index) for index, value in enumerate(padded)]
        if number == 1:
            heading = _("Errors") + ("：" + "；".join(found) if found else "")
            out.append(cell(heading, font=Font(bold=True, color="C00000")))
        elif found:
            out.append(cell("；".join(found), font=Font(color="C00000")))
        sheet.append(out)

    line(1, list(table.header))
    written = 1
    for number, cells in table.rows:
        if stop is not None and number >= stop:
            break
        while written + 1 < number and number - written < 1000:  # blank rows kept, so row numbers match
            written += 1
            line(written, [])
        written = number
        line(number, list(cells))
    for number in sorted(by_row):  # errors on rows not read (a file refused part-way): listed after the last row
        messages = by_row[number]
        sheet.append([*([None] * width), cell(f"{number}: {'；'.join(messages)}", font=Font(color="C00000"))])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

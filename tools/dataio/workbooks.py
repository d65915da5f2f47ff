"""The workbooks users download: blank templates with instructions, and their own upload with errors marked."""
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from kernel.core.excel import is_xlsx, read_table
from kernel.core.xlsx_stream import is_formula_like, safe_cell

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
    """The user's own upload with every bad cell filled red and commented, and a last column listing the errors."""
    head = file.read(4)
    file.seek(0)
    if is_xlsx(name, head):
        book = load_workbook(file, keep_links=False)
        sheet = book.worksheets[0]
        for each in book.worksheets:  # a formula typed in the upload comes back as its text, never computed
            for row in each.iter_rows():
                for cell in row:
                    if cell.data_type == "f" or is_formula_like(cell.value):
                        safe_cell(cell, cell.value if isinstance(cell.value, str) else str(cell.value))
    else:
        table = read_table(file, name)
        book = Workbook()
        sheet = book.active
        for column, value in enumerate(table.header, start=1):
            safe_cell(sheet.cell(row=1, column=column), value)
        for number, cells in table.rows:
            for column, value in enumerate(cells, start=1):
                safe_cell(sheet.cell(row=number, column=column), value)
    header = {str(cell.value or "").strip(): cell.column for cell in sheet[1]}
    extra = sheet.max_column + 1
    sheet.cell(row=1, column=extra, value=_("Errors")).font = Font(bold=True, color="C00000")
    by_row: dict[int, list[str]] = {}
    for error in errors:
        row, column, message = error["row"], error["column"], error["message"]
        by_row.setdefault(row, []).append(f"{column}: {message}" if column else message)
        index = header.get(column)
        if index:
            cell = sheet.cell(row=row, column=index)
            cell.fill = BAD
            text = (cell.comment.text + "\n" if cell.comment else "") + message
            cell.comment = Comment(text, "jiceng")
    for row, messages in by_row.items():
        cell = safe_cell(sheet.cell(row=row, column=extra), "；".join(messages))
        cell.font = Font(color="C00000")
    sheet.column_dimensions[get_column_letter(extra)].width = 60
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

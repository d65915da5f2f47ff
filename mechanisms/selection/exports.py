"""The selected good cadres as a printable xlsx list (openpyxl)."""
import io
from urllib.parse import quote

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from kernel.core.xlsx_stream import safe_cell

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(filename: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(filename)}"


def pool_xlsx(selection, entries) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = str(selection.year)
    safe_cell(sheet.cell(row=1, column=1), selection.name)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells("A1:F1")
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([_("No."), _("Name"), _("Organization"), _("Year"), _("Priority for promotion"),
                  _("Priority for training")])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for number, entry in enumerate(entries, start=1):
        row = sheet.max_row + 1
        values = (number, entry.person.name, entry.person.organization.name, entry.year,
                  _("Yes") if entry.priority_promotion else "", _("Yes") if entry.priority_training else "")
        for column, value in enumerate(values, start=1):
            safe_cell(sheet.cell(row=row, column=column), value)
    for column, width in zip("ABCDEF", (6, 14, 30, 8, 14, 14), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.print_title_rows = "2:2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

"""Workbooks people download, edit and upload back (grades to confirm, scores to enter): the header style,
values written as values, reading an upload without evaluating it, the marked error workbook, and the upload
kept between its preview and its apply.

A value is always written as a value: text that begins with "=" stays text, so a formula typed or pasted into
a cell comes back as the text the user typed and never as something Excel would run.
"""
import io
import uuid
from urllib.parse import quote

from django.core.files.storage import default_storage
from django.http import HttpResponse
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .excel import FileTooLarge, check_workbook
from .xlsx_stream import safe_cell

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEAD = PatternFill("solid", fgColor="C00000")
EDITABLE_HEAD = PatternFill("solid", fgColor="1F6F43")
EDITABLE = PatternFill("solid", fgColor="FFF2CC")
BAD = PatternFill("solid", fgColor="FFC7CE")
ERRORS_HEADER = "错误"  # the last column of an error workbook; an upload may bring it back
MAX_SIZE = 20 * 1024 * 1024


class UnreadableWorkbook(Exception):
    """The upload is not an xlsx workbook (or, as ``WorkbookTooLarge``, one beyond the reading limits)."""


class WorkbookTooLarge(UnreadableWorkbook):
    """The workbook unpacks beyond the limits (kernel.core.excel.ReadLimits); ``message`` says so to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def put(cell, value):
    """Writes ``value`` into ``cell`` as a value (text stays text, even "=…")."""
    return safe_cell(cell, value)


def header_row(sheet, headers, *, editable=(), widths=None) -> None:
    """Bold white headers on row 1 (the ``editable`` ones in green), frozen above the data."""
    for index, header in enumerate(headers, start=1):
        cell = put(sheet.cell(row=1, column=index), header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = EDITABLE_HEAD if header in editable else HEAD
        cell.alignment = Alignment(horizontal="center", vertical="center")
        width = (widths or {}).get(header) or max(10, len(str(header)) * 2 + 4)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"


def open_workbook(file):
    """The uploaded workbook, read-only, formulas as their text (nothing is evaluated)."""
    head = file.read(4)
    file.seek(0)
    if head[:2] != b"PK":
        raise UnreadableWorkbook("not a zip archive")
    try:
        check_workbook(file)
    except FileTooLarge as exc:
        raise WorkbookTooLarge(exc.message) from exc
    try:
        return load_workbook(file, read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises anything from KeyError to its own errors
        raise UnreadableWorkbook(str(exc)) from exc


def error_workbook(header, rows, errors, *, title: str, decorate=None, editable=(), widths=None) -> bytes:
    """A new workbook with the uploaded values (never the uploaded file itself, so none of its formulas,
    links or macros) and the errors marked: each bad cell red with its message as a comment, and a last
    column listing each row's errors.

    ``rows`` are (row number, values) as read, kept on their own row numbers; ``errors`` are dicts with
    ``row``, ``column`` (a header, or "" for the whole row) and ``message``; ``decorate(book, sheet)`` adds
    what the format needs besides (lists, instructions, hidden sheets); ``editable`` and ``widths`` as for
    ``header_row``.
    """
    book = Workbook()
    sheet = book.active
    sheet.title = title
    header = [value for value in header if value != ERRORS_HEADER]
    header_row(sheet, header, editable=editable, widths=widths)
    for number, values in rows:
        for index, value in enumerate(values[:len(header)], start=1):
            if value not in (None, ""):
                put(sheet.cell(row=number, column=index), value)
    if decorate:
        decorate(book, sheet)
    columns = {str(name): index for index, name in enumerate(header, start=1)}
    extra = len(header) + 1
    cell = put(sheet.cell(row=1, column=extra), ERRORS_HEADER)
    cell.font = Font(bold=True, color="C00000")
    sheet.column_dimensions[get_column_letter(extra)].width = 60
    by_row: dict[int, list[str]] = {}
    for error in errors:
        row, column, message = max(error.get("row") or 1, 1), error.get("column") or "", error["message"]
        by_row.setdefault(row, []).append(f"{column}: {message}" if column else message)
        if column in columns:
            bad = sheet.cell(row=row, column=columns[column])
            bad.fill = BAD
            bad.comment = Comment((bad.comment.text + "\n" if bad.comment else "") + message, "jiceng")
    for row, messages in by_row.items():
        put(sheet.cell(row=row, column=extra), "；".join(messages)).font = Font(color="C00000")
    return save(book)


def save(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def attachment(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


# An upload between its preview and its apply: a file in default_storage, named only in the session, so it is
# reachable from this session alone and needs no model. A new upload under the same key replaces the last.

def _session_key(key: str) -> str:
    return f"workbook-upload:{key}"


def stash(request, key: str, upload, *, folder: str, **info) -> dict:
    """Keeps ``upload`` as ``folder/<uuid>.xlsx``; ``info`` (JSON-ready) is remembered with it."""
    discard(request, key)
    upload.seek(0)
    name = default_storage.save(f"{folder}/{uuid.uuid4().hex}.xlsx", upload)
    entry = {**info, "name": name}
    request.session[_session_key(key)] = entry
    return entry


def stashed(request, key: str) -> dict | None:
    """What ``stash`` remembered, while its file is still there."""
    entry = request.session.get(_session_key(key))
    if not entry or not default_storage.exists(entry["name"]):
        return None
    return entry


def open_stashed(entry: dict):
    return default_storage.open(entry["name"], "rb")


def discard(request, key: str) -> None:
    entry = request.session.pop(_session_key(key), None)
    if entry and default_storage.exists(entry["name"]):
        default_storage.delete(entry["name"])

"""A streamed xlsx writer: rows go out as they come, so memory stays flat however many there are.

The workbook is written by hand as a zip of XML parts: strings inline (no shared-string table to
hold in memory), numbers as numbers, dates as serial numbers with a date style. Rows carry their
number; cells after the header take their column from their place in the row (the reference is
optional in the format, and leaving it out halves the time per cell). A sheet that reaches Excel's
row limit continues on a new sheet with the header repeated.

No cell is ever written as a formula. Text that a spreadsheet would take for one when edited
(beginning with =, +, -, @, a tab or a carriage return) also gets the quote-prefix style, as if
typed with a leading apostrophe.
"""
import datetime
import decimal
import re
import zipfile
from collections.abc import Iterable, Iterator
from itertools import chain, islice
from xml.sax.saxutils import escape, quoteattr

EXCEL_MAX_ROWS = 1_048_576
SHEET_TITLE_MAX = 31
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
BATCH_ROWS = 500

_EPOCH = datetime.date(1899, 12, 30)
_EPOCH_DATETIME = datetime.datetime(1899, 12, 30)
# Characters XML 1.0 cannot hold at all, and those that need escaping.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

# Cell styles (indexes into cellXfs of styles.xml).
STYLE_DATE, STYLE_DATETIME, STYLE_TEXT_AS_TYPED, STYLE_HEADER = 1, 2, 3, 4


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet could take ``text`` for a formula (CSV import, or editing the cell)."""
    return isinstance(text, str) and text.startswith(FORMULA_TRIGGERS)


def safe_cell(cell, value):
    """Sets an openpyxl cell to ``value`` so that text never becomes a formula; returns the cell.

    openpyxl takes any string starting with "=" for a formula; here it stays text, marked as typed
    with a leading apostrophe, so Excel keeps it text when the cell is edited.
    """
    cell.value = value
    if is_formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def append_row(sheet, values, *, header: bool = False):
    """Appends ``values`` to an openpyxl ``sheet`` as a row of formula-safe cells, bold when ``header``."""
    from openpyxl.styles import Font

    sheet.append([None] * len(values))
    row = sheet.max_row
    for column, value in enumerate(values, start=1):
        cell = safe_cell(sheet.cell(row=row, column=column), value)
        if header:
            cell.font = Font(bold=True)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _clean_text(text: str) -> str:
    # A carriage return must be a character reference: XML parsers turn a literal one into a line feed.
    return escape(_ILLEGAL.sub("", text), {"\r": "&#13;"})


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


class XlsxWriter:
    """Writes one workbook of one kind of row to ``fileobj`` (seekable or not).

    ``header`` names the columns; every row is a sequence of the same length whose values are
    str, int, float, Decimal, bool, date, datetime or None (anything else is written as its str()).
    """

    def __init__(self, fileobj, header: list, *, title: str = "Sheet", widths: list | None = None,
                 max_rows: int | None = None, compresslevel: int = 1):
        self.header = [str(h) for h in header]
        self.title = _SHEET_TITLE_FORBIDDEN.sub(" ", str(title)).strip() or "Sheet"
        self.widths = widths or [min(max(_display_width(h) + 2, 10), 60) for h in self.header]
        self.max_rows = max_rows or EXCEL_MAX_ROWS
        if self.max_rows < 2:
            raise ValueError("a sheet must hold the header and at least one row")
        self._letters = [column_letter(i) for i in range(len(self.header))]
        self._zip = zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel)
        self._sheet_titles: list[str] = []
        self._date_cells: dict = {None: "<c/>"}
        self._sheet = None
        self._row = 0  # the last row number written on the current sheet
        self.rows_written = 0

    # --- rows ---------------------------------------------------------------------------------------------------

    def write_rows(self, rows: Iterable) -> int:
        """Writes the rows, starting new sheets as they fill up; returns how many were written."""
        written = 0
        rows = iter(rows)
        while True:
            sheet_full = self._sheet is None or self._row >= self.max_rows
            room = min(BATCH_ROWS, self.max_rows - (1 if sheet_full else self._row))
            batch = list(islice(rows, room))
            if not batch:
                break
            if sheet_full:
                self._start_sheet()
            self._sheet.write(self._batch_xml(self._row + 1, batch).encode("utf-8"))
            self._row += len(batch)
            written += len(batch)
        self.rows_written += written
        return written

    def _batch_xml(self, first: int, batch: list) -> str:
        """Rows ``first``… as XML, built a column at a time: one check of a column's distinct values finds
        the rare ones that need escaping or the quote prefix, and a value that repeats is formatted once."""
        width = len(self._letters)
        columns = zip(*(row if len(row) == width else _fit(row, width) for row in batch))
        cells = [_column_xml(column, self._date_cells) for column in columns]
        starts = [f'<row r="{n}">' for n in range(first, first + len(batch))]
        ends = ["</row>"] * len(batch)
        return "".join(chain.from_iterable(zip(starts, *cells, ends)))

    @property
    def sheet_count(self) -> int:
        return len(self._sheet_titles)

    # --- sheets -------------------------------------------------------------------------------------------------

    def _start_sheet(self) -> None:
        self._end_sheet()
        number = len(self._sheet_titles) + 1
        suffix = "" if number == 1 else f" ({number})"
        self._sheet_titles.append(self.title[: SHEET_TITLE_MAX - len(suffix)] + suffix)
        self._sheet = self._zip.open(f"xl/worksheets/sheet{number}.xml", "w")
        cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                       for i, w in enumerate(self.widths, start=1))
        self._sheet.write((
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheetViews><sheetView workbookViewId="0"'
            + (' tabSelected="1"' if number == 1 else "")
            + '><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
            '<sheetFormatPr defaultRowHeight="15"/>'
            + (f"<cols>{cols}</cols>" if cols else "")
            + "<sheetData>"
        ).encode("utf-8"))
        header = "".join(
            f'<c r="{letter}1" t="inlineStr" s="{STYLE_HEADER}"><is><t xml:space="preserve">{_clean_text(h)}</t></is></c>'
            for letter, h in zip(self._letters, self.header))
        self._sheet.write(f'<row r="1">{header}</row>'.encode())
        self._row = 1

    def _end_sheet(self) -> None:
        if self._sheet is not None:
            self._sheet.write(b"</sheetData></worksheet>")
            self._sheet.close()
            self._sheet = None

    # --- the workbook around the sheets -------------------------------------------------------------------------

    def close(self) -> None:
        if self._sheet is None and not self._sheet_titles:
            self._start_sheet()  # an empty export still has its header
        self._end_sheet()
        count = len(self._sheet_titles)
        write = self._zip.writestr
        write("xl/workbook.xml", _workbook_xml(self._sheet_titles))
        write("xl/_rels/workbook.xml.rels", _workbook_rels(count))
        write("xl/styles.xml", _STYLES)
        write("_rels/.rels", _ROOT_RELS)
        write("[Content_Types].xml", _content_types(count))
        self._zip.close()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.close()
        else:
            self._zip.close()


def _fit(row, width: int) -> tuple:
    row = tuple(row)[:width]
    return row + (None,) * (width - len(row))


_DATE_ORDINAL_EPOCH = _EPOCH.toordinal()
_NONE = type(None)
_TEXT_KINDS = {str, _NONE}
_PLAIN_NUMBER_KINDS = ({int}, {int, _NONE})
_DATE_KINDS = ({datetime.date}, {datetime.date, _NONE})
# In a column's values joined by newlines: a character to escape or drop, or a value that starts like a formula.
_COLUMN_CARE = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|\n[=+\\-@\t\r]")
# A writer keeps the date cells it has formatted: a registry's dates repeat (some 25,000 days cover every
# birth since 1940).
_DATE_CELLS_MAX = 60_000
_CELL_CARE = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|^[=+\\-@\t\r]")


def _column_xml(values: tuple, date_cells: dict) -> list[str]:
    try:
        distinct = set(values)
    except TypeError:  # an unhashable value: the slow path
        return [_cell_xml(v) for v in values]
    kinds = set(map(type, distinct))
    few = len(distinct) * 2 <= len(values)  # then each distinct value is formatted once
    if kinds <= _TEXT_KINDS and not _COLUMN_CARE.search("\n" + "\n".join([v for v in distinct if v])):
        if few:
            cells = {v: f'<c t="inlineStr"><is><t xml:space="preserve">{v}</t></is></c>' if v else "<c/>"
                     for v in distinct}
            return list(map(cells.__getitem__, values))
        return [f'<c t="inlineStr"><is><t xml:space="preserve">{v}</t></is></c>' if v else "<c/>" for v in values]
    if kinds in _DATE_KINDS:
        cells = date_cells
        missing = distinct.difference(cells)
        if missing:
            if len(cells) + len(missing) > _DATE_CELLS_MAX:
                cells.clear()
                cells[None] = "<c/>"
                missing = distinct - {None}
            epoch = _DATE_ORDINAL_EPOCH
            cells.update({v: f'<c s="{STYLE_DATE}"><v>{v.toordinal() - epoch}</v></c>' for v in missing})
        return list(map(cells.__getitem__, values))
    if kinds in _PLAIN_NUMBER_KINDS and not few:
        return [f"<c><v>{v}</v></c>" if v is not None else "<c/>" for v in values]
    cells = {v: _cell_xml(v) for v in distinct}
    return list(map(cells.__getitem__, values))


def _cell_xml(value) -> str:
    kind = type(value)
    if value is None or value == "":
        return "<c/>"
    if kind is str and not _CELL_CARE.search(value):
        return f'<c t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>'
    if kind is bool:
        return f'<c t="b"><v>{int(value)}</v></c>'
    if kind is int or (kind is float and value - value == 0) or (kind is decimal.Decimal and value.is_finite()):
        return f"<c><v>{value}</v></c>"
    if kind is datetime.date:
        return f'<c s="{STYLE_DATE}"><v>{value.toordinal() - _DATE_ORDINAL_EPOCH}</v></c>'
    if kind is datetime.datetime:
        if value.tzinfo is not None:
            value = value.astimezone().replace(tzinfo=None)
        return f'<c s="{STYLE_DATETIME}"><v>{(value - _EPOCH_DATETIME).total_seconds() / 86400!r}</v></c>'
    text = _ILLEGAL.sub("", str(value))
    if not text:
        return "<c/>"
    style = f' s="{STYLE_TEXT_AS_TYPED}"' if text.startswith(FORMULA_TRIGGERS) else ""
    return f'<c t="inlineStr"{style}><is><t xml:space="preserve">{_clean_text(text)}</t></is></c>'


def write_xlsx(fileobj, header: list, rows: Iterable, **options) -> int:
    """Writes a whole workbook to ``fileobj``; returns the number of data rows."""
    with XlsxWriter(fileobj, header, **options) as writer:
        writer.write_rows(rows)
    return writer.rows_written


class _Drain:
    """A write-only file whose bytes are taken away as they arrive (zipfile streams to it)."""

    def __init__(self):
        self.chunks: list[bytes] = []

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def iter_xlsx(header: list, rows: Iterable, *, chunk_rows: int = 2000, **options) -> Iterator[bytes]:
    """The workbook as a stream of byte chunks, for a StreamingHttpResponse."""
    drain = _Drain()
    writer = XlsxWriter(drain, header, **options)
    rows = iter(rows)
    while True:
        batch = [row for _, row in zip(range(chunk_rows), rows)]
        if batch:
            writer.write_rows(batch)
        if len(batch) < chunk_rows:
            break
        data = drain.take()
        if data:
            yield data
    writer.close()
    yield drain.take()


# --- fixed parts ------------------------------------------------------------------------------------------------

_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)

_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy\\-mm\\-dd\\ hh:mm"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFF2F2F2"/><bgColor indexed="64"/></patternFill></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" quotePrefix="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'
    '</cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>'
)


def _workbook_xml(titles: list[str]) -> str:
    sheets = "".join(f'<sheet name={quoteattr(title)} sheetId="{i}" r:id="rId{i}"/>'
                     for i, title in enumerate(titles, start=1))
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<bookViews><workbookView activeTab="0"/></bookViews><sheets>{sheets}</sheets></workbook>'
    )


def _workbook_rels(count: int) -> str:
    sheets = "".join(
        f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, count + 1))
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'{sheets}<Relationship Id="rId{count + 1}" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        '</Relationships>'
    )


def _content_types(count: int) -> str:
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, count + 1))
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        f'{sheets}</Types>'
    )

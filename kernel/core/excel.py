"""Reading spreadsheets people fill in by hand: xlsx or CSV, loose headers, dates in many spellings.

The importers (dataio) read through these helpers; the streamed writer lives in core/xlsx_stream.py.
"""
import codecs
import csv
import datetime
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .xlsx_read import EXCEL_EPOCH, Limits, Workbook, XlsxError, XlsxTooLarge, check_archive

_HEADER_NOISE = re.compile(r"[\s\u3000*＊:：]+")
_DATE_PATTERNS = [
    re.compile(r"(?P<y>\d{4})\s*[-/.]\s*(?P<m>\d{1,2})\s*[-/.]\s*(?P<d>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]?"),
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"),
    re.compile(r"(?P<y>\d{4})\s*[-/.]\s*(?P<m>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月?"),
]
_FULL_WIDTH = str.maketrans("０１２３４５６７８９－／．", "0123456789-/.")


class UnreadableFile(Exception):
    """The upload is neither a readable xlsx workbook nor a CSV file."""


class FileTooLarge(UnreadableFile):
    """The upload exceeds one of the reading limits; ``message`` says which, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ReadLimits:
    """What an uploaded sheet may hold (settings ``IMPORT_MAX_*``): data rows, columns, characters in a cell, and
    for a workbook the bytes of its parts once unzipped (a small zip can unpack to gigabytes)."""

    rows: int
    columns: int
    cell: int
    uncompressed: int

    @classmethod
    def from_settings(cls) -> "ReadLimits":
        return cls(rows=settings.IMPORT_MAX_ROWS, columns=settings.IMPORT_MAX_COLUMNS,
                   cell=settings.IMPORT_MAX_CELL_CHARS, uncompressed=settings.IMPORT_MAX_UNCOMPRESSED_BYTES)

    def xlsx(self) -> Limits:
        # The shared strings part may take an eighth of the unpacked size (each string costs ~60 bytes of memory); a row's XML, a few times its largest cell.
        return Limits(uncompressed=self.uncompressed, strings=self.uncompressed // 8, cell=self.cell,
                      row=max(4 * self.cell, 1 << 20) + 64 * self.columns, columns=self.columns)

    def too_large(self, what: str) -> FileTooLarge:
        megabytes = max(1, self.uncompressed // (1 << 20))
        messages = {
            "rows": ngettext("The file has more than %(n)d data row; split it into smaller files.",
                             "The file has more than %(n)d data rows; split it into smaller files.",
                             self.rows) % {"n": self.rows},
            "columns": _("A row has values beyond column %(n)d; only the template's columns are read.")
            % {"n": self.columns},
            "cell": _("A cell holds more than %(n)d characters.") % {"n": self.cell},
            "uncompressed": _("The workbook unpacks to more than %(mb)d MB; save it again from Excel, or split it.")
            % {"mb": megabytes},
        }
        messages["strings"] = messages["uncompressed"]
        messages["row"] = messages["cell"]
        return FileTooLarge(messages[what])


def normalize_header(text) -> str:
    """A header as typed, reduced for matching: no spaces, no required-marks, no colons, parentheses unified."""
    text = str(text or "").replace("（", "(").replace("）", ")")
    return _HEADER_NOISE.sub("", text).lower()


def clean_text(value) -> str:
    """A cell as text: numbers without a trailing .0, surrounding spaces removed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).replace("\u3000", " ").strip()


def parse_date(value) -> datetime.date | None:
    """A date from a cell: a date cell, an Excel serial number, or text such as 2015-06-01, 2015/6/1,
    2015.06 (the first of the month), 2015年6月1日 or 2015年6月. Blank is None; nonsense raises ValueError.
    """
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raise ValueError(value)
    text = str(value).strip()
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            pass
    text = text.translate(_FULL_WIDTH)
    if not text:
        return None
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text) or (pattern.fullmatch(text.split(" ")[0]) if " " in text else None)
        if match:
            parts = match.groupdict()
            return datetime.date(int(parts["y"]), int(parts["m"]), int(parts.get("d") or 1))
    raise ValueError(text)


def is_xlsx(name: str, head: bytes) -> bool:
    return head[:2] == b"PK" or name.lower().endswith((".xlsx", ".xlsm"))


@dataclass
class Table:
    header: list
    rows: Iterator[tuple[int, list]]  # (spreadsheet row number, cell values)
    estimated_rows: int  # for progress bars: data rows, roughly


def read_table(file, name: str = "", limits: ReadLimits | None = None) -> Table:
    """The header and data rows of the first sheet, or of the CSV file, within ``limits`` (the settings' when None).

    Blank rows are skipped; row numbers are those the user sees in Excel (the header is row 1). A file beyond the
    limits raises FileTooLarge, at the start or while its rows are read.
    """
    limits = limits or ReadLimits.from_settings()
    head = file.read(4)
    file.seek(0)
    if is_xlsx(name, head):
        rows, estimate = _xlsx_rows(file, limits)
    else:
        estimate = sum(chunk.count(b"\n") for chunk in iter(lambda: file.read(1 << 20), b""))
        file.seek(0)
        rows = enumerate(_csv_rows(file, limits), start=1)
    try:
        _number, header = next(rows)
    except StopIteration:
        return Table([], iter(()), 0)
    return Table(list(header), _filled(rows, limits), max(estimate - 1, 0))


def check_workbook(file, limits: ReadLimits | None = None) -> None:
    """Raises FileTooLarge when an uploaded workbook unpacks beyond the limits: call it before openpyxl reads one
    (openpyxl holds a workbook's shared strings, or all of it, in memory). ``file`` is a file or bytes."""
    limits = limits or ReadLimits.from_settings()
    stream = io.BytesIO(file) if isinstance(file, (bytes, bytearray)) else file
    try:
        check_archive(stream, limits.xlsx())
    except XlsxTooLarge as exc:
        raise limits.too_large(exc.what) from exc


def _filled(rows, limits: ReadLimits) -> Iterator[tuple[int, list]]:
    count = 0
    for number, row in rows:
        if any(cell not in (None, "") for cell in row):
            count += 1
            if count > limits.rows:
                raise limits.too_large("rows")
            yield number, list(row)


def _xlsx_rows(file, limits: ReadLimits) -> tuple[Iterator[tuple[int, list]], int]:
    """The first sheet's rows as (row number, values), read by kernel.core.xlsx_read (values as openpyxl gives them)."""

    try:
        workbook = Workbook(file, limits.xlsx())
        estimate = workbook.dimension_rows()
    except XlsxTooLarge as exc:
        raise limits.too_large(exc.what) from exc
    except XlsxError as exc:
        raise UnreadableFile(str(exc)) from exc

    def rows():
        try:
            yield from workbook.rows()
        except XlsxTooLarge as exc:
            raise limits.too_large(exc.what) from exc
        except XlsxError as exc:
            raise UnreadableFile(str(exc)) from exc
        finally:
            workbook.close()

    return rows(), estimate


def _bounded_lines(text, limits: ReadLimits) -> Iterator[str]:
    """The lines of a CSV file, each read at most a row's worth at a time: one line of hundreds of megabytes is
    refused before it is held whole."""
    most = limits.cell * 4 + limits.columns * 64 + 1024
    while True:
        line = text.readline(most + 1)
        if not line:
            return
        if len(line) > most:
            raise limits.too_large("cell")
        yield line


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without a byte-order mark) when the bytes decode as UTF-8, otherwise GB18030."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


def _csv_rows(file, limits: ReadLimits) -> Iterator[list]:
    sample = file.read(65536)
    file.seek(0)
    encoding = detect_encoding(sample)
    text = io.TextIOWrapper(file, encoding=encoding, newline="")
    try:
        dialect = csv.Sniffer().sniff(sample.decode(encoding, errors="ignore").split("\n", 1)[0], ",\t;")
    except csv.Error:
        dialect = csv.excel

    def rows():
        previous = csv.field_size_limit(limits.cell + 1)
        try:
            for row in csv.reader(_bounded_lines(text, limits), dialect):
                if len(row) > limits.columns and any(row[limits.columns:]):
                    raise limits.too_large("columns")
                for cell in row:
                    if len(cell) > limits.cell:
                        raise limits.too_large("cell")
                yield row
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise limits.too_large("cell") from exc
            raise UnreadableFile(str(exc)) from exc
        except UnicodeDecodeError as exc:
            raise UnreadableFile(str(exc)) from exc
        finally:
            csv.field_size_limit(previous)
            text.detach()

    return rows()

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

from .xlsx_read import EXCEL_EPOCH, Workbook, XlsxError

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


def read_table(file, name: str = "") -> Table:
    """The header and data rows of the first sheet, or of the CSV file.

    Blank rows are skipped; row numbers are those the user sees in Excel (the header is row 1).
    """
    head = file.read(4)
    file.seek(0)
    if is_xlsx(name, head):
        rows, estimate = _xlsx_rows(file)
    else:
        estimate = sum(chunk.count(b"\n") for chunk in iter(lambda: file.read(1 << 20), b""))
        file.seek(0)
        rows = enumerate(_csv_rows(file), start=1)
    try:
        _number, header = next(rows)
    except StopIteration:
        return Table([], iter(()), 0)
    return Table(list(header), _filled(rows), max(estimate - 1, 0))


def _filled(rows) -> Iterator[tuple[int, list]]:
    for number, row in rows:
        if any(cell not in (None, "") for cell in row):
            yield number, list(row)


def _xlsx_rows(file) -> tuple[Iterator[tuple[int, list]], int]:
    """The first sheet's rows as (row number, values), read by kernel.core.xlsx_read (values as openpyxl gives them)."""

    try:
        workbook = Workbook(file)
        estimate = workbook.dimension_rows()
    except XlsxError as exc:
        raise UnreadableFile(str(exc)) from exc

    def rows():
        try:
            yield from workbook.rows()
        except XlsxError as exc:
            raise UnreadableFile(str(exc)) from exc
        finally:
            workbook.close()

    return rows(), estimate


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without a byte-order mark) when the bytes decode as UTF-8, otherwise GB18030."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


def _csv_rows(file) -> Iterator[list]:
    sample = file.read(65536)
    file.seek(0)
    encoding = detect_encoding(sample)
    text = io.TextIOWrapper(file, encoding=encoding, newline="")
    try:
        dialect = csv.Sniffer().sniff(sample.decode(encoding, errors="ignore").split("\n", 1)[0], ",\t;")
    except csv.Error:
        dialect = csv.excel

    def rows():
        try:
            yield from csv.reader(text, dialect)
        except (UnicodeDecodeError, csv.Error) as exc:
            raise UnreadableFile(str(exc)) from exc
        finally:
            text.detach()

    return rows()

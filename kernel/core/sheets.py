"""Reading a sheet people fill in by hand against its declared columns: each column's header, aliases and
accepted values (``Column``), the header row mapped, each cell read and checked, errors kept by row and column
(``RowError``) in the plan shown before anything is written (``Plan``). The registries' imports (dataio) and
the account import (accounts) read their files through it."""
import datetime
import decimal
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from .excel import FileTooLarge, UnreadableFile, clean_text, normalize_header, parse_date, read_table

TEXT, DATE, CHOICE, POSTS = "text", "date", "choice", "posts"


def _plain(value) -> str:
    return normalize_header(value).replace("(", "").replace(")", "")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    help: str
    kind: str = TEXT
    required: bool = False
    choices: tuple = ()  # (code, label) pairs
    aliases: tuple = ()  # other headers meaning the same
    value_aliases: dict = field(default_factory=dict)  # other spellings of values -> code
    max_length: int = 0

    @cached_property
    def lookup(self) -> dict:
        """Every accepted spelling of every value, reduced by ``_plain``, to its code."""
        table = {}
        for code, label in self.choices:
            for language in ("en", "zh-hans"):
                with translation.override(language):
                    text = str(label)
                table[_plain(text)] = code
                base = text.split("（")[0].split("(")[0]
                table[_plain(base)] = code
            table[_plain(code)] = code
            table[code] = code
            with translation.override("zh-hans"):
                table[str(label)] = code
        for alias, code in self.value_aliases.items():
            table[_plain(alias)] = code
        return table

    def to_code(self, text: str) -> str | None:
        code = self.lookup.get(text)  # the common case: a label exactly as offered
        return code if code is not None else self.lookup.get(_plain(text))

    def labels(self) -> list[str]:
        """The Chinese labels offered in the template's dropdowns and instructions."""
        with translation.override("zh-hans"):
            return [str(label) for _code, label in self.choices]


def header_map(columns, header_cells) -> tuple[dict, list]:
    """{column key: cell index} for the headers recognised, and the headers not recognised."""
    names = {}
    for column in columns:
        for name in (column.header, *column.aliases):
            names[normalize_header(name)] = column.key
    found, unknown = {}, []
    for index, cell in enumerate(header_cells):
        key = names.get(normalize_header(cell))
        if key and key not in found:
            found[key] = index
        elif str(cell or "").strip():
            unknown.append(str(cell))
    return found, unknown


PREVIEW_ROWS = 20
PROGRESS_EVERY = 5000


@dataclass
class RowError:
    row: int
    column: str
    code: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "code": self.code, "message": str(self.message)}


@dataclass
class Plan:
    """What an import would do: rows to create, update (with the fields that change) and leave alone."""

    kind: str
    total: int = 0
    errors: list = field(default_factory=list)  # of RowError
    counts: dict = field(default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0})
    samples: dict = field(default_factory=lambda: {"created": [], "updated": [], "unchanged": []})
    writes: object = None  # the importer's own payload for apply

    @property
    def ok(self) -> bool:
        return not self.errors

    def note(self, action: str, row: int, label: str, fields=()) -> None:
        self.counts[action] += 1
        if len(self.samples[action]) < PREVIEW_ROWS:
            self.samples[action].append({"row": row, "label": label, "fields": [str(f) for f in fields]})

    def error_dicts(self) -> list[dict]:
        return [e.as_dict() for e in sorted(self.errors, key=lambda e: (e.row, e.column))]

    def summary(self) -> dict:
        return {"kind": self.kind, "total": self.total, "counts": dict(self.counts), "samples": self.samples,
                "errors": self.error_dicts()}


def no_progress(done, total, phase=""):
    return None


class Sheet:
    """The rows of an upload, with its headers mapped to the importer's columns and each cell cleaned."""

    def __init__(self, file, name, columns, plan: Plan):
        self.columns = {c.key: c for c in columns}
        self.plan = plan
        self.header = []
        try:
            table = read_table(file, name)
        except FileTooLarge as exc:
            plan.errors.append(RowError(1, "", "too_large", exc.message))
            self.rows, self.index, self.estimated = iter(()), {}, 0
            return
        except UnreadableFile:
            plan.errors.append(RowError(1, "", "unreadable", _("The file is not a readable xlsx workbook or CSV file.")))
            self.rows, self.index, self.estimated = iter(()), {}, 0
            return
        self.header = [clean_text(cell) for cell in table.header]
        self.index, _unknown = header_map(columns, table.header)
        self.rows, self.estimated = self._guarded(table.rows), table.estimated_rows
        for column in columns:
            if column.required and column.key not in self.index:
                plan.errors.append(RowError(1, column.header, "missing_column",
                                            _("The column %(column)s is missing.") % {"column": column.header}))
        if not self.header:
            plan.errors.append(RowError(1, "", "empty", _("The file is empty.")))

    def _guarded(self, rows):
        """The rows until the file turns out too large or unreadable part-way: then the plan has the error (the
        importer writes nothing when there is one) and the rows end."""
        last = 1
        most = settings.IMPORT_MAX_ERRORS
        try:
            for number, cells in rows:
                if len(self.plan.errors) >= most:  # the file is refused anyway: the first errors say what to mend
                    self.plan.errors.append(RowError(number, "", "too_many_errors", _(
                        "More than %(n)d errors: the file was read up to row %(row)d. Correct these and upload it "
                        "again.") % {"n": most, "row": number - 1}))
                    return
                last = number
                yield number, cells
        except FileTooLarge as exc:
            self.plan.errors.append(RowError(last + 1, "", "too_large", exc.message))
        except UnreadableFile:
            self.plan.errors.append(RowError(last + 1, "", "unreadable",
                                             _("The file is not a readable xlsx workbook or CSV file.")))

    def heading(self, key: str) -> str:
        """The column's header as the file spells it, so that errors point at the user's own column."""
        index = self.index.get(key)
        return self.header[index] if index is not None else self.columns[key].header

    def has(self, key: str) -> bool:
        return key in self.index

    def cells(self, cells: list) -> dict:
        size = len(cells)
        return {key: cells[i] if i < size else None for key, i in self.index.items()}

    def error(self, row: int, key: str, code: str, message) -> None:
        self.plan.errors.append(RowError(row, self.heading(key) if key else "", code, str(message)))

    def value(self, row: int, raw: dict, key: str):
        """The cleaned value of one cell: text, a date or a choice code; None when blank or wrong (and noted)."""
        column = self.columns[key]
        cell = raw.get(key)
        if column.kind == DATE:
            try:
                value = parse_date(cell)
            except (ValueError, OverflowError):
                self.error(row, key, "date", _("%(value)s is not a date: write it as 2015-06-01.") % {
                    "value": clean_text(cell)})
                return None
            if value is None and column.required:
                self.error(row, key, "required", _("This column must be filled in."))
            elif value is not None and not 1900 <= value.year <= 2100:
                self.error(row, key, "date", _("%(value)s is not a date: write it as 2015-06-01.") % {
                    "value": clean_text(cell)})
                return None
            return value
        text = clean_text(cell)
        if not text:
            if column.required:
                self.error(row, key, "required", _("This column must be filled in."))
            return None
        if column.kind == CHOICE:
            code = column.to_code(text)
            if code is None:
                self.error(row, key, "choice", _("%(value)s is not one of: %(choices)s.") % {
                    "value": text, "choices": "、".join(column.labels())})
            return code
        if column.max_length and len(text) > column.max_length:
            self.error(row, key, "too_long", _("At most %(n)d characters.") % {"n": column.max_length})
            return None
        return text

    def service_errors(self, row: int, exc: ValidationError, default_key: str) -> None:
        """A service's ValidationError, each message on the column of the field it names."""
        items = exc.error_dict.items() if hasattr(exc, "error_dict") else [(default_key, exc.error_list)]
        for name, errors in items:
            key = name if name in self.columns and self.has(name) else default_key
            for error in errors:
                for message in error.messages:
                    self.error(row, key, error.code or "invalid", message)


def jsonable(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value

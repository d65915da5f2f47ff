"""What both importers share: row errors, the plan they show before writing, and bulk change records."""
import datetime
import decimal
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import current_actor
from core.excel import UnreadableFile, clean_text, parse_date, read_table
from core.models import ChangeRecord

from . import store
from .columns import CHOICE, DATE, header_map

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
        try:
            table = read_table(file, name)
        except UnreadableFile:
            plan.errors.append(RowError(1, "", "unreadable", _("The file is not a readable xlsx workbook or CSV file.")))
            self.rows, self.index, self.estimated = iter(()), {}, 0
            return
        self.header = [clean_text(cell) for cell in table.header]
        self.index, _unknown = header_map(columns, table.header)
        self.rows, self.estimated = table.rows, table.estimated_rows
        for column in columns:
            if column.required and column.key not in self.index:
                plan.errors.append(RowError(1, column.header, "missing_column",
                                            _("The column %(column)s is missing.") % {"column": column.header}))
        if not self.header:
            plan.errors.append(RowError(1, "", "empty", _("The file is empty.")))

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


class ChangeLog:
    """Change records written in bulk, shaped exactly as core.changelog.record_change writes them one by one."""

    def __init__(self):
        self.actor = current_actor()
        self.user_id = getattr(self.actor.user, "pk", None)
        self.rows: list[dict] = []
        self.now = timezone.now()

    def add(self, model, action: str, row: dict, *, before: dict | None = None, repr_: str, path: str,
            message: str = "") -> None:
        after = {k: jsonable(v) for k, v in row.items() if k not in ("created_at", "updated_at")}
        if before is not None:
            before = {k: jsonable(v) for k, v in before.items()}
            changed = [k for k in after if before.get(k) != after[k]]
            before = {k: before.get(k) for k in changed}
            after = {k: after[k] for k in changed}
        self.rows.append({
            "time": self.now, "user": self.user_id, "source": self.actor.source,
            "request_id": self.actor.request_id, "action": action,
            "content_type": ContentType.objects.get_for_model(model).pk, "object_id": row["id"],
            "object_repr": repr_[:200], "org_path": path, "before": before, "after": after, "message": message[:500],
        })

    def write(self) -> None:
        ids = store.reserve_ids(ChangeRecord, len(self.rows))
        for pk, row in zip(ids, self.rows):
            row["id"] = pk
        store.write(ChangeRecord, self.rows)

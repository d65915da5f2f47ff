"""Score workbooks (评分表): one rater group's scores of many subjects as an xlsx, and back.

A workbook holds, on its first sheet, a row per score sheet the user may score (``scorable_sheets``) and a
column per item; a hidden "meta" sheet names the assessment, the version, the rater group and a fingerprint
of the item columns, so that a workbook is only ever read back into what it was made for. Reading it back
checks every cell with the engine's own rule (``services.score_value``) and plans the changes; nothing is
written unless every cell is right (``workbook_apply``). Uploads are read with kernel.core.xlsx_read (the first sheet,
streamed) and openpyxl's read-only mode (the small meta sheet only).
"""
import datetime
import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from kernel.core.changelog import record_change
from kernel.core.excel import FileTooLarge, check_workbook
from kernel.core.models import ChangeRecord
from kernel.core.tree import subtree_q
from kernel.core.workbook_upload import BAD
from kernel.core.xlsx_read import Workbook as XlsxReader
from kernel.core.xlsx_read import XlsxError
from kernel.core.xlsx_stream import is_formula_like, safe_cell
from kernel.orgs.models import Organization

from . import services
from .counting import counted_entries, counted_text, same_entry
from .models import Assessment, Evidence, Item, ItemKind, ItemScore, RaterGroup, Sheet
from .sources import source_for

FORMAT = "jiceng-score-workbook/1"
SCORE_SHEET, META_SHEET, HELP_SHEET, ERROR_SHEET = "评分", "meta", "说明", "错误"
FIXED_HEADERS = ("表号", "名称", "代码", "所属乡镇")
REASON_HEADER = "改动计数的理由"
SOURCED_MARK = "（台账计数）"
YES, NO = "是", "否"
HEADER_ROWS = 3
FIRST_ITEM_COLUMN = len(FIXED_HEADERS) + 1  # E
MAX_ERRORS = 2000  # listed; a file with more is refused all the same
HEAD_FILL = PatternFill("solid", fgColor="C00000")
BAND_FILL = PatternFill("solid", fgColor="F2DCDB")
SOURCED_FILL = PatternFill("solid", fgColor="DDEBF7")


def scorable_sheets(user, assessment: Assessment, rater: RaterGroup, under: Organization | None = None):
    """The assessment's sheets ``user`` may score for ``rater`` (the engine decides who: services._scorer_roots),
    optionally only those under ``under``."""
    sheets = Sheet.objects.filter(assessment=assessment)
    roots = services._scorer_roots(user, assessment, rater)
    if roots is not None:
        sheets = sheets.filter(subtree_q("org_path", roots))
    if under is not None:
        sheets = sheets.filter(subtree_q("org_path", [under.path]))
    return sheets


def columns_of(assessment: Assessment) -> list[Item]:
    return list(Item.objects.filter(version_id=assessment.version_id).select_related("section")
                .order_by("section__order", "order", "pk"))


def fingerprint(items: list[Item]) -> str:
    """What the item columns are: ids, codes and the rules of each, in order."""
    text = "|".join(f"{i.pk}:{i.code}:{i.kind}:{Decimal(i.max_points).normalize()}:{int(i.half_points)}:"
                    f"{i.threshold or 0}:{int(i.veto)}" for i in items)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def is_sourced(item: Item) -> bool:
    return bool(item.source) and source_for(item.source) is not None


def counted_values(assessment: Assessment, items: list[Item]) -> dict:
    """{(sheet_id, item_id): counted entry} of the items the registers count (engines.standards.counting)."""
    sourced = [item for item in items if is_sourced(item)]
    return counted_entries(assessment, items=sourced) if sourced else {}


def counted_cell(item: Item, entry: dict | None):
    if entry is None:
        return None
    return cell_value(item, entry.get("points"), entry.get("passed"), entry.get("count"))


def cell_value(item: Item, points, passed, count):
    """A stored entry as the workbook shows it."""
    if item.kind == ItemKind.PASS_FAIL:
        return None if passed is None else (YES if passed else NO)
    if item.kind == ItemKind.COUNT:
        return count
    if points is None:
        return None
    points = Decimal(points)
    return int(points) if points == points.to_integral_value() else float(points)


def header_title(item: Item) -> str:
    maximum = Decimal(item.max_points).normalize()
    if item.kind == ItemKind.PASS_FAIL:
        rule = f"是/否，{maximum:f} 分" if item.max_points else "是/否"
    elif item.kind == ItemKind.COUNT:
        rule = f"达到 {item.threshold}{item.unit} 得 {maximum:f} 分"
    else:
        rule = f"0–{maximum:f} 分" + ("，可半分" if item.half_points else "")
    return f"{item.title}（{rule}）" + ("【一票否决】" if item.veto else "") + (SOURCED_MARK if is_sourced(item) else "")


def _validation(item: Item, letter: str, last_row: int) -> DataValidation:
    cells = f"{letter}{HEADER_ROWS + 1}:{letter}{last_row}"
    first = f"{letter}{HEADER_ROWS + 1}"
    maximum = f"{Decimal(item.max_points).normalize():f}"
    if item.kind == ItemKind.PASS_FAIL:
        rule = DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=True)
        rule.error = f"请填写“{YES}”或“{NO}”。"
    elif item.kind == ItemKind.COUNT:
        rule = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        rule.error = "请填写不小于 0 的整数。"
    elif item.half_points:
        rule = DataValidation(type="custom", allow_blank=True,
                              formula1=f"AND(ISNUMBER({first}),{first}>=0,{first}<={maximum},MOD({first}*2,1)=0)")
        rule.error = f"请填写 0 到 {maximum} 之间的分数，可以是半分（如 1.5）。"
    else:
        rule = DataValidation(type="whole", operator="between", formula1="0", formula2=maximum, allow_blank=True)
        rule.error = f"请填写 0 到 {maximum} 之间的整数分。"
    rule.errorTitle = item.code
    rule.showErrorMessage = True
    rule.add(cells)
    return rule


def build_workbook(*, user, assessment: Assessment, rater: RaterGroup, under: Organization | None = None) -> bytes:
    """The workbook of every sheet ``user`` may score for ``rater`` (under ``under``), existing scores filled in
    and counted items pre-filled from the registers. Written in openpyxl's write-only mode: big ones stream."""
    items = columns_of(assessment)
    scorable = scorable_sheets(user, assessment, rater, under)
    sheets = list(scorable.select_related("organization", "person").order_by("org_path", "pk"))
    scores = {}
    for sheet_id, item_id, points, passed, count in (
            ItemScore.objects.filter(sheet__in=scorable.values("pk"), rater=rater)
            .values_list("sheet_id", "item_id", "points", "passed", "count").iterator(chunk_size=10000)):
        scores[(sheet_id, item_id)] = (points, passed, count)
    counted = counted_values(assessment, items)
    townships = _townships(assessment, sheets)

    book = Workbook(write_only=True)
    ws = book.create_sheet(SCORE_SHEET)
    reason_column = FIRST_ITEM_COLUMN + len(items)
    ws.column_dimensions["A"].hidden = True
    for letter, width in (("B", 24), ("C", 12), ("D", 16)):
        ws.column_dimensions[letter].width = width
    for index in range(FIRST_ITEM_COLUMN, reason_column):
        ws.column_dimensions[get_column_letter(index)].width = 12
    ws.column_dimensions[get_column_letter(reason_column)].width = 30
    ws.freeze_panes = f"{get_column_letter(FIRST_ITEM_COLUMN)}{HEADER_ROWS + 1}"
    _write_header(ws, items, reason_column)
    last_row = HEADER_ROWS + max(len(sheets), 1)
    for index, item in enumerate(items):
        ws.data_validations.append(_validation(item, get_column_letter(FIRST_ITEM_COLUMN + index), last_row))
    for sheet in sheets:
        subject = sheet.organization or sheet.person
        row = [sheet.pk, _text(ws, subject.name), _text(ws, getattr(sheet.organization, "code", "") or ""),
               _text(ws, townships.get(sheet.pk, ""))]
        for item in items:
            entry = scores.get((sheet.pk, item.pk))
            row.append(cell_value(item, *entry) if entry else counted_cell(item, counted.get((sheet.pk, item.pk))))
        ws.append(row)
    _write_meta(book, assessment, rater, items, under, user)
    _write_help(book, items, rater)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _townships(assessment: Assessment, sheets: list[Sheet]) -> dict:
    """Each sheet's organization one level below the one running the assessment (a county's: the township)."""
    width = len(assessment.owner_path) + 5
    paths = {s.org_path[:width] for s in sheets}
    names = dict(Organization.objects.filter(path__in=paths).values_list("path", "name"))
    return {s.pk: names.get(s.org_path[:width], "") for s in sheets}


def _text(ws, value):
    """A text cell that stays text: openpyxl would write a leading "=" as a formula."""
    if not is_formula_like(value):
        return value
    return safe_cell(WriteOnlyCell(ws), value)


def _write_header(ws, items: list[Item], reason_column: int) -> None:
    def cell(value, *, fill=HEAD_FILL, color="FFFFFF", wrap=False):
        c = safe_cell(WriteOnlyCell(ws), value)
        c.font = Font(bold=True, color=color)
        c.fill = fill
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=wrap)
        return c

    band, codes, titles = [], [], []
    for header in FIXED_HEADERS:
        band.append(cell(header))
        codes.append(cell(None))
        titles.append(cell(None))
    start = FIRST_ITEM_COLUMN
    for index, item in enumerate(items):
        column = FIRST_ITEM_COLUMN + index
        first_of_section = index == 0 or items[index - 1].section_id != item.section_id
        band.append(cell(f"{item.section.code} {item.section.title}" if first_of_section else None,
                         fill=BAND_FILL, color="000000"))
        if first_of_section:
            start = column
        if index == len(items) - 1 or items[index + 1].section_id != item.section_id:
            if column > start:
                ws.merged_cells.add(f"{get_column_letter(start)}1:{get_column_letter(column)}1")
        fill = SOURCED_FILL if is_sourced(item) else BAND_FILL
        codes.append(cell(item.code, fill=fill, color="000000"))
        titles.append(cell(header_title(item), fill=fill, color="000000", wrap=True))
    band.append(cell(REASON_HEADER))
    codes.append(cell(None))
    titles.append(cell(None))
    for index in range(1, len(FIXED_HEADERS) + 1):
        letter = get_column_letter(index)
        ws.merged_cells.add(f"{letter}1:{letter}{HEADER_ROWS}")
    letter = get_column_letter(reason_column)
    ws.merged_cells.add(f"{letter}1:{letter}{HEADER_ROWS}")
    ws.append(band)
    ws.append(codes)
    ws.append(titles)


def _write_meta(book, assessment, rater, items, under, user) -> None:
    meta = book.create_sheet(META_SHEET)
    meta.sheet_state = "hidden"
    rows = [("format", FORMAT), ("assessment", assessment.pk), ("assessment_name", assessment.name),
            ("version", assessment.version_id), ("rater", rater.code), ("fingerprint", fingerprint(items)),
            ("under", under.pk if under else ""), ("made_by", getattr(user, "username", "") or ""),
            ("made_at", timezone.now().isoformat(timespec="seconds"))]
    for key, value in rows:
        meta.append([key, _text(meta, value)])


def _write_help(book, items: list[Item], rater: RaterGroup) -> None:
    sheet = book.create_sheet(HELP_SHEET)
    sheet.column_dimensions["A"].width = 100
    lines = [
        f"评分表填写说明（{rater.name}）",
        "1. 在“评分”表中每行是一个考核对象，每列是一个考核项目；第 2 行是项目编号，第 3 行是项目名称和分值。",
        "2. 请勿增加、删除、移动或修改表头和列，也不要改动隐藏的表号列和 meta 表：系统据此识别评分表。",
        "3. 分值项目填写 0 到满分之间的数字：允许半分的项目可填 0.5 的倍数，其余只能填整数；"
        f"是否项目（含一票否决项）填写“{YES}”或“{NO}”；计数项目填写不小于 0 的整数。",
        f"4. 表头标有“{SOURCED_MARK}”的项目已按系统台账预先填好计数结果；如需改动，请在最后一列"
        f"“{REASON_HEADER}”写明理由。",
        "5. 已录入的分数已经填好；清空单元格表示删除该项分数，空着的单元格不会录入。",
        "6. 请只填写数值，不要使用公式。",
        "7. 上传后系统会逐格检查：有任何错误都不会写入，错误按行列列出，并可下载标出错误单元格的副本；"
        "没有错误时先显示预览（新增、修改、清空的分数），确认后一次写入。",
    ]
    for line in lines:
        sheet.append([line])
    for item in items:
        if item.guidance:
            sheet.append([_text(sheet, f"{item.code} {item.title}：{item.guidance}")])


# --- reading back --------------------------------------------------------------------------------------------


@dataclass
class CellError:
    row: int  # 0: the file as a whole
    column: str  # Excel letter, "" for the file or a whole row
    label: str  # the item's code and title, or the column's header
    message: str
    code: str = "invalid"

    def text(self) -> str:
        if not self.row:
            return self.message
        if not self.column:
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return _("Row %(row)s, column %(column)s (%(label)s): %(message)s") % {
            "row": self.row, "column": self.column, "label": self.label, "message": self.message}

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "label": self.label, "code": self.code,
                "message": self.message, "text": self.text()}


@dataclass
class Plan:
    """What a workbook would change: the rows for services.scores_bulk_set, the scores it clears, counts."""

    assessment: Assessment
    rater: RaterGroup
    errors: list = field(default_factory=list)  # of CellError
    rows: list = field(default_factory=list)  # (sheet_id, item_id, points, passed, count, reason)
    cleared: list = field(default_factory=list)  # ItemScore ids
    counts: dict = field(default_factory=lambda: dict.fromkeys(
        ("sheets", "sheets_changed", "sheets_unchanged", "added", "changed", "cleared", "unchanged"), 0))
    changed_subjects: list = field(default_factory=list)  # names, the first few, for the preview

    @property
    def ok(self) -> bool:
        return not self.errors

    def refuse(self, row, column, label, message, code="invalid") -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(CellError(row, column, str(label), str(message), code))

    def summary(self) -> dict:
        return {"counts": dict(self.counts), "changed_subjects": self.changed_subjects,
                "errors": [e.as_dict() for e in self.errors]}


class NotAWorkbook(Exception):
    """The upload is not a score workbook of this system at all."""


def read_meta(data: bytes) -> dict:
    """The meta sheet's keys and values; NotAWorkbook when the file is empty, no xlsx or no score workbook."""
    if not data:
        raise NotAWorkbook(_("The file is empty."))
    if data[:2] != b"PK":
        raise NotAWorkbook(_("The file is not an xlsx workbook."))
    try:
        check_workbook(data)  # before openpyxl unpacks anything: a small file may unzip to gigabytes
    except FileTooLarge as exc:
        raise NotAWorkbook(exc.message) from exc
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise NotAWorkbook(_("The file is not an xlsx workbook.")) from exc
    try:
        if META_SHEET not in book.sheetnames:
            raise NotAWorkbook(_("This is not a score workbook downloaded from this system (its meta sheet is "
                                 "missing)."))
        meta = {}
        for row in book[META_SHEET].iter_rows(min_row=1, max_row=50, max_col=2, values_only=True):
            if row and row[0] is not None:
                meta[str(row[0])] = row[1] if len(row) > 1 else None
    finally:
        book.close()
    if meta.get("format") != FORMAT:
        raise NotAWorkbook(_("This is not a score workbook downloaded from this system."))
    return meta


def meta_int(meta: dict, key: str) -> int | None:
    try:
        return int(meta.get(key))
    except (TypeError, ValueError):
        return None


def read_workbook(data: bytes, *, user, assessment: Assessment, rater: RaterGroup) -> Plan:
    """Checks every cell of an uploaded workbook against the engine's rules and the user's scope, and plans
    what it changes. Writes nothing."""
    plan = Plan(assessment, rater)
    try:
        meta = read_meta(data)
    except NotAWorkbook as exc:
        plan.refuse(0, "", "", exc.args[0], "not_a_workbook")
        return plan
    items = columns_of(assessment)
    try:
        services._require_open(assessment, rater)
    except ValidationError as error:
        plan.refuse(0, "", "", " ".join(error.messages), error.code or "closed")
        return plan
    if meta_int(meta, "assessment") != assessment.pk:
        plan.refuse(0, "", "", _("This workbook belongs to another assessment (%(name)s). Download the workbook of "
                                 "this assessment.") % {"name": meta.get("assessment_name") or meta.get("assessment")},
                    "other_assessment")
    elif str(meta.get("rater") or "") != rater.code:
        plan.refuse(0, "", "", _("This workbook holds the scores of another rater group (%(code)s), not of "
                                 "%(group)s.") % {"code": meta.get("rater"), "group": rater.name}, "other_rater")
    elif meta_int(meta, "version") != assessment.version_id or meta.get("fingerprint") != fingerprint(items):
        plan.refuse(0, "", "", _("The standard's items have changed since this workbook was made. Download a new "
                                 "one."), "changed_items")
    if plan.errors:
        return plan
    try:
        reader = XlsxReader(io.BytesIO(data))
    except XlsxError:
        plan.refuse(0, "", "", _("The file is not an xlsx workbook."), "not_a_workbook")
        return plan
    try:
        if _has_formulas(reader):
            _refuse_formulas(plan, data, items)
            return plan
        _Checker(plan, user, items).run(reader.rows())
    except XlsxError:
        plan.refuse(0, "", "", _("The file is not an xlsx workbook."), "not_a_workbook")
    finally:
        reader.close()
    return plan


def _refuse_formulas(plan: Plan, data: bytes, items: list[Item]) -> None:
    """Each formula cell of the score sheet, located (the rare case: read again, slowly, to find them)."""
    labels = {FIRST_ITEM_COLUMN + i: f"{item.code} {item.title}" for i, item in enumerate(items)}
    book = load_workbook(io.BytesIO(data), read_only=True)
    try:
        for row in book.worksheets[0].iter_rows():
            for cell in row:
                if getattr(cell, "data_type", None) == "f":
                    label = labels.get(cell.column) or (FIXED_HEADERS[cell.column - 1]
                                                        if cell.column <= len(FIXED_HEADERS) else REASON_HEADER)
                    plan.refuse(cell.row, cell.column_letter, label,
                                _("A formula is not accepted; enter the value itself."), "formula")
    finally:
        book.close()
    if plan.ok:
        plan.refuse(0, "", "", _("The workbook contains formulas; enter values only."), "formula")


def _has_formulas(reader: XlsxReader) -> bool:
    """Whether the score sheet holds a formula (<f>): a formula's cached value is not what the rater typed."""
    tail = b""
    with reader.archive.open(reader.sheet_part) as stream:
        while chunk := stream.read(1 << 20):
            text = tail + chunk
            if b"<f>" in text or b"<f " in text or b":f>" in text or b":f " in text or b"<f/>" in text:
                return True
            tail = chunk[-8:]
    return False


class _Checker:
    """Walks the score sheet's rows once: header, subjects, cells."""

    def __init__(self, plan: Plan, user, items: list[Item]):
        self.plan, self.user, self.items = plan, user, items
        self.reason_index = len(FIXED_HEADERS) + len(items)
        self.letters = [get_column_letter(FIRST_ITEM_COLUMN + i) for i in range(len(items))]
        self.reason_letter = get_column_letter(FIRST_ITEM_COLUMN + len(items))
        self.values: dict = {}  # (item id, raw value) -> (entry, or the error message)

    def run(self, rows) -> None:
        plan = self.plan
        header = {}
        body = []
        for number, values in rows:
            if number <= HEADER_ROWS:
                header[number] = values
            elif any(v not in (None, "") for v in values):
                body.append((number, values))
        if not self._header_ok(header):
            return
        if not body:
            plan.refuse(0, "", "", _("The workbook has no rows of scores."), "empty")
            return
        sheets = self._sheets(body)
        if not plan.ok:
            return
        existing = self._existing(sheets)
        counted = counted_values(plan.assessment, self.items)
        for number, values in body:
            self._row(number, values, sheets[_sheet_id(values)], existing, counted)
        if plan.errors:
            plan.rows, plan.cleared = [], []

    def _header_ok(self, header: dict) -> bool:
        codes = [str(v).strip() if v is not None else "" for v in header.get(2, [])]
        found = codes[len(FIXED_HEADERS):]
        while found and not found[-1]:
            found.pop()
        band = [str(v).strip() if v is not None else "" for v in header.get(1, [])]
        reason = band[self.reason_index] if len(band) > self.reason_index else ""
        extra = [v for v in band[self.reason_index + 1:] if v]
        expected = [item.code for item in self.items]
        if found == expected and reason == REASON_HEADER and not extra:
            return True
        for index, code in enumerate(expected):
            if index >= len(found) or found[index] != code:
                column = self.letters[index]
                self.plan.refuse(2, column, code, _("The header reads “%(found)s” where the item %(code)s belongs. "
                                                    "Columns may not be moved, renamed, added or removed; download "
                                                    "a new workbook.") % {
                    "found": found[index] if index < len(found) else "", "code": code}, "changed_header")
                return False
        self.plan.refuse(1, self.reason_letter, REASON_HEADER,
                         _("The columns after the last item have changed; columns may not be added."),
                         "changed_header")
        return False

    def _sheets(self, body) -> dict:
        """{sheet id: (name, org_path)} of the rows' sheets, each checked: in this assessment, in scope, once."""
        plan = self.plan
        wanted = {}
        for number, values in body:
            sheet_id = _sheet_id(values)
            if sheet_id is None:
                plan.refuse(number, "A", FIXED_HEADERS[0], _("The row has no score sheet number; rows can only be "
                                                             "filled in, not added."), "no_sheet")
            elif sheet_id in wanted:
                plan.refuse(number, "A", FIXED_HEADERS[0], _("This subject appears twice (also in row %(row)s).")
                            % {"row": wanted[sheet_id]}, "duplicate")
            else:
                wanted[sheet_id] = number
        allowed = {}
        ids = list(wanted)
        for start in range(0, len(ids), 5000):
            chunk = ids[start:start + 5000]
            allowed.update((pk, (org_name or person_name or "")) for pk, org_name, person_name in
                           scorable_sheets(self.user, plan.assessment, plan.rater).filter(pk__in=chunk)
                           .values_list("pk", "organization__name", "person__name"))
        for sheet_id, number in wanted.items():
            if sheet_id not in allowed:
                plan.refuse(number, "A", FIXED_HEADERS[0], _("Score sheet %(id)s is not one of this assessment's that "
                                                             "you may score.") % {"id": sheet_id}, "out_of_scope")
        return allowed

    def _existing(self, sheets: dict) -> dict:
        existing = {}
        rows = (ItemScore.objects.filter(sheet__assessment=self.plan.assessment, rater=self.plan.rater)
                .values_list("sheet_id", "item_id", "pk", "points", "passed", "count").iterator(chunk_size=20000))
        for sheet_id, item_id, pk, points, passed, count in rows:
            if sheet_id in sheets:
                existing[(sheet_id, item_id)] = (pk, points, passed, count)
        return existing

    def _row(self, number: int, values: list, name: str, existing: dict, counted: dict) -> None:
        plan, sheet_id = self.plan, _sheet_id(values)
        reason = values[self.reason_index] if len(values) > self.reason_index else None
        reason = str(reason).strip() if reason is not None else ""
        changed = False
        for index, item in enumerate(self.items):
            raw = values[len(FIXED_HEADERS) + index] if len(values) > len(FIXED_HEADERS) + index else None
            if isinstance(raw, str):
                raw = raw.strip()
            had = existing.get((sheet_id, item.pk))
            if raw is None or raw == "":
                if had is not None:
                    plan.cleared.append(had[0])
                    plan.counts["cleared"] += 1
                    changed = True
                continue
            entry = self._entry(item, raw)
            if isinstance(entry, str):
                plan.refuse(number, self.letters[index], f"{item.code} {item.title}", entry, "bad_value")
                continue
            if had is not None and (had[1], had[2], had[3]) == entry:
                plan.counts["unchanged"] += 1
                continue
            overrides = _overrides(entry, counted.get((sheet_id, item.pk)))
            if overrides and not reason:
                plan.refuse(number, self.reason_letter, REASON_HEADER, _needs_reason(item, counted[(sheet_id, item.pk)]),
                            "reason_needed")
                continue
            plan.rows.append((sheet_id, item.pk, *entry, reason if overrides else None))
            plan.counts["changed" if had is not None else "added"] += 1
            changed = True
        plan.counts["sheets"] += 1
        if changed:
            plan.counts["sheets_changed"] += 1
            if len(plan.changed_subjects) < 20:
                plan.changed_subjects.append(name)
        else:
            plan.counts["sheets_unchanged"] += 1

    def _entry(self, item: Item, raw):
        """(points, passed, count) as the engine stores them, or the message saying why the cell is wrong."""
        key = (item.pk, raw if not isinstance(raw, float) else repr(raw), type(raw).__name__)
        if key not in self.values:
            self.values[key] = _entry(item, raw)
        return self.values[key]


def _overrides(entry: tuple, counted: dict | None) -> bool:
    """Whether an entry (points, passed, count) differs from what the registers counted."""
    if counted is None:
        return False
    return not same_entry({"points": entry[0], "passed": entry[1], "count": entry[2]}, counted)


def _needs_reason(item: Item, counted: dict) -> str:
    return _("%(code)s differs from the count of the registers (%(counted)s); give the reason for the change.") % {
        "code": item.code, "counted": counted_text(counted)}


def _sheet_id(values: list) -> int | None:
    raw = values[0] if values else None
    if isinstance(raw, bool):
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, str) and raw.strip().isdigit():
        raw = int(raw.strip())
    return raw if isinstance(raw, int) and raw > 0 else None


def _entry(item: Item, raw):
    try:
        if item.kind == ItemKind.PASS_FAIL:
            if raw not in (YES, NO):
                return _("Enter “%(yes)s” or “%(no)s”.") % {"yes": YES, "no": NO}
            fields, _value, _failed = services.score_value(item, passed=raw == YES)
        elif item.kind == ItemKind.COUNT:
            count = _whole(raw)
            if count is None:
                return _("Enter a whole number.")
            fields, _value, _failed = services.score_value(item, count=count)
        else:
            points = _number(raw)
            if points is None:
                return _("Enter a number.")
            fields, _value, _failed = services.score_value(item, points=points)
    except ValidationError as error:
        return " ".join(error.messages)
    return fields["points"], fields["passed"], fields["count"]


def _number(raw) -> Decimal | None:
    if isinstance(raw, bool) or isinstance(raw, (datetime.date, datetime.datetime)):
        return None
    try:
        value = Decimal(str(raw).replace("，", ".").replace(",", ".")) if isinstance(raw, str) else Decimal(repr(raw))
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite():
        return None
    # Excel stores 2.5 as 2.5 but a sum such as 0.1 + 0.2 as 0.30000000000000004: two places are what is kept.
    return value.quantize(Decimal("0.01")) if value.as_tuple().exponent < -2 else value


def _whole(raw) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str) and raw.lstrip("-").isdigit():
        return int(raw)
    return None


# --- many scores in one request ----------------------------------------------------------------------------


def entries_plan(*, user, assessment: Assessment, rater: RaterGroup, entries: list[dict]) -> tuple[list, list]:
    """Rows for services.scores_bulk_set from entries {sheet, item (code), points | passed | count, reason},
    and the errors as (index, field, code, message): every entry is checked, the same rules as a workbook's."""
    items = {item.code: item for item in columns_of(assessment)}
    wanted = {entry["sheet"] for entry in entries}
    allowed = set()
    ids = list(wanted)
    for start in range(0, len(ids), 5000):
        allowed.update(scorable_sheets(user, assessment, rater).filter(pk__in=ids[start:start + 5000])
                       .values_list("pk", flat=True))
    sourced = [item for item in items.values() if is_sourced(item)]
    counted = None
    rows, errors = [], []
    for index, entry in enumerate(entries):
        item = items.get(entry["item"])
        if entry["sheet"] not in allowed:
            errors.append((index, "sheet", "out_of_scope", _("Score sheet %(id)s is not one of this assessment's that "
                                                             "you may score.") % {"id": entry["sheet"]}))
            continue
        if item is None:
            errors.append((index, "item", "unknown_item", _("There is no item %(code)s in this standard.")
                           % {"code": entry["item"]}))
            continue
        try:
            fields, _value, _failed = services.score_value(item, points=entry.get("points"),
                                                           passed=entry.get("passed"), count=entry.get("count"))
        except ValidationError as error:
            field_name, problems = (next(iter(error.error_dict.items())) if hasattr(error, "error_dict")
                                    else ("points", error.error_list))
            errors.append((index, field_name, problems[0].code or "invalid", " ".join(error.messages)))
            continue
        reason = (entry.get("reason") or "").strip()
        if item in sourced:
            if counted is None:
                counted = counted_values(assessment, sourced)
            overrides = _overrides((fields["points"], fields["passed"], fields["count"]),
                                   counted.get((entry["sheet"], item.pk)))
            if overrides and not reason:
                errors.append((index, "reason", "reason_needed", _needs_reason(item, counted[(entry["sheet"], item.pk)])))
                continue
            reason = reason if overrides else None
        rows.append((entry["sheet"], item.pk, fields["points"], fields["passed"], fields["count"], reason or None))
    return rows, errors


# --- writing -------------------------------------------------------------------------------------------------


def service_rows(rows: list) -> list:
    """Rows as services.scores_bulk_set takes them: (sheet, item, points, passed, count, override reason); a row
    that overrides no count sends no reason (None), so that the engine keeps what it has."""
    return rows


@transaction.atomic
def workbook_apply(*, user, assessment: Assessment, rater: RaterGroup, data: bytes) -> Plan:
    """Checks the workbook again against the scores as they are now and, if every cell is right, writes its
    changes: entries through services.scores_bulk_set, emptied cells cleared. All or nothing."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    services._require_open(assessment, rater)
    plan = read_workbook(data, user=user, assessment=assessment, rater=rater)
    if not plan.ok:
        return plan
    if plan.rows:
        services.scores_bulk_set(user=user, assessment=assessment, rater=rater, rows=service_rows(plan.rows))
    if plan.cleared:
        clear_scores(user=user, assessment=assessment, rater=rater, score_ids=plan.cleared)
    return plan


def clear_scores(*, user, assessment: Assessment, rater: RaterGroup, score_ids: list[int]) -> int:
    """Removes scores a workbook emptied (in the caller's transaction). Scores with evidence stay: refused."""
    scores = ItemScore.objects.filter(pk__in=score_ids, rater=rater, sheet__assessment=assessment)
    if Evidence.objects.filter(score__in=scores).exists():
        raise ValidationError(_("Some emptied scores have evidence attached; remove them on the score sheet "
                                "instead."), code="has_evidence")
    allowed = scorable_sheets(user, assessment, rater).values("pk")
    if scores.exclude(sheet__in=allowed).exists():
        raise ValidationError(_("Some scores lie outside the sheets you may score."), code="out_of_scope")
    removed, _detail = scores.delete()
    record_change(assessment, ChangeRecord.Action.UPDATE,
                  message=_("%(count)s scores of %(group)s cleared.") % {"count": removed, "group": rater.name})
    return removed


# --- the error copy ----------------------------------------------------------------------------------------------


def error_workbook(data: bytes, errors: list[dict]) -> bytes:
    """The user's workbook with every bad cell filled red and commented, the errors listed on a sheet of their
    own, and every formula turned into its text: nothing in it can compute."""
    from openpyxl.comments import Comment

    book = load_workbook(io.BytesIO(data), keep_links=False)
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" or is_formula_like(cell.value):
                    safe_cell(cell, str(cell.value))
    sheet = book.worksheets[0]
    for error in errors:
        if error["row"] and error["column"]:
            cell = sheet[f"{error['column']}{error['row']}"]
            if cell.__class__.__name__ == "MergedCell":
                continue
            cell.fill = BAD
            previous = cell.comment.text + "\n" if cell.comment else ""
            cell.comment = Comment(previous + error["message"], "jiceng")
    if ERROR_SHEET in book.sheetnames:
        del book[ERROR_SHEET]
    listing = book.create_sheet(ERROR_SHEET, 1)
    for number, values in enumerate([("行", "列", "项目", "错误"), *(
            (e["row"] or None, e["column"], e["label"], e["message"]) for e in errors)], start=1):
        for column, value in enumerate(values, start=1):
            safe_cell(listing.cell(row=number, column=column), value)
    listing.column_dimensions["C"].width = 24
    listing.column_dimensions["D"].width = 80
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

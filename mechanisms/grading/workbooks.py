"""The grades of a round as a workbook to confirm or change in bulk: downloaded, edited, uploaded back.

The data sheet holds one row per graded organization the user may see, with the proposal and its basis, and
three columns to fill: 确认等级 (a dropdown of the scheme's grades, pre-filled with the current one), 软弱涣散
and 理由. A hidden sheet names the campaign, the round and a fingerprint of the scheme's grades, so that a
workbook of another campaign or round, or one downloaded before the grades were changed, is refused. The
headers, like the sheet names, are part of the format: in Chinese whatever the interface language.

Every row is checked (``review``) and the whole file applied or nothing (services.grades_set_bulk).
"""
import hashlib
import json
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

from kernel.core.excel import clean_text
from kernel.core.tree import SEGMENT_WIDTH
from kernel.core.workbook_upload import (
    EDITABLE,
    ERRORS_HEADER,
    MAX_SIZE,
    UnreadableWorkbook,
    WorkbookTooLarge,
    error_workbook,
    header_row,
    open_workbook,
    save,
)
from kernel.core.xlsx_stream import safe_cell
from kernel.orgs.models import Organization

from . import selectors, services
from .models import GradeLevel, Round, Upgrading
from .proposals import reason_text

FORMAT = "jiceng-grades/1"
DATA_SHEET = "分类定级"
META_SHEET = "meta"
HELP_SHEET = "说明"
CODE, NAME, TOWNSHIP, PROPOSED, BASIS, SOURCE, CONFIRMED, LEVEL, WEAK_LAX, REASON = HEADERS = (
    "组织代码", "组织名称", "所属乡镇", "拟定等级", "拟定依据", "来源", "已确认等级", "确认等级", "软弱涣散", "理由")
EDITABLE_HEADERS = (LEVEL, WEAK_LAX, REASON)
WIDTHS = {CODE: 14, NAME: 24, TOWNSHIP: 18, BASIS: 36, SOURCE: 12, REASON: 40}
YES, NO = "是", "否"
ROUND_NAMES = {Round.INITIAL: "分类定级", Round.REGRADE: "整改后复评"}
FIELD_COLUMNS = {"organization": CODE, "level": LEVEL, "weak_lax": WEAK_LAX, "reason": REASON}
INLINE_LIST_MAX = 250  # Excel's limit on a list written into the validation itself is 255 characters


def fingerprint(levels) -> str:
    """The scheme's grades in short: a workbook made before they changed no longer fits."""
    data = sorted((level.code, level.name, level.level, level.lagging) for level in levels)
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()[:16]


def filename(upgrading: Upgrading, round: str) -> str:
    return f"{upgrading.name}-{ROUND_NAMES.get(round, round)}-等级确认.xlsx"


# --- download ---------------------------------------------------------------------------------------------------

def build(user, upgrading: Upgrading, round: str, under: Organization | None = None) -> bytes:
    levels = list(GradeLevel.objects.filter(scheme_id=upgrading.scheme_id))
    grades = list(selectors.grades(user, upgrading, round=round, under=under))
    townships = _townships(upgrading, [grade.org_path for grade in grades])
    book = Workbook()
    sheet = book.active
    sheet.title = DATA_SHEET
    header_row(sheet, HEADERS, editable=EDITABLE_HEADERS, widths=WIDTHS)
    for number, grade in enumerate(grades, start=2):
        confirmed = grade.level.name if grade.confirmed else ""
        values = (grade.organization.code, grade.organization.name, townships.get(grade.org_path, ""),
                  grade.level.name, "；".join(reason_text(reason) for reason in grade.reasons),
                  str(grade.get_source_display()), confirmed, grade.level.name, YES if grade.weak_lax else "", "")
        for column, value in enumerate(values, start=1):
            if value:
                safe_cell(sheet.cell(row=number, column=column), value)
        for column in range(HEADERS.index(LEVEL) + 1, len(HEADERS) + 1):
            sheet.cell(row=number, column=column).fill = EDITABLE
    _meta(book, {"format": FORMAT, "upgrading": upgrading.pk, "round": round, "levels": fingerprint(levels),
                 "under": under.code if under else ""}, levels)
    _dropdowns(sheet, levels, max(len(grades) + 1, 2))
    _instructions(book, upgrading, round, levels)
    book.active = 0
    return save(book)


def _townships(upgrading: Upgrading, paths) -> dict:
    """Each path's ancestor one level below the campaign's owner (a county's township), by name."""
    width = len(upgrading.owner_path) + SEGMENT_WIDTH
    heads = {path[:width] for path in paths if len(path) > width}
    names = dict(Organization.objects.filter(path__in=heads).values_list("path", "name"))
    return {path: names.get(path[:width], "") for path in paths}


def _meta(book, meta: dict, levels) -> None:
    sheet = book.create_sheet(META_SHEET)
    for row, (key, value) in enumerate(meta.items(), start=1):
        safe_cell(sheet.cell(row=row, column=1), key)
        safe_cell(sheet.cell(row=row, column=2), value)
    for row, level in enumerate(levels, start=1):  # the dropdown's list when too long to write inline
        safe_cell(sheet.cell(row=row, column=4), level.name)
    sheet.sheet_state = "hidden"


def _dropdowns(sheet, levels, last_row: int) -> None:
    names = [level.name for level in levels]
    inline = ",".join(names)
    if len(inline) <= INLINE_LIST_MAX and not any("," in name or '"' in name for name in names):
        source = f'"{inline}"'
    else:
        source = f"'{META_SHEET}'!$D$1:$D${len(names)}"
    letter = chr(ord("A") + HEADERS.index(LEVEL))
    levels_rule = DataValidation(type="list", formula1=source, allow_blank=False, showErrorMessage=True,
                                 errorTitle="等级", error="请从下拉列表中选择本方案的等级。")
    levels_rule.add(f"{letter}2:{letter}{last_row}")
    sheet.add_data_validation(levels_rule)
    letter = chr(ord("A") + HEADERS.index(WEAK_LAX))
    weak_rule = DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=True, showErrorMessage=True,
                               errorTitle="软弱涣散", error="填“是”或留空。")
    weak_rule.add(f"{letter}2:{letter}{last_row}")
    sheet.add_data_validation(weak_rule)


def _instructions(book, upgrading: Upgrading, round: str, levels) -> None:
    sheet = book.create_sheet(HELP_SHEET, 1)
    lagging = "、".join(level.name for level in levels if level.lagging)
    lines = [
        f"本表为“{upgrading.name}”{ROUND_NAMES.get(round, round)}的等级，每行一个党组织。",
        "只填写绿色表头的三列：“确认等级”“软弱涣散”“理由”。其余各列、表头和工作表名保持原样，不要增删列。",
        f"“确认等级”从下拉列表中选择：{'、'.join(level.name for level in levels)}。已预填拟定（或已确认）的等级。",
        "确认等级与拟定等级相同：确认该拟定等级，不需要理由；已确认且未改动的行不作处理，此时填写的理由不予记录。",
        "确认等级与拟定等级不同，或改动“软弱涣散”：必须在“理由”中写明理由，该等级记为手工设定并同时确认。",
        f"“软弱涣散”填“是”或留空；只有{lagging}等级的党组织可以标为软弱涣散。",
        "未改动的拟定等级只能由本次分类定级的主办单位（县）确认；乡镇上传时，这些行保持待确认。",
        "上传后先预览：列出未改变、将改变、新确认的数量和将改变的行，确认后一次写入。",
        "任何一行有错，全部不写入：错误按行、列列出，并可下载标出错误的工作簿，改正后再上传。",
        "请勿删除或修改隐藏的工作表“meta”：它记录本表属于哪次分类定级、哪一轮和当时的等级设置；"
        "等级设置改变后，请重新下载。",
    ]
    safe_cell(sheet.cell(row=1, column=1), "分类定级确认表填写说明").font = Font(bold=True, size=14)
    for row, line in enumerate(lines, start=3):
        cell = safe_cell(sheet.cell(row=row, column=1), f"{row - 2}. {line}")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 110


# --- upload -----------------------------------------------------------------------------------------------------

@dataclass
class Review:
    """An uploaded workbook checked: the values as read, the errors (``row``, ``column``, ``message``; row 0 is
    the file as a whole) and the plan of services.grades_set_bulk when the rows could be read."""

    header: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)
    plan: services.BulkPlan | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and self.plan is not None

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append({"row": row, "column": column, "message": message})


def read(file, review: Review) -> bool:
    """The upload's data sheet and hidden meta sheet into ``review``; False (with the error) if unreadable."""
    if getattr(file, "size", 0) > MAX_SIZE:
        review.error(0, "", _("The file is too large."))
        return False
    try:
        book = open_workbook(file)
    except WorkbookTooLarge as exc:
        review.error(0, "", exc.message)
        return False
    except UnreadableWorkbook:
        review.error(0, "", _("This is not an xlsx workbook: upload the workbook downloaded from this page."))
        return False
    try:
        if DATA_SHEET not in book.sheetnames:
            review.error(0, "", _("The workbook has no sheet named “%(sheet)s”: upload the workbook downloaded "
                                  "from this page.") % {"sheet": DATA_SHEET})
            return False
        rows = list(enumerate(book[DATA_SHEET].iter_rows(values_only=True), start=1))
        if META_SHEET in book.sheetnames:
            for key, value, *_rest in book[META_SHEET].iter_rows(min_col=1, max_col=2, values_only=True):
                if key:
                    review.meta[clean_text(key)] = clean_text(value)
    finally:
        book.close()
    review.header = [clean_text(value) for value in rows[0][1]] if rows else []
    while review.header and review.header[-1] in ("", ERRORS_HEADER):
        review.header.pop()
    review.rows = [(number, list(values)) for number, values in rows[1:]
                   if any(clean_text(value) for value in values)]
    return True


def _check_file(review: Review, upgrading: Upgrading, round: str, levels) -> None:
    meta = review.meta
    if meta.get("format") != FORMAT:
        review.error(0, "", _("The workbook's hidden sheet “meta” is missing or changed: upload a workbook "
                              "downloaded from this page."))
        return
    if meta.get("upgrading") != str(upgrading.pk):
        review.error(0, "", _("This workbook belongs to another grading campaign."))
    if meta.get("round") != round:
        review.error(0, "", _("This workbook holds the grades of another round."))
    if meta.get("levels") != fingerprint(levels):
        review.error(0, "", _("The scheme's grades have changed since this workbook was downloaded: download it "
                              "again."))
    for index, expected in enumerate(HEADERS):
        found = review.header[index] if index < len(review.header) else ""
        if found != expected:
            review.error(1, expected, _("The column should be headed “%(header)s”, as downloaded (found "
                                        "“%(found)s”).") % {"header": expected, "found": found})
    for found in review.header[len(HEADERS):]:
        review.error(1, found, _("Remove the column “%(header)s”: the workbook takes only the downloaded columns.")
                     % {"header": found})


def _grade_rows(review: Review, levels) -> list[services.GradeRow]:
    by_name = {level.name: level for level in levels}
    rows = []
    for number, values in review.rows:
        cells = {header: clean_text(values[index]) if index < len(values) else ""
                 for index, header in enumerate(HEADERS)}
        errors = len(review.errors)
        if not cells[CODE]:
            review.error(number, CODE, _("Give the organization's code."))
        level = by_name.get(cells[LEVEL])
        if not cells[LEVEL]:
            review.error(number, LEVEL, _("Choose a grade."))
        elif level is None:
            review.error(number, LEVEL, _("“%(name)s” is not a grade of this scheme; choose one of: %(names)s.")
                         % {"name": cells[LEVEL], "names": "、".join(by_name)})
        if cells[WEAK_LAX] not in ("", YES, NO):
            review.error(number, WEAK_LAX, _("Write “是” or leave it blank."))
        if len(review.errors) == errors:
            rows.append(services.GradeRow(organization=cells[CODE], level=level.code, reason=cells[REASON],
                                          weak_lax=cells[WEAK_LAX] == YES, line=number))
    return rows


def review(*, user, upgrading: Upgrading, round: str, file, apply: bool = False) -> Review:
    """Checks an uploaded workbook against the campaign and round it is uploaded for, and with ``apply``
    writes it when every row is right (services.grades_set_bulk re-checks under lock and writes all or none)."""
    result = Review()
    if not read(file, result):
        return result
    levels = list(GradeLevel.objects.filter(scheme_id=upgrading.scheme_id))
    _check_file(result, upgrading, round, levels)
    if result.errors:
        return result
    rows = _grade_rows(result, levels)
    if not result.rows:
        result.error(0, "", _("The workbook has no rows of grades."))
        return result
    plan = services.grades_set_bulk(user=user, upgrading=upgrading, round=round, rows=rows,
                                    dry_run=not apply or bool(result.errors))
    for error in plan.errors:
        result.error(error["line"] or 0, FIELD_COLUMNS.get(error["field"], ""), error["message"])
    result.errors.sort(key=lambda error: (error["row"], HEADERS.index(error["column"])
                                          if error["column"] in HEADERS else -1))
    result.plan = plan
    return result


def marked(upgrading: Upgrading, result: Review) -> bytes:
    """The upload's values with its errors marked, laid out as downloaded so that it can be fixed and uploaded
    again (its hidden sheet as it came; the dropdowns and instructions of the scheme as it is now)."""
    levels = list(GradeLevel.objects.filter(scheme_id=upgrading.scheme_id))

    def decorate(book, sheet):
        if result.meta:
            _meta(book, result.meta, levels)
        last = max([number for number, _values in result.rows] + [2])
        _dropdowns(sheet, levels, last)
        _instructions(book, upgrading, result.meta.get("round") or Round.INITIAL, levels)
        book.active = 0

    return error_workbook(result.header or list(HEADERS), result.rows, result.errors, title=DATA_SHEET,
                          decorate=decorate, editable=EDITABLE_HEADERS, widths=WIDTHS)

"""kernel.core.xlsx_read gives the rows openpyxl's read-only mode gives (the importers read every xlsx through it)."""
import datetime
import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from kernel.core import xlsx_read
from kernel.core.excel import UnreadableFile, read_table
from kernel.core.xlsx_read import Workbook as Reader
from kernel.core.xlsx_read import is_date_format


def openpyxl_rows(data: bytes) -> list[tuple[int, list]]:
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    rows = []
    for number, row in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        if values:
            rows.append((number, values))
    book.close()
    return rows


def our_rows(data: bytes) -> list[tuple[int, list]]:
    reader = Reader(io.BytesIO(data))
    try:
        return [(number, list(values)) for number, values in reader.rows()]
    finally:
        reader.close()


def saved(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def ledger() -> Workbook:
    """A member ledger as people fill one in: text, long digit strings, dates typed and as date cells, gaps."""
    book = Workbook()
    sheet = book.active
    sheet.title = "党员信息"
    hidden = book.create_sheet("选项")
    hidden["A1"] = "不在第一张表"
    sheet.append(["姓名", "性别", "出生日期", "公民身份号码", "入党日期", "年龄", "比例", "在册", "备注"])
    sheet.append(["张三", "男", datetime.date(1980, 1, 1), "430581198001010011", "2005年7月1日", 45, 0.5, True,
                  "<&> \"引号\""])
    sheet.append(["李四", "女", datetime.datetime(1975, 6, 30, 12, 0), "430581197506300026", "2001/7/1", 50.0, 1e-7,
                  False, "  前后空格  "])
    sheet["A5"] = "王五"  # row 4 left empty
    sheet["D5"] = 430581199001010013
    sheet["C5"] = datetime.date(1990, 1, 1)
    sheet["C5"].number_format = 'yyyy"年"m"月"d"日"'
    sheet["E5"] = 40000
    sheet["E5"].number_format = "0.00"  # a number shown as a number, not a date
    sheet["F5"] = 38000
    sheet["F5"].number_format = "[$-804]yyyy/mm/dd;@"
    sheet["G5"] = "=1+1"  # a formula openpyxl saved without a cached value
    sheet["AB5"] = "远处的格"
    sheet["A7"] = "Ω 𠀀 emoji 🙂"
    return book


def test_a_ledger_reads_as_openpyxl_reads_it():
    data = saved(ledger())
    assert our_rows(data) == openpyxl_rows(data)
    rows = dict(our_rows(data))
    assert rows[5][2] == datetime.datetime(1990, 1, 1) and rows[5][4] == 40000
    assert rows[5][5] == datetime.datetime(2004, 1, 14)  # a custom date format with a locale tag
    assert 4 not in rows and 6 not in rows


def test_rich_text_and_inline_strings_read_as_their_text():
    book = Workbook()
    sheet = book.active
    sheet["A1"] = CellRichText(["红色", TextBlock(InlineFont(b=True), "加粗"), "文字"])
    sheet["B1"] = "普通"
    data = saved(book)
    assert our_rows(data) == [(1, ["红色加粗文字", "普通"])]
    # An inline string (<is><t>) as other tools write them, and a cached formula value.
    data = _replace_sheet(data, (
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>内联</t></is></c>'
        '<c r="B1"><f>1+1</f><v>2</v></c><c r="C1" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>'
        '<c r="D1" t="e"><v>#N/A</v></c></row></sheetData>'))
    assert our_rows(data) == openpyxl_rows(data) == [(1, ["内联", 2, "ab", "#N/A"])]


def _replace_sheet(data: bytes, sheet_data: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                start, end = text.index("<sheetData"), text.index("</sheetData>") + len("</sheetData>")
                if "<sheetData/>" in text:
                    start, end = text.index("<sheetData/>"), text.index("<sheetData/>") + len("<sheetData/>")
                text = text[:start] + sheet_data + text[end:]
                if "<dimension" in text:  # stale now; openpyxl would stop reading at it
                    start = text.index("<dimension")
                    text = text[:start] + text[text.index("/>", start) + 2:]
                content = text.encode()
            target.writestr(item, content)
    return out.getvalue()


def test_the_1904_date_system():
    book = Workbook()
    book.epoch = datetime.datetime(1904, 1, 1)
    book.active.append(["日期", datetime.date(2015, 6, 1)])
    data = saved(book)
    assert our_rows(data) == openpyxl_rows(data) == [(1, ["日期", datetime.datetime(2015, 6, 1)])]


def test_read_table_numbers_rows_as_excel_shows_them():
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "代码"])
    sheet.append(["甲", "A1"])
    sheet.append([None, None])
    sheet.append(["乙", "A2"])
    table = read_table(io.BytesIO(saved(book)), "members.xlsx")
    assert table.header == ["姓名", "代码"]
    assert list(table.rows) == [(2, ["甲", "A1"]), (4, ["乙", "A2"])]
    assert table.estimated_rows == 3


@pytest.mark.parametrize("content", [b"PK\x03\x04 not really a zip", b"", b"just text"])
def test_a_damaged_workbook_is_unreadable(content):
    with pytest.raises(UnreadableFile):
        list(read_table(io.BytesIO(content), "broken.xlsx").rows)


def test_a_workbook_without_its_sheet_is_unreadable():
    data = saved(ledger())
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item, source.read(item.filename))
    with pytest.raises(UnreadableFile):
        read_table(io.BytesIO(out.getvalue()), "broken.xlsx")


@pytest.mark.parametrize("code, is_date", [
    ("yyyy-mm-dd", True), ('yyyy"年"m"月"d"日"', True), ("[$-804]yyyy/m/d;@", True), ("h:mm AM/PM", True),
    ("0.00", False), ("General", False), ("@", False), ('0"天"', False), ("#,##0.00_);[Red](#,##0.00)", False),
    ("0.00E+00", False), ('"date"0', False),
])
def test_date_formats(code, is_date):
    assert is_date_format(code) is is_date


def test_cells_without_references_follow_each_other():
    """Our own exports (kernel.core.xlsx_stream) write <c/> for a blank and no cell references."""
    data = _replace_sheet(saved(ledger()), (
        '<sheetData><row><c t="inlineStr"><is><t>甲</t></is></c><c/><c><v>3</v></c></row>'
        '<row><c/><c t="inlineStr"><is><t>乙</t></is></c></row></sheetData>'))
    assert our_rows(data) == openpyxl_rows(data) == [(1, ["甲", None, 3]), (2, [None, "乙"])]


def test_prefixed_names_and_phonetic_runs():
    """Some tools write every element with a prefix (<x:row>); Excel keeps furigana-like phonetic runs apart."""
    data = saved(ledger())
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    sheet = ('<?xml version="1.0" encoding="UTF-8"?>'
             '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
             '<x:row r="2"><x:c r="B2" t="inlineStr"><x:is><x:r><x:t>张</x:t></x:r><x:r><x:t>三</x:t></x:r>'
             '<x:rPh sb="0" eb="1"><x:t>zhang</x:t></x:rPh></x:is></x:c><x:c r="C2"><x:v>7</x:v></x:c></x:row>'
             '<x:row r="3"/></x:sheetData></x:worksheet>')
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = sheet.encode() if item.filename == "xl/worksheets/sheet1.xml" else source.read(item.filename)
            target.writestr(item, content)
    assert our_rows(out.getvalue()) == [(2, [None, "张三", 7])]


_cells = st.one_of(
    st.none(),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
    st.integers(min_value=-10**12, max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.dates(min_value=datetime.date(1901, 1, 1), max_value=datetime.date(2099, 12, 31)),
)


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(st.lists(_cells, min_size=1, max_size=6), min_size=1, max_size=6),
       writer=st.sampled_from(["openpyxl", "write_only", "ours"]))
def test_any_values_read_as_openpyxl_reads_them(rows, writer):
    if writer == "ours":
        from kernel.core.xlsx_stream import write_xlsx

        buffer = io.BytesIO()
        write_xlsx(buffer, ["甲", "乙"], rows)
        data = buffer.getvalue()
    else:
        book = Workbook(write_only=writer == "write_only")
        sheet = book.create_sheet() if writer == "write_only" else book.active
        for row in rows:
            sheet.append(row)
        data = saved(book)
    assert our_rows(data) == openpyxl_rows(data)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(xlsx_read, "CHUNK", 7)  # rows and cells cut across reads everywhere
        assert our_rows(data) == openpyxl_rows(data)


def test_rows_without_attributes_across_reads(monkeypatch):
    """<row> with no attributes ends like </row>; a read that stops just after one must not lose its cells."""
    data = _replace_sheet(saved(ledger()), (
        '<sheetData><row><c\n r="A1" t="inlineStr"><is><t>甲</t></is></c></row>'
        '<row><c t="inlineStr"><is><t>乙</t></is></c><c><v>2</v></c></row><row/>'
        '<row><c r="C4"><v>4</v></c></row></sheetData>'))
    expected = [(1, ["甲"]), (2, ["乙", 2]), (4, [None, None, 4])]
    for size in (1, 2, 3, 5, 7, 11, 64):
        monkeypatch.setattr(xlsx_read, "CHUNK", size)
        assert our_rows(data) == expected, size

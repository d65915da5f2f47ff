"""Builds import files the way users do: real xlsx written by openpyxl, CSV in the encodings Excel saves."""
import csv
import datetime
import io

from openpyxl import Workbook, load_workbook

from kernel.core import idcard
from tools.dataio.workbooks import template

MEMBER_HEADER = ["姓名", "性别", "民族", "出生日期", "公民身份号码", "学历", "职业", "联系电话", "所在党组织代码",
                 "党员类别", "申请入党日期", "入党日期", "转正日期", "党员状态", "无职党员类别", "职务", "任职日期"]


def id_number(n: int, birth=datetime.date(1985, 3, 1), gender="male", region="110101") -> str:
    return idcard.make(region, birth + datetime.timedelta(days=n // 400), n % 400, gender)


def member_row(n: int, org="A1", **changes) -> dict:
    birth = datetime.date(1985, 3, 1) + datetime.timedelta(days=n // 400)
    row = {"姓名": f"导入{n}", "性别": "男", "民族": "汉族", "出生日期": birth.isoformat(),
           "公民身份号码": id_number(n), "学历": "高中", "职业": "农牧渔民", "联系电话": f"139{n:08d}",
           "所在党组织代码": org, "党员类别": "正式党员", "申请入党日期": "2008-03-01", "入党日期": "2010-07-01",
           "转正日期": "2011-07-01", "党员状态": "正常", "无职党员类别": "一般务农", "职务": "", "任职日期": ""}
    row.update(changes)
    return row


def xlsx(rows: list[dict], header=None) -> io.BytesIO:
    header = header or list(rows[0]) if rows else MEMBER_HEADER
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(h, "") for h in header])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "import.xlsx"
    return buffer


def filled_template(kind: str, rows: list[list]) -> io.BytesIO:
    """The downloadable template with rows typed into its first sheet."""
    book = load_workbook(io.BytesIO(template(kind)))
    sheet = book.worksheets[0]
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "template.xlsx"
    return buffer


def csv_file(rows: list[dict], encoding="utf-8-sig") -> io.BytesIO:
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    buffer = io.BytesIO(text.getvalue().encode(encoding))
    buffer.name = "import.csv"
    return buffer


def read_back(data: bytes):
    return load_workbook(io.BytesIO(data)).worksheets[0]

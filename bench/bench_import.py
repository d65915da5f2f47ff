"""Import benchmark on PostgreSQL: members per second from CSV and from xlsx, against openpyxl's own read speed.

    PGPORT_THROWAWAY=55470 bash scripts/with-postgres.sh .venv/bin/python bench/bench_import.py [--rows N]

Builds a small tree (a county, townships, branches) with the services, writes the files, then times
import_members as the system would run it (the command's path: check every row, plan, COPY, set-based
writes), a re-import of the same file (all unchanged), and openpyxl's read-only pass over the xlsx.
Appends a section to bench/RESULTS.md with --write.
"""
import argparse
import csv
import datetime
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiceng.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from openpyxl import Workbook, load_workbook  # noqa: E402

from core import idcard  # noqa: E402
from core.actor import acting_as  # noqa: E402
from dataio.members import import_members  # noqa: E402
from orgs.models import Organization  # noqa: E402
from orgs.services import org_create  # noqa: E402
from people.models import Member  # noqa: E402

HEADER = ["姓名", "性别", "出生日期", "公民身份号码", "学历", "职业", "联系电话", "所在党组织代码", "党员类别",
          "申请入党日期", "入党日期", "转正日期", "无职党员类别"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英"


def build_tree(branches: int) -> list[str]:
    county = org_create(user=None, parent=None, code="BENCH", name="基准县委", org_type="committee")
    codes = []
    townships = max(branches // 50, 1)
    for t in range(townships):
        township = org_create(user=None, parent=county, code=f"T{t}", name=f"第{t}镇党委", org_type="party_committee",
                              domain="rural")
        for b in range(branches // townships):
            code = f"T{t}B{b}"
            org_create(user=None, parent=township, code=code, name=f"第{t}镇第{b}村党支部", org_type="branch",
                       domain="rural")
            codes.append(code)
    return codes


def member_rows(first: int, count: int, codes: list[str]):
    base = datetime.date(1950, 1, 1)
    for n in range(first, first + count):
        gender = "male" if (n // 499) % 2 else "female"
        birth = base + datetime.timedelta(days=n // 998)
        number = idcard.make("430581", birth, n % 499 + 1, gender)  # order codes 1..499 are distinct
        name = SURNAMES[n % len(SURNAMES)] + GIVEN[(n // 7) % len(GIVEN)] + GIVEN[(n // 131) % len(GIVEN)]
        yield [name, "男" if gender == "male" else "女", birth.isoformat(), number, "高中", "农牧渔民",
               f"139{n % 10**8:08d}", codes[n % len(codes)], "正式党员", f"{birth.year + 20}-03-01",
               f"{birth.year + 22}-07-01", f"{birth.year + 23}-07-01", "一般务农"]


def write_csv(path: Path, rows) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)


def write_xlsx(path: Path, rows) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("党员信息")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)


def openpyxl_read(path: Path) -> float:
    start = time.perf_counter()
    book = load_workbook(path, read_only=True, data_only=True)
    count = sum(1 for _row in book.worksheets[0].iter_rows(values_only=True))
    book.close()
    return count / (time.perf_counter() - start)


def timed_import(path: Path, expect: str, rows: int) -> tuple[float, dict]:
    start = time.perf_counter()
    with acting_as(None, source="command:import_members"), path.open("rb") as handle:
        plan = import_members(handle, path.name, user=None)
    seconds = time.perf_counter() - start
    assert plan.ok, plan.error_dicts()[:5]
    assert plan.counts[expect] == rows, plan.counts
    return rows / seconds, {"seconds": seconds, **plan.counts}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000, help="members in the CSV file")
    parser.add_argument("--xlsx-rows", type=int, default=1_000_000, help="members in the xlsx file")
    parser.add_argument("--branches", type=int, default=2000)
    parser.add_argument("--write", action="store_true", help="append the results to bench/RESULTS.md")
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "run through scripts/with-postgres.sh"
    call_command("migrate", verbosity=0)
    codes = build_tree(args.branches)
    results = []
    with tempfile.TemporaryDirectory() as folder:
        csv_path, xlsx_path = Path(folder) / "members.csv", Path(folder) / "members.xlsx"
        write_csv(csv_path, member_rows(0, args.rows, codes))
        write_xlsx(xlsx_path, member_rows(args.rows, args.xlsx_rows, codes))
        rate, info = timed_import(csv_path, "created", args.rows)
        results.append(("CSV, new members", args.rows, rate, info["seconds"], "≥ 20,000/s"))
        rate, info = timed_import(csv_path, "unchanged", args.rows)
        results.append(("CSV, same file again (all unchanged)", args.rows, rate, info["seconds"], ""))
        read_rate = openpyxl_read(xlsx_path)
        results.append(("openpyxl read-only pass over the xlsx", args.xlsx_rows, read_rate,
                        args.xlsx_rows / read_rate, ""))
        rate, info = timed_import(xlsx_path, "created", args.xlsx_rows)
        results.append(("xlsx, new members", args.xlsx_rows, rate, info["seconds"],
                        f"≥ 5,000/s and ≥ ½ of openpyxl ({read_rate / 2:,.0f}/s)"))
    assert Member.objects.count() == args.rows + args.xlsx_rows
    root = Organization.objects.get(code="BENCH")
    assert root.subtree_member_count == args.rows + args.xlsx_rows, root.subtree_member_count
    lines = ["", "## Member import (bench/bench_import.py)", "",
             f"2026-11-22 · {platform.node()} · {platform.processor() or platform.machine()} · {os.cpu_count()} CPUs · "
             f"PostgreSQL {connection.pg_version // 10000} · Python {platform.python_version()} · "
             f"{args.branches} branches", "",
             "| what | rows | rows/s | seconds | target |", "|---|---:|---:|---:|---|"]
    for label, rows, rate, seconds, target in results:
        lines.append(f"| {label} | {rows:,} | {rate:,.0f} | {seconds:,.1f} | {target} |")
    lines.append("")
    lines.append("Every row is checked (ID check digit, dates in order, organization in scope) before anything is "
                 "written; the writes are COPY into staging tables and one INSERT / UPDATE per table, with a "
                 "change record per person and membership, in one transaction.")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        results_file = ROOT / "bench" / "RESULTS.md"
        with results_file.open("a", encoding="utf-8") as handle:
            handle.write(text)


if __name__ == "__main__":
    main()

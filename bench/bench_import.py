"""Import benchmark on PostgreSQL: members per second from CSV and from xlsx, against openpyxl's own read speed.

    PGPORT_THROWAWAY=55485 bash scripts/with-postgres.sh .venv/bin/python bench/bench_import.py [--rows N] [--write]

Builds a small tree (a county, townships, branches) with the services, writes the files, then times
import_members as the system would run it (the command's path: check every row, compare, COPY, set-based
writes, counters, statistics, change log): new members from CSV and from xlsx (median of --reps runs, each
on a file of new people), a re-import of the same CSV (all unchanged), openpyxl's read-only pass over each
xlsx, and one import of --big members from CSV (and from xlsx with --big-xlsx). Every import runs in a
process of its own, so that its peak memory (VmHWM) is its own. --write puts the results into the import
section of bench/RESULTS.md.
"""
import argparse
import csv
import datetime
import json
import os
import platform
import resource
import statistics
import subprocess
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

from kernel.core import idcard  # noqa: E402
from kernel.core.actor import acting_as  # noqa: E402
from kernel.orgs.models import Organization  # noqa: E402
from kernel.orgs.services import org_create  # noqa: E402
from kernel.people.models import Member  # noqa: E402
from tools.dataio.members import import_members  # noqa: E402

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
    count = sum(1 for _row in book.worksheets[0].iter_rows(values_only=True)) - 1
    book.close()
    return count / (time.perf_counter() - start)


def peak_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def copy_floor(path: Path) -> float:
    """Rows per second of a bare COPY of the CSV into a table without indexes or checks: the floor under any import."""
    columns = ", ".join(f"c{i} text" for i in range(len(HEADER)))
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE copy_floor ({columns})")
        start = time.perf_counter()
        with path.open("rb") as handle, cursor.cursor.copy("COPY copy_floor FROM STDIN (FORMAT csv, HEADER)") as copy:
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        seconds = time.perf_counter() - start
        cursor.execute("SELECT count(*) FROM copy_floor")
        rows = cursor.fetchone()[0]
        cursor.execute("DROP TABLE copy_floor")
    return rows / seconds


def write_floor(rows: int) -> float:
    """Rows per second of writing what a new-member import writes, and nothing else: plain INSERTs of ``rows``
    people, their memberships and two change records each (copies of the last imported ones, under new keys)
    into the registry's own tables, with their indexes and key checks (made immediate, so that they are timed),
    rolled back afterwards. The floor under the import's writing, on this machine and this registry."""
    from django.db import transaction

    from kernel.core.models import ChangeRecord
    from kernel.people.models import Person

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE floor_person ON COMMIT DROP AS SELECT * FROM people_person "
                       "ORDER BY id DESC LIMIT %s", [rows])
        cursor.execute("CREATE TEMP TABLE floor_member ON COMMIT DROP AS SELECT m.* FROM people_member m "
                       "JOIN floor_person p ON p.id = m.person_id")
        cursor.execute("CREATE TEMP TABLE floor_log ON COMMIT DROP AS SELECT * FROM core_changerecord "
                       "ORDER BY id DESC LIMIT %s", [2 * rows])
        cursor.execute("CREATE TEMP TABLE floor_key ON COMMIT DROP AS SELECT id AS old, "
                       "nextval(pg_get_serial_sequence('people_person', 'id')) AS new FROM floor_person")
        cursor.execute("UPDATE floor_person p SET id = k.new, id_number = 'F' || substr(id_number, 2) "
                       "FROM floor_key k WHERE k.old = p.id")
        cursor.execute("UPDATE floor_member m SET id = nextval(pg_get_serial_sequence('people_member', 'id')), "
                       "person_id = k.new FROM floor_key k WHERE k.old = m.person_id")
        cursor.execute("UPDATE floor_log SET id = nextval(pg_get_serial_sequence('core_changerecord', 'id'))")
        cursor.execute("ANALYZE floor_person, floor_member, floor_log")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        start = time.perf_counter()
        for table, source in (("people_person", "floor_person"), ("people_member", "floor_member"),
                              ("core_changerecord", "floor_log")):
            cursor.execute(f"INSERT INTO {table} SELECT * FROM {source}")
        seconds = time.perf_counter() - start
        assert Person.objects.filter(id_number__startswith="F").count() == rows
        assert ChangeRecord.objects.count() >= 2 * rows
        transaction.set_rollback(True)
    return rows / seconds


def import_once(path: Path, expect: str, rows: int) -> dict:
    """One import in this process (the child's side of ``timed_import``)."""
    start = time.perf_counter()
    with acting_as(None, source="command:import_members"), path.open("rb") as handle:
        plan = import_members(handle, path.name, user=None)
    seconds = time.perf_counter() - start
    assert plan.ok, plan.error_dicts()[:5]
    assert plan.counts[expect] == rows, plan.counts
    return {"seconds": seconds, "rate": rows / seconds, "peak_mb": peak_mb(), **plan.counts}


def timed_import(path: Path, expect: str, rows: int) -> dict:
    """One import in a process of its own, so that its peak memory is its own."""
    out = subprocess.run([sys.executable, __file__, "--child", str(path), expect, str(rows)], check=True,
                         capture_output=True, text=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    print(f"  {path.name}: {expect} {rows:,} in {result['seconds']:.1f} s = {result['rate']:,.0f}/s, "
          f"peak {result['peak_mb']:.0f} MB, load {os.getloadavg()[0]:.1f}", flush=True)
    return result


def median_row(label, rows, results, target=""):
    rates = [r["rate"] for r in results]
    return (label, rows, len(results), statistics.median(rates), min(rates), max(rates),
            statistics.median(r["seconds"] for r in results), max(r["peak_mb"] for r in results), target)


def replace_section(text: str, section: str) -> str:
    """``text`` with its import section replaced by ``section`` (appended when it has none)."""
    heading = "## Member import (bench/bench_import.py)"
    start = text.find(heading)
    if start < 0:
        return text.rstrip("\n") + "\n\n" + section
    end = text.find("\n## ", start + len(heading))
    return text[:start] + section + (text[end + 1:] if end >= 0 else "")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000, help="members in each timed file")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--big", type=int, default=1_000_000, help="members in the one big CSV import (0: none)")
    parser.add_argument("--big-xlsx", type=int, default=0, help="members in the one big xlsx import (0: none)")
    parser.add_argument("--branches", type=int, default=500)
    parser.add_argument("--write", action="store_true", help="put the results into bench/RESULTS.md")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "run through scripts/with-postgres.sh"
    if args.child:
        path, expect, rows = args.child
        print(json.dumps(import_once(Path(path), expect, int(rows))))
        return
    call_command("migrate", verbosity=0)
    codes = build_tree(args.branches)
    load_start = os.getloadavg()
    started = time.perf_counter()
    table, notes = [], []
    first = 0
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        created, unchanged, read_rates, xlsx_created, floor_rates, write_rates = [], [], [], [], [], []
        for rep in range(args.reps):
            path = folder / f"members{rep}.csv"
            write_csv(path, member_rows(first, args.rows, codes))
            first += args.rows
            floor_rates.append(copy_floor(path))
            print(f"  bare COPY {args.rows:,} rows: {floor_rates[-1]:,.0f}/s", flush=True)
            created.append(timed_import(path, "created", args.rows))
            unchanged.append(timed_import(path, "unchanged", args.rows))
            write_rates.append(write_floor(args.rows))
            print(f"  plain INSERT of what the import wrote: {write_rates[-1]:,.0f}/s", flush=True)
            path.unlink()
        table.append(median_row("CSV, new members", args.rows, created, "≥ 20,000/s"))
        table.append(median_row("CSV, same file again (all unchanged)", args.rows, unchanged))
        floor = statistics.median(floor_rates)
        table.append(("baseline: bare COPY of the same CSV (no indexes, no checks)", args.rows, len(floor_rates),
                      floor, min(floor_rates), max(floor_rates), args.rows / floor, None, ""))
        write = statistics.median(write_rates)
        table.append(("baseline: plain INSERT of the people, memberships and change records the import wrote "
                      "(indexes and key checks, nothing read or checked)", args.rows, len(write_rates), write,
                      min(write_rates), max(write_rates), args.rows / write, None, ""))
        created_rate = statistics.median(r["rate"] for r in created)
        notes.append(f"CSV import / bare COPY in the same run: {created_rate / floor:.3f} (median against median).")
        notes.append(f"CSV import / plain INSERT of what it wrote: {created_rate / write:.2f} (median against median).")
        for rep in range(args.reps):
            path = folder / f"members{rep}.xlsx"
            write_xlsx(path, member_rows(first, args.rows, codes))
            first += args.rows
            read_rates.append(openpyxl_read(path))
            print(f"  openpyxl read {args.rows:,} rows: {read_rates[-1]:,.0f}/s", flush=True)
            xlsx_created.append(timed_import(path, "created", args.rows))
            path.unlink()
        read = statistics.median(read_rates)
        table.append(("openpyxl read-only pass over the same xlsx", args.rows, len(read_rates), read,
                      min(read_rates), max(read_rates), args.rows / read, None, ""))
        row = median_row("xlsx, new members", args.rows, xlsx_created,
                         f"≥ 5,000/s and ≥ ½ of openpyxl ({read / 2:,.0f}/s)")
        table.append(row)
        notes.append(f"xlsx import / openpyxl's own read: {row[3] / read:.2f} (median against median).")
        for kind, rows in (("CSV", args.big), ("xlsx", args.big_xlsx)):
            if not rows:
                continue
            path = folder / f"big.{kind.lower()}"
            (write_csv if kind == "CSV" else write_xlsx)(path, member_rows(first, rows, codes))
            first += rows
            result = timed_import(path, "created", rows)
            table.append(median_row(f"{kind}, new members, one run", rows, [result]))
            path.unlink()
    total = Member.objects.count()
    assert total == first, (total, first)
    root = Organization.objects.get(code="BENCH")
    assert root.subtree_member_count == total, root.subtree_member_count
    load_end = os.getloadavg()
    lines = ["## Member import (bench/bench_import.py)", "",
             f"2026-11-22 · {os.cpu_count()} CPUs · PostgreSQL {connection.pg_version // 10000} "
             f"(scripts/with-postgres.sh) · Python {platform.python_version()} · {args.branches} branches · "
             f"load average {load_start[0]:.1f} / {load_start[1]:.1f} / {load_start[2]:.1f} at the start, "
             f"{load_end[0]:.1f} / {load_end[1]:.1f} / {load_end[2]:.1f} at the end "
             f"({(time.perf_counter() - started) / 60:.0f} minutes)", "",
             "| what | rows | runs | rows/s (median) | min–max | seconds (median) | peak RSS MB | target |",
             "|---|---:|---:|---:|---:|---:|---:|---|"]
    for label, rows, runs, rate, low, high, seconds, peak, target in table:
        peak_text = f"{peak:,.0f}" if peak is not None else ""
        lines.append(f"| {label} | {rows:,} | {runs} | {rate:,.0f} | {low:,.0f}–{high:,.0f} | {seconds:,.1f} | "
                     f"{peak_text} | {target} |")
    lines += ["", *notes, "", f"The registry held {total:,} members at the end (every run adds new people).", ""]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        results_file = ROOT / "bench" / "RESULTS.md"
        results_file.write_text(replace_section(results_file.read_text(encoding="utf-8"), text), encoding="utf-8")


if __name__ == "__main__":
    main()

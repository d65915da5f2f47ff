"""Export benchmark: member rows per second and peak memory of core/xlsx_stream.py, against baselines.

    .venv/bin/python bench/bench_export.py [--rows 4000000] [--small 200000] [--repeat 3] [--write]

Rows are generated in Python with the member export's 18 columns and realistic values (distinct names,
ID numbers and phones; dates over sixty years; labels of the enumerations), so the run needs no
province database. Each measurement runs in a fresh process so that its peak resident memory (VmHWM)
is its own. The small size is measured --repeat times for each writer (medians reported): the streamed
writer, openpyxl's write_only mode, and plain CSV; then the streamed writer once at full size.
With --write a section is appended to bench/RESULTS.md (below the marker bench/run.py keeps).
"""
import argparse
import csv
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ANALYSIS_MARKER = "<!-- analysis: kept when bench/run.py rewrites the table above -->"
HEADER = ["姓名", "性别", "民族", "出生日期", "公民身份号码", "学历", "职业", "联系电话", "所在党组织代码",
          "所在党组织名称", "党员类别", "申请入党日期", "入党日期", "转正日期", "党员状态", "无职党员类别", "职务",
          "任职日期"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红文斌玉梅春林海燕德军"
EDUCATION = ["研究生", "大学本科", "大学专科", "中专", "高中", "初中", "小学及以下"]
OCCUPATION = ["工人", "农牧渔民", "专业技术人员", "企事业单位管理人员", "党政机关工作人员", "学生", "离退休人员",
              "其他"]
CLASSES = ["一般农民", "致富能手", "困难党员", "流动党员", "年老体弱", ""]
EPOCH = datetime.date(1940, 1, 1)


POOL = 20_000


def member_rows(count: int):
    """``count`` member rows as the export writes them, cycling through a pool of POOL distinct ones (so that
    the time measured is the writer's; every 500-row batch the writer sees has distinct names and numbers)."""
    pool = list(_distinct_rows(min(count, POOL)))
    return (pool[i % POOL] for i in range(count))


def _distinct_rows(count: int):
    """Member rows with realistic values; one in twelve holds a post."""
    branches = [(f"B{n:06d}", f"第{n}村党支部") for n in range(1, 2_001)]
    for i in range(count):
        birth = EPOCH + datetime.timedelta(days=(i * 7919) % 21900)
        joined = birth + datetime.timedelta(days=6570 + (i * 104729) % 9000)
        code, branch = branches[i % len(branches)]
        post = i % 12 == 0
        yield (
            SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 7) % len(GIVEN)] + GIVEN[(i // 131) % len(GIVEN)],
            "男" if i % 3 else "女", "汉族" if i % 10 else "苗族", birth,
            f"43058{i % 10}{birth:%Y%m%d}{i % 1000:03d}{i % 10}",
            EDUCATION[i % 7], OCCUPATION[(i // 3) % 8], f"13{i % 1_000_000_000:09d}", code, branch,
            "正式党员" if i % 20 else "预备党员", joined - datetime.timedelta(days=400), joined,
            joined + datetime.timedelta(days=365) if i % 20 else None, "正常", CLASSES[i % 6],
            "党支部书记" if post else "", joined.isoformat() if post else "",
        )


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_stream(path: Path, rows) -> None:
    from kernel.core.xlsx_stream import XlsxWriter

    with path.open("wb") as handle, XlsxWriter(handle, HEADER, title="党员") as writer:
        writer.write_rows(rows)


def write_openpyxl(path: Path, rows) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("党员")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)


def write_csv(path: Path, rows) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)


def generate_only(path: Path, rows) -> None:
    for _row in rows:
        pass


WRITERS = {"xlsx_stream": write_stream, "openpyxl_write_only": write_openpyxl, "csv": write_csv,
           "generate_only": generate_only}


def measure(writer: str, rows: int) -> dict:
    """Runs one writer in this process (called in a child process by ``run``)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "members.out"
        source = member_rows(rows)
        start, cpu_start = time.perf_counter(), time.process_time()
        WRITERS[writer](path, source)
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
        size = path.stat().st_size if path.exists() else 0
    return {"writer": writer, "rows": rows, "seconds": seconds, "rows_per_second": rows / seconds,
            "rows_per_cpu_second": rows / max(cpu_seconds, 1e-9),
            "peak_rss_mb": peak_rss_mb(), "file_mb": size / 2**20}


def run(writer: str, rows: int) -> dict:
    output = subprocess.run([sys.executable, __file__, "--measure", writer, "--rows", str(rows)],
                            check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def median_of(results: list[dict]) -> dict:
    return {key: statistics.median([r[key] for r in results]) if isinstance(results[0][key], float) else results[0][key]
            for key in results[0]}


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), "0")
    return (f"{cpu}, {os.cpu_count()} CPUs, {int(memory) / 2**20:.0f} GB RAM, Python {platform.python_version()}, "
            f"load average {os.getloadavg()[0]:.1f} at the start")


def report(small: list[dict], full: dict | None, repeat: int, load: str) -> str:
    lines = [
        "", "## Export: streamed xlsx (bench/bench_export.py)", "",
        f"2026-11-22 · {load}", "",
        f"Member rows (the member export's 18 columns) generated in Python and written by each writer; "
        f"median of {repeat} runs at the small size, each in its own process (the machine is shared: wall-clock "
        "rates depend on its load, CPU-time rates much less); the rows cycle through a pool of "
        f"{POOL:,} distinct ones generated first (in the peak RSS, which is the process's VmHWM; Python 3.11 "
        "alone is about 10 MB). generate_only is the cost of the loop without writing.", "",
        "| writer | rows | rows/s (wall) | rows per CPU second | seconds | peak RSS (MB) | file (MB) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in [*small, *([full] if full else [])]:
        lines.append(f"| {r['writer']} | {r['rows']:,} | {r['rows_per_second']:,.0f} | "
                     f"{r.get('rows_per_cpu_second', 0):,.0f} | {r['seconds']:.1f} | "
                     f"{r['peak_rss_mb']:.0f} | {r['file_mb']:.1f} |")
    by_name = {r["writer"]: r for r in small}
    stream, generated = by_name["xlsx_stream"], by_name["generate_only"]
    writer_only = 1 / (1 / stream["rows_per_second"] - 1 / generated["rows_per_second"])
    lines += ["", f"- The streamed writer alone (the loop's time taken out): {writer_only:,.0f} rows/s; "
              f"{stream['rows_per_second'] / by_name['openpyxl_write_only']['rows_per_second']:.1f}× "
              f"openpyxl's write_only mode and {stream['rows_per_second'] / by_name['csv']['rows_per_second']:.1f}× "
              "Python's csv module in the same run."]
    if full:
        verdict = "meets" if full["rows_per_second"] >= 20_000 and full["peak_rss_mb"] < 300 else "misses"
        lines.append(f"- {full['rows']:,} rows: {full['rows_per_second']:,.0f} rows/s, peak {full['peak_rss_mb']:.0f} MB, "
                     f"{full['file_mb']:.0f} MB file on {(full['rows'] - 1) // 1_048_575 + 1} sheets: {verdict} "
                     "the target (≥ 20,000 rows/s, < 300 MB).")
    lines.append("")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=4_000_000)
    parser.add_argument("--small", type=int, default=200_000)
    parser.add_argument("--baseline", type=int, default=20_000, help="rows for openpyxl (it is slow)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--measure", choices=sorted(WRITERS), help=argparse.SUPPRESS)
    parser.add_argument("--write", action="store_true", help="append the results to bench/RESULTS.md")
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.rows)))
        return
    load = machine()
    small = []
    for writer in ("xlsx_stream", "openpyxl_write_only", "csv", "generate_only"):
        size = args.baseline if writer == "openpyxl_write_only" else args.small
        runs = [run(writer, size) for _ in range(args.repeat)]
        small.append(median_of(runs))
        print(json.dumps(small[-1]), flush=True)
    full = run("xlsx_stream", args.rows) if args.rows > args.small else None
    if full:
        print(json.dumps(full), flush=True)
    text = report(small, full, args.repeat, load)
    print(text)
    if args.write:
        results = ROOT / "bench" / "RESULTS.md"
        existing = results.read_text(encoding="utf-8") if results.exists() else ""
        with results.open("a", encoding="utf-8") as handle:
            if ANALYSIS_MARKER not in existing:  # what follows the marker survives bench/run.py's rewrite
                handle.write(("\n" if existing else "") + ANALYSIS_MARKER + "\n")
            handle.write(text)


if __name__ == "__main__":
    main()

"""Province-scale benchmark: generate the province on PostgreSQL, then time the pages people wait for.

Run through ``make bench`` (a throwaway PostgreSQL server around this script). It prints a Markdown table
and, with --write, rewrites bench/RESULTS.md. Each measurement is N timed repetitions after a few
warm-up ones; medians and 95th percentiles are reported with the number of SQL queries of one request.
"""
import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiceng.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from accounts.models import Grant  # noqa: E402
from core.tree import subtree_bounds  # noqa: E402
from orgs.models import Organization  # noqa: E402
from people import selectors  # noqa: E402
from people.models import Member  # noqa: E402

ANALYSIS_MARKER = "<!-- analysis: kept when bench/run.py rewrites the table above -->"
TARGETS = {"member list": 150.0, "tree level": 50.0}


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


class Bench:
    def __init__(self, reps: int, warmup: int):
        self.reps, self.warmup = reps, warmup
        self.rows = []

    def measure(self, group: str, label: str, action, *, check=None):
        for _ in range(self.warmup):
            action()
        queries = []  # an execute wrapper counts what CaptureQueriesContext loses when a request starts

        def count(execute, sql, params, many, context):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            result = action()
        if check:
            check(result)
        times = []
        for _ in range(self.reps):
            started = time.perf_counter()
            action()
            times.append((time.perf_counter() - started) * 1000)
        row = {"group": group, "label": label, "median": statistics.median(times), "p95": percentile(times, 0.95),
               "queries": len(queries)}
        self.rows.append(row)
        print(f"{group:<12} {label:<58} median {row['median']:8.2f} ms  p95 {row['p95']:8.2f} ms  "
              f"{row['queries']:>3} queries", flush=True)
        return row


def _ok(response):
    if response.status_code != 200:
        raise SystemExit(f"unexpected status {response.status_code}")
    return response


def url_or_none(name, **kwargs):
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def machine() -> dict:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")))
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        buffers = cursor.fetchone()[0]
    return {"cpus": os.cpu_count(), "cpu": cpu, "memory": f"{mem_kb / 1024 / 1024:.1f} GiB",
            "postgresql": pg, "shared_buffers": buffers, "python": platform.python_version(),
            "load": os.getloadavg()}


def generate(scale: str, seed: int) -> float | None:
    if Organization.objects.exists():
        print("Organizations exist: generation skipped.")
        return None
    started = time.monotonic()
    call_command("demo_data", scale=scale, seed=seed)
    return time.monotonic() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", default="province", choices=["county", "city", "province"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--write", default=str(ROOT / "bench" / "RESULTS.md"),
                        help="where to write the results ('' to only print)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("Warning: not on PostgreSQL; the targets are for PostgreSQL.")
    call_command("migrate", verbosity=0)
    generation = generate(args.scale, args.seed)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE") if connection.vendor == "postgresql" else None
    results = run_measurements(args)
    if args.write:
        write_results(Path(args.write), args, generation, results)


def pick_orgs():
    root = Organization.objects.get(parent=None)
    county = (Organization.objects.filter(org_type="committee", depth=root.depth + 2).order_by("path").first()
              or Organization.objects.filter(parent=root, org_type="committee").order_by("path").first() or root)
    township = (Organization.objects.filter(parent=county, org_type="party_committee", domain="rural")
                .order_by("path").first())
    return root, county, township


def county_admin_for(county):
    User = get_user_model()
    user, created = User.objects.get_or_create(username="bench-county-admin")
    if created:
        Grant.objects.create(user=user, role="county_admin", organization=county)
    return user


def run_measurements(args):
    bench = Bench(args.reps, args.warmup)
    root, county, township = pick_orgs()
    print(f"root {root.name}: {root.subtree_org_count:,} organizations, {root.subtree_member_count:,} members; "
          f"county {county.name}: {county.subtree_org_count:,} organizations, {county.subtree_member_count:,} members")
    User = get_user_model()
    province_admin = User.objects.get(username="county")  # county_admin granted on the root
    county_admin = county_admin_for(county)
    as_province, as_county = Client(), Client()
    as_province.force_login(province_admin)
    as_county.force_login(county_admin)

    def sql(statement):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(statement)
                return cursor.fetchall()
        return run

    bench.measure("baseline", "SELECT 1", sql("SELECT 1"))
    bench.measure("baseline", "organization by primary key", lambda: Organization.objects.get(pk=county.pk))
    home = url_or_none("core:home")
    if home:
        bench.measure("baseline", "home page (province admin)", lambda: as_province.get(home))

    members_url = url_or_none("people:member_list")
    filters = {
        "unfiltered": "",
        "female, in poverty": "&status=active&gender=female&classification=poor",
        "age 36-45, university": "&age_band=36-45&education=university",
        "name initials 'zw'": "&q=zw",
    }
    for client, who, org in ((as_province, "province admin", root), (as_province, "province admin", county),
                             (as_county, "county admin", county)):
        for label, query in filters.items():
            if members_url:
                bench.measure("member list", f"{who}: {org.name[:14]} {label}",
                              lambda c=client, q=f"{members_url}?org={org.pk}{query}": _ok(c.get(q)))
                if query:  # a filtered page shows its rows first and asks for its count (up to a cap) after
                    bench.measure("deferred count", f"{who}: {org.name[:14]} {label}",
                                  lambda c=client, q=f"{members_url}?org={org.pk}{query}&count=1": _ok(c.get(q)))
    # the selector alone, for comparison with the page
    for org in (root, county):
        bench.measure("selector", f"member_list()[:50] {org.name[:14]} unfiltered",
                      lambda o=org: list(selectors.member_list(user=province_admin, organization=o)[:50]))
        bench.measure("selector", f"member_list()[:50] {org.name[:14]} female+poor",
                      lambda o=org: list(selectors.member_list(user=province_admin, organization=o, gender="female",
                                                               classification="poor")[:50]))
    for org in (root, county, township):
        url = url_or_none("orgs:children", pk=org.pk)
        if url:
            bench.measure("tree level", f"children of {org.name[:20]} ({org.child_count} shown)",
                          lambda u=url: _ok(as_province.get(u)))
        bench.measure("tree level", f"query: children of {org.name[:20]} with counters",
                      lambda o=org: list(Organization.objects.filter(parent=o).order_by("path")[:200]))
    for org in (root, county):
        bench.measure("subtree", f"counters of {org.name[:20]} (stored)",
                      lambda o=org: Organization.objects.values_list("subtree_member_count", "subtree_org_count")
                      .get(pk=o.pk))
        lo, hi = subtree_bounds(org.path)
        bench.measure("subtree", f"live COUNT of active members under {org.name[:20]}",
                      lambda lo=lo, hi=hi: Member.objects.filter(org_path__gte=lo, org_path__lt=hi,
                                                                 status="active").count())
    return bench.rows


def write_results(path: Path, args, generation, rows):
    info = machine()
    baseline = next(r["median"] for r in rows if r["label"] == "SELECT 1")
    lines = [
        "# Benchmark results",
        "",
        f"Date: {time.strftime('%Y-%m-%d')}. Command: `make bench` (bench/run.py --scale {args.scale} "
        f"--seed {args.seed}, {args.reps} timed repetitions after {args.warmup} warm-up ones).",
        "",
        f"Machine: {info['cpus']} CPUs ({info['cpu']}), {info['memory']} memory; PostgreSQL {info['postgresql']} "
        f"(throwaway server of scripts/with-postgres.sh, shared_buffers {info['shared_buffers']}, fsync off); "
        f"Python {info['python']}. Load average at the end: {', '.join(f'{x:.1f}' for x in info['load'])}.",
        "",
    ]
    root = Organization.objects.get(parent=None)
    if generation is not None:
        lines += [f"Generation of the {args.scale} ({root.subtree_org_count:,} organizations, "
                  f"{root.subtree_member_count:,} members, {Member.objects.count():,} membership rows): "
                  f"{generation / 60:.1f} minutes.", ""]
    lines += [
        "| group | measurement | median ms | p95 ms | × SELECT 1 | queries | target |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in rows:
        target = TARGETS.get(r["group"]) if not r["label"].startswith("query") else None
        verdict = f"p95 < {target:.0f} ms: {'met' if r['p95'] < target else 'MISSED'}" if target else ""
        lines.append(f"| {r['group']} | {r['label']} | {r['median']:.2f} | {r['p95']:.2f} | "
                     f"{r['median'] / baseline:.0f} | {r['queries']} | {verdict} |")
    lines.append("")
    kept = path.read_text().partition(ANALYSIS_MARKER) if path.exists() else ("", "", "")
    if kept[1]:  # the hand-written analysis below the marker survives a rerun
        lines += [ANALYSIS_MARKER + kept[2]]
    path.write_text("\n".join(lines))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()

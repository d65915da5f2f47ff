"""The summary of the province root (GET /api/orgs/{code}/summary) on PostgreSQL, through django.test.Client.

Generates the province as bench/run.py does when the database is empty, rebuilds the statistics set-based
(timed), then reports median and p95 of the summary against a primary-key lookup and a live count measured
in the same run. ``--append`` adds a section to bench/RESULTS.md.
    scripts/with-postgres.sh .venv/bin/python bench/bench_summary.py --append
"""
import argparse
import datetime
import sys
import time

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from run import ROOT, Bench, _ok, generate, machine  # bench/run.py: django is set up on import

from kernel.accounts.models import Grant  # noqa: E402
from kernel.orgs import stats  # noqa: E402
from kernel.orgs.models import Organization, OrgStat  # noqa: E402
from kernel.people.models import Member  # noqa: E402

TARGET_P95_MS = 100.0


def province_admin():
    root = Organization.objects.get(parent=None)
    user, created = get_user_model().objects.get_or_create(username="bench-province-admin")
    if created:
        Grant.objects.create(user=user, role="county_admin", organization=root)
    return user


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", default="province")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reps", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--append", action="store_true", help="append a section to bench/RESULTS.md")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    generation = generate(args.scale, args.seed)
    refresh_seconds = None
    if generation is not None or not OrgStat.objects.exists():
        started = time.monotonic()
        stats.refresh()
        refresh_seconds = time.monotonic() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    root = Organization.objects.get(parent=None)
    client = Client()
    client.force_login(province_admin())
    url = f"/api/orgs/{root.code}/summary"
    summary = _ok(client.get(url)).json()
    active = Member.objects.filter(status="active").count()
    assert summary["members"]["total"] == active, (summary["members"]["total"], active)

    bench = Bench(args.reps, args.warmup)
    bench.measure("baseline", "organization by primary key", lambda: Organization.objects.get(pk=root.pk))
    bench.measure("baseline", "GET /api/me", lambda: _ok(client.get("/api/me")))
    row = bench.measure("summary", f"GET {url} (province root)", lambda: _ok(client.get(url)))
    bench.measure("summary", "stored rows of the root (the query alone)",
                  lambda: list(OrgStat.objects.filter(organization=root).values_list("dimension", "value", "subtree")))
    live = Bench(3, 0)
    live.measure("reference", "live COUNT of active members (one dimension, no breakdown)",
                 lambda: Member.objects.filter(status="active").count())
    rows = bench.rows + live.rows
    verdict = "met" if row["p95"] < TARGET_P95_MS else "MISSED"
    print(f"summary p95 {row['p95']:.1f} ms: target < {TARGET_P95_MS:.0f} ms {verdict}")
    if args.append:
        append_results(args, root, summary, rows, generation, refresh_seconds, verdict)


def append_results(args, root, summary, rows, generation, refresh_seconds, verdict):
    info = machine()
    lines = [
        "",
        f"## Summary of the province root ({datetime.date(2026, 11, 22).isoformat()})",
        "",
        f"Command: `scripts/with-postgres.sh .venv/bin/python bench/bench_summary.py --append` (--scale {args.scale} "
        f"--seed {args.seed}, {args.reps} timed calls after {args.warmup} warm-up ones, django.test.Client with a "
        f"session). Machine: {info['cpus']} CPUs ({info['cpu']}), {info['memory']}; PostgreSQL {info['postgresql']} "
        f"(shared_buffers {info['shared_buffers']}, fsync off); Python {info['python']}; load "
        f"{', '.join(f'{x:.1f}' for x in info['load'])}.",
        "",
        f"Root: {summary['organizations']['total']:,} active organizations, {summary['members']['total']:,} members "
        f"in good standing; {OrgStat.objects.count():,} statistics rows (orgs/stats.py: per organization, "
        "dimension and value, direct and subtree counts; the summary reads the root's rows).",
    ]
    if generation is not None:
        lines.append(f"Generation: {generation / 60:.1f} minutes.")
    if refresh_seconds is not None:
        lines.append(f"Set-based rebuild of every statistics row (`kernel.orgs.stats.refresh()`): {refresh_seconds:.1f} s.")
    lines += ["", "| group | measurement | median ms | p95 ms | queries |", "| --- | --- | ---: | ---: | ---: |"]
    lines += [f"| {r['group']} | {r['label']} | {r['median']:.2f} | {r['p95']:.2f} | {r['queries']} |" for r in rows]
    lines += ["", f"Target: summary p95 < {TARGET_P95_MS:.0f} ms: **{verdict}**.", ""]
    path = ROOT / "bench" / "RESULTS.md"
    with path.open("a") as results:  # append only: others write their sections too
        results.write("\n".join(lines))
    print(f"appended to {path}")


if __name__ == "__main__":
    sys.exit(main())

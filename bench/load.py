"""Load test: the production server (gunicorn, jiceng/gunicorn.conf.py) on PostgreSQL, 64 signed-in users at once.

    make bench-load            # PGPORT_THROWAWAY=55441 bash scripts/with-postgres.sh .venv/bin/python bench/load.py
    DATABASE_URL=postgres://… .venv/bin/python bench/load.py --scales county --duration 15   # a short trial

For each scale (default: county, then city) it makes the database ``<name>_<scale>`` on the server of DATABASE_URL,
migrates it and fills it with ``demo_data --scale …`` unless it already holds organizations (timed), collects the
static files, starts gunicorn with the production settings (DEBUG=0; bench/settings.py adds one bare page) and then,
on the same server process:

1. signs in ``--users`` virtual users (the demo accounts ``county``, ``township``, ``branch``, ``leader``, in turn;
   each user its own session) and warms up for a few seconds;
2. **baseline**: every user asks for /bench/ping/, a signed-in page that reads and renders nothing, for
   ``--baseline-duration`` seconds;
3. **the mix**, for ``--duration`` seconds: the home page (then each of its panels, which the page loads as a
   browser would: "home panel"), the member list of the user's organization (first pages),
   a member search, an organization page within the user's scope, the to-do list, and, for branch secretaries,
   a meeting with its attendance saved (POST /api/orglife/meetings) and a half-yearly report submitted
   (POST /api/reporting/reports); not at the province scale, which is generated without the year's work (its mix is
   the read pages).

The users send requests back to back (no think time): the figures are the server's capacity, and latency is what a
user waits at that throughput. Each user is a thread holding one keep-alive connection (http.client, no
dependency); the load generator runs on the same machine and takes part of its CPU. Requests pass as through a
TLS-terminating proxy (X-Forwarded-Proto: https), so the production security settings stay on. Every loop is
bounded in time; only 127.0.0.1 is addressed.

It prints requests/s, p50/p95/p99 and errors per kind of request, the ratio of the mix's throughput to the
baseline's, and with --write appends the tables to bench/RESULTS.md.
"""
import argparse
import datetime
import http.client
import json
import os
import platform
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "jiceng-demo"
ROLES = ["county", "township", "branch", "leader"]  # the users' accounts, in turn
SEARCH_TERMS = ["王", "李", "张", "zs", "wl", "lj", "刘", "cx", "陈", "hy"]
READ_KINDS = {"home": 3, "member list": 3, "member search": 2, "organization page": 2, "to-do": 2}
BRANCH_WRITES = {"meeting save": 1, "report submit": 1}
TARGETS = {"ratio": 0.25, "p95_ms": 300.0}


# --- the plan: what each account may see, read once from the database ------------------------------------------

def plan_main(scale: str) -> None:
    """Runs inside Django (``load.py --plan``): prints the accounts' organizations, pages and payloads as JSON."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiceng.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from engines.duties.models import Obligation
    from kernel.accounts.models import Grant
    from kernel.core.tree import subtree_q
    from kernel.orgs.models import Organization
    from mechanisms.orglife.services import expected_people

    rng = random.Random(7)
    plan = {"scale": scale, "accounts": {}}
    for username in ROLES:
        user = get_user_model().objects.get(username=username)
        grant = Grant.objects.filter(user=user).select_related("organization").first()
        org = grant.organization
        ids = list(Organization.objects.filter(subtree_q("path", [org.path]), status="active")
                   .values_list("pk", flat=True))
        account = {"org": org.pk, "role": grant.role, "orgs": rng.sample(ids, min(300, len(ids))),
                   "members": org.subtree_member_count}
        if grant.role == "branch_secretary":
            account["people"] = list(expected_people(org).values_list("pk", flat=True)[:80])
            today = datetime.date.today()
            account["report_periods"] = sorted({str(day) for day in Obligation.objects.filter(
                rule__code="village-halfyearly-report", organization=org, period_start__lte=today)
                .values_list("period_start", flat=True)})
        plan["accounts"][username] = account
    root = Organization.objects.get(parent=None)
    plan["size"] = {"organizations": root.subtree_org_count, "members": root.subtree_member_count}
    print(json.dumps(plan))


# --- the server -------------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def ensure_database(url: str, scale: str) -> str:
    import psycopg

    base = urlsplit(url).path.lstrip("/") or "jiceng"
    name = f"{base}_{scale}"
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return with_database(url, name)


def manage(env: dict, *args, capture=False) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, text=True,
                          capture_output=capture)


def populated(env: dict) -> bool:
    code = ("import django; django.setup(); from kernel.orgs.models import Organization; "
            "print(Organization.objects.exists())")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, text=True,
                            capture_output=True)
    return result.stdout.strip() == "True"


class Server:
    def __init__(self, env: dict, port: int, log_dir: Path):
        self.port = port
        self.log = open(log_dir / f"gunicorn-{port}.log", "w")
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-c", "jiceng/gunicorn.conf.py", "jiceng.wsgi"],
            cwd=ROOT, env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited ({self.process.returncode}); see {self.log.name}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/accounts/login/", headers=PROXY_HEADERS)
                if conn.getresponse().status == 200:
                    conn.close()
                    return
            except OSError:
                pass
            time.sleep(0.5)
        self.stop()
        raise SystemExit("gunicorn did not answer within 60 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # the arbiter stops its own workers
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


# --- the users --------------------------------------------------------------------------------------------------

PROXY_HEADERS = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
PANEL_URL = re.compile(r'hx-get="(/home/panels/[^"]+)"')  # the home page's panels, each loaded by the page
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Sample:
    kind: str
    phase: str
    ms: float
    ok: bool
    status: int


@dataclass
class User:
    index: int
    username: str
    account: dict
    port: int
    cookies: dict = field(default_factory=dict)
    conn: http.client.HTTPConnection | None = None
    rng: random.Random = field(default_factory=random.Random)
    panels: list = field(default_factory=list)  # the home page's panels still to load, as a browser would

    def connect(self):
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        headers = {**PROXY_HEADERS, **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):  # a keep-alive connection the server closed is opened again once
            if self.conn is None:
                self.connect()
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        return response.status, data

    def login(self):
        status, page = self.request("GET", "/accounts/login/")
        token = CSRF_INPUT.search(page.decode())
        if status != 200 or not token:
            raise SystemExit(f"login page: {status}")
        body = urlencode({"username": self.username, "password": PASSWORD,
                          "csrfmiddlewaretoken": token.group(1)}).encode()
        status, _ = self.request("POST", "/accounts/login/", body, {
            "Content-Type": "application/x-www-form-urlencoded", "Origin": "https://127.0.0.1",
            "Referer": "https://127.0.0.1/accounts/login/"})
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"login of {self.username}: {status}")

    # one request of each kind: (method, path, body, headers, expected status)
    def pick(self, phase: str):
        if phase == "baseline":
            return "baseline", ("GET", "/bench/ping/", None, {}, 200)
        if self.panels and phase != "baseline":
            return "home panel", ("GET", self.panels.pop(0), None, {}, 200)
        weights = dict(READ_KINDS)
        if self.account["role"] == "branch_secretary" and self.account.get("report_periods"):
            weights.update(BRANCH_WRITES)  # not at the province scale, generated without the year's work
        kind = self.rng.choices(list(weights), list(weights.values()))[0]
        return kind, getattr(self, "req_" + kind.replace(" ", "_").replace("-", "_"))()

    def req_home(self):
        return "GET", "/", None, {}, 200

    def req_member_list(self):
        page = self.rng.choice([1, 1, 1, 2, 3])
        return "GET", f"/people/members/?org={self.account['org']}&page={page}", None, {}, 200

    def req_member_search(self):
        q = urlencode({"q": self.rng.choice(SEARCH_TERMS)})
        return "GET", f"/people/members/?org={self.account['org']}&{q}", None, {}, 200

    def req_organization_page(self):
        return "GET", f"/orgs/{self.rng.choice(self.account['orgs'])}/", None, {}, 200

    def req_to_do(self):
        return "GET", "/duties/todo/", None, {}, 200

    def _json(self, payload):
        return json.dumps(payload).encode(), {"Content-Type": "application/json", "X-CSRFToken": self.cookies["csrftoken"],
                                              "Origin": "https://127.0.0.1", "Referer": "https://127.0.0.1/"}

    def req_meeting_save(self):
        people = self.account["people"]
        day = datetime.date.today() - datetime.timedelta(days=self.rng.randint(0, 20))
        statuses = ["present"] * 8 + ["excused", "absent"]
        body, headers = self._json({
            "organization_id": self.account["org"], "kind": self.rng.choice(["branch_general", "committee", "lecture"]),
            "date": str(day), "topic": f"负载测试会议 {self.index}-{self.rng.randint(1, 10**6)}", "place": "村部会议室",
            "host": "书记", "recorder": "委员",
            "attendance": [{"person_id": pk, "status": self.rng.choice(statuses)} for pk in people]})
        return "POST", "/api/orglife/meetings", body, headers, 201

    def req_report_submit(self):
        body, headers = self._json({
            "rule": "village-halfyearly-report", "organization": self.account["org"],
            "period_start": self.rng.choice(self.account["report_periods"]),
            "title": f"半年党建工作报告（负载测试 {self.index}）", "body": "一、基本情况。二、主要做法。三、存在问题。"})
        return "POST", "/api/reporting/reports", body, headers, 201


def run_phase(users: list[User], phase: str, seconds: float, samples: list, lock: threading.Lock, think: float = 0):
    """Every user sends requests until ``seconds`` are over: back to back, or with a pause after each answer drawn
    from an exponential distribution of mean ``think`` seconds (people reading a page before the next click)."""
    deadline = time.monotonic() + seconds

    def loop(user: User):
        own = []
        if think:
            time.sleep(user.rng.uniform(0, think))  # the users do not all start on the same tick
        while time.monotonic() < deadline:
            kind, (method, path, body, headers, expected) = user.pick("mix" if phase == "paced" else phase)
            started = time.perf_counter()
            try:
                status, page = user.request(method, path, body, headers)
                if kind == "home" and status == 200:
                    user.panels = PANEL_URL.findall(page.decode("utf-8", "replace"))
            except (http.client.HTTPException, OSError):
                status = 0
            own.append(Sample(kind, phase, (time.perf_counter() - started) * 1000, status == expected, status))
            if think:
                time.sleep(min(user.rng.expovariate(1 / think), deadline - time.monotonic(), 5 * think) if
                           deadline > time.monotonic() else 0)
        with lock:
            samples.extend(own)

    threads = [threading.Thread(target=loop, args=(user,), daemon=True) for user in users]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 120)
    return time.monotonic() - started


def percentile(values, share):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def summarize(samples: list[Sample], seconds: float) -> dict:
    rows = {}
    for kind in dict.fromkeys(s.kind for s in samples):
        own = [s for s in samples if s.kind == kind]
        times = [s.ms for s in own]
        errors = [s.status for s in own if not s.ok]
        rows[kind] = {"requests": len(own), "rps": len(own) / seconds, "p50": percentile(times, 0.5),
                      "p95": percentile(times, 0.95), "p99": percentile(times, 0.99), "errors": len(errors),
                      "statuses": sorted(set(errors))}
    times = [s.ms for s in samples]
    rows["all"] = {"requests": len(samples), "rps": len(samples) / seconds, "p50": percentile(times, 0.5),
                   "p95": percentile(times, 0.95), "p99": percentile(times, 0.99),
                   "errors": sum(1 for s in samples if not s.ok), "statuses": []}
    return rows


def table(title: str, rows: dict) -> list[str]:
    lines = [f"**{title}**", "", "| request | requests | req/s | p50 ms | p95 ms | p99 ms | errors |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for kind, r in rows.items():
        errors = f"{r['errors']}" + (f" ({', '.join(map(str, r['statuses']))})" if r["statuses"] else "")
        name = "**all**" if kind == "all" else kind
        lines.append(f"| {name} | {r['requests']:,} | {r['rps']:.1f} | {r['p50']:.0f} | {r['p95']:.0f} | "
                     f"{r['p99']:.0f} | {errors} |")
    return lines + [""]


def run_scale(args, scale: str, first: bool, log_dir: Path) -> dict:
    db_url = ensure_database(os.environ["DATABASE_URL"], scale)
    secret = secrets.token_urlsafe(48)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DATABASE_URL=db_url, DEBUG="0", SECRET_KEY=secret, ALLOWED_HOSTS="127.0.0.1",
               DJANGO_SETTINGS_MODULE="bench.settings", GUNICORN_ACCESS_LOG=str(log_dir / f"access-{scale}.log"))
    if args.workers:
        env["GUNICORN_WORKERS"] = str(args.workers)
    if args.threads:
        env["GUNICORN_THREADS"] = str(args.threads)
    manage(env, "migrate", "-v0")
    generation = None
    if not populated(env):
        print(f"== generating the {scale} (demo_data --scale {scale}) ==", flush=True)
        started = time.monotonic()
        manage(env, "demo_data", "--scale", scale, capture=True)
        generation = time.monotonic() - started
        print(f"   {generation / 60:.1f} minutes", flush=True)
        if not args.no_vacuum:
            import psycopg
            with psycopg.connect(db_url, autocommit=True) as conn:
                conn.execute("VACUUM ANALYZE")
    plan = json.loads(subprocess.run([sys.executable, __file__, "--plan", scale], cwd=ROOT, env=env, check=True,
                                     text=True, capture_output=True).stdout)
    port = free_port()
    server = Server(env, port, log_dir)
    try:
        users = [User(i, ROLES[i % len(ROLES)], plan["accounts"][ROLES[i % len(ROLES)]], port,
                      rng=random.Random(i)) for i in range(args.users)]
        for user in users:
            user.login()
        samples: list[Sample] = []
        lock = threading.Lock()
        run_phase(users, "mix", args.warmup, [], lock)  # every worker thread's connection opened, caches warm
        baseline_seconds = run_phase(users, "baseline", args.baseline_duration, samples, lock)
        baseline = summarize([s for s in samples if s.phase == "baseline"], baseline_seconds)
        print("\n".join(table(f"{scale}: baseline", baseline)), flush=True)
        duration = args.duration if first else (args.other_duration or args.duration)
        mix_seconds = run_phase(users, "mix", duration, samples, lock)
        mix = summarize([s for s in samples if s.phase == "mix"], mix_seconds)
        print("\n".join(table(f"{scale}: mix", mix)), flush=True)
        paced = paced_seconds = None
        if args.think:
            paced_seconds = run_phase(users, "paced", duration, samples, lock, think=args.think)
            paced = summarize([s for s in samples if s.phase == "paced"], paced_seconds)
            print("\n".join(table(f"{scale}: the mix, {args.users} users pausing {args.think:.0f} s on average",
                                   paced)), flush=True)
        # one user at a time (one of each account, then the baseline): each request's own time, without the queue
        solo: list[Sample] = []
        share = args.solo_duration / (len(ROLES) + 1)
        for user in users[:len(ROLES)]:
            run_phase([user], "mix", share, solo, lock)
        run_phase(users[:1], "baseline", share, solo, lock)
        solo_rows = summarize(solo, args.solo_duration)
        print("\n".join(table(f"{scale}: one user at a time", solo_rows)), flush=True)
    finally:
        server.stop()
    return {"scale": scale, "size": plan["size"], "generation": generation, "baseline": baseline, "mix": mix,
            "baseline_seconds": baseline_seconds, "mix_seconds": mix_seconds, "load": os.getloadavg(), "solo": solo_rows,
            "paced": paced, "paced_seconds": paced_seconds}


def server_settings(args) -> str:
    workers = args.workers or 2 * os.cpu_count() + 1
    threads = args.threads or 4
    return f"gunicorn gthread, {workers} workers × {threads} threads (jiceng/gunicorn.conf.py)"


def report(args, results: list[dict]) -> list[str]:
    lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines()
    model = next((line.split(":", 1)[1].strip() for line in lscpu if line.startswith("Model name")), "unknown")
    import psycopg
    with psycopg.connect(with_database(os.environ["DATABASE_URL"], "postgres")) as conn:
        pg = conn.execute("SHOW server_version").fetchone()[0]
    lines = [f"## Load: 64 users on gunicorn (`make bench-load`, {datetime.date.today()})", "",
             f"Machine: `nproc` {os.cpu_count()}, {model}; PostgreSQL {pg} (scripts/with-postgres.sh, fsync off); "
             f"Python {platform.python_version()}; {server_settings(args)}; {args.users} users, no think time; "
             f"baseline {args.baseline_duration:.0f} s then the mix {args.duration:.0f} s"
             + (f" ({args.other_duration:.0f} s at the other scales)" if args.other_duration else "") + ".", ""]
    for r in results:
        gen = f", generated in {r['generation'] / 60:.1f} min" if r["generation"] else ""
        lines += [f"### {r['scale']}: {r['size']['organizations']:,} organizations, {r['size']['members']:,} members"
                  f"{gen}; load average after: {', '.join(f'{x:.1f}' for x in r['load'])}", ""]
        lines += table("baseline: /bench/ping/ (signed in, reads nothing)", r["baseline"])
        lines += table("the mix", r["mix"])
        lines += table("one user at a time (each account in turn, then the baseline): a request's own time",
                       r["solo"])
        if r.get("paced"):
            lines += table(f"the mix as people use it: {args.users} users, each pausing {args.think:.0f} s on average "
                           "(exponential) after an answer", r["paced"])
        ratio = r["mix"]["all"]["rps"] / r["baseline"]["all"]["rps"]
        p95 = r["mix"]["all"]["p95"]
        errors = r["mix"]["all"]["errors"] + r["baseline"]["all"]["errors"]
        lines += [f"Mix / baseline throughput: {ratio:.2f} (target ≥ {TARGETS['ratio']:.2f}: "
                  f"{'met' if ratio >= TARGETS['ratio'] else 'MISSED'}); mix p95 back to back {p95:.0f} ms (target < "
                  f"{TARGETS['p95_ms']:.0f} ms: {'met' if p95 < TARGETS['p95_ms'] else 'MISSED'}); errors {errors} "
                  f"(target 0: {'met' if errors == 0 else 'MISSED'}).", ""]
        if r.get("paced"):
            paced = r["paced"]["all"]
            lines += [f"As people use it ({args.users} users pausing {args.think:.0f} s): {paced['rps']:.1f} req/s, "
                      f"p95 {paced['p95']:.0f} ms (target < {TARGETS['p95_ms']:.0f} ms: "
                      f"{'met' if paced['p95'] < TARGETS['p95_ms'] else 'MISSED'}), errors {paced['errors']}.", ""]
    if len(results) > 1:
        kinds = [k for k in [*READ_KINDS, "home panel"] if all(k in r["mix"] and k in r["solo"] for r in results)]
        lines += ["Read pages' p95 (ms) by scale, under the 64 users and one user at a time:", "",
                  "| request | " + " | ".join(f"{r['scale']}, 64 users" for r in results) + " | "
                  + " | ".join(f"{r['scale']}, one user" for r in results) + " |",
                  "| --- | " + " | ".join("---:" for _ in results * 2) + " |"]
        for kind in kinds:
            lines.append(f"| {kind} | " + " | ".join(f"{r['mix'][kind]['p95']:.0f}" for r in results) + " | "
                         + " | ".join(f"{r['solo'][kind]['p95']:.0f}" for r in results) + " |")
        lines.append("")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plan", help=argparse.SUPPRESS)
    parser.add_argument("--scales", default="county,city")
    parser.add_argument("--users", type=int, default=64)
    parser.add_argument("--duration", type=float, default=120, help="seconds of the mix (the first scale)")
    parser.add_argument("--other-duration", type=float, default=60, help="seconds of the mix at the other scales")
    parser.add_argument("--baseline-duration", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=10)
    parser.add_argument("--solo-duration", type=float, default=40,
                        help="seconds of requests one user at a time, after the mix")
    parser.add_argument("--think", type=float, default=5.0,
                        help="after the back-to-back mix, the same mix with each user pausing this many seconds on "
                             "average after each answer (0: skip)")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: its config's)")
    parser.add_argument("--threads", type=int, default=0, help="threads per worker (default: its config's)")
    parser.add_argument("--no-vacuum", action="store_true")
    parser.add_argument("--write", action="store_true", help="append the results to bench/RESULTS.md")
    args = parser.parse_args()
    if args.plan:
        return plan_main(args.plan)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL server (make bench-load starts one)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(48), ALLOWED_HOSTS="127.0.0.1")
    print("== collectstatic ==", flush=True)
    manage(env, "collectstatic", "--noinput", "-v0")
    log_dir = Path(tempfile.mkdtemp(prefix="jiceng-load-"))
    print(f"gunicorn logs in {log_dir}", flush=True)
    results = [run_scale(args, scale, i == 0, log_dir) for i, scale in enumerate(args.scales.split(","))]
    lines = report(args, results)
    print("\n".join(lines))
    if args.write:
        path = ROOT / "bench" / "RESULTS.md"
        path.write_text(path.read_text().rstrip("\n") + "\n\n" + "\n".join(lines))


if __name__ == "__main__":
    main()

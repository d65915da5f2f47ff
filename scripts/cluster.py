"""Several app servers, a worker and one store, on this machine: the deployment of README "Deployment" at small scale.

Run by scripts/cluster.sh inside a throwaway PostgreSQL (DATABASE_URL). Starts Redis (the Celery broker), two
gunicorn app servers on different ports, each in its own working directory with its own empty MEDIA_ROOT (no
folder is shared: files live in the database storage, FILE_STORAGE=kernel.core.dbstorage.DatabaseStorage), a Celery
worker in a third directory, and nginx balancing the two servers. Then, over HTTP with an API token:

1. an import with errors is uploaded through server A, the worker checks it, its progress and error workbook are
   read and downloaded through server B;
2. a good import through A is written by the worker and seen through B;
3. the worker is killed in the middle of a big import: the job is failed within a minute (its heartbeat stopped),
   nothing of it was written, and once a worker runs again a retry writes it all;
4. server A is killed: nginx and server B go on serving;
5. no server and no worker wrote a file to its own disk.

Every step prints what it saw; any failure ends the script with a non-zero status.
"""
import csv
import io
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
BIN = ROOT / ".venv" / "bin"
BIG_ROWS = int(os.environ.get("CLUSTER_BIG_ROWS", "150000"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def say(text: str) -> None:
    print(f"[cluster {time.strftime('%H:%M:%S')}] {text}", flush=True)


def wait_for_port(port: int, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"nothing listens on {port} after {seconds} s")


class Cluster:
    def __init__(self):
        self.base = Path(tempfile.mkdtemp(prefix="jiceng-cluster-"))
        self.processes: dict[str, subprocess.Popen] = {}
        self.redis_port, self.nginx_port = free_port(), free_port()
        self.ports = {"a": free_port(), "b": free_port()}
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "jiceng.settings", "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECURE_SSL_REDIRECT": "0",
            "FILE_STORAGE": "kernel.core.dbstorage.DatabaseStorage",
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{self.redis_port}/0", "JOBS_MODE": "celery",
            "CACHE_URL": f"redis://127.0.0.1:{self.redis_port}/1",
            "IMPORT_MAX_ROWS": str(BIG_ROWS + 1000), "GUNICORN_WORKERS": "2", "GUNICORN_THREADS": "4",
            "GUNICORN_ACCESS_LOG": "", "PYTHONPATH": str(ROOT), "TRUSTED_PROXY_COUNT": "1",
        }

    def folder(self, name: str) -> Path:
        path = self.base / name
        (path / "media").mkdir(parents=True, exist_ok=True)
        return path

    def start(self, name: str, command: list, *, cwd: Path, **env) -> subprocess.Popen:
        log = (self.base / f"{name}.log").open("w")
        process = subprocess.Popen(command, cwd=cwd, env={**self.env, **env}, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        self.processes[name] = process
        return process

    def kill(self, name: str) -> None:
        process = self.processes.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(30)

    def manage(self, *args: str) -> str:
        done = subprocess.run([str(PYTHON), str(ROOT / "manage.py"), *args], cwd=self.base, env=self.env,
                              capture_output=True, text=True, timeout=1200)
        if done.returncode:
            raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def start_server(self, name: str) -> None:
        folder = self.folder(f"server-{name}")
        self.start(f"server-{name}", [str(BIN / "gunicorn"), "-c", str(ROOT / "jiceng" / "gunicorn.conf.py"),
                                      "--bind", f"127.0.0.1:{self.ports[name]}", "jiceng.wsgi"],
                   cwd=folder, MEDIA_ROOT=str(folder / "media"))

    def start_worker(self) -> None:
        folder = self.folder("worker")
        self.start("worker", [str(BIN / "celery"), "-A", "jiceng", "worker", "--concurrency=1", "--pool=prefork",
                              "--loglevel=INFO", "--without-gossip", "--without-mingle"],
                   cwd=folder, MEDIA_ROOT=str(folder / "media"))

    def start_nginx(self) -> None:
        upstream = "\n".join(f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=30s;" for port in self.ports.values())
        conf = self.base / "nginx.conf"
        conf.write_text(f"""
user root;
worker_processes 1;
pid {self.base}/nginx.pid;
error_log {self.base}/nginx-error.log;
events {{ worker_connections 256; }}
http {{
  access_log off;
  client_body_temp_path {self.base}/nginx-body;
  proxy_temp_path {self.base}/nginx-proxy;
  client_max_body_size 60m;
  upstream jiceng {{
{upstream}
  }}
  server {{
    listen 127.0.0.1:{self.nginx_port};
    location / {{
      proxy_pass http://jiceng;
      proxy_next_upstream error timeout http_502 http_503;
      proxy_connect_timeout 2s;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
    }}
  }}
}}
""")
        self.start("nginx", ["/usr/sbin/nginx", "-c", str(conf), "-p", str(self.base), "-g", "daemon off;"],
                   cwd=self.base)

    def stop(self) -> None:
        for name in list(self.processes):
            try:
                self.kill(name)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass

    def logs(self) -> None:
        for log in sorted(self.base.glob("*.log")):
            print(f"----- {log.name} (last lines) -----")
            print("\n".join(log.read_text(errors="replace").splitlines()[-25:]))


class Client:
    """The API through one address (a server, or nginx), with the county's token."""

    def __init__(self, port: int, token: str):
        self.url = f"http://127.0.0.1:{port}"
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.session.headers["Accept-Language"] = "en"

    def get(self, path: str, **kwargs):
        return self.session.get(self.url + path, timeout=30, **kwargs)

    def post(self, path: str, **kwargs):
        return self.session.post(self.url + path, timeout=120, **kwargs)


def member_csv(rows: int, villages: list[str], *, start: int, bad: int = 0) -> bytes:
    """``rows`` new members spread over ``villages``; the last ``bad`` name an organization that does not exist."""
    from tests.import_files import member_row

    text = io.StringIO()
    writer = None
    for n in range(start, start + rows):
        org = "NO-SUCH-ORG" if n >= start + rows - bad else villages[n % len(villages)]
        row = member_row(n, org=org)
        row["姓名"] = f"集群{n}"
        if writer is None:
            writer = csv.DictWriter(text, fieldnames=list(row))
            writer.writeheader()
        writer.writerow(row)
    return text.getvalue().encode("utf-8-sig")


def follow(client: Client, job_id: int, *, seconds: float = 600, until=None) -> dict:
    """Polls the job until it is finished (or ``until(job)`` holds); returns it."""
    end = time.monotonic() + seconds
    seen = None
    while time.monotonic() < end:
        job = client.get(f"/api/jobs/{job_id}").json()
        progress = (job["state"], job["progress"]["percent"], job["progress"]["phase"])
        if progress != seen:
            say(f"  job {job_id} via {client.url}: {job['state']} {job['progress']['percent']}% "
                f"{job['progress']['phase']}")
            seen = progress
        if (until and until(job)) or job["state"] in ("succeeded", "failed"):
            return job
        time.sleep(0.1)
    raise SystemExit(f"job {job_id} did not finish in {seconds} s")


def people_named(prefix: str) -> int:
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"]) as connection:
        return connection.execute("SELECT count(*) FROM people_person WHERE name LIKE %s",
                                  [prefix + "%"]).fetchone()[0]


def check(condition: bool, text: str) -> None:
    if not condition:
        raise SystemExit(f"FAILED: {text}")
    say(f"ok: {text}")


def main() -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiceng.settings")
    import django

    django.setup()  # only to write the member rows as the tests do (tests.import_files)
    cluster = Cluster()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stopped from outside: still stop every process
    try:
        say(f"working in {cluster.base}; PostgreSQL {os.environ['DATABASE_URL'].rsplit('@', 1)[-1]}")
        cluster.manage("migrate", "-v0")
        cluster.manage("demo_data", "--scale", "county", "--registries-only")
        cluster.manage("collectstatic", "--noinput", "-v0")
        token = cluster.manage("create_api_token", "county", "--name", "cluster").strip().splitlines()[-1]
        cluster.start("redis", ["redis-server", "--port", str(cluster.redis_port), "--bind", "127.0.0.1",
                                "--save", "", "--appendonly", "no"], cwd=cluster.folder("redis"))
        wait_for_port(cluster.redis_port)
        for name in cluster.ports:
            cluster.start_server(name)
        cluster.start_worker()
        for port in cluster.ports.values():
            wait_for_port(port)
        cluster.start_nginx()
        wait_for_port(cluster.nginx_port)
        a, b, front = (Client(cluster.ports["a"], token), Client(cluster.ports["b"], token),
                       Client(cluster.nginx_port, token))
        say(f"servers A :{cluster.ports['a']}, B :{cluster.ports['b']}, nginx :{cluster.nginx_port}, "
            f"redis :{cluster.redis_port}")

        orgs = front.get("/api/orgs?org_type=branch&domain=rural&limit=200")
        villages = [org["code"] for org in orgs.json()["items"]]
        check(len(villages) > 5, f"the county's organizations read through nginx ({len(villages)} branches)")

        # 1. errors: uploaded through A, followed and downloaded through B
        data = member_csv(2000, villages, start=1, bad=3)
        job = a.post("/api/imports/members", files={"file": ("errors.csv", data, "text/csv")}).json()
        job = follow(b, job["id"])
        check(job["state"] == "failed" and len({e["row"] for e in job["errors"]}) == 3,
              "an import with 3 bad rows is refused whole, its errors read through server B")
        download = b.get(urlsplit(job["result_url"]).path)
        sheet = load_workbook(io.BytesIO(download.content), read_only=True).worksheets[0]
        marked = [row for row in sheet.iter_rows(values_only=True) if row and row[-1] and "NO-SUCH-ORG" in str(row)]
        check(download.status_code == 200 and len(marked) == 3,
              "the error workbook downloaded through server B marks the 3 rows")
        check(people_named("集群") == 0, "nothing of the refused import was written")

        # 2. a good import through A, written by the worker, seen through B
        job = a.post("/api/imports/members", files={"file": ("good.csv", member_csv(2000, villages, start=10_000),
                                                              "text/csv")}).json()
        job = follow(b, job["id"])
        check(job["state"] == "succeeded" and job["counts"].get("created") == 2000,
              "an import of 2,000 members uploaded through A is written by the worker, seen through B")

        # 3. the worker killed in the middle of a big import
        big = member_csv(BIG_ROWS, villages, start=100_000)
        say(f"a big import: {BIG_ROWS:,} rows, {len(big) / 1e6:.1f} MB")
        job = a.post("/api/imports/members", files={"file": ("big.csv", big, "text/csv")}).json()
        # killed once it writes (the rows checked, the registry being written in one transaction)
        seen = follow(b, job["id"], until=lambda j: j["state"] == "running" and j["progress"]["phase"].startswith(
            "Writing"))
        check(seen["state"] == "running", f"the big import is writing when the worker is killed ({seen['progress']})")
        cluster.kill("worker")
        killed = time.monotonic()
        say("worker killed")
        job = follow(front, job["id"], seconds=120)
        noticed = time.monotonic() - killed
        check(job["state"] == "failed", f"the killed worker's job is failed, after {noticed:.0f} s")
        check(noticed <= 60, "within a minute")
        check(people_named("集群") == 2000, "nothing of the killed import was written")
        cluster.start_worker()
        again = front.post(f"/api/jobs/{job['id']}/retry")
        check(again.status_code == 202, "the failed job is started again through nginx")
        again = follow(b, again.json()["id"], seconds=900)
        check(again["state"] == "succeeded" and again["counts"].get("created") == BIG_ROWS,
              f"the retry writes all {BIG_ROWS:,} rows")
        check(people_named("集群") == 2000 + BIG_ROWS, "every member is there once")

        # 4. server A killed: nginx and B go on
        cluster.kill("server-a")
        say("server A killed")
        answers = [front.get("/api/orgs?limit=5").status_code for _ in range(30)]
        check(all(status == 200 for status in answers), f"30 requests through nginx after A died: {set(answers)}")
        check(b.get("/api/jobs?limit=5").status_code == 200, "server B serves")

        # 5. no folder of a server or the worker holds a file
        written = [path for path in cluster.base.glob("*/media/**/*") if path.is_file()]
        check(not written, f"no server or worker wrote a file to its own disk ({len(written)} found)")
        say("the cluster held")
        return 0
    except BaseException:
        cluster.logs()
        raise
    finally:
        cluster.stop()
        shutil.rmtree(cluster.base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

"""Hostile uploads at full size against a real server: what each costs the server's memory, and whether another
user can write meanwhile.

    .venv/bin/python bench/bench_uploads.py          # the embedded default: SQLite, jobs in the web process

Starts gunicorn (one worker process, so its peak resident memory, VmHWM, is the whole server's) on a fresh SQLite
database with the small demo county, signs in as the county, then for each file: uploads it through the import
page, follows the check until it ends, and meanwhile has a second user sign in and save (a write) every half
second. Reports the server's peak memory before and after, the time to the refusal, and the other user's writes
(all must succeed). The same files, a hundred times smaller, are in tests/test_uploads_hostile.py.
"""
import io
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
MB = 1024 * 1024


def peak_mb(pid: int) -> float:
    """The peak resident memory of a process and its children (gunicorn's master and worker)."""
    total = 0
    for process in [pid, *_children(pid)]:
        text = Path(f"/proc/{process}/status").read_text()
        total = max(total, int(re.search(r"VmHWM:\s+(\d+)", text).group(1)))
    return total / 1024


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def xlsx_parts(sheet_rows, strings=None) -> io.BytesIO:
    sys.path.insert(0, str(ROOT))
    from tests.test_uploads_hostile import raw_xlsx

    return raw_xlsx(sheet_rows, strings=strings)


def files():
    from tests.import_files import MEMBER_HEADER

    yield "1,000,000 short rows (xlsx)", "million.xlsx", xlsx_parts(
        [MEMBER_HEADER, *([f"导入{n}", "男"] for n in range(1_000_000))])
    yield "one 300 MB cell (xlsx, shared string)", "cell.xlsx", xlsx_parts(
        [MEMBER_HEADER, [("s", 0), "男"]], strings=["0" * (300 * MB)])
    yield "one 300 MB cell (xlsx, inline)", "inline.xlsx", xlsx_parts([MEMBER_HEADER, ["0" * (300 * MB), "男"]])
    csv = io.BytesIO((",".join(MEMBER_HEADER) + "\n" + "导入,男\n" * 4_000_000).encode())
    yield f"{len(csv.getvalue()) / MB:.0f} MB CSV of short rows", "big.csv", csv
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (2000 * MB))
    yield "zip bomb (2 GB unpacked)", "bomb.xlsx", bomb


def main() -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiceng.settings")
    import django

    django.setup()  # only to build the files as the tests do (tests.import_files, tests.test_uploads_hostile)
    base = Path(tempfile.mkdtemp(prefix="jiceng-uploads-"))
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{base / 'db.sqlite3'}", "DEBUG": "1",
           "SECRET_KEY": secrets.token_urlsafe(50), "MEDIA_ROOT": str(base / "media"), "JOBS_MODE": "thread",
           "UPLOAD_MAX_BYTES": str(300 * MB), "GUNICORN_ACCESS_LOG": ""}
    manage = [str(BIN / "python"), str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "demo_data", "--scale", "county", "--registries-only"], env=env, check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    port = 18000 + os.getpid() % 1000
    server = subprocess.Popen([str(BIN / "gunicorn"), "-c", str(ROOT / "jiceng" / "gunicorn.conf.py"), "--bind",
                               f"127.0.0.1:{port}", "--workers", "1", "--timeout", "600", "jiceng.wsgi"],
                              env=env, cwd=ROOT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                requests.get(url + "/accounts/login/", timeout=30)
                break
            except requests.RequestException:
                time.sleep(0.3)
        uploader, other = _signed_in(url, "county"), _signed_in(url, "township")
        print(f"server ready; peak memory {peak_mb(server.pid):.0f} MB")
        print("| file | size | server peak MB after | time to the refusal s | other user's writes ok / tried | message |")
        print("|---|---:|---:|---:|---:|---|")
        for label, name, data in files():
            size = len(data.getvalue())
            writes = {"ok": 0, "tried": 0}
            done = threading.Event()

            def write_meanwhile(done=done, writes=writes):
                while not done.is_set():
                    writes["tried"] += 1
                    page = other.get(url + "/", timeout=30)  # a page view saves the session: a write
                    writes["ok"] += page.status_code == 200
                    time.sleep(0.5)

            thread = threading.Thread(target=write_meanwhile)
            thread.start()
            started = time.monotonic()
            token = uploader.cookies["csrftoken"]
            response = uploader.post(url + "/imports/members/upload/", files={"file": (name, data.getvalue())},
                                     data={"csrfmiddlewaretoken": token}, headers={"Referer": url + "/imports/"},
                                     timeout=600, allow_redirects=True)
            message = ""
            for _ in range(1200):
                page = uploader.get(response.url, timeout=30).text
                if "import-checking" not in page:
                    found = re.search(r'<table class="table table-sm table-striped" id="import-errors">.*?<td>'
                                      r'[^<]*</td><td>[^<]*</td><td>([^<]+)</td>', page, re.S)
                    message = found.group(1) if found else ("413" if response.status_code == 413 else "?")
                    break
                time.sleep(0.5)
            seconds = time.monotonic() - started
            done.set()
            thread.join()
            print(f"| {label} | {size / MB:.1f} MB | {peak_mb(server.pid):.0f} | {seconds:.1f} | "
                  f"{writes['ok']} / {writes['tried']} | {message[:80]} |", flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
    return 0


def _signed_in(url: str, username: str) -> requests.Session:
    session = requests.Session()
    session.get(url + "/accounts/login/")
    response = session.post(url + "/accounts/login/", data={
        "username": username, "password": "jiceng-demo", "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": url + "/accounts/login/"})
    assert response.ok, response.status_code
    return session


if __name__ == "__main__":
    sys.exit(main())

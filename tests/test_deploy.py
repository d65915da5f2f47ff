"""The production server: Django's deployment checks, and gunicorn with jiceng/gunicorn.conf.py serving a page and a
static file the way `make serve` does (DEBUG off, whitenoise, collected and hashed static files)."""
import http.client
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
STRONG_KEY = "w3Lq-8Zt_Nb5Xe2Rk7Vm0Gc4Hy9Ja6Ps1Dn8Uf3Ti5Ko2Eh7Mz4Qx0Cv6Bj9Yr1Sl"
SETTINGS_NAMES = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "CONN_MAX_AGE", "SECURE_SSL_REDIRECT",
                  "SECURE_HSTS_SECONDS", "PYTHONPATH")
# collectstatic of the whole front end (every build of echarts and bootstrap, the API docs' scripts) takes a minute
# or more; the login page links none of these, so the test collects the tree without them (names, not paths: a
# vendor folder's files are matched without its prefix).
IGNORE = ["ninja", "echarts*", "extension", "*.rtl.*", "bootstrap.css*", "bootstrap.js*", "bootstrap.esm*",
          "bootstrap.bundle.js*", "bootstrap.min.js*", "bootstrap-grid*", "bootstrap-reboot*", "bootstrap-utilities*",
          "*.scss", "*.ts", "bootstrap-icons.css", "bootstrap-icons.json", "htmx.js", "htmx.esm*", "htmx.amd*",
          "htmx.cjs*", "ext"]


def production_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_NAMES and not k.startswith("DJANGO_")}
    env.update({"DEBUG": "0", "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "127.0.0.1,localhost", **extra})
    return env


def run(args, env, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True,
                          timeout=timeout)


def test_the_deployment_checks_pass_without_a_warning(tmp_path):
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'check.sqlite3'}",
                         DJANGO_SETTINGS_MODULE="jiceng.settings", ALLOWED_HOSTS="x")
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in result.stdout, output
    assert "WARNING" not in output and "W0" not in output, output


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str, *, proxied=True, **headers) -> tuple[int, dict, bytes]:
    """A GET as the TLS proxy in front sends it (X-Forwarded-Proto), or straight from a client."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Host": "127.0.0.1", **({"X-Forwarded-Proto": "https"} if proxied else {}), **headers}
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn on a free port with the production settings, a migrated temporary SQLite database and the static
    files collected into a temporary STATIC_ROOT (a settings module of the test's own: only STATIC_ROOT differs)."""
    tmp = tmp_path_factory.mktemp("deploy")
    (tmp / "deploy_test_settings.py").write_text(
        f"from jiceng.settings import *  # noqa\nSTATIC_ROOT = {str(tmp / 'static')!r}\n")
    env = production_env(DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}", DJANGO_SETTINGS_MODULE="deploy_test_settings",
                         PYTHONPATH=f"{tmp}{os.pathsep}{BASE_DIR}", GUNICORN_WORKERS="1", GUNICORN_THREADS="2",
                         GUNICORN_ACCESS_LOG=str(tmp / "access.log"), GUNICORN_ERROR_LOG=str(tmp / "error.log"))
    # one process: the tables a signed-out visit may touch (users, sessions; the whole project migrates in tens of
    # seconds), then collectstatic with the production storage (hashed names, compressed copies)
    code = ("import django, sys; django.setup(); from django.core.management import call_command; "
            "[call_command('migrate', app, verbosity=0) for app in ('auth', 'sessions')]; "
            "call_command('collectstatic', interactive=False, verbosity=0, ignore_patterns=sys.argv[1:])")
    result = run(["-c", code, *IGNORE], env)
    assert result.returncode == 0, result.stdout + result.stderr
    port = free_port()
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "jiceng/gunicorn.conf.py", "jiceng.wsgi"],
        cwd=BASE_DIR, env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, (tmp / "error.log").read_text()
            try:
                get(port, "/accounts/login/")
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not answer within 30 s"
                time.sleep(0.2)
        yield {"port": port, "tmp": tmp}
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_gunicorn_serves_the_login_page_and_its_static_files(server):
    port = server["port"]
    # behind the TLS proxy: plain HTTP is redirected to HTTPS, the proxied request is served
    status, headers, _ = get(port, "/accounts/login/", proxied=False)
    assert status == 301 and headers["location"].startswith("https://")
    status, headers, body = get(port, "/accounts/login/")
    assert status == 200, body[:2000]
    assert "strict-transport-security" in headers
    page = body.decode()
    assert 'name="username"' in page
    # the page links the hashed copies of its static files, which are served with a long cache lifetime
    links = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    css = next(link for link in links if re.search(r"/bootstrap\.min\.[0-9a-f]{12}\.css$", link))
    status, headers, body = get(port, css, **{"Accept-Encoding": "gzip, br"})
    assert status == 200
    assert "max-age=315360000" in headers["cache-control"] and "immutable" in headers["cache-control"]
    assert headers.get("content-encoding") in ("br", "gzip")
    for link in links:
        assert get(port, link)[0] == 200, link
    # unhashed names are not kept (WHITENOISE_KEEP_ONLY_HASHED_FILES)
    assert get(port, "/static/css/jiceng.css")[0] == 404


def test_the_access_log_has_the_request_time(server):
    time.sleep(0.2)  # the worker writes its line after the response
    log = (server["tmp"] / "access.log").read_text()
    assert re.search(r'"GET /accounts/login/ HTTP/1.1" 200 \d+ .* \d+ms <\d+> rid=[0-9a-f]{32}', log), log

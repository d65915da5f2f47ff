"""Settings from the environment: production passes Django's deployment checks and refuses the demo secret."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jiceng.settings import DEMO_SECRET_KEY

BASE_DIR = Path(__file__).resolve().parent.parent
STRONG_KEY = "q8Zr-2mVx_Lw7Tn4Kp0Hs9Yc6Jd3Fb1Ge5Ua8Ri2Oz7Xl4Nv0Mt6Qs3Wy9Ek1Pj"
PRODUCTION = {"DEBUG": "0", "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "dangjian.example.gov.cn"}
SETTINGS_NAMES = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "CONN_MAX_AGE", "SECURE_SSL_REDIRECT",
                  "SECURE_HSTS_SECONDS")


def run(args, **env) -> subprocess.CompletedProcess:
    # the test run's own tweaks (DJANGO_ALLOW_ASYNC_UNSAFE for the browser tests, …) are no deployment's
    environment = {k: v for k, v in os.environ.items() if k not in SETTINGS_NAMES and not k.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run([sys.executable, *args], cwd=BASE_DIR, env=environment, capture_output=True, text=True,
                          timeout=120)


def manage(*args, **env):
    return run(["manage.py", *args], **env)


def database_settings(**env) -> dict:
    code = ("import django, json; django.setup(); from django.conf import settings; "
            "print(json.dumps(settings.DATABASES['default'], default=str))")
    result = run(["-c", code], DJANGO_SETTINGS_MODULE="jiceng.settings", **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_settings_pass_the_deployment_checks(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION,
                    DATABASE_URL=f"sqlite:///{tmp_path / 'check.sqlite3'}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deployment_checks_would_catch_a_weak_key(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", **{**PRODUCTION, "SECRET_KEY": "short"},
                    DATABASE_URL=f"sqlite:///{tmp_path / 'check.sqlite3'}")
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


@pytest.mark.parametrize("secret", [None, "", "   ", DEMO_SECRET_KEY])
def test_production_refuses_to_start_without_its_own_secret(tmp_path, secret):
    env = {"DEBUG": "0", "ALLOWED_HOSTS": "dangjian.example.gov.cn", "DATABASE_URL": f"sqlite:///{tmp_path / 'x'}"}
    if secret is not None:
        env["SECRET_KEY"] = secret
    result = manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_the_demo_runs_with_the_demo_secret(tmp_path):
    result = manage("check", DATABASE_URL=f"sqlite:///{tmp_path / 'x'}")
    assert result.returncode == 0, result.stderr


def test_a_postgres_url_selects_postgresql():
    db = database_settings(DATABASE_URL="postgres://jiceng:s3cret@db.internal:5433/dangjian", CONN_MAX_AGE="30")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "dangjian", "jiceng", "s3cret", "db.internal", 5433)
    assert db["CONN_MAX_AGE"] == 30


def test_the_default_database_is_the_embedded_sqlite_file():
    db = database_settings()
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == str(BASE_DIR / "db.sqlite3")
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_debug_is_read_as_a_yes_or_no():
    code = "import jiceng.settings as s; print(s.DEBUG, s.ALLOWED_HOSTS)"
    for value, expected in [("0", "False"), ("false", "False"), ("no", "False"), ("1", "True"), ("yes", "True")]:
        result = run(["-c", code], DEBUG=value, SECRET_KEY=STRONG_KEY)
        assert result.stdout.split()[0] == expected, result.stderr
    assert run(["-c", code], DEBUG="0", SECRET_KEY=STRONG_KEY).stdout.strip() == "False []"

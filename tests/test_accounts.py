"""Logging in and out: password guessing is locked out (per source address; more in tests/test_hardening.py), sessions
expire, logout needs a POST."""
import datetime

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from kernel.accounts.models import LoginFailure
from tests.kit import make_user

PASSWORD = "pass-Word-123"
LOGIN = "/accounts/login/"


@pytest.fixture
def account(db):
    return make_user("zhang")


def log_in(client, username="zhang", password=PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password}, headers={"Accept-Language": "en"})


def is_logged_in(client) -> bool:
    return SESSION_KEY in client.session


def form_errors(response) -> str:
    return " ".join(response.context["form"].non_field_errors())


def test_the_right_password_logs_in(client, account):
    response = log_in(client)
    assert response.status_code == 302 and response.url == reverse(settings.LOGIN_REDIRECT_URL)
    assert client.session[SESSION_KEY] == str(account.pk)


def test_a_wrong_password_does_not_log_in_and_is_counted(client, account):
    response = log_in(client, password="wrong")
    assert response.status_code == 200 and not is_logged_in(client)
    assert "correct username and password" in form_errors(response)
    assert list(LoginFailure.objects.filter(username="zhang").values_list("ip", flat=True)) == ["127.0.0.1"]


def test_pages_need_a_login(client, account):
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith(LOGIN)


@pytest.mark.parametrize("limit", [2, 5])
def test_repeated_failures_lock_the_account_even_for_the_right_password(client, account, settings, limit):
    settings.LOGIN_FAILURE_LIMIT = limit
    settings.LOGIN_LOCKOUT_SECONDS = 900
    for _ in range(limit - 1):
        log_in(client, password="guess")
    assert is_logged_in(client) is False
    log_in(client, password="guess")
    response = log_in(client)
    assert response.status_code == 200 and not is_logged_in(client)
    assert "Too many failed logins" in form_errors(response)
    assert "locked for 15 minutes" in form_errors(response)
    assert "Too many failed logins" in response.content.decode()


def test_the_lock_is_on_the_account_name_whatever_its_case(client, account, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for username in ("zhang", "ZHANG", " Zhang"):
        log_in(client, username=username, password="guess")
    assert "Too many failed logins" in form_errors(log_in(client))


def test_one_locked_account_does_not_lock_another(client, account, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    make_user("li")
    for _ in range(2):
        log_in(client, password="guess")
    log_in(client, username="li")
    assert is_logged_in(client)


def test_the_lock_lifts_after_the_window(client, account, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_LOCKOUT_SECONDS = 600
    for _ in range(3):
        log_in(client, password="guess")
    assert not is_logged_in(client) and "Too many" in form_errors(log_in(client))
    LoginFailure.objects.update(time=timezone.now() - datetime.timedelta(seconds=599))
    assert "Too many" in form_errors(log_in(client))
    LoginFailure.objects.update(time=timezone.now() - datetime.timedelta(seconds=601))
    log_in(client)
    assert is_logged_in(client)


def test_a_successful_login_clears_the_failures(client, account, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(2):
        log_in(client, password="guess")
    log_in(client)
    assert is_logged_in(client)
    assert not LoginFailure.objects.filter(username="zhang").exists()
    client.logout()
    for _ in range(2):  # the count starts again from zero
        log_in(client, password="guess")
    log_in(client)
    assert is_logged_in(client)


def test_the_lockout_settings_are_strict_enough():
    from kernel.accounts import lockout

    assert 3 <= settings.LOGIN_FAILURE_LIMIT <= 10
    assert settings.LOGIN_LOCKOUT_SECONDS >= 300
    assert settings.LOGIN_FAILURE_LIMIT < lockout.address_limit() <= 100
    assert lockout.trusted_proxy_count() == 0  # X-Forwarded-For is believed only when a proxy is declared


def test_sessions_expire_after_a_working_day_and_at_browser_close(client, account):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert 0 < settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_COOKIE_HTTPONLY is True
    response = log_in(client)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["max-age"] and not cookie["expires"]  # a browser-session cookie
    assert cookie["httponly"]
    assert client.session.get_expire_at_browser_close()
    assert abs(client.session.get_expiry_age() - settings.SESSION_COOKIE_AGE) < 5


def test_an_expired_session_is_logged_out(client, account):
    log_in(client)
    assert client.get("/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_logout_needs_a_post(client, account):
    log_in(client)
    assert client.get("/accounts/logout/").status_code == 405
    assert is_logged_in(client)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response.url == reverse(settings.LOGOUT_REDIRECT_URL)
    assert not is_logged_in(client)
    assert client.get("/").status_code == 302


def test_logout_is_protected_against_cross_site_requests(account):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(account)
    assert client.post("/accounts/logout/").status_code == 403
    assert is_logged_in(client)


def test_an_inactive_account_cannot_log_in(client, account):
    account.is_active = False
    account.save()
    log_in(client)
    assert not is_logged_in(client)


def test_logging_in_starts_a_new_session(client, account):
    client.get(LOGIN)
    client.session.save()
    before = client.session.session_key
    log_in(client)
    assert client.session.session_key != before


@pytest.mark.parametrize("target, expected", [
    ("/people/", "/people/"),
    ("https://evil.example.com/", None),
    ("//evil.example.com/", None),
])
def test_after_login_only_local_pages_are_followed(client, account, target, expected):
    response = client.post(LOGIN, {"username": "zhang", "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response.url == (expected or reverse(settings.LOGIN_REDIRECT_URL))

"""Refuses logins for an account name after repeated failures within a window."""
import datetime

from django.conf import settings
from django.utils import timezone

from .models import LoginFailure


def _window_start():
    return timezone.now() - datetime.timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)


def is_locked(username: str) -> bool:
    username = (username or "").strip().lower()
    return LoginFailure.objects.filter(username=username, time__gte=_window_start()).count() >= settings.LOGIN_FAILURE_LIMIT


def record_failure(username: str, ip: str | None) -> None:
    LoginFailure.objects.create(username=(username or "").strip().lower()[:150], ip=ip)


def clear(username: str) -> None:
    LoginFailure.objects.filter(username=(username or "").strip().lower()).delete()

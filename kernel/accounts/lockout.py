"""Refuses logins after repeated failures within a window, counted by source address.

- An account name is locked *for one address* after ``LOGIN_FAILURE_LIMIT`` failures from that address within
  ``LOGIN_LOCKOUT_SECONDS``: whoever types wrong passwords for ``county`` locks only themselves out of it, and the
  account can still be signed in to from elsewhere.
- One address is refused altogether after ``LOGIN_ADDRESS_LIMIT`` failures within the window, whatever account names
  they were for, so that guessing cannot go on by trying other names.

The address is the connection's (``REMOTE_ADDR``). Behind ``TRUSTED_PROXY_COUNT`` reverse proxies (settings, 0 by
default) it is taken from ``X-Forwarded-For`` instead: the entry that many places from the right, i.e. the one the
outermost trusted proxy saw (entries further left were written by the client and prove nothing).
"""
import datetime
import ipaddress
import os

from django.conf import settings
from django.utils import timezone

from .models import LoginFailure

# Defaults for settings jiceng/settings.py may set (both also read from the environment).
DEFAULT_ADDRESS_LIMIT = int(os.environ.get("LOGIN_ADDRESS_LIMIT", "30"))
DEFAULT_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))


def address_limit() -> int:
    return int(getattr(settings, "LOGIN_ADDRESS_LIMIT", DEFAULT_ADDRESS_LIMIT))


def trusted_proxy_count() -> int:
    return max(int(getattr(settings, "TRUSTED_PROXY_COUNT", DEFAULT_TRUSTED_PROXY_COUNT)), 0)


def lockout_minutes() -> int:
    return max(settings.LOGIN_LOCKOUT_SECONDS // 60, 1)


def _valid(address) -> str | None:
    try:
        return str(ipaddress.ip_address(str(address or "").strip()))
    except ValueError:
        return None


def client_address(request) -> str | None:
    """The address a login came from: ``REMOTE_ADDR``, or behind trusted proxies the client they saw."""
    if request is None:
        return None
    remote = _valid(request.META.get("REMOTE_ADDR"))
    proxies = trusted_proxy_count()
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            return _valid(hops[-proxies]) or remote
    return remote


def _name(username: str) -> str:
    return (username or "").strip().lower()[:150]


def _recent():
    since = timezone.now() - datetime.timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    return LoginFailure.objects.filter(time__gte=since)


def is_locked(username: str, address: str | None) -> bool:
    """Whether ``username`` has failed too often from ``address`` within the window."""
    return _recent().filter(username=_name(username), ip=address).count() >= settings.LOGIN_FAILURE_LIMIT


def is_address_throttled(address: str | None) -> bool:
    """Whether ``address`` has failed too often within the window, over every account name."""
    return _recent().filter(ip=address).count() >= address_limit()


def record_failure(username: str, address: str | None) -> None:
    LoginFailure.objects.create(username=_name(username), ip=address)


def clear(username: str, address: str | None = None) -> None:
    """Forgets the failures of ``username``: from ``address`` after a login from there, from everywhere (a password
    reset) without one."""
    failures = LoginFailure.objects.filter(username=_name(username))
    if address is not None:
        failures = failures.filter(ip=address)
    failures.delete()

"""The one-time passwords of an import, held for one download of the password sheet within an hour.

They are never stored in the clear. The session (kept in the database) holds them encrypted; the key lives only
in a cookie of the administrator's browser, sent to the import pages alone. The first download, or the hour,
ends both: neither the database nor the browser alone can read the passwords. The cipher is Fernet
(``cryptography``: AES-128-CBC with an HMAC-SHA256 tag and a timestamp checked against the hour).
"""
import json
import time

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

SESSION_KEY = "accounts_password_sheet"
COOKIE = "jiceng_sheet_key"
COOKIE_SALT = "accounts.handover"
MAX_AGE = 3600


def keep(request, response, accounts: list[dict], *, path: str) -> None:
    """Holds ``accounts`` (with their passwords) for one download: encrypted in the session, the key in a cookie
    limited to ``path`` and to the hour."""
    key = Fernet.generate_key()
    sealed = Fernet(key).encrypt(json.dumps(accounts, ensure_ascii=False).encode())
    request.session[SESSION_KEY] = {"data": sealed.decode(), "expires": time.time() + MAX_AGE,
                                    "count": len(accounts)}
    response.set_signed_cookie(COOKIE, key.decode(), salt=COOKIE_SALT, max_age=MAX_AGE, path=path, httponly=True,
                               samesite="Strict", secure=settings.SESSION_COOKIE_SECURE)


def pending(request) -> dict | None:
    """How many passwords wait for their download and until when (epoch seconds); None when nothing waits."""
    held = request.session.get(SESSION_KEY)
    if not held:
        return None
    if held["expires"] < time.time():
        del request.session[SESSION_KEY]
        return None
    return {"count": held["count"], "expires": held["expires"]}


def take(request) -> list[dict] | None:
    """The held accounts with their passwords, once: they are dropped from the session whatever the outcome."""
    held = request.session.pop(SESSION_KEY, None)
    if not held or held["expires"] < time.time():
        return None
    sealed_key = request.get_signed_cookie(COOKIE, default=None, salt=COOKIE_SALT, max_age=MAX_AGE)
    if sealed_key is None:
        return None
    try:
        plain = Fernet(sealed_key.encode()).decrypt(held["data"].encode(), ttl=MAX_AGE)
    except (KeyError, ValueError, InvalidToken):
        return None
    return json.loads(plain)


def forget(response, *, path: str) -> None:
    response.delete_cookie(COOKIE, path=path, samesite="Strict")

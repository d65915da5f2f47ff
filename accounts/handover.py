"""The one-time passwords of an import, held for one download of the password sheet within an hour.

They are never stored in the clear. The session (kept in the database) holds them encrypted; the key lives only
in a cookie of the administrator's browser, sent to the import pages alone. The first download, or the hour,
ends both: neither the database nor the browser alone can read the passwords. The cipher is the standard
library's HMAC-SHA256 as a keystream (counter mode) with an encrypt-then-MAC tag, so no dependency is added.
"""
import base64
import hashlib
import hmac
import json
import secrets
import time

from django.conf import settings

SESSION_KEY = "accounts_password_sheet"
COOKIE = "jiceng_sheet_key"
COOKIE_SALT = "accounts.handover"
MAX_AGE = 3600


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text.encode())


def _keystream(key: bytes, nonce: bytes, length: int) -> bytes:
    blocks = (hmac.new(key, b"enc" + nonce + n.to_bytes(8, "big"), hashlib.sha256).digest()
              for n in range((length + 31) // 32))
    return b"".join(blocks)[:length]


def _tag(key: bytes, nonce: bytes, cipher: bytes) -> str:
    return hmac.new(key, b"mac" + nonce + cipher, hashlib.sha256).hexdigest()


def keep(request, response, accounts: list[dict], *, path: str) -> None:
    """Holds ``accounts`` (with their passwords) for one download: encrypted in the session, the key in a cookie
    limited to ``path`` and to the hour."""
    key, nonce = secrets.token_bytes(32), secrets.token_bytes(16)
    plain = json.dumps(accounts, ensure_ascii=False).encode()
    cipher = bytes(a ^ b for a, b in zip(plain, _keystream(key, nonce, len(plain))))
    request.session[SESSION_KEY] = {
        "nonce": _b64(nonce), "data": _b64(cipher), "tag": _tag(key, nonce, cipher),
        "expires": time.time() + MAX_AGE, "count": len(accounts),
    }
    response.set_signed_cookie(COOKIE, _b64(key), salt=COOKIE_SALT, max_age=MAX_AGE, path=path, httponly=True,
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
        key, nonce, cipher = _unb64(sealed_key), _unb64(held["nonce"]), _unb64(held["data"])
    except (KeyError, ValueError):
        return None
    if not hmac.compare_digest(_tag(key, nonce, cipher), held["tag"]):
        return None
    plain = bytes(a ^ b for a, b in zip(cipher, _keystream(key, nonce, len(cipher))))
    return json.loads(plain)


def forget(response, *, path: str) -> None:
    response.delete_cookie(COOKIE, path=path, samesite="Strict")

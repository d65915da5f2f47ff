"""The hash of a generated one-time password.

A password a person chooses is hashed with Django's default, deliberately slow PBKDF2 (about 0.4 s here), which
is what protects a guessable password if the hashes ever leak. A one-time password is not guessable: twelve
characters drawn by ``secrets`` from 57 (about 70 bits), so a slow hash adds nothing to it, as with the API
tokens' SHA-256 digests, while it would make an account sheet of a few hundred rows take minutes. One-time
passwords are therefore hashed with this cheaper PBKDF2; it is listed after the default in PASSWORD_HASHERS, so
the first login with one re-hashes it with the default, and the password the user then chooses replaces it.
"""
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password

ALGORITHM = "pbkdf2_sha256_otp"


class OneTimePasswordHasher(PBKDF2PasswordHasher):
    algorithm = ALGORITHM
    iterations = 10_000


def one_time_hash(secret: str) -> str:
    """The hash of a generated one-time password (the default hasher where this one is not configured)."""
    configured = any(path.endswith(".OneTimePasswordHasher") for path in settings.PASSWORD_HASHERS)
    return make_password(secret, hasher=ALGORITHM if configured else "default")

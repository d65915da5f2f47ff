"""A scenario built once for a whole test module (tests/scenario.py), with the settings the tests' autouse fixtures
give each test (jobs inline, files in a temporary directory, a fast password hasher), and the database emptied
afterwards so that the next module starts, as a county does, from nothing."""
import contextlib

from django.core.management import call_command
from django.test import override_settings


@contextlib.contextmanager
def built_once(django_db_blocker, tmp_path_factory):
    settings = {"JOBS_MODE": "inline", "MEDIA_ROOT": tmp_path_factory.mktemp("media"),
                "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"]}
    with django_db_blocker.unblock(), override_settings(**settings):
        try:
            yield
        finally:
            call_command("flush", interactive=False, verbosity=0)

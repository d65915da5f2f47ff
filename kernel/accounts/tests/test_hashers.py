"""Generated one-time passwords are hashed cheaply (accounts/hashers.py); the first login re-hashes with the
default, and a chosen password always gets the default."""
import time

from django.contrib.auth import get_user_model
from django.test import Client

from kernel.accounts import services
from tests.kit import county_built_once

county, users = county_built_once()

REAL_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "kernel.accounts.hashers.OneTimePasswordHasher",
]


def test_one_time_password_cheap_then_upgraded_at_first_login(settings, county, users):
    settings.PASSWORD_HASHERS = REAL_HASHERS
    started = time.perf_counter()
    account, secret = services.user_create(user=users["county"], username="otp1", full_name="一次性",
                                           home=county.village_a1)
    assert time.perf_counter() - started < 0.3  # the default PBKDF2 alone takes about 0.4 s here
    stored = get_user_model().objects.get(pk=account.pk).password
    assert stored.startswith("pbkdf2_sha256_otp$10000$")
    client = Client()
    assert client.post("/accounts/login/", {"username": "otp1", "password": secret}).status_code == 302
    upgraded = get_user_model().objects.get(pk=account.pk).password
    assert upgraded.startswith("pbkdf2_sha256$") and not upgraded.startswith("pbkdf2_sha256_otp")

    reset = services.password_reset(user=users["county"], target=account)
    assert get_user_model().objects.get(pk=account.pk).password.startswith("pbkdf2_sha256_otp$")
    services.password_change(user=get_user_model().objects.get(pk=account.pk), old_password=reset,
                             new_password="Chosen-by-me-2027")
    assert get_user_model().objects.get(pk=account.pk).password.startswith("pbkdf2_sha256$")


def test_a_given_first_password_gets_the_default_hash(settings, county, users):
    settings.PASSWORD_HASHERS = REAL_HASHERS
    account, _secret = services.user_create(user=users["county"], username="given", full_name="给定",
                                            home=county.village_a1, password="Given-password-2027")
    assert get_user_model().objects.get(pk=account.pk).password.startswith("pbkdf2_sha256$")


def test_the_last_administrator_of_the_top_organization_stays(county, users):
    from django.core.exceptions import ValidationError

    from kernel.accounts.models import Grant

    admin = users["admin"]
    only = Grant.objects.get(user=users["county"], role="county_admin")
    try:
        services.grant_revoke(user=admin, grant=only)
    except ValidationError as error:
        assert error.code == "last_admin"
    else:
        raise AssertionError("the last county administrator's grant was revoked")
    try:
        services.user_deactivate(user=admin, target=users["county"])
    except ValidationError as error:
        assert error.code == "last_admin"
    else:
        raise AssertionError("the last county administrator was deactivated")
    second, _secret = services.user_create_with_role(user=admin, role="county_admin", home=county.county,
                                                     username="county2", full_name="第二管理员")
    services.grant_revoke(user=admin, grant=only)
    assert not Grant.objects.filter(pk=only.pk).exists()

import pytest

from tests.kit import make_small_county, make_users


@pytest.fixture
def county(db):
    return make_small_county()


@pytest.fixture
def users(county):
    """One user per role: county-wide, township A only, village A1 only, and the member 张三."""
    return make_users(county)


@pytest.fixture(scope="module")
def county_once(django_db_setup, django_db_blocker, tmp_path_factory):
    """The small county and its users, built once per test module on each xdist worker's database and emptied after
    the module; a module takes it as its ``county`` and ``users`` with ``county, users = tests.kit.county_built_once()``.
    Each test still runs in a transaction rolled back at its end, so its writes never reach the next test."""
    from tests.scenario_once import built_once

    with built_once(django_db_blocker, tmp_path_factory):
        county = make_small_county()
        yield county, make_users(county)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the home panels keep their figures there for two minutes)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _jobs_inline(settings, tmp_path):
    """Jobs run synchronously in tests, and their files go to a temporary MEDIA_ROOT."""
    settings.JOBS_MODE = "inline"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _clock_back():
    """Each test ends with the system's clock on the calendar again, whatever day the test set."""
    yield
    from kernel.core import clock

    clock.set_today(None)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language, whatever an earlier test in the same worker activated."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)

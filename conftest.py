import pytest

from tests.kit import make_small_county, make_user


@pytest.fixture
def county(db):
    return make_small_county()


@pytest.fixture
def users(county):
    """One user per role: county-wide, township A only, village A1 only, and the member 张三."""
    return {
        "admin": make_user("admin", superuser=True),
        "county": make_user("county", "county_admin", county.county),
        "township_a": make_user("township_a", "township_admin", county.township_a),
        "township_b": make_user("township_b", "township_admin", county.township_b),
        "branch_a1": make_user("branch_a1", "branch_secretary", county.village_a1),
        "inspector": make_user("inspector", "inspector", county.township_a),
        "leader": make_user("leader", "leader", county.county),
        "member": make_user("member", "member", county.village_a1, person=county.people["zhangsan"]),
        "nobody": make_user("nobody"),
    }


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

"""A one-time password leads to the password page until it is changed; everyone changes their own password."""
import pytest
from django.contrib.auth import SESSION_KEY

from kernel.accounts import services
from kernel.accounts.models import Profile

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PAGE = "/accounts/password/"


@pytest.fixture
def fresh(users, county):
    return services.user_create(user=users["county"], username="fresh", full_name="新人", home=county.township_a)


def log_in(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password}, **EN)


def test_a_one_time_password_leads_to_the_password_page_until_changed(client, fresh):
    account, secret = fresh
    response = log_in(client, "fresh", secret)
    assert response.status_code == 302 and SESSION_KEY in client.session
    home = client.get(response.url)
    assert home.status_code == 302 and home.url.startswith(PAGE)
    for url in ("/orgs/", "/people/members/", "/accounts/users/"):
        assert client.get(url).url.startswith(PAGE)
    page = client.get(home.url, **EN)
    assert page.status_code == 200 and "one-time password" in page.content.decode()
    weak = client.post(PAGE, {"old_password": secret, "new_password1": "123", "new_password2": "123"}, **EN)
    assert weak.status_code == 200 and Profile.objects.get(user=account).must_change_password
    done = client.post(PAGE + "?next=/orgs/", {"old_password": secret, "new_password1": "Mine-own-pass-5",
                                               "new_password2": "Mine-own-pass-5"}, **EN)
    assert done.status_code == 302 and done.url == "/orgs/"
    assert not Profile.objects.get(user=account).must_change_password
    assert client.get("/orgs/").status_code == 200  # still signed in, and free to go
    client.logout()
    assert log_in(client, "fresh", "Mine-own-pass-5").status_code == 302
    assert client.get("/orgs/").status_code == 200


def test_logout_stays_possible(client, fresh):
    _account, secret = fresh
    log_in(client, "fresh", secret)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and SESSION_KEY not in client.session


def test_a_reset_ends_the_session_and_brings_the_page_back(client, users, fresh):
    target = users["branch_a1"]
    client.force_login(target)
    assert client.get("/orgs/").status_code == 200
    secret = services.password_reset(user=users["township_a"], target=target)
    assert client.get("/orgs/").url.startswith("/accounts/login/")
    log_in(client, "branch_a1", secret)
    assert client.get("/orgs/").url.startswith(PAGE)


def test_anyone_changes_their_own_password(client, users):
    client.force_login(users["member"])
    page = client.get(PAGE, **EN)
    assert page.status_code == 200 and "one-time password" not in page.content.decode()
    wrong = client.post(PAGE, {"old_password": "nope", "new_password1": "Mine-own-pass-5",
                               "new_password2": "Mine-own-pass-5"}, **EN)
    assert wrong.status_code == 200 and "old password" in wrong.content.decode()
    done = client.post(PAGE, {"old_password": "pass-Word-123", "new_password1": "Mine-own-pass-5",
                              "new_password2": "Mine-own-pass-5"}, **EN)
    assert done.status_code == 302
    users["member"].refresh_from_db()
    assert users["member"].check_password("Mine-own-pass-5")


def test_the_page_needs_a_login(client, db):
    assert client.get(PAGE).url.startswith("/accounts/login/")

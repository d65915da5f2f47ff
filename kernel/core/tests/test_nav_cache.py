"""The navigation bar's links are rendered once per set of visible entries, language and section, and kept: each
user still gets the bar of their own grants, in their language, with their section marked."""
import re

from django.conf import settings

from tests.kit import county_built_once

county, users = county_built_once()


def bar(client, user, path="/", language="zh-hans"):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(path).content.decode()
    nav = page[page.index('<nav class="navbar'):page.index("</nav>")]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", nav)


def test_each_user_gets_the_bar_of_their_own_grants_whoever_came_first(client, users):
    admin_first = bar(client, users["county"])
    member_after = bar(client, users["member"])
    admin_again = bar(client, users["county"])
    assert 'id="nav-accounts"' in admin_first and admin_again == admin_first
    assert 'id="nav-accounts"' not in member_after


def test_the_bar_follows_the_language_and_marks_the_section(client, users):
    chinese = bar(client, users["county"], "/people/members/")
    english = bar(client, users["county"], "/people/members/", language="en")
    assert "退出" in chinese and "Log out" in english
    assert "Log out" not in chinese
    home = bar(client, users["county"], "/")
    active = re.compile(r'class="nav-link active" href="([^"]+)"')
    assert active.findall(chinese) == ["/people/members/"] and active.findall(home) == ["/"]

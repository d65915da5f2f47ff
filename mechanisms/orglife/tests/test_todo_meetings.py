"""A meeting the branch owes is on its to-do list opening the page where the meeting is recorded (its kind filled
in), not the generic obligation page; once recorded, it leaves the list."""
import datetime
import re

from django.urls import reverse

from engines.duties import clock, services
from mechanisms.orglife.library import install_rules
from tests.kit import county_built_once

county, users = county_built_once()


def _items(page: str) -> list[str]:
    return re.findall(r'<li class="list-group-item todo-item[^"]*"[^>]*>.*?</li>', page, re.S)


def _action(item: str) -> str:
    return re.search(r'todo-action" href="([^"]+)"', item).group(1).replace("&amp;", "&")


def test_the_branch_general_meeting_opens_the_meeting_form_and_leaves_once_held(client, users, county):
    with clock.today_is(datetime.date(2025, 9, 5)):
        rule = install_rules(user=None, owner=county.county, codes=["orglife-branch-general"])[
            "orglife-branch-general"].rule
        services.generate(user=None, rule=rule, year=2025)
        client.force_login(users["branch_a1"])
        page = client.get(reverse("duties:todo")).content.decode()
        [item] = [item for item in _items(page) if "支部党员大会" in item and "2025年第三季度" in item]
        url = _action(item)
        assert url == reverse("orglife:meeting_new", args=[county.village_a1.pk]) + "?kind=branch_general"
        assert reverse("duties:obligation", args=[0]).replace("0/", "") not in url
        form = client.get(url)
        assert form.status_code == 200 and 'value="branch_general" selected' in form.content.decode()
        # the API lists the same item
        [api_item] = [i for i in client.get("/api/duties/todo").json()["items"] if i["url"] == url]
        assert api_item["title"] == "支部党员大会 · 2025年第三季度"
        # a sibling branch sees its own meeting, not this one
        from tests.kit import make_user

        client.force_login(make_user("branch_a2", "branch_secretary", county.village_a2))
        sibling = client.get(reverse("duties:todo")).content.decode()
        assert url not in sibling and reverse("orglife:meeting_new", args=[county.village_a2.pk]) in sibling


def test_the_meeting_form_offers_the_systems_day(client, users, county):
    with clock.today_is(datetime.date(2025, 9, 5)):
        client.force_login(users["branch_a1"])
        page = client.get(reverse("orglife:meeting_new", args=[county.village_a1.pk])).content.decode()
        assert re.search(r'name="date"[^>]*value="2025-09-05"|value="2025-09-05"[^>]*name="date"', page)

"""A campaign at its naming stage with no decision in force waits on the department that runs it: the item opens
the naming preview where the decision is taken, and leaves once it is taken."""
from django.urls import reverse

from . import test_naming_decision as naming

held, at_naming = naming.held, naming.at_naming  # fixtures: titles of 2001, the campaign at its naming stage


def _todo(client, user) -> dict:
    client.force_login(user)
    return {item["url"]: item for item in client.get("/api/duties/todo").json()["items"]}


def test_the_naming_decision_waits_on_the_county_until_taken(at_naming, client, users, county):
    url = reverse("campaigns:naming", args=[at_naming.pk])
    todo = _todo(client, users["county"])
    assert url in todo and todo[url]["title"] == at_naming.name and todo[url]["source"] == "命名决定"
    assert client.get(url).status_code == 200
    assert url not in _todo(client, users["township_a"])
    client.force_login(users["county"])
    answer = naming.call(client, "post", f"/api/campaigns/{at_naming.pk}/naming", {**naming.DECISION, "confirm": True})
    assert answer.status_code in (200, 201), answer.content
    assert url not in _todo(client, users["county"])

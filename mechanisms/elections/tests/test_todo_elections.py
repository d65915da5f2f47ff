"""An election waits on the branch (recommendation, the vote) or on the township (the qualification review): it is
on their to-do list, due on the township's deadline, opening the election's page."""
import datetime

from django.urls import reverse

from engines.duties import clock
from mechanisms.elections import services
from tests.kit import county_built_once

from .helpers import term

county, users = county_built_once()


def _urls(client, user) -> dict:
    client.force_login(user)
    return {item["url"]: item for item in client.get("/api/duties/todo").json()["items"]}


def test_an_election_waits_on_the_branch_then_on_the_township(client, users, county):
    with clock.today_is(datetime.date(2026, 8, 15)):
        election = services.election_open(user=None, term_change=term(county), organization=county.village_a1,
                                          today=datetime.date(2026, 8, 10))
        url = reverse("elections:election", args=[election.pk])
        mine = _urls(client, users["branch_a1"])
        assert url in mine and mine[url]["due_on"] == "2026-10-31" and mine[url]["source"] == "村级换届选举"
        assert client.get(url).status_code == 200
        assert url not in _urls(client, users["township_a"])
        services.candidate_add(user=None, election=election, person=county.people["zhangsan"], title="secretary",
                               masses_count=120, members_count=30, organization_count=1)
        services.recommendation_finish(user=None, election=election, today=datetime.date(2026, 8, 14))
        assert url not in _urls(client, users["branch_a1"])
        review = _urls(client, users["township_a"])
        assert url in review and review[url]["action"] == "审核"
        assert url not in _urls(client, users["township_b"])

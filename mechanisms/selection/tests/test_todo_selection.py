"""A good-cadre selection waits on the department running it: its nominations (until they close), then each open
round, each item opening the page where it is done."""
import datetime

from django.urls import reverse

from engines.duties import clock
from mechanisms.selection import services
from mechanisms.selection.models import Round

from . import test_pages as pages

county_selection = pages.county_selection  # fixture: the county's selection with four nominees


def _todo(client, user) -> dict:
    client.force_login(user)
    return {item["url"]: item for item in client.get("/api/duties/todo").json()["items"]}


def test_the_selection_waits_on_the_county_nominations_then_its_open_round(client, users, county, county_selection):
    county_selection.nominations_close_on = datetime.date(2025, 6, 30)
    county_selection.save(update_fields=["nominations_close_on"])
    nominations = reverse("selection:nominations", args=[county_selection.pk])
    with clock.today_is(datetime.date(2025, 7, 3)):
        todo = _todo(client, users["county"])
        assert nominations in todo and todo[nominations]["due_on"] == "2025-06-30"
        assert todo[nominations]["overdue_days"] == 3 and todo[nominations]["source"] == "好干部评选"
        assert client.get(nominations).status_code == 200
        assert nominations not in _todo(client, users["township_a"])
        services.rounds_start(user=users["county"], selection=county_selection)
        first = Round.objects.get(selection=county_selection, number=1)
        round_url = reverse("selection:round", args=[first.pk])
        todo = _todo(client, users["county"])
        assert nominations not in todo and round_url in todo
        assert client.get(round_url).status_code == 200
        assert round_url not in _todo(client, users["township_b"])

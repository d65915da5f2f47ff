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


def test_the_townships_under_the_county_are_asked_for_their_nominations_until_they_close(
        client, users, county, county_selection):
    """While the county's selection takes nominations, each township committee has an item to nominate, due the day
    they close, saying how many it has entered; a branch does not, and neither does anyone once they closed."""
    county_selection.nominations_close_on = datetime.date(2025, 6, 30)
    county_selection.save(update_fields=["nominations_close_on"])
    nominations = reverse("selection:nominations", args=[county_selection.pk])
    with clock.today_is(datetime.date(2025, 6, 20)):
        todo = _todo(client, users["township_a"])
        item = todo[nominations]
        assert item["due_on"] == "2025-06-30" and item["organization"] == county.township_a.name
        assert item["state"] == "本单位已推荐 4 人"  # the county entered four of village A1's people
        assert _todo(client, users["township_b"])[nominations]["state"] == "本单位已推荐 0 人"
        assert nominations not in _todo(client, users["branch_a1"])
        client.force_login(users["township_b"])
        response = client.post(nominations, {"channel": "unit", "lines": f"{county.people['wangwu'].name},乙镇党委"})
        assert response.status_code == 302
        assert _todo(client, users["township_b"])[nominations]["state"] == "本单位已推荐 1 人"
    with clock.today_is(datetime.date(2025, 7, 1)):
        assert nominations not in _todo(client, users["township_b"])


def test_an_objection_in_a_public_notice_waits_on_the_county_until_it_is_decided(client, users, county):
    selection = services.selection_create(
        user=users["county"], owner=county.county, name="县委好干部评选", year=2025,
        rounds=[{"code": "notice", "name": "公示", "method": "notice", "objection_days": 5},
                {"code": "final", "name": "审定", "method": "vote", "threshold": "0.5"}])
    person = county.people["zhangsan"]
    services.nomination_add(user=users["county"], selection=selection, person=person, channel="unit",
                            nominator="甲镇党委")
    opened = datetime.date(2025, 7, 1)
    with clock.today_is(opened):
        services.rounds_start(user=users["county"], selection=selection)
        notice = Round.objects.get(selection=selection, number=1)
        candidate = notice.candidates.get()
        objection = services.objection_raise(user=users["county"], candidate=candidate, raised_by="匿名来信",
                                             text="反映其作风问题")
        todo = _todo(client, users["county"])
        (item,) = [item for key, item in todo.items() if key.endswith("#objections")]
        closes = services.window_end(notice) + datetime.timedelta(days=1)  # as the round's own item: when it may close
        assert item["title"] == f"对{person.name}的异议 · 公示" and item["due_on"] == closes.isoformat()
        assert item["action"] == "核查处理" and "匿名来信" in item["state"]
        assert not [key for key in _todo(client, users["township_a"]) if key.endswith("#objections")]
        services.objection_resolve(user=users["county"], objection=objection, upheld=False, note="经核查不属实")
        assert not [key for key in _todo(client, users["county"]) if key.endswith("#objections")]

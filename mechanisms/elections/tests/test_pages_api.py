import datetime
import json

from django.urls import reverse

from kernel.people.models import Post
from mechanisms.elections.models import Candidate, Election, Stage
from tests.kit import county_built_once

from .helpers import run_election, term

county, users = county_built_once()


def test_index_shows_township_progress_and_overdue(client, county, users):
    tc = term(county, deadlines={county.township_a: datetime.date(2020, 1, 1),
                                 county.township_b: datetime.date(2099, 1, 1)})
    run_election(tc, county.village_a1, county.people["chen"])
    client.force_login(users["county"])
    body = client.get(reverse("elections:index")).content.decode()
    assert 'data-org="TA" class="table-danger overdue"' in body
    assert "1/2" in body and "0/1" in body


def test_township_user_sees_only_its_township(client, county, users):
    tc = term(county)
    election_b = run_election(tc, county.village_b1, county.people["wangwu"], finish=False)
    client.force_login(users["township_a"])
    body = client.get(reverse("elections:term", args=[tc.pk])).content.decode()
    assert "王家村党支部" not in body and 'data-org="TB"' not in body
    assert client.get(reverse("elections:election", args=[election_b.pk])).status_code == 404
    assert client.post(reverse("elections:election", args=[election_b.pk]), {"action": "finish"}).status_code == 404
    assert client.get(f"/api/elections/elections/{election_b.pk}").status_code == 404
    assert client.post(f"/api/elections/elections/{election_b.pk}/finish").status_code == 404


def test_entering_the_votes_on_the_page_updates_the_posts(client, county, users):
    tc = term(county)
    election = run_election(tc, county.village_a1, county.people["chen"], finish=False)
    candidate = election.candidates.get()
    client.force_login(users["township_a"])
    response = client.post(reverse("elections:election", args=[election.pk]), {
        "action": "finish", "held_on": "2026-09-25", "eligible_voters": "40", "votes_cast": "35",
        f"votes_{candidate.pk}": "30"})
    assert response.status_code == 302
    election.refresh_from_db()
    assert (election.stage, election.votes_cast, election.elected_by) == (Stage.DONE, 35, users["township_a"])
    assert Post.objects.current(datetime.date(2026, 9, 25)).filter(
        organization=county.village_a1, title="secretary", person=county.people["chen"]).exists()


def test_figures_page_and_api(client, county, users):
    tc = term(county)
    run_election(tc, county.village_a1, county.people["chen"])
    client.force_login(users["county"])
    page = client.get(reverse("elections:figures", args=[tc.pk]))
    assert page.status_code == 200 and b"elections-chart-data" in page.content
    data = client.get(f"/api/elections/terms/{tc.pk}/figures").json()
    assert data["total"]["villages"] == 3
    progress = client.get(f"/api/elections/terms/{tc.pk}/progress").json()
    assert [(row["township"]["name"], row["done"], row["total"]) for row in progress] == [
        ("甲镇党委", 1, 2), ("乙镇党委", 0, 1)]
    client.force_login(users["township_a"])
    mine = client.get(f"/api/elections/terms/{tc.pk}/figures").json()
    assert [row["organization"]["name"] for row in mine["townships"]] == ["甲镇党委"]
    assert mine["total"]["villages"] == 2


def test_api_runs_an_election_through_its_stages(client, county, users):
    tc = term(county)
    client.force_login(users["township_a"])

    def post(url, payload=None):
        return client.post(url, json.dumps(payload or {}), content_type="application/json")

    opened = post(f"/api/elections/terms/{tc.pk}/elections", {"organization": county.village_a2.pk})
    assert opened.status_code == 200, opened.content
    election_id = opened.json()["id"]
    added = post(f"/api/elections/elections/{election_id}/candidates",
                 {"person": county.people["lisi"].pk, "title": "secretary", "masses_count": 80})
    assert added.status_code == 200
    candidate_id = added.json()["candidates"][0]["id"]
    assert post(f"/api/elections/elections/{election_id}/reviewed").status_code == 422  # still recommending
    assert post(f"/api/elections/elections/{election_id}/recommended").status_code == 200
    assert post(f"/api/elections/candidates/{candidate_id}/review", {"passed": True}).status_code == 200
    assert post(f"/api/elections/elections/{election_id}/reviewed").status_code == 200
    votes = {"held_on": "2026-09-20", "eligible_voters": 20, "votes_cast": 10,
             "votes": [{"candidate": candidate_id, "votes": 9}]}
    assert post(f"/api/elections/elections/{election_id}/votes", votes).status_code == 200
    assert post(f"/api/elections/elections/{election_id}/finish").status_code == 422  # 10 of 20: no quorum
    votes["votes_cast"] = 11
    assert post(f"/api/elections/elections/{election_id}/votes", votes).status_code == 200
    finished = post(f"/api/elections/elections/{election_id}/finish")
    assert finished.json()["stage"] == "done"
    assert Candidate.objects.get(pk=candidate_id).elected
    listed = client.get(f"/api/elections/terms/{tc.pk}/elections").json()
    assert listed["count"] == 1 and Election.objects.count() == 1


def test_a_township_sets_its_own_deadline_only(client, county, users):
    tc = term(county)
    client.force_login(users["township_a"])
    url = reverse("elections:deadline", args=[tc.pk])
    assert client.post(url, {"township": county.township_a.pk, "deadline": "2026-12-15"}).status_code == 302
    assert client.post(url, {"township": county.township_b.pk, "deadline": "2026-12-15"}).status_code == 404
    deadlines = dict(tc.deadlines.values_list("organization__code", "deadline"))
    assert deadlines == {"TA": datetime.date(2026, 12, 15), "TB": datetime.date(2026, 11, 30)}

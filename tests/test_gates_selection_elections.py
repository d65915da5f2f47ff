"""The gates of good-cadre selection and village elections hold on every path (README "### Gates: selection and
elections"): each irreversible step refused through the page and the API alike, with the real reason (the API: 4xx
with it in ``message``), nothing written; the allowed path works. And page ↔ API parity: what a page does, the API
does (a person's good-cadre marks, opening a village's election, the titled share)."""
import datetime
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.urls import reverse

from engines.standards.models import ItemScore
from kernel.core.models import ChangeRecord
from kernel.orgs.services import org_create
from kernel.people.services import person_create
from mechanisms.elections.models import Candidate as ElectionCandidate
from mechanisms.elections.models import Election, Stage
from mechanisms.elections.tests.helpers import run_election, term
from mechanisms.liaison.services import point_assign
from mechanisms.selection import services as selection_services
from mechanisms.selection.models import Candidate, Outcome, PoolEntry, Round, RoundClosure
from mechanisms.selection.testing import CHANNELS, cadre_name
from tests.kit import make_member

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
D = datetime.date


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}, default=str), content_type="application/json", **EN)


def flashed(response) -> str:
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def writes(model) -> int:
    return ChangeRecord.objects.filter(content_type=ContentType.objects.get_for_model(model)).count()


# --- selection ------------------------------------------------------------------------------------------------------

def selection_with(users, county, rounds):
    selection = selection_services.selection_create(user=users["county"], owner=county.county, name="县委好干部评选",
                                                    year=2025, rounds=rounds)
    for i in range(3):
        person = person_create(user=None, organization=county.village_a1, name=cadre_name(i), gender="male")
        selection_services.nomination_add(user=users["county"], selection=selection, person=person,
                                          channel=CHANNELS[i], nominator="县直单位")
    selection_services.rounds_start(user=users["county"], selection=selection)
    return selection, Round.objects.filter(selection=selection).order_by("number").first()


def eliminate(candidate):
    """As an upheld objection leaves it (fixtures build with the ORM)."""
    Candidate.objects.filter(pk=candidate.pk).update(outcome=Outcome.ELIMINATED, reason="Objection upheld: 举报属实")


@pytest.fixture
def vote_round(client, users, county):
    _selection, round_ = selection_with(users, county, [{"code": "vote", "name": "民主推荐", "method": "vote"}])
    first, second, third = Candidate.objects.filter(round=round_).select_related("nominee__person").order_by("id")
    eliminate(first)
    client.force_login(users["county"])
    return round_, first, second, third


def test_an_eliminated_candidates_votes_stay_as_decided_on_every_path(client, vote_round):
    round_, eliminated, pending, _other = vote_round
    name = eliminated.nominee.person.name
    before = writes(Round)
    api = post(client, f"/api/selection/rounds/{round_.pk}/votes",
               {"votes": [{"candidate": eliminated.pk, "votes_for": 30, "votes_cast": 40}]})
    assert api.status_code == 422 and name in api.json()["message"] and "eliminated" in api.json()["message"]
    page = client.post(reverse("selection:votes", args=[round_.pk]),
                       {f"for-{eliminated.pk}": "30", f"cast-{eliminated.pk}": "40"}, **EN)
    assert page.status_code == 302 and name in flashed(page) and "eliminated" in flashed(page)
    eliminated.refresh_from_db()
    assert (eliminated.votes_for, eliminated.votes_cast, eliminated.outcome) == (None, None, Outcome.ELIMINATED)
    assert writes(Round) == before
    # allowed: a pending candidate's votes
    ok = post(client, f"/api/selection/rounds/{round_.pk}/votes",
              {"votes": [{"candidate": pending.pk, "votes_for": 30, "votes_cast": 40}]})
    assert ok.status_code == 200, ok.content
    pending.refresh_from_db()
    assert (pending.votes_for, pending.votes_cast) == (30, 40)


def test_an_eliminated_candidates_scores_stay_as_decided_on_every_path(client, users, county):
    _selection, round_ = selection_with(users, county, [{"code": "initial", "name": "初评", "method": "top", "keep": 1}])
    eliminated, pending, _other = Candidate.objects.filter(round=round_).select_related("nominee__person").order_by("id")
    eliminate(eliminated)
    client.force_login(users["county"])
    api = post(client, f"/api/selection/rounds/{round_.pk}/scores",
               {"scores": [{"candidate": eliminated.pk, "items": {"J1": 5}}]})
    assert api.status_code == 422 and eliminated.nominee.person.name in api.json()["message"]
    page = client.post(reverse("selection:scores", args=[round_.pk]), {f"s-{eliminated.pk}-J1": "5"}, **EN)
    assert page.status_code == 302 and eliminated.nominee.person.name in flashed(page)
    assert not ItemScore.objects.filter(sheet__assessment_id=round_.assessment_id).exists()
    ok = post(client, f"/api/selection/rounds/{round_.pk}/scores", {"scores": [{"candidate": pending.pk,
                                                                                 "items": {"J1": 5}}]})
    assert ok.status_code == 200, ok.content
    assert ItemScore.objects.filter(sheet_id=pending.sheet_id).count() == 1


def test_a_round_close_and_its_withdrawal_are_refused_alike_on_page_and_api(client, vote_round):
    round_, _eliminated, pending, other = vote_round
    # blocked: votes missing — the API says which, the page too, nothing closes
    api = post(client, f"/api/selection/rounds/{round_.pk}/close", {"confirm": True})
    assert api.status_code == 422 and "no votes entered" in api.json()["message"]
    page = client.post(reverse("selection:close", args=[round_.pk]), {"confirm": "1"}, **EN)
    assert page.status_code == 302 and "no votes entered" in flashed(page)
    assert not RoundClosure.objects.exists()
    post(client, f"/api/selection/rounds/{round_.pk}/votes",
         {"votes": [{"candidate": pending.pk, "votes_for": 30, "votes_cast": 40},
                    {"candidate": other.pk, "votes_for": 10, "votes_cast": 40}]})
    closed = post(client, f"/api/selection/rounds/{round_.pk}/close", {"confirm": True})
    assert closed.status_code == 200, closed.content
    closure = RoundClosure.objects.get()
    assert post(client, f"/api/selection/closures/{closure.pk}/withdraw", {"reason": "计票有误"}).status_code == 200
    again = post(client, f"/api/selection/closures/{closure.pk}/withdraw", {"reason": "再撤"})
    assert again.status_code == 422 and "already been withdrawn" in again.json()["message"]
    page = client.post(reverse("selection:closure_withdraw", args=[closure.pk]), {"reason": "再撤"}, **EN)
    assert page.status_code == 302 and "already been withdrawn" in flashed(page)
    round_.refresh_from_db()
    assert round_.status == "open"


def test_a_persons_good_cadre_marks_are_on_the_page_and_in_the_api(client, users, county):
    selection, _round = selection_with(users, county, [{"code": "vote", "name": "民主推荐", "method": "vote"}])
    person = county.people["chen"]
    PoolEntry.objects.create(selection=selection, person=person, org_path=person.org_path, year=2025)
    client.force_login(users["county"])
    page = client.get(reverse("selection:person", args=[person.pk]), **EN)
    assert page.status_code == 200 and "2025" in page.content.decode()
    body = client.get(f"/api/selection/people/{person.pk}", **EN).json()
    assert body["person"]["name"] == person.name
    assert [(m["label"], m["year"], m["selection"]["id"]) for m in body["marks"]] == [
        ("Good cadre 2025", 2025, selection.pk)]
    nominee = Candidate.objects.filter(round__selection=selection).select_related("nominee__person").first()
    record = client.get(f"/api/selection/people/{nominee.nominee.person_id}").json()
    assert [c["round"]["name"] for c in record["candidacies"]] == ["民主推荐"] and record["marks"] == []
    client.force_login(users["township_b"])  # outside the scope: 404 as for a missing one
    assert client.get(f"/api/selection/people/{person.pk}").status_code == 404


# --- elections ------------------------------------------------------------------------------------------------------

def test_an_election_is_opened_only_in_a_village_on_page_and_api(client, users, county):
    tc = term(county)
    client.force_login(users["county"])
    api = post(client, f"/api/elections/terms/{tc.pk}/elections", {"organization": county.township_a.pk})
    assert api.status_code == 422 and county.township_a.name in api.json()["message"]
    assert "not a village" in api.json()["message"]
    page = client.post(reverse("elections:open", args=[tc.pk]), {"organization": county.township_a.pk}, **EN)
    assert page.status_code == 302 and "not a village" in flashed(page)
    assert not Election.objects.exists()
    # allowed, and the same act on both sides (parity): the page opens one village, the API another
    page = client.post(reverse("elections:open", args=[tc.pk]), {"organization": county.village_a1.pk}, **EN)
    assert page.status_code == 302
    api = post(client, f"/api/elections/terms/{tc.pk}/elections", {"organization": county.village_a2.pk})
    assert api.status_code == 200 and api.json()["stage"] == Stage.RECOMMEND
    assert Election.objects.filter(term_change=tc).count() == 2


def test_a_candidate_is_a_party_member_under_the_term_changes_organization_on_page_and_api(client, users, county):
    tc = term(county)
    election = Election.objects.create(term_change=tc, organization=county.village_a1,
                                       org_path=county.village_a1.path, opened_on=D(2026, 8, 10))
    elsewhere = org_create(user=None, parent=None, code="C2", name="邻县县委", org_type="committee")
    outsider = make_member(org_create(user=None, parent=elsewhere, code="X1", name="邻村党支部", org_type="branch",
                                      domain="rural"), "外县人")
    not_member = person_create(user=None, organization=county.village_a1, name="赵群众", gender="male")
    for user, person in ((users["admin"], outsider), (users["county"], not_member)):
        client.force_login(user)
        api = post(client, f"/api/elections/elections/{election.pk}/candidates",
                   {"person": person.pk, "title": "secretary", "masses_count": 10})
        assert api.status_code == 422 and person.name in api.json()["message"], api.content
        assert county.county.name in api.json()["message"] and "party member" in api.json()["message"]
    page = client.post(reverse("elections:election", args=[election.pk]),
                       {"action": "candidate", "person": not_member.pk, "title": "secretary", "masses_count": "10",
                        "members_count": "0", "organization_count": "0"}, **EN)
    assert page.status_code == 400  # not among the page's choices (the township's party members)
    assert not ElectionCandidate.objects.exists()
    ok = post(client, f"/api/elections/elections/{election.pk}/candidates",
              {"person": county.people["chen"].pk, "title": "secretary", "masses_count": 10})
    assert ok.status_code == 200, ok.content
    # a secretary from another village of the county (跨村任职) may stand
    cross = post(client, f"/api/elections/elections/{election.pk}/candidates",
                 {"person": county.people["wangwu"].pk, "title": "secretary", "masses_count": 10})
    assert cross.status_code == 200, cross.content
    assert ElectionCandidate.objects.filter(election=election).count() == 2


@pytest.mark.parametrize("held_on", [D(2026, 7, 31), datetime.date.today() + datetime.timedelta(days=1)])
def test_the_assemblys_day_lies_between_the_terms_start_and_today(client, users, county, held_on):
    tc = term(county)
    election = run_election(tc, county.village_a1, county.people["chen"], finish=False)
    Election.objects.filter(pk=election.pk).update(held_on=None, votes_cast=None, eligible_voters=None)
    candidate = election.candidates.get()
    client.force_login(users["township_a"])
    before = writes(Election)
    api = post(client, f"/api/elections/elections/{election.pk}/votes",
               {"held_on": held_on, "eligible_voters": 40, "votes_cast": 35,
                "votes": [{"candidate": candidate.pk, "votes": 30}]})
    assert api.status_code == 422 and str(held_on) in api.json()["message"], api.content
    page = client.post(reverse("elections:election", args=[election.pk]),
                       {"action": "finish", "held_on": held_on.isoformat(), "eligible_voters": "40",
                        "votes_cast": "35", f"votes_{candidate.pk}": "30"}, **EN)
    assert page.status_code == 302 and str(held_on) in flashed(page)
    election.refresh_from_db()
    assert (election.stage, election.held_on, election.votes_cast) == (Stage.ELECT, None, None)
    assert writes(Election) == before
    ok = post(client, f"/api/elections/elections/{election.pk}/votes",
              {"held_on": D(2026, 9, 20), "eligible_voters": 40, "votes_cast": 35,
               "votes": [{"candidate": candidate.pk, "votes": 30}]})
    assert ok.status_code == 200
    assert post(client, f"/api/elections/elections/{election.pk}/finish").json()["stage"] == Stage.DONE


def test_a_finished_election_is_not_run_again(client, users, county):
    tc = term(county)
    election = run_election(tc, county.village_a1, county.people["chen"])
    client.force_login(users["township_a"])
    api = post(client, f"/api/elections/elections/{election.pk}/finish")
    assert api.status_code == 422 and "stage" in api.json()["message"].lower()
    page = client.post(reverse("elections:election", args=[election.pk]), {"action": "finish"}, **EN)
    assert page.status_code == 302 and "stage" in flashed(page).lower()
    again = post(client, f"/api/elections/terms/{tc.pk}/elections", {"organization": county.village_a1.pk})
    assert again.status_code == 422 and "already has its election" in again.json()["message"]


# --- liaison: parity ------------------------------------------------------------------------------------------------

def test_the_titled_share_is_the_same_on_page_and_api(client, users, county):
    from engines.standards.services import title_grant
    from mechanisms.campaigns.library import install_standards

    shipped = install_standards(user=None, owner=county.county, codes=["five-good-village"])
    standard = shipped["five-good-village"].standard
    tier = standard.current_version.tiers.order_by("level").first().code
    for village in (county.village_a1, county.village_a2, county.village_b1):
        title_grant(user=None, standard=standard, tier_code=tier, subject=village, period_label="2024",
                    granted_on=D(2025, 1, 20), granted_by="县委")
    point_assign(user=users["county"], leader=county.people["lisi"], organization=county.village_a1,
                 level="county", year=2025)
    client.force_login(users["county"])
    page = client.get(reverse("liaison:points"), {"year": 2025, "under": county.county.pk}, **EN)
    assert '<div class="fs-4" id="titled-share">33.3%</div>' in page.content.decode()
    body = client.get("/api/liaison/titled-share", {"year": 2025, "under": county.county.pk}).json()
    assert (body["titled"], body["liaison"], body["share"]) == (3, 1, "33.3")


def test_a_score_written_on_the_generic_standards_path_does_not_change_an_eliminated_candidate(
        client, users, county):
    """The round's sheets are also open to the standards' own score API while the round runs: what arrives there
    for an eliminated candidate is not read back into the candidate, neither by the next scores nor by the close."""
    from engines.standards.models import Item, RaterGroup

    _selection, round_ = selection_with(users, county, [{"code": "initial", "name": "初评", "method": "top", "keep": 1}])
    eliminated, first, second = Candidate.objects.filter(round=round_).order_by("id")
    eliminate(eliminated)
    client.force_login(users["county"])
    version_id = round_.assessment.version_id
    rater = RaterGroup.objects.filter(version_id=version_id).order_by("-weight", "id").first()
    item = Item.objects.get(version_id=version_id, code="J1")
    generic = client.put(f"/api/standards/sheets/{eliminated.sheet_id}/scores",
                         json.dumps({"item": item.pk, "rater": rater.code, "points": 5}),
                         content_type="application/json", **EN)
    assert generic.status_code == 200, generic.content
    post(client, f"/api/selection/rounds/{round_.pk}/scores",
         {"scores": [{"candidate": first.pk, "items": {"J1": 5}}, {"candidate": second.pk, "items": {"J1": 3}}]})
    assert post(client, f"/api/selection/rounds/{round_.pk}/close", {"confirm": True}).status_code == 200
    eliminated.refresh_from_db()
    first.refresh_from_db()
    assert (eliminated.outcome, eliminated.score) == (Outcome.ELIMINATED, None)
    assert (first.outcome, first.score) == (Outcome.PASSED, 5)

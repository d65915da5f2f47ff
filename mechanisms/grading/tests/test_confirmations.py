"""Confirming a round's grades in bulk: previewed (how many, by grade, which differ from the previous confirmed
grade), refused without confirmation (nothing written), recorded as one act, withdrawn with a reason restoring
every grade exactly; withdrawing twice, or after a plan was opened on one of its grades, is refused. Through the
API and the pages."""
import json

import pytest
from django.contrib.contenttypes.models import ContentType

from kernel.core.models import ChangeRecord
from mechanisms.grading import services
from mechanisms.grading.models import Grade, GradeConfirmation, GradeLevel, Upgrading
from mechanisms.grading.testing import GRADED_ON, make_jinta
from tests.kit import make_user

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def post(client, url, body):
    return client.post(url, json.dumps(body, default=str), content_type="application/json", **EN)


@pytest.fixture
def jinta():
    jinta = make_jinta(branches=10, by_standard=2, by_meetings=1, by_secretary=1, leaders=2, cadres=2)
    services.grades_propose(user=None, upgrading=jinta.upgrading, on=GRADED_ON)
    return jinta


@pytest.fixture
def county(client, jinta):
    client.force_login(make_user("jt_county", "county_admin", jinta.county))
    return client


def acts(confirmation):
    return ChangeRecord.objects.filter(content_type=ContentType.objects.get_for_model(GradeConfirmation),
                                       object_id=confirmation["id"])


def grades(client, upgrading, round="initial"):
    body = client.get(f"/api/grading/{upgrading.pk}/grades?round={round}&limit=100").json()
    return sorted((row["id"], row["grade"], row["weak_lax"], row["confirmed_on"]) for row in body["items"])


def last_year(jinta, *, same, other):
    """Confirmed grades of the year before for two organizations: one as proposed now, one different."""
    upgrading = jinta.upgrading
    before = Upgrading.objects.create(name="去年", year=upgrading.year - 1, scheme=upgrading.scheme,
                                      owner=upgrading.owner, owner_path=upgrading.owner_path,
                                      deadline=upgrading.deadline.replace(year=upgrading.year - 1))
    for grade, level in ((same, same.level), (other, GradeLevel.objects.get(scheme=upgrading.scheme,
                                                                             code="advanced"))):
        Grade.objects.create(upgrading=before, organization=grade.organization, org_path=grade.org_path,
                             year=before.year, level=level, weak_lax=grade.weak_lax, source="hand",
                             confirmed_on=GRADED_ON.replace(year=before.year))


def test_the_api_previews_refuses_unconfirmed_and_records_one_act(county, jinta):
    proposals = list(Grade.objects.filter(upgrading=jinta.upgrading).select_related("level").order_by("pk"))
    good = [grade for grade in proposals if not grade.level.lagging]
    last_year(jinta, same=good[0], other=good[1])
    url = f"/api/grading/{jinta.upgrading.pk}/grades/confirm"
    before, records = grades(county, jinta.upgrading), ChangeRecord.objects.count()

    refused = post(county, url, {"round": "initial"})
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "confirmation_required" and body["count"] == 10
    assert body["by_level"]["lagging"] == 4 and sum(body["by_level"].values()) == 10
    assert (body["changed"], body["first"]) == (1, 8)
    assert [row["grade"] for row in body["changes"]] == [good[1].pk]
    assert body["changes"][0]["previous_level"] == "advanced"
    assert county.get(url + "?round=initial").json()["count"] == 10
    assert grades(county, jinta.upgrading) == before and ChangeRecord.objects.count() == records

    done = post(county, url, {"round": "initial", "confirm": True})
    assert done.status_code == 200
    confirmation = done.json()
    assert confirmation["count"] == 10 and confirmation["status"] == "active"
    assert sorted(confirmation["grades"]) == [grade.pk for grade in proposals]
    assert all(row[3] for row in grades(county, jinta.upgrading))
    assert acts(confirmation).filter(action="create").exists()
    assert post(county, url, {"round": "initial", "confirm": True}).status_code == 204  # nothing left


def test_withdrawal_restores_exactly_and_twice_is_refused(county, jinta):
    url = f"/api/grading/{jinta.upgrading.pk}/grades/confirm"
    one = Grade.objects.filter(upgrading=jinta.upgrading).order_by("pk").first()
    services.grade_set(user=None, upgrading=jinta.upgrading, organization=one.organization, level="good",
                       reason="核实")  # confirmed by hand before: not this confirmation's
    before = grades(county, jinta.upgrading)
    confirmation = post(county, url, {"round": "initial", "confirm": True}).json()
    assert confirmation["count"] == 9 and one.pk not in confirmation["grades"]
    withdraw = f"/api/grading/confirmations/{confirmation['id']}/withdraw"
    assert post(county, withdraw, {"reason": " "}).status_code == 422
    done = post(county, withdraw, {"reason": "等级有误，重新评定"})
    assert done.status_code == 200 and done.json()["status"] == "withdrawn"
    assert grades(county, jinta.upgrading) == before
    assert acts(confirmation).filter(action="update").count() == 1
    again = post(county, withdraw, {"reason": "再撤销"})
    assert again.status_code == 422 and "already been withdrawn" in again.json()["message"]
    assert grades(county, jinta.upgrading) == before


def test_withdrawal_is_refused_once_a_plan_rests_on_a_grade(county, jinta):
    url = f"/api/grading/{jinta.upgrading.pk}/grades/confirm"
    confirmation = post(county, url, {"round": "initial", "confirm": True}).json()
    assert post(county, f"/api/grading/{jinta.upgrading.pk}/plans",
                {"organization": jinta.lagging[0].pk}).status_code == 201
    after = grades(county, jinta.upgrading)
    refused = post(county, f"/api/grading/confirmations/{confirmation['id']}/withdraw", {"reason": "撤销"})
    assert refused.status_code == 422
    assert "rectification plan has been opened" in refused.json()["message"]
    assert jinta.lagging[0].name in refused.json()["message"]
    assert grades(county, jinta.upgrading) == after
    assert GradeConfirmation.objects.get().status == "active"


def test_the_pages_preview_confirm_and_withdraw(county, jinta):
    before = grades(county, jinta.upgrading)
    page = county.post(f"/grading/{jinta.upgrading.pk}/confirm/", {"round": "initial"}, **EN)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="grades-confirm"' in html and 'data-count="count">10<' in html and 'data-level="lagging">4<' in html
    assert grades(county, jinta.upgrading) == before and not GradeConfirmation.objects.exists()
    done = county.post(f"/grading/{jinta.upgrading.pk}/confirm/", {"round": "initial", "confirm": "1"}, **EN)
    confirmation = GradeConfirmation.objects.get()
    assert done.status_code == 302 and done.url == f"/grading/confirmations/{confirmation.pk}/"
    shown = county.get(done.url, **EN).content.decode()
    assert 'data-count="count">10<' in shown and 'id="confirmation-withdraw"' in shown
    assert f'/grading/confirmations/{confirmation.pk}/' in county.get(f"/grading/{jinta.upgrading.pk}/").content.decode()
    withdrawn = county.post(f"/grading/confirmations/{confirmation.pk}/withdraw/", {"reason": "重新评定"}, **EN)
    assert withdrawn.status_code == 302
    assert grades(county, jinta.upgrading) == before
    again = county.post(f"/grading/confirmations/{confirmation.pk}/withdraw/", {"reason": "再撤销"}, follow=True, **EN)
    assert "already been withdrawn" in again.content.decode()


def test_one_proposal_confirmed_from_its_row_asks_first_too(county, jinta):
    one = Grade.objects.filter(upgrading=jinta.upgrading).order_by("pk").first()
    page = county.post(f"/grading/{jinta.upgrading.pk}/confirm/", {"round": "initial", "grade": one.pk}, **EN)
    assert 'data-count="count">1<' in page.content.decode()
    assert f'name="grade" value="{one.pk}"' in page.content.decode()
    county.post(f"/grading/{jinta.upgrading.pk}/confirm/", {"round": "initial", "grade": one.pk, "confirm": "1"})
    assert list(Grade.objects.exclude(confirmed_on=None).values_list("pk", flat=True)) == [one.pk]


def test_out_of_scope_confirmation_is_a_404(client, jinta):
    services.grades_confirm(user=None, upgrading=jinta.upgrading, on=GRADED_ON, confirm=True)
    confirmation = GradeConfirmation.objects.get()
    client.force_login(make_user("jt_township", "township_admin", jinta.townships[0]))
    assert post(client, f"/api/grading/confirmations/{confirmation.pk}/withdraw", {"reason": "x"}).status_code == 404
    assert GradeConfirmation.objects.get().status == "active"

"""Taking a person off a training class through the API (the class page's remove button had no API twin)."""
import json

from mechanisms.orglife.models import Participant


def post(client, url, body):
    return client.post(url, json.dumps(body, default=str), content_type="application/json")


def test_a_participant_is_removed_by_the_organizer_only(client, users, county):
    client.force_login(users["county"])
    plan = post(client, "/api/orglife/training/plans", {"organizer_id": county.county.pk, "year": 2025,
                                                         "title": "2025年培训计划"}).json()
    class_id = post(client, "/api/orglife/training/classes", {
        "plan_id": plan["id"], "title": "乡镇党务干部培训班", "level": "county", "domain": "rural",
        "start_on": "2025-04-01", "end_on": "2025-04-03", "hours": 18}).json()["id"]
    saved = post(client, f"/api/orglife/training/classes/{class_id}/participants", [
        {"person_id": county.people["zhangsan"].pk, "attended_days": 3},
        {"person_id": county.people["wangwu"].pk, "attended_days": 2}]).json()
    zhangsan, wangwu = (row["id"] for row in saved)

    client.force_login(users["township_a"])  # sees the class's trainees of its township, runs nothing
    assert client.delete(f"/api/orglife/training/classes/{class_id}/participants/{zhangsan}").status_code == 404
    client.force_login(users["county"])
    assert client.delete(f"/api/orglife/training/classes/{class_id}/participants/{wangwu}").status_code == 204
    assert client.delete(f"/api/orglife/training/classes/{class_id}/participants/{wangwu}").status_code == 404
    assert client.delete(f"/api/orglife/training/classes/{class_id + 999}/participants/{zhangsan}"
                         ).status_code == 404
    assert list(Participant.objects.values_list("pk", flat=True)) == [zhangsan]
    totals = client.get(f"/api/orglife/training/totals/{county.county.pk}?year=2025").json()
    assert totals["person_times"] == 1

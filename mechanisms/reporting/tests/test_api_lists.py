"""Two-way evaluations over the API come in pages ({"items", "count"}) within the caller's scope."""
from mechanisms.reporting.services import two_way_evaluate
from tests.kit import make_member


def evaluate(person, organization, period_label):
    return two_way_evaluate(user=None, person=person, period_label=period_label, evaluated_by=organization,
                            opinion="履职尽责")


def test_evaluations_page_counts_every_row_and_keeps_its_filter(client, users, county):
    secretaries = [county.people["zhangsan"], county.people["chen"], county.people["lisi"]]
    for person in secretaries:
        evaluate(person, county.township_a, "2025-H1")
    evaluate(county.people["zhangsan"], county.township_a, "2024-H2")
    evaluate(county.people["wangwu"], county.township_b, "2025-H1")
    client.force_login(users["township_a"])
    body = client.get("/api/reporting/evaluations", {"period_label": "2025-H1", "limit": 2}).json()
    assert body["count"] == 3 and len(body["items"]) == 2
    rest = client.get("/api/reporting/evaluations", {"period_label": "2025-H1", "limit": 2, "offset": 2}).json()
    seen = {row["person"]["name"] for row in body["items"] + rest["items"]}
    assert seen == {person.name for person in secretaries}  # 王五 of township B is neither shown nor counted
    everything = client.get("/api/reporting/evaluations").json()
    assert everything["count"] == 4 and everything["items"][0]["period_label"] == "2025-H1"


def test_evaluations_of_another_township_are_not_seen(client, users, county):
    evaluate(county.people["wangwu"], county.township_b, "2025-H1")
    evaluate(make_member(county.village_b1, "赵书记"), county.township_b, "2025-H1")
    client.force_login(users["township_a"])
    assert client.get("/api/reporting/evaluations").json()["count"] == 0
    client.force_login(users["township_b"])
    assert client.get("/api/reporting/evaluations").json()["count"] == 2

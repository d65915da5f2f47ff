"""Pro-rating of the attendance minimums in a part month, read and switched over the API (GET/PUT
/api/firstsec/rules/{org}, ``prorate``) as on the rules page."""
import json

from mechanisms.firstsec.models import FirstsecRule


def put(client, url, body):
    return client.put(url, json.dumps(body), content_type="application/json")


def test_the_county_reads_and_switches_pro_rating(client, users, county):
    client.force_login(users["county"])
    url = f"/api/firstsec/rules/{county.county.pk}"
    assert client.get(url).json()["prorate"] is True  # the default, before the county sets anything
    switched = put(client, url, {"prorate": False})
    assert switched.status_code == 200, switched.content
    assert (switched.json()["own"], switched.json()["prorate"], switched.json()["min_days"]) == (True, False, 22)
    assert FirstsecRule.objects.get(organization=county.county).prorate is False
    assert client.get(f"/api/firstsec/rules/{county.village_a1.pk}").json()["prorate"] is False  # in force below
    unchanged = put(client, url, {"min_nights": 10, "prorate": None})  # null leaves it as it is
    assert (unchanged.json()["prorate"], unchanged.json()["min_nights"]) == (False, 10)
    assert put(client, url, {"prorate": True}).json()["prorate"] is True


def test_only_the_county_switches_it(client, users, county):
    client.force_login(users["township_a"])
    assert put(client, f"/api/firstsec/rules/{county.county.pk}", {"prorate": False}).status_code == 404
    assert not FirstsecRule.objects.exists()

"""A value the database or the calendar cannot hold is the request's fault: 422 with a code, never a 500."""


def test_an_id_beyond_64_bits_and_a_year_zero_answer_422(client, users):
    client.force_login(users["county"])
    for url in ("/api/standards/assessments?standard=662808772699724193988608", "/api/duties/obligations?year=0",
                "/api/liaison/points?year=99999"):
        response = client.get(url)
        assert response.status_code == 422, (url, response.content)
        assert response.json()["code"]


def test_an_id_in_range_still_filters(client, users):
    client.force_login(users["county"])
    response = client.get("/api/standards/assessments?standard=1")
    assert response.status_code == 200
    assert response.json()["items"] == []

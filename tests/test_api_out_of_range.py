"""A value the database or the calendar cannot hold is the request's fault: 422 with a code, never a 500."""


def test_a_year_no_calendar_holds_answers_422(client, users):
    client.force_login(users["county"])
    for url in ("/api/duties/obligations?year=0", "/api/liaison/points?year=99999"):
        response = client.get(url)
        assert response.status_code == 422, (url, response.content)
        assert response.json()["code"]


def test_an_id_beyond_64_bits_matches_nothing_or_answers_422(client, users):
    """SQLite cannot bind it (422); PostgreSQL compares it as a number and finds nothing."""
    client.force_login(users["county"])
    response = client.get("/api/standards/assessments?standard=662808772699724193988608")
    assert response.status_code in (200, 422), response.content
    if response.status_code == 200:
        assert response.json()["items"] == []
    else:
        assert response.json()["code"]


def test_an_id_in_range_still_filters(client, users):
    client.force_login(users["county"])
    response = client.get("/api/standards/assessments?standard=1")
    assert response.status_code == 200
    assert response.json()["items"] == []


def test_an_offset_beyond_any_list_answers_422(client, users):
    """Django writes OFFSET into the SQL; SQLite reads a 20-digit one as a real and would refuse the query."""
    client.force_login(users["county"])
    assert client.get("/api/jobs?offset=1000").json()["items"] == []
    response = client.get("/api/jobs?offset=10323803282871300096&limit=100")
    assert response.status_code == 422, response.content
    assert response.json()["code"]

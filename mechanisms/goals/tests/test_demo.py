"""The goals' demo year on the small county: last year's outcomes saved as one batch a branch (what the branch page
lists and a withdrawal would restore), as the API and the pages show them."""
import datetime
import json
from collections import Counter

import pytest
from django.urls import reverse

from mechanisms.goals.demo import generate_goals

DAY = datetime.date(2025, 6, 16)  # the conftest's day


@pytest.fixture
def demo(county, more_members):
    generate_goals(county.county, seed=7, progress=lambda *a: None, today=DAY)


def test_last_years_outcomes_are_saved_batches_of_the_branches(client, users, county, demo):
    client.force_login(users["county"])
    letters = client.get("/api/goals/letters", {"year": 2024, "limit": 200}).json()["items"]
    assessed = Counter(row["organization"]["id"] for row in letters if row["outcome"] != "pending")
    assert assessed, "the demo assessed no letter of last year"
    batches = client.get("/api/goals/outcome-batches", {"year": 2024}).json()
    assert {row["organization"]["id"]: len(row["changes"]) for row in batches} == dict(assessed)
    assert all(row["status"] == "active" and row["counts"]["assessed"] + row["counts"]["barred"] == len(row["changes"])
               for row in batches)
    branch = batches[0]["organization"]["id"]
    page = client.get(reverse("goals:branch", args=[branch]) + "?year=2024", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert reverse("goals:outcome_batch", args=[batches[0]["id"]]) in page.content.decode()
    preview = client.post(f"/api/goals/outcome-batches/{batches[0]['id']}/withdraw",
                          json.dumps({"reason": "演示"}), content_type="application/json")
    assert preview.status_code == 409 and preview.json()["changes"] == len(batches[0]["changes"])

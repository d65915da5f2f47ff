"""The submission form's date holds an ISO value in every language (the browser's date picker drops any other)."""
import datetime

import pytest
from django.urls import reverse

from engines.duties import clock, services
from engines.duties.models import Submission
from engines.duties.testing import make_rule
from tests.kit import county_built_once

county, users = county_built_once()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_returned_record_comes_back_with_its_date_in_iso(client, users, county, language):
    with clock.today_is(datetime.date(2025, 9, 5)):
        rule = make_rule(county.county, kind="record", review=True, cadence="quarterly").rule
        services.generate(user=None, rule=rule, year=2025)
        sent = services.submit(user=users["branch_a1"], rule=rule, subject=county.village_a1,
                               occurred_on=datetime.date(2025, 8, 3), title="支部委员会会议", body="记录")
        services.submission_review(user=users["township_a"], submission=sent, accept=False, note="请补充")
        assert Submission.objects.get(pk=sent.pk).review == Submission.Review.RETURNED
        client.force_login(users["branch_a1"])
        client.cookies["django_language"] = language
        page = client.get(reverse("duties:submit", args=[sent.obligation_id])).content.decode()
    assert 'type="date"' in page and 'value="2025-08-03"' in page

import datetime

import pytest

from development.demo import generate_development
from workflows import services
from workflows.models import CaseNotice
from workflows.testing import make_workflow

TODAY = datetime.date(2025, 6, 30)


@pytest.mark.django_db
def test_demo_year_leaves_the_days_workflow_deadline_notices(county):
    workflow = make_workflow(county.county).workflow
    late = services.case_open(user=None, workflow=workflow, organization=county.village_a1, title="陳家村整改",
                              today=TODAY - datetime.timedelta(days=20))
    counts = generate_development(county.county, seed=1, today=TODAY, progress=lambda _line: None)
    assert counts["notices"] == 1
    assert list(late.notices.values_list("kind", flat=True)) == [CaseNotice.Kind.OVERDUE]

import datetime

import pytest

from engines.workflows import services
from engines.workflows.models import CaseNotice
from engines.workflows.testing import make_workflow
from mechanisms.development.demo import generate_development

TODAY = datetime.date(2025, 6, 30)


@pytest.mark.django_db
def test_demo_year_leaves_the_days_workflow_deadline_notices(county):
    workflow = make_workflow(county.county).workflow
    late = services.case_open(user=None, workflow=workflow, organization=county.village_a1, title="陳家村整改",
                              today=TODAY - datetime.timedelta(days=20))
    counts = generate_development(county.county, seed=1, today=TODAY, progress=lambda _line: None)
    assert counts["notices"] == 1
    assert list(late.notices.values_list("kind", flat=True)) == [CaseNotice.Kind.OVERDUE]

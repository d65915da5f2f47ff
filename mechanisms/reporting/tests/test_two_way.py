"""双向述职: secretaries report twice a year, the parent reviews, scores on the standard's sheet and evaluates."""
import datetime
from decimal import Decimal

from engines.duties.models import Obligation
from engines.duties.services import generate
from engines.standards import services as standards
from engines.standards.models import Item, RaterGroup
from kernel.people.services import post_create
from mechanisms.reporting.services import report_review, two_way_assessment, two_way_evaluate, two_way_submit

D = datetime.date


def test_two_way_report_scored_by_the_parent(county, users, rules, today):
    secretary = county.people["zhangsan"]
    post_create(user=None, person=secretary, organization=county.village_a1, title="secretary",
                started_on=D(2020, 1, 1))
    generate(user=None, year=2025, root=county.county)
    owed = Obligation.objects.filter(rule__code="secretary-two-way-report", person=secretary)
    assert sorted(owed.values_list("period_label", flat=True)) == ["2025-H1", "2025-H2"]
    assert owed.get(period_label="2025-H1").owed_to == county.township_a

    today(D(2025, 7, 1))
    report = two_way_submit(user=users["branch_a1"], person=secretary, period_start=D(2025, 1, 1),
                            title="张三 2025年上半年述职报告")
    report_review(user=users["township_a"], submission=report, accept=True)
    assert owed.get(period_label="2025-H1").state == "done"

    assessment = two_way_assessment(user=users["township_a"], owner=county.township_a, year=2025, half=1)
    assert two_way_assessment(user=users["township_a"], owner=county.township_a, year=2025, half=1) == assessment
    sheet = assessment.sheets.get()
    assert sheet.person == secretary
    parent = RaterGroup.objects.get(version=assessment.version, code="parent")
    masses = RaterGroup.objects.get(version=assessment.version, code="masses")
    items = list(Item.objects.filter(version=assessment.version))
    for rater, share in ((parent, Decimal("0.9")), (masses, Decimal("0.8"))):
        rows = [(sheet.pk, item.pk, item.max_points * share if item.kind == "points" else None,
                 True if item.kind == "pass_fail" else None, None) for item in items]
        standards.scores_bulk_set(user=users["township_a"], assessment=assessment, rater=rater, rows=rows)
    standards.compute_results(user=users["township_a"], assessment=assessment)

    evaluation = two_way_evaluate(user=users["township_a"], person=secretary, period_label="2025-H1",
                                  evaluated_by=county.township_a, opinion="履职尽责，群众满意")
    assert evaluation.total == Decimal("87.00")  # 0.7 × 90 + 0.3 × 80
    assert evaluation.grade == "较好" and evaluation.submission == report and evaluation.sheet == sheet

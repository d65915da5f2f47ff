"""A realistic year of reporting for the demo county or city: quarterly and half-yearly reports (most on time,
some late, some returned and revised or not, some missed), two inspections with findings and supervision
notices (closed, awaiting closure, overdue), and the first half-year's 双向述职 scored by some townships."""
import datetime
import random
from decimal import Decimal

from django.db import transaction

from engines.duties import clock
from engines.duties.models import Obligation
from engines.duties.services import generate, submission_review, submit
from engines.standards import services as standards
from engines.standards.models import Item, RaterGroup
from kernel.core.actor import acting_as
from kernel.orgs.models import Organization
from kernel.people.models import Person

from . import services
from .library import REPORT_RULES, TWO_WAY_RULE, install_reporting_rules
from .models import FindingCategory

FINDINGS = [
    (FindingCategory.ORG_LIFE, "部分村党支部“三会一课”记录不全，党课未按季度开展"),
    (FindingCategory.MEMBERS, "流动党员底数不清，党员花名册未及时更新"),
    (FindingCategory.RECORDS, "村级党建台账不规范，“十有六册”缺项"),
    (FindingCategory.CADRES, "村干部集中培训参训率偏低"),
    (FindingCategory.ECONOMY, "集体经济空壳村帮扶措施落实不到位"),
    (FindingCategory.LEADERSHIP, "党建工作责任制未层层分解，责任状签订不及时"),
]


def generate_reporting(root: Organization, seed: int, today: datetime.date | None = None, progress=print) -> dict:
    with acting_as(None, source="command:demo_data:reporting"), transaction.atomic():
        return _generate(root, seed, today or clock.today(), progress)


def _day(rng, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, max((end - start).days, 0)))


def _reports(rng, today: datetime.date, codes) -> dict:
    """Reports for every period that has come due (or is about to), with their fates."""
    counts = {"on_time": 0, "late": 0, "returned": 0, "missing": 0}
    owed = (Obligation.objects.filter(rule__code__in=codes, due_on__lte=today + datetime.timedelta(days=5))
            .select_related("rule", "organization", "person").order_by("due_on", "org_path"))
    for obligation in owed:
        roll = rng.random()
        subject = obligation.person or obligation.organization
        if roll < 0.08 or (obligation.due_on >= today and roll < 0.3):
            counts["missing"] += 1
            continue
        late = roll < 0.18
        window_end = min(today, obligation.missed_after if late else obligation.due_on)
        window_start = obligation.due_on + datetime.timedelta(days=1) if late else obligation.period_end - \
            datetime.timedelta(days=5)
        if window_start > window_end:
            counts["missing"] += 1
            continue
        day = _day(rng, window_start, window_end)
        with clock.today_is(day):
            report = submit(user=None, rule=obligation.rule, subject=subject, occurred_on=obligation.period_start,
                            period_start=obligation.period_start,
                            title=f"{subject.name}{obligation.period_label}{obligation.rule.name}",
                            body="一、主要工作\n二、存在问题\n三、下步打算")
        review_day = min(today, day + datetime.timedelta(days=rng.randint(1, 6)))
        returned = rng.random() < 0.06
        with clock.today_is(review_day):
            submission_review(user=None, submission=report, accept=not returned,
                              note="请补充党员发展和组织生活情况" if returned else "")
        if returned:
            counts["returned"] += 1
            revised_on = review_day + datetime.timedelta(days=rng.randint(2, 8))
            if rng.random() < 0.6 and revised_on <= today:
                with clock.today_is(revised_on):
                    revised = submit(user=None, rule=obligation.rule, subject=subject,
                                     occurred_on=obligation.period_start, period_start=obligation.period_start,
                                     title=f"{report.title}（修改稿）", body=report.body)
                    submission_review(user=None, submission=revised, accept=True)
            continue
        counts["late" if late else "on_time"] += 1
    return counts


def _inspections(rng, root: Organization, today: datetime.date) -> dict:
    townships = list(Organization.objects.filter(parent=root, org_type="party_committee", status="active")
                     .order_by("path"))
    quarter_now = (today.month - 1) // 3 + 1
    counts = {"inspections": 0, "notices": 0, "closed": 0, "overdue": 0}
    for age, quarter in ((2, quarter_now - 2), (1, quarter_now - 1)):
        if quarter < 1:
            continue
        held_on = datetime.date(today.year, 3 * quarter, 15)
        with clock.today_is(held_on):
            inspection = services.inspection_create(user=None, organization=root, year=today.year, quarter=quarter,
                                                    inspected_on=held_on, team="县委组织部、基层办联合检查组")
            counts["inspections"] += 1
            for number, township in enumerate(rng.sample(townships, min(6, len(townships))), start=1):
                category, text = rng.choice(FINDINGS)
                finding = services.finding_add(user=None, inspection=inspection, organization=township,
                                               category=category, text=text)
                notice = services.notice_issue(user=None, finding=finding,
                                               deadline=held_on + datetime.timedelta(days=30),
                                               number=f"督办〔{today.year}〕{quarter}-{number}号",
                                               requirement="限期整改到位，并报送整改情况及佐证材料")
                counts["notices"] += 1
                fate = rng.random()
                if fate < (0.25 if age == 2 else 0.45):
                    counts["overdue"] += int(notice.deadline < today)
                    continue
                rectified_on = min(today, held_on + datetime.timedelta(days=rng.randint(10, 40)))
                with clock.today_is(rectified_on):
                    services.rectification_submit(user=None, notice=notice, text="已逐项整改，补齐台账，召开专题组织生活会")
                if fate < 0.85 and rectified_on + datetime.timedelta(days=5) <= today:
                    with clock.today_is(rectified_on + datetime.timedelta(days=5)):
                        services.notice_close(user=None, notice=notice, note="整改到位，同意销号")
                    counts["closed"] += 1
    return counts


def _two_way(rng, root: Organization, today: datetime.date) -> int:
    """The first half-year's 双向述职: reports from most secretaries, scored and evaluated in a few townships."""
    if today < datetime.date(today.year, 7, 10):
        return 0
    townships = list(Organization.objects.filter(parent=root, org_type="party_committee", status="active")
                     .order_by("path")[:3])
    evaluated = 0
    for township in townships:
        assessment = services.two_way_assessment(user=None, owner=township, year=today.year, half=1)
        items = list(Item.objects.filter(version=assessment.version))
        for code, spread in (("parent", 0.0), ("masses", 0.03)):
            rater = RaterGroup.objects.get(version=assessment.version, code=code)
            rows = []
            for sheet_id in assessment.sheets.values_list("pk", flat=True):
                quality = min(max(rng.gauss(0.84 + spread, 0.07), 0.4), 1.0)
                for item in items:
                    if item.kind == "points":
                        rows.append((sheet_id, item.pk, Decimal(round(float(item.max_points) * quality * 2)) / 2,
                                     None, None))
                    else:
                        rows.append((sheet_id, item.pk, None, rng.random() > 0.05, None))
            standards.scores_bulk_set(user=None, assessment=assessment, rater=rater, rows=rows)
        standards.compute_results(user=None, assessment=assessment)
        for person in Person.objects.filter(pk__in=assessment.sheets.values("person_id")):
            services.two_way_evaluate(user=None, person=person, period_label=f"{today.year}-H1",
                                      evaluated_by=township, opinion=rng.choice(
                                          ["履职尽责，成效明显", "工作扎实，群众认可", "抓党建力度需进一步加大"]),
                                      evaluated_on=datetime.date(today.year, 7, 20))
            evaluated += 1
    return evaluated


def _generate(root: Organization, seed: int, today: datetime.date, progress) -> dict:
    rng = random.Random(f"reporting:{seed}")
    rules = install_reporting_rules(user=None, owner=root)
    with clock.today_is(today):
        for code in (*REPORT_RULES, TWO_WAY_RULE):
            generate(user=None, rule=rules[code].rule, year=today.year, root=root)
        reports = _reports(rng, today, (*REPORT_RULES, TWO_WAY_RULE))
        progress(f"reports: {reports}")
        inspections = _inspections(rng, root, today)
        progress(f"inspections and notices: {inspections}")
        evaluated = _two_way(rng, root, today)
        clock.refresh_states(today=today)
    progress(f"two-way reports evaluated: {evaluated}")
    return {"reports": reports, "inspections": inspections, "evaluated": evaluated}

"""A realistic year of 分类定级 and 晋位升级 for the demo county: grades proposed from the year's 五个好 results,
missed branch general meetings and vacant secretary posts (about one in ten lagging), "3+1" teams, 三定一帮
plans at every stage with their problems, measures and team visits, and a re-grading that lifts the
organizations whose plans were accepted."""
import datetime
import math
import random

from kernel.core import clock
from kernel.core.actor import acting_as
from kernel.orgs.models import Organization
from kernel.people.models import Person

from . import proposals
from .library import install_grading
from .models import Grade, PoolRole, ProblemLine, ProblemType, Round
from .services import (
    grades_confirm,
    lagging_organizations,
    measure_add,
    measure_progress,
    plan_advance,
    plan_approve,
    plan_open,
    pool_add,
    problem_add,
    scheme_create,
    teams_propose,
    upgrading_create,
    visit_add,
)

LAGGING_SHARE = 0.10
MAX_LOAD = 3
PROBLEMS = {
    ProblemLine.LEADERSHIP: ("支部书记年龄偏大、带富能力弱", "班子不团结，议事不民主", "班子成员不齐"),
    ProblemLine.DEVELOPMENT: ("发展思路不清，集体经济空壳", "产业结构单一，群众增收慢"),
    ProblemLine.COVERAGE: ("外出务工党员失联", "合作社未建立党组织"),
    ProblemLine.RULES: ("“三会一课”不经常", "党务村务公开不及时", "财务管理不规范"),
    ProblemLine.PREMISES: ("无固定活动场所", "活动室年久失修"),
    ProblemLine.SUPPORT: ("办公经费不足", "党员培训无经费保障"),
}
MEASURES = ("选优配强支部书记", "召开专题组织生活会化解矛盾", "建立党员联系户制度", "规范“三会一课”记录",
            "实行“四议两公开”", "争取资金修缮活动室", "发展一名青年党员", "成立合作社党小组", "落实村级办公经费")
VISITORS = "包挂县级领导、镇党委书记、组工干部"


def generate_grading(root: Organization, seed: int, today: datetime.date | None = None, progress=print) -> dict:
    with acting_as(None, source="command:demo_data:grading"):
        return _generate(root, seed, today or clock.today(), progress)


def _trim_to_share(upgrading, rng) -> None:
    """Keeps about one in ten lagging: the rest with only a standards reason are proposed 一般 instead."""
    grades = Grade.objects.filter(upgrading=upgrading, round=Round.INITIAL)
    wanted = math.ceil(grades.count() * LAGGING_SHARE)
    lagging = list(grades.filter(level__lagging=True).order_by("org_path"))
    if len(lagging) <= wanted:
        return
    keep = set(rng.sample([g.pk for g in lagging], wanted))
    average = upgrading.scheme.levels.get(code="average")
    for grade in lagging:
        if grade.pk not in keep:
            grade.level, grade.weak_lax = average, False
            grade.reasons = [*grade.reasons, {"code": "hand", "text": "经县委研究，暂不列入后进"}]
            grade.save(update_fields=["level", "weak_lax", "reasons"])


def _pool(upgrading, root, rng, size) -> None:
    ids = list(Person.objects.filter(org_path__startswith=root.path).values_list("pk", flat=True)[:4000])
    chosen = rng.sample(ids, min(len(ids), size * 2))
    for n, person_id in enumerate(chosen):
        role = PoolRole.COUNTY_LEADER if n < size else PoolRole.CADRE
        pool_add(user=None, upgrading=upgrading, role=role, person=Person.objects.get(pk=person_id))


def _run_plan(upgrading, org, rng, start, today) -> bool:
    """One plan taken as far as its luck goes; True when accepted and closed (销号)."""
    plan = plan_open(user=None, upgrading=upgrading, organization=org, today=start)
    for line in rng.sample(list(PROBLEMS), rng.randint(1, 3)):
        problem_add(user=None, plan=plan, line=line, kind=rng.choice(ProblemType.values),
                    description=rng.choice(PROBLEMS[line]))
    measures = [measure_add(user=None, plan=plan, content=content, owner=rng.choice(("支部书记", "镇党委", "包挂组")),
                            deadline=min(start + datetime.timedelta(days=rng.randint(40, 150)), upgrading.deadline))
                for content in rng.sample(MEASURES, rng.randint(2, 4))]
    for n in range(rng.randint(1, 4)):
        visit_add(user=None, plan=plan, on=min(start + datetime.timedelta(days=20 + 30 * n), today), visitors=VISITORS,
                  note=rng.choice(("召开座谈会", "走访党员群众", "研究整改措施", "督查整改进度")))
    fate = rng.random()
    if fate < 0.12:
        return False  # still being drafted
    plan_advance(user=None, plan=plan, today=start + datetime.timedelta(days=7))
    if fate < 0.22:
        return False  # waiting for the county's approval
    day = start + datetime.timedelta(days=12)
    plan_approve(user=None, plan=plan, today=day)
    plan_advance(user=None, plan=plan, today=day)
    finished = fate >= 0.45
    for measure in measures:
        if finished or rng.random() < 0.5:
            done = min(measure.deadline - datetime.timedelta(days=rng.randint(0, 20)), today)
            measure_progress(user=None, measure=measure, progress=100, on=max(done, day))
        else:
            measure_progress(user=None, measure=measure, progress=rng.choice((20, 40, 60, 80)))
    if not finished:
        return False
    day = max(m.done_on for m in measures) + datetime.timedelta(days=3)
    plan_advance(user=None, plan=plan, today=day)
    if fate < 0.6:
        return False  # waiting for acceptance (验收)
    day += datetime.timedelta(days=rng.randint(3, 15))
    plan_approve(user=None, plan=plan, comment="验收合格", today=day)
    plan_advance(user=None, plan=plan, comment="销号", today=day)
    return True


def _staff(org, rng) -> None:
    """A plan that reached acceptance filled its vacant secretary post (抓书记、强班子)."""
    from kernel.people.choices import PostTitle
    from kernel.people.models import Post
    from kernel.people.services import post_create

    if Post.objects.current().filter(organization=org, title=PostTitle.SECRETARY).exists():
        return
    person = Person.objects.filter(organization=org).order_by("pk").first()
    if person is not None:
        post_create(user=None, person=person, organization=org, title=PostTitle.SECRETARY)


def _generate(root: Organization, seed: int, today: datetime.date, progress) -> dict:
    rng = random.Random(f"grading:{seed}")
    year = today.year
    install_grading(user=None, owner=root)
    scheme = scheme_create(user=None, owner=root, name="基层党组织分类定级", rules={
        "standard": "five-good-village", "tier_grades": {"advanced": "advanced", "qualified": "good"}})
    upgrading = upgrading_create(user=None, scheme=scheme, owner=root, year=year, max_load=MAX_LOAD,
                                 deadline=datetime.date(year, 10, 31))
    graded_on = min(datetime.date(year, 3, 31), today)
    proposals.propose(upgrading, on=graded_on)
    _trim_to_share(upgrading, rng)
    grades_confirm(user=None, upgrading=upgrading, on=graded_on, confirm=True)
    lagging = list(lagging_organizations(upgrading).order_by("path"))
    _pool(upgrading, root, rng, math.ceil(len(lagging) / MAX_LOAD) + 2)
    try:
        teams_propose(user=None, upgrading=upgrading, on=graded_on)
    except Exception as error:  # noqa: BLE001 - a township without a secretary on record: the demo goes on
        progress(f"grading: teams not proposed ({error})")
    lifted = 0
    for org in lagging:
        start = graded_on + datetime.timedelta(days=rng.randint(5, 30))
        if _run_plan(upgrading, org, rng, start, today):
            _staff(org, rng)
            lifted += 1
    proposals.propose(upgrading, round=Round.REGRADE, on=min(upgrading.deadline, today))
    grades_confirm(user=None, upgrading=upgrading, round=Round.REGRADE, on=min(upgrading.deadline, today), confirm=True)
    progress(f"grading: {len(lagging)} lagging of {Grade.objects.filter(upgrading=upgrading, round=Round.INITIAL).count()}"
             f", {lifted} plans closed")
    return {"upgrading": upgrading, "lagging": len(lagging), "closed": lifted}

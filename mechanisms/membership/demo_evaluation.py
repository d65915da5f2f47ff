"""Democratic evaluation and talks for the demo county: last year's grades of its members in good standing (mostly
合格, some 优秀, a handful 基本合格, a few with their goals unmet), three 不合格 members through the services with
their cases in different states (being helped, rectifying by a deadline, persuaded to withdraw), and this year's
talks of a sample of branches, most with the three kinds held and some behind."""
import datetime
import random

from kernel.core import clock
from kernel.core.tree import subtree_q
from kernel.orgs.models import Organization
from kernel.people.choices import MemberStatus
from kernel.people.models import Member

from . import evaluation, talks
from .demo_extra import extra_member
from .models_evaluation import CaseOutcome, EvaluationGrade, GoalsMet, Grade, GradeSource

# Members graded at most (a province's demo stays quick), branches given talks, members in a 不合格 case.
GRADE_CAP, TALK_BRANCHES, UNQUALIFIED = 20000, 40, 3
BULK = 2000
TOPICS = ["谈思想认识和学习体会", "谈工作中的困难和打算", "谈班子团结和相互提醒", "谈遵守纪律和廉洁自律",
          "谈参加组织生活情况", "谈家庭生活和致富打算"]
BODY = "村党支部支部大会"


def _grade(rng: random.Random) -> tuple[str, str]:
    roll = rng.random()
    if roll < 0.12:
        return Grade.EXCELLENT, GoalsMet.YES
    if roll < 0.96:
        return Grade.QUALIFIED, GoalsMet.NO if roll > 0.94 else GoalsMet.YES
    return Grade.BASIC, GoalsMet.NO if roll > 0.985 else GoalsMet.YES


def _grades(root: Organization, rng: random.Random, year: int, today: datetime.date) -> int:
    """Last year's grades written in bulk: generated data that the grade rules allow by construction (no 优秀 with
    the goals unmet, members in good standing who joined by then)."""
    members = (Member.objects.filter(subtree_q("org_path", [root.path]), status=MemberStatus.ACTIVE,
                                     joined_on__year__lte=year)
               .exclude(evaluation_grades__year=year).select_related("person").order_by("pk")[:GRADE_CAP])
    rows = []
    decided_on = min(today, datetime.date(year + 1, 1, 20))
    for member in members.iterator(chunk_size=BULK):
        grade, goals = _grade(rng)
        rows.append(EvaluationGrade(person_id=member.person_id, member=member,
                                    organization_id=member.person.organization_id, org_path=member.org_path,
                                    year=year, grade=grade, goals_met=goals, source=GradeSource.ENTERED,
                                    decided_on=decided_on))
    EvaluationGrade.objects.bulk_create(rows, batch_size=BULK)
    return len(rows)


def _cases(root: Organization, rng: random.Random, year: int, today: datetime.date) -> int:
    """Three members graded 不合格 through the services, their cases left in three states."""
    candidates = list(EvaluationGrade.objects.filter(
        subtree_q("org_path", [root.path]), year=year, grade=Grade.QUALIFIED, member__holds_post=False,
        member__person__account__isnull=True, member__status=MemberStatus.ACTIVE,
        member__standing_changes__isnull=True).select_related("member")
        .order_by("pk")[:200])
    chosen = rng.sample(candidates, min(UNQUALIFIED, len(candidates)))
    helped_on, decided_on = today - datetime.timedelta(days=40), today - datetime.timedelta(days=30)
    for n, row in enumerate(chosen):
        # the one persuaded to withdraw leaves the party: a member beside the seed's counted ones (whose number in
        # good standing stays the seed's)
        member = extra_member(rng, row.member, today) if n == 2 else row.member
        evaluation.grade_set(user=None, member=member, year=year, grade=Grade.UNQUALIFIED,
                             goals_met=GoalsMet.NO, note="群众评议意见较大，长期不参加组织生活")
        case = member.evaluation_cases.get(year=year)
        evaluation.case_help(user=None, case=case, on=helped_on, helped_by="支部书记",
                             note="支部书记与其谈心谈话，帮助查找问题、制定整改措施")
        if n == 1:
            evaluation.case_decide(user=None, case=case, outcome=CaseOutcome.RECTIFY, decided_by=BODY,
                                   decided_on=decided_on, decision="限期六个月改正",
                                   deadline=decided_on + datetime.timedelta(days=182))
        elif n == 2:
            evaluation.case_decide(user=None, case=case, outcome=CaseOutcome.PERSUADE, decided_by=BODY,
                                   decided_on=decided_on, decision="经帮教仍无转变，劝其退党", confirm=True)
    return len(chosen)


def _talks(root: Organization, rng: random.Random, today: datetime.date) -> int:
    """This year's talks of a sample of branches: three kinds for most, fewer for some."""
    branches = list(Organization.objects.filter(subtree_q("path", [root.path]), org_type="branch")
                    .order_by("path")[:TALK_BRANCHES])
    start = datetime.date(today.year, 1, 1)
    count = 0
    for branch in branches:
        members = list(Member.objects.filter(person__organization=branch, status=MemberStatus.ACTIVE)
                       .select_related("person").order_by("pk")[:30])
        if len(members) < 2:
            continue
        kinds = list(talks.DUTY_KINDS) if rng.random() < 0.7 else rng.sample(talks.DUTY_KINDS, rng.randint(0, 2))
        for kind in kinds:
            on = start + datetime.timedelta(days=rng.randint(0, max(0, (today - start).days)))
            people = [member.person for member in rng.sample(members, 2)]
            talks.talk_record(user=None, organization=branch, on=on, kind=kind, place="村党群服务中心",
                              topic=rng.choice(TOPICS), people=people, summary="坦诚交流，互相提醒，记录在案")
            count += 1
    return count


def generate_evaluation(root: Organization, seed: int, today: datetime.date, progress=print) -> dict:
    """Last year's grades and cases and this year's talks under ``root`` (called by demo.generate_membership)."""
    rng = random.Random(seed + 27)
    year = today.year - 1
    with clock.today_is(today):
        counts = {"grades": _grades(root, rng, year, today), "cases": _cases(root, rng, year, today),
                  "talks": _talks(root, rng, today)}
    progress(f"  democratic evaluation {year}: {counts['grades']} grades, {counts['cases']} unqualified cases; "
             f"talks: {counts['talks']}")
    return counts

"""A year of the reserve mechanism for the demo county or city (seed 000 §三.1): each village's reserve cadre pool
(two to four people, a few appointed to a post or gone over the last two years), two-way cultivation on its three
tracks with their steps, and two or three posts for members without office held by members without office, most
reviewed for last year. Written in bulk; nothing at province scale (the demo does not call it there)."""
import datetime
import random

from django.db import transaction

from kernel.core import clock
from kernel.core.actor import acting_as
from kernel.core.tree import subtree_q
from kernel.orgs.models import Organization, OrgStatus
from kernel.people.models import Member, Person

from .models import (
    Cultivation,
    CultivationStep,
    DutyPostAssignment,
    Grade,
    MemberDutyPost,
    Outcome,
    PoolStatus,
    ReserveAssessment,
    ReserveCadre,
    Source,
    Track,
)

TRAININGS = ["参加县委党校后备干部培训班（5天）", "跟班学习村“两委”工作三个月", "参加乡党校集中培训", "远程教育站点学习实用技术"]
POSTS = [("政策宣传岗", "宣传党的政策和惠农政策"), ("矛盾调解岗", "调解邻里纠纷，及时上报矛盾"),
         ("环境卫生监督岗", "督促村组环境卫生整治"), ("致富带头岗", "带领群众发展产业"), ("治安联防岗", "参与村组治安巡逻")]
STEPS = {Track.MEMBER: ["确定为入党积极分子", "支部委员结对培养", "参加入党积极分子培训班"],
         Track.CAPABLE: ["参加实用技术培训", "联系致富项目", "结对帮带致富能手"],
         Track.CADRE: ["列入后备干部重点培养", "跟班参与村务", "挂职锻炼村委会主任助理"]}


def generate_reserve(root: Organization, seed: int, progress=print, today: datetime.date | None = None) -> dict:
    with acting_as(None, source="command:demo_data:reserve"), transaction.atomic():
        return _generate(root, seed, today or clock.today(), progress)


def _generate(root, seed, today, progress) -> dict:
    if ReserveCadre.objects.filter(subtree_q("org_path", [root.path])).exists():
        return {"cadres": 0}
    rng = random.Random(f"reserve:{seed}")
    year = today.year
    villages = list(Organization.objects.filter(subtree_q("path", [root.path]), org_type="branch",
                                                domain__in=("rural", "community"), status=OrgStatus.ACTIVE)
                    .only("pk", "path").order_by("path"))
    people = {}
    for pk, org_id, stage, birth in (Person.objects.filter(subtree_q("org_path", [root.path]),
                                                           organization__in=villages)
                                     .values_list("pk", "organization_id", "stage", "birth_date")):
        if birth is None or 22 <= today.year - birth.year <= 50:
            people.setdefault(org_id, []).append((pk, stage))
    no_post = {}
    for pk, org_id in Member.objects.filter(person__organization__in=villages, status="active",
                                            holds_post=False).values_list("person_id", "person__organization_id"):
        no_post.setdefault(org_id, []).append(pk)
    cadres, cultivations, posts = [], [], []
    taken = set()
    for village in villages:
        candidates = [p for p in people.get(village.pk, []) if p[0] not in taken]
        rng.shuffle(candidates)
        for pk, _stage in candidates[:rng.choice((1, 2, 2, 3, 3, 4))]:
            taken.add(pk)
            since = datetime.date(year - rng.randint(0, 3), rng.randint(1, 12), rng.randint(1, 28))
            since = min(since, today - datetime.timedelta(days=30))
            status, outcome_on, title, note = PoolStatus.IN_POOL, None, "", ""
            draw = rng.random()
            if draw < 0.12 and since.year < year:
                status, title = PoolStatus.APPOINTED, rng.choice(["committee_member", "village_committee_member",
                                                                  "deputy_secretary"])
                outcome_on = min(datetime.date(year, rng.randint(1, 6), rng.randint(1, 28)), today)
                note = "村“两委”换届当选"
            elif draw < 0.17 and since.year < year:
                status, outcome_on, note = PoolStatus.LEFT, min(datetime.date(year, rng.randint(1, 6), 15), today), \
                    "外出务工，不再列入后备干部库"
            cadres.append(ReserveCadre(person_id=pk, organization_id=village.pk, org_path=village.path, since=since,
                                       source=rng.choice(Source.values), training=rng.choice(TRAININGS),
                                       status=status, outcome_on=outcome_on, outcome_title=title, outcome_note=note))
        for pk, stage in candidates[4:4 + rng.randint(0, 3)]:
            track = rng.choice([Track.CAPABLE, Track.CADRE] if stage == "member" else [Track.MEMBER])
            started = datetime.date(year - rng.randint(0, 2), rng.randint(1, 12), rng.randint(1, 28))
            started = min(started, today - datetime.timedelta(days=20))
            outcome, outcome_on = Outcome.ONGOING, None
            if started.year < year and rng.random() < 0.45:
                outcome, outcome_on = Outcome.ACHIEVED, min(datetime.date(year, rng.randint(1, 6), 20), today)
            cultivations.append(Cultivation(person_id=pk, organization_id=village.pk, org_path=village.path,
                                            track=track, started_on=started, mentor="村党支部书记",
                                            outcome=outcome, outcome_on=outcome_on))
        for name, duties in rng.sample(POSTS, rng.randint(2, 3)):
            posts.append(MemberDutyPost(organization_id=village.pk, org_path=village.path, name=name, duties=duties))
    ReserveCadre.objects.bulk_create(cadres, batch_size=2000)
    ReserveAssessment.objects.bulk_create([
        ReserveAssessment(cadre=c, org_path=c.org_path, year=y, grade=rng.choice(
            [Grade.EXCELLENT, Grade.COMPETENT, Grade.COMPETENT, Grade.BASIC]))
        for c in cadres for y in range(c.since.year, year) if y >= year - 2], batch_size=2000)
    Cultivation.objects.bulk_create(cultivations, batch_size=2000)
    CultivationStep.objects.bulk_create([
        CultivationStep(cultivation=c, org_path=c.org_path, what=what,
                        done_on=min(c.started_on + datetime.timedelta(days=40 * (n + 1)), today))
        for c in cultivations for n, what in enumerate(STEPS[Track(c.track)][:rng.randint(1, 3)])], batch_size=2000)
    MemberDutyPost.objects.bulk_create(posts, batch_size=2000)
    assignments = []
    for post in posts:
        members = no_post.get(post.organization_id, [])
        for pk in rng.sample(members, min(len(members), rng.randint(1, 3))):
            for y in (year - 1, year):
                rating = rng.choice(["good", "good", "fair", "poor"]) if y < year else ""
                assignments.append(DutyPostAssignment(post=post, person_id=pk, org_path=post.org_path, year=y,
                                                      rating=rating, reviewed_on=datetime.date(y, 12, 20)
                                                      if rating else None))
    DutyPostAssignment.objects.bulk_create(assignments, batch_size=2000, ignore_conflicts=True)
    progress(f"reserve: {len(cadres):,} reserve cadres in {len(villages):,} villages, {len(cultivations):,} "
             f"cultivations, {len(posts):,} posts for members without office")
    return {"cadres": len(cadres), "cultivations": len(cultivations), "posts": len(posts)}

"""The party representatives' year for the demo county or city: a congress of the root committee with its term, one
studio in each township (seed 001's city: 371 representatives in 21 studios, each linked to one village and ten
households; the county: one studio per township, about eight representatives each), this month's and the last two
months' activity days (two studios idle this month), research visits, visits to linked households, proposals at
every stage (some overdue) and households' requests. Rows are written in bulk; this month's and this year's records
that discharge duties go through the services so the duties engine counts them."""
import datetime
import random

from django.db import transaction

from kernel.core import clock
from kernel.core.actor import acting_as
from kernel.core.tree import subtree_q
from kernel.orgs.models import Organization, OrgStatus
from kernel.people.models import Person

from . import services
from .models import (
    Activity,
    ActivityKind,
    Congress,
    Household,
    HouseholdRequest,
    Proposal,
    ProposalStatus,
    Representative,
    RequestState,
    Satisfaction,
    Studio,
)

CITY_REPRESENTATIVES, CITY_STUDIOS = 371, 21   # seed 001
COUNTY_PER_STUDIO = 8
CITY_VILLAGES = 400                            # a root with this many villages is the city demo
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏"
GIVEN = "建国明华秀英桂兰志强海燕德胜玉梅春生红霞文俊永福金凤立新小平国庆淑珍"
GROUPS = "一二三四五六七八九十"
RESEARCH = ["调研村级集体经济发展情况", "视察农村人居环境整治", "调研软弱涣散党组织整顿", "视察精准扶贫项目",
            "调研基层党组织阵地建设"]
VISITS = ["走访联系户，宣传惠民政策", "入户了解生产生活困难", "收集群众对村务的意见建议", "帮助联系户解决实际问题"]
PROPOSALS = [("关于加大村级集体经济扶持力度的建议", "建议设立专项资金，扶持集体经济空白村发展特色产业。"),
             ("关于完善农村公路养护机制的提议", "部分村组道路年久失修，建议明确养护责任和经费。"),
             ("关于加强农村留守老人关爱服务的建议", "建议依托村级活动场所建立日间照料中心。"),
             ("关于规范村级财务管理的提议", "建议推行村账乡代管和财务公开“明白卡”。"),
             ("关于改善农村饮水安全的建议", "部分村组饮水水质不达标，建议纳入年度民生工程。")]
UNITS = ["市财政局", "市交通运输局", "市民政局", "市农业农村局", "市水利局", "市委组织部"]
MATTERS = ["低保申请咨询", "危房改造申请", "子女入学问题", "医疗报销咨询", "土地纠纷调解", "产业项目技术指导"]


def generate_representatives(root: Organization, seed: int, progress=print, today: datetime.date | None = None) -> dict:
    with acting_as(None, source="command:demo_data:representatives"), transaction.atomic():
        return _generate(root, seed, today or clock.today(), progress)


def _name(rng) -> str:
    return rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice([1, 2])))


def _generate(root, seed, today, progress) -> dict:
    if Congress.objects.filter(organization=root).exists():
        return {"representatives": 0}
    rng = random.Random(f"representatives:{seed}")
    townships = list(Organization.objects.filter(parent=root, org_type="party_committee", status=OrgStatus.ACTIVE)
                     .order_by("path"))
    villages = list(Organization.objects.filter(subtree_q("path", [root.path]), org_type="branch",
                                                domain__in=["rural", "community"], status=OrgStatus.ACTIVE)
                    .order_by("path").only("pk", "path", "name"))
    if not townships or not villages:
        return {"representatives": 0}
    city = len(villages) >= CITY_VILLAGES
    opened = datetime.date(today.year - 2, 9, 20)
    congress = Congress.objects.create(organization=root, org_path=root.path, number=14 if city else 15,
                                       name=f"中国共产党{root.name.removeprefix('中共').removesuffix('委员会').removesuffix('委')}第{14 if city else 15}次代表大会",
                                       opened_on=opened, term_ends_on=datetime.date(opened.year + 5, 9, 19))
    chosen = townships[:CITY_STUDIOS] if city else townships
    studios = Studio.objects.bulk_create([
        Studio(organization=t, org_path=t.path, name=f"{t.name.removesuffix('党委').removesuffix('委员会')}党代表工作室",
               address=f"{t.name.removesuffix('党委')}便民服务中心二楼", activity_day=rng.choice([10, 15, 20, 25]))
        for t in chosen])
    total = CITY_REPRESENTATIVES if city else COUNTY_PER_STUDIO * len(studios)
    by_township = {s.org_path: [] for s in studios}
    for village in villages:
        for path in by_township:
            if village.path.startswith(path):
                by_township[path].append(village)
    reps = []
    used = set()
    for n in range(total):
        studio = studios[n % len(studios)]
        pool = by_township[studio.org_path] or villages
        village = rng.choice(pool)
        person = (Person.objects.filter(subtree_q("org_path", [studio.org_path]), stage="member")
                  .exclude(pk__in=used).order_by("pk")[rng.randint(0, 40):][:1].first()
                  or Person.objects.filter(subtree_q("org_path", [root.path]), stage="member")
                  .exclude(pk__in=used).order_by("pk").first())
        if person is None:
            break
        used.add(person.pk)
        reps.append(Representative(congress=congress, person=person, constituency=studio.organization, studio=studio,
                                   village=village, org_path=studio.org_path))
    reps = Representative.objects.bulk_create(reps)
    leaders: dict = {}
    for rep in reps:
        leaders.setdefault(rep.studio_id, rep.pk)       # each studio led by its first representative
    for studio_id, rep_id in leaders.items():
        Studio.objects.filter(pk=studio_id).update(leader_id=rep_id)
    households = []
    for rep in reps:
        for k in range(services.HOUSEHOLDS):
            households.append(Household(representative=rep, org_path=rep.org_path, name=_name(rng),
                                        address=f"{rep.village.name.removesuffix('党支部')}{GROUPS[k % 10]}组",
                                        phone=f"139{rng.randint(10000000, 99999999)}"))
    households = Household.objects.bulk_create(households)
    homes = {}
    for h in households:
        homes.setdefault(h.representative_id, []).append(h)
    progress(f"  representatives: {len(reps)} in {len(studios)} studios, {len(households)} households")
    services.obligations_follow(today=today)
    counts = _activities(rng, reps, homes, studios, today)
    counts.update(_proposals(rng, reps, today))
    counts.update(_requests(rng, reps, homes, today))
    return {"representatives": len(reps), "studios": len(studios), "households": len(households), **counts}


def _months(today):
    month = today.replace(day=1)
    out = []
    for _n in range(3):
        out.append(month)
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return out


def _activities(rng, reps, homes, studios, today) -> dict:
    idle = {s.pk for s in studios[-2:]} if len(studios) > 4 else set()
    bulk, through = [], 0
    for month in _months(today):
        current = month.year == today.year and month.month == today.month
        last_day = today if current else (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - \
            datetime.timedelta(days=1)
        for studio in studios:
            if current and studio.pk in idle:
                continue
            day = month.replace(day=min(studio.activity_day or 15, last_day.day))
            if day > today:
                continue
            for rep in (r for r in reps if r.studio_id == studio.pk):
                if rng.random() < 0.85:
                    if current:
                        services.activity_record(user=None, rep=rep, kind=ActivityKind.ACTIVITY_DAY, occurred_on=day,
                                                 content="党代表活动日：接待群众来访、收集社情民意", studio=studio)
                        through += 1
                    else:
                        bulk.append(Activity(representative=rep, studio=studio, org_path=rep.org_path,
                                             kind=ActivityKind.ACTIVITY_DAY, occurred_on=day,
                                             content="党代表活动日：接待群众来访、收集社情民意"))
        for rep in reps:
            if current and rep.studio_id in idle:
                continue
            span = max((last_day - month).days, 0)
            for _v in range(rng.choice([0, 1, 1, 2, 3])):
                bulk.append(Activity(representative=rep, household=rng.choice(homes[rep.pk]), org_path=rep.org_path,
                                     kind=ActivityKind.HOUSEHOLD_VISIT, content=rng.choice(VISITS),
                                     occurred_on=month + datetime.timedelta(days=rng.randint(0, span))))
            kinds = [(ActivityKind.RESEARCH, 0.3), (ActivityKind.MEETING, 0.05), (ActivityKind.QUESTION, 0.03),
                     (ActivityKind.EVALUATION, 0.04)]
            for kind, chance in kinds:
                if rng.random() < chance:
                    day = month + datetime.timedelta(days=rng.randint(0, span))
                    content = rng.choice(RESEARCH) if kind == ActivityKind.RESEARCH else str(kind.label)
                    if day.year == today.year:
                        services.activity_record(user=None, rep=rep, kind=kind, occurred_on=day, content=content)
                        through += 1
                    else:
                        bulk.append(Activity(representative=rep, org_path=rep.org_path, kind=kind, occurred_on=day,
                                             content=content))
    Activity.objects.bulk_create(bulk)
    return {"activities": len(bulk) + through}


def _proposals(rng, reps, today) -> dict:
    rows = 0
    start = max(today.replace(month=1, day=1), reps[0].congress.opened_on) if reps else today
    span = max((today - start).days, 0)
    for rep in rng.sample(reps, len(reps) * 2 // 5):
        title, content = rng.choice(PROPOSALS)
        submitted = start + datetime.timedelta(days=rng.randint(0, span))
        proposal = services.proposal_submit(user=None, rep=rep, kind=rng.choice(["motion", "suggestion"]),
                                            title=title, content=content, submitted_on=submitted)
        rows += 1
        stage = rng.random()
        if stage < 0.15:
            continue
        assigned = min(submitted + datetime.timedelta(days=rng.randint(3, 15)), today)
        Proposal.objects.filter(pk=proposal.pk).update(
            status=ProposalStatus.ASSIGNED, handling_unit=rng.choice(UNITS), assigned_on=assigned,
            deadline=assigned + datetime.timedelta(days=services.DEFAULT_ANSWER_DAYS))
        if stage < 0.35:
            continue   # awaiting the answer (overdue if past three months)
        answered = min(assigned + datetime.timedelta(days=rng.randint(20, 80)), today)
        Proposal.objects.filter(pk=proposal.pk).update(
            status=ProposalStatus.ANSWERED, answered_on=answered, answer="已研究落实，纳入年度工作计划。")
        if stage < 0.5:
            continue
        Proposal.objects.filter(pk=proposal.pk).update(
            status=ProposalStatus.CLOSED, closed_on=min(answered + datetime.timedelta(days=7), today),
            satisfaction=rng.choice([Satisfaction.SATISFIED] * 4 + [Satisfaction.BASICALLY]))
    return {"proposals": rows}


def _requests(rng, reps, homes, today) -> dict:
    rows = []
    for rep in rng.sample(reps, len(reps) // 2):
        received = today - datetime.timedelta(days=rng.randint(0, 60))
        deadline = received + datetime.timedelta(days=services.DEFAULT_REQUEST_DAYS)
        done = rng.random() < 0.7
        done_on = min(received + datetime.timedelta(days=rng.randint(2, 20)), today) if done else None
        rows.append(HouseholdRequest(household=rng.choice(homes[rep.pk]), representative=rep, org_path=rep.org_path,
                                     matter=rng.choice(MATTERS), received_on=received, deadline=deadline,
                                     state=RequestState.DONE if done else RequestState.OPEN, done_on=done_on,
                                     result="已协调相关部门办结" if done else "",
                                     satisfaction=Satisfaction.SATISFIED if done else ""))
    HouseholdRequest.objects.bulk_create(rows)
    return {"requests": len(rows)}

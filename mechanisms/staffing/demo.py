"""Instructors, organizers and staffing for the demo county or city (seeds 001, 002): cadres of the committees
stationed in villages as party-building instructors (the city: 47 city leaders and 104 heads of city units, seed
001; a county: a dozen county leaders and thirty heads of county units), their visits of the last three months
logged against the monthly duty; organizers in about three townships in four full-time and nine in ten
part-time, most certified; the department's staff of this year and last with about a third on grassroots work."""
import datetime
import random

from django.db import transaction

from kernel.core import clock
from kernel.core.actor import acting_as
from kernel.core.tree import subtree_q
from kernel.orgs.models import Organization, OrgStatus, OrgType
from kernel.people.models import Person, Post

from . import services
from .library import install_staffing
from .models import DepartmentStaff, Instructor, Level, Organizer

CONTENT = ["指导召开支部委员会", "督促落实“三会一课”", "指导村级后备干部培养", "调研集体经济发展", "指导党员发展工作",
           "参加主题党日活动", "检查党建工作台账"]
PROBLEMS = ["", "", "会议记录不规范", "党员活动室资料不全", "后备干部人数不足", "党费收缴不及时"]
UNITS = ["市发改委", "市财政局", "市农业农村局", "市人社局", "市教育局", "市卫健委", "市交通运输局", "市水利局",
         "市住建局", "市商务局", "市林业局", "市民政局"]


def generate_staffing(root: Organization, seed: int, progress=print, today: datetime.date | None = None) -> dict:
    with acting_as(None, source="command:demo_data:staffing"), transaction.atomic():
        return _generate(root, seed, today or clock.today(), progress)


def _generate(root, seed, today, progress) -> dict:
    install_staffing(user=None, owner=root)
    if Instructor.objects.filter(subtree_q("org_path", [root.path])).exists():
        return {"instructors": 0}
    rng = random.Random(f"staffing:{seed}")
    city = Organization.objects.filter(subtree_q("path", [root.path]), org_type=OrgType.COMMITTEE).count() > 1
    leaders, heads = (47, 104) if city else (12, 30)
    villages = list(Organization.objects.filter(subtree_q("path", [root.path]), org_type=OrgType.BRANCH,
                                                domain="rural", status=OrgStatus.ACTIVE).order_by("path"))
    upper = Organization.objects.filter(subtree_q("path", [root.path]),
                                        org_type__in=(OrgType.COMMITTEE, OrgType.PARTY_COMMITTEE))
    cadres = list(Person.objects.filter(pk__in=Post.objects.current().filter(organization__in=upper)
                                        .values("person_id")).order_by("pk")[:leaders + heads])
    chosen = rng.sample(villages, min(len(villages), len(cadres)))
    start = datetime.date(today.year, 1, 1) if today.month > 3 else datetime.date(today.year - 1, 10, 1)
    instructors = []
    for n, (person, village) in enumerate(zip(cadres, chosen, strict=False)):
        level = Level.CITY_LEADER if n < leaders else Level.UNIT_HEAD
        if not city:
            level = Level.COUNTY_LEADER if n < leaders else Level.UNIT_HEAD
        unit = "" if n < leaders else rng.choice(UNITS).removeprefix("市")  # 市住建局 → 住建局, then 市/县 again
        instructors.append(Instructor(person=person, organization=village, org_path=village.path, level=level,
                                      unit=(("市" if city else "县") + unit) if unit else "", started_on=start))
    Instructor.objects.bulk_create(instructors)
    visits = 0
    first = (today.replace(day=1) - datetime.timedelta(days=62)).replace(day=1)
    for instructor in instructors:
        day = max(first, instructor.started_on)
        while day < today:
            month_end = services.month_bounds(day)[1]
            for _n in range(rng.choice((1, 2, 2, 3))):
                visited = day + datetime.timedelta(days=rng.randint(0, (min(month_end, today) - day).days))
                problem = rng.choice(PROBLEMS)
                services.visit_log(user=None, instructor=instructor, visited_on=visited, content=rng.choice(CONTENT),
                                   problems=problem, follow_up="已督促整改" if problem else "",
                                   followed_up=bool(problem) and rng.random() < 0.7)
                visits += 1
            day = month_end + datetime.timedelta(days=1)
        services.month_obligation(instructor, today)
    townships = list(Organization.objects.filter(subtree_q("path", [root.path]),
                                                 org_type=OrgType.PARTY_COMMITTEE, domain__in=("rural", "community"),
                                                 parent__org_type=OrgType.COMMITTEE, status=OrgStatus.ACTIVE))
    holders = {}
    for person_id, org_id in Post.objects.current().filter(organization__in=townships).values_list(
            "person_id", "organization_id"):
        holders.setdefault(org_id, []).append(person_id)
    organizers = []
    for town in townships:
        people = holders.get(town.pk, [])
        for kind, share in (("full_time", 0.78), ("part_time", 0.93)):
            if people and rng.random() < share:
                certified = rng.random() < 0.92
                organizers.append(Organizer(person_id=rng.choice(people), organization=town, org_path=town.path,
                                            kind=kind, certified=certified,
                                            certificate=f"ZZY{today.year - 2}{rng.randint(1000, 9999)}"
                                            if certified else "",
                                            started_on=datetime.date(today.year - rng.randint(0, 4), 3, 1)))
    Organizer.objects.bulk_create(organizers)
    committees = list(Organization.objects.filter(subtree_q("path", [root.path]), org_type=OrgType.COMMITTEE))
    DepartmentStaff.objects.bulk_create([
        DepartmentStaff(organization=c, org_path=c.path, year=year, total=total, grassroots=part)
        for c in committees for year, total, part in ((today.year - 1, 25, 7), (today.year, 26, 9))])
    progress(f"staffing: {len(instructors):,} instructors with {visits:,} visits, {len(organizers):,} organizers in "
             f"{len(townships):,} townships")
    return {"instructors": len(instructors), "visits": visits, "organizers": len(organizers)}

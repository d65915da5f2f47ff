"""The demo's in-party commendations (党内表彰) for last year and, after 1 July, this year, as the seeds tell them:
each township committee names its 优秀共产党员 at 七一 (seed 004: "发现培养优秀共产党员标兵9人"), the county its
农村党员“五带头”标兵 (seed 000: "每年“七一”对全县评选的农村党员“五带头”标兵实行授牌命名表彰"), a 优秀党务工作者 and a
先进基层党组织 from each township. Written in bulk; at most ``CAP_COMMITTEES`` committees, so a province stays quick."""
import datetime
import random

from django.db.models import Q

from kernel.core.tree import subtree_q
from kernel.orgs.models import Organization, OrgStatus, OrgType
from kernel.people.choices import MemberStatus
from kernel.people.models import Member

from .models_commendation import Commendation, CommendationLevel, Honour

CAP_COMMITTEES = 40
EXCELLENT_PER_TOWNSHIP = 9  # seed 004
MODELS_PER_TOWNSHIP = 3  # 五带头标兵, county level


def generate_commendations(root: Organization, seed: int, today: datetime.date, progress=print) -> int:
    rng = random.Random(seed + 31)
    committees = list(Organization.objects.filter(subtree_q("path", [root.path]), org_type=OrgType.PARTY_COMMITTEE,
                                                  status=OrgStatus.ACTIVE).exclude(pk=root.pk)
                      .order_by("depth", "path")[:CAP_COMMITTEES])
    city = Organization.objects.filter(subtree_q("path", [root.path]), org_type=OrgType.COMMITTEE).exclude(
        pk=root.pk).exists()  # the city demo: the commendations above the townships are the city's
    upper, prefix = (CommendationLevel.CITY, "市委发") if city else (CommendationLevel.COUNTY, "县委发")
    years = [today.year - 1] + ([today.year] if today >= datetime.date(today.year, 7, 1) else [])
    rows = []
    for committee in committees:
        members = list(Member.objects.filter(subtree_q("org_path", [committee.path]), status=MemberStatus.ACTIVE)
                       .values_list("person_id", "person__organization_id", "org_path")[:300])
        branches = list(Organization.objects.filter(subtree_q("path", [committee.path]), status=OrgStatus.ACTIVE)
                        .filter(Q(org_type=OrgType.BRANCH) | Q(org_type=OrgType.GENERAL_BRANCH))
                        .values_list("pk", "path")[:100])
        if not members:
            continue
        for year in years:
            decided_on = datetime.date(year, 6, 28)
            chosen = rng.sample(members, min(len(members), EXCELLENT_PER_TOWNSHIP + MODELS_PER_TOWNSHIP + 1))
            for n, (person_id, org_id, path) in enumerate(chosen):
                if n < EXCELLENT_PER_TOWNSHIP:
                    honour, level, title, by = (Honour.EXCELLENT_MEMBER, CommendationLevel.TOWNSHIP, "",
                                                committee.name)
                    number = f"{committee.short_name or committee.name[:4]}发〔{year}〕{rng.randint(10, 40)}号"
                elif n < EXCELLENT_PER_TOWNSHIP + MODELS_PER_TOWNSHIP:
                    honour, level, title, by = (Honour.OTHER, upper, "农村党员“五带头”标兵",
                                                root.name)
                    number = f"{prefix}〔{year}〕21号"
                else:
                    honour, level, title, by = Honour.PARTY_WORKER, upper, "", root.name
                    number = f"{prefix}〔{year}〕21号"
                rows.append(Commendation(organization_id=org_id, person_id=person_id, org_path=path, year=year,
                                         honour=honour, title=title, level=level, decided_by=by, number=number,
                                         decided_on=decided_on))
            if branches:
                org_id, path = rng.choice(branches)
                rows.append(Commendation(organization_id=org_id, org_path=path, year=year,
                                         honour=Honour.ADVANCED_ORG, level=upper, decided_by=root.name,
                                         number=f"{prefix}〔{year}〕21号", decided_on=decided_on))
    Commendation.objects.bulk_create(rows, batch_size=2000)
    progress(f"  in-party commendations: {len(rows)} for {', '.join(map(str, years))}")
    return len(rows)

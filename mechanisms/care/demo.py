"""Care and service for the demo county or city (seed 002 §五): this year and last, some members in hardship (the
poor among those without a post first), most old members and members in hardship visited once or twice (help
given to those in hardship), a mutual-aid fund in each township fed by members' contributions and an allocation with
payouts to members in hardship, a one-sentence commitment from most rural members (last year's judged), volunteer
service by about one member in five, and joint-building pairs for about a third of the villages with their outcomes.
Rows go in with bulk_create; at most a few thousand members are touched whatever the size."""
import datetime
import random
from decimal import Decimal

from django.db import transaction

from kernel.core import clock
from kernel.core.actor import acting_as
from kernel.core.tree import subtree_q
from kernel.orgs.models import Domain, Organization, OrgStatus, OrgType
from kernel.people.choices import MemberStatus
from kernel.people.models import Member

from .models import (
    CareVisit,
    Commitment,
    CommitmentState,
    FundEntry,
    FundKind,
    Hardship,
    HardshipReason,
    Pairing,
    PairingKind,
    PairingOutcome,
    VisitKind,
    VolunteerService,
)
from .selectors import OLD_AGE, old_cutoff

CAP = 6000
HARDSHIP_SHARE, COMMITMENT_SHARE, VOLUNTEER_SHARE, PAIRED_SHARE = 0.03, 0.6, 0.2, 0.35
COMMITMENTS = ["带头参加村里公益劳动", "帮扶一户困难群众", "带头移风易俗", "每月走访联系户", "带头发展特色种植",
               "调解邻里纠纷", "义务照看留守儿童", "带头参加环境整治"]
ACTIVITIES = ["清扫村道", "义务植树", "关爱留守儿童", "慰问孤寡老人", "防汛值守", "政策宣讲", "义诊服务", "环境整治"]
GIFTS = ["米、油", "慰问金", "棉被", "药品", "米、油和慰问金"]
ENTERPRISES = ["农业开发公司", "建材有限公司", "食品加工厂", "农民专业合作社", "供电所", "信用社", "县直机关"]
OUTCOMES = ["修通村道一条", "建成村级活动场所", "发展特色产业一项", "解决群众饮水问题", "帮助困难群众就业",
            "资助贫困学生"]


def generate_care(root: Organization, seed: int, progress=print, today: datetime.date | None = None) -> dict:
    with acting_as(None, source="command:demo_data:care"), transaction.atomic():
        return _generate(root, seed, today or clock.today(), progress)


def _day(rng, year: int, today: datetime.date) -> datetime.date:
    start = datetime.date(year, 1, 1)
    end = min(datetime.date(year, 12, 31), today)
    return start + datetime.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _generate(root, seed, today, progress) -> dict:
    if Hardship.objects.filter(subtree_q("org_path", [root.path])).exists():
        return {}
    rng = random.Random(f"care:{seed}")
    years = (today.year - 1, today.year)
    base = Member.objects.filter(subtree_q("org_path", [root.path]), status=MemberStatus.ACTIVE)
    members = list(base.values_list("person_id", "org_path", "no_post_class", "person__birth_date")
                   .order_by("pk")[:CAP * 4])
    rng.shuffle(members)
    members = members[:CAP]
    poor = [m for m in members if m[2] == "poor"]
    others = [m for m in members if m[2] != "poor"]
    in_hardship = (poor + others)[:max(1, round(len(members) * HARDSHIP_SHARE))] if members else []
    hardships = [Hardship(person_id=pid, org_path=path, reason=rng.choice(HardshipReason.values[:5]),
                          detail="", since=datetime.date(years[0], rng.randint(1, 6), rng.randint(1, 28)))
                 for pid, path, _cls, _birth in in_hardship]
    Hardship.objects.bulk_create(hardships)
    hardship_ids = {h.person_id for h in hardships}
    visits = []
    for year in years:
        cutoff = old_cutoff(year, OLD_AGE)
        cared = [m for m in members if m[0] in hardship_ids or (m[3] is not None and m[3] <= cutoff)]
        for pid, path, _cls, _birth in cared:
            if rng.random() < (0.9 if year < today.year else 0.75):
                for _n in range(rng.randint(1, 2)):
                    helped = pid in hardship_ids and rng.random() < 0.6
                    visits.append(CareVisit(
                        person_id=pid, org_path=path, kind=VisitKind.HELP if helped else VisitKind.VISIT,
                        visited_on=_day(rng, year, today), visitor=rng.choice(["镇党委书记", "村党支部书记", "包村干部",
                                                                              "县委组织部"]),
                        given=rng.choice(GIFTS), amount=Decimal(rng.choice([200, 300, 500, 800, 1000]))))
    CareVisit.objects.bulk_create(visits)
    townships = list(Organization.objects.filter(subtree_q("path", [root.path]), org_type=OrgType.PARTY_COMMITTEE,
                                                 domain=Domain.RURAL, status=OrgStatus.ACTIVE).order_by("path"))
    entries = []
    for township in townships:
        local = [h for h in hardships if h.org_path.startswith(township.path)]
        for year in years:
            income = Decimal(rng.randint(20, 60) * 1000)
            entries.append(FundEntry(organization=township, org_path=township.path, kind=FundKind.INCOME,
                                     on=datetime.date(year, 1, rng.randint(5, 25)), amount=income,
                                     source="党员自愿捐款"))
            entries.append(FundEntry(organization=township, org_path=township.path, kind=FundKind.INCOME,
                                     on=datetime.date(year, 3, rng.randint(1, 28)), amount=Decimal(20000),
                                     source="县委组织部划拨"))
            for hardship in local[:8]:
                if rng.random() < 0.5:
                    entries.append(FundEntry(organization=township, org_path=township.path, kind=FundKind.PAYOUT,
                                             on=_day(rng, year, today), amount=Decimal(rng.choice([1000, 2000, 3000])),
                                             person_id=hardship.person_id, source="困难党员救助"))
    FundEntry.objects.bulk_create(entries)
    rural = [m for m in members if m[2] != ""]
    commitments = []
    for year in years:
        for pid, path, _cls, _birth in rural:
            if rng.random() < COMMITMENT_SHARE:
                if year < today.year:
                    state = CommitmentState.FULFILLED if rng.random() < 0.88 else CommitmentState.UNFULFILLED
                    judged = datetime.date(year, 12, rng.randint(10, 28))
                else:
                    state, judged = CommitmentState.OPEN, None
                commitments.append(Commitment(person_id=pid, org_path=path, year=year, text=rng.choice(COMMITMENTS),
                                              state=state, judged_on=judged,
                                              judge_note="因病未能完成" if state == CommitmentState.UNFULFILLED else ""))
    Commitment.objects.bulk_create(commitments)
    services = []
    for year in years:
        for pid, path, _cls, _birth in members:
            if rng.random() < VOLUNTEER_SHARE:
                for _n in range(rng.randint(1, 4)):
                    services.append(VolunteerService(person_id=pid, org_path=path, served_on=_day(rng, year, today),
                                                     activity=rng.choice(ACTIVITIES),
                                                     hours=Decimal(rng.randint(4, 16)) / 2))
    VolunteerService.objects.bulk_create(services)
    villages = list(Organization.objects.filter(subtree_q("path", [root.path]), org_type=OrgType.BRANCH,
                                                domain=Domain.RURAL, status=OrgStatus.ACTIVE).order_by("path")[:CAP])
    pairings = []
    for village in villages:
        if rng.random() < PAIRED_SHARE:
            since = datetime.date(rng.randint(today.year - 5, today.year - 1), rng.randint(1, 12), 1)
            if rng.random() < 0.3 and len(villages) > 1:
                partner = rng.choice([v for v in villages[:50] if v.pk != village.pk] or [village])
                pairings.append(Pairing(organization=village, org_path=village.path, kind=PairingKind.VILLAGE,
                                        partner=partner, partner_name=partner.name, since=since,
                                        activities="先进村帮带后进村：共享产业项目、互派干部学习"))
            else:
                kind = rng.choice([PairingKind.ENTERPRISE, PairingKind.DEPARTMENT])
                name = rng.choice(ENTERPRISES)
                pairings.append(Pairing(organization=village, org_path=village.path, kind=kind,
                                        partner_name=f"{village.name[:3]}{name}", since=since,
                                        activities="支部联建、产业帮扶、吸纳村民就业"))
    Pairing.objects.bulk_create(pairings)
    outcomes = [PairingOutcome(pairing=pairing, org_path=pairing.org_path, year=year, outcome=rng.choice(OUTCOMES),
                               projects=rng.randint(1, 3), funds=Decimal(rng.randint(2, 50)))
                for pairing in pairings for year in years
                if year >= pairing.since.year and (year < today.year or rng.random() < 0.5)]
    PairingOutcome.objects.bulk_create(outcomes)
    counts = {"hardship": len(hardships), "visits": len(visits), "fund_entries": len(entries),
              "commitments": len(commitments), "volunteer": len(services), "pairings": len(pairings)}
    progress(f"care: {counts['hardship']:,} members in hardship, {counts['visits']:,} visits, "
             f"{counts['fund_entries']:,} fund entries, {counts['commitments']:,} commitments, "
             f"{counts['volunteer']:,} volunteer services, {counts['pairings']:,} joint-building pairs")
    return counts

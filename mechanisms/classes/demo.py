"""Village classes for the demo county or city (seed 004: 升级晋档, 二类村 to reach 30%; seed 000 §三.2): three years
of classes of every village by its township, most villages staying in their class, some stepping up (more of those
in the villages paired under 三帮三争) and a few moving down; each township's target of this year and last (class
two or better: 30% this year, 25% last year); and this year's 三帮三争 pairings, each township's best villages of
last year with its lagging ones."""
import datetime
import random
from decimal import Decimal

from django.db import transaction

from kernel.core import clock
from kernel.core.actor import acting_as
from kernel.core.tree import subtree_q
from kernel.orgs.models import Organization
from kernel.people.choices import MemberStatus
from kernel.people.models import Member

from . import selectors
from .models import ClassEntry, Classing, ClassTarget, MemberClassEntry, MemberClassing, Pairing, VillageClass

FIRST_YEAR_SHARES = (0.08, 0.22)  # class one, class two (the rest class three)
UP, DOWN, PAIRED_UP = 0.12, 0.04, 0.45
REASONS = {
    "up": ["班子团结、集体经济收入增加，升为{klass}", "阵地建设达标、三会一课规范，晋档为{klass}"],
    "down": ["班子不团结、工作滞后，降为{klass}", "集体经济空壳、组织生活不正常，降为{klass}"],
    "same": ["维持上年类别", ""],
}
HELP = "帮思路、帮项目、帮班子；争当先进、争创一流、争做贡献"


def generate_classes(root: Organization, seed: int, progress=print, today: datetime.date | None = None) -> dict:
    today = today or clock.today()
    with acting_as(None, source="command:demo_data:classes"), transaction.atomic():
        counts = _generate(root, seed, today, progress)
        counts.update(_members(root, seed, today, progress))
        return counts


def _step(rng, klass: str, paired: bool) -> tuple[str, str]:
    order = list(VillageClass.values)
    index = order.index(klass)
    draw = rng.random()
    if index > 0 and draw < (PAIRED_UP if paired else UP):
        return order[index - 1], "up"
    if index < 2 and draw > 1 - DOWN:
        return order[index + 1], "down"
    return klass, "same"


def _generate(root, seed, today, progress) -> dict:
    if ClassEntry.objects.filter(org_path__startswith=root.path).exists():
        return {"classes": 0}
    rng = random.Random(f"classes:{seed}")
    townships = list(selectors.townships_under(root))
    villages = {}
    for village in selectors.villages_under(root):
        villages.setdefault(village.parent_id, []).append(village)
    first_year = today.year - 2
    current = {}
    for villages_of in villages.values():
        for v in villages_of:
            draw = rng.random()
            current[v.pk] = (VillageClass.FIRST if draw < FIRST_YEAR_SHARES[0]
                             else VillageClass.SECOND if draw < sum(FIRST_YEAR_SHARES) else VillageClass.THIRD)
    entries, pairings = [], []
    paired: set = set()
    for year in range(first_year, today.year + 1):
        for township in townships:
            villages_of = villages.get(township.pk, [])
            if not villages_of:
                continue
            classing = Classing.objects.create(year=year, owner=township, org_path=township.path,
                                               note=f"{year}年度“升级晋档”分类定级")
            for v in villages_of:
                klass, moved = (current[v.pk], "same") if year == first_year else _step(rng, current[v.pk],
                                                                                          v.pk in paired)
                current[v.pk] = klass
                reason = rng.choice(REASONS[moved]).format(klass=VillageClass(klass).label)
                entries.append(ClassEntry(classing=classing, organization=v, org_path=v.path, year=year, klass=klass,
                                          reason=reason if year != first_year else "年度考核评定"))
            if year >= today.year - 1:
                share = Decimal("30") if year == today.year else Decimal("25")
                ClassTarget.objects.create(organization=township, org_path=township.path, year=year,
                                           klass=VillageClass.SECOND, share=share)
            if year == today.year - 1:  # this year's 三帮三争: last year's best help the lagging
                best = [v for v in villages_of if current[v.pk] == VillageClass.FIRST]
                lagging = [v for v in villages_of if current[v.pk] == VillageClass.THIRD]
                rng.shuffle(lagging)
                for advanced, behind in zip(best, lagging, strict=False):
                    paired.add(behind.pk)
                    pairings.append(Pairing(year=today.year, advanced=advanced, advanced_path=advanced.path,
                                            lagging=behind, org_path=behind.path, measures=HELP))
    ClassEntry.objects.bulk_create(entries, batch_size=2000)
    Pairing.objects.bulk_create(pairings, batch_size=2000)
    progress(f"classes: {len(entries):,} village classes over three years, {len(pairings):,} pairings")
    return {"classes": len(entries), "pairings": len(pairings)}


# --- members' classes ---------------------------------------------------------------------------------------------

PROVINCE_MEMBERS = 200_000
MEMBER_SHARES = (0.55, 0.35)  # class one, class two (the rest class three), the first year
MEMBER_UP, MEMBER_DOWN = 0.10, 0.03
MEMBER_REASONS = {
    VillageClass.FIRST: ["带头致富、带领群众增收", "积极参加组织生活，先锋作用发挥明显", "带头履行党员义务，群众评价好"],
    VillageClass.SECOND: ["能按时参加组织生活，作用发挥一般", "履行党员义务较好", ""],
    VillageClass.THIRD: ["长期外出，未按时参加组织生活", "年老体弱，作用发挥有限", "未按时交纳党费，组织观念淡薄"],
}
CLASS_NAMES = {VillageClass.FIRST: "一类", VillageClass.SECOND: "二类", VillageClass.THIRD: "三类"}
MEMBER_MOVES = {"up": "作用发挥明显，群众评价提高，晋为{klass}", "down": "组织生活参加不正常，降为{klass}"}


def _member_first(rng) -> str:
    draw = rng.random()
    return (VillageClass.FIRST if draw < MEMBER_SHARES[0]
            else VillageClass.SECOND if draw < sum(MEMBER_SHARES) else VillageClass.THIRD)


def _member_step(rng, klass: str) -> tuple[str, str]:
    order = list(VillageClass.values)
    index = order.index(klass)
    draw = rng.random()
    if index > 0 and draw < MEMBER_UP:
        return order[index - 1], "up"
    if index < 2 and draw > 1 - MEMBER_DOWN:
        return order[index + 1], "down"
    return klass, "same"


def _members(root, seed, today, progress) -> dict:
    members = Member.objects.filter(subtree_q("org_path", [root.path]))
    if MemberClassEntry.objects.filter(subtree_q("org_path", [root.path])).exists():
        return {"member_classes": 0}
    if members.count() > PROVINCE_MEMBERS:
        progress("classes: members' classes skipped at province scale")
        return {"member_classes": 0}
    rng = random.Random(f"classes:members:{seed}")
    by_branch = {}
    for pk, person_id, branch_id, path, joined in members.filter(status=MemberStatus.ACTIVE).order_by(
            "org_path", "pk").values_list("pk", "person_id", "person__organization_id", "org_path", "joined_on"):
        by_branch.setdefault(branch_id, []).append((pk, person_id, path, joined))
    current, entries = {}, []
    for year in (today.year - 1, today.year):
        classed = {branch_id: [row for row in rows if row[3].year <= year] for branch_id, rows in by_branch.items()}
        classed = {branch_id: rows for branch_id, rows in classed.items() if rows}
        classings = MemberClassing.objects.bulk_create([
            MemberClassing(year=year, branch_id=branch_id, org_path=rows[0][2], note=f"{year}年度党员分类定级")
            for branch_id, rows in classed.items()], batch_size=2000)
        for classing, rows in zip(classings, classed.values(), strict=True):
            for pk, person_id, path, _joined in rows:
                if pk in current:
                    klass, moved = _member_step(rng, current[pk])
                else:
                    klass, moved = _member_first(rng), "same"
                current[pk] = klass
                reason = (MEMBER_MOVES[moved].format(klass=CLASS_NAMES[klass]) if moved != "same"
                          else rng.choice(MEMBER_REASONS[klass]))
                entries.append(MemberClassEntry(classing_id=classing.pk, member_id=pk, person_id=person_id,
                                                organization_id=classing.branch_id, org_path=path, year=year,
                                                klass=klass, reason=reason))
    MemberClassEntry.objects.bulk_create(entries, batch_size=5000)
    progress(f"classes: {len(entries):,} members' classes over two years in {len(by_branch):,} branches")
    return {"member_classes": len(entries)}

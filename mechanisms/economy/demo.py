"""The collective economy of the demo county or city: three recorded years of each village's income by source, the
county's threshold (10,000 yuan of income a year, subsidies not counted), a three-year plan to eliminate the empty
villages begun two years ago (the city, seed 001: 100 a year, none left in three years; the county and smaller
trees: a third of them a year) with its actuals, and the departments paired with the villages still empty."""
import datetime
import random
from decimal import Decimal

from django.db import transaction

from kernel.core import clock
from kernel.core.actor import acting_as
from kernel.core.tree import subtree_q
from kernel.orgs.models import Organization

from . import selectors
from .models import EliminationPlan, EmptyThreshold, Income, IncomeSource, Support

DEPARTMENTS = ["县委办", "县政府办", "县委组织部", "县委宣传部", "县发改局", "县财政局", "县农业农村局", "县交通运输局",
               "县水利局", "县自然资源局", "县住建局", "县商务局", "县文旅局", "县卫健委", "县供销社", "县农商银行"]
CITY_PER_YEAR = 100


def generate_economy(root: Organization, seed: int, progress=print, today: datetime.date | None = None) -> dict:
    with acting_as(None, source="command:demo_data:economy"), transaction.atomic():
        return _generate(root, seed, today or clock.today(), progress)


def _split(rng, total: int, empty: bool) -> dict:
    """A village's income by source: an empty one earns little of its own (a subsidy may come on top)."""
    if empty:
        own = rng.choice([0, 0, rng.randint(500, 9000)])
        amounts = {IncomeSource.OPERATING: own}
        if rng.random() < 0.5:
            amounts[IncomeSource.SUBSIDY] = rng.randint(5, 30) * 1000
        return amounts
    shares = {IncomeSource.OPERATING: 0.3, IncomeSource.LEASING: 0.25, IncomeSource.CONTRACTING: 0.2,
              IncomeSource.SERVICE: 0.1, IncomeSource.INVESTMENT: 0.1, IncomeSource.OTHER: 0.05}
    amounts = {}
    for source, share in shares.items():
        if rng.random() < 0.7 or source == IncomeSource.OPERATING:
            amounts[source] = int(total * share * rng.uniform(0.6, 1.4))
    if rng.random() < 0.4:
        amounts[IncomeSource.SUBSIDY] = rng.randint(5, 50) * 1000
    if sum(v for s, v in amounts.items() if s != IncomeSource.SUBSIDY) < 12000:
        amounts[IncomeSource.OPERATING] = amounts.get(IncomeSource.OPERATING, 0) + 12000
    return amounts


def _generate(root, seed, today, progress) -> dict:
    if Income.objects.filter(subtree_q("org_path", [root.path])).exists():
        return {"incomes": 0}
    rng = random.Random(f"economy:{seed}")
    villages = list(Organization.objects.filter(selectors.village_filter(), subtree_q("path", [root.path]))
                    .order_by("path"))
    if not villages:
        return {"incomes": 0}
    first = today.year - 3  # the year before the plan: its baseline
    per_year = CITY_PER_YEAR if len(villages) >= 400 else max(1, len(villages) // 8)
    baseline = min(len(villages) - 1, per_year * 3 + (per_year // 20)) if len(villages) > 3 else 2
    EmptyThreshold.objects.get_or_create(owner=root, from_year=2015, defaults={
        "owner_path": root.path, "min_income": Decimal("10000"), "counts_subsidies": False,
        "note": "关于发展壮大村级集体经济、消除集体经济空白村的实施意见"})
    order = villages[:]
    rng.shuffle(order)
    empty = set(v.pk for v in order[:baseline])
    plan_left = baseline
    rows = []
    for year in range(first, today.year):
        if year > first:
            # the plan's year: about its target eliminated (a little over in the first year, under in the second)
            target = min(per_year, plan_left)
            plan_left -= target
            done = target + (per_year // 25 if year == first + 1 else -(per_year // 25))
            done = max(0, min(done, len(empty)))
            for pk in rng.sample(sorted(empty), done):
                empty.discard(pk)
            others = [v.pk for v in villages if v.pk not in empty]
            for pk in rng.sample(others, min(len(others), max(0, per_year // 30))):
                empty.add(pk)
        for village in villages:
            total = rng.randint(20, 300) * 1000
            for source, amount in _split(rng, total, village.pk in empty).items():
                rows.append(Income(organization=village, org_path=village.path, year=year, source=source,
                                   amount=Decimal(amount)))
    Income.objects.bulk_create(rows, batch_size=2000)
    EliminationPlan.objects.create(
        owner=root, owner_path=root.path, title=f"{first + 1}—{first + 3}年消除村级集体经济空白村三年行动计划",
        start_year=first + 1, years=3, per_year=per_year, baseline=baseline,
        note="对集体经济空白村采取部门挂点、选派“第一书记”等方式对口帮扶，每年消灭一批，三年内清零。")
    supports = []
    for year in (today.year - 1, today.year):
        for index, pk in enumerate(sorted(empty)):
            village = next(v for v in villages if v.pk == pk)
            supports.append(Support(organization=village, org_path=village.path, year=year,
                                    department=DEPARTMENTS[(index + year) % len(DEPARTMENTS)],
                                    leader=rng.choice(["副局长", "副主任", "党组成员", "副部长"]),
                                    measures=rng.choice(["发展光伏发电项目", "盘活闲置校舍出租", "入股农民专业合作社",
                                                         "流转土地发展油茶", "建设标准化厂房出租"])))
    Support.objects.bulk_create(supports)
    progress(f"economy: {len(villages):,} villages' incomes for {first}–{today.year - 1} ({len(rows):,} figures), "
             f"plan {per_year}/year from {baseline} empty, {len(empty)} still empty")
    return {"incomes": len(rows), "empty": len(empty)}

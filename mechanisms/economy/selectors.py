"""Reads of the collective economy, through ``restrict``: the villages in the user's scope and each one's income
and status in a year, the threshold in force, the plans against the actuals, the support assigned."""
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max, Q, Sum

from kernel.core import clock
from kernel.core.tree import ancestor_paths, subtree_q
from kernel.orgs.models import Domain, Organization, OrgStatus, OrgType
from kernel.people.choices import PostTitle
from kernel.people.models import Post

from .models import (
    ELIMINATED,
    NEWLY_EMPTY,
    RECORDED,
    EliminationPlan,
    EmptyThreshold,
    Income,
    IncomeSource,
    Support,
    VillageStatus,
)

DEFAULT_MIN_INCOME = Decimal("10000")  # seed 001's 空白村 had none; a county sets its own line
VILLAGE_TYPES = (OrgType.BRANCH, OrgType.GENERAL_BRANCH, OrgType.PARTY_COMMITTEE)


def village_filter(prefix: str = "") -> Q:
    """The villages: active rural organizations directly under a township committee."""
    return Q(**{f"{prefix}domain": Domain.RURAL, f"{prefix}org_type__in": VILLAGE_TYPES,
                f"{prefix}status": OrgStatus.ACTIVE, f"{prefix}parent__org_type": OrgType.PARTY_COMMITTEE,
                f"{prefix}parent__parent__org_type": OrgType.COMMITTEE})


def villages(user, under: Organization | None = None):
    rows = Organization.objects.restrict(user).filter(village_filter())
    if under is not None:
        rows = rows.filter(subtree_q("path", [under.path]))
    return rows.select_related("parent").order_by("path")


def is_village(organization: Organization) -> bool:
    return Organization.objects.filter(village_filter(), pk=organization.pk).exists()


@dataclass(frozen=True)
class Line:
    min_income: Decimal
    counts_subsidies: bool
    row: EmptyThreshold | None = None


def thresholds() -> dict[str, list[EmptyThreshold]]:
    """Every owner's rows, the latest year first (a few rows: read once for all villages)."""
    found = defaultdict(list)
    for row in EmptyThreshold.objects.order_by("-from_year", "-id").select_related("owner"):
        found[row.owner_path].append(row)
    return found


def line_for(path: str, year: int, table: dict | None = None) -> Line:
    """The threshold in force for the village at ``path`` in ``year``: the nearest owner above with a table, its
    latest row from that year or before; the default (10,000 yuan, subsidies not counted) where none is set."""
    table = thresholds() if table is None else table
    for owner_path in reversed(ancestor_paths(path)):
        rows = table.get(owner_path)
        if rows:
            row = next((row for row in rows if row.from_year <= year), None)
            if row is not None:
                return Line(row.min_income, row.counts_subsidies, row)
            break
    return Line(DEFAULT_MIN_INCOME, False)


@dataclass
class VillageYear:
    organization: Organization
    year: int
    amounts: dict = field(default_factory=dict)  # {source: amount}
    line: Line | None = None
    before: str = VillageStatus.UNKNOWN  # last year's status

    @property
    def known(self) -> bool:
        return bool(self.amounts)

    @property
    def total(self) -> Decimal | None:
        return sum(self.amounts.values(), Decimal(0)) if self.amounts else None

    @property
    def counted(self) -> Decimal | None:
        """The income the threshold reads: every source, subsidies only if the line counts them."""
        if not self.amounts:
            return None
        return sum((amount for source, amount in self.amounts.items()
                    if source != IncomeSource.SUBSIDY or self.line.counts_subsidies), Decimal(0))

    @property
    def status(self) -> str:
        if not self.amounts:
            return VillageStatus.UNKNOWN
        return VillageStatus.EMPTY if self.counted < self.line.min_income else VillageStatus.INCOME

    @property
    def eliminated(self) -> bool:
        return self.before == VillageStatus.EMPTY and self.status == VillageStatus.INCOME

    @property
    def newly_empty(self) -> bool:
        return self.before == VillageStatus.INCOME and self.status == VillageStatus.EMPTY

    def status_label(self) -> str:
        return VillageStatus(self.status).label


def _amounts(ids, years) -> dict:
    found = defaultdict(dict)
    for org_id, year, source, amount in (Income.objects.filter(organization_id__in=ids, year__in=years)
                                         .values_list("organization_id", "year", "source", "amount")):
        found[(org_id, year)][source] = amount
    return found


def village_years(organizations, year: int) -> list[VillageYear]:
    """Each organization's income and status in ``year``, with its status the year before."""
    organizations = list(organizations)
    ids = [org.pk for org in organizations]
    amounts = _amounts(ids, [year - 1, year]) if ids else {}
    table = thresholds()
    rows = []
    for org in organizations:
        before = VillageYear(org, year - 1, amounts.get((org.pk, year - 1), {}), line_for(org.path, year - 1, table))
        rows.append(VillageYear(org, year, amounts.get((org.pk, year), {}), line_for(org.path, year, table),
                                before.status))
    return rows


def pick(rows: list[VillageYear], status: str) -> list[VillageYear]:
    if status == ELIMINATED:
        return [row for row in rows if row.eliminated]
    if status == NEWLY_EMPTY:
        return [row for row in rows if row.newly_empty]
    if status == RECORDED:
        return [row for row in rows if row.known]
    if status in VillageStatus.values:
        return [row for row in rows if row.status == status]
    return rows


def counts(rows: list[VillageYear]) -> dict:
    return {"villages": len(rows), "empty": sum(r.status == VillageStatus.EMPTY for r in rows),
            "income": sum(r.status == VillageStatus.INCOME for r in rows),
            "unknown": sum(r.status == VillageStatus.UNKNOWN for r in rows),
            "eliminated": sum(r.eliminated for r in rows), "newly_empty": sum(r.newly_empty for r in rows),
            "total": sum((r.total for r in rows if r.total is not None), Decimal(0))}


def default_year(user) -> int:
    """The latest year with an income recorded in the user's scope, up to this year; this year if none."""
    today = clock.today()
    latest = Income.objects.restrict(user).filter(year__lte=today.year).aggregate(y=Max("year"))["y"]
    return latest or today.year


def empty_count(organization: Organization, year: int) -> int:
    """The villages under ``organization`` empty in ``year`` (no scope: the plan's owner's own subtree)."""
    orgs = Organization.objects.filter(village_filter(), subtree_q("path", [organization.path]))
    return sum(row.status == VillageStatus.EMPTY for row in village_years(orgs, year))


def plans(user):
    return EliminationPlan.objects.restrict(user).filter(withdrawn_on__isnull=True).select_related("owner")


def status_of(sums: tuple | None, line: Line) -> str:
    """A village's status in a year from its income summed in the database: (own income, subsidies), or None when
    nothing is recorded; as ``VillageYear.status`` reads its sources."""
    if sums is None:
        return VillageStatus.UNKNOWN
    own, subsidy = sums
    counted = (own or Decimal(0)) + ((subsidy or Decimal(0)) if line.counts_subsidies else Decimal(0))
    return VillageStatus.EMPTY if counted < line.min_income else VillageStatus.INCOME


def year_sums(root: Organization, years) -> dict:
    """{(village id, year): (own income, subsidies)} of the villages under ``root`` in ``years``: one grouped
    query, a row per village and year recorded."""
    years = list(years)
    rows = (Income.objects.filter(village_filter("organization__"), subtree_q("organization__path", [root.path]),
                                  year__gte=min(years), year__lte=max(years))
            .values("organization_id", "year")
            .annotate(own=Sum("amount", filter=~Q(source=IncomeSource.SUBSIDY)),
                      subsidy=Sum("amount", filter=Q(source=IncomeSource.SUBSIDY))).order_by())
    return {(row["organization_id"], row["year"]): (row["own"], row["subsidy"]) for row in rows}


def progress(plan: EliminationPlan, under: Organization | None = None) -> list[dict]:
    """Each year of the plan: the target (to eliminate that year, and left at its end by the plan) against the
    actuals (eliminated, newly empty, empty at its end) in the owner's subtree (or ``under`` it). Three queries
    whatever the villages and years: the villages, the thresholds, the incomes summed by village and year."""
    root = under or plan.owner
    villages = list(Organization.objects.filter(village_filter(), subtree_q("path", [root.path]))
                    .values_list("pk", "path"))
    years = range(plan.start_year - 1, plan.end_year + 1)
    sums = year_sums(root, years) if villages else {}
    table = thresholds()
    status = {(pk, year): status_of(sums.get((pk, year)), line_for(path, year, table))
              for pk, path in villages for year in years}
    answer, left_by_plan = [], plan.baseline
    for index in range(plan.years):
        year = plan.start_year + index
        target = min(plan.per_year, left_by_plan) if index < plan.years - 1 else left_by_plan
        left_by_plan -= target
        now = [status[(pk, year)] for pk, _path in villages]
        before = [status[(pk, year - 1)] for pk, _path in villages]
        empty, unknown = now.count(VillageStatus.EMPTY), now.count(VillageStatus.UNKNOWN)
        eliminated = sum(b == VillageStatus.EMPTY and n == VillageStatus.INCOME for n, b in zip(now, before,
                                                                                               strict=True))
        newly_empty = sum(b == VillageStatus.INCOME and n == VillageStatus.EMPTY for n, b in zip(now, before,
                                                                                                strict=True))
        answer.append({"year": year, "target": target, "left_by_plan": left_by_plan,
                       "eliminated": eliminated, "newly_empty": newly_empty,
                       "empty": empty, "unknown": unknown, "villages": len(villages),
                       "met": unknown < len(villages) and eliminated >= target,
                       "recorded": unknown < len(villages)})
    return answer


def supports(user, *, year: int | None = None, under=None):
    rows = Support.objects.restrict(user).filter(withdrawn_on__isnull=True).select_related("organization")
    if year is not None:
        rows = rows.filter(year=year)
    if under is not None:
        rows = rows.filter(subtree_q("org_path", [under.path]))
    return rows


def support_map(ids, year: int) -> dict:
    found = defaultdict(list)
    for row in Support.objects.filter(organization_id__in=ids, year=year, withdrawn_on__isnull=True):
        found[row.organization_id].append(row.department)
    return found


def first_secretaries(ids, year: int) -> dict:
    """{village id: [names]} of the first secretaries posted there at some time in ``year`` (the kernel's posts)."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    found = defaultdict(list)
    for org_id, name in (Post.objects.filter(organization_id__in=ids, title=PostTitle.FIRST_SECRETARY)
                         .filter(Q(started_on__isnull=True) | Q(started_on__lte=end))
                         .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
                         .values_list("organization_id", "person__name").order_by("person__name")):
        found[org_id].append(name)
    return found

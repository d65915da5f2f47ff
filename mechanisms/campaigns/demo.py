"""A realistic two years of the campaigns for the demo county or city.

Last year: 三级联创 (六个好 townships, 五个好 villages) and 标准化 branches, scored, named. This year: the
same through all three stages with self-assessments, declarations and cross-inspection teams, where
most keep or climb (达标 → 先进, 逐步升创) and a few fall below and lose their plaque (摘牌); 两个创建 adds
示范化 (only for branches already named 标准化) and the activity-room check (十有六册一划一本) with its
registers filled from the system's data. Targets 60% → 80% → 90%.
"""
import datetime
import random
from decimal import Decimal

from engines.standards import services as engine
from engines.standards.counting import counted_entries
from engines.standards.models import Item, RaterGroup
from kernel.core import clock
from kernel.core.actor import acting_as
from kernel.orgs.models import Organization

from .library import install_standards
from .models import StageKind
from .services import campaign_create, stage_close, stage_open, teams_draw, villages_assign

TARGETS = (Decimal("0.6"), Decimal("0.8"), Decimal("0.9"))
SELF_ASSESSED = 0.5  # the share of sheets with a full self-assessment: keeps `make demo` quick


class Quality:
    """Each subject's steady quality (0..1) with a yearly drift, so ranks move but stay plausible."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.base: dict = {}

    def of(self, subject_id: int, year: int) -> float:
        if subject_id not in self.base:
            self.base[subject_id] = min(max(self.rng.gauss(0.885, 0.065), 0.45), 1.0)
        drift = random.Random(f"{subject_id}:{year}").gauss(0, 0.035)
        return min(max(self.base[subject_id] + drift, 0.3), 1.0)


def _half(value: float) -> Decimal:
    return Decimal(round(value * 2)) / 2


def _points_rows(assessment, rng, quality: Quality, year: int, *, honest=1.0, veto_rate=0.01, sample=1.0):
    """Points for every item of a ``sample`` of the sheets, around each subject's quality; an item the system's
    data count for a sheet (a data source that answers: the letters' check, the reserve pool…) takes that count."""
    items = list(Item.objects.filter(version=assessment.version))
    counted = counted_entries(assessment)
    rows = []
    for sheet_id, subject_id in assessment.sheets.values_list("pk", "organization_id"):
        if sample < 1 and rng.random() >= sample:
            continue
        q = min(quality.of(subject_id, year) * honest, 1.0)
        for item in items:
            entry = counted.get((sheet_id, item.pk))
            if entry is not None:
                points = entry.get("points")
                rows.append((sheet_id, item.pk, None if points is None else Decimal(str(points)), entry.get("passed"),
                             entry.get("count")))
            elif item.kind == "points":
                share = min(max(rng.gauss(q, 0.08), 0), 1)
                value = _half(float(item.max_points) * share) if item.half_points else Decimal(round(
                    float(item.max_points) * share))
                rows.append((sheet_id, item.pk, value, None, None))
            elif item.kind == "count":
                rows.append((sheet_id, item.pk, None, None, item.threshold if rng.random() < q else item.threshold - 1))
            else:
                rows.append((sheet_id, item.pk, None, rng.random() >= veto_rate, None))
    return rows


def _criteria_rows(assessment, rng, fail_share: float, max_failed: int = 1, skip_sources=False):
    """Pass/fail criteria: a ``fail_share`` of the subjects fail 1..max_failed of them."""
    items = [i for i in Item.objects.filter(version=assessment.version) if not (skip_sources and i.source)]
    rows = []
    for sheet_id in assessment.sheets.values_list("pk", flat=True):
        failed = set()
        if rng.random() < fail_share:
            failed = {i.pk for i in rng.sample(items, rng.randint(1, min(max_failed, len(items))))}
        rows.extend((sheet_id, item.pk, None, item.pk not in failed, None) for item in items)
    return rows


def _score(assessment, rater_code, rows):
    rater = RaterGroup.objects.get(version=assessment.version, code=rater_code)
    engine.scores_bulk_set(user=None, assessment=assessment, rater=rater, rows=rows)


def _declare(assessment, rng):
    """Each subject declares the tier its self-assessment reaches (or one step up, hopefully)."""
    tiers = sorted(assessment.version.tiers.all(), key=lambda t: t.level)
    for sheet in assessment.sheets.all()[:400]:
        tier = tiers[-1] if rng.random() < 0.3 else tiers[0]
        engine.declare_tier(user=None, sheet=sheet, tier_code=tier.code)


def _run(campaign, score_declaration, score_evaluation, decided_on, decision_no):
    stage_open(user=None, campaign=campaign, kind=StageKind.DECLARATION)
    score_declaration(campaign)
    stage_close(user=None, campaign=campaign, kind=StageKind.DECLARATION, confirm=True)
    stage_open(user=None, campaign=campaign, kind=StageKind.EVALUATION)
    score_evaluation(campaign)
    stage_close(user=None, campaign=campaign, kind=StageKind.EVALUATION, confirm=True)
    stage_open(user=None, campaign=campaign, kind=StageKind.NAMING)
    if decided_on is not None:
        stage_close(user=None, campaign=campaign, kind=StageKind.NAMING, decided_on=decided_on,
                    decided_by=f"中共{campaign.owner.name.removeprefix('中共').removesuffix('委员会').removesuffix('委')}委",
                    decision_no=decision_no, confirm=True)


def generate_campaigns(root: Organization, seed: int, today: datetime.date | None = None, progress=print) -> dict:
    """Writes through the services, so every stage, score batch and title has its change record, under a
    source of its own (the registry's demo data keeps one summary record per root)."""
    with acting_as(None, source="command:demo_data:campaigns"):
        return _generate(root, seed, today or clock.today(), progress)


def _generate(root: Organization, seed: int, today: datetime.date, progress) -> dict:
    year, last = today.year, today.year - 1
    rng = random.Random(f"campaigns:{seed}")
    quality = Quality(rng)
    shipped = install_standards(user=None, owner=root)
    for code in ("six-good-township", "five-good-village"):
        for share, target_year in zip(TARGETS, (last - 1, last, year), strict=True):
            engine.target_set(user=None, standard=shipped[code].standard, organization=root, tier_code="qualified",
                              year=target_year, share=share)
    engine.target_set(user=None, standard=shipped["standardized-branch"].standard, organization=root,
                      tier_code="standardized", year=year, share=Decimal("0.98"))
    short = root.name.removesuffix("委员会").removesuffix("委")[:2]
    three = [shipped["six-good-township"], shipped["five-good-village"]]

    def self_scores(campaign):
        for assessment in campaign.assessments.all():
            _score(assessment, "self", _points_rows(assessment, rng, quality, campaign.year, honest=1.06,
                                                        sample=SELF_ASSESSED))
            _declare(assessment, rng)

    def inspectors(campaign):
        for assessment in campaign.assessments.all():
            _score(assessment, "inspectors", _points_rows(assessment, rng, quality, campaign.year))

    previous = campaign_create(user=None, owner=root, name=f"{last}年“三级联创”考核", year=last, versions=three)
    _run(previous, lambda c: None, inspectors, datetime.date(last, 12, 26), f"{short}发〔{last}〕41号")
    progress(f"campaign {last}: 六个好 / 五个好 named")

    current = campaign_create(user=None, owner=root, name=f"{year}年“三级联创”考核", year=year, versions=three)
    teams_draw(user=None, campaign=current)
    villages_assign(user=None, campaign=current, seed=seed)
    _run(current, self_scores, inspectors, today, f"{short}发〔{year}〕38号")
    progress(f"campaign {year}: self-assessment, cross-inspection, naming")

    def criteria(fail_share, max_failed):
        def score(campaign):
            for assessment in campaign.assessments.all():
                code = assessment.version.standard.code
                if code == "activity-room":
                    _score(assessment, "township", _criteria_rows(assessment, rng, 0.05, 2, skip_sources=True))
                    engine.fill_from_sources(user=None, assessment=assessment, rater_code="township")
                elif code == "demonstration-branch":
                    _score(assessment, "inspectors", _criteria_rows(assessment, rng, 0.9, 5))
                else:
                    _score(assessment, "inspectors", _criteria_rows(assessment, rng, fail_share, max_failed))
        return score

    two_last = campaign_create(user=None, owner=root, name=f"{last}年“两个创建”验收", year=last,
                               versions=[shipped["standardized-branch"]])
    _run(two_last, lambda c: None, criteria(0.06, 2), datetime.date(last, 12, 20), f"{short}组通〔{last}〕19号")
    two = campaign_create(user=None, owner=root, name=f"{year}年“两个创建”验收", year=year,
                          versions=[shipped["standardized-branch"], shipped["demonstration-branch"],
                                    shipped["activity-room"]])
    teams_draw(user=None, campaign=two)
    villages_assign(user=None, campaign=two, seed=seed + 1)
    _run(two, lambda c: None, criteria(0.015, 1), today, f"{short}组通〔{year}〕23号")
    progress("campaigns: 两个创建 (标准化, 示范化, 十有六册) accepted")
    return {"campaigns": [previous, current, two_last, two]}

"""Reads of results, titles and targets. Each takes the user and answers only inside the user's scope:
sheets are scoped by their subject's path, so a township sees its villages' rows of a county assessment."""
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.db.models.functions import Substr

from kernel.core.tree import SEGMENT_WIDTH, ancestor_paths, in_subtree, subtree_q
from kernel.orgs.models import Organization

from .models import Assessment, RaterGroup, Sheet, Standard, Tier, TitleAward
from .sources import granted_paths

# Shares keep eight places: rounded to four, 148/171 = 0.865497… would become 0.8655 and show as 86.6%.
SHARE = Decimal("0.00000001")


def _sheets(user, assessment, under=None):
    sheets = Sheet.objects.restrict(user).filter(assessment=assessment)
    if under is not None:
        sheets = sheets.filter(subtree_q("org_path", [under.path]))
    return sheets


def _share(part: int, whole: int) -> Decimal:
    return (Decimal(part) / Decimal(whole)).quantize(SHARE, ROUND_HALF_UP) if whole else Decimal("0")


def _tier_levels(version_id) -> dict:
    return dict(Tier.objects.filter(version_id=version_id).order_by("level").values_list("code", "level"))


def results(user, assessment, *, under=None, tier=None, class_key=None, search=None):
    """The sheets of an assessment in rank order; ``tier`` "" gives those that reached none."""
    sheets = _sheets(user, assessment, under).select_related("organization", "person", "parent")
    if tier is not None:
        sheets = sheets.filter(tier=tier)
    if class_key is not None:
        sheets = sheets.filter(class_key=class_key)
    if search:
        sheets = sheets.filter(Q(organization__name__icontains=search) | Q(organization__code__iexact=search)
                               | Q(person__name__icontains=search))
    return sheets.order_by("rank_all", "org_path", "pk")


def tier_counts(user, assessment, *, under=None) -> dict:
    """How many subjects, how many reached each tier or a better one, how many a veto struck."""
    levels = _tier_levels(assessment.version_id)
    aggregates = {"subjects": Count("pk"), "vetoed": Count("pk", filter=Q(vetoed=True))}
    for n, level in enumerate(levels.values()):
        aggregates[f"tier_{n}"] = Count("pk", filter=Q(tier_level__gte=level))
    counts = _sheets(user, assessment, under).aggregate(**aggregates)
    return {"subjects": counts["subjects"], "vetoed": counts["vetoed"],
            "by_tier": {code: counts[f"tier_{n}"] for n, code in enumerate(levels)}}


def pass_rate_by_child(user, assessment, root_org, tier_code) -> list[dict]:
    """Per child of ``root_org`` (each township): subjects below it, how many reached the tier or better."""
    level = _tier_levels(assessment.version_id).get(tier_code)
    if level is None or not Organization.objects.restrict(user).filter(pk=root_org.pk).exists():
        return []
    children = {child.path: child for child in
                Organization.objects.restrict(user).filter(parent=root_org).order_by("path")}
    width = len(root_org.path) + SEGMENT_WIDTH
    rows = (
        _sheets(user, assessment, root_org).exclude(org_path=root_org.path)
        .annotate(child_path=Substr("org_path", 1, width)).values("child_path")
        .annotate(subjects=Count("pk"), reached=Count("pk", filter=Q(tier_level__gte=level)))
    )
    counts = {row["child_path"]: row for row in rows}
    out = []
    for path, child in children.items():
        row = counts.get(path)
        if row is None:
            continue
        out.append({"org": child, "subjects": row["subjects"], "reached": row["reached"],
                    "rate": _share(row["reached"], row["subjects"])})
    return out


def latest_assessment(user, standard):
    """The latest assessment of the standard that the user runs or has subjects in."""
    visible = Q(pk__in=Assessment.objects.restrict(user).values("pk")) | Q(
        Exists(Sheet.objects.restrict(user).filter(assessment=OuterRef("pk"))))
    return (Assessment.objects.filter(version__standard=standard).filter(visible)
            .order_by("-period_start", "-pk").first())


def target_progress(user, standard, year, root_org) -> list[dict]:
    """Per tier: the planned share for ``year`` (set at ``root_org`` or the nearest organization above it)
    and the share of subjects under ``root_org`` reaching it in that year's latest assessment."""
    if not Organization.objects.restrict(user).filter(pk=root_org.pk).exists():
        return []
    standard = Standard.objects.restrict(user).filter(pk=standard.pk).first()
    if standard is None:
        return []
    assessment = (Assessment.objects.filter(version__standard=standard, period_start__year=year)
                  .order_by("-period_start", "-pk").first())
    levels = _tier_levels(assessment.version_id if assessment else standard.current_version_id)
    targets = {}
    for target in (standard.targets.filter(year=year, org_path__in=ancestor_paths(root_org.path))
                   .order_by("org_path")):
        targets[target.tier_code] = target.share  # the nearest organization's target wins
    counts = tier_counts(user, assessment, under=root_org) if assessment else {"subjects": 0, "by_tier": {}}
    return [{"tier": code, "target": targets.get(code), "subjects": counts["subjects"],
             "reached": counts["by_tier"].get(code, 0),
             "rate": _share(counts["by_tier"].get(code, 0), counts["subjects"])}
            for code in levels]


def score_distribution(user, assessment, *, under=None, bins=10) -> list[dict]:
    """Counts of computed totals in ``bins`` equal bins from 0 to the version's maximum (the last bin closed)."""
    maximum = Decimal(assessment.version.max_total) or Decimal("100")
    bins = max(int(bins), 1)
    edges = [(maximum * n / bins).quantize(Decimal("0.01")) for n in range(bins + 1)]
    aggregates = {}
    for n in range(bins):
        upper = Q(total__lte=edges[n + 1]) if n == bins - 1 else Q(total__lt=edges[n + 1])
        aggregates[f"bin_{n}"] = Count("pk", filter=Q(total__gte=edges[n]) & upper)
    counts = _sheets(user, assessment, under).exclude(total__isnull=True).aggregate(**aggregates)
    return [{"lo": edges[n], "hi": edges[n + 1], "count": counts[f"bin_{n}"]} for n in range(bins)]


def subject_history(user, standard, subject) -> list:
    """The subject's sheets in every assessment of the standard (any version), oldest first, each with
    the titles granted from it in ``sheet.titles.all()``."""
    field = "organization" if isinstance(subject, Organization) else "person"
    sheets = (
        Sheet.objects.restrict(user).filter(assessment__version__standard=standard, **{field: subject})
        .select_related("assessment", "assessment__version")
        .prefetch_related(Prefetch("titles", queryset=TitleAward.objects.order_by("granted_on")))
        .order_by("assessment__period_start", "assessment__pk")
    )
    return list(sheets)


def granted_sheet(user, sheets, pk):
    """The sheet ``pk`` among ``sheets`` (unrestricted) if a mechanism lets ``user`` score it for some rater group
    (engines.standards.sources.scoring_right: an inspection team's village), so they can read what they score; else
    None. Nothing else of the subject's is opened by it."""
    sheet = sheets.select_related("assessment").filter(pk=pk).first()
    if sheet is None or getattr(user, "is_authenticated", False) is False:
        return None
    for rater in RaterGroup.objects.filter(version_id=sheet.assessment.version_id):
        granted = granted_paths(user, sheet.assessment, rater)
        if granted and in_subtree(sheet.org_path, granted):
            return sheet
    return None

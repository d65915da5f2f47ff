"""The campaigns' panel of the home page (kernel.core.home): this year's campaigns, each of their assessments (五个好,
六个好, 标准化, 示范化, …) with the rate of subjects reaching each tier against the year's target and last year's rate,
and the titles held; each figure links to the campaign's page of rates per township (campaigns:townships), whose
overall row is the same figure, and the panel's table holds that page's rows.

Cheap whatever the tree's size: the counts are grouped by township in the database (a query per assessment for the
sheets, one for the titles), the targets are read in one query and last year's rates in two per standard.
"""
from collections import defaultdict

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from engines.standards import selectors as standards
from engines.standards.models import Assessment, Sheet, Target, TitleAward
from kernel.core import clock, rates
from kernel.core.home import Figure, PanelData, Table, home_panel
from kernel.core.tree import SEGMENT_WIDTH, ancestor_paths, subtree_q
from kernel.orgs.views import scope_root

from .models import Campaign
from .services import townships_of

KINDS = {"department", "township", "readonly"}


def campaigns_of_year(user, year: int) -> tuple[int, list]:
    """The campaigns the user sees of ``year``, or of the latest year before it that has any: (year, campaigns)."""
    visible = Campaign.objects.restrict(user)
    shown = visible.filter(year__lte=year).order_by("-year").values_list("year", flat=True).first()
    if shown is None:
        return year, []
    return shown, list(visible.filter(year=shown).select_related("owner").order_by("name", "pk"))


def township_counts(user, campaign: Campaign, assessment: Assessment, tiers: list) -> dict:
    """{township path: {"subjects", "reached": {tier code: n}, "named": {tier code: n}}} of the assessment's sheets in
    the user's scope, as the campaign's page of rates per township counts them (selectors.creation_rates)."""
    cut = len(campaign.owner_path) + SEGMENT_WIDTH
    per = defaultdict(lambda: {"subjects": 0, "reached": defaultdict(int), "named": defaultdict(int)})
    reached = {f"tier_{n}": Count("pk", filter=Q(tier_level__gte=tier.level)) for n, tier in enumerate(tiers)}
    rows = (Sheet.objects.restrict(user).filter(assessment=assessment).annotate(township=Substr("org_path", 1, cut))
            .values("township").annotate(subjects=Count("pk"), **reached).order_by())
    for row in rows:
        entry = per[row["township"]]
        entry["subjects"] += row["subjects"]
        for n, tier in enumerate(tiers):
            entry["reached"][tier.code] += row[f"tier_{n}"]
    named = (TitleAward.objects.restrict(user)
             .filter(subtree_q("org_path", [campaign.owner_path]), standard_id=assessment.version.standard_id,
                     status=TitleAward.Status.ACTIVE)
             .annotate(township=Substr("org_path", 1, cut)).values("township", "tier_level")
             .annotate(n=Count("pk")).order_by())
    for row in named:
        for tier in tiers:
            if row["tier_level"] >= tier.level:
                per[row["township"]]["named"][tier.code] += row["n"]
    return per


def _targets(standard_ids, year: int, root) -> dict:
    """{(standard id, tier code): planned share} for ``year``, set at ``root`` or the nearest organization above it."""
    found = {}
    for target in Target.objects.filter(standard_id__in=standard_ids, year=year,
                                        org_path__in=ancestor_paths(root.path)).order_by("org_path"):
        found[(target.standard_id, target.tier_code)] = target.share  # the nearest one wins
    return found


def _last_year(user, standards_seen: dict, year: int, root) -> dict:
    """{(standard id, tier code): last year's rate under ``root``} from each standard's latest assessment of that year
    (what the standards engine's progress shows: GET /api/standards/{id}/progress?year=)."""
    found = {}
    latest = {}
    for assessment in (Assessment.objects.filter(version__standard_id__in=list(standards_seen),
                                                 period_start__year=year).order_by("-period_start", "-pk")):
        latest.setdefault(assessment.version.standard_id, assessment)
    for standard_id, assessment in latest.items():
        counts = standards.tier_counts(user, assessment, under=root)
        for code, reached in counts["by_tier"].items():
            found[(standard_id, code)] = rates.rate(reached, counts["subjects"])
    return found


def _colour(value, target) -> tuple[str, str]:
    if value is None or target is None:
        return "", ""
    if value >= target:
        return "green", _("green: at or above the target of %(target)s%%; red: below it") % {"target": target}
    return "red", _("red: below the target of %(target)s%%; green: at or above it") % {"target": target}


@home_panel("campaigns.rates", gettext_lazy("Campaigns: rates against the target"), kinds=KINDS, order=10,
            icon="bi-award", wide=True)
def campaigns_panel(request, kind) -> PanelData | None:
    user = request.user
    root = scope_root(user)
    if root is None:
        return None
    year, campaigns = campaigns_of_year(user, clock.today().year)
    if not campaigns:
        return None
    plans = []
    for campaign in campaigns:
        for assessment in (Assessment.objects.filter(campaigns=campaign).select_related("version__standard")
                           .prefetch_related("version__tiers").order_by("version__standard__code", "pk")):
            plans.append((campaign, assessment, sorted(assessment.version.tiers.all(), key=lambda t: t.level)))
    standard_ids = {assessment.version.standard_id: assessment.version.standard for _c, assessment, _t in plans}
    targets = _targets(list(standard_ids), year, root)
    last_year = _last_year(user, standard_ids, year - 1, root)

    figures, rows = [], []
    for campaign, assessment, tiers in plans:
        per = township_counts(user, campaign, assessment, tiers)
        if not per:
            continue
        standard = assessment.version.standard
        names = {org.path: org.name for org in townships_of(campaign.owner).filter(path__in=list(per))}
        subjects = sum(entry["subjects"] for entry in per.values())
        for tier in tiers:
            reached = sum(entry["reached"][tier.code] for entry in per.values())
            named = sum(entry["named"][tier.code] for entry in per.values())
            value = rates.rate(reached, subjects)
            share = targets.get((standard.pk, tier.code))
            target = rates.share_rate(share) if share is not None else None
            colour, note = _colour(value, target)
            url = f"{reverse('campaigns:townships', args=[campaign.pk, assessment.pk])}?tier={tier.code}"
            label = f"{year} · {standard.name} · {tier.name}"
            figures.append(Figure(label, value, url=url, unit="%", target=target,
                                  last_year=last_year.get((standard.pk, tier.code)),
                                  colour=colour, note=note or _("%(reached)s of %(subjects)s reached it") % {
                                      "reached": reached, "subjects": subjects}))
            figures.append(Figure(_("%(label)s: titles held") % {"label": label}, named, url=url))
            for path in sorted(names):
                entry = per[path]
                rows.append([campaign.name, standard.name, tier.name, names[path], entry["subjects"],
                             entry["reached"][tier.code], rates.percent_of(entry["reached"][tier.code],
                                                                           entry["subjects"]),
                             entry["named"][tier.code]])
            rows.append([campaign.name, standard.name, tier.name, _("Overall"), subjects, reached,
                         rates.percent(value), named])
    if not figures:
        return None
    table = Table([_("Campaign"), _("Standard"), _("Tier"), _("Township"), _("Assessed"), _("Reached"),
                   _("Pass rate"), _("Titles held")], rows, title=str(year))
    actions = [] if kind == "readonly" else [(_("Campaigns"), reverse("campaigns:list"))]
    return PanelData(figures=figures, table=table, actions=actions,
                     context={"year": year})

"""Reads of campaigns, every one through the user's scope."""
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404

from engines.standards.models import Assessment, Sheet, TitleAward
from kernel.core import rates
from kernel.core.tree import subtree_q
from kernel.orgs.models import Organization
from kernel.people.models import Person

from .models import Assignment, Campaign, InspectionTeam, StageKind
from .services import township_path, townships_of


def campaigns(user):
    return Campaign.objects.restrict(user).select_related("owner").prefetch_related("stages")


def campaign_for(user, pk, action: str = "view") -> Campaign:
    return get_object_or_404(Campaign.objects.restrict(user, action).select_related("owner"), pk=pk)


def campaign_assessments(user, campaign: Campaign):
    return (Assessment.objects.filter(campaigns=campaign).select_related("version__standard")
            .order_by("version__standard__code"))


def stages(campaign: Campaign) -> list:
    order = [StageKind.DECLARATION, StageKind.EVALUATION, StageKind.NAMING]
    return sorted(campaign.stages.all(), key=lambda stage: order.index(stage.kind))


def teams(user, campaign: Campaign) -> list[InspectionTeam]:
    """The campaign's teams with their members (names only where the user may see those people) and the
    villages assigned to each that lie in the user's scope."""
    visible_people = set(Person.objects.restrict(user).filter(
        pk__in=InspectionTeam.members.through.objects.filter(inspectionteam__campaign=campaign)
        .values("person_id")).values_list("pk", flat=True))
    rows = list(InspectionTeam.objects.restrict(user).filter(campaign=campaign).select_related("township")
                .prefetch_related("members", Prefetch(
                    "assignments", queryset=Assignment.objects.restrict(user).select_related("organization"))))
    for team in rows:
        team.visible_members = [p for p in team.members.all() if p.pk in visible_people]
        team.hidden_members = len(team.members.all()) - len(team.visible_members)
        team.village_count = Assignment.objects.filter(team=team).count()
    return rows


def assignment_for(user, pk) -> Assignment:
    return get_object_or_404(Assignment.objects.restrict(user, "change").select_related("campaign", "team"), pk=pk)


def team_choices(campaign: Campaign, assignment: Assignment):
    """The teams a village may move to: any of the campaign's but its own township's."""
    return (InspectionTeam.objects.filter(campaign=campaign).select_related("township")
            .exclude(township__path=township_path(campaign, assignment.org_path)))


def assignment_summary(campaign: Campaign) -> dict:
    loads = list(Assignment.objects.filter(campaign=campaign).values("team").annotate(n=Count("pk"))
                 .values_list("n", flat=True))
    own = sum(1 for a in Assignment.objects.filter(campaign=campaign).select_related("team__township")
              .only("org_path", "team__township__path")
              if township_path(campaign, a.org_path) == a.team.township.path)
    return {"villages": sum(loads), "min": min(loads, default=0), "max": max(loads, default=0), "own": own}


def _rate(part: int, whole: int):
    """The share, unrounded: the percent shown is rounded once from the counts (core/rates.py), so 148 of 171
    reads 86.5%, not 0.8655 → 86.6%."""
    return Decimal(part) / Decimal(whole) if whole else None


def percent(rate) -> str:
    """A share (0.9333) as "93.3%"."""
    return rates.percent(rates.share_rate(rate))


def creation_rates(user, assessment: Assessment, root: Organization, tier_code: str) -> dict:
    """Pass rate and named count of one standard's assessment per township under ``root`` and overall
    (标准化 / 示范化: "验收合格达标98.5%，评定出19个示范化党支部")."""
    sheets = Sheet.objects.restrict(user).filter(assessment=assessment)
    level = assessment.version.tiers.filter(code=tier_code).values_list("level", flat=True).first() or 1
    named = TitleAward.objects.restrict(user).filter(
        standard_id=assessment.version.standard_id, status=TitleAward.Status.ACTIVE, tier_level__gte=level)
    per = defaultdict(lambda: {"subjects": 0, "reached": 0, "named": 0})
    cut = len(root.path) + 5
    for path, reached in sheets.values_list("org_path", "tier_level"):
        row = per[path[:cut]]
        row["subjects"] += 1
        row["reached"] += reached >= level
    for path in named.filter(subtree_q("org_path", [root.path])).values_list("org_path", flat=True):
        per[path[:cut]]["named"] += 1
    rows = []
    for township in townships_of(root).filter(path__in=list(per)):
        row = per[township.path]
        rate = _rate(row["reached"], row["subjects"])
        rows.append({"org": township, **row, "rate": rate, "percent": rates.percent_of(row["reached"], row["subjects"])})
    total = {key: sum(r[key] for r in per.values()) for key in ("subjects", "reached", "named")}
    total["rate"] = _rate(total["reached"], total["subjects"])
    total["percent"] = rates.percent_of(total["reached"], total["subjects"])
    return {"rows": rows, "total": total}


def campaign_overview(user, campaign: Campaign) -> list[dict]:
    """Per assessment: subjects, scored, reached (by the lowest tier), vetoed, as the user sees them."""
    rows = []
    for assessment in campaign_assessments(user, campaign):
        sheets = Sheet.objects.restrict(user).filter(assessment=assessment)
        tiers = sorted(assessment.version.tiers.all(), key=lambda t: t.level)
        counts = sheets.aggregate(subjects=Count("pk"), vetoed=Count("pk", filter=Q(vetoed=True)),
                                  declared=Count("pk", filter=~Q(declared_tier="")),
                                  reached=Count("pk", filter=Q(tier_level__gte=1)))
        rate = _rate(counts["reached"], counts["subjects"])
        rows.append({"assessment": assessment, "tiers": tiers, **counts, "rate": rate,
                     "percent": rates.percent_of(counts["reached"], counts["subjects"])})
    return rows

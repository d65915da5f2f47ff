"""A campaign's results across years (逐年对比): for one of its standards and a tier, every year that the campaign's
owner ran the standard in a campaign, overall and per township: how many were assessed, how many reached the tier
(达标率), how many were newly named from that year's results, how many of those assessed held a title of the tier (or
a better one) after the year's naming (命名率: kept or newly named), and the year's target.

The page, its workbook and the API read the same dict (``campaign_years``); rates are rounded once from the counts
(kernel.core.rates).
"""
import io
from collections import defaultdict

from django.utils.translation import gettext as _

from engines.standards import timeline
from engines.standards.models import Sheet, TitleAward
from engines.standards.selectors import target_progress
from kernel.core import rates
from kernel.core.tree import SEGMENT_WIDTH, subtree_q
from kernel.core.xlsx_stream import append_row

from .models import Campaign
from .services import townships_of


def standards_of(campaign: Campaign) -> list:
    """The campaign's standards, in code order."""
    seen = {}
    for assessment in campaign.assessments.select_related("version__standard"):
        seen.setdefault(assessment.version.standard.pk, assessment.version.standard)
    return sorted(seen.values(), key=lambda standard: standard.code)


def series(user, campaign: Campaign, standard) -> list[tuple[int, object]]:
    """(year, assessment) of the standard in every campaign of the same owner the user sees, one per year (the
    latest campaign's when a year has several), oldest first."""
    by_year = {}
    campaigns = (Campaign.objects.restrict(user).filter(owner_id=campaign.owner_id,
                                                        assessments__version__standard=standard)
                 .distinct().order_by("year", "pk"))
    for other in campaigns:
        assessment = (other.assessments.filter(version__standard=standard).select_related("version")
                      .order_by("-pk").first())
        if assessment is not None:
            assessment.campaign_pk = other.pk
            by_year[other.year] = assessment
    return sorted(by_year.items())


def _tiers(standard):
    version = standard.current_version
    return sorted(version.tiers.all(), key=lambda tier: tier.level) if version else []


def _counts() -> dict:
    return {"subjects": 0, "reached": 0, "named": 0, "held": 0}


def _with_rates(row: dict) -> dict:
    row["reached_rate"] = rates.rate(row["reached"], row["subjects"])
    row["held_rate"] = rates.rate(row["held"], row["subjects"])
    return row


def campaign_years(user, campaign: Campaign, standard_code: str | None = None, tier_code: str | None = None) -> dict:
    standards = standards_of(campaign)
    standard = next((s for s in standards if s.code == standard_code), standards[0] if standards else None)
    result = {"campaign": campaign, "standards": standards, "standard": standard, "tiers": [], "tier": None,
              "years": [], "townships": []}
    if standard is None:
        return result
    tiers = _tiers(standard)
    tier = next((t for t in tiers if t.code == tier_code), tiers[0] if tiers else None)
    result.update(tiers=tiers, tier=tier)
    if tier is None:
        return result
    root = campaign.owner
    cut = len(root.path) + SEGMENT_WIDTH
    years = series(user, campaign, standard)
    in_root = subtree_q("org_path", [root.path])
    awards = list(timeline.with_decisions(
        TitleAward.objects.restrict(user).filter(in_root, standard=standard)
        .exclude(status=TitleAward.Status.WITHDRAWN)))
    per_township = defaultdict(dict)  # township path -> year -> counts
    for year, assessment in years:
        level = next((t.level for t in assessment.version.tiers.all() if t.code == tier.code), tier.level)
        total = _counts()
        cells = defaultdict(_counts)
        assessed = set()
        for path, reached, org_id, person_id in (Sheet.objects.restrict(user).filter(in_root, assessment=assessment)
                                                 .values_list("org_path", "tier_level", "organization_id",
                                                              "person_id")):
            assessed.add((org_id, person_id))
            for row in (total, cells[path[:cut]]):
                row["subjects"] += 1
                row["reached"] += reached >= level
        # subject -> township path: a subject counts once whatever titles it holds, and only if assessed that year
        named, held = {}, {}
        for award in awards:
            subject = (award.organization_id, award.person_id)
            if award.tier_level < level or subject not in assessed:
                continue
            if award.period_label == assessment.period_label:
                named[subject] = award.org_path[:cut]
            if timeline.held_in(award, year):
                held[subject] = award.org_path[:cut]
        for key, subjects in (("named", named), ("held", held)):
            for path in subjects.values():
                total[key] += 1
                cells[path][key] += 1
        target = next((row["target"] for row in target_progress(user, standard, year, root)
                       if row["tier"] == tier.code), None)
        result["years"].append(_with_rates({"year": year, "assessment": assessment, **total, "target": target,
                                            "target_rate": rates.share_rate(target)}))
        for path, row in cells.items():
            per_township[path][year] = _with_rates(row)
    year_list = [year for year, _assessment in years]
    for township in townships_of(root).filter(path__in=list(per_township)):
        counts = per_township[township.path]
        result["townships"].append({"org": township, "cells": [
            counts.get(year) or _with_rates({"year": year, **_counts()}) for year in year_list]})
        for year, cell in zip(year_list, result["townships"][-1]["cells"]):
            cell["year"] = year
    return result


def chart_data(data: dict) -> dict:
    """What the page's ECharts read: the years, per township its 达标率, the overall 达标率 and 命名率 (``named``: the
    share holding a title at the year's end), the target."""
    def number(value):
        return None if value is None else float(value)

    return {
        "years": [str(row["year"]) for row in data["years"]],
        "overall": {"reached": [number(row["reached_rate"]) for row in data["years"]],
                    "named": [number(row["held_rate"]) for row in data["years"]],
                    "target": [number(row["target_rate"]) for row in data["years"]]},
        "townships": [{"name": row["org"].name, "rates": [number(cell["reached_rate"]) for cell in row["cells"]]}
                      for row in data["townships"]],
        "labels": {"reached": _("Pass rate"), "named": _("Naming rate"), "target": _("Target"),
                   "overall": _("Overall")},
    }


def xlsx(data: dict) -> bytes:
    """The page's tables as a workbook: the years overall, then the pass rate and the naming rate by township."""
    from openpyxl import Workbook

    book = Workbook()

    campaign, standard, tier = data["campaign"], data["standard"], data["tier"]
    overall = book.active
    overall.title = _("By year")[:31]
    append_row(overall, [f"{campaign.owner.name} · {standard.name if standard else ''} · {tier.name if tier else ''}"],
        header=True)
    append_row(overall, [_("Year"), _("Assessed"), _("Reached"), _("Pass rate"), _("Newly named"),
                  _("Holding a title"), _("Naming rate"), _("Target")], header=True)
    for row in data["years"]:
        append_row(overall, [row["year"], row["subjects"], row["reached"], rates.percent(row["reached_rate"]), row["named"],
                      row["held"], rates.percent(row["held_rate"]),
                      rates.percent(row["target_rate"]) if row["target_rate"] is not None else ""])
    years = [row["year"] for row in data["years"]]
    for title, key in ((_("Pass rate by township"), "reached"), (_("Naming rate by township"), "held")):
        sheet = book.create_sheet(title[:31])
        append_row(sheet, [_("Township"), *years], header=True)
        for row in data["townships"]:
            append_row(sheet, [row["org"].name, *[rates.percent(cell[f"{key}_rate"]) for cell in row["cells"]]])
        append_row(sheet, [_("Overall"), *[rates.percent(row[f"{key}_rate"]) for row in data["years"]]], header=True)
    for sheet in book.worksheets:
        sheet.column_dimensions["A"].width = 28
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

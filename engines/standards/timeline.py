"""Titles across years (逐步升创): which titles a subject was granted, kept and lost in each year, and the years of
titles that the campaign pages count.

A title belongs to the year of the period it was named for (``period_label`` "2025" or "2025-Q3": 2025), even when
the decision was taken in January of the next year. It is lost in the year of the assessment whose naming decision
removed it (the decision's period), or, removed on its own, in the year it was removed. A title withdrawn with its
decision was never held and is left out. Titles are ranked across standards by the chain of ``requires_tier``:
示范化 needs 标准化, so a 示范化 title stands above any 标准化 title, and within a standard the higher tier above.
"""
from django.db.models import F, Prefetch

from kernel.orgs.models import Organization

from .models import Sheet, Standard, Tier, TitleAward, TitleDecision

GRANTED, KEPT, REMOVED = "granted", "kept", "removed"


def period_year(label: str) -> int | None:
    head = (label or "")[:4]
    return int(head) if head.isdigit() else None


def with_decisions(awards):
    """``awards`` with the decisions in force that removed them, for ``removal_year``."""
    return awards.prefetch_related(Prefetch(
        "revoked_in", queryset=TitleDecision.objects.filter(status=TitleDecision.Status.ACTIVE)
        .prefetch_related("assessments"), to_attr="removing_decisions"))


def grant_year(award: TitleAward) -> int | None:
    return period_year(award.period_label)


def removal_year(award: TitleAward) -> int | None:
    """The year a removed title was lost in (None while it is held)."""
    if award.status != TitleAward.Status.REVOKED:
        return None
    years = [period_year(a.period_label) for decision in getattr(award, "removing_decisions", [])
             for a in decision.assessments.all()]
    years = [year for year in years if year is not None]
    if years:
        return max(min(years), grant_year(award) or min(years))
    return award.revoked_on.year if award.revoked_on else None


def held_in(award: TitleAward, year: int) -> bool:
    """Whether the title was held at the end of ``year`` (its naming done, not lost in that year or before)."""
    start, end = grant_year(award), removal_year(award)
    return start is not None and start <= year and (end is None or end > year)


def standard_depths(standard_ids) -> dict:
    """Per standard: how many standards stand below it in the chain of ``requires_tier`` (标准化 0, 示范化 1)."""
    requires = {}
    codes = dict(Standard.objects.values_list("code", "pk"))
    for standard_id, needed in (Tier.objects.filter(version__standard__current_version_id=F("version_id"))
                                .exclude(requires_tier="").values_list("version__standard_id", "requires_tier")):
        if ":" in needed:
            other = codes.get(needed.split(":", 1)[0])
            if other is not None and other != standard_id:
                requires.setdefault(standard_id, set()).add(other)

    def depth(standard_id, seen=()):
        if standard_id in seen:
            return 0
        return max((1 + depth(other, (*seen, standard_id)) for other in requires.get(standard_id, ())), default=0)

    return {standard_id: depth(standard_id) for standard_id in standard_ids}


def subject_titles(user, subject) -> dict:
    """A subject's titles year by year, as the user may see them.

    ``years``: one row per year from the first title to its last event or the last year the subject was assessed,
    each with ``cells`` (one per standard, in
    ``standards`` order: the titles granted, kept and removed that year), ``best`` (the highest title held at the
    year's end) and ``step`` ("up", "down", "same", or "" the first year)."""
    field = "organization" if isinstance(subject, Organization) else "person"
    awards = list(with_decisions(
        TitleAward.objects.restrict(user).filter(**{field: subject}).exclude(status=TitleAward.Status.WITHDRAWN)
        .select_related("standard")).order_by("period_label", "tier_level", "pk"))
    if not awards:
        return {"standards": [], "years": []}
    depths = standard_depths({award.standard_id for award in awards})
    standards = sorted({award.standard for award in awards}, key=lambda s: (depths.get(s.pk, 0), s.code))
    first = min(grant_year(a) for a in awards if grant_year(a) is not None)
    assessed = (Sheet.objects.restrict(user).filter(**{field: subject}).order_by("-assessment__period_end")
                .values_list("assessment__period_end", flat=True).first())
    last = max([grant_year(a) or first for a in awards] + [removal_year(a) or first for a in awards]
               + [assessed.year if assessed else first])

    def rank(award):
        return (depths.get(award.standard_id, 0), award.tier_level)

    rows, previous = [], None
    for year in range(first, last + 1):
        cells = []
        for standard in standards:
            events = []
            for award in awards:
                if award.standard_id != standard.pk:
                    continue
                start, end = grant_year(award), removal_year(award)
                if start == year:
                    events.append({"award": award, "event": GRANTED})
                elif held_in(award, year):
                    events.append({"award": award, "event": KEPT})
                if end == year:
                    events.append({"award": award, "event": REMOVED})
            cells.append({"standard": standard, "events": events})
        held = [award for award in awards if held_in(award, year)]
        best = max(held, key=rank) if held else None
        step = ""
        if year > first:
            before, now = (rank(previous) if previous else None), (rank(best) if best else None)
            step = ("same" if before == now else "up" if before is None or (now is not None and now > before)
                    else "down")
        rows.append({"year": year, "cells": cells, "best": best, "step": step})
        previous = best
    return {"standards": standards, "years": rows}

"""What the assessment pages print and export: the bulletin's figures, results as xlsx, PDFs.

Every figure comes from engines.standards.selectors, so the page, the workbook and the PDF of a bulletin
always say the same thing.
"""
import io
from decimal import Decimal

from django.utils.translation import gettext as _

from kernel.core import rates
from kernel.core.pdf import render_pdf  # noqa: F401  the project's one PDF renderer, served as exports.render_pdf
from kernel.core.xlsx_stream import append_row, iter_xlsx

from . import selectors

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BULLETIN_RANK_ROWS = 5


def share(part, whole) -> Decimal | None:
    """part / whole as a percentage with one decimal (14, 15 → 93.3), None when there is nothing to divide."""
    return rates.rate(part, whole)


def percent(part, whole) -> str:
    return rates.percent_of(part, whole)


def rate_percent(rate) -> str:
    """A share kept as a fraction (a target's 0.9) as "90.0%"."""
    return rates.percent(rates.share_rate(rate))


def subject_name(sheet) -> str:
    subject = sheet.organization or sheet.person
    return getattr(subject, "name", str(subject))


def tier_names(version) -> dict:
    return {tier.code: tier.name for tier in version.tiers.all()}


def pass_tier(version, code: str | None = None):
    """The tier a pass rate is counted against: ``code`` if the version has it, else its lowest tier."""
    tiers = sorted(version.tiers.all(), key=lambda tier: tier.level)
    chosen = next((tier for tier in tiers if tier.code == code), None)
    return chosen or (tiers[0] if tiers else None)


# --- the bulletin (通报) ------------------------------------------------------------------------------------------

def bulletin_figures(user, assessment, root, *, rank_rows: int = BULLETIN_RANK_ROWS) -> dict:
    """The bulletin of ``assessment`` at the subtree of ``root``: counts, tiers, targets, pass rates, rankings."""
    version = assessment.version
    counts = selectors.tier_counts(user, assessment, under=root)
    subjects = counts["subjects"]
    tiers = sorted(version.tiers.all(), key=lambda tier: -tier.level)
    year = assessment.period_end.year
    targets = {row["tier"]: row for row in selectors.target_progress(user, version.standard, year, root)}
    tier_rows = []
    for tier in tiers:
        reached = counts["by_tier"].get(tier.code, 0)
        target = targets.get(tier.code, {}).get("target")
        tier_rows.append({
            "tier": tier, "reached": reached, "share": share(reached, subjects), "percent": percent(reached, subjects),
            "target": target, "target_percent": rate_percent(target) if target is not None else "",
            "met": None if target is None else (share(reached, subjects) or 0) >= Decimal(target) * 100,
        })
    base = pass_tier(version)
    children = []
    if base is not None:
        for row in selectors.pass_rate_by_child(user, assessment, root, base.code):
            children.append({**row, "percent": percent(row["reached"], row["subjects"])})
    names = tier_names(version)
    sheets = selectors.results(user, assessment, under=root).select_related("organization", "person", "parent")

    def named(queryset):
        rows = list(queryset)
        for sheet in rows:
            sheet.tier_name = names.get(sheet.tier, "")
        return rows

    best_first = sheets.order_by("vetoed", "-total", "org_path")
    top = named(best_first[:rank_rows]) if rank_rows else []
    bottom = named(sheets.order_by("-vetoed", "total", "-org_path")[:rank_rows]) if rank_rows else []
    if subjects <= rank_rows:
        bottom = []  # the top list already shows everyone
    return {
        "assessment": assessment, "version": version, "root": root, "subjects": subjects,
        "vetoed": counts["vetoed"], "vetoed_percent": percent(counts["vetoed"], subjects),
        "tiers": tier_rows, "pass_tier": base, "children": children, "top": top, "bottom": bottom,
        "commended": named(best_first.filter(consequence="commended")) if rank_rows else [],
        "yellow_cards": named(best_first.filter(consequence="yellow_card")) if rank_rows else [],
    }


def bulletin_xlsx(figures) -> bytes:
    """The bulletin as a workbook: one sheet of summary figures, one per table."""
    from openpyxl import Workbook

    book = Workbook()
    summary = book.active
    summary.title = _("Summary")[:31]

    assessment = figures["assessment"]
    append_row(summary, [f"{assessment.name} · {figures['root'].name}"], header=True)
    append_row(summary, [_("Period"), assessment.period_label])
    append_row(summary, [_("Subjects"), figures["subjects"]])
    append_row(summary, [])
    append_row(summary, [_("Tier"), _("Reached"), _("Share"), _("Target"), _("Target met")], header=True)
    for row in figures["tiers"]:
        met = "" if row["met"] is None else (_("Yes") if row["met"] else _("No"))
        append_row(summary, [row["tier"].name, row["reached"], row["percent"], row["target_percent"], met])
    append_row(summary, [_("Vetoed"), figures["vetoed"], figures["vetoed_percent"]])

    children = book.create_sheet(_("Pass rate")[:31])
    append_row(children, [_("Organization"), _("Subjects"), _("Reached"), _("Pass rate")], header=True)
    for row in figures["children"]:
        append_row(children, [row["org"].name, row["subjects"], row["reached"], row["percent"]])

    ranking = book.create_sheet(_("Ranking")[:31])
    append_row(ranking, [_("List"), _("Rank"), _("Subject"), _("Under"), _("Total"), _("Tier"), _("Vetoed")], header=True)
    lists = [(_("Top"), figures["top"]), (_("Bottom"), figures["bottom"]),
             (_("Commended"), figures["commended"]), (_("Yellow card"), figures["yellow_cards"])]
    for label, sheets in lists:
        for sheet in sheets:
            append_row(ranking, [label, sheet.rank_all, subject_name(sheet), sheet.parent.name if sheet.parent else "",
                          sheet.total, sheet.tier_name, _("Yes") if sheet.vetoed else ""])
    for sheet in book.worksheets:
        sheet.column_dimensions["A"].width = 28
        for letter in "BCDEFG":
            sheet.column_dimensions[letter].width = 16
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- results -------------------------------------------------------------------------------------------------------

def results_header() -> list:
    return [_("Rank overall"), _("Rank within parent"), _("Rank within class"), _("Subject"), _("Under"),
            _("Class"), _("Total"), _("Vetoed"), _("Tier"), _("Consequence"), _("Lagging")]


def results_rows(sheets, names: dict):
    consequences = {"commended": _("Commended"), "yellow_card": _("Yellow card")}
    for sheet in sheets.iterator(chunk_size=2000):
        yield [sheet.rank_all, sheet.rank_parent, sheet.rank_class, subject_name(sheet),
               sheet.parent.name if sheet.parent else "", sheet.class_key, sheet.total,
               _("Yes") if sheet.vetoed else "", names.get(sheet.tier, ""),
               consequences.get(sheet.consequence, ""), _("Yes") if sheet.lagging else ""]


def results_xlsx_stream(assessment, sheets):
    return iter_xlsx(results_header(), results_rows(sheets, tier_names(assessment.version)),
                     title=assessment.period_label or "results")


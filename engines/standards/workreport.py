"""The standards' section of the year's work report (kernel.core.workreport): for each standard assessed that
year under the organization, how many subjects reached its pass tier, with the share, the year's target and last
year's share; each figure links to the assessment's bulletin, which shows the same numbers."""
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.core import rates
from kernel.core.workreport import Paragraph, ReportFigure, report_section

from . import exports
from .models import Assessment, Sheet, Standard


def _assessment(user, standard, organization, year):
    """The standard's latest assessment of ``year`` with subjects under ``organization`` that the user sees."""
    visible = Q(pk__in=Assessment.objects.restrict(user).values("pk")) | Q(
        pk__in=Sheet.objects.restrict(user).filter(org_path__startswith=organization.path).values("assessment"))
    return (Assessment.objects.filter(version__standard=standard, period_end__year=year).filter(visible)
            .select_related("version").order_by("-period_end", "-pk").first())


def _tier_row(figures, code: str | None = None):
    """The tier the report speaks of: ``code`` if given; else the lowest with a target for the year (六个好 达标 at
    90%), else the lowest conferring a title (五个好 达标), else the best (活动室 完全达到, 述职评议 好)."""
    rows = sorted(figures["tiers"], key=lambda row: row["tier"].level)
    if code is not None:
        return next((row for row in rows if row["tier"].code == code), None)
    return (next((row for row in rows if row["target"] is not None), None)
            or next((row for row in rows if row["tier"].title), None) or (rows[-1] if rows else None))


@report_section("standards.tiers", gettext_lazy("Standards reached"), order=30)
def standards_section(user, organization, year) -> list[Paragraph]:
    paragraphs = []
    for standard in Standard.objects.restrict(user).order_by("code"):
        assessment = _assessment(user, standard, organization, year)
        if assessment is None:
            continue
        figures = exports.bulletin_figures(user, assessment, organization, rank_rows=0)
        row = _tier_row(figures)
        if not figures["subjects"] or row is None:
            continue
        last = _assessment(user, standard, organization, year - 1)
        last_row = (_tier_row(exports.bulletin_figures(user, last, organization, rank_rows=0), row["tier"].code)
                    if last else None)
        page = reverse("standards:bulletin", args=[assessment.pk]) + f"?under={organization.pk}"
        code = row["tier"].code
        target = rates.share_rate(row["target"]) if row["target"] is not None else None
        paragraphs.append(Paragraph(
            _("%(standard)s: {reached} of {subjects} assessed reached “%(tier)s”, a share of {share}.") % {
                "standard": standard.name, "tier": row["tier"].name},
            {"reached": ReportFigure(_("reached"), row["reached"], url=f"{page}#tier-{code}",
                                     last_year=last_row["reached"] if last_row else None),
             "subjects": ReportFigure(_("assessed"), figures["subjects"], url=f"{page}#subjects"),
             "share": ReportFigure(_("share"), row["share"], url=f"{page}#tier-{code}-share", unit="%",
                                   target=target, last_year=last_row["share"] if last_row else None)}))
    return paragraphs

"""Member development's section of the year's work report (kernel.core.workreport): the members developed in the
year with those under 35 and the women, against the year before (the structure page shows the same), and the
villages with no member developed for three years (空白村) now against a year ago (the warnings page)."""
import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.core import clock
from kernel.core.workreport import Paragraph, ReportFigure, report_section

from . import dates, selectors
from .home import blank_villages


@report_section("development.members", gettext_lazy("Member development"), order=40)
def development_section(user, organization, year) -> list[Paragraph]:
    figures = selectors.structure(user, organization, year)
    new, previous = figures["new"], figures["previous"]
    paragraphs = []
    if new["total"] or previous["total"]:
        page = reverse("development:structure") + f"?org={organization.pk}&year={year}"
        paragraphs.append(Paragraph(
            _("{total} members were developed in the year, {young} of them under 35 and {women} women."),
            {"total": ReportFigure(_("developed"), new["total"], url=f"{page}#new-total",
                                   last_year=previous["total"]),
             "young": ReportFigure(_("under 35"), new["young"], url=f"{page}#new-young", last_year=previous["young"]),
             "women": ReportFigure(_("women"), new["women"], url=f"{page}#new-women", last_year=previous["women"])}))
    today = clock.today()
    if year == today.year:  # the warnings page shows today's villages: a past year's count has no page of its own
        now = blank_villages(user, organization, today).count()
        before = blank_villages(user, organization, dates.add_years(today, -1), as_of_then=True).count()
        page = reverse("development:warnings") + f"?org={organization.pk}"
        paragraphs.append(Paragraph(
            _("{blank} villages have had no member developed for three years (空白村)."),
            {"blank": ReportFigure(_("villages without development"), now, url=f"{page}#blank_village",
                                   last_year=before)}))
    elif year < today.year:
        then = datetime.date(year, 12, 31)
        paragraphs.append(Paragraph(
            _("{blank} villages had had no member developed for three years (空白村) at the end of the year."),
            {"blank": ReportFigure(_("villages without development"),
                                   blank_villages(user, organization, then, as_of_then=True).count(),
                                   last_year=blank_villages(user, organization, dates.add_years(then, -1),
                                                            as_of_then=True).count())}))
    return paragraphs

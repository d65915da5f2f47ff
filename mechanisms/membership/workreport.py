"""The members' section of the year's work report (kernel.core.workreport): the members at the end of the year, the
women and those with junior college education or above, against the end of the year before, as the statistics
annual report counts them; each figure links to the report's list of the people behind it, whose count it is."""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.core.workreport import Paragraph, ReportFigure, report_section

from . import statistics
from .statistics_grids import _people


@report_section("membership.members", gettext_lazy("The membership"), order=35)
def members_section(user, organization, year) -> list[Paragraph]:
    period = statistics.Period(organization, year)
    now = statistics.tables(period)["basic"]["total"]
    before = statistics.tables(statistics.Period(organization, year - 1))["basic"]["total"]
    if not now.get("total"):
        return []

    def figure(label, key: str) -> ReportFigure:
        return ReportFigure(label, now.get(key, 0), url=_people(period, f"basic:{key}"),
                            last_year=before.get(key, 0) if before.get("total") else None)

    return [Paragraph(
        _("At the end of the year there were {total} members, {women} of them women and {college} with junior "
          "college education or above."),
        {"total": figure(_("members"), "total"), "women": figure(_("women"), "women"),
         "college": figure(_("junior college or above"), "college")})]

"""The collective economy's section of the year's work report (kernel.core.workreport): the villages without
collective income (空壳村) eliminated in the year against the plan's target and the year before, and those left;
each figure links to the village list filtered the same way, whose count is the figure."""
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.core.workreport import Paragraph, ReportFigure, report_section

from . import selectors


@report_section("economy.empty", gettext_lazy("Collective economy"), order=60)
def economy_section(user, organization, year) -> list[Paragraph]:
    villages = selectors.villages(user, organization)
    found = selectors.counts(selectors.village_years(villages, year))
    if not found["villages"] or found["unknown"] == found["villages"]:
        return []
    last = selectors.counts(selectors.village_years(villages, year - 1))
    target = None
    for plan in selectors.plans(user):
        if plan.start_year <= year <= plan.end_year and plan.owner_path == organization.path:
            target = next((row["target"] for row in selectors.progress(plan) if row["year"] == year), None)
            break
    page = f"{reverse('economy:villages')}?year={year}&under={organization.pk}"
    return [Paragraph(
        _("{eliminated} villages without collective income (空壳村) were lifted out of it in the year; {empty} "
          "remain."),
        {"eliminated": ReportFigure(_("eliminated"), found["eliminated"], url=f"{page}&status=eliminated",
                                    target=target, last_year=last["eliminated"] if last["villages"] else None),
         "empty": ReportFigure(_("empty villages"), found["empty"], url=f"{page}&status=empty",
                               last_year=last["empty"] if last["villages"] else None)})]

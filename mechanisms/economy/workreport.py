"""The collective economy's section of the year's work report (kernel.core.workreport): the villages without
collective income (空壳村) eliminated in the year against the plan's target and the year before, and those left;
each figure links to the village list filtered the same way, whose count is the figure.

A year whose incomes are not recorded yet (the current year until every village has reported, or a past year with
nothing recorded) still says what is true: how many villages have recorded theirs so far, the figures of the latest
year recorded named as such ("截至2025年底…"), and the plan's target for the year; each figure links to the list (or
the plans page's cell) showing the same number."""
from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.core import clock
from kernel.core.tree import subtree_q
from kernel.core.workreport import Paragraph, ReportFigure, report_section

from . import selectors
from .models import ELIMINATED, RECORDED, Income


def _plan_years(user, organization) -> dict:
    """{year: (plan, its row of progress)} of the plans ``organization`` set, the first plan covering a year."""
    found = {}
    for plan in selectors.plans(user):
        if plan.owner_path != organization.path:
            continue
        for row in selectors.progress(plan):
            found.setdefault(row["year"], (plan, row))
    return found


def _recorded(found: dict) -> bool:
    return found["unknown"] < found["villages"]


@report_section("economy.empty", gettext_lazy("Collective economy"), order=60)
def economy_section(user, organization, year) -> list[Paragraph]:
    villages = selectors.villages(user, organization)
    found = selectors.counts(selectors.village_years(villages, year))
    if not found["villages"]:
        return []
    if not _recorded(found) or (year >= clock.today().year and found["unknown"]):
        return _not_recorded_yet(user, organization, year, villages, found)
    last = selectors.counts(selectors.village_years(villages, year - 1))
    plan = _plan_years(user, organization).get(year)
    target = plan[1]["target"] if plan else None
    page = f"{reverse('economy:villages')}?year={year}&under={organization.pk}"
    return [Paragraph(
        _("{eliminated} villages without collective income (空壳村) were lifted out of it in the year; {empty} "
          "remain."),
        {"eliminated": ReportFigure(_("eliminated"), found["eliminated"], url=f"{page}&status=eliminated",
                                    target=target, last_year=last["eliminated"] if last["villages"] else None),
         "empty": ReportFigure(_("empty villages"), found["empty"], url=f"{page}&status=empty",
                               last_year=last["empty"] if last["villages"] else None)})]


def _not_recorded_yet(user, organization, year, villages, found) -> list[Paragraph]:
    """The section of a year whose incomes are not (all) recorded: what is recorded so far, the latest year
    recorded, the plan's target for the year."""
    latest = (Income.objects.restrict(user).filter(subtree_q("org_path", [organization.path]), year__lt=year)
              .aggregate(latest=Max("year"))["latest"])
    plans = _plan_years(user, organization)
    if not _recorded(found) and latest is None and year not in plans:
        return []  # nothing recorded ever, no plan: nothing true to say
    villages_url = reverse("economy:villages")

    def page(of_year: int, status: str = "") -> str:
        return f"{villages_url}?year={of_year}&under={organization.pk}" + (f"&status={status}" if status else "")

    recorded = found["villages"] - found["unknown"]
    paragraphs = [Paragraph(
        _("The collective incomes of %(year)s are not all recorded yet: {recorded} of {villages} villages have "
          "recorded theirs.") % {"year": year},
        {"recorded": ReportFigure(_("villages with their income recorded"), recorded, url=page(year, RECORDED)),
         "villages": ReportFigure(_("villages"), found["villages"], url=page(year))})]
    if latest is not None:
        then = selectors.counts(selectors.village_years(villages, latest))
        before = selectors.counts(selectors.village_years(villages, latest - 1))
        compared = _recorded(before)
        plan = plans.get(latest)
        paragraphs.append(Paragraph(
            _("By the end of %(year)s there were {empty} villages without collective income (空壳村); {eliminated} "
              "were lifted out of it in %(year)s.") % {"year": latest},
            {"empty": ReportFigure(_("empty villages"), then["empty"], url=page(latest, "empty"),
                                   last_year=before["empty"] if compared else None),
             "eliminated": ReportFigure(_("eliminated"), then["eliminated"], url=page(latest, ELIMINATED),
                                        target=plan[1]["target"] if plan else None,
                                        last_year=before["eliminated"] if compared else None)}))
    if year in plans:
        plan, row = plans[year]
        cell = f"{reverse('economy:plans')}#plan-{plan.pk}-"
        paragraphs.append(Paragraph(
            _("The plan sets {target} villages without collective income to be lifted out of it in %(year)s, "
              "leaving {left} at the year's end.") % {"year": year},
            {"target": ReportFigure(_("target"), row["target"], url=f"{cell}target-{year}"),
             "left": ReportFigure(_("left by the plan"), row["left_by_plan"], url=f"{cell}left-{year}")}))
    return paragraphs

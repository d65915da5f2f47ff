"""The collective economy on the department's and the township's home page (kernel.core.home): in the latest year
with incomes recorded, the villages empty, eliminated (against the plan's target for the year, where a plan covers
it), newly empty and not recorded; each figure links to the villages list filtered the same way, whose count is the
same figure; the table counts them by township."""
from collections import defaultdict

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.core.home import Figure, PanelData, Table, home_panel

from . import selectors
from .models import Income


@home_panel("economy.villages", gettext_lazy("Collective economy"), kinds={"department", "township", "readonly"},
            order=60, icon="bi-cash-coin")
def economy_panel(request, kind) -> PanelData | None:
    user = request.user
    if not Income.objects.restrict(user).exists():
        return None
    year = selectors.default_year(user)
    rows = selectors.village_years(selectors.villages(user), year)
    before = selectors.village_years(selectors.villages(user), year - 1)
    found, last = selectors.counts(rows), selectors.counts(before)
    base = f"{reverse('economy:villages')}?year={year}"
    target = None
    for plan in selectors.plans(user):
        if plan.start_year <= year <= plan.end_year:
            target = next(row["target"] for row in selectors.progress(plan) if row["year"] == year)
            break
    figures = [
        Figure(_("Empty villages in %(year)s") % {"year": year}, found["empty"], url=f"{base}&status=empty",
               last_year=last["empty"], colour="red" if found["empty"] > last["empty"] and last["villages"] else "",
               note=_("Red: more than the year before.")),
        Figure(_("Eliminated in %(year)s") % {"year": year}, found["eliminated"], url=f"{base}&status=eliminated",
               target=target, last_year=last["eliminated"],
               colour="" if target is None else ("green" if found["eliminated"] >= target else "amber"),
               note=_("Empty the year before and above the threshold this year; target: the plan's.")),
        Figure(_("Newly empty"), found["newly_empty"], url=f"{base}&status=newly_empty"),
        Figure(_("No income recorded"), found["unknown"], url=f"{base}&status=unknown",
               colour="amber" if found["unknown"] else "", note=_("of %(n)s villages") % {"n": found["villages"]}),
    ]
    by_township = defaultdict(lambda: [0, 0, 0, 0])
    for row in rows:
        entry = by_township[row.organization.parent.name if row.organization.parent else "—"]
        entry[0] += 1
        entry[1] += row.status == "empty"
        entry[2] += row.eliminated
        entry[3] += row.status == "unknown"
    table = Table([_("Township"), _("Villages"), _("Empty villages"), _("Eliminated"), _("No income recorded")],
                  [[name, *values] for name, values in sorted(by_township.items())],
                  title=_("Collective economy %(year)s") % {"year": year})
    actions = [] if kind == "readonly" else [(_("Collective economy"), base),
                                                (_("Elimination plans"), reverse("economy:plans"))]
    return PanelData(figures=figures, table=table, actions=actions)

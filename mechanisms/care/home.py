"""Care and service on the home page (kernel.core.home): old members and members in hardship, how many were visited
this year, the help given, the mutual-aid fund's balance, the commitments fulfilled, the volunteer hours and the
joint-building pairs; each against last year where it has one, each a link to the page showing the same number."""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.core import clock
from kernel.core.home import Figure, PanelData, Table, home_panel
from kernel.orgs.views import scope_root

from . import selectors
from .views import figure_links


@home_panel("care.summary", gettext_lazy("Care and service"), kinds={"department", "township", "readonly"},
            order=78, icon="bi-heart")
def care_panel(request, kind) -> PanelData | None:
    user = request.user
    root = scope_root(user)
    if root is None:
        return None
    year = clock.today().year
    now = selectors.summary(user, root, year)
    if not now["cared"] and not now["funds"] and not now["pairings"] and not now["commitments_made"]:
        return None
    before = selectors.summary(user, root, year - 1)
    links = figure_links(year)
    figures = [
        Figure(_("Old members"), now["old"], url=links["old"], last_year=before["old"]),
        Figure(_("Members in hardship"), now["hardship"], url=links["hardship"], last_year=before["hardship"]),
        Figure(_("Visited this year"), now["visited"], url=links["visited"], last_year=before["visited"],
               note=_("of %(count)s old members or members in hardship") % {"count": now["cared"]},
               colour="green" if now["cared"] and now["visited"] == now["cared"] else "amber" if now["cared"] else ""),
        Figure(_("Help given (yuan)"), now["help"], url=links["help"], last_year=before["help"]),
        Figure(_("Mutual-aid fund balance (yuan)"), now["fund_balance"], url=links["fund_balance"]),
        Figure(_("Commitments fulfilled"), now["commitments_fulfilled"], url=links["commitments_fulfilled"],
               last_year=before["commitments_fulfilled"],
               note=_("of %(count)s made") % {"count": now["commitments_made"]}),
        Figure(_("Volunteer hours"), now["volunteer_hours"], url=links["volunteer_hours"],
               last_year=before["volunteer_hours"]),
        Figure(_("Joint-building pairs"), now["pairings"], url=links["pairings"], last_year=before["pairings"]),
    ]
    table = Table([_("Figure"), str(year), str(year - 1)],
                  [[str(figure.label), figure.value, figure.last_year] for figure in figures],
                  title=_("Care and service"))
    return PanelData(figures=figures, table=table, actions=[] if kind == "readonly" else [(_("Care and service"), links["cared"])])

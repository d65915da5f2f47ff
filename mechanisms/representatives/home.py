"""The representatives on the home page (kernel.core.home): those in office in the current congress, the studios and
the idle ones this month, the year's proposals and the overdue ones, the households' requests open; each figure links
to the page whose list it counts. The table: each studio with its representatives and this month's activities."""
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.core import clock
from kernel.core.home import Figure, PanelData, Table, home_panel

from . import selectors


@home_panel("representatives.summary", gettext_lazy("Party representatives"), kinds={"department", "township",
                                                                                      "readonly"},
            order=70, icon="bi-person-badge")
def representatives_panel(request, kind) -> PanelData | None:
    user = request.user
    today = clock.today()
    congress = selectors.current_congress(user, today)
    if congress is None:
        return None
    figures = selectors.figures(user, today=today, congress=congress)
    register = reverse("representatives:register") + f"?congress={congress.pk}"
    proposals = reverse("representatives:proposals")
    idle_note = _("Green: every studio active this month; amber: some idle.")
    rows = [[s.name, s.organization.name, s.rep_count, s.month_activities]
            for s in selectors.studios(user, today=today)[:50]]
    return PanelData(
        figures=[
            Figure(_("Representatives in office"), figures["representatives"], url=register),
            Figure(_("Linked to ten households"), figures["with_households"], url=register,
                   note=_("of the representatives in office")),
            Figure(_("Studios"), figures["studios"], url=reverse("representatives:studios")),
            Figure(_("Idle studios this month"), figures["idle_studios"], url=reverse("representatives:idle"),
                   colour="amber" if figures["idle_studios"] else "green", note=idle_note),
            Figure(_("Proposals this year"), figures["proposals_year"], url=f"{proposals}?year={today.year}"),
            Figure(_("Proposals overdue"), figures["overdue"], url=f"{proposals}?overdue=1",
                   colour="red" if figures["overdue"] else "green"),
            Figure(_("Households' requests open"), figures["open_requests"],
                   url=reverse("representatives:requests") + "?state=open"),
        ],
        table=Table([_("Studio"), _("Organization"), _("Representatives in office"), _("Activities this month")],
                    rows, title=_("Representatives' studios")),
        actions=[] if kind == "readonly" else [(_("Party representatives"), register)])

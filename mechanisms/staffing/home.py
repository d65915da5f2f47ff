"""Instructors, organizers and staffing on the department's (and township's) home page: the instructors serving
this month and those with the month's visits done, the shares of townships with certified full-time and
part-time organizers against the ratios, and the department's share of staff on grassroots work; each figure
links to the page showing the same number."""
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.core import clock
from kernel.core.home import Figure, PanelData, Table, home_panel

from . import selectors


@home_panel("staffing.instructors", gettext_lazy("Instructors and organizers"),
            kinds={"department", "township", "readonly"}, order=63, icon="bi-person-badge")
def staffing_panel(request, kind) -> PanelData | None:
    user, today = request.user, clock.today()
    rows = selectors.month_rows(user, today)
    ratios = selectors.organizer_ratios(user, today)
    staff = selectors.staff_rows(user, today.year) if kind == "department" else []
    if not rows and not ratios["organizers"] and not staff:
        return None
    month = today.strftime("%Y-%m")
    figures = [Figure(_("Instructors serving in %(month)s") % {"month": month}, len(rows),
                      url=f"{reverse('staffing:instructors')}?month={month}"),
               Figure(_("With the month's visits done"), sum(r["met"] for r in rows), target=len(rows),
                      url=f"{reverse('staffing:instructors')}?month={month}")]
    total = ratios["total"]
    if total.get("norm"):
        for key, label in (("full_time", _("Townships with a full-time organizer")),
                           ("part_time", _("Townships with a part-time organizer"))):
            rate = total[f"{key}_rate"]
            figures.append(Figure(label, rate if rate is not None else "—", unit="%" if rate is not None else "",
                                  target=total["norm"][f"{key}_share"], url=reverse("staffing:organizers"),
                                  colour="" if rate is None else ("green" if total[f"{key}_met"] else "red"),
                                  note=_("%(count)s of %(total)s townships, certified") % {
                                      "count": total[key], "total": total["townships"]}))
    for r in staff:
        figures.append(Figure(_("Department staff on grassroots work"), r["share"], unit="%", target=r["target"],
                              url=f"{reverse('staffing:staff')}?year={today.year}",
                              colour="green" if r["met"] else "red",
                              note=_("%(part)s of %(total)s staff") % {"part": r["row"].grassroots,
                                                                     "total": r["row"].total}))
    table = Table([_("Township"), _("Full-time organizers, certified"), _("Part-time organizers, certified"),
                   _("Organizers not certified")],
                  [[t["township"].name, t["full_time"], t["part_time"], t["uncertified"]]
                   for t in ratios["townships"]], title=_("Organizers"))
    actions = [] if kind == "readonly" else [(_("Instructors"), reverse("staffing:instructors")),
                                             (_("Organizers"), reverse("staffing:organizers"))]
    return PanelData(figures=figures, table=table, actions=actions)

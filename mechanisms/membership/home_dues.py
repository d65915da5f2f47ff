"""Party dues on the department's and the township's home page (kernel.core.home): last month's and this month's
collection rate (as the dues overview of that month shows it), the members behind with their dues (the arrears
page) and the version of the bands in force (the bands page); the table gives the last six months."""
import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.core import clock
from kernel.core.home import Figure, PanelData, Table, home_panel
from kernel.core.scope import VIEW, scope_for

from . import dues
from .models_dues import DuesLine

MONTHS_SHOWN = 6


def _previous(month: datetime.date) -> datetime.date:
    return (month - datetime.timedelta(days=1)).replace(day=1)


@home_panel("membership.dues", gettext_lazy("Party dues"), kinds={"department", "township", "readonly"}, order=64,
            icon="bi-cash-coin")
def dues_panel(request, kind) -> PanelData | None:
    user = request.user
    lines = DuesLine.objects.restrict(user)
    if not lines.exists():
        return None
    this_month = dues.month_of(clock.today())
    months = [this_month]
    while len(months) < MONTHS_SHOWN:
        months.append(_previous(months[-1]))
    figures_of = {month: dues.totals(lines.filter(month=month)) for month in months}
    overview = reverse("membership:dues")

    def rate_figure(label, month):
        found = figures_of[month]
        rate = found["rate"]
        return Figure(label % {"month": month.strftime("%Y-%m")}, "—" if rate is None else f"{rate}%",
                      url=f"{overview}?month={month.strftime('%Y-%m')}",
                      note=_("%(settled)s of %(lines)s members paid in full") % found,
                      colour="" if rate is None else "green" if rate >= 95 else "amber" if rate >= 80 else "red")

    behind = dues.arrears(user).count()
    roots = scope_for(user).roots("org", VIEW)
    schedule = dues.schedule_in_force(roots[0], this_month) if roots else None
    figures = [
        rate_figure(_("Collection rate %(month)s"), months[1]),
        rate_figure(_("Collection rate %(month)s"), this_month),
        Figure(_("Members behind with their dues"), behind, url=reverse("membership:dues_arrears"),
               colour="green" if behind == 0 else "amber", note=_("Months before this one owed and not paid.")),
    ]
    if schedule is not None:
        figures.append(Figure(_("Dues bands in force"), _("version %(version)s") % {"version": schedule.version},
                              url=reverse("membership:dues_bands"),
                              note=_("from %(month)s") % {"month": schedule.valid_from.strftime("%Y-%m")}))
    table = Table([_("Month"), _("Members on the ledger"), _("Owed (yuan)"), _("Paid (yuan)"),
                   _("Members paid in full"), _("Collection rate")],
                  [[month.strftime("%Y-%m"), figures_of[month]["lines"], figures_of[month]["owed"],
                    figures_of[month]["paid"], figures_of[month]["settled"],
                    "" if figures_of[month]["rate"] is None else f"{figures_of[month]['rate']}%"]
                   for month in months], title=_("Party dues, the last six months"))
    actions = [] if kind == "readonly" else [(_("Party dues"), overview)]
    return PanelData(figures=figures, table=table, actions=actions)

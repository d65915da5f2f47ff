"""Village funds on the department's and the township's home page (kernel.core.home): this year's budgets against
what was paid and the arrears of the years before, each linking to the ledger filtered the same way (whose figures
are the same); the table by kind of funds."""
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.core import clock, rates
from kernel.core.home import Figure, PanelData, Table, home_panel

from . import selectors
from .models import Budget, BudgetKind, PlaceType


@home_panel("funds.ledger", gettext_lazy("Village funds"), kinds={"department", "township", "readonly"}, order=62,
            icon="bi-wallet2")
def funds_panel(request, kind) -> PanelData | None:
    user = request.user
    if not Budget.objects.restrict(user).exists():
        return None
    year = clock.today().year
    found = selectors.summary(user, year=year)
    last = selectors.summary(user, year=year - 1)
    base = f"{reverse('funds:ledger')}?year={year}"
    share = rates.rate(found["paid"], found["budget"])
    figures = [
        Figure(_("Budget of %(year)s (yuan)") % {"year": year}, f"{found['budget']:.0f}", url=base,
               last_year=f"{last['budget']:.0f}"),
        Figure(_("Paid (yuan)"), f"{found['paid']:.0f}", url=base,
               note=_("%(share)s of the budget") % {"share": rates.percent(share)}),
        Figure(_("Outstanding (yuan)"), f"{found['outstanding']:.0f}", url=f"{base}&status=outstanding"),
        Figure(_("Arrears of past years (yuan)"), f"{found['arrears']:.0f}",
               url=f"{reverse('funds:ledger')}?year=all&status=arrears",
               colour="red" if found["arrears"] > 0 else "green",
               note=_("Red: budgets of years past not fully paid.")),
    ]
    table = Table([_("Kind"), _("Type of place"), _("Budgets"), _("Budget (yuan)"), _("Paid (yuan)")],
                  [[str(BudgetKind(row["kind"]).label),
                    str(PlaceType(row["place_type"]).label) if row["place_type"] else "", row["n"],
                    row["budget"], row["paid"]] for row in selectors.by_kind(user, year=year)],
                  title=_("Village funds %(year)s") % {"year": year})
    actions = [] if kind == "readonly" else [(_("Village funds"), base)]
    return PanelData(figures=figures, table=table, actions=actions)

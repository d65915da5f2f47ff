"""Members' goals and plaques on the home page (kernel.core.home): the year's letters signed and their outcome, the
"五带头" plaques held, the 标兵 of the year and over the years, and the households out of poverty — each a link to the
page showing the same number (the figures of mechanisms.goals.selectors, over everything the user sees)."""
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.core import clock
from kernel.core.home import Figure, PanelData, Table, home_panel

from . import selectors


@home_panel("goals.members", gettext_lazy("Members' goals and plaques"), kinds={"department", "township", "readonly"},
            order=65, icon="bi-journal-check")
def goals_panel(request, kind) -> PanelData | None:
    user = request.user
    year = clock.today().year
    letters = selectors.letter_figures(user, None, year)
    plaques = selectors.plaque_figures(user, None, year)
    models = selectors.model_figures(user, None, year)
    pairs = selectors.pair_figures(user, None)
    if not (letters["letters"] or plaques["held"] or models["total"] or pairs["total"]):
        return None
    last = selectors.letter_figures(user, None, year - 1)
    index = reverse("goals:index") + f"?year={year}"
    figures = [
        Figure(_("Goals letters signed"), letters["letters"], url=index, last_year=last["letters"],
               note=_("%(share)s%% of the members in good standing") % {"share": letters["share"]}),
        Figure(_("Goals not met"), letters["not_met"], url=index, last_year=last["not_met"],
               colour="amber" if letters["not_met"] else "green", note=_("Unmet goals bar 评优.")),
        Figure(_("Five-lead plaques held"), plaques["held"], url=reverse("goals:plaques")),
        Figure(_("Model members this year"), models["year"], url=reverse("goals:models") + f"?year={year}"),
        Figure(_("Model members over the years"), models["total"], url=reverse("goals:models") + f"?year={year}",
               note=_("Commended over the years")),
        Figure(_("Households out of poverty"), pairs["out_any"], url=reverse("goals:pairs") + "?outcome=out_any",
               note=_("of %(total)s households paired") % {"total": pairs["total"]}),
    ]
    table = Table([_("Figure"), _("Value")], [[str(f.label), f.value] for f in figures],
                  title=_("Members' goals and plaques"))
    return PanelData(figures=figures, table=table,
                     actions=[] if kind == "readonly" else [(_("Goals letters"), index)])

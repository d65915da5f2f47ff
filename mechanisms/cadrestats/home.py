"""The cadre structure on the home page (kernel.core.home): the average ages of township secretaries, village
secretaries and village directors, the township secretaries' share at junior college or above and the directors'
share of members, each against last year, each a link to the list of people behind it (the same number)."""
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.core import clock
from kernel.core.home import Figure, PanelData, Table, home_panel
from kernel.orgs.views import scope_root

from . import selectors


@home_panel("cadrestats.structure", gettext_lazy("Cadre structure"), kinds={"department", "township", "readonly"},
            order=75, icon="bi-person-badge")
def structure_panel(request, kind) -> PanelData | None:
    user = request.user
    root = scope_root(user)
    if root is None:
        return None
    today = clock.today()
    groups = {group["code"]: group for group in selectors.structure(user, root, today.year, today)}
    if not any(group["count"] for group in groups.values()):
        return None
    people = reverse("cadrestats:people")

    def link(group, share=""):
        return people + "?" + urlencode({"year": today.year, "group": group, **({"share": share} if share else {})})

    figures = []
    for code, group in groups.items():
        figures.append(Figure(_("%(group)s: average age") % {"group": group["label"]}, group["average_age"],
                              url=link(code), last_year=group["last_year_average_age"],
                              note=_("%(count)s people") % {"count": group["count"]}))
    college = groups["township_secretary"]["shares"]["college"]
    figures.append(Figure(_("Township secretaries at junior college or above"), college["percent"],
                          url=link("township_secretary", "college"), unit="%", last_year=college["last_year"]))
    member = groups["village_director"]["shares"]["member"]
    figures.append(Figure(_("Village directors who are party members"), member["percent"],
                          url=link("village_director", "member"), unit="%", last_year=member["last_year"]))
    combined = groups["village_secretary"]["shares"]["combined"]
    figures.append(Figure(_("Secretary and director the same person"), combined["percent"],
                          url=link("village_secretary", "combined"), unit="%", last_year=combined["last_year"]))
    rows = [[str(group["label"]), group["count"], group["average_age"],
             group["shares"]["college"]["percent"], group["shares"]["junior"]["percent"]] for group in groups.values()]
    table = Table([_("Group"), _("People"), _("Average age"), str(selectors.SHARES["college"][1]) + " (%)",
                   str(selectors.SHARES["junior"][1]) + " (%)"], rows, title=_("Cadre structure"))
    return PanelData(figures=figures, table=table,
                     actions=[] if kind == "readonly" else [(_("Cadre structure"), reverse(
                         "cadrestats:structure") + "?" + urlencode({"year": today.year}))])

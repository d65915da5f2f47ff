"""The village classes on the home page (kernel.core.home): of the latest year classed, the share of villages at
class two or better against the townships' targets (seed 004: 二类村 to reach 30%), how many townships met theirs,
and the villages that moved up and down since the year before; each figure links to the page showing the same
number. The table: per township, its share against its target. Beside them, of the latest year members were
classed, the members in class one (一类党员), linked to the list of them."""
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.core import clock
from kernel.core.home import Figure, PanelData, Table, home_panel

from . import selectors, selectors_members
from .models import ClassEntry, MemberClassEntry, Movement, VillageClass


def latest_year(user) -> int | None:
    return (ClassEntry.objects.restrict(user).filter(active=True, year__lte=clock.today().year)
            .order_by("-year").values_list("year", flat=True).first())


def member_year(user) -> int | None:
    return (MemberClassEntry.objects.restrict(user).filter(active=True, year__lte=clock.today().year)
            .order_by("-year").values_list("year", flat=True).first())


def member_figures(user) -> list:
    """The members in class one of the latest year classed, with their share of the members classed."""
    year = member_year(user)
    if year is None:
        return []
    rows = selectors_members.member_rows(user, year).order_by()
    first, classed = rows.filter(member_class=VillageClass.FIRST).count(), rows.exclude(member_class="").count()
    url = f"{reverse('classes:member_list')}?year={year}&klass={VillageClass.FIRST}"
    return [Figure(_("Members in class one"), first, url=url, colour="green",
                   note=_("%(year)s, %(share)s%% of %(count)s members classed") % {
                       "year": year, "share": selectors_members.share(first, classed), "count": classed})]


@home_panel("classes.shares", gettext_lazy("Village classes"), kinds={"department", "township", "readonly"},
            order=72, icon="bi-bar-chart-steps")
def classes_panel(request, kind) -> PanelData | None:
    members = member_figures(request.user)
    year = latest_year(request.user)
    if year is None:
        return PanelData(figures=members) if members else None
    rows = selectors.township_rows(request.user, year)
    villages = sum(r["villages"] for r in rows)
    reached = sum(r["reached"] for r in rows if r["klass"] == selectors.MAIN_TARGET)
    with_target = [r for r in rows if r["target"] is not None]
    found = selectors.matrix(request.user, year)["totals"]
    overview = f"{reverse('classes:overview')}?year={year}"
    villages_url = f"{reverse('classes:villages')}?year={year}"
    figures = [
        Figure(_("Villages at class two or better"), selectors.share(reached, villages), unit="%", url=overview,
               note=_("%(year)s, of %(count)s villages") % {"year": year, "count": villages}),
        Figure(_("Townships meeting their target"), sum(1 for r in with_target if r["met"]), url=overview,
               target=len(with_target) or None,
               colour="" if not with_target else "green" if all(r["met"] for r in with_target) else "amber"),
        Figure(_("Moved up"), found.get(Movement.UP, 0), url=f"{villages_url}&movement=up", colour="green"),
        Figure(_("Moved down"), found.get(Movement.DOWN, 0), url=f"{villages_url}&movement=down",
               colour="red" if found.get(Movement.DOWN) else ""),
    ] + members
    table = Table([_("Township"), _("Villages"), _("Share at the target's class or better"), _("Target"),
                   _("Moved up"), _("Moved down")],
                  [[r["township"].name, r["villages"], r["share"], r["target"], r["up"], r["down"]] for r in rows])
    return PanelData(figures=figures, table=table, actions=[] if kind == "readonly" else [(_("Village classes"), overview)])

"""The reserve pool and two-way cultivation on the department's and the township's home page (kernel.core.home):
the reserve cadres in the pool, the villages with a pool against all villages, those appointed this year (against
last year), and the three tracks' results this year; each figure links to the list showing the same number."""
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.core import clock, rates
from kernel.core.home import Figure, PanelData, Table, home_panel

from . import selectors


def villages_in_scope(user) -> int:
    from kernel.orgs.models import Organization, OrgStatus, OrgType

    return Organization.objects.restrict(user).filter(
        org_type__in=(OrgType.BRANCH, OrgType.GENERAL_BRANCH), domain__in=("rural", "community"),
        status=OrgStatus.ACTIVE).count()


@home_panel("reserve.pool", gettext_lazy("Reserve cadres"), kinds={"department", "township", "readonly"}, order=62,
            icon="bi-person-plus")
def reserve_panel(request, kind) -> PanelData | None:
    user = request.user
    year = clock.today().year
    figures = selectors.pool_figures(user, year)
    before = selectors.pool_figures(user, year - 1)
    tracks = selectors.track_counts(user, year)
    duty = selectors.duty_post_figures(user, year)
    if not figures["in_pool"] and not figures["appointed"] and not any(t["started"] or t["ongoing"] for t in tracks) \
            and not duty["assignments"]:
        return None
    villages = villages_in_scope(user)
    share = rates.rate(figures["villages"], villages)
    pool_url = reverse("reserve:pool")
    cultivation_url = reverse("reserve:cultivations")
    rows = [
        Figure(_("Reserve cadres in the pool"), figures["in_pool"],
               url=f"{pool_url}?{urlencode({'status': 'in_pool'})}"),
        Figure(_("Villages with a reserve pool"), share if share is not None else "—",
               unit="%" if share is not None else "", url=f"{pool_url}?{urlencode({'status': 'in_pool'})}",
               target=100, colour="" if share is None else ("green" if share >= 100 else "amber"),
               note=_("%(count)s of %(total)s villages") % {"count": figures["villages"], "total": villages}),
        Figure(_("Appointed to a post in %(year)s") % {"year": year}, figures["appointed"],
               url=f"{pool_url}?{urlencode({'status': 'appointed', 'outcome_year': year})}",
               last_year=before["appointed"]),
        Figure(_("Members in posts without office in %(year)s") % {"year": year}, duty["members"],
               url=f"{reverse('reserve:posts')}?{urlencode({'year': year})}"),
    ]
    for track in tracks:
        rows.append(Figure(_("%(track)s: achieved in %(year)s") % {"track": track["label"], "year": year},
                           track["achieved"], url=f"{cultivation_url}?" + urlencode(
                               {"track": track["track"], "outcome": "achieved", "outcome_year": year}),
                           note=_("%(count)s under way") % {"count": track["ongoing"]}))
    table = Table([_("Track"), _("Started"), _("Achieved"), _("Stopped"), _("Under way")],
                  [[t["label"], t["started"], t["achieved"], t["stopped"], t["ongoing"]] for t in tracks],
                  title=_("Two-way cultivation %(year)s") % {"year": year})
    actions = [] if kind == "readonly" else [(_("Reserve pool"), pool_url), (_("Two-way cultivation"), cultivation_url)]
    return PanelData(figures=rows, table=table, actions=actions)

"""The party statistics annual report on the home page (kernel.core.home), for the department and the townships: last
year's members at the year's end, joined and left in it, the base committees' reports submitted, and this year's
in-party commendations — each a link to the page showing the same number (the report, the people behind a figure,
the commendations' register), and the members at the end of last year by organization in the table."""
import datetime
from urllib.parse import urlencode

from django.db.models import Count
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from engines.duties.models import DutyRule, Submission
from kernel.core import clock
from kernel.core.home import Figure, PanelData, Table, home_panel
from kernel.core.tree import subtree_q
from kernel.orgs.models import Organization, OrgStatus, OrgType
from kernel.orgs.views import scope_root

from .library import STATISTICS_RULE
from .models_commendation import Commendation
from .statistics import Period, _at, event_sets


@home_panel("membership.statistics", gettext_lazy("Party statistics"), kinds={"department", "township"}, order=75,
            icon="bi-table")
def statistics_panel(request, kind) -> PanelData | None:
    root = scope_root(request.user)
    if root is None:
        return None
    today = clock.today()
    period = Period(root, today.year - 1)
    query = {"root": root.pk, "year": period.year}
    report_url = f"{reverse('membership:statistics')}?{urlencode(query)}"
    people_url = reverse("membership:statistics_people")
    closing = dict(_at(period, period.end).order_by().annotate(stat_row=Substr("stood", 1, period.width))
                   .values("stat_row").annotate(n=Count("pk")).values_list("stat_row", "n"))
    sets = event_sets(period)
    joined, left = sets["joined"].count(), sets["left"].count()
    committees = Organization.objects.filter(subtree_q("path", [root.path]), org_type=OrgType.PARTY_COMMITTEE,
                                             status=OrgStatus.ACTIVE)
    submitted = (Submission.objects.filter(rule__code=STATISTICS_RULE, organization__in=committees,
                                           obligation__period_start=datetime.date(period.year, 1, 1))
                 .values("organization").distinct().count())
    commended = Commendation.objects.filter(subtree_q("org_path", [root.path]), year=today.year,
                                            withdrawn_on__isnull=True).count()
    n_committees = committees.count()
    rule = DutyRule.objects.filter(code=STATISTICS_RULE).values_list("pk", flat=True).first()
    board_url = (f"{reverse('duties:board')}?{urlencode({'under': root.pk, 'year': period.year, 'rule': rule})}"
                 if rule else report_url)
    figures = [
        Figure(_("Members at the end of %(year)s") % {"year": period.year}, sum(closing.values()), url=report_url),
        Figure(_("Joined in %(year)s") % {"year": period.year}, joined,
               url=f"{people_url}?{urlencode({**query, 'figure': 'joined'})}"),
        Figure(_("Left in %(year)s") % {"year": period.year}, left,
               url=f"{people_url}?{urlencode({**query, 'figure': 'left'})}"),
        Figure(_("Base committees' %(year)s reports submitted") % {"year": period.year}, submitted,
               unit=_("of %(n)s") % {"n": n_committees}, url=board_url,
               colour="green" if submitted >= n_committees else "amber",
               note=_("Green: every base committee has submitted its report.")),
        Figure(_("In-party commendations in %(year)s") % {"year": today.year}, commended,
               url=f"{reverse('membership:commendations')}?{urlencode({'root': root.pk, 'year': today.year})}"),
    ]
    children = list(Organization.objects.filter(parent=root).order_by("path").values_list("path", "name"))
    rows = [[name, closing.get(path, 0)] for path, name in children if closing.get(path)]
    own = sum(n for path, n in closing.items() if len(path) < period.width)
    if own:
        rows.append([root.name, own])
    table = Table([_("Organization"), _("Members at the end of %(year)s") % {"year": period.year}], rows,
                  title=_("Party statistics"))
    return PanelData(figures=figures, table=table, actions=[(_("Party statistics"), report_url)])

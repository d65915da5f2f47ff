"""The supervision notices' panel of the home page (kernel.core.home): notices open, awaiting closure and overdue
under the user's top organization, each a link to the notices list filtered the same way (whose count is the same
figure, as is the API's GET /api/reporting/notices?status=&under=); the table counts them per organization below,
as the list's table does. One grouped query."""
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from engines.duties import clock
from kernel.core.home import Figure, PanelData, Table, home_panel
from kernel.core.tree import SEGMENT_WIDTH
from kernel.orgs.models import Organization

from . import selectors
from .models import NoticeStatus


def _top(user):
    """The organization the notices list opens at (reporting.views._top): the first of the user's scope."""
    return Organization.objects.restrict(user).order_by("path").first()


@home_panel("reporting.notices", gettext_lazy("Supervision notices"), kinds={"department", "township", "readonly"},
            order=30, icon="bi-exclamation-triangle")
def notices_panel(request, kind) -> PanelData | None:
    user = request.user
    root = _top(user)
    if root is None:
        return None
    today = clock.today()
    width = len(root.path) + SEGMENT_WIDTH
    unclosed = ~Q(status=NoticeStatus.CLOSED)
    rows = list(selectors.notices(user, under=root).annotate(below=Substr("org_path", 1, width)).values("below")
                .annotate(open=Count("pk", filter=Q(status=NoticeStatus.OPEN)),
                          submitted=Count("pk", filter=Q(status=NoticeStatus.SUBMITTED)),
                          overdue=Count("pk", filter=unclosed & Q(deadline__lt=today)),
                          closed=Count("pk", filter=Q(status=NoticeStatus.CLOSED))).order_by("below"))
    if not rows:
        return None
    total = {key: sum(row[key] for row in rows) for key in ("open", "submitted", "overdue", "closed")}
    base = reverse("reporting:notices")

    def url(status):
        return f"{base}?status={status}&under={root.pk}"

    figures = [
        Figure(pgettext("supervision notice", "Open"), total["open"], url=url(NoticeStatus.OPEN)),
        Figure(_("Overdue"), total["overdue"], url=url(selectors.OVERDUE),
               colour="red" if total["overdue"] else "green",
               note=_("red: a notice past its deadline not yet closed; green: none")),
        Figure(_("Awaiting closure"), total["submitted"], url=url(NoticeStatus.SUBMITTED)),
    ]
    names = dict(Organization.objects.restrict(user).filter(path__in=[row["below"] for row in rows])
                 .values_list("path", "name"))
    table = Table([_("Organization"), pgettext("supervision notice", "Open"), _("Overdue"), _("Awaiting closure"), _("Closed")],
                  [[names.get(row["below"], ""), row["open"], row["overdue"], row["submitted"], row["closed"]]
                   for row in rows] + [[_("Overall"), total["open"], total["overdue"], total["submitted"],
                                        total["closed"]]])
    actions = [] if kind == "readonly" else [(_("Supervision notices"), f"{base}?under={root.pk}")]
    return PanelData(figures=figures, table=table, actions=actions)

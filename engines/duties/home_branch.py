"""The branch secretary's home panel (kernel.core.home): what the branch owes now and next, each item with the one
button that opens the page where it is done.

The items are the to-do list's (kernel.core.todo.collect: every engine's and mechanism's), so the panel and the
to-do page always agree: the overdue first, then the next few due, then what waits on the branch without a deadline
(a submission to review, an open self-declaration)."""
import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.core import clock
from kernel.core.home import Figure, PanelData, Table, home_panel
from kernel.core.todo import collect

NEXT_SHOWN = 5      # the next items due shown in the panel (the to-do page has the rest)
OVERDUE_SHOWN = 5
UNDATED_SHOWN = 3
SOON_DAYS = 30      # "due soon": within this many days


@home_panel("duties.branch", gettext_lazy("What the branch owes now and next"), kinds={"branch"}, order=10,
            icon="bi-list-check", wide=True)
def branch_panel(request, kind) -> PanelData:
    today = clock.today()
    items = collect(request.user, today)
    overdue = [item for item in items if item.overdue]
    upcoming = [item for item in items if item.due_on is not None and not item.overdue]
    undated = [item for item in items if item.due_on is None]
    soon = [item for item in upcoming if item.due_on <= today + datetime.timedelta(days=SOON_DAYS)]
    todo_url = reverse("duties:todo")
    figures = [
        Figure(_("Overdue"), len(overdue), url=todo_url, colour="red" if overdue else "green",
               note=_("red when anything is past its deadline")),
        Figure(_("Due in the next %(days)d days") % {"days": SOON_DAYS}, len(soon), url=todo_url,
               colour="amber" if soon else ""),
        Figure(_("Waiting without a deadline"), len(undated), url=todo_url),
    ]
    rows = [[str(item.title), str(item.organization), item.due_on.isoformat() if item.due_on else "",
             item.overdue_days or "", str(item.state), str(item.source)] for item in items]
    table = Table([_("Item"), _("Organization"), _("Due on"), _("Days overdue"), _("State"), _("Kind of work")],
                  rows, title=_("What the branch owes"))
    return PanelData(
        figures=figures, table=table, template="duties/_home_branch.html",
        context={"overdue": overdue[:OVERDUE_SHOWN], "next": upcoming[:NEXT_SHOWN], "undated": undated[:UNDATED_SHOWN],
                 "more": max(len(items) - min(len(overdue), OVERDUE_SHOWN) - min(len(upcoming), NEXT_SHOWN)
                             - min(len(undated), UNDATED_SHOWN), 0), "total": len(items), "today": today},
        actions=[(_("The whole to-do list (%(count)d)") % {"count": len(items)}, todo_url)])

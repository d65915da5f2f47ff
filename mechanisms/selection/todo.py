"""Good-cadre selection on the to-do list (kernel.core.todo): what waits on the department running a selection —
nominations to close and the rounds to start (while it takes nominations, due the day they close), and each open
round to score, vote or close (due when its objection window ends, for a public notice). Each item opens the page
where it is done."""
import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kernel.accounts.own import own_organization_ids
from kernel.core.todo import TodoItem, todo_source

from .models import Round, RoundStatus, Selection, SelectionStatus


@todo_source
def todo_items(user, today: datetime.date) -> list[TodoItem]:
    own = own_organization_ids(user)  # none for an anonymous user, a leader or an inspector
    if not own:
        return []
    items = []
    nominating = Selection.objects.restrict(user).filter(owner_id__in=own, status=SelectionStatus.NOMINATING).values(
        "pk", "name", "owner__name", "nominations_close_on").order_by("-year", "pk")[:50]
    for row in nominating:
        due = row["nominations_close_on"]
        items.append(TodoItem(
            title=row["name"], url=reverse("selection:nominations", args=[row["pk"]]), due_on=due,
            kind="overdue" if due and due < today else "open", source=_("Good-cadre selection"),
            organization=row["owner__name"], state=SelectionStatus.NOMINATING.label, action=_("Nominations"),
            key=f"selection.nominating:{row['pk']}"))
    rounds = Round.objects.restrict(user).filter(selection__owner_id__in=own, status=RoundStatus.OPEN).select_related(
        "selection__owner").order_by("selection_id", "number")[:50]
    for round_ in rounds:
        due = (round_.opened_on + datetime.timedelta(days=round_.objection_days)
               if round_.opened_on and round_.objection_days else None)
        items.append(TodoItem(
            title=f"{round_.selection.name} · {round_.name}", url=reverse("selection:round", args=[round_.pk]),
            due_on=due, kind="overdue" if due and due < today else "open", source=_("Good-cadre selection"),
            organization=round_.selection.owner.name, state=RoundStatus.OPEN.label, action=pgettext("action", "Open"),
            key=f"selection.round:{round_.pk}"))
    return items

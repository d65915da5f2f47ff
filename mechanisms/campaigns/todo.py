"""Campaign decisions on the to-do list (kernel.core.todo): a campaign whose naming stage is open and has no naming
decision in force waits on the department that runs it; the item opens the naming preview where the decision is
taken."""
import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from kernel.accounts.own import own_organization_ids
from kernel.core.todo import TodoItem, todo_source

from .models import Campaign, StageKind, StageStatus


@todo_source
def todo_items(user, today: datetime.date) -> list[TodoItem]:
    own = own_organization_ids(user)  # none for an anonymous user, a leader or an inspector
    if not own:
        return []
    rows = (Campaign.objects.restrict(user).filter(
        owner_id__in=own, decision__isnull=True,
        stages__kind=StageKind.NAMING, stages__status=StageStatus.OPEN)
        .values("pk", "name", "owner__name").order_by("-year", "pk")[:50])
    url = reverse("campaigns:naming", args=[0]).replace("/0/", "/{}/")
    return [TodoItem(title=row["name"], url=url.format(row["pk"]), due_on=None, kind="approval",
                     source=_("Naming decision"), organization=row["owner__name"],
                     state=_("naming stage open"), action=_("Decide"), key=f"campaigns.naming:{row['pk']}")
            for row in rows]

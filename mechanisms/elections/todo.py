"""Village elections on the to-do list (kernel.core.todo): each election waits on someone at its stage — the village
branch for the recommendation and the member assembly, the township for the qualification review — until the
township's term-change deadline; the item opens the election's page where the stage is recorded."""
import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from kernel.accounts.own import own_organization_ids
from kernel.core.todo import TodoItem, todo_source

from .models import Election, Stage, TownshipDeadline


@todo_source
def todo_items(user, today: datetime.date) -> list[TodoItem]:
    own = own_organization_ids(user)  # none for an anonymous user, a leader or an inspector
    if not own:
        return []
    elections = list(Election.objects.restrict(user).filter(
        Q(organization_id__in=own, stage__in=(Stage.RECOMMEND, Stage.ELECT))
        | Q(organization__parent_id__in=own, stage=Stage.REVIEW))
        .select_related("organization", "term_change").order_by("org_path", "pk")[:200])
    if not elections:
        return []
    deadlines = {(row.term_change_id, row.organization_id): row.deadline for row in TownshipDeadline.objects.filter(
        term_change_id__in={e.term_change_id for e in elections},
        organization_id__in={e.organization.parent_id for e in elections})}
    actions = {Stage.RECOMMEND: _("Record the recommendation"), Stage.REVIEW: _("Review"),
               Stage.ELECT: _("Record the vote")}
    items = []
    for election in elections:
        due = deadlines.get((election.term_change_id, election.organization.parent_id))
        items.append(TodoItem(
            title=f"{election.term_change} · {Stage(election.stage).label}",
            url=reverse("elections:election", args=[election.pk]), due_on=due,
            kind="overdue" if due and due < today else "reminder", source=_("Village election"),
            organization=election.organization.name, state=Stage(election.stage).label,
            action=actions[election.stage], key=f"elections.election:{election.pk}"))
    return items

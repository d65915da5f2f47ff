"""Rectification ("3+1") on the to-do list (kernel.core.todo).

- A measure of a plan not yet done, due until the end of next month or overdue, opens the plan's page where its
  progress is entered. The daily run also writes it as a notice of the plan's workflow case, which would open the
  case; the same key with a greater weight lists this item instead.
- Grades proposed and not yet confirmed wait on the county (the upgrading's owner): one item per upgrading and round,
  opening the grades page where they are confirmed."""
import datetime

from django.db.models import Count, Min
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from engines.duties.selectors import todo_horizon
from kernel.accounts.own import own_organization_ids
from kernel.core.todo import TodoItem, todo_source

from .models import Grade, Measure, Round
from .reminders import measure_key

WEIGHT = 10


@todo_source
def todo_items(user, today: datetime.date) -> list[TodoItem]:
    own = own_organization_ids(user)  # none for an anonymous user, a leader or an inspector
    if not own:
        return []
    items = []
    measures = (Measure.objects.filter(plan__in=_plans(user, own), done_on=None, deadline__lte=todo_horizon(today))
                .values("pk", "content", "deadline", "progress", "plan_id", "plan__case_id", "plan__organization__name")
                .order_by("deadline", "pk")[:200])
    plan_url = reverse("grading:plan", args=[0]).replace("/0/", "/{}/")
    for row in measures:
        key = (f"workflows.case:{row['plan__case_id']}:{measure_key(row['pk'])}" if row["plan__case_id"]
               else f"grading.measure:{row['pk']}")
        items.append(TodoItem(
            title=Truncator(row["content"]).chars(40), url=plan_url.format(row["plan_id"]), due_on=row["deadline"],
            kind="overdue" if row["deadline"] < today else "reminder", source=_("Rectification measure"),
            organization=row["plan__organization__name"], state=_("%(progress)d%% done") % {"progress": row["progress"]},
            action=_("Enter progress"), key=key, weight=WEIGHT))
    proposals = (Grade.objects.restrict(user).filter(upgrading__owner_id__in=own, confirmed_on__isnull=True)
                 .values("upgrading_id", "upgrading__name", "round").annotate(count=Count("pk"),
                                                                                deadline=Min("upgrading__deadline"))
                 .order_by("upgrading_id", "round"))
    for row in proposals:
        items.append(TodoItem(
            title=f"{row['upgrading__name']} · {Round(row['round']).label}",
            url=f"{reverse('grading:grades', args=[row['upgrading_id']])}?round={row['round']}", due_on=None,
            kind="approval", source=_("Grades to confirm"),
            state=ngettext("%(count)d proposal", "%(count)d proposals", row["count"]) % {"count": row["count"]},
            action=_("Confirm"), key=f"grading.confirm:{row['upgrading_id']}:{row['round']}"))
    return items


def _plans(user, own):
    from .models import Plan

    return Plan.objects.restrict(user).filter(organization_id__in=own, case__status="open").values("pk")

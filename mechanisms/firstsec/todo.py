"""First secretaries on the to-do list (kernel.core.todo).

- The first secretary in post: today's check-in until it is made, and the weekly and half-yearly reports they owe
  (obligations of the duties engine, listed here under the same key with a greater weight so that they open the
  dispatch's report pages rather than the generic obligation page).
- Those who approve late check-ins (the township or county over the village): how many await their decision,
  opening the approvals page."""
import datetime
from dataclasses import replace

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from engines.duties.models import Obligation, ObligationState
from engines.duties.selectors import todo_horizon
from engines.duties.todo import obligation_item
from kernel.core.scope import scope_for
from kernel.core.todo import TodoItem, todo_source

from . import selectors
from .library import HALF_YEAR_RULE, WEEKLY_RULE
from .models import CheckIn, Dispatch

WEIGHT = 10


@todo_source
def todo_items(user, today: datetime.date) -> list[TodoItem]:
    if not getattr(user, "pk", None):
        return []
    items = []
    person_id = scope_for(user).self_person_id
    dispatch = (Dispatch.objects.filter(person_id=person_id, status=Dispatch.Status.IN_POST, started_on__lte=today)
                .select_related("village").order_by("-started_on").first() if person_id else None)
    if dispatch is not None:
        items.extend(_own(user, dispatch, today))
    pending = len(selectors.pending_checkins(user))  # those of a township the user may change, as the page lists
    if pending:
        items.append(TodoItem(
            title=ngettext("%(count)d late check-in to approve", "%(count)d late check-ins to approve", pending)
            % {"count": pending}, url=reverse("firstsec:approvals"), kind="approval",
            source=_("First secretaries"), action=_("Decide"), key="firstsec.approvals"))
    return items


def _own(user, dispatch, today):
    items = []
    if not CheckIn.objects.filter(dispatch=dispatch, day=today).exists():
        items.append(TodoItem(
            title=_("Check in today"), url=reverse("firstsec:checkin_own"), due_on=today, kind="reminder",
            source=_("First secretary"), organization=dispatch.village.name, action=_("Check in"),
            key=f"firstsec.checkin:{dispatch.pk}:{today.isoformat()}"))
    owed = (Obligation.objects.filter(person_id=dispatch.person_id, rule__code__in=(WEEKLY_RULE, HALF_YEAR_RULE),
                                      state__in=(ObligationState.OPEN, ObligationState.OVERDUE),
                                      due_on__lte=todo_horizon(today))
            .select_related("rule", "version", "organization", "person").order_by("due_on", "pk"))
    for obligation in owed:
        page = "firstsec:weekly" if obligation.rule.code == WEEKLY_RULE else "firstsec:half_year"
        url = reverse(page, args=[dispatch.pk])
        if obligation.rule.code == WEEKLY_RULE:
            url = f"{url}?week={obligation.period_start.isoformat()}"
        items.append(replace(obligation_item(user, obligation), url=url, action=_("Write the report"), weight=WEIGHT))
    return items

"""Meetings and training on the to-do list (kernel.core.todo).

A meeting the organization owes (三会一课, 主题党日, …) is an obligation of the duties engine, which would open the
obligation's page; here it opens the page where the meeting is recorded, its kind filled in (the same key, a greater
weight). A training obligation opens the organization's training page (its plans and classes), or, owed by a
person, their training record."""
import datetime
from dataclasses import replace

from django.urls import reverse
from django.utils.translation import gettext as _

from engines.duties.models import DutyKind
from engines.duties.todo import obligation_item, owed_obligations
from kernel.core.todo import TodoItem, todo_source
from kernel.core.views import can_change

from .models import MeetingKind

WEIGHT = 10


@todo_source
def todo_items(user, today: datetime.date) -> list[TodoItem]:
    if not getattr(user, "pk", None):
        return []
    owed = [obligation for obligation in owed_obligations(user, today)
            if obligation.version.kind in (DutyKind.MEETING, DutyKind.TRAINING)]
    items = []
    for obligation in owed:
        item = obligation_item(user, obligation)
        kind = obligation.version.kind
        if kind == DutyKind.MEETING and obligation.organization_id:
            if not can_change(user, obligation):
                continue
            url = reverse("orglife:meeting_new", args=[obligation.organization_id])
            if obligation.version.topic in MeetingKind.values:
                url = f"{url}?kind={obligation.version.topic}"
            items.append(replace(item, url=url, action=_("Record the meeting"), weight=WEIGHT))
        elif kind == DutyKind.TRAINING:
            if obligation.organization_id:
                url = reverse("orglife:training", args=[obligation.organization_id])
            else:
                url = reverse("orglife:archive", args=[obligation.person_id])
            items.append(replace(item, url=url, action=_("Training record"), weight=WEIGHT))
    return items

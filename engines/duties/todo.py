"""The duties engine's items on the to-do list (kernel.core.todo): what the user's organizations owe, the
submissions awaiting their review and the late entries awaiting their approval.

An obligation opens the page where it is discharged: the submission form for the kinds a document discharges,
the obligation's page otherwise. A mechanism that has the page where its kind is done (a supervision notice's
rectification, say) lists the same obligation under the same key with a greater weight, and its item is shown."""
import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from kernel.accounts.own import own_organization_ids
from kernel.core.official import period_label
from kernel.core.scope import scope_for
from kernel.core.todo import TodoItem
from kernel.core.views import can_change

from . import selectors
from .models import DutyKind, ObligationState, Submission

# The kinds a person discharges with the generic form (as engines.duties.views.FORM_KINDS).
FORM_KINDS = (DutyKind.REPORT, DutyKind.RECORD, DutyKind.OTHER)


def obligation_key(pk: int) -> str:
    """The key of an obligation's item; a mechanism listing the same obligation uses it too."""
    return f"duties.obligation:{pk}"


def subject_name(row) -> str:
    return str(row.organization.name if row.organization_id else row.person.name if row.person_id else "")


def owed_obligations(user, today: datetime.date) -> list:
    """What the user's organizations (and the user as a member) owe until the to-do's horizon, with the submissions
    awaiting review on each (``waiting``); read once per request: a mechanism's source listing some of them on its own
    page (meetings, training) takes them from here."""
    cached = getattr(user, "_jiceng_todo_owed", None)
    if cached is not None and cached[0] == today:
        return cached[1]
    if not own_organization_ids(user) and not scope_for(user).self_person_id:
        owed = []
    else:
        owed = list(selectors.todo_rows(user, today)["owed"].annotate(
            waiting=Count("submissions", filter=Q(submissions__review=Submission.Review.PENDING))))
    user._jiceng_todo_owed = (today, owed)
    return owed


def _row_subject(row: dict) -> str:
    return row["organization__name"] or row["person__name"] or ""


def obligation_item(user, obligation) -> TodoItem:
    waiting = getattr(obligation, "waiting", 0)
    if (obligation.version.kind in FORM_KINDS and obligation.done_count + waiting < obligation.required_count
            and can_change(user, obligation)):
        url, action = reverse("duties:submit", args=[obligation.pk]), _("Submit")
    else:
        url, action = reverse("duties:obligation", args=[obligation.pk]), pgettext("action", "Open")
    state = obligation.get_state_display()
    if waiting:
        state = ngettext("%(count)d awaiting review", "%(count)d awaiting review", waiting) % {"count": waiting}
    elif obligation.required_count > 1:
        state = f"{obligation.done_count}/{obligation.required_count}"
    return TodoItem(
        title=f"{obligation.rule.name} · {period_label(obligation.period_label)}", url=url, due_on=obligation.due_on,
        kind="overdue" if obligation.state == ObligationState.OVERDUE else "reminder",
        source=DutyKind(obligation.version.kind).label, organization=subject_name(obligation), state=state,
        action=action, key=obligation_key(obligation.pk))


def todo_items(user, today: datetime.date) -> list[TodoItem]:
    if not getattr(user, "pk", None):
        return []
    items = [obligation_item(user, obligation) for obligation in owed_obligations(user, today)]
    if not own_organization_ids(user):
        return items
    # A township may have hundreds of submissions awaiting it: one query for reviews and approvals together (each
    # has its partial index), read as plain rows, one URL reversed per list.
    review_url = reverse("duties:review", args=[0]).replace("/0/", "/{}/")
    approval_url = reverse("duties:approval", args=[0]).replace("/0/", "/{}/")
    pending = Submission.objects.filter(
        Q(review=Submission.Review.PENDING) | Q(approval=Submission.Approval.PENDING),
        obligation__owed_to_id__in=own_organization_ids(user),
    ).order_by("submitted_on", "pk").values(
        "pk", "title", "submitted_on", "occurred_on", "organization__name", "person__name", "review", "approval")
    for row in pending:
        if row["review"] == Submission.Review.PENDING:
            items.append(TodoItem(
                title=row["title"], url=review_url.format(row["pk"]),
                due_on=None, kind="review", source=_("Submission to review"), organization=_row_subject(row),
                state=_("sent on %(day)s") % {"day": row["submitted_on"].isoformat()}, action=_("Review"),
                key=f"duties.review:{row['pk']}"))
        if row["approval"] == Submission.Approval.PENDING:
            items.append(TodoItem(
                title=row["title"], url=approval_url.format(row["pk"]),
                due_on=None, kind="approval", source=_("Late entry to approve"), organization=_row_subject(row),
                state=_("took place on %(day)s") % {"day": row["occurred_on"].isoformat()}, action=_("Decide"),
                key=f"duties.approval:{row['pk']}"))
    return items

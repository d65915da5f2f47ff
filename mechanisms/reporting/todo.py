"""Supervision notices on the to-do list (kernel.core.todo).

A notice to rectify is an obligation of the duties engine, which would open the obligation's page; here it opens
the notice's page, where the rectification is filed (the same key, a greater weight). Once the rectification is
sent, the notice leaves the organization's list and goes onto the issuer's, to be closed or reopened."""
import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from engines.duties.todo import obligation_key
from kernel.accounts.own import own_organization_ids
from kernel.core.todo import TodoItem, todo_source

from .models import NoticeStatus, Rectification, SupervisionNotice

WEIGHT = 10


def _title(notice) -> str:
    text = Truncator(notice.requirement or notice.finding.text).chars(40)
    return f"{notice.number} {text}".strip()


@todo_source
def todo_items(user, today: datetime.date) -> list[TodoItem]:
    own = own_organization_ids(user)  # none for an anonymous user, a leader or an inspector
    if not own:
        return []
    items = []
    notices = list(SupervisionNotice.objects.restrict(user).filter(
        Q(organization_id__in=own, status__in=(NoticeStatus.OPEN, NoticeStatus.SUBMITTED))
        | Q(issuer_id__in=own, status=NoticeStatus.SUBMITTED)).select_related("finding", "organization", "issuer"))
    own_ids = set(own)
    for notice in notices:
        if notice.organization_id not in own_ids:
            continue
        key = obligation_key(notice.obligation_id) if notice.obligation_id else f"reporting.notice:{notice.pk}"
        items.append(TodoItem(
            title=_title(notice), url=reverse("reporting:notice", args=[notice.pk]), due_on=notice.deadline,
            kind="overdue" if notice.deadline < today else "reminder", source=_("Supervision notice"),
            organization=notice.organization.name,
            state=_("issued by %(issuer)s") % {"issuer": notice.issuer.name}, action=_("Rectify"), key=key,
            weight=WEIGHT, hidden=notice.status == NoticeStatus.SUBMITTED))
    to_close = [notice for notice in notices if notice.issuer_id in own_ids and notice.status == NoticeStatus.SUBMITTED]
    # the rectification's submission is reviewed by closing or reopening the notice, on its page
    for submission_id in Rectification.objects.filter(notice__in=to_close, submission__isnull=False).values_list(
            "submission_id", flat=True):
        items.append(TodoItem(title="", url="", key=f"duties.review:{submission_id}", weight=WEIGHT, hidden=True))
    for notice in to_close:
        items.append(TodoItem(
            title=_title(notice), url=reverse("reporting:notice", args=[notice.pk]), due_on=notice.deadline,
            kind="review", source=_("Rectification to check"), organization=notice.organization.name,
            state=NoticeStatus(notice.status).label, action=_("Decide"), key=f"reporting.notice_close:{notice.pk}",
            weight=WEIGHT))
    return items

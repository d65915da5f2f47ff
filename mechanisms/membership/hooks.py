"""The standing's marks on the person page (kernel.core.marks) and the record of changes made another way."""
from django.urls import reverse
from django.utils.translation import gettext as _

from kernel.core.marks import Mark
from kernel.people.choices import MemberStatus

from .models import OPEN_TRANSFER, Transfer


def standing_marks(user, person) -> list[Mark]:
    member = getattr(person, "membership", None)
    if member is None:
        return []
    url = reverse("membership:standing", args=[person.pk])
    marks = []
    if member.status == MemberStatus.SUSPENDED:
        marks.append(Mark(_("Standing suspended"), url, member.status_changed_on.isoformat()
                          if member.status_changed_on else "", "danger"))
    if member.lost_contact_on:
        marks.append(Mark(_("Out of contact since %(date)s") % {"date": member.lost_contact_on.isoformat()}, url,
                          style="warning"))
    transfer = (Transfer.objects.filter(member=member, status__in=OPEN_TRANSFER).select_related("to_org")
                .only("pk", "serial", "to_org__name", "outside_name").first())
    if transfer is not None:
        marks.append(Mark(_("In transit to %(to)s") % {"to": transfer.destination},
                          reverse("membership:transfer", args=[transfer.pk]), transfer.serial, "warning"))
    if member.kept_since:
        marks.append(Mark(_("Standing kept since %(date)s") % {"date": member.kept_since.isoformat()}, url,
                          member.kept_until.isoformat() if member.kept_until else "", "secondary"))
    return marks


def record_other_change(sender, *, member, user, changes, **kwargs):
    from .services import record_correction

    record_correction(member=member, user=user, changes=changes)


def record_import(sender, *, user, rows, **kwargs):
    from .services import record_imported

    record_imported(user=user, rows=rows)


def standing_links(user, person) -> list:
    from kernel.core.marks import Link

    return [Link(_("Standing"), reverse("membership:standing", args=[person.pk]), "bi-person-vcard"),
            Link(_("Transfer"), reverse("membership:transfer_issue", args=[person.pk]), "bi-arrow-left-right"),
            Link(_("Gone out"), reverse("membership:floating_out", args=[person.pk]), "bi-geo-alt")]


def todo_items(user, today) -> list:
    """The floating members away more than six months at a fixed place, on their organization's to-do: transfer the
    relationship instead (the outflow register's home branch issues the letter); the open cases of members
    graded 不合格; and the open warnings of 自行脱党."""
    from kernel.accounts.own import own_organization_ids
    from kernel.core.todo import TodoItem

    from .dates import add_months
    from .models import FloatingMember

    own = own_organization_ids(user)
    lapse = lapse_items(user, own, today)
    if not own:
        return lapse
    rows = (FloatingMember.objects.filter(organization_id__in=own, returned_on__isnull=True, fixed_place=True,
                                          since__lt=add_months(today, -6))
            .select_related("organization").order_by("since", "pk")[:100])
    items = [TodoItem(title=_("%(name)s: over six months at %(place)s") % {"name": row.name, "place": row.place},
                      url=reverse("membership:floating_member", args=[row.pk]), due_on=add_months(row.since, 6),
                      kind="overdue", source=_("Floating member"), organization=row.organization.name,
                      state=_("transfer instead"), action=_("Open"), key=f"membership.floating:{row.pk}")
             for row in rows]
    return items + evaluation_case_items(own) + lapse


def evaluation_case_items(own: list[int]) -> list:
    """The open cases of members graded 不合格, on their organization's to-do: help them, decide the outcome, record
    the rectification by its deadline."""
    from kernel.core.todo import TodoItem

    from .models_evaluation import OPEN_CASE, EvaluationCase

    cases = (EvaluationCase.objects.filter(organization_id__in=own, state__in=OPEN_CASE)
             .select_related("person", "organization").order_by("deadline", "opened_on", "pk")[:100])
    return [TodoItem(title=_("%(name)s: unqualified in %(year)s") % {"name": case.person.name, "year": case.year},
                     url=reverse("membership:evaluation_case", args=[case.pk]), due_on=case.deadline,
                     kind="open", source=_("Democratic evaluation"), organization=case.organization.name,
                     state=_case_step(case), action=_("Open"), key=f"membership.evaluation_case:{case.pk}")
            for case in cases]


def _case_step(case) -> str:
    """What the open case waits for."""
    from .models_evaluation import CaseState

    if case.state == CaseState.RECTIFYING:
        return _("record the rectification")
    return _("decide the outcome") if case.helped_on else _("help the member")


def lapse_items(user, own: list[int], today) -> list:
    """The open warnings of 自行脱党 on the member's branch's to-do (the talk by its deadline, then the outcome), in
    place of the talk's duty, which the engine would list on the member's own to-do: there it is hidden (the branch
    owes the talk, not the member)."""
    from django.db.models import Q

    from engines.duties.todo import obligation_key
    from kernel.core.scope import scope_for
    from kernel.core.todo import TodoItem

    from .models_lapse import OPEN_WARNING, LapseState, LapseWarning

    self_person = scope_for(user).self_person_id
    if not own and self_person is None:
        return []
    mine = Q(organization_id__in=own) | Q(person_id=self_person) if self_person else Q(organization_id__in=own)
    rows = (LapseWarning.objects.filter(mine, state__in=OPEN_WARNING).select_related("person", "organization")
            .order_by("talk_due", "pk")[:100])
    items = []
    for row in rows:
        key = obligation_key(row.obligation_id) if row.obligation_id else f"membership.lapse:{row.pk}"
        talk_owed = row.state == LapseState.OPEN
        items.append(TodoItem(
            title=_("%(name)s: warned of lapsing (自行脱党)") % {"name": row.person.name},
            url=reverse("membership:lapse_warning", args=[row.pk]), due_on=row.talk_due if talk_owed else None,
            kind="overdue" if talk_owed and row.talk_due < today else "open", source=_("Lapse warning"),
            organization=row.organization.name, state=_("talk owed") if talk_owed else _("decide the outcome"),
            action=_("Open"), key=key, weight=10, hidden=row.organization_id not in own))
    return items

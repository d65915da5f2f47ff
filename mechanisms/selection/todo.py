"""Good-cadre selection on the to-do list (kernel.core.todo): what waits on the department running a selection —
nominations to close and the rounds to start (while it takes nominations, due the day they close), each open
round to score, vote or close (due when its objection window ends, for a public notice), and each objection
raised in a public notice to look into and decide; and what waits on the units under it (counties under a city,
townships and other party committees): their nominations, due the day nominations close, with how many they have entered so far.
Each item opens the page where it is done."""
import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kernel.accounts.own import own_organization_ids
from kernel.core.todo import TodoItem, todo_source
from kernel.core.tree import ancestor_paths, in_subtree
from kernel.orgs.models import Organization, OrgType

from .models import Nomination, Objection, Round, RoundStatus, Selection, SelectionStatus

# The units asked for nominations: the committees (a city's counties), party committees (townships, agencies'
# working committees) and general branches under the organization running the selection.
NOMINATING_UNITS = (OrgType.COMMITTEE, OrgType.PARTY_COMMITTEE, OrgType.GENERAL_BRANCH)


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
    objections = (Objection.objects.filter(candidate__round__selection__owner_id__in=own,
                                           candidate__round__status=RoundStatus.OPEN, resolution=Objection.Resolution.OPEN)
                  .select_related("candidate__nominee__person", "candidate__round__selection__owner")
                  .order_by("raised_on", "pk")[:50])
    for objection in objections:
        round_ = objection.candidate.round
        due = (round_.opened_on + datetime.timedelta(days=round_.objection_days)
               if round_.opened_on and round_.objection_days else None)
        items.append(TodoItem(
            title=_("Objection to %(name)s · %(round)s") % {"name": objection.candidate.nominee.person.name,
                                                            "round": round_.name},
            url=reverse("selection:round", args=[round_.pk]) + "#objections", due_on=due,
            kind="overdue" if due and due < today else "review", source=_("Good-cadre selection"),
            organization=round_.selection.owner.name, state=_("raised on %(date)s by %(who)s") % {
                "date": objection.raised_on.isoformat(), "who": objection.raised_by},
            action=_("Look into it"), key=f"selection.objection:{objection.pk}"))
    return items + unit_items(user, own, today)


def unit_items(user, own, today: datetime.date) -> list[TodoItem]:
    """The selections taking nominations above the user's own committees: each committee's nominations, until the
    day they close."""
    units = list(Organization.objects.filter(pk__in=own, org_type__in=NOMINATING_UNITS).only("pk", "name", "path"))
    if not units:
        return []
    above = {path for unit in units for path in ancestor_paths(unit.path)[:-1]}
    selections = list(Selection.objects.restrict(user).filter(owner_path__in=above, status=SelectionStatus.NOMINATING)
                      .filter(Q(nominations_close_on__isnull=True) | Q(nominations_close_on__gte=today))
                      .order_by("-year", "pk")[:20])
    items = []
    for selection in selections:
        for unit in units:
            if not in_subtree(unit.path, [selection.owner_path]) or unit.path == selection.owner_path:
                continue
            entered = Nomination.objects.filter(selection=selection, org_path__startswith=unit.path).aggregate(
                n=Count("nominee", distinct=True))["n"]
            due = selection.nominations_close_on
            items.append(TodoItem(
                title=selection.name, url=reverse("selection:nominations", args=[selection.pk]), due_on=due,
                kind="reminder" if due and (due - today).days <= 7 else "open", source=_("Good-cadre selection"),
                organization=unit.name, state=_("%(count)s nominated from here so far") % {"count": entered},
                action=_("Nominate"), key=f"selection.nominate:{selection.pk}:{unit.pk}"))
    return items

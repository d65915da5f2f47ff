"""Organization life on the home page (kernel.core.home) and on a person's page (kernel.core.marks).

- The branch secretary: this month's meetings, and each meeting duty of the period in progress held against what
  it requires, with the button to record a meeting.
- The member: their own meetings this year (present of expected) and their own training (classes, days, hours);
  nothing of anyone else's. The same two figures are marks on the person's page (my record).
"""
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.core import clock
from kernel.core.home import Figure, PanelData, Table, home_panel
from kernel.core.marks import Mark, mark_source
from kernel.core.rates import percent, rate
from kernel.core.scope import scope_for

from .models import Attendance, AttendanceStatus, Meeting, MeetingKind, Participant


def _branches(user):
    """The organizations the user is branch secretary of (their grants), in tree order."""
    from kernel.orgs.models import Organization

    return list(Organization.objects.restrict(user).filter(
        pk__in=user.grants.filter(role="branch_secretary").values("organization_id")).order_by("path"))


@home_panel("orglife.branch_month", gettext_lazy("Meetings this month"), kinds={"branch"}, order=20,
            icon="bi-people")
def branch_meetings_panel(request, kind) -> PanelData | None:
    from engines.duties.models import DutyKind, Obligation

    branches = _branches(request.user)
    if not branches:
        return None
    today = clock.today()
    first = today.replace(day=1)
    held = (Meeting.objects.restrict(request.user).filter(organization__in=branches, date__gte=first, date__lte=today)
            .values("kind").annotate(n=Count("pk")))
    held_by_kind = {row["kind"]: row["n"] for row in held}
    duties = list(Obligation.objects.restrict(request.user).filter(
        organization__in=branches, version__kind=DutyKind.MEETING, period_start__lte=today, period_end__gte=today)
        .select_related("rule", "organization").order_by("due_on", "rule__name"))
    from kernel.core.official import period_label

    rows = [[duty.rule.name, period_label(duty.period_label), duty.done_count, duty.required_count,
             duty.due_on.isoformat(), duty.get_state_display()] for duty in duties]
    done = sum(min(d.done_count, d.required_count) for d in duties)
    required = sum(d.required_count for d in duties)
    held_total = sum(held_by_kind.values())
    ledger_url = reverse("orglife:ledger", args=[branches[0].pk])
    figures = [
        Figure(_("Meetings held this month"), held_total, url=ledger_url),
        Figure(_("Meeting duties of the period met"), f"{done}/{required}", url=reverse("duties:todo"),
               colour="" if not required else "green" if done >= required else "amber",
               note=_("green when every meeting the period requires is held")),
    ]
    return PanelData(
        figures=figures,
        table=Table([_("Meeting duty"), _("Period"), _("Held"), _("Required"), _("Due on"), _("State")], rows,
                    title=_("Meeting duties of the period")),
        template="orglife/_home_branch_month.html",
        context={"duties": duties, "held": [(MeetingKind(k).label, n) for k, n in held_by_kind.items()]},
        actions=[(_("Record a meeting"), reverse("orglife:meeting_new", args=[branches[0].pk])),
                 (_("Attendance ledger"), ledger_url)])


# --- the member's own record -------------------------------------------------------------------------------------

def _own_attendance(user, person_id, year):
    return Attendance.objects.restrict(user).filter(person_id=person_id, date__year=year)


def meeting_tally(user, person_id, year) -> dict:
    return _own_attendance(user, person_id, year).aggregate(
        present=Count("pk", filter=Q(status=AttendanceStatus.PRESENT)),
        excused=Count("pk", filter=Q(status=AttendanceStatus.EXCUSED)),
        absent=Count("pk", filter=Q(status=AttendanceStatus.ABSENT)), expected=Count("pk"))


def _own_training(user, person_id, year):
    return Participant.objects.restrict(user).filter(person_id=person_id, training_class__start_on__year=year)


def training_tally(user, person_id, year) -> dict:
    sums = _own_training(user, person_id, year).filter(attended_days__gt=0).aggregate(
        classes=Count("pk"), days=Sum("attended_days"), hours=Sum("training_class__hours"))
    return {"classes": sums["classes"] or 0, "days": sums["days"] or 0, "hours": _hours(sums["hours"])}


def _hours(value) -> str:
    """Hours as people write them, the same on every database: 12, 12.5."""
    value = Decimal(value or 0).quantize(Decimal("0.1"))
    return str(value.to_integral_value()) if value == value.to_integral_value() else str(value)


@home_panel("orglife.my_meetings", gettext_lazy("My meetings this year"), kinds={"member"}, order=10,
            icon="bi-people")
def my_meetings_panel(request, kind) -> PanelData | None:
    person_id = scope_for(request.user).self_person_id
    if person_id is None:
        return None
    year = clock.today().year
    tally = meeting_tally(request.user, person_id, year)
    attended = rate(tally["present"], tally["expected"])
    rows = [[row.date.isoformat(), row.get_kind_display(), row.meeting.topic, row.get_status_display()]
            for row in _own_attendance(request.user, person_id, year).select_related("meeting")
            .order_by("-date", "-pk")]
    return PanelData(
        figures=[Figure(_("Attended"), tally["present"], note=_("of %(count)d expected") % {
                     "count": tally["expected"]}),
                 Figure(_("Attendance rate"), percent(attended),
                        colour="" if attended is None else "green" if attended >= 80 else "amber",
                        note=_("green from %(rate)s") % {"rate": "80%"}),
                 Figure(_("Excused"), tally["excused"]), Figure(_("Absent"), tally["absent"],
                                                                 colour="red" if tally["absent"] else "")],
        table=Table([_("Date"), _("Meeting"), _("Topic"), _("Attendance")], rows,
                    title=_("My meetings %(year)d") % {"year": year}))


@home_panel("orglife.my_training", gettext_lazy("My training this year"), kinds={"member"}, order=20,
            icon="bi-mortarboard")
def my_training_panel(request, kind) -> PanelData | None:
    person_id = scope_for(request.user).self_person_id
    if person_id is None:
        return None
    year = clock.today().year
    tally = training_tally(request.user, person_id, year)
    rows = [[p.training_class.title, p.training_class.start_on.isoformat(), p.training_class.end_on.isoformat(),
             p.attended_days, p.training_class.hours, "" if p.exam_score is None else p.exam_score]
            for p in _own_training(request.user, person_id, year).select_related("training_class")
            .order_by("-training_class__start_on")]
    return PanelData(
        figures=[Figure(_("Classes"), tally["classes"]), Figure(_("Days"), tally["days"]),
                 Figure(_("Hours"), tally["hours"])],
        table=Table([_("Class"), _("Starts on"), _("Ends on"), _("Days attended"), _("Hours"), _("Exam score")], rows,
                    title=_("My training %(year)d") % {"year": year}),
        actions=[(_("My training record"), reverse("orglife:archive", args=[person_id]))])


@mark_source
def organization_life(user, person):
    """This year's meetings attended and training, on the person's page (as the user may see them)."""
    year = clock.today().year
    meetings = meeting_tally(user, person.pk, year)
    if meetings["expected"]:
        yield Mark(label=_("Meetings %(year)d: attended %(present)d of %(expected)d") % {
                       "year": year, "present": meetings["present"], "expected": meetings["expected"]},
                   detail=_("excused %(excused)d, absent %(absent)d") % meetings,
                   style="success" if meetings["present"] == meetings["expected"] else "secondary")
    training = training_tally(user, person.pk, year)
    if training["classes"]:
        yield Mark(label=_("Training %(year)d: %(days)s days, %(hours)s hours") % {"year": year, **training},
                   url=reverse("orglife:archive", args=[person.pk]),
                   detail=_("classes: %(classes)d") % training, style="info")

"""The first secretary's home panel (kernel.core.home): today's check-in, the month so far against the monthly
minimums pro-rated to today, and the weekly report.

A user is of the ``firstsec`` kind while their person is a first secretary in post on a dispatch serving today.

The month so far: the county's minimums (≥ 22 days in the village, ≥ 12 nights) are for the whole month in post
(attendance.month_minimums, pro-rated already when the term starts or ends in the month); by today the secretary
owes them in proportion to the working days in post so far, rounded up (attendance.required), so "on track" means
present as often as a secretary who will just meet the minimums at the month's end.
"""
import datetime

from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.core import clock
from kernel.core.home import Figure, PanelData, Table, home_panel, kind_source
from kernel.core.scope import scope_for

from . import selectors
from .attendance import days_in_post, month_minimums, required, working_days
from .models import Dispatch, OutcomeLog
from .periods import month_bounds, week_start

ONE_WEEK = datetime.timedelta(days=7)


def own_dispatch(user, today: datetime.date | None = None) -> Dispatch | None:
    """The dispatch the user's person serves on today, if any."""
    person_id = scope_for(user).self_person_id if getattr(user, "is_authenticated", False) else None
    if person_id is None:
        return None
    today = today or clock.today()
    return (Dispatch.objects.restrict(user).filter(person_id=person_id, status=Dispatch.Status.IN_POST,
                                                   started_on__lte=today, ends_on__gte=today)
            .select_related("village", "person").order_by("-started_on").first())


@kind_source
def first_secretary_kind(user):
    return {"firstsec"} if own_dispatch(user) is not None else set()


def on_duty(user) -> bool:
    """Navigation (the check-in entry): the user is a first secretary in post today."""
    return own_dispatch(user) is not None


def month_so_far(dispatch: Dispatch, today: datetime.date) -> dict:
    """Days and nights in the village from the first of the month to today, against the month's minimums and those
    minimums pro-rated to today; the households visited this month."""
    start, end = month_bounds(today.year, today.month)
    minimums = month_minimums(selectors.rule_for(dispatch.village), [dispatch], start, end)
    in_month = working_days(days_in_post([dispatch], start, end))
    so_far = working_days(days_in_post([dispatch], start, today))
    totals = selectors.attendance_totals([dispatch.person_id], start, today).get(dispatch.person_id, {})
    days, nights = totals.get("days", 0), totals.get("nights", 0)
    days_due, nights_due = required(minimums.min_days, so_far, in_month), required(minimums.min_nights, so_far, in_month)
    visits = OutcomeLog.objects.filter(dispatch=dispatch, day__gte=start, day__lte=today).aggregate(
        n=Sum("visits"))["n"] or 0
    return {"days": days, "nights": nights, "days_due": days_due, "nights_due": nights_due,
            "min_days": minimums.min_days, "min_nights": minimums.min_nights, "prorated": minimums.prorated,
            "working_days_so_far": so_far, "working_days": in_month, "visits": visits,
            "pending": totals.get("pending", 0), "days_on_track": days >= days_due, "nights_on_track": nights >= nights_due}


def weekly_reports(dispatch: Dispatch, today: datetime.date) -> dict:
    """This week's report (due the Monday after), last week's (due this Monday) and the weeks of the term missing."""
    from engines.duties.services import counts

    this_week = week_start(today)
    sent = {week_start(s.occurred_on) for s in selectors.reports(dispatch)[:10] if counts(s)}
    last_week = this_week - ONE_WEEK
    return {"this_week": this_week, "this_sent": this_week in sent, "this_due": this_week + ONE_WEEK,
            "last_week": last_week, "last_sent": last_week in sent or last_week < week_start(dispatch.started_on),
            "missing": len(selectors.missing_weeks(dispatch, today))}


@home_panel("firstsec.today", gettext_lazy("First secretary: today"), kinds={"firstsec"}, order=5,
            icon="bi-geo-alt", wide=True)
def first_secretary_panel(request, kind) -> PanelData | None:
    today = clock.today()
    dispatch = own_dispatch(request.user, today)
    if dispatch is None:
        return None
    checked = dispatch.checkins.filter(day=today).first()
    month = month_so_far(dispatch, today)
    weekly = weekly_reports(dispatch, today)
    note = _("by today: %(due)s of the month's %(minimum)s, pro-rated to %(so_far)s of %(working)s working days")
    figures = [
        Figure(_("Days in the village"), month["days"], target=month["days_due"],
               colour="green" if month["days_on_track"] else "amber",
               note=note % {"due": month["days_due"], "minimum": month["min_days"],
                            "so_far": month["working_days_so_far"], "working": month["working_days"]}),
        Figure(_("Nights"), month["nights"], target=month["nights_due"],
               colour="green" if month["nights_on_track"] else "amber",
               note=note % {"due": month["nights_due"], "minimum": month["min_nights"],
                            "so_far": month["working_days_so_far"], "working": month["working_days"]}),
        Figure(_("Households visited this month"), month["visits"]),
    ]
    table = Table([_("Figure"), _("So far"), _("Due by today"), _("Monthly minimum")],
                  [[_("Days in the village"), month["days"], month["days_due"], month["min_days"]],
                   [_("Nights"), month["nights"], month["nights_due"], month["min_nights"]],
                   [_("Households visited this month"), month["visits"], "", ""]],
                  title=_("The month so far"))
    return PanelData(figures=figures, table=table, template="firstsec/_home_today.html", context={
        "dispatch": dispatch, "checked": checked, "month": month, "weekly": weekly, "today": today,
        "checkin_url": reverse("firstsec:checkin_own"), "weekly_url": reverse("firstsec:weekly", args=[dispatch.pk]),
        "calendar_url": reverse("firstsec:dispatch", args=[dispatch.pk])})

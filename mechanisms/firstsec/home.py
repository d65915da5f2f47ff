"""First secretaries on the department's and the township's home page (kernel.core.home).

- Attendance of the last complete month (the month in progress says nothing yet: on the 7th nobody can have 22
  days): how many of the secretaries serving in it met both minimums (≥ 22 days, ≥ 12 nights, pro-rated in a part
  month, each county's own rules), against the same month last year; as on the attendance page of that month and
  the API's ``/firstsec/attendance``; by township in the table.
- The current 末位 list: the secretaries last in their village class in the latest computed monthly ranking
  (ties with everyone in the class are nobody's last place, selectors.last_in_class), with a link to the ranking;
  and the entries of the 末位淘汰 list still awaiting the county's decision.

The month's rows are those of selectors.month_attendance, with each county's rules read once for all dispatches
(instead of once per dispatch): a few queries whatever the number of secretaries.
(The first secretary's own panel is home_personal.py.)
"""
from collections import defaultdict

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from engines.duties import clock
from engines.standards.models import Sheet
from kernel.core import rates
from kernel.core.home import Figure, PanelData, Table, home_panel
from kernel.core.tree import ancestor_paths

from . import selectors
from .attendance import month_minimums
from .models import EliminationEntry, FirstsecRule, VillageClass
from .periods import last_complete_month, month_bounds, month_label

AMBER_SHARE = 80  # percent of secretaries meeting both minimums below which the figure is red


def month_rows(user, year: int, month: int) -> list[dict]:
    """selectors.month_attendance(user, year=, month=) with the rules read once."""
    start, end = month_bounds(year, month)
    dispatches = list(selectors.serving_in(selectors.dispatches_for(user), start, end).select_related(
        "person", "village", "township"))
    rules = {rule.org_path: rule for rule in FirstsecRule.objects.all()}
    totals = selectors.attendance_totals([d.person_id for d in dispatches], start, end)
    rows = []
    for dispatch in dispatches:
        rule = next((rules[path] for path in reversed(ancestor_paths(dispatch.village.path)) if path in rules),
                    None) or FirstsecRule(organization=dispatch.village, org_path=dispatch.village.path)
        chosen = month_minimums(rule, [dispatch], start, end)
        row = selectors.compliance(totals.get(dispatch.person_id, {}), chosen)
        row.update(dispatch=dispatch, min_days=chosen.min_days, min_nights=chosen.min_nights)
        rows.append(row)
    return rows


def last_places(user) -> tuple[object, list]:
    """(the latest computed monthly ranking the user sees, the sheets in the user's scope last in their class)."""
    assessment = selectors.monthly_assessments(user).filter(computed_at__isnull=False).first()
    if assessment is None:
        return None, []
    last = selectors.last_in_class(list(Sheet.objects.filter(assessment=assessment).values(
        "person_id", "class_key", "rank_class")))
    sheets = (Sheet.objects.restrict(user).filter(assessment=assessment, person_id__in=last)
              .select_related("person", "parent").order_by("class_key", "person__name"))
    return assessment, list(sheets)


def colour_of(share) -> str:
    if share is None:
        return ""
    return "green" if share >= 100 else ("amber" if share >= AMBER_SHARE else "red")


@home_panel("firstsec.attendance", gettext_lazy("First secretaries"), kinds={"department", "township", "readonly"},
            order=40, icon="bi-person-workspace")
def attendance_panel(request, kind) -> PanelData | None:
    user = request.user
    year, month = last_complete_month(clock.today())
    rows = month_rows(user, year, month)
    assessment, last = last_places(user)
    pending = EliminationEntry.objects.restrict(user).filter(decision="").count()
    if not rows and assessment is None and not pending:
        return None
    before = month_rows(user, year - 1, month)
    met = sum(1 for row in rows if row["compliant"])
    share = rates.rate(met, len(rows))
    share_before = rates.rate(sum(1 for row in before if row["compliant"]), len(before))
    label = month_label(year, month)
    attendance_url = f"{reverse('firstsec:attendance')}?month={label}"
    ranking_url = reverse("firstsec:ranking", args=[assessment.pk]) if assessment else reverse("firstsec:rankings")
    figures = [
        Figure(_("Met both minimums in %(month)s") % {"month": label}, met, url=attendance_url, target=len(rows),
               note=_("of %(count)s first secretaries serving in the month") % {"count": len(rows)}),
        Figure(_("Share meeting both minimums"), share if share is not None else "—", unit="%" if share is not None
               else "", url=attendance_url, target=100, last_year=share_before, colour=colour_of(share),
               note=_("Green: all; amber: %(share)s%% or more; red: fewer. Minimums: each county's days and nights "
                      "in the village, pro-rated in a part month.") % {"share": AMBER_SHARE}),
        Figure(_("Last in their class"), len(last), url=ranking_url,
               note=(_("Ranking of %(month)s") % {"month": assessment.period_label}) if assessment
               else _("No ranking computed yet.")),
        Figure(_("On the elimination list, awaiting decision"), pending, url=reverse("firstsec:elimination"),
               colour="amber" if pending else "", note=_("Amber: a decision is waiting.") if pending else ""),
    ]
    by_township = defaultdict(lambda: [0, 0, 0, 0])
    for row in rows:
        entry = by_township[row["dispatch"].township.name if row["dispatch"].township else "—"]
        entry[0] += 1
        entry[1] += row["compliant"]
        entry[2] += not row["days_met"]
        entry[3] += not row["nights_met"]
    table_rows = [[name, serving, met_, rates.percent(rates.rate(met_, serving)), short_days, short_nights]
                  for name, (serving, met_, short_days, short_nights) in sorted(by_township.items())]
    table = Table([_("Township"), _("Serving"), _("Met both"), _("Share"), _("Short of days"), _("Short of nights")],
                  table_rows, title=_("Attendance %(month)s") % {"month": label})
    classes = dict(VillageClass.choices)
    return PanelData(figures=figures, table=table, template="firstsec/_home_attendance.html",
                     actions=[] if kind == "readonly" else [(_("Attendance"), attendance_url),
                                                               (_("Monthly ranking"), ranking_url)],
                     context={"plain": PanelData(figures=figures), "ranking_url": ranking_url,
                              "last": [(sheet.person.name, sheet.parent.name if sheet.parent else "",
                                        classes.get(sheet.class_key, "")) for sheet in last]})

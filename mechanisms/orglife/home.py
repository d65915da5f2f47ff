"""Organization life and training on the home page (kernel.core.home).

- Training against the 3-day rule (seed 002: township party-affairs cadres ≥ 3 days of concentrated training a year,
  the shipped duty rule ``orglife-township-cadre-training``): how many of the cadres who owe it this year have met it
  (their obligation done, in time or late) out of all who owe it, against last year; the figures of the overdue
  board filtered to that rule (engines.duties.selectors.rollup_paths, read from the tally).
- Attendance at 三会一课 this year (present / expected), as on the attendance rates page (selectors.rate_of).
Whether meetings were held on time is the duties panel's (every meeting rule is a duty).

The table: per township (or, for a township, per organization under it) the cadres owing, those who met it, the
share, and the attendance; one query per figure, none per organization.
"""
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from engines.duties.home import board_url
from kernel.core import clock, rates
from kernel.core.home import Figure, PanelData, Table, home_panel
from kernel.core.tree import SEGMENT_WIDTH, subtree_q
from kernel.orgs.models import Organization
from kernel.orgs.views import scope_root

from . import selectors
from .library import TRAINING_RULES
from .models import Attendance

TRAINING_RULE = TRAINING_RULES[0]
MET_STATES = ("done", "late")


def training_rule():
    from engines.duties.models import DutyRule

    return DutyRule.objects.filter(code=TRAINING_RULE).select_related("current_version").first()


def training_counts(user, root: Organization, rule, year: int) -> dict:
    """{path: {"owed", "met"}} for ``root`` and each organization one level under it, of the rule's obligations of
    ``year`` in the user's scope (the overdue board's roll-up)."""
    from engines.duties import selectors as duties

    found = {}
    for path, numbers in duties.rollup_paths(user, root, year=year, rule=rule, depth=1).items():
        counts = duties.as_counts(numbers)
        found[path] = {"owed": counts["total"] - counts.get("waived", 0),
                       "met": sum(counts.get(state, 0) for state in MET_STATES)}
    return found


def attendance_by_child(user, root: Organization, year: int) -> dict:
    """{child path: (present, expected)} of this year's meetings under ``root``."""
    start, end = selectors.year_bounds(year)
    width = len(root.path) + SEGMENT_WIDTH
    rows = (Attendance.objects.restrict(user)
            .filter(subtree_q("org_path", [root.path]), date__gte=start, date__lte=end)
            .annotate(child=Substr("org_path", 1, width)).values("child").annotate(**selectors._tally()).order_by())
    return {row["child"]: (row["present"], row["expected"]) for row in rows}


@home_panel("orglife.training", gettext_lazy("Training and organization life"),
            kinds={"department", "township", "readonly"}, order=50, icon="bi-mortarboard")
def training_panel(request, kind) -> PanelData | None:
    user = request.user
    root = scope_root(user)
    if root is None:
        return None
    year = clock.today().year
    rule = training_rule()
    this = training_counts(user, root, rule, year) if rule is not None else {}
    last = training_counts(user, root, rule, year - 1) if rule is not None else {}
    start, end = selectors.year_bounds(year)
    attendance = selectors.rate_of(user, root, date_from=start, date_to=end)
    before = selectors.rate_of(user, root, date_from=start.replace(year=year - 1), date_to=end.replace(year=year - 1))
    if not this and not attendance["expected"]:
        return None
    mine = this.get(root.path, {"owed": 0, "met": 0})
    previous = last.get(root.path)
    share = rates.rate(mine["met"], mine["owed"])
    rates_url = f"{reverse('orglife:rates', args=[root.pk])}?year={year}"
    figures = []
    if rule is not None and mine["owed"]:
        url = board_url(root, year, rule=rule.pk)
        colour = "green" if mine["met"] >= mine["owed"] else ("red" if clock.today() > end else "amber")
        figures += [
            Figure(_("Cadres with 3 training days"), mine["met"], url=url, target=mine["owed"],
                   last_year=previous["met"] if previous else None,
                   note=_("of %(owed)s township party-affairs cadres who owe them") % {"owed": mine["owed"]}),
            Figure(_("Share meeting the 3-day rule"), share, unit="%", url=url, target=100,
                   last_year=rates.rate(previous["met"], previous["owed"]) if previous else None, colour=colour,
                   note=_("Green: every cadre has 3 days; amber: not yet, the year still running; red: the year "
                          "ended with some short.")),
        ]
    if attendance["expected"]:
        figures.append(Figure(
            _("Attendance at meetings"), rates.rate(attendance["present"], attendance["expected"]), unit="%",
            url=rates_url, last_year=rates.rate(before["present"], before["expected"]),
            note=_("%(present)s present of %(expected)s expected") % attendance))
    by_child = attendance_by_child(user, root, year)
    children = sorted({path for path in (*this, *by_child) if path != root.path})
    orgs = {org.path: org for org in Organization.objects.filter(path__in=children).only("pk", "path", "name")}
    rows, links = [], []
    for path in children:
        org = orgs.get(path)
        owed = this.get(path, {"owed": 0, "met": 0})
        present, expected = by_child.get(path, (0, 0))
        rows.append([org.name if org else "", owed["owed"], owed["met"],
                     rates.percent(rates.rate(owed["met"], owed["owed"])), expected, present,
                     rates.percent(rates.rate(present, expected))])
        links.append(f"{reverse('orglife:rates', args=[org.pk])}?year={year}" if org else "")
    table = Table([_("Organization"), _("Cadres owing 3 days"), _("Met"), _("Share"), _("Expected at meetings"),
                   _("Present"), _("Attendance rate")], rows, title=_("Training and attendance %(year)s") % {"year": year})
    training_url = f"{reverse('orglife:training', args=[root.pk])}?year={year}"
    actions = [] if kind == "readonly" else [(_("Attendance rates"), rates_url), (_("Training"), training_url)]
    return PanelData(figures=figures, table=table, template="orglife/_home_training.html", actions=actions,
                     context={"plain": PanelData(figures=figures), "rows": list(zip(rows, links))})


"""The duties engine's panels of the home page (kernel.core.home), and the legend of the overdue board's colours.

- ``duties.on_time``: this year's obligations (every rule) done on time, overdue now and missed, under the user's
  top organization, with last year's rate, and the reports' and the meetings' on-time rates apart (the board narrowed
  to that kind of duty): the overdue board's total row, from the same roll-up
  (selectors.rollup, read from the tally), the board's table of organizations below as the panel's table;
- ``duties.owed`` (township): what the township's own organization owes upward now: the obligations on its to-do;
- ``duties.decisions``: the items of the user's to-do that wait on their decision (submissions to review, late
  entries to approve, rectifications to check), read from the to-do's sources (kernel.core.todo).
"""
from collections import Counter
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.core import rates
from kernel.core import todo as todo_sources
from kernel.core.home import Figure, PanelData, Table, home_panel
from kernel.orgs.views import scope_root

from . import clock, selectors
from .models import DutyKind, ObligationState
from .views import RAG_LABELS, STATE_ORDER

# The to-do's kinds of item that wait on the user's decision.
DECISION_KINDS = ("review", "approval", "decision")


def colour_legend() -> list[tuple[str, str, str]]:
    """(colour, its name, the rule that sets it) for each colour of selectors.colour, its thresholds written out."""
    share = (selectors.RED_OVERDUE_SHARE * 100).quantize(Decimal("1"))
    return [
        ("red", str(RAG_LABELS["red"]), _("anything missed, or more than %(share)s%% of what came due overdue")
         % {"share": share}),
        ("amber", str(RAG_LABELS["amber"]), _("something overdue (at most %(share)s%% of what came due), "
                                              "nothing missed") % {"share": share}),
        ("green", str(RAG_LABELS["green"]), _("nothing overdue, nothing missed")),
    ]


def colour_note(colour: str) -> str:
    """The rule behind ``colour``, for a figure's note."""
    return next((_("%(colour)s: %(rule)s") % {"colour": name, "rule": rule}
                 for code, name, rule in colour_legend() if code == colour), "")


def board_url(root, year: int, **extra) -> str:
    """The overdue board under ``root`` for ``year`` (and, say, ``rule=pk``)."""
    query = "&".join(f"{key}={value}" for key, value in {"under": root.pk, "year": year, **extra}.items())
    return f"{reverse('duties:board')}?{query}"


# The kinds of duty whose on-time rate the panel shows apart (reports, meetings), each linked to the board narrowed to it.
SPLIT_KINDS = ((DutyKind.REPORT, gettext_lazy("Reports on time")), (DutyKind.MEETING, gettext_lazy("Meetings on time")))


def kind_figure(user, root, year: int, kind: str, label) -> Figure:
    """The on-time rate of the obligations of one kind under ``root`` this year, against last year, as the overdue
    board narrowed to that kind shows it."""
    def rate(counts):
        return selectors.with_rates(selectors.as_counts(counts)) if counts else None

    now = rate(selectors.rollup_paths(user, root, year=year, depth=0, kind=kind).get(root.path))
    last = rate(selectors.rollup_paths(user, root, year=year - 1, depth=0, kind=kind).get(root.path))
    shown = now is not None and now["due"]
    return Figure(str(label), now["on_time_percent"] if shown else "—", unit="%" if shown else "",
                  url=board_url(root, year, kind=kind), colour=now["colour"] if shown else "",
                  note=colour_note(now["colour"]) if shown else "",
                  last_year=last["on_time_percent"] if last and last["due"] else None)


@home_panel("duties.on_time", gettext_lazy("Reports and meetings on time"),
            kinds={"department", "township", "readonly"}, order=20, icon="bi-stoplights")
def on_time_panel(request, kind) -> PanelData | None:
    user = request.user
    root = scope_root(user)
    if root is None:
        return None
    year = clock.today().year
    rows = selectors.rollup(user, root, year=year)
    if not rows or not rows[0]["total"]:
        return None
    total, children = rows[0], rows[1:]
    before = selectors.rollup_paths(user, root, year=year - 1, depth=0).get(root.path)
    last = selectors.with_rates(selectors.as_counts(before)) if before else None
    url = board_url(root, year)
    figures = [
        Figure(_("On-time rate %(year)s") % {"year": year}, total["on_time_percent"] if total["due"] else "—",
               url=url, unit="%" if total["due"] else "", colour=total["colour"], note=colour_note(total["colour"]),
               last_year=last["on_time_percent"] if last and last["due"] else None),
        Figure(_("Overdue now"), total[ObligationState.OVERDUE], url=url,
               last_year=last[ObligationState.OVERDUE] if last else None),
        Figure(_("Missed"), total[ObligationState.MISSED], url=url,
               last_year=last[ObligationState.MISSED] if last else None),
        Figure(_("Still open"), total[ObligationState.OPEN], url=url),
        *[kind_figure(user, root, year, kind, label) for kind, label in SPLIT_KINDS],
    ]
    headings = [_("Organization"), *[str(state.label) for state in STATE_ORDER], _("All obligations"),
                _("On-time rate"), _("Status")]
    table_rows = [[row["org"].name, *[row[state.value] for state in STATE_ORDER], row["total"],
                   rates.percent(row["on_time_percent"]) if row["due"] else "—", str(RAG_LABELS[row["colour"]])]
                  for row in [*children, total]]
    actions = [] if kind == "readonly" else [(_("Overdue board"), url)]
    return PanelData(figures=figures, table=Table(headings, table_rows, title=str(year)), actions=actions)


@home_panel("duties.owed", gettext_lazy("What we owe the county"), kinds={"township"}, order=25,
            icon="bi-box-arrow-up")
def owed_panel(request, kind) -> PanelData | None:
    """The township's own obligations on its to-do: open (due by the end of next month) and overdue."""
    today = clock.today()
    owed = list(selectors.todo_rows(request.user, today)["owed"][:500])
    url = reverse("duties:todo")
    counts = Counter(row.state for row in owed)
    figures = [
        Figure(_("Overdue"), counts[ObligationState.OVERDUE], url=url,
               colour="red" if counts[ObligationState.OVERDUE] else "green",
               note=_("red: anything overdue; green: nothing overdue")),
        Figure(_("Due by the end of next month"), counts[ObligationState.OPEN], url=url),
    ]
    rows = [[row.rule.name, row.organization.name if row.organization_id else row.person.name,
             row.due_on.isoformat(), row.get_state_display()] for row in owed]
    return PanelData(figures=figures, table=Table([_("Rule"), _("Organization"), _("Due on"), _("Status")], rows),
                     actions=[(_("My to-do list"), url)])


@home_panel("duties.decisions", gettext_lazy("Decisions waiting"), kinds={"department", "township"}, order=5,
            icon="bi-inbox")
def decisions_panel(request, kind) -> PanelData | None:
    """How many items of the user's to-do wait on their decision, by the kind of work."""
    items = [item for item in todo_sources.collect(request.user, clock.today()) if item.kind in DECISION_KINDS]
    url = reverse("duties:todo")
    by_source = Counter(str(item.source) for item in items)
    figures = [Figure(_("Waiting for your decision"), len(items), url=url,
                      note=_("reviews, approvals and checks on your to-do list"))]
    rows = [[source, n] for source, n in sorted(by_source.items())]
    return PanelData(figures=figures, table=Table([_("Kind of work"), _("Items")], rows),
                     actions=[(_("My to-do list"), url)])

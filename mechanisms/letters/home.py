"""The letters on the home page (kernel.core.home): this year's letters the user sees, signed against issued, those
overdue unsigned, and (once checked) those that failed; each figure links to the list of letters whose count is the
same figure. The table: per issuer, issued, signed, overdue and failed."""
from collections import defaultdict

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.core import clock
from kernel.core.home import Figure, PanelData, Table, home_panel

from . import selectors
from .models import LetterStatus


def _url(year: int, status: str = "") -> str:
    return f"{reverse('letters:list')}?year={year}" + (f"&status={status}" if status else "")


@home_panel("letters.signed", gettext_lazy("Responsibility letters"), kinds={"department", "township", "readonly"},
            order=70, icon="bi-file-earmark-check")
def letters_panel(request, kind) -> PanelData | None:
    year = clock.today().year
    counts = selectors.counts(request.user, year=year)
    last = selectors.counts(request.user, year=year - 1)
    if not counts["issued"] and not last["checked"]:
        return None
    figures = [
        Figure(_("Letters signed"), counts["signed"], url=_url(year),
               target=counts["issued"], last_year=last["signed"] if last["issued"] else None,
               note=_("signed of the letters issued this year")),
        Figure(_("Overdue, not signed"), counts["overdue"], url=_url(year, LetterStatus.OVERDUE),
               colour="red" if counts["overdue"] else "green"),
    ]
    if counts["checked"]:
        figures.append(Figure(_("Failed the year-end check"), counts["failed"], url=_url(year, "failed"),
                              colour="red" if counts["failed"] else "green",
                              note=_("barred from the excellent grade")))
    # the people answerable for the failed letters of the year last checked (this year's, else last year's: the
    # year-end check runs early the next year), barred from the 优秀 grade of that year's annual review
    checked_year = year if counts["checked"] else year - 1 if last["checked"] else None
    if checked_year is not None:
        barred = counts["barred"] if checked_year == year else last["barred"]
        figures.append(Figure(_("People barred from the excellent grade, %(year)s") % {"year": checked_year}, barred,
                              url=f"{reverse('letters:barred')}?year={checked_year}",
                              colour="red" if barred else "green", note=_("linked responsibility")))
    per = defaultdict(lambda: [0, 0, 0, 0])
    for letter in selectors.letters(request.user, year=year):
        row = per[letter.issuer.name]
        row[0] += 1
        row[1] += letter.signed_on is not None
        row[2] += letter.status() == LetterStatus.OVERDUE
        row[3] += letter.accepted is False
    table = Table([_("Issued by"), _("Issued"), _("Signed"), _("Overdue, not signed"), _("Failed the check")],
                  [[name, *numbers] for name, numbers in sorted(per.items())])
    return PanelData(figures=figures, table=table, actions=[] if kind == "readonly" else [(_("Responsibility letters"), _url(year))])

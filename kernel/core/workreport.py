"""The year's work report (工作总结, its "主要成效") drafted from the data: sections that engines and mechanisms
contribute, read by the work report mechanism, which knows none of them.

Like the home page (kernel.core.home), an app registers its sections in one of its ``hooks`` modules::

    from kernel.core.workreport import Paragraph, ReportFigure, report_section

    @report_section("standards.tiers", _("Standards reached"), order=30)
    def standards_section(user, organization, year) -> list[Paragraph]:
        figure = ReportFigure("tier-good", _("villages reaching 五个好"), 148, url=".../bulletin/?under=1#tier-good",
                              last_year=140, target=Decimal("90.0"), unit="%")
        return [Paragraph(_("{reached} of {total} villages reached the standard."), {"reached": figure, ...})]

A section answers for ``organization``'s subtree and ``year`` what ``user`` may see (its reads scoped like any
view), or an empty list when it has nothing to say (no data for the year).

Every figure names the page that shows the same number: ``url`` with a fragment ``#<key>`` points at the element
``data-figure="<key>"`` carrying ``data-value`` on that page, and a ``url`` without a fragment at a list whose
count (``data-total``, kernel/core/templates/core/_list_count.html) is the figure. The work report's test reads
every link of a drafted report back from its page.
"""
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

SECTIONS: list["Section"] = []


@dataclass(frozen=True)
class ReportFigure:
    """One number of the report: its value and unit, the page showing it, and what it is compared with."""
    label: str
    value: object
    url: str = ""
    unit: str = ""
    target: object = None       # the year's target, same unit
    last_year: object = None    # the same figure a year before

    def as_text(self) -> str:
        if isinstance(self.value, Decimal):
            value = f"{self.value.normalize():f}" if self.value == self.value.to_integral() else f"{self.value}"
        else:
            value = f"{self.value}"
        return f"{value}{self.unit}"


@dataclass(frozen=True)
class Paragraph:
    """A sentence or two with ``{name}`` placeholders, each one of ``figures``."""
    text: str
    figures: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Section:
    code: str
    title: object
    order: int
    fn: Callable


def report_section(code: str, title, *, order: int = 50):
    """Registers ``fn(user, organization, year) -> list[Paragraph]`` as the section ``code``."""
    def register(fn):
        global SECTIONS
        SECTIONS = [s for s in SECTIONS if s.code != code]
        SECTIONS.append(Section(code, title, order, fn))
        SECTIONS.sort(key=lambda s: (s.order, s.code))
        return fn
    return register


def sections(user, organization, year: int) -> list[tuple[Section, list[Paragraph]]]:
    """Every registered section with something to say for ``organization`` and ``year``, in order."""
    found = []
    for section in SECTIONS:
        paragraphs = section.fn(user, organization, year) or []
        if paragraphs:
            found.append((section, paragraphs))
    return found

"""The report's text: drafted from the sections of kernel.core.workreport, and read back for the page and the PDF.

The text is plain: paragraphs parted by blank lines, ``## `` headings, and figures as links ``[148](/url#key)``.
Reading it back escapes everything and turns only links to the site's own pages (a path from ``/``) into links,
so whatever is typed into the report cannot put markup on the page."""
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kernel.core.workreport import Paragraph, ReportFigure, sections

LINK = re.compile(r"\[([^\[\]\n]+)\]\((/[^()\s]*)\)")


def _number(value) -> str:
    if isinstance(value, Decimal):
        return f"{value.normalize():f}" if value == value.to_integral() else f"{value}"
    return f"{value}"


def _figure_text(figure: ReportFigure) -> str:
    text = f"[{figure.as_text()}]({figure.url})" if figure.url else figure.as_text()
    compared = []
    if figure.last_year is not None:
        compared.append(_("last year %(value)s") % {"value": f"{_number(figure.last_year)}{figure.unit}"})
    if figure.target is not None:
        compared.append(_("target %(value)s") % {"value": f"{_number(figure.target)}{figure.unit}"})
    if not compared:
        return text
    return _("%(figure)s (%(compared)s)") % {"figure": text,
                                            "compared": pgettext("between comparisons", "; ").join(compared)}


def paragraph_text(paragraph: Paragraph) -> str:
    return paragraph.text.format(**{name: _figure_text(figure) for name, figure in paragraph.figures.items()})


def draft(user, organization, year: int) -> str:
    """The report's text for ``organization`` and ``year`` from every section with something to say."""
    parts = []
    for number, (section, paragraphs) in enumerate(sections(user, organization, year), start=1):
        parts.append(f"## {number}. {section.title}")
        parts.extend(paragraph_text(paragraph) for paragraph in paragraphs)
    return "\n\n".join(parts)


@dataclass
class Block:
    heading: bool
    html: str
    links: list = field(default_factory=list)


def _inline(text: str) -> tuple[str, list]:
    html, links, last = [], [], 0
    for match in LINK.finditer(text):
        html.append(escape(text[last:match.start()]))
        label, url = match.group(1), match.group(2)
        links.append((label, url))
        html.append(f'<a href="{escape(url)}" class="report-figure">{escape(label)}</a>')
        last = match.end()
    html.append(escape(text[last:]))
    return mark_safe("".join(html)), links


def blocks(body: str) -> list[Block]:
    """The text as headings and paragraphs, links made links (the rest escaped)."""
    found = []
    for chunk in re.split(r"\n\s*\n", body.replace("\r\n", "\n").strip()):
        chunk = chunk.strip()
        if not chunk:
            continue
        heading = chunk.startswith("## ")
        html, links = _inline(chunk[3:] if heading else chunk)
        found.append(Block(heading, mark_safe(html.replace("\n", "<br>")) if not heading else html, links))
    return found


def links(body: str) -> list[tuple[str, str]]:
    """Every (label, url) link of the text, in order."""
    return [link for block in blocks(body) for link in block.links]

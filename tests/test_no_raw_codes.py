"""No raw code, no wrong label: every page a role reaches shows people's words, never the system's.

The small county gets a year of work from each app's demo generator (campaigns with scores and titles, reports,
inspections, notices, meetings, cases…) and the year's obligations; then each role signs in and reads the pages
without parameters of the URLconf and the pages those link to (a few of each kind), in Chinese and in English.
The visible text of a page (no tags, scripts, styles or attributes) must not hold:

- in Chinese, the code of a model field's choice where its label belongs ("open", "self", "advanced", "rural"…);
- a standard's or rule's key with its version ("five-good-village v1") where its name belongs;
- in Chinese, one of the project's own messages left in English although it has a translation;
- a period's code ("2026-second", "2026-Q4") where people write 2026年下半年 / 2026年第四季度.

A date input's value is ISO (yyyy-mm-dd) in every language, or the browser drops it.
"""
import datetime
import re
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from engines.duties import services as duties
from kernel.core import clock
from kernel.core.actor import acting_as
from kernel.core.registry import demo_generators

TODAY = datetime.date(2026, 12, 7)
ROLES = ("admin", "county", "township_a", "branch_a1", "inspector", "leader", "member")
ENGLISH_ROLES = ("admin", "member")
LINKS_PER_KIND = 2  # detail pages followed per URL name from the pages without parameters

# Tokens that may show in English in a Chinese page, each with its reason.
ALLOWED = {
    "Excel": "a product's name",
    "HTMX": "a library's name",
    "Bearer": "the HTTP authorization scheme shown with the API token",
    "admin": "a user name of the test county",
    "county": "a user name of the test county",
    "township_a": "a user name of the test county",
    "township_b": "a user name of the test county",
    "branch_a1": "a user name of the test county",
    "inspector": "a user name of the test county",
    "leader": "a user name of the test county",
    "member": "a user name of the test county",
    "Jiceng": "the product's name",
    "lagging": "the keyword a grade scheme's definition is told to end its lagging grade with",
}

# URL prefixes not read as pages: the API, files, switches and the exit.
SKIPPED = ("/api/", "/i18n/", "/accounts/logout/", "/exports/", "/static/", "/media/", "/admin/")
# The to-do list (the duties' start page) is being rebuilt as the department's desk, with its own label checks.
NOT_YET = ()
FILES = re.compile(r"\.(xlsx|pdf|csv|json|zip|docx)$|/(download|export|register)[^/]*/?$")

KEY_WITH_VERSION = re.compile(r"\b(?=[a-z0-9-]*[a-z])[a-z0-9]+(?:-[a-z0-9]+)+ v\d+\b")
PERIOD_CODE = re.compile(r"\b\d{4}-(?:Q[1-4]|H[12]|first|second)\b")
DATE_VALUE = re.compile(r'<input\b[^>]*\btype="date"[^>]*>')


class _VisibleText(HTMLParser):
    # hidden, or the source of a definition shown as written (YAML in a text area or a code block)
    HIDDEN = {"script", "style", "template", "noscript", "textarea", "pre", "code"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1
        self.parts.append(" ")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return re.sub(r"\s+", " ", "".join(parser.parts))


def choice_codes() -> dict[str, str]:
    """Codes of every model field's choices that could be mistaken for nothing else: ASCII, four characters or
    more, and not their own label (a code whose label is the code, e.g. "PDF", is fine to show)."""
    codes = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for code, label in getattr(field, "flatchoices", None) or ():
                if (isinstance(code, str) and len(code) >= 4 and code.isascii() and code not in ALLOWED
                        and not code.isdigit() and str(label) != code):
                    codes.setdefault(code, f"{model._meta.label}.{field.name}")
    return codes


CONTEXT_USES = (re.compile(r"""pgettext(?:_lazy)?\(\s*["']([^"']+)["'],\s*["']([^"']+)["']"""),
                re.compile(r"""\{% translate "([^"]+)" context "([^"]+)" %\}"""))


def translated_msgids() -> set[str]:
    """The project's messages with a Chinese translation, that have an English word of four letters or more. A
    message the code also uses in a context whose translation is still to come is left out until it comes."""
    catalog = polib.pofile(str(Path(settings.BASE_DIR) / "locale/zh_Hans/LC_MESSAGES/django.po"))
    translated = {(entry.msgctxt, entry.msgid) for entry in catalog
                  if entry.msgstr and not entry.obsolete and "fuzzy" not in entry.flags}
    pending = set()
    for folder in ("kernel", "engines", "mechanisms", "tools", "templates"):
        for path in Path(settings.BASE_DIR, folder).rglob("*"):
            if path.suffix not in (".py", ".html") or "tests" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            pending.update((context, message) for context, message in CONTEXT_USES[0].findall(text)
                           if (context, message) not in translated)
            pending.update((context, message) for message, context in CONTEXT_USES[1].findall(text)
                           if (context, message) not in translated)
    waiting = {message for _context, message in pending}
    found = set()
    for entry in catalog:
        if entry.msgid in waiting:
            continue
        if entry.obsolete or "fuzzy" in entry.flags or not entry.msgstr or "%" in entry.msgid or "{" in entry.msgid:
            continue
        text = entry.msgid.strip()
        if text in ALLOWED or not re.search(r"[A-Za-z]{4,}", text) or entry.msgstr.strip() == text:
            continue
        found.add(text)
    return found


def page_urls() -> list[str]:
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern)

    urls = []
    for route in walk(get_resolver().url_patterns):
        url = "/" + route.lstrip("^").rstrip("$")
        if "<" in url or "(?P" in url or url.startswith(SKIPPED) or FILES.search(url) or url in urls:
            continue
        urls.append(url)
    return urls


def links(html: str) -> list[str]:
    found = []
    for href in re.findall(r'href="([^"#]+)', html):
        parts = urlsplit(href.replace("&amp;", "&"))
        if parts.netloc or not parts.path.startswith("/") or parts.path.startswith(SKIPPED) or FILES.search(parts.path):
            continue
        found.append(parts.path)
    return found


def url_kind(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name if match.kwargs or match.args else None


def findings_of(html: str, chinese: bool, codes: dict, msgids: set) -> list[str]:
    found = []
    for tag in DATE_VALUE.findall(html):
        value = re.search(r'\bvalue="([^"]*)"', tag)
        if value and value[1] and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value[1]):
            found.append(f"date input value {value[1]!r}")
    text = visible_text(html)

    def near(match):
        return f"«{text[max(match.start() - 25, 0):match.end() + 25].strip()}»"

    found += [f"key with version {m[0]!r} in {near(m)}" for m in KEY_WITH_VERSION.finditer(text)]
    if not chinese:
        return found
    found += [f"period code {m[0]!r} in {near(m)}" for m in PERIOD_CODE.finditer(text)]
    for match in re.finditer(r"(?<![\w-])[A-Za-z][A-Za-z0-9_-]*[A-Za-z0-9](?![\w-])", text):
        word = match[0]
        if word in ALLOWED:
            continue
        if word in codes:
            found.append(f"code {word!r} of {codes[word]} in {near(match)}")
        elif word in msgids:
            found.append(f"untranslated {word!r} in {near(match)}")
    for match in re.finditer(r"[A-Za-z][A-Za-z0-9 ,.'’:;/()-]*[A-Za-z0-9.)]", text):
        run = match[0].strip()
        if " " in run and (run in msgids or run.rstrip(".") in msgids):
            found.append(f"untranslated {run!r} in {near(match)}")
    return found


@pytest.fixture
def county_year(county, users):
    """Each app's year of work on the small county, and the year's obligations. The county has no township committee
    members to draw cross-inspection teams from, so the campaigns stop after last year's campaign (named, with
    scores and titles): what they wrote until then stays."""
    clock.set_today(TODAY)
    with acting_as(None, source="test"):
        for _app, generate in demo_generators():
            try:
                generate(county.county, 0, progress=lambda message: None)
            except ValidationError:
                pass
        duties.generate(user=None, rule=None, year=TODAY.year, root=county.county)
    return county


def read_pages(client, user, language: str, codes, msgids) -> dict[str, list[str]]:
    client.force_login(user)
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    seen, kinds, problems = set(), defaultdict(int), {}
    queue = list(page_urls())
    while queue:
        url = queue.pop(0)
        if url in seen or url in NOT_YET:
            continue
        seen.add(url)
        try:
            response = client.get(url, **headers)
        except Exception as error:  # a page that breaks is a finding too, and the walk goes on
            problems[url] = [f"{type(error).__name__}: {error}"]
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        found = findings_of(html, language.startswith("zh"), codes, msgids)
        if found:
            problems[url] = sorted(set(found))
        for link in links(html):
            kind = url_kind(link)
            if link not in seen and kind and kinds[kind] < LINKS_PER_KIND:
                kinds[kind] += 1
                queue.append(link)
    return problems


def test_pages_show_labels_not_codes(county_year, users, client):
    codes, msgids = choice_codes(), translated_msgids()
    report = []
    for role in ROLES:
        for language in ("zh-hans", "en") if role in ENGLISH_ROLES else ("zh-hans",):
            for url, found in read_pages(client, users[role], language, codes, msgids).items():
                report.append(f"{role} {language} {url}: {'; '.join(found)}")
    assert not report, "\n".join(report)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_date_inputs_hold_iso_values(language):
    """A date field's default reaches the browser as 2026-12-07 in every language ("2026/12/07" is dropped)."""
    from django import forms
    from django.utils import translation

    from kernel.core.widgets import IsoDateInput

    class DayForm(forms.Form):
        day = forms.DateField(widget=IsoDateInput())

    with translation.override(language):
        html = str(DayForm(initial={"day": TODAY})["day"])
    assert 'type="date"' in html and 'value="2026-12-07"' in html, html

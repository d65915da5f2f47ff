"""Chinese official documents (党政机关公文, GB/T 9704-2012): what every bulletin, decision, notice and certificate
writes the same way.

- ``cn_date``: 成文日期 as 2026年12月7日 (Arabic numerals, no leading zeros).
- ``period_text``: a period label as people write it: 2026 → 2026年度, 2026-Q4 → 2026年第四季度, 2026-H2 or
  2026-second → 2026年下半年, 2026-07 → 2026年7月, 2026-W05 → 2026年第5周, 2026-12-31 → 2026年12月31日; on an English
  page ``period_words``: 2026 Q4, 2026 H2 (the template filter ``period`` picks one by the active language).
- 文号: ``document_number`` (示发〔2026〕12号), ``parse_number``, ``number_prefix`` (the issuer's abbreviation and the
  kind's mark, derived from the issuing body's name), ``next_number`` (the next of the year from the register of
  numbers taken, ``kernel.core.models.DocumentNumber``) and ``record_number``.
- ``cn_quote``: a name in quotation marks, with the quotation marks it holds turned into inner ones (‘’), so that
  “五个好”村党支部 quoted is “‘五个好’村党支部”, never “五个好”村党支部” or 「“…”」.
"""
import datetime
import re

from django.db import IntegrityError, transaction

QUARTERS = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}
HALVES = {"1": "上半年", "2": "下半年", "first": "上半年", "second": "下半年"}

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})\s*-?\s*Q([1-4])$", re.IGNORECASE)
_HALF = re.compile(r"^(\d{4})\s*-?\s*(?:H([12])|(first|second))$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$", re.IGNORECASE)
_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")

NUMBER = re.compile(r"^\s*(?P<prefix>.*?)\s*[〔\[［(（【](?P<year>\d{4})[〕\]］)）】]\s*第?\s*(?P<sequence>\d+)\s*号\s*$")

# The mark after the issuer's abbreviation, by kind of document: 示发 (a decision), 示通 (a bulletin), 示督 (a
# supervision notice).
KIND_MARKS = {"decision": "发", "bulletin": "通", "notice": "督"}
PARTY_PREFIXES = ("中国共产党", "中共")

OPENING_QUOTES = "“「『\"‘"
CLOSING_QUOTES = "”」』\"’"


def cn_date(day: datetime.date | None) -> str:
    """2026年12月7日; empty for no date."""
    if day is None:
        return ""
    return f"{day.year}年{day.month}月{day.day}日"


def period_text(label, *, year_suffix: str = "年度") -> str:
    """A period label written as people write it (module docstring); a label already in words is kept."""
    text = str(label or "").strip()
    if not text:
        return ""
    if match := _YEAR.match(text):
        return f"{match[1]}{year_suffix}"
    if match := _QUARTER.match(text):
        return f"{match[1]}年{QUARTERS[int(match[2])]}"
    if match := _HALF.match(text):
        return f"{match[1]}年{HALVES[(match[2] or match[3]).lower()]}"
    if match := _WEEK.match(text):
        return f"{match[1]}年第{int(match[2])}周"
    if (match := _MONTH.match(text)) and 1 <= int(match[2]) <= 12:
        return f"{match[1]}年{int(match[2])}月"
    if match := _DAY.match(text):
        try:
            return cn_date(datetime.date(int(match[1]), int(match[2]), int(match[3])))
        except ValueError:
            return text
    return text


def period_words(label) -> str:
    """A period label for an English page: 2026-Q4 stays, 2026-second or 2026-H2 → 2026 H2, 2026-Q4 → 2026 Q4."""
    text = str(label or "").strip()
    if match := _QUARTER.match(text):
        return f"{match[1]} Q{match[2]}"
    if match := _HALF.match(text):
        return f"{match[1]} H{'1' if (match[2] or match[3]).lower() in ('1', 'first') else '2'}"
    return text


def period_label(label) -> str:
    """A period label for a page in the active language: 2026年第四季度 in Chinese, 2026 Q4 in English."""
    from django.utils.translation import get_language

    return period_text(label) if (get_language() or "").startswith("zh") else period_words(label)


def cn_quote(text) -> str:
    """``text`` in Chinese quotation marks; the quotation marks it holds become inner ones (‘’)."""
    inner = str(text or "").strip()
    while len(inner) >= 2 and (
            (inner[0], inner[-1]) in (("「", "」"), ("『", "』"))  # corner brackets around the whole
            or (inner[0] in OPENING_QUOTES and inner[-1] in CLOSING_QUOTES
                and not any(mark in inner[1:-1] for mark in OPENING_QUOTES + CLOSING_QUOTES))):
        inner = inner[1:-1].strip()  # a name quoted whole already: quote it once
    inner = re.sub(r"[“「『]", "‘", inner)
    inner = re.sub(r"[”」』]", "’", inner)
    return f"“{inner}”" if inner else ""


# --- document numbers (文号) ---------------------------------------------------------------------------------------

def document_number(prefix: str, year: int, sequence: int) -> str:
    """示发〔2026〕12号 (GB/T 9704: the year in 〔〕, the sequence without leading zeros or 第)."""
    return f"{prefix}〔{year}〕{int(sequence)}号"


def parse_number(text) -> tuple[str, int, int] | None:
    """(prefix, year, sequence) of a document number written in any of the usual brackets, or None."""
    match = NUMBER.match(str(text or ""))
    if match is None:
        return None
    return match["prefix"], int(match["year"]), int(match["sequence"])


def normalize_number(text) -> str:
    """A document number rewritten the standard way (示发[2026]012号 → 示发〔2026〕12号); other text stripped."""
    parsed = parse_number(text)
    return document_number(*parsed) if parsed else str(text or "").strip()


def issuer_abbreviation(name) -> str:
    """The issuing body's default abbreviation: the first character of its name after 中共 / 中国共产党
    (中共示范县委 → 示). A county keeps its own in the number it types; this is only the suggestion."""
    text = str(name or "").strip()
    for prefix in PARTY_PREFIXES:
        if text.startswith(prefix) and len(text) > len(prefix):
            text = text[len(prefix):]
            break
    return text[:1]


def number_prefix(issuer_name, kind: str) -> str:
    """The number's prefix for a document of ``kind`` (KIND_MARKS) issued by ``issuer_name``: 示 + 发."""
    return issuer_abbreviation(issuer_name) + KIND_MARKS.get(kind, "")


def next_number(prefix: str, year: int, *, taken=()) -> str:
    """The next number of ``prefix`` in ``year``: one past the highest in the register and in ``taken`` (numbers
    kept elsewhere, e.g. on decisions recorded before the register)."""
    from .models import DocumentNumber

    highest = (DocumentNumber.objects.filter(prefix=prefix, year=year).order_by("-sequence")
               .values_list("sequence", flat=True).first() or 0)
    for text in taken:
        parsed = parse_number(text)
        if parsed and parsed[0] == prefix and parsed[1] == year:
            highest = max(highest, parsed[2])
    return document_number(prefix, year, highest + 1)


def record_number(text, *, title: str = ""):
    """Registers a number a document was issued with, so that the next suggestion follows it; text that is not a
    document number, or one registered already, is left as it is. Returns the register's row or None."""
    from .models import DocumentNumber

    parsed = parse_number(text)
    if parsed is None:
        return None
    prefix, year, sequence = parsed
    existing = DocumentNumber.objects.filter(prefix=prefix, year=year, sequence=sequence).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return DocumentNumber.objects.create(prefix=prefix, year=year, sequence=sequence,
                                                 number=document_number(prefix, year, sequence), title=title[:300])
    except IntegrityError:  # taken at the same moment by another request
        return DocumentNumber.objects.filter(prefix=prefix, year=year, sequence=sequence).first()


def suggested_number(issuer_name, kind: str, year: int, *, taken=()) -> str:
    """The default number of a new document: the issuer's prefix for ``kind`` and the year's next sequence."""
    return next_number(number_prefix(issuer_name, kind), year, taken=taken)

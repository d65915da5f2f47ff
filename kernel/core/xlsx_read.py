"""Reading the first sheet of an xlsx workbook as rows of values, streamed.

What the importers need of a workbook is the values of one sheet, in order: text, numbers, booleans, dates
(number cells whose format is a date format, as Excel shows them) and the cached values of formulas. openpyxl
builds a cell object per value even in its read-only mode; this reader parses the small parts (workbook,
relationships, shared strings, styles) with expat and cuts the sheet itself into rows and cells with string
operations, keeping one list per row: it reads the same rows several times faster (bench/bench_import.py
measures both) in memory that does not grow with the sheet. Values match openpyxl's ``load_workbook(
read_only=True, data_only=True)`` (tests/core/test_xlsx_read.py compares the two, also on generated workbooks).
"""
import codecs
import datetime
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from xml.parsers import expat

EXCEL_EPOCH = datetime.date(1899, 12, 30)  # day 0 of Excel's serial dates (1900 system, after its leap-year bug)

EPOCH = datetime.datetime.combine(EXCEL_EPOCH, datetime.time())
EPOCH_1904 = datetime.datetime(1904, 1, 1)
# Built-in number formats that show dates or times (ECMA-376 §18.8.30, with the East Asian ones Excel in
# Chinese uses: 27–36 and 50–58, e.g. 31 = yyyy"年"m"月"d"日").
DATE_FORMAT_IDS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])
_FORMAT_NOISE = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')
_DATE_TOKENS = re.compile(r"[dmyhsDMYHS]")
CHUNK = 1 << 16


class XlsxError(Exception):
    """The file is not a workbook this reader understands."""


class XlsxTooLarge(XlsxError):
    """The workbook exceeds one of the reader's limits: ``what`` is "uncompressed", "strings", "cell", "row" or
    "columns", ``limit`` the limit it exceeds. Raised before the part is read whole, so a hostile file costs little."""

    def __init__(self, what: str, limit: int):
        super().__init__(f"{what} over {limit}")
        self.what, self.limit = what, limit


@dataclass(frozen=True)
class Limits:
    """What a workbook may hold before the reader refuses it (0: no limit). ``uncompressed``: the bytes of all its
    parts once unzipped, as the archive declares them (zipfile never reads past a part's declared size);
    ``strings``: the bytes of the shared strings part; ``cell``: characters in one cell; ``row``: characters of one
    row's XML; ``columns``: the column of the last non-empty cell of a row."""

    uncompressed: int = 0
    strings: int = 0
    cell: int = 0
    row: int = 0
    columns: int = 0


NO_LIMITS = Limits()


def check_archive(file, limits: Limits) -> None:
    """Raises XlsxTooLarge when the workbook's parts, once unzipped, exceed ``limits`` (as the archive declares
    them); for readers that load parts whole, such as openpyxl. Not a zip: nothing to check here."""
    position = file.tell()
    try:
        with zipfile.ZipFile(file) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    finally:
        file.seek(position)
    _check_sizes(infos, limits)


def _check_sizes(infos, limits: Limits) -> None:
    """The archive's declared sizes against ``limits`` (zipfile never reads a part past its declared size)."""
    if limits.uncompressed and sum(info.file_size for info in infos) > limits.uncompressed:
        raise XlsxTooLarge("uncompressed", limits.uncompressed)
    if limits.strings and any(info.filename.lower().endswith("sharedstrings.xml") and info.file_size > limits.strings
                              for info in infos):
        raise XlsxTooLarge("strings", limits.strings)


def _local(name: str) -> str:
    return name.rpartition(" ")[2]


def is_date_format(code: str) -> bool:
    """Whether a custom number format shows a date or time: a d, m, y, h or s in its first section once quoted
    text, [colours and locales], escapes and spacing marks are taken out (as openpyxl decides)."""
    return bool(_DATE_TOKENS.search(_FORMAT_NOISE.sub("", code.split(";")[0])))


def _parse(data, start=None, end=None, text=None) -> None:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.buffer_size = CHUNK
    if start:
        parser.StartElementHandler = start
    if end:
        parser.EndElementHandler = end
    if text:
        parser.CharacterDataHandler = text
    try:
        if isinstance(data, bytes):
            parser.Parse(data, True)
        else:
            while chunk := data.read(CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise XlsxError(str(exc)) from exc


@dataclass(frozen=True)
class _Relationship:
    id: str | None
    kind: str  # the last segment of its Type: officeDocument, worksheet, sharedStrings, styles…
    target: str  # the part it points to, as named in the archive


def _relationships(archive: zipfile.ZipFile, part: str = "") -> list[_Relationship]:
    """The relationships of ``part`` (of the package itself when ""), each target resolved to a part name."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    found = []

    def start(tag, attrs):
        if _local(tag) == "Relationship" and "Target" in attrs:
            target = attrs["Target"]
            target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join(folder, target))
            found.append(_Relationship(attrs.get("Id"), attrs.get("Type", "").rpartition("/")[2], target))

    if rels in archive.namelist():
        _parse(archive.read(rels), start=start)
    return found


class Workbook:
    """One workbook's parts: where the first sheet is, its shared strings and which styles are dates."""

    def __init__(self, file, limits: Limits = NO_LIMITS):
        self.limits = limits
        try:
            self.archive = zipfile.ZipFile(file)
            names = set(self.archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise XlsxError(str(exc)) from exc
        _check_sizes(self.archive.infolist(), limits)
        try:
            book = self._workbook_part(names)
            sheets, self.date1904 = [], False

            def start(tag, attrs):
                name = _local(tag)
                if name == "sheet":
                    sheets.append(next((v for k, v in attrs.items() if k.endswith(" id") or k == "r:id"), None))
                elif name == "workbookPr":
                    self.date1904 = attrs.get("date1904") in ("1", "true")

            _parse(self.archive.read(book), start=start)
            relationships = _relationships(self.archive, book)
            by_id = {r.id: r.target for r in relationships if r.id is not None}
            if not sheets or sheets[0] not in by_id or by_id[sheets[0]] not in names:
                raise XlsxError("the workbook has no sheet")
            self.sheet_part = by_id[sheets[0]]
            by_type = {r.kind: r.target for r in relationships}
            self.strings = self._shared_strings(by_type.get("sharedStrings"))
            self.date_styles = self._date_styles(by_type.get("styles"))
        except (KeyError, zipfile.BadZipFile, OSError, EOFError, zipfile.LargeZipFile) as exc:
            raise XlsxError(str(exc)) from exc

    def _workbook_part(self, names) -> str:
        found = [r.target for r in _relationships(self.archive) if r.kind == "officeDocument"]
        part = found[0] if found else "xl/workbook.xml"
        if part not in names:
            raise XlsxError("no workbook part")
        return part

    def _shared_strings(self, part: str | None) -> list[str]:
        if not part or part not in self.archive.namelist():
            return []
        limits = self.limits
        if limits.strings and self.archive.getinfo(part).file_size > limits.strings:
            raise XlsxTooLarge("strings", limits.strings)
        strings: list[str] = []
        state = {"parts": None, "in_t": False, "skip": 0, "length": 0}

        def start(tag, attrs):
            name = _local(tag)
            if name == "si":
                state["parts"] = []
                state["length"] = 0
            elif name in ("rPh", "phoneticPr"):
                state["skip"] += 1
            elif name == "t" and not state["skip"]:
                state["in_t"] = True

        def end(tag):
            name = _local(tag)
            if name == "si":
                strings.append("".join(state["parts"]))
                state["parts"] = None
            elif name in ("rPh", "phoneticPr"):
                state["skip"] -= 1
            elif name == "t":
                state["in_t"] = False

        def text(data):
            if state["in_t"]:
                state["length"] += len(data)
                if limits.cell and state["length"] > limits.cell:
                    raise XlsxTooLarge("cell", limits.cell)
                state["parts"].append(data)

        with self.archive.open(part) as stream:
            _parse(stream, start, end, text)
        return strings

    def _date_styles(self, part: str | None) -> frozenset[int]:
        if not part or part not in self.archive.namelist():
            return frozenset()
        custom: dict[int, str] = {}
        formats: list[int] = []
        depth = {"xfs": False}

        def start(tag, attrs):
            name = _local(tag)
            if name == "numFmt":
                try:
                    custom[int(attrs.get("numFmtId", ""))] = attrs.get("formatCode", "")
                except ValueError:
                    pass
            elif name == "cellXfs":
                depth["xfs"] = True
            elif name == "xf" and depth["xfs"]:
                try:
                    formats.append(int(attrs.get("numFmtId", "0")))
                except ValueError:
                    formats.append(0)

        def end(tag):
            if _local(tag) == "cellXfs":
                depth["xfs"] = False

        _parse(self.archive.read(part), start, end)
        dates = set()
        for index, number in enumerate(formats):
            if number in custom:
                if is_date_format(custom[number]):
                    dates.add(index)
            elif number in DATE_FORMAT_IDS:
                dates.add(index)
        return frozenset(dates)

    def dimension_rows(self) -> int:
        """The sheet's last row as its <dimension> states it (0 when absent): for progress bars."""
        with self.archive.open(self.sheet_part) as stream:
            head = stream.read(4096).decode("utf-8", "ignore")
        match = re.search(r"<(?:\w+:)?dimension\s+ref=\"[A-Z]*\d*:?[A-Z]*(\d+)\"", head)
        return int(match.group(1)) if match else 0

    def rows(self) -> Iterator[tuple[int, list]]:
        """(row number, values) for each row of the first sheet that has a cell; values by column, None between."""
        reader = _SheetReader(self)
        decoder = codecs.getincrementaldecoder("utf-8")()
        pending = ""
        most = self.limits.row
        try:
            with self.archive.open(self.sheet_part) as stream:
                while chunk := stream.read(CHUNK):
                    pending += decoder.decode(chunk)
                    cut = _after_last_row(pending)
                    if cut < 0:
                        if most and len(pending) > most:  # one row longer than any real row: a cell too large
                            raise XlsxTooLarge("row", most)
                        continue
                    yield from reader.rows(pending[:cut])
                    pending = pending[cut:]
                pending += decoder.decode(b"", final=True)
            yield from reader.rows(pending)
        except (UnicodeDecodeError, zipfile.BadZipFile, OSError, EOFError) as exc:
            raise XlsxError(str(exc)) from exc

    def close(self) -> None:
        self.archive.close()


def _after_last_row(text: str) -> int:
    """The position just after the last closing </row> (or </x:row>) in ``text``; -1 when there is none."""
    end = text.rfind("row>")
    while end >= 0:
        opening = text.rfind("<", 0, end)
        if opening >= 0 and text[opening + 1:opening + 2] == "/":
            return end + 4
        end = text.rfind("row>", 0, end)  # an opening <row> without attributes
    return -1


def _column(ref: str) -> int:
    """The zero-based column of a cell reference such as "AB12"."""
    number = 0
    for char in ref:
        if "A" <= char <= "Z":
            number = number * 26 + ord(char) - 64
        else:
            break
    return number - 1


# The sheet is cut into rows and cells with str.split and str.find (C speed, one Python step per cell)
# rather than handed to an XML parser event by event or matched by regular expressions, which is what makes
# this reader several times faster than openpyxl's. Prefixed names (<x:c>) are unprefixed first; self-closing
# cells and rows, inline and rich text (phonetic runs left out, as Excel shows the cell), formulas' cached
# values and entities are handled.
_PREFIXED = re.compile(r"<(/?)\w+:")
_ROW_ATTRS = re.compile(r"\br=\"(\d+)\"")
_REF = re.compile(r"\br=\"([A-Z]+)")
_TYPE = re.compile(r"\bt=\"(\w+)\"")
_STYLE = re.compile(r"\bs=\"(\d+)\"")
_VALUE = re.compile(r"<v(?:\s[^>]*)?>(.*?)</v>", re.S)
_TEXT = re.compile(r"<t(?:\s[^>]*)?>(.*?)</t>", re.S)
_PHONETIC = re.compile(r"<rPh\b.*?</rPh>", re.S)


class _SheetReader:
    """Turns the text of whole <row> elements into (row number, values)."""

    def __init__(self, book: Workbook):
        self.strings = book.strings
        self.date_styles = book.date_styles
        self.epoch = EPOCH_1904 if book.date1904 else EPOCH
        self.row_number = 0
        self.prefixed: bool | None = None
        self.cell_limit = book.limits.cell
        self.column_limit = book.limits.columns

    def rows(self, text: str) -> Iterator[tuple[int, list]]:
        if self.prefixed is None and "sheetData" in text:
            self.prefixed = "<sheetData" not in text
        if self.prefixed:
            text = _PREFIXED.sub(r"<\1", text)
        pieces = text.split("<row")
        for piece in pieces[1:]:
            if piece[:1] not in (" ", ">", "/"):
                continue  # <rowBreaks> and the like
            head_end = piece.find(">")
            if head_end < 0:
                continue
            head = piece[:head_end]
            number = _ROW_ATTRS.search(head) if 'r="' in head else None
            self.row_number = int(number.group(1)) if number else self.row_number + 1
            if head.endswith("/"):
                continue  # <row r="5"/>
            body_end = piece.find("</row>", head_end)
            body = piece[head_end + 1:body_end if body_end >= 0 else len(piece)]
            row = self.cells(body)
            if row:
                yield self.row_number, row

    def cells(self, body: str) -> list:
        row: list = []
        column = 0
        if "<c/>" in body or "<c>" in body or "<c\n" in body or "<c\t" in body or "<c\r" in body:
            for odd, plain in (("<c/>", "<c />"), ("<c>", "<c >"), ("<c\n", "<c "), ("<c\t", "<c "), ("<c\r", "<c ")):
                body = body.replace(odd, plain)
        for piece in body.split("<c ")[1:]:
            attrs_end = piece.find(">")
            attrs = piece[:attrs_end]
            if attrs.startswith('r="'):
                column = _column(attrs[3:])
            elif ' r="' in attrs:
                found = _REF.search(attrs)
                if found:
                    column = _column(found.group(1))
            if not attrs.endswith("/"):
                end = piece.find("</c>", attrs_end)
                value = self.value(attrs, piece[attrs_end + 1:end if end >= 0 else len(piece)])
                if value is not None:
                    if self.column_limit and column >= self.column_limit:
                        raise XlsxTooLarge("columns", self.column_limit)
                    if self.cell_limit and isinstance(value, str) and len(value) > self.cell_limit:
                        raise XlsxTooLarge("cell", self.cell_limit)
                    if column > len(row):
                        row.extend([None] * (column - len(row)))
                    if column == len(row):
                        row.append(value)
                    else:
                        row[column] = value
            column += 1
        return row

    def value(self, attrs: str, content: str):
        kind = "n"
        if 't="' in attrs:
            found = _TYPE.search(attrs)
            if found:
                kind = found.group(1)
        if kind == "inlineStr":
            if "rPh" in content:
                content = _PHONETIC.sub("", content)
            start = content.find("<t")
            if start >= 0 and content.find("<t", start + 2) < 0:  # one run: <is><t>text</t></is>
                end = content.find("</t>", start)
                text = content[content.find(">", start) + 1:end] if end >= 0 else ""
                if content[start + 2] not in (">", " "):  # <tag> other than <t>
                    text = "".join(_TEXT.findall(content))
            else:
                text = "".join(_TEXT.findall(content))
            return unescape(text) if "&" in text else text
        start = content.find("<v>")
        if start >= 0:
            end = content.find("</v>", start)
            text = content[start + 3:end] if end >= 0 else ""
        else:
            found = _VALUE.search(content)
            if found is None:
                return None
            text = found.group(1)
        if "&" in text:
            text = unescape(text)
        if kind == "s":
            try:
                return self.strings[int(text)]
            except (IndexError, ValueError) as exc:
                raise XlsxError(f"shared string {text!r}") from exc
        if kind == "str":
            return text if text else None
        if not text:
            return None
        if kind == "n":
            if 's="' in attrs and self.date_styles:
                style = _STYLE.search(attrs)
                if style and int(style.group(1)) in self.date_styles:
                    try:
                        return self.epoch + datetime.timedelta(days=float(text))
                    except (ValueError, OverflowError):
                        return text
            try:
                return float(text) if "." in text or "E" in text or "e" in text else int(text)
            except ValueError:
                return text
        if kind == "b":
            return text == "1"
        if kind == "d":
            try:
                return datetime.datetime.fromisoformat(text.rstrip("Z"))
            except ValueError:
                return text
        return text  # "e": an error such as #N/A, shown as written

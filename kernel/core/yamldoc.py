"""What the definition file formats share (standards, duty rules, workflows): YAML read as nodes, so that every
problem is reported with its line, and checked value by value into a plain document.

A format's checker subclasses ``Checker`` and adds its own document's shape; ``FormatError`` carries every
problem found, as (line, reason), line 1 being the first.
"""
import datetime
import re

import yaml
from django.utils.translation import gettext as _

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
# Days fit the models' small integer columns.
MAX_DAYS = 3660


class FormatError(ValueError):
    """A definition file that cannot be used; ``errors`` lists (line, reason), line 1 being the first."""

    def __init__(self, errors):
        self.errors = sorted(set(errors), key=lambda error: (error[0], error[1]))
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        return [_("line %(line)d: %(reason)s") % {"line": line, "reason": reason} for line, reason in self.errors]


class _Bad:
    """A value already reported as wrong: later checks skip it instead of piling up errors."""

    def __bool__(self):
        return False


BAD = _Bad()


def line_of(node) -> int:
    return node.start_mark.line + 1


class Checker:
    """Reads values out of YAML nodes, recording what is wrong and answering ``BAD`` for it."""

    def __init__(self):
        self.errors: list[tuple[int, str]] = []
        self.constructor = yaml.SafeLoader("")

    def document(self, root) -> dict:
        """The whole file's document from its root node (None for an empty file)."""
        raise NotImplementedError

    def error(self, node, reason: str):
        self.errors.append((line_of(node), reason))
        return BAD

    # --- shapes -------------------------------------------------------------------------------------------------

    def mapping(self, node, known, required, what: str) -> dict | None:
        """The mapping's keys → value nodes; unknown, repeated and missing keys are reported."""
        if not isinstance(node, yaml.MappingNode):
            self.error(node, _("%(what)s must be a mapping of keys to values.") % {"what": what})
            return None
        found = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key not in known:
                self.error(key_node, _("Unknown key “%(key)s”; allowed here: %(known)s.")
                           % {"key": key, "known": ", ".join(known)})
            elif key in found:
                self.error(key_node, _("The key “%(key)s” appears twice.") % {"key": key})
            else:
                found[key] = value_node
        for key in required:
            if key not in found:
                self.error(node, _("%(what)s needs the key “%(key)s”.") % {"what": what, "key": key})
        return found

    def sequence(self, node, what: str, *, at_least_one: bool = True) -> list:
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, _("%(what)s must be a list.") % {"what": what})
            return []
        if at_least_one and not node.value:
            self.error(node, _("%(what)s needs at least one entry.") % {"what": what})
        return node.value

    def listing(self, node, what: str, read) -> list:
        """A list of values each read by ``read(entry_node)``, none twice; an empty scalar is an empty list."""
        if node is None:
            return []
        if isinstance(node, yaml.ScalarNode) and self.scalar(node, what) in (None, ""):
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, _("%(what)s must be a list.") % {"what": what})
            return BAD
        values = []
        for entry in node.value:
            value = read(entry)
            if value is BAD:
                continue
            if value in values:
                self.error(entry, _("“%(value)s” is listed twice.") % {"value": value})
                continue
            values.append(value)
        return values

    def scalar(self, node, what: str):
        if not isinstance(node, yaml.ScalarNode):
            return self.error(node, _("%(what)s must be a single value.") % {"what": what})
        try:
            return self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError):  # ValueError: a date-looking value that is no date (2025-02-30)
            return self.error(node, _("%(what)s is not a valid value.") % {"what": what})

    # --- values -------------------------------------------------------------------------------------------------

    def text(self, node, what: str, *, max_length: int = 0, required: bool = True):
        if node is None:
            return ""
        value = self.scalar(node, what)
        if value is BAD:
            return BAD
        if value is None:
            value = ""
        if isinstance(value, (bool, list, dict)):
            return self.error(node, _("%(what)s must be text.") % {"what": what})
        value = str(value).strip()
        if required and not value:
            return self.error(node, _("%(what)s cannot be empty.") % {"what": what})
        if max_length and len(value) > max_length:
            return self.error(node, _("%(what)s is longer than %(max)d characters.") % {"what": what, "max": max_length})
        return value

    def code(self, node, what: str, max_length: int, pattern=CODE):
        value = self.scalar(node, what)
        if value is BAD:
            return BAD
        value = "" if value is None else str(value)
        if not pattern.match(value):
            return self.error(node, _("%(what)s “%(value)s” must be letters, digits, “-” or “_”.")
                              % {"what": what, "value": value})
        if len(value) > max_length:
            return self.error(node, _("%(what)s is longer than %(max)d characters.") % {"what": what, "max": max_length})
        return value

    def choice(self, node, what: str, choices):
        value = self.scalar(node, what)
        if value is BAD:
            return BAD
        if value not in list(choices):
            return self.error(node, _("%(what)s must be one of: %(choices)s.")
                              % {"what": what, "choices": ", ".join(choices)})
        return value

    def boolean(self, node, what: str, default: bool):
        if node is None:
            return default
        value = self.scalar(node, what)
        if value is BAD:
            return BAD
        if not isinstance(value, bool):
            return self.error(node, _("%(what)s must be true or false.") % {"what": what})
        return value

    def whole_number(self, node, what: str, default, *, minimum: int = 0, maximum: int = MAX_DAYS,
                     nullable: bool = False):
        if node is None:
            return default
        value = self.scalar(node, what)
        if value is BAD:
            return BAD
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            return self.error(node, _("%(what)s must be a whole number.") % {"what": what})
        if not minimum <= value <= maximum:
            return self.error(node, _("%(what)s must lie between %(min)s and %(max)s.")
                              % {"what": what, "min": minimum, "max": maximum})
        return value

    def date(self, node, what: str, *, required: bool):
        """A date written YYYY-MM-DD, as ISO text."""
        if node is None:
            return None
        value = self.scalar(node, what)
        if value is BAD:
            return BAD
        if value is None and not required:
            return None
        if isinstance(value, str):
            try:
                value = datetime.date.fromisoformat(value)
            except ValueError:
                pass
        if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
            return self.error(node, _("%(what)s must be a date written YYYY-MM-DD.") % {"what": what})
        return value.isoformat()


def read(text, checker: Checker) -> dict:
    """The document ``checker`` reads out of ``text`` (str, or bytes in UTF-8); ``FormatError`` lists every
    problem with its line, from a file that is not text or not YAML to every wrong value in it."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FormatError([(1, _("The file is not UTF-8 text."))]) from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise FormatError([(mark.line + 1 if mark else 1, _("The file is not valid YAML: %(problem)s.")
                            % {"problem": exc.problem or exc.context or ""})]) from None
    except yaml.YAMLError as exc:
        raise FormatError([(1, _("The file is not valid YAML: %(problem)s.") % {"problem": exc})]) from None
    document = checker.document(root)
    if checker.errors:
        raise FormatError(checker.errors)
    return document


class Dumper(yaml.SafeDumper):
    """Writes definition files: text with line breaks as a literal block (``|``), text with a NEL, LS or PS
    double-quoted (escaped), the rest as PyYAML would."""


# Line breaks YAML 1.1 reads in plain and block text besides "\n" (NEL, LS, PS): only double quotes keep them.
_OTHER_BREAKS = ("\x85", "\u2028", "\u2029")


def _text(dumper, value: str):
    if any(mark in value for mark in _OTHER_BREAKS):
        style = '"'
    else:
        style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


Dumper.add_representer(str, _text)


def dump(document) -> str:
    """``document`` as a readable definition file: keys in the document's order, Chinese as written, no flow style."""
    return yaml.dump(document, Dumper=Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False,
                     width=120)

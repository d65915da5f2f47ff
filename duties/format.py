"""The duty rule file format: YAML in, a validated document (dict) out, and back.

``parse(text)`` checks everything a rule needs and refuses a malformed file with every problem
found, each with its line (``FormatError.errors``: a list of (line, reason)). ``dump(version)``
writes a version's document back as YAML that ``parse`` reads to the same document.
"""
import datetime
import re

import yaml
from django.utils.translation import gettext as _

from .models import Cadence, DutyKind, Recipient, SubjectKind

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
CODE_LENGTH = 64

KEYS = ("code", "name", "description", "effective_from", "subject", "applies_to", "recipient", "kind", "topic",
        "cadence", "due_days", "due_on", "grace_days", "min_count", "remind_days", "escalate_days",
        "backfill_days", "review")
REQUIRED = ("code", "name", "effective_from", "subject", "kind", "cadence")
APPLIES_TO_KEYS = {SubjectKind.ORGANIZATION: ("org_types", "domains"), SubjectKind.PERSON: ("posts",)}
# Days fit the model's small integer columns.
MAX_DAYS = 3660

DEFAULTS = {
    "description": "", "applies_to": {}, "recipient": Recipient.PARENT.value, "topic": "", "due_days": 0,
    "due_on": None, "grace_days": 0, "min_count": 1, "remind_days": 3, "escalate_days": 7, "backfill_days": None,
    "review": False,
}


class FormatError(ValueError):
    """A rule file that cannot be used; ``errors`` lists (line, reason), line 1 being the first."""

    def __init__(self, errors):
        self.errors = sorted(set(errors), key=lambda error: (error[0], error[1]))
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        return [_("line %(line)d: %(reason)s") % {"line": line, "reason": reason} for line, reason in self.errors]


class _Bad:
    """A value already reported as wrong."""

    def __bool__(self):
        return False


BAD = _Bad()


def _line(node) -> int:
    return node.start_mark.line + 1


class _Checker:
    def __init__(self):
        self.errors: list[tuple[int, str]] = []
        self.constructor = yaml.SafeLoader("")

    def error(self, node, reason: str):
        self.errors.append((_line(node), reason))
        return BAD

    def mapping(self, node, known, required, what: str) -> dict | None:
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

    def scalar(self, node, what: str):
        if not isinstance(node, yaml.ScalarNode):
            return self.error(node, _("%(what)s must be a single value.") % {"what": what})
        try:
            return self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError):
            return self.error(node, _("%(what)s is not a valid value.") % {"what": what})

    def text(self, node, what: str, *, max_length: int = 0, required: bool = True):
        if node is None:
            return ""
        value = self.scalar(node, what)
        if value is BAD:
            return BAD
        if value is None:
            value = ""
        if isinstance(value, bool):
            return self.error(node, _("%(what)s must be text.") % {"what": what})
        value = str(value).strip()
        if required and not value:
            return self.error(node, _("%(what)s cannot be empty.") % {"what": what})
        if max_length and len(value) > max_length:
            return self.error(node, _("%(what)s is longer than %(max)d characters.") % {"what": what, "max": max_length})
        return value

    def code(self, node):
        value = self.scalar(node, "code")
        if value is BAD:
            return BAD
        value = "" if value is None else str(value)
        if not CODE.match(value):
            return self.error(node, _("%(what)s “%(value)s” must be letters, digits, “-” or “_”.")
                              % {"what": _("The rule's code"), "value": value})
        if len(value) > CODE_LENGTH:
            return self.error(node, _("%(what)s is longer than %(max)d characters.")
                              % {"what": _("The rule's code"), "max": CODE_LENGTH})
        return value

    def choice(self, node, what: str, choices):
        value = self.scalar(node, what)
        if value is BAD:
            return BAD
        if value not in list(choices):
            return self.error(node, _("%(what)s must be one of: %(choices)s.")
                              % {"what": what, "choices": ", ".join(choices)})
        return value

    def date(self, node, what: str, *, required: bool):
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

    def number(self, node, what: str, *, minimum: int = 0, maximum: int = MAX_DAYS, nullable: bool = False):
        if node is None:
            return DEFAULTS.get(what)
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

    def boolean(self, node, what: str):
        if node is None:
            return DEFAULTS[what]
        value = self.scalar(node, what)
        if value is BAD:
            return BAD
        if not isinstance(value, bool):
            return self.error(node, _("%(what)s must be true or false.") % {"what": what})
        return value

    def applies_to(self, node, subject) -> dict:
        if node is None or subject is BAD:
            return {}
        if isinstance(node, yaml.ScalarNode) and self.scalar(node, "applies_to") in (None, ""):
            return {}
        keys = self.mapping(node, APPLIES_TO_KEYS[subject], (), "applies_to")
        if keys is None:
            return {}
        result = {}
        for key, value_node in keys.items():
            if not isinstance(value_node, yaml.SequenceNode):
                self.error(value_node, _("%(what)s must be a list.") % {"what": key})
                continue
            values = []
            for entry in value_node.value:
                value = self.choice(entry, key, _applies_to_values(key))
                if value is BAD:
                    continue
                if value in values:
                    self.error(entry, _("“%(value)s” is listed twice.") % {"value": value})
                values.append(value)
            result[key] = values
        return result

    def document(self, root) -> dict:
        if root is None:
            self.errors.append((1, _("The file is empty.")))
            return {}
        keys = self.mapping(root, KEYS, REQUIRED, _("The rule"))
        if keys is None:
            return {}

        def get(key, reader, *args, **kwargs):
            return reader(keys[key], *args, **kwargs) if key in keys else BAD

        subject = get("subject", self.choice, _("The subject"), SubjectKind.values)
        cadence = get("cadence", self.choice, _("The cadence"), Cadence.values)
        document = {
            "code": get("code", self.code),
            "name": get("name", self.text, _("The rule's name"), max_length=200),
            "description": self.text(keys.get("description"), _("The description"), required=False),
            "effective_from": get("effective_from", self.date, "effective_from", required=True),
            "subject": subject,
            "applies_to": self.applies_to(keys.get("applies_to"), subject),
            "recipient": (self.choice(keys["recipient"], "recipient", Recipient.values) if "recipient" in keys
                          else DEFAULTS["recipient"]),
            "kind": get("kind", self.choice, _("The kind"), DutyKind.values),
            "topic": self.text(keys.get("topic"), "topic", max_length=64, required=False),
            "cadence": cadence,
            "due_days": self.number(keys.get("due_days"), "due_days"),
            "due_on": self.date(keys.get("due_on"), "due_on", required=False),
            "grace_days": self.number(keys.get("grace_days"), "grace_days"),
            "min_count": self.number(keys.get("min_count"), "min_count", minimum=1, maximum=10_000),
            "remind_days": self.number(keys.get("remind_days"), "remind_days"),
            "escalate_days": self.number(keys.get("escalate_days"), "escalate_days"),
            "backfill_days": self.number(keys.get("backfill_days"), "backfill_days", nullable=True),
            "review": self.boolean(keys.get("review"), "review"),
        }
        if cadence == Cadence.ONCE and document["due_on"] is None:
            self.error(root, _("A rule with the cadence “once” needs “due_on”."))
        if cadence not in (Cadence.ONCE, BAD) and document["due_on"] is not None:
            self.error(keys["due_on"], _("Only a rule with the cadence “once” has “due_on”; the others use "
                                         "“due_days”."))
        if (cadence == Cadence.ONCE and isinstance(document["due_on"], str)
                and isinstance(document["effective_from"], str) and document["due_on"] < document["effective_from"]):
            self.error(keys["due_on"], _("“due_on” cannot come before “effective_from”."))
        return document


def _applies_to_values(key: str) -> list[str]:
    from orgs.models import Domain, OrgType
    from people.choices import PostTitle

    return {"posts": list(PostTitle.values), "org_types": list(OrgType.values), "domains": list(Domain.values)}[key]


def parse(text) -> dict:
    """The validated document of a rule file; ``FormatError`` lists every problem with its line."""
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
    checker = _Checker()
    document = checker.document(root)
    if checker.errors:
        raise FormatError(checker.errors)
    return document


# --- writing ----------------------------------------------------------------------------------------------------

def _iso(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


def normalized(document: dict) -> dict:
    """Any document (from parse or built by hand) with every key present, defaults filled, dates as text."""
    out = {key: document.get(key, DEFAULTS.get(key)) for key in KEYS}
    out["description"] = out["description"] or ""
    out["topic"] = out["topic"] or ""
    out["applies_to"] = {key: list(values) for key, values in (out["applies_to"] or {}).items()}
    out["effective_from"] = _iso(out["effective_from"])
    out["due_on"] = _iso(out["due_on"])
    out["review"] = bool(out["review"])
    return out


class _Dumper(yaml.SafeDumper):
    pass


def _text(dumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def dump(version) -> str:
    """A version (or a document) as a rule file that ``parse`` reads back to the same document."""
    document = normalized(getattr(version, "document", version))
    out = {}
    for key in KEYS:
        value = document[key]
        if key in REQUIRED or key in ("due_days", "grace_days", "min_count") or value != DEFAULTS.get(key):
            out[key] = datetime.date.fromisoformat(value) if key in ("effective_from", "due_on") and value else value
    return yaml.dump(out, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False, width=120)

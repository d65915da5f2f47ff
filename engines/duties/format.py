"""The duty rule file format: YAML in, a validated document (dict) out, and back.

``parse(text)`` checks everything a rule needs and refuses a malformed file with every problem
found, each with its line (``FormatError.errors``: a list of (line, reason)). ``dump(version)``
writes a version's document back as YAML that ``parse`` reads to the same document.
"""
import datetime

import yaml
from django.utils.translation import gettext as _

from kernel.core import yamldoc
from kernel.core.yamldoc import BAD, CODE, Checker, read
from kernel.core.yamldoc import FormatError as FormatError  # the format's error, as callers name it

from .models import Cadence, DutyKind, Recipient, SubjectKind

CODE_LENGTH = 64

KEYS = ("code", "name", "description", "effective_from", "subject", "applies_to", "recipient", "kind", "topic",
        "cadence", "due_days", "due_on", "grace_days", "min_count", "remind_days", "escalate_days",
        "backfill_days", "review")
REQUIRED = ("code", "name", "effective_from", "subject", "kind", "cadence")
APPLIES_TO_KEYS = {SubjectKind.ORGANIZATION: ("org_types", "domains"), SubjectKind.PERSON: ("posts",)}

DEFAULTS = {
    "description": "", "applies_to": {}, "recipient": Recipient.PARENT.value, "topic": "", "due_days": 0,
    "due_on": None, "grace_days": 0, "min_count": 1, "remind_days": 3, "escalate_days": 7, "backfill_days": None,
    "review": False,
}


class _Checker(Checker):
    def code(self, node, what: str = "", max_length: int = CODE_LENGTH, pattern=CODE):
        return super().code(node, what or _("The rule's code"), max_length, pattern)

    def number(self, node, what: str, **limits):
        return self.whole_number(node, what, DEFAULTS.get(what), **limits)

    def boolean(self, node, what: str, default=None):
        return super().boolean(node, what, DEFAULTS[what] if default is None else default)

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
    from kernel.orgs.models import Domain, OrgType
    from kernel.people.choices import PostTitle

    return {"posts": list(PostTitle.values), "org_types": list(OrgType.values), "domains": list(Domain.values)}[key]


def parse(text) -> dict:
    """The validated document of a rule file; ``FormatError`` lists every problem with its line."""
    return read(text, _Checker())


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


def dump(version) -> str:
    """A version (or a document) as a rule file that ``parse`` reads back to the same document."""
    document = normalized(getattr(version, "document", version))
    out = {}
    for key in KEYS:
        value = document[key]
        if key in REQUIRED or key in ("due_days", "grace_days", "min_count") or value != DEFAULTS.get(key):
            out[key] = datetime.date.fromisoformat(value) if key in ("effective_from", "due_on") and value else value
    return yamldoc.dump(out)

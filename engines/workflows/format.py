"""The workflow file format: YAML in, a validated document (dict) out, and back.

``parse(text)`` checks everything a workflow needs and refuses a malformed file with every problem
found, each with its line (``FormatError.errors``: a list of (line, reason)). ``dump(version)`` writes
a version's document back as YAML that ``parse`` reads to the same document.
"""
import re

import yaml
from django.utils.translation import gettext as _

from kernel.accounts.roles import Role
from kernel.core import yamldoc
from kernel.core.yamldoc import BAD, Checker, read
from kernel.core.yamldoc import FormatError as FormatError  # the format's error, as callers name it

from .models import SubjectKind

FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
CODE_LENGTH = 64
STAGE_CODE_LENGTH = 32
VOTE_RULES = ("majority", "two_thirds")

KEYS = ("code", "name", "description", "subject", "fields", "stages")
REQUIRED = ("code", "name", "subject", "stages")
STAGE_KEYS = ("code", "name", "actors", "required_fields", "attachments", "approval_roles", "vote", "wait_days",
              "no_open_objections", "time_limit_days", "remind_days", "back_to", "final")
STAGE_REQUIRED = ("code", "name")
VOTE_KEYS = ("for", "eligible", "rule")
FIELD_KEYS = ("label", "type")
FIELD_TYPES = ("text", "int", "date")

STAGE_DEFAULTS = {
    "actors": [], "required_fields": [], "attachments": 0, "approval_roles": [], "vote": {}, "wait_days": 0,
    "no_open_objections": False, "time_limit_days": None, "remind_days": 3, "back_to": [], "final": False,
}


class _Checker(Checker):
    number = Checker.whole_number

    def roles(self, node, what: str) -> list:
        return self.listing(node, what, lambda entry: self.choice(entry, what, Role.values))

    def fields(self, node, what: str) -> list:
        return self.listing(node, what, lambda entry: self.code(entry, what, 64, FIELD))

    def vote(self, node) -> dict:
        if node is None:
            return {}
        if isinstance(node, yaml.ScalarNode) and self.scalar(node, "vote") in (None, ""):
            return {}
        keys = self.mapping(node, VOTE_KEYS, VOTE_KEYS, "vote")
        if keys is None:
            return BAD
        vote = {key: self.code(keys[key], f"vote.{key}", 64, FIELD) for key in ("for", "eligible") if key in keys}
        if "rule" in keys:
            vote["rule"] = self.choice(keys["rule"], "vote.rule", VOTE_RULES)
        if vote.get("for") and vote.get("for") == vote.get("eligible"):
            self.error(node, _("The vote needs two different fields for the votes for and the eligible voters."))
        return vote

    def field_labels(self, node) -> dict:
        """``fields: {key: {label: ..., type: text|int|date}}`` (or ``key: label``): how the data fields are named."""
        if node is None or (isinstance(node, yaml.ScalarNode) and self.scalar(node, "fields") in (None, "")):
            return {}
        if not isinstance(node, yaml.MappingNode):
            self.error(node, _("%(what)s must be a mapping of keys to values.") % {"what": "fields"})
            return {}
        fields = {}
        for key_node, value_node in node.value:
            key = self.code(key_node, _("A field's key"), 64, FIELD)
            if key is BAD:
                continue
            if key in fields:
                self.error(key_node, _("The key “%(key)s” appears twice.") % {"key": key})
                continue
            if isinstance(value_node, yaml.ScalarNode):
                fields[key] = {"label": self.text(value_node, f"fields.{key}", max_length=100)}
                continue
            keys = self.mapping(value_node, FIELD_KEYS, ("label",), f"fields.{key}")
            if keys is None:
                continue
            field = {"label": self.text(keys["label"], f"fields.{key}.label", max_length=100)} if "label" in keys \
                else {}
            if "type" in keys:
                field["type"] = self.choice(keys["type"], f"fields.{key}.type", FIELD_TYPES)
            fields[key] = field
        return fields

    def stage(self, node) -> dict | None:
        keys = self.mapping(node, STAGE_KEYS, STAGE_REQUIRED, _("A stage"))
        if keys is None:
            return None
        stage = {
            "code": self.code(keys["code"], _("The stage's code"), STAGE_CODE_LENGTH) if "code" in keys else BAD,
            "name": self.text(keys["name"], _("The stage's name"), max_length=100) if "name" in keys else BAD,
            "actors": self.roles(keys.get("actors"), "actors"),
            "required_fields": self.fields(keys.get("required_fields"), "required_fields"),
            "attachments": self.number(keys.get("attachments"), "attachments", 0, maximum=100),
            "approval_roles": self.roles(keys.get("approval_roles"), "approval_roles"),
            "vote": self.vote(keys.get("vote")),
            "wait_days": self.number(keys.get("wait_days"), "wait_days", 0),
            "no_open_objections": self.boolean(keys.get("no_open_objections"), "no_open_objections", False),
            "time_limit_days": self.number(keys.get("time_limit_days"), "time_limit_days", None, minimum=1,
                                           nullable=True),
            "remind_days": self.number(keys.get("remind_days"), "remind_days", 3),
            "back_to": self.listing(keys.get("back_to"), "back_to",
                                    lambda entry: self.code(entry, "back_to", STAGE_CODE_LENGTH)),
            "final": self.boolean(keys.get("final"), "final", False),
        }
        stage["_node"] = node
        stage["_keys"] = keys
        return stage

    def stages(self, node) -> list[dict]:
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            self.error(node, _("“stages” must be a list of at least two stages."))
            return []
        stages = [stage for stage in (self.stage(entry) for entry in node.value) if stage is not None]
        if len(node.value) < 2:
            self.error(node, _("“stages” must be a list of at least two stages."))
        seen: dict[str, int] = {}
        for index, stage in enumerate(stages):
            code = stage["code"]
            if code is not BAD and code in seen:
                self.error(stage["_keys"]["code"], _("The stage code “%(code)s” appears twice.") % {"code": code})
            elif code is not BAD:
                seen[code] = index
            last = index == len(stages) - 1
            if stage["final"] is True and not last:
                self.error(stage["_keys"]["final"], _("Only the last stage can be final."))
            if last and stage["final"] is False and len(stages) == len(node.value):
                self.error(stage["_node"], _("The last stage must be final (“final: true”)."))
            if stage["final"] is True and any(stage[key] for key in ("actors", "required_fields", "attachments",
                                                                      "approval_roles", "vote", "wait_days",
                                                                      "no_open_objections", "time_limit_days",
                                                                      "back_to")):
                self.error(stage["_node"], _("A final stage closes the case: it has a code and a name only."))
        for index, stage in enumerate(stages):
            node_list = stage["_keys"].get("back_to")
            if stage["back_to"] is BAD or not isinstance(node_list, yaml.SequenceNode):
                continue
            for target_node in node_list.value:
                target = target_node.value if isinstance(target_node, yaml.ScalarNode) else None
                if target is not None and (target not in seen or seen[target] >= index):
                    self.error(target_node, _("“back_to” names “%(code)s”, which is not an earlier stage.")
                               % {"code": target})
        for stage in stages:
            stage.pop("_node")
            stage.pop("_keys")
        return stages

    def document(self, root) -> dict:
        if root is None:
            self.errors.append((1, _("The file is empty.")))
            return {}
        keys = self.mapping(root, KEYS, REQUIRED, _("The workflow"))
        if keys is None:
            return {}
        return {
            "code": self.code(keys["code"], _("The workflow's code"), CODE_LENGTH) if "code" in keys else BAD,
            "name": self.text(keys["name"], _("The workflow's name"), max_length=200) if "name" in keys else BAD,
            "description": self.text(keys.get("description"), _("The description"), required=False),
            "subject": self.choice(keys["subject"], _("The subject"), SubjectKind.values) if "subject" in keys else BAD,
            "fields": self.field_labels(keys.get("fields")),
            "stages": self.stages(keys["stages"]) if "stages" in keys else [],
        }


def parse(text) -> dict:
    """The validated document of a workflow file; ``FormatError`` lists every problem with its line."""
    return normalized(read(text, _Checker()))


# --- writing ----------------------------------------------------------------------------------------------------

def normalized_stage(stage: dict) -> dict:
    out = {"code": stage["code"], "name": stage.get("name") or stage["code"]}
    for key, default in STAGE_DEFAULTS.items():
        value = stage.get(key, default)
        if isinstance(default, list):
            value = list(value or [])
        elif isinstance(default, dict):
            value = dict(value or {})
        out[key] = value
    out["no_open_objections"] = bool(out["no_open_objections"])
    out["final"] = bool(out["final"])
    return out


def normalized_fields(fields) -> dict:
    out = {}
    for key, field in (fields or {}).items():
        field = {"label": field} if isinstance(field, str) else dict(field or {})
        out[key] = {"label": field.get("label") or key, **({"type": field["type"]} if field.get("type") else {})}
    return out


def normalized(document: dict) -> dict:
    """Any document (from parse or built by hand) with every key present and every default filled; "fields"
    only when some are declared, so that a document written before labels existed stays the same."""
    out = {
        "code": document["code"],
        "name": document.get("name") or document["code"],
        "description": document.get("description") or "",
        "subject": document.get("subject") or SubjectKind.ORGANIZATION.value,
        "stages": [normalized_stage(stage) for stage in document.get("stages") or []],
    }
    fields = normalized_fields(document.get("fields"))
    if fields:
        out["fields"] = fields
    return out


def field_label(document: dict, key: str) -> str:
    """The label a document gives a data field, else its key."""
    field = (document.get("fields") or {}).get(key) or {}
    return field.get("label") or key


def field_type(document: dict, key: str) -> str:
    field = (document.get("fields") or {}).get(key) or {}
    return field.get("type") or "text"


def _ordered_vote(vote: dict) -> dict:
    order = ("for", "eligible", "rule")
    return {**{key: vote[key] for key in order if key in vote}, **{k: v for k, v in vote.items() if k not in order}}


def dump(version) -> str:
    """A version (or a document) as a workflow file that ``parse`` reads back to the same document."""
    document = normalized(getattr(version, "document", version))
    out = {key: document[key] for key in ("code", "name")}
    if document["description"]:
        out["description"] = document["description"]
    out["subject"] = document["subject"]
    if document.get("fields"):
        out["fields"] = {key: {name: field[name] for name in FIELD_KEYS if name in field}
                         for key, field in document["fields"].items()}
    # Keys in a fixed order: a document read back from PostgreSQL's jsonb has its keys reordered.
    keys = ("code", "name", *(key for key in STAGE_DEFAULTS if key not in ("code", "name")))
    out["stages"] = [
        {key: _ordered_vote(stage[key]) if key == "vote" else stage[key] for key in keys
         if key in stage and (key in ("code", "name") or stage[key] != STAGE_DEFAULTS[key])}
        for stage in document["stages"]
    ]
    return yamldoc.dump(out)

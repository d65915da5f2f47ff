"""A rule version's columns derived from a validated document (duties/format.py validates it with lines)."""
import datetime

from .format import normalized

FIELDS = ("applies_to", "recipient", "kind", "topic", "cadence", "due_days", "grace_days", "min_count",
          "remind_days", "escalate_days", "backfill_days", "review")


def canonical(document: dict) -> dict:
    """The document with every key and its default, dates as ISO text: what is stored and compared."""
    return normalized(document)


def _date(value) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value)


def rule_fields(document: dict) -> dict:
    """The rule's own columns."""
    return {"name": document.get("name") or document["code"], "description": document.get("description") or ""}


def version_fields(document: dict) -> dict:
    """The version's columns: who owes, to whom, what, when and how much."""
    fields = {name: document[name] for name in FIELDS}
    fields["subject_kind"] = document["subject"]
    fields["effective_from"] = _date(document["effective_from"])
    fields["due_on"] = _date(document["due_on"])
    return fields

"""The standards library: import and export of standard files, and what changed between two versions."""
from django.db import transaction

from .format import dump, normalized, parse
from .models import Standard, StandardVersion


def standard_import(*, user, text, owner) -> StandardVersion:
    """Reads a standard file and saves it (a new standard, the same version, or the next one); all or nothing.

    A malformed file raises ``engines.standards.format.FormatError`` before anything is written.
    """
    from .services import standard_save

    document = parse(text)
    with transaction.atomic():
        return standard_save(user=user, document=document, owner=owner)


def version_of(standard: Standard, number: int | None = None) -> StandardVersion:
    """The standard's version ``number``, or its current one."""
    if number is None:
        version = standard.current_version or standard.versions.order_by("-number").first()
        if version is None:
            raise StandardVersion.DoesNotExist
        return version
    return standard.versions.get(number=number)


def standard_export(standard: Standard, number: int | None = None) -> str:
    """The standard file of a version (the current one unless ``number`` is given)."""
    return dump(version_of(standard, number))


def export_filename(version: StandardVersion) -> str:
    return f"{version.standard.code}-v{version.number}.yaml"


# --- comparing versions -----------------------------------------------------------------------------------------

HEADER_FIELDS = ("name", "description", "subject", "period", "applies_to", "consequences")


def _changes(kind: str, code: str, before: dict | None, after: dict | None) -> list[dict]:
    if before is None:
        return [{"what": kind, "code": code, "change": "added", "field": "", "before": None, "after": after}]
    if after is None:
        return [{"what": kind, "code": code, "change": "removed", "field": "", "before": before, "after": None}]
    return [{"what": kind, "code": code, "change": "changed", "field": field, "before": before.get(field),
             "after": after.get(field)}
            for field in dict.fromkeys([*before, *after])
            if field not in ("code", "items") and before.get(field) != after.get(field)]


def _by_code(entries) -> dict:
    return {entry["code"]: entry for entry in entries}


def _compare_lists(kind: str, before: list, after: list) -> list[dict]:
    old, new = _by_code(before), _by_code(after)
    differences = []
    for code in dict.fromkeys([*old, *new]):
        differences += _changes(kind, code, old.get(code), new.get(code))
    return differences


def compare(version_a, version_b) -> list[dict]:
    """What changed from ``version_a`` to ``version_b``, each difference a dict:

    ``what`` ("standard", "rater", "section", "item", "tier"), ``code``, ``change`` ("added", "removed",
    "changed"), ``field`` (for a change), ``before`` and ``after`` (the field's values, or the whole entry).
    An item moved to another section shows as a change of its field "section".
    """
    a = normalized(getattr(version_a, "document", version_a))
    b = normalized(getattr(version_b, "document", version_b))
    differences = [
        {"what": "standard", "code": b["code"], "change": "changed", "field": field, "before": a[field],
         "after": b[field]}
        for field in HEADER_FIELDS if a[field] != b[field]
    ]
    differences += _compare_lists("rater", a["raters"], b["raters"])
    differences += _compare_lists("section", a["sections"], b["sections"])
    differences += _compare_lists("item", _items(a), _items(b))
    differences += _compare_lists("tier", a["tiers"], b["tiers"])
    return differences


def _items(document: dict) -> list[dict]:
    return [{**item, "section": section["code"]} for section in document["sections"] for item in section["items"]]

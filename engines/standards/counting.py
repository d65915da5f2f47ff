"""What the registers count for the items that name a data source, and how an entry compares to it.

A counted entry is the entry the item would get from the system's own data: ``{"count": 4}``,
``{"passed": True}`` or ``{"points": 7.5}``, in the item's kind. A source that counts feeds a pass/fail item
too (passed when it counted at least one); one that says passed or failed feeds a count item as 1 or 0. A
points item takes points only. A sheet the source says nothing about has no counted entry.
"""
from decimal import Decimal

from django.utils.translation import gettext as _

from .models import Assessment, Item, ItemKind
from .sources import source_for

CENT = Decimal("0.01")


def as_entry(item: Item, given: dict) -> dict | None:
    """A source's answer for one sheet, as an entry of ``item``'s kind (JSON-ready); None if it does not fit."""
    if item.kind == ItemKind.COUNT:
        if given.get("count") is not None:
            return {"count": int(given["count"])}
        if given.get("passed") is not None:
            return {"count": int(bool(given["passed"]))}
    elif item.kind == ItemKind.PASS_FAIL:
        if given.get("passed") is not None:
            return {"passed": bool(given["passed"])}
        if given.get("count") is not None:
            return {"passed": int(given["count"]) >= 1}
    elif given.get("points") is not None:
        return {"points": float(Decimal(str(given["points"])).quantize(CENT))}
    return None


def counted_entries(assessment: Assessment, sheet_ids=None, items=None) -> dict:
    """{(sheet_id, item_id): counted entry} for the sourced items (``items``, default every one of the
    assessment's version) on the assessment's sheets (or those of ``sheet_ids``): one pass per source."""
    if items is None:
        items = Item.objects.filter(version_id=assessment.version_id).exclude(source="")
    items = [item for item in items if item.source]
    if not items:
        return {}
    sheets = assessment.sheets.all()
    if sheet_ids is not None:
        sheet_ids = {int(pk) for pk in sheet_ids}
        sheets = sheets.filter(pk__in=sheet_ids)
    answers: dict = {}
    entries = {}
    for item in items:
        if item.source not in answers:
            source = source_for(item.source)
            answers[item.source] = source(sheets, assessment) if source else {}
        for sheet_id, given in answers[item.source].items():
            if sheet_ids is not None and sheet_id not in sheet_ids:
                continue
            entry = as_entry(item, given or {})
            if entry is not None:
                entries[(sheet_id, item.pk)] = entry
    return entries


def same_entry(fields: dict, counted: dict) -> bool:
    """Whether an entry's fields (engines.standards.services.score_value) say what the count says."""
    (name, value), = counted.items()
    if name == "points":
        return fields.get("points") is not None and Decimal(fields["points"]).quantize(CENT) == \
            Decimal(str(value)).quantize(CENT)
    return fields.get(name) == value


def counted_text(counted: dict) -> str:
    """The counted entry as a reader sees it: 4, 7.5, passed, failed."""
    (name, value), = counted.items()
    if name == "passed":
        return _("passed") if value else _("failed")
    if name == "points":
        return f"{Decimal(str(value)).normalize():f}"
    return str(value)

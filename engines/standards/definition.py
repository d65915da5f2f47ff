"""A version's rows (sections, items, tiers, rater groups) built from a validated document.

The document is the parsed standard file (see standards/format.py, which validates it with
line numbers); this module assumes it is valid and only applies the documented defaults.
"""
from decimal import Decimal

from .models import Item, ItemKind, RaterGroup, Section, StandardVersion, Tier


def canonical(document):
    """The document as plain JSON values (numbers as int or float), so it can be stored and compared."""
    if isinstance(document, dict):
        return {str(key): canonical(value) for key, value in document.items()}
    if isinstance(document, (list, tuple)):
        return [canonical(value) for value in document]
    if isinstance(document, Decimal):
        return int(document) if document == document.to_integral_value() else float(document)
    if isinstance(document, float) and document.is_integer():
        return int(document)
    return document


def _decimal(value, default="0") -> Decimal:
    return Decimal(str(value if value is not None else default))


def version_fields(document: dict) -> dict:
    """The version's own columns derived from the document."""
    max_total = sum(
        (_decimal(item.get("max")) for section in document.get("sections", []) for item in section.get("items", [])),
        Decimal("0"),
    )
    return {
        "applies_to": document.get("applies_to") or {},
        "consequences": document.get("consequences") or {},
        "max_total": max_total,
    }


def build_rows(version: StandardVersion, document: dict) -> None:
    """Creates the version's sections, items, tiers and rater groups from ``document``."""
    raters = [
        RaterGroup(version=version, code=rater["code"], name=rater.get("name") or rater["code"],
                   weight=_decimal(rater.get("weight"), "1"), scored_by=list(rater.get("scored_by") or []),
                   order=order)
        for order, rater in enumerate(document.get("raters", []))
    ]
    RaterGroup.objects.bulk_create(raters)
    item_order = 0
    for section_order, section_doc in enumerate(document.get("sections", [])):
        section = Section.objects.create(version=version, code=section_doc["code"], title=section_doc.get("title", ""),
                                         order=section_order)
        items = []
        for item_doc in section_doc.get("items", []):
            kind = item_doc.get("kind", ItemKind.POINTS)
            items.append(Item(
                version=version, section=section, code=item_doc["code"], title=item_doc.get("title", ""),
                guidance=item_doc.get("guidance") or "", kind=kind, max_points=_decimal(item_doc.get("max")),
                half_points=bool(item_doc.get("half_points", False)),
                threshold=item_doc.get("threshold") if kind == ItemKind.COUNT else None,
                unit=item_doc.get("unit") or "", veto=bool(item_doc.get("veto", False)),
                source=item_doc.get("source") or "", order=item_order,
            ))
            item_order += 1
        Item.objects.bulk_create(items)
    Tier.objects.bulk_create([
        Tier(version=version, code=tier["code"], name=tier.get("name") or tier["code"], level=tier["level"],
             min_total=_decimal(tier["min_total"]) if tier.get("min_total") is not None else None,
             no_veto=bool(tier.get("no_veto", True)), all_pass=bool(tier.get("all_pass", False)),
             requires_tier=tier.get("requires_tier") or "", title=tier.get("title") or "")
        for tier in document.get("tiers", [])
    ])


def clear_rows(version: StandardVersion) -> None:
    """Removes a version's rows so that they can be rebuilt (only while no assessment uses it)."""
    version.items.all().delete()
    version.sections.all().delete()
    version.tiers.all().delete()
    RaterGroup.objects.filter(version=version).delete()

"""The standards this app ships as editable defaults (campaigns/standards/*.yaml), installed through the library."""
from pathlib import Path

from django.db import transaction

from engines.standards.library import standard_import
from kernel.orgs.models import Organization

SHIPPED_DIR = Path(__file__).resolve().parent / "standards"

# Installed in this order: 示范化 names 标准化 in its tiers.
SHIPPED = ["six-good-township", "five-good-village", "standardized-branch", "demonstration-branch", "activity-room",
           "village-cadre", "member-evaluation"]


def shipped_path(code: str) -> Path:
    return SHIPPED_DIR / f"{code}.yaml"


def shipped_text(code: str) -> str:
    return shipped_path(code).read_text(encoding="utf-8")


@transaction.atomic
def install_standards(*, user, owner: Organization, codes=None) -> dict:
    """Imports the shipped standards for ``owner``; an unchanged standard stays at its version. {code: version}."""
    return {code: standard_import(user=user, text=shipped_text(code), owner=owner) for code in codes or SHIPPED}

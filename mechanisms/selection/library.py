"""The criteria this app ships as an editable default (五讲五好), installed through the standards engine, and the
five rounds a new selection starts with."""
from decimal import Decimal
from pathlib import Path

from engines.standards.library import standard_import
from engines.standards.models import Standard, StandardVersion

HERE = Path(__file__).resolve().parent
CRITERIA = "good-cadre"

# Seed 001: 初评 → 考察 → 二评 → 公示 → 审定, about 80% eliminated (100 nominees → 20 good cadres).
DEFAULT_ROUNDS = [
    {"code": "initial", "name": "初评", "method": "top", "keep": 50},
    {"code": "inspection", "name": "考察", "method": "threshold", "threshold": Decimal("75")},
    {"code": "second", "name": "二评", "method": "top", "keep": 25},
    {"code": "notice", "name": "公示", "method": "notice", "objection_days": 7},
    {"code": "final", "name": "审定", "method": "vote", "threshold": Decimal("0.5"), "keep": 20},
]


def criteria_text(code: str = CRITERIA) -> str:
    return (HERE / "standards" / f"{code}.yaml").read_text(encoding="utf-8")


def ensure_criteria(*, user, owner) -> StandardVersion:
    """The current version of the 五讲五好 standard, installed for ``owner`` when no standard of that code exists."""
    standard = Standard.objects.filter(code=CRITERIA).select_related("current_version").first()
    if standard is not None and standard.current_version is not None:
        return standard.current_version
    return standard_import(user=user, text=criteria_text(), owner=owner)

"""The duty rules this app ships as editable defaults (orglife/rules/*.yaml), installed through the duties engine."""
from pathlib import Path

from django.db import transaction

from kernel.orgs.models import Organization

RULES_DIR = Path(__file__).resolve().parent / "rules"

MEETING_RULES = ["orglife-branch-general", "orglife-committee", "orglife-group", "orglife-lecture",
                 "orglife-themed-day", "orglife-life-meeting"]
TRAINING_RULES = ["orglife-township-cadre-training"]
SHIPPED = MEETING_RULES + TRAINING_RULES


def shipped_text(code: str) -> str:
    return (RULES_DIR / f"{code}.yaml").read_text(encoding="utf-8")


@transaction.atomic
def install_rules(*, user, owner: Organization, codes=None) -> dict:
    """Imports the shipped rules for ``owner``; an unchanged rule stays at its version. {code: RuleVersion}."""
    from engines.duties.services import rule_import

    return {code: rule_import(user=user, text=shipped_text(code), owner=owner) for code in codes or SHIPPED}

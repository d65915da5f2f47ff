"""The duty rules this app ships as editable defaults (the transfer receipt, the floating members' yearly report,
the branches' yearly heart-to-heart talks, an unqualified member's rectification within a period, the talk with a
member warned of 自行脱党), installed through the engine."""
from pathlib import Path

from django.db import transaction

from kernel.orgs.models import Organization

HERE = Path(__file__).resolve().parent
RECEIPT_RULE = "transfer-receipt"
FLOATING_RULE = "floating-yearly-report"
TALKS_RULE = "talks-yearly"
RECTIFY_RULE = "evaluation-rectification"
LAPSE_RULE = "lapse-talk"
STATISTICS_RULE = "statistics-annual-report"
RULES = (RECEIPT_RULE, FLOATING_RULE, TALKS_RULE, RECTIFY_RULE, LAPSE_RULE, STATISTICS_RULE)


def rule_text(code: str = RECEIPT_RULE) -> str:
    return (HERE / "rules" / f"{code}.yaml").read_text(encoding="utf-8")


@transaction.atomic
def install_membership_rules(*, user, owner: Organization) -> dict:
    """Imports the rules of ``RULES`` for ``owner``; an unchanged file keeps its version. {code: version}."""
    from engines.duties.services import rule_import

    return {code: rule_import(user=user, text=rule_text(code), owner=owner) for code in RULES}

"""The duty rule this app ships as an editable default (the transfer receipt), installed through the engine."""
from pathlib import Path

from django.db import transaction

from kernel.orgs.models import Organization

HERE = Path(__file__).resolve().parent
RECEIPT_RULE = "transfer-receipt"


def rule_text(code: str = RECEIPT_RULE) -> str:
    return (HERE / "rules" / f"{code}.yaml").read_text(encoding="utf-8")


@transaction.atomic
def install_membership_rules(*, user, owner: Organization) -> dict:
    """Imports the transfer-receipt rule for ``owner``; an unchanged file keeps its version. {code: version}."""
    from engines.duties.services import rule_import

    return {RECEIPT_RULE: rule_import(user=user, text=rule_text(), owner=owner)}

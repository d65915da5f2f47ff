"""The duty rules and the standard this app ships as editable defaults, installed through the engines."""
from pathlib import Path

from django.db import transaction

from engines.standards.library import standard_import
from kernel.orgs.models import Organization

HERE = Path(__file__).resolve().parent
RULES = ["township-quarterly-report", "village-halfyearly-report", "annual-report", "secretary-two-way-report",
         "supervision-rectification"]
REPORT_RULES = ["township-quarterly-report", "village-halfyearly-report", "annual-report"]
TWO_WAY_RULE = "secretary-two-way-report"
NOTICE_RULE = "supervision-rectification"
SECRETARY_STANDARD = "secretary-report"


def rule_text(code: str) -> str:
    return (HERE / "rules" / f"{code}.yaml").read_text(encoding="utf-8")


def standard_text(code: str = SECRETARY_STANDARD) -> str:
    return (HERE / "standards" / f"{code}.yaml").read_text(encoding="utf-8")


@transaction.atomic
def install_reporting_rules(*, user, owner: Organization, codes=None) -> dict:
    """Imports the shipped rules and the 双向述职 standard for ``owner``; unchanged files keep their version.
    {code: version}."""
    from engines.duties.services import rule_import

    installed = {code: rule_import(user=user, text=rule_text(code), owner=owner) for code in codes or RULES}
    if codes is None or SECRETARY_STANDARD in codes:
        installed[SECRETARY_STANDARD] = standard_import(user=user, text=standard_text(), owner=owner)
    return installed

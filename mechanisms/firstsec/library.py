"""The duty rules and the standard this app ships as editable defaults, installed through the engines."""
from pathlib import Path

from django.db import transaction

from engines.standards.library import standard_import
from kernel.orgs.models import Organization

HERE = Path(__file__).resolve().parent
WEEKLY_RULE = "first-secretary-weekly-report"
HALF_YEAR_RULE = "first-secretary-half-year-report"
RULES = [WEEKLY_RULE, HALF_YEAR_RULE]
MONTHLY_STANDARD = "first-secretary-monthly"
ATTENDANCE_SOURCE = "firstsec.attendance"
CLASSIFIER = "firstsec_village_class"
RATER = "county"


def rule_text(code: str) -> str:
    return (HERE / "rules" / f"{code}.yaml").read_text(encoding="utf-8")


def standard_text(code: str = MONTHLY_STANDARD) -> str:
    return (HERE / "standards" / f"{code}.yaml").read_text(encoding="utf-8")


@transaction.atomic
def install_firstsec(*, user, owner: Organization) -> dict:
    """Imports the shipped duty rules and the monthly standard for ``owner``; unchanged files keep their version.
    {code: version}."""
    from engines.duties.services import rule_import

    installed = {code: rule_import(user=user, text=rule_text(code), owner=owner) for code in RULES}
    installed[MONTHLY_STANDARD] = standard_import(user=user, text=standard_text(), owner=owner)
    return installed

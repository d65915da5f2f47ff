"""What the representatives' app ships as editable defaults, installed through the engines: the duty rules of the
"1+4" system and the monthly activity day (``rules/``), and the monthly person standard (``standards/``)."""
from pathlib import Path

from django.db import transaction

from kernel.orgs.models import Organization

HERE = Path(__file__).resolve().parent
ACTIVITY_DAY_RULE = "rep-activity-day"
# the yearly "1+4" duties, each with the activity kind that discharges it ("proposal": a proposal submitted)
YEARLY_RULES = {"rep-research": "research", "rep-proposal": "proposal", "rep-meeting": "meeting",
                "rep-question": "question", "rep-evaluation": "evaluation"}
RULES = [ACTIVITY_DAY_RULE, *YEARLY_RULES]
RULE_OF_KIND = {"activity_day": ACTIVITY_DAY_RULE, **{kind: code for code, kind in YEARLY_RULES.items()}}
MONTHLY_STANDARD = "representative-monthly"
SOURCE_PREFIX = "representatives."
CLASSIFIER = "representatives_studio"
RATER = "county"


def rule_text(code: str) -> str:
    return (HERE / "rules" / f"{code}.yaml").read_text(encoding="utf-8")


def standard_text(code: str = MONTHLY_STANDARD) -> str:
    return (HERE / "standards" / f"{code}.yaml").read_text(encoding="utf-8")


@transaction.atomic
def install_representatives(*, user, owner: Organization) -> dict:
    """Imports the shipped duty rules and the monthly standard for ``owner``; unchanged files keep their version.
    {code: version}."""
    from engines.duties.services import rule_import
    from engines.standards.library import standard_import

    installed = {code: rule_import(user=user, text=rule_text(code), owner=owner) for code in RULES}
    installed[MONTHLY_STANDARD] = standard_import(user=user, text=standard_text(), owner=owner)
    return installed

"""What the terms app ships as editable defaults: the duty rule reminding of a term's expiry, installed through the
engine, and the table of term lengths (MEMBERSHIP.md, "Terms")."""
import datetime
from pathlib import Path

from django.db import transaction

from kernel.orgs.models import Domain, Organization, OrgType

from .models import TermLength

HERE = Path(__file__).resolve().parent
EXPIRY_RULE = "term-expiry"
SINCE_2019 = datetime.date(2019, 1, 1)
EARLIEST = datetime.date(1949, 10, 1)
# (type, domain, years, in force from): village and community organizations 5 years since 2019 and 3 before,
# other branches and general branches 3 years, base committees 5 years (a village's party committee too).
DEFAULT_LENGTHS = (
    *((org_type, domain, years, since) for org_type in (OrgType.BRANCH, OrgType.GENERAL_BRANCH)
      for domain in (Domain.RURAL, Domain.COMMUNITY) for years, since in ((3, EARLIEST), (5, SINCE_2019))),
    (OrgType.BRANCH, "", 3, EARLIEST),
    (OrgType.GENERAL_BRANCH, "", 3, EARLIEST),
    (OrgType.PARTY_COMMITTEE, "", 5, EARLIEST),
)


def rule_text(code: str = EXPIRY_RULE) -> str:
    return (HERE / "rules" / f"{code}.yaml").read_text(encoding="utf-8")


@transaction.atomic
def install_terms(*, user, owner: Organization) -> dict:
    """Imports the term-expiry rule and, when ``owner`` has no table of term lengths yet, writes the default one (a
    table the county keeps is left as it is). {code: version} of the rule."""
    from engines.duties.services import rule_import

    if not TermLength.objects.filter(owner=owner).exists():
        TermLength.objects.bulk_create([
            TermLength(owner=owner, owner_path=owner.path, org_type=org_type, domain=domain, years=years,
                       effective_from=since) for org_type, domain, years, since in DEFAULT_LENGTHS])
    return {EXPIRY_RULE: rule_import(user=user, text=rule_text(), owner=owner)}

"""What the letters app ships as editable defaults: the duty rule of signing a letter by its day and the standard of
the year-end check, installed through the engines (``install_shipped``, or on first use under the tree's top)."""
from pathlib import Path

from django.db import transaction

from kernel.core.tree import ancestor_paths
from kernel.orgs.models import Organization

HERE = Path(__file__).resolve().parent
SIGNING_RULE = "letter-signing"
CHECK_STANDARD = "responsibility-letter-check"


def rule_text(code: str = SIGNING_RULE) -> str:
    return (HERE / "rules" / f"{code}.yaml").read_text(encoding="utf-8")


def standard_text(code: str = CHECK_STANDARD) -> str:
    return (HERE / "standards" / f"{code}.yaml").read_text(encoding="utf-8")


@transaction.atomic
def install_letters(*, user, owner: Organization) -> dict:
    """Imports the signing rule and the check standard for ``owner``; unchanged files keep their version."""
    from engines.duties.services import rule_import
    from engines.standards.library import standard_import

    return {SIGNING_RULE: rule_import(user=user, text=rule_text(), owner=owner),
            CHECK_STANDARD: standard_import(user=user, text=standard_text(), owner=owner)}


def top_of(organization: Organization) -> Organization:
    return Organization.objects.filter(path__in=ancestor_paths(organization.path)).order_by("path").first()


def ensure_installed(organization: Organization) -> None:
    """The rule and the standard, installed by the system under the tree's top if nobody installed them yet."""
    from engines.duties.models import DutyRule
    from engines.standards.models import Standard

    if not (DutyRule.objects.filter(code=SIGNING_RULE).exists() and Standard.objects.filter(code=CHECK_STANDARD)
            .exists()):
        install_letters(user=None, owner=top_of(organization))

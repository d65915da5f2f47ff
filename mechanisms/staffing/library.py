"""What the staffing app ships as editable defaults: the duty rule of the instructors' monthly visits (installed
through the duties engine; the county changes N, its ``min_count``, there) and the ratios of seed 002."""
import datetime
from pathlib import Path

from django.db import transaction

from kernel.orgs.models import Organization

from .models import StaffingNorm

HERE = Path(__file__).resolve().parent
VISITS_RULE = "instructor-visits"
DEFAULT_NORM = {"full_time_share": 70, "part_time_share": 90, "grassroots_share": 30,
                "effective_from": datetime.date(2000, 1, 1)}


def rule_text(code: str = VISITS_RULE) -> str:
    return (HERE / "rules" / f"{code}.yaml").read_text(encoding="utf-8")


@transaction.atomic
def install_staffing(*, user, owner: Organization) -> dict:
    from engines.duties.services import rule_import

    if not StaffingNorm.objects.filter(owner=owner).exists():
        StaffingNorm.objects.create(owner=owner, owner_path=owner.path, note="seed 002", **DEFAULT_NORM)
    return {VISITS_RULE: rule_import(user=user, text=rule_text(), owner=owner)}

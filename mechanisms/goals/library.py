"""What the goals app ships as editable defaults: the duty rule of the quarterly spot check, and a county's common
goals per class of member for the year (seed 000 §一.5, §三.2), installed for a new site."""
from pathlib import Path

from django.db import transaction

from kernel.core import clock
from kernel.orgs.models import Organization
from kernel.people.choices import Classification

HERE = Path(__file__).resolve().parent
SPOT_CHECK_RULE = "goals-spot-check"
FIVE_GOOD_VILLAGE = "five-good-village"

# The common goals per class (共性目标), one a line, and whether the "六个一" goals apply (capable rural members).
DEFAULT_TEMPLATES = {
    Classification.OFFICE: ("带头学理论、学科技，每年参加集中培训不少于三天\n带头抓机遇、兴产业，领办或创办一个致富项目\n"
                            "带头作奉献、帮贫困，联系帮带一户贫困户\n带头守法纪、尽义务，按时参加组织生活、交纳党费\n"
                            "带头讲文明、树新风，每年为群众办一件实事", True),
    Classification.FARMING: ("带头学科技，掌握一门农村实用技术\n带头调整产业结构，发展一项主导产业\n"
                             "按时参加组织生活、交纳党费\n联系帮带一户贫困户", True),
    Classification.WEALTHY: ("带头兴产业，帮助带动三户以上群众增收\n联系帮带一户贫困户\n"
                             "培养一名入党积极分子\n按时参加组织生活、交纳党费", True),
    Classification.POOR: ("制定脱贫计划，年内增收有进展\n学习掌握一门实用技术\n按时参加组织生活、交纳党费", False),
    Classification.MIGRANT: ("每半年向支部汇报一次思想和工作情况\n在外地参加组织生活，按时交纳党费\n"
                             "为家乡引进一条致富信息或一个项目", False),
    Classification.ELDERLY: ("力所能及参加组织生活\n参与村务监督和矛盾调解\n关心教育下一代", False),
}


def rule_text(code: str = SPOT_CHECK_RULE) -> str:
    return (HERE / "rules" / f"{code}.yaml").read_text(encoding="utf-8")


def default_templates(*, owner: Organization, year: int) -> int:
    """The default templates of ``year`` for ``owner``'s classes it has none of. How many."""
    from .models import GoalTemplate

    have = set(GoalTemplate.objects.filter(owner=owner, year=year).values_list("member_class", flat=True))
    rows = [GoalTemplate(owner=owner, owner_path=owner.path, year=year, member_class=code, common_goals=text,
                         six_ones=six) for code, (text, six) in DEFAULT_TEMPLATES.items() if code not in have]
    GoalTemplate.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def install_goals(*, user, owner: Organization) -> dict:
    """Imports the spot-check rule and writes this year's default templates where ``owner`` has none."""
    from engines.duties.services import rule_import

    default_templates(owner=owner, year=clock.today().year)
    return {SPOT_CHECK_RULE: rule_import(user=user, text=rule_text(), owner=owner)}

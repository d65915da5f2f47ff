"""The registers of 十有六册 the system already holds, as data sources of the engine's items.

A register passes when the branch has something on record: members, activists, village cadres (current
posts). The dues ledger is a source of the membership mechanism (registers.dues, dues.collection.*); meeting
attendance is counted by orglife.
"""

from engines.standards.sources import data_source
from kernel.core import clock
from kernel.people.choices import PostTitle, Stage
from kernel.people.models import Member, Person, Post

VILLAGE_CADRE_POSTS = [PostTitle.SECRETARY, PostTitle.DEPUTY_SECRETARY, PostTitle.COMMITTEE_MEMBER,
                       PostTitle.ORGANIZATION_MEMBER, PostTitle.DISCIPLINE_MEMBER, PostTitle.PROPAGANDA_MEMBER,
                       PostTitle.GROUP_LEADER, PostTitle.VILLAGE_DIRECTOR, PostTitle.VILLAGE_COMMITTEE_MEMBER,
                       PostTitle.FIRST_SECRETARY]
ACTIVIST_STAGES = [Stage.ACTIVIST, Stage.CANDIDATE]


def _passed_where(sheets, holding_org_ids) -> dict:
    holding = set(holding_org_ids)
    return {sheet_id: {"passed": org_id in holding}
            for sheet_id, org_id in sheets.exclude(organization=None).values_list("pk", "organization_id")}


def _orgs(sheets):
    return sheets.exclude(organization=None).values("organization_id")


def members_register(org_ids):
    return Member.objects.filter(status="active", person__organization_id__in=org_ids)


def activists_register(org_ids):
    return Person.objects.filter(organization_id__in=org_ids, stage__in=ACTIVIST_STAGES)


def cadres_register(org_ids, on=None):
    return Post.objects.current(on).filter(organization_id__in=org_ids, title__in=VILLAGE_CADRE_POSTS)


@data_source("registers.members")
def members_on_record(sheets, assessment):
    return _passed_where(sheets, members_register(_orgs(sheets)).values_list("person__organization_id", flat=True))


@data_source("registers.activists")
def activists_on_record(sheets, assessment):
    return _passed_where(sheets, activists_register(_orgs(sheets)).values_list("organization_id", flat=True))


@data_source("registers.village_cadres")
def village_cadres_on_record(sheets, assessment):
    on = min(assessment.period_end, clock.today())
    posts = cadres_register(_orgs(sheets), on)
    return _passed_where(sheets, posts.values_list("organization_id", flat=True))

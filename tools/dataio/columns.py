"""The columns of the import files and the values each accepts.

The headers are the ledger's own Chinese column names: they are the file format counties
already use, so they stay Chinese in every interface language. Common variants and the
English field names are accepted too; enumerations take the Chinese label, the English
label or the stable code.
"""

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from kernel.core.sheets import CHOICE, DATE, POSTS, TEXT, Column, header_map  # noqa: F401  (named here too)
from kernel.orgs.models import Domain, OrgType
from kernel.people.choices import (
    ETHNICITIES,
    NO_POST_CLASSES,
    Education,
    Gender,
    MemberCategory,
    MemberStatus,
    Occupation,
    PostTitle,
)

_ETHNICITY_ALIASES = {}
with translation.override("zh-hans"):
    for _code, _label in ETHNICITIES:
        _ETHNICITY_ALIASES[str(int(_code))] = _code
_ETHNICITY_ALIASES.update({"汉": "01", "回": "03", "藏": "04", "苗": "06", "彝": "07", "壮": "08", "满": "11",
                           "侗": "12", "瑶": "13", "白": "14", "土家": "15", "其他": "97"})
_POST_ALIASES = {
    "党支部书记": "secretary", "支部书记": "secretary", "党总支书记": "secretary", "党委书记": "secretary",
    "党支部副书记": "deputy_secretary", "党总支副书记": "deputy_secretary", "党委副书记": "deputy_secretary",
    "支委委员": "committee_member", "支委": "committee_member", "党委委员": "committee_member",
    "村主任": "village_director", "村民委员会主任": "village_director", "村委委员": "village_committee_member",
    "社区居委会主任": "community_director", "居民委员会主任": "community_director", "组长": "group_leader",
    "驻村第一书记": "first_secretary",
}

MEMBER_COLUMNS = (
    Column("name", "姓名", _("Full name as on the ID card."), required=True, max_length=50, aliases=("name",)),
    Column("gender", "性别", _("Male or female; taken from the ID number when blank."), CHOICE,
           choices=tuple(Gender.choices), aliases=("gender",)),
    Column("ethnicity", "民族", _("Ethnic group, e.g. 汉族; Han when blank."), CHOICE, choices=tuple(ETHNICITIES),
           aliases=("ethnicity",), value_aliases=_ETHNICITY_ALIASES),
    Column("birth_date", "出生日期", _("Taken from the ID number when blank; must match it otherwise."), DATE,
           aliases=("出生年月", "birth_date")),
    Column("id_number", "公民身份号码", _("18-character resident ID number; people are matched on it."),
           required=True, aliases=("身份证号", "身份证号码", "身份证", "id_number")),
    Column("education", "学历", _("Highest education."), CHOICE, choices=tuple(Education.choices),
           aliases=("文化程度", "education"), value_aliases={"本科": "university", "大专": "college",
                                                           "专科": "college", "小学": "primary"}),
    Column("occupation", "职业", _("Occupation."), CHOICE, choices=tuple(Occupation.choices),
           aliases=("occupation",), value_aliases={"农民": "farmer", "农牧民": "farmer", "离退休": "retired"}),
    Column("phone", "联系电话", _("Mobile or landline number."), max_length=20,
           aliases=("电话", "手机", "手机号码", "联系方式", "phone")),
    Column("organization", "所在党组织代码", _("Code of the organization that keeps the member's record."),
           required=True, aliases=("党组织代码", "所在党组织", "组织代码", "organization")),
    Column("category", "党员类别", _("Full or probationary member."), CHOICE, required=True,
           choices=tuple(MemberCategory.choices), aliases=("人员类别", "category"),
           value_aliases={"正式": "full", "预备": "probationary"}),
    Column("applied_on", "申请入党日期", _("Date of the application to join."), DATE,
           aliases=("申请入党时间", "applied_on")),
    Column("joined_on", "入党日期", _("Date of joining the party."), DATE, required=True,
           aliases=("入党时间", "joined_on")),
    Column("full_on", "转正日期", _("Date of full membership; blank for a probationary member."), DATE,
           aliases=("转正时间", "full_on")),
    Column("status", "党员状态", _("In good standing when blank."), CHOICE, choices=tuple(MemberStatus.choices),
           aliases=("状态", "status")),
    Column("no_post_class", "无职党员类别", _("For members without a post: ordinary farming, well-off, in poverty,"
                                           " away or elderly."), CHOICE,
           choices=tuple((c.value, c.label) for c in NO_POST_CLASSES), aliases=("无职类别", "no_post_class"),
           value_aliases={"务农": "farming", "流动": "migrant", "外出": "migrant"}),
    Column("posts", "职务", _("Current posts in the member's organization, separated by ; (e.g. 党支部书记;村委会主任)."
                              " Leave the column out to keep posts as they are; a blank cell ends them."), POSTS,
           choices=tuple(PostTitle.choices), aliases=("现任职务", "posts"), value_aliases=_POST_ALIASES),
    Column("posts_started_on", "任职日期", _("Date the posts began: one date, or one per post separated by ;."),
           TEXT, aliases=("任职时间", "posts_started_on")),
)

ORG_COLUMNS = (
    Column("code", "组织代码", _("Unique code; organizations are matched on it."), required=True, max_length=32,
           aliases=("党组织代码", "代码", "code")),
    Column("name", "名称", _("Full name."), required=True, max_length=120, aliases=("党组织名称", "组织名称", "name")),
    Column("short_name", "简称", _("Short name."), max_length=60, aliases=("short_name",)),
    Column("org_type", "组织类别", _("Committee, party committee, general branch, branch or party group."), CHOICE,
           required=True, choices=tuple(OrgType.choices), aliases=("类别", "组织类型", "org_type"),
           value_aliases={"县委": "committee", "市委": "committee", "党委": "party_committee",
                          "党工委": "party_committee", "支部": "branch", "总支": "general_branch"}),
    Column("domain", "所属领域", _("Rural, community, agency, institution, state-owned or private enterprise, social"
                                   " organization."), CHOICE, choices=tuple(Domain.choices),
           aliases=("领域", "domain"), value_aliases={"非公企业": "private", "国企": "soe"}),
    Column("parent", "上级组织代码", _("Code of the parent organization (in the registry or earlier in this file)."),
           aliases=("上级党组织代码", "上级代码", "parent")),
    Column("founded_on", "成立日期", _("Founding date."), DATE, aliases=("成立时间", "founded_on")),
    Column("place", "地点", _("Where it is."), max_length=200, aliases=("所在地", "地址", "place")),
)

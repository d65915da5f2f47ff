"""A year of 四议两公开 in the demo county or city: 2–6 major matters per village, at every stage.

Each matter runs through the workflows engine on its own dates (the branch's proposal, the two committees, the
member assembly, the villagers' meeting, the resolution's seven-day public notice, the result made public); the
older a matter, the further it has gone. A few sit past their stage's time limit, so the overdue filter shows
them.
"""
import datetime
import random
from collections import defaultdict

from django.db import transaction

from engines.workflows import services as engine
from kernel.core import clock
from kernel.core.actor import acting_as
from kernel.core.tree import subtree_q
from kernel.orgs.models import Domain, Organization, OrgStatus, OrgType
from kernel.people.models import Member

from . import services
from .definition import STAGE_FIELDS, STAGES, ensure

DAY = datetime.timedelta(days=1)
MATTERS = (
    ("村道硬化工程", "硬化村主干道{n}公里，申请一事一议财政奖补"),
    ("集体山林承包", "村集体山林{n}百亩公开发包，期限十五年"),
    ("低保户评议", "本年度新增低保对象{n}户的民主评议"),
    ("安全饮水工程", "新建蓄水池{n}座并铺设入户管网"),
    ("村级光伏电站", "利用村部屋顶建设{n}0千瓦光伏电站，收益归集体"),
    ("土地流转", "{n}百亩耕地流转给种植合作社"),
    ("村部维修", "村部及文化活动室维修，预算{n}万元"),
    ("集体资金使用", "集体经济收益{n}万元用于公益事业"),
    ("危房改造评定", "评定危房改造户{n}户"),
    ("产业扶持项目", "申报特色种养产业扶持项目{n}个"),
)


def generate_deliberation(root, seed, progress=print, today: datetime.date | None = None) -> dict:
    with acting_as(None, source="command:demo_data:deliberation"), transaction.atomic():
        return DeliberationYear(root, seed, today or clock.today()).run(progress)


class DeliberationYear:
    def __init__(self, root, seed, today):
        self.root, self.today = root, today
        self.rng = random.Random(f"deliberation:{seed}")
        self.counts = defaultdict(int)

    def run(self, progress) -> dict:
        self.workflow = ensure(owner=self.root)
        villages = list(Organization.objects.filter(subtree_q("path", [self.root.path]), org_type=OrgType.BRANCH,
                                                    domain=Domain.RURAL, status=OrgStatus.ACTIVE).order_by("path"))
        self.members = defaultdict(int)
        for path in Member.objects.filter(subtree_q("org_path", [self.root.path])).values_list("org_path", flat=True):
            self.members[path] += 1
        year_start = datetime.date(self.today.year, 1, 1)
        for village in villages:
            for _n in range(self.rng.choice((2, 2, 3, 3, 3, 4, 4, 5, 6))):
                self.matter(village, self.day(year_start, self.today - 2 * DAY))
        progress(f"deliberation: {self.counts['matters']:,} 四议两公开 matters in {len(villages):,} villages, "
                 f"{self.counts['closed']:,} closed")
        return dict(self.counts)

    def day(self, low, high):
        return low + DAY * self.rng.randint(0, max((high - low).days, 0))

    def matter(self, village, opened):
        """A matter opened on ``opened`` and taken as far as its dates allow by today.

        Its dates and counts are drawn first, and the case carries them from the start, so that each stage is
        one move of the engine (whose gates still check every field, majority and the seven-day notice).
        """
        rng = self.rng
        title, text = rng.choice(MATTERS)
        members = max(self.members[village.path], 8)
        present = members - rng.randint(0, members // 5)
        villagers = rng.randint(35, 60)
        days = [opened]
        for low, high in ((1, 6), (5, 15), (5, 15), (5, 20), (7, 12), (20, 120)):
            days.append(days[-1] + DAY * rng.randint(low, high))
        reached = sum(1 for day in days[1:] if day <= self.today)
        if reached and rng.random() < 0.05:
            reached -= 1  # held up in a stage, soon past its time limit
        data = {"committees_on": days[2], "committees_opinion": "两委会议一致同意提交党员大会审议",
                "members_on": days[3], "members_present": present,
                "members_for": present - rng.randint(0, present // 4),
                "villagers_on": days[4], "villagers_kind": rng.choice(["assembly", "representatives"]),
                "villagers_present": villagers, "villagers_for": villagers - rng.randint(0, villagers // 5),
                "resolution_public_on": days[4], "result": "已按决议实施并经村务监督委员会验收",
                "result_public_on": days[6]}
        keep = [key for stage in STAGES[1:reached] for key in STAGE_FIELDS.get(stage, ())]
        case = services.matter_open(user=None, organization=village, title=title,
                                    matter=text.format(n=rng.randint(2, 9)), proposal="党支部提议，提交两委商议",
                                    proposed_on=opened, today=opened, installed=self.workflow)
        if keep:
            engine.case_update(user=None, case=case, data=services.clean({key: data[key] for key in keep}))
        self.counts["matters"] += 1
        for day in days[1:reached + 1]:
            case = services.matter_advance(user=None, case=case, today=day)
        self.counts["closed"] += case.status == "closed"

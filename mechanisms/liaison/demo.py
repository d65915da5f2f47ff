"""A year of liaison work for the demo county or city: leaders' points at three levels assigned in January
(about three in four of the named 五个好 villages among them, seed 000: 73%), some reassigned mid-year, 50
demonstration points, visits logged with help and funds, and the weekly service day's requests in a few
townships over the last two months."""
import datetime
import random
from decimal import Decimal

from django.db import transaction

from engines.standards.models import TitleAward
from kernel.core import clock
from kernel.core.actor import acting_as
from kernel.core.tree import subtree_q
from kernel.orgs.models import Organization
from kernel.people.models import Person, Post

from . import services
from .models import RequestStatus

TITLED_SHARE = 0.73
VISITS = ["调研村级班子建设", "指导村“两委”换届", "参加支部主题党日", "协调解决产业发展资金", "走访慰问困难党员",
          "宣讲党的政策", "督促整改督办问题", "帮助谋划集体经济项目"]
HELP = ["协调项目资金", "捐赠办公设备", "引进种植项目", "联系技术培训", "帮扶困难户", ""]
MATTERS = ["办理低保申请", "新农合缴费", "宅基地审批", "林权证办理", "危房改造申请", "开具证明", "养老保险认证",
           "残疾证办理", "矛盾纠纷调解"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"


def generate_liaison(root: Organization, seed: int, today: datetime.date | None = None, progress=print) -> dict:
    with acting_as(None, source="command:demo_data:liaison"), transaction.atomic():
        return _generate(root, seed, today or clock.today(), progress)


def _leaders(root: Organization, limit: int) -> list[Person]:
    """Cadres of the county's own organizations and the township committees, who take liaison points."""
    upper = Organization.objects.filter(subtree_q("path", [root.path]),
                                        org_type__in=["committee", "party_committee"]).values("pk")
    holders = Post.objects.current().filter(organization__in=upper).values("person_id")
    return list(Person.objects.filter(pk__in=holders).order_by("pk")[:limit])


def _points(rng, root, today, villages):
    year = today.year
    titled = set(TitleAward.objects.filter(subtree_q("org_path", [root.path]), status=TitleAward.Status.ACTIVE,
                                           standard__code="five-good-village", organization__isnull=False)
                 .values_list("organization_id", flat=True))
    count = min(len(villages), 222 if root.org_type == "committee" and len(villages) < 400 else 300)
    named = [v for v in villages if v.pk in titled]
    others = [v for v in villages if v.pk not in titled]
    chosen = rng.sample(named, round(len(named) * TITLED_SHARE)) if named else []
    chosen += rng.sample(others, min(len(others), max(count - len(chosen), 0)))
    leaders = _leaders(root, len(chosen) + 20)
    if not leaders:
        return []
    points = []
    for n, village in enumerate(chosen):
        level = "county" if n % 9 == 0 else ("department" if n % 3 == 0 else "township")
        points.append(services.point_assign(
            user=None, leader=leaders[n % len(leaders)], organization=village, level=level, year=year,
            assigned_on=datetime.date(year, 1, rng.randint(3, 20)), demonstration=n < 50))
    if today >= datetime.date(year, 7, 2):
        for point in rng.sample(points, len(points) // 10):
            successor = services.point_reassign(user=None, point=point, leader=rng.choice(leaders),
                                                on=datetime.date(year, 7, 1), note="人员变动，及时调整")
            points[points.index(point)] = successor
    return points


def _visits(rng, points, today) -> int:
    logged = 0
    for point in points:
        for _ in range(rng.randint(0, 5)):
            day = point.assigned_on + datetime.timedelta(days=rng.randint(0, max((today - point.assigned_on).days, 0)))
            help_given = rng.choice(HELP)
            amount = Decimal(rng.choice([0, 0, 2000, 5000, 10000, 30000])) if help_given else Decimal(0)
            services.visit_log(user=None, point=point, visited_on=day, content=rng.choice(VISITS),
                               help_given=help_given, amount=amount)
            logged += 1
    return logged


def _service_days(rng, root, today) -> int:
    townships = list(Organization.objects.filter(parent=root, org_type="party_committee").order_by("path")[:4])
    villages = list(Organization.objects.filter(subtree_q("path", [t.path for t in townships]), org_type="branch",
                                                domain="rural").order_by("path"))
    cadres = {}
    for post in Post.objects.current().filter(organization__in=villages).select_related("person"):
        cadres.setdefault(post.organization_id, post.person)
    monday = today - datetime.timedelta(days=today.weekday())
    received = 0
    for week in range(8):
        day = monday - datetime.timedelta(weeks=week)
        for village in villages:
            for _ in range(rng.choice([0, 0, 1, 1, 2])):
                request = services.request_receive(
                    user=None, organization=village, service_date=day,
                    resident_name=rng.choice(SURNAMES) + rng.choice(["大爷", "大妈", "某某", "师傅", "婶"]),
                    matter=rng.choice(MATTERS), handler=cadres.get(village.pk))
                received += 1
                age = (today - day).days
                if age >= 1 and rng.random() < 0.85:
                    services.request_advance(user=None, service_request=request, status=RequestStatus.IN_PROGRESS)
                    if age >= 3 and rng.random() < 0.85:
                        services.request_advance(user=None, service_request=request, status=RequestStatus.DONE,
                                                 on=min(today, day + datetime.timedelta(days=rng.randint(0, 10))))
    return received


def _generate(root, seed, today, progress) -> dict:
    rng = random.Random(f"liaison:{seed}")
    villages = list(Organization.objects.filter(subtree_q("path", [root.path]), org_type="branch", domain="rural",
                                                status="active").order_by("path"))
    points = _points(rng, root, today, villages)
    visits = _visits(rng, points, today)
    requests = _service_days(rng, root, today)
    progress(f"liaison points: {len(points)}, visits: {visits}, service-day requests: {requests}")
    return {"points": len(points), "visits": visits, "requests": requests}

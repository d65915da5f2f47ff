"""Members beside the demo seed's counted ones: the demo's exits and suspensions fall on such members, so the
members in good standing stay the seed's number (7,760 in the county)."""
import datetime

from kernel.core import idcard
from kernel.people.choices import MemberCategory
from kernel.people.models import Member, Person
from kernel.people.services import member_create, person_create

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志文玉兰春红德福"


def extra_member(rng, branch_member: Member, today: datetime.date):
    """A member of the same branch beside the seed's counted ones: the demo's exits and suspensions fall on such
    members, so the members in good standing stay the seed's number (7,760 in the county)."""
    gender = "male" if rng.random() < 0.7 else "female"
    birth = datetime.date(rng.randint(1938, 1975), rng.randint(1, 12), rng.randint(1, 28))
    region = (branch_member.person.id_number or "430530")[:6]
    for sequence in range(rng.randint(0, 499), 1000):
        number = idcard.make(region, birth, sequence % 500, gender)
        if not Person.objects.filter(id_number=number).exists():
            break
    name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
    person = person_create(user=None, organization=branch_member.person.organization, name=name, gender=gender,
                           birth_date=birth, id_number=number)
    joined = datetime.date(rng.randint(max(birth.year + 20, 1960), 2015), rng.randint(1, 12), 1)
    return member_create(user=None, person=person, category=MemberCategory.FULL,
                         applied_on=datetime.date(joined.year - 1, joined.month, 1), joined_on=joined,
                         full_on=datetime.date(joined.year + 1, joined.month, 1))

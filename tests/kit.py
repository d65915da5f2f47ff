"""Test helpers shared by every app: a small two-township county and a user per role.

    county (committee)
    ├── township A (party_committee, rural) ── village A1, village A2 (branches) ── members
    └── township B (party_committee, rural) ── village B1 (branch) ── members
"""
import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from kernel.core import idcard
from kernel.orgs.models import Organization
from kernel.orgs.services import org_create


@dataclass
class SmallCounty:
    county: Organization
    township_a: Organization
    township_b: Organization
    village_a1: Organization
    village_a2: Organization
    village_b1: Organization
    people: dict = field(default_factory=dict)


_sequence = iter(range(1, 10**6))


def make_id_number(birth=datetime.date(1980, 1, 1), gender="male", region="430581") -> str:
    return idcard.make(region, birth, next(_sequence) % 500, gender)


def make_member(org: Organization, name: str, *, gender="male", birth=datetime.date(1980, 1, 1),
                joined=datetime.date(2005, 7, 1), no_post_class="farming", phone="13800001234", **person_fields):
    from kernel.people.services import member_create, person_create

    person = person_create(user=None, organization=org, name=name, gender=gender, birth_date=birth,
                           id_number=make_id_number(birth, gender), phone=phone, **person_fields)
    member_create(user=None, person=person, category="full", applied_on=joined.replace(year=joined.year - 2),
                  joined_on=joined, full_on=joined.replace(year=joined.year + 1), no_post_class=no_post_class)
    person.refresh_from_db()
    return person


def make_small_county() -> SmallCounty:
    county = org_create(user=None, parent=None, code="C", name="示范县委", org_type="committee")
    township_a = org_create(user=None, parent=county, code="TA", name="甲镇党委", org_type="party_committee", domain="rural")
    township_b = org_create(user=None, parent=county, code="TB", name="乙镇党委", org_type="party_committee", domain="rural")
    village_a1 = org_create(user=None, parent=township_a, code="A1", name="陳家村党支部", org_type="branch", domain="rural")
    village_a2 = org_create(user=None, parent=township_a, code="A2", name="李家村党支部", org_type="branch", domain="rural")
    village_b1 = org_create(user=None, parent=township_b, code="B1", name="王家村党支部", org_type="branch", domain="rural")
    tree = SmallCounty(county, township_a, township_b, village_a1, village_a2, village_b1)
    tree.people["zhangsan"] = make_member(village_a1, "张三")
    tree.people["chen"] = make_member(village_a1, "陳小紅", gender="female", birth=datetime.date(1990, 3, 8))
    tree.people["lisi"] = make_member(village_a2, "李四", birth=datetime.date(1950, 6, 1), no_post_class="elderly")
    tree.people["wangwu"] = make_member(village_b1, "王五", birth=datetime.date(1975, 2, 2), no_post_class="poor")
    return tree


def make_user(username: str, role: str | None = None, organization: Organization | None = None, *,
              person=None, superuser: bool = False, password: str = "pass-Word-123"):
    from kernel.accounts.models import Grant, Profile

    User = get_user_model()
    if superuser:
        user = User.objects.create_superuser(username, password=password)
    else:
        user = User.objects.create_user(username, password=password)
    if role:
        Grant.objects.create(user=user, role=role, organization=organization)
    if person is not None:
        Profile.objects.create(user=user, person=person)
    return user

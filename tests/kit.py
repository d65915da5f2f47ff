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


def make_users(county: SmallCounty) -> dict:
    """One user per role: county-wide, township A only, village A1 only, and the member 张三."""
    return {
        "admin": make_user("admin", superuser=True),
        "county": make_user("county", "county_admin", county.county),
        "township_a": make_user("township_a", "township_admin", county.township_a),
        "township_b": make_user("township_b", "township_admin", county.township_b),
        "branch_a1": make_user("branch_a1", "branch_secretary", county.village_a1),
        "inspector": make_user("inspector", "inspector", county.township_a),
        "leader": make_user("leader", "leader", county.county),
        "member": make_user("member", "member", county.village_a1, person=county.people["zhangsan"]),
        "nobody": make_user("nobody"),
    }


def county_built_once():
    """The fixtures ``county`` and ``users`` of a module whose tests leave the county as they found it, taken from
    the county built once per module and worker (conftest.county_once) instead of once per test:

        county, users = county_built_once()      # at the top of the test module

    Writes inside a test are rolled back, and each test gets its own copy of the Python objects, so a test may change
    them freely; what must not happen is a change that outlives the test's transaction (a transactional test), or a
    test in the module that expects an empty database."""
    import copy

    import pytest

    @pytest.fixture(name="county")
    def shared_county(db, county_once):
        return copy.deepcopy(county_once[0])

    @pytest.fixture(name="users")
    def shared_users(db, county_once):
        return copy.deepcopy(county_once[1])

    return shared_county, shared_users


# --- the five scope cases of a view or endpoint -----------------------------------------------------------------

SCOPE_CASES = ("anonymous", "no grants", "own subtree", "sibling subtree", "read-only role writing")


def _sibling_of(org: Organization) -> Organization:
    sibling = Organization.objects.filter(parent_id=org.parent_id).exclude(pk=org.pk).order_by("path").first()
    assert sibling is not None, f"{org} has no sibling to test against"
    return sibling


def _send(client, method: str, url: str, data):
    import json

    if method == "get":
        return client.get(url, data or {})
    if url.startswith("/api/"):
        return getattr(client, method)(url, json.dumps(data or {}), content_type="application/json")
    return getattr(client, method)(url, data or {})


def scoped_view_tests(*, url, organization, method: str = "get", data=None, write=None, role: str = "township_admin",
                      read_only_role: str = "inspector", ok=(200,), hidden=None):
    """The five scope cases of one view or endpoint as a parametrized pytest test; assign it to a ``test_`` name:

        test_person_page = scoped_view_tests(
            url=lambda county: f"/people/{county.people['zhangsan'].pk}/",      # a string, or county → string
            organization=lambda county: county.township_a,                       # whose subtree holds the object
            write={"method": "post", "url": lambda county: ..., "data": {...}})   # what a read-only role tries

    - anonymous: a page redirects to the login, an endpoint (/api/…) answers 401;
    - no grants: 404 or 403 (or, for a list, 200 without ``hidden(county)`` in it);
    - own subtree: ``role`` granted on ``organization`` gets ``ok`` (200);
    - sibling subtree: ``role`` granted on the organization's sibling gets 404 (a list: 200 without ``hidden``);
    - read-only role writing: ``read_only_role`` on ``organization`` sending ``write`` (or the request itself when
      ``method`` writes) gets 403 or 404.
    """
    import pytest

    def resolve(value, county):
        return value(county) if callable(value) else value

    def refused_or_hidden(response, county, label):
        if response.status_code == 200 and hidden is not None:
            text = response.content.decode()
            assert resolve(hidden, county) not in text, f"{label}: the object shows"
        else:
            assert response.status_code in (403, 404), f"{label}: {response.status_code}"

    @pytest.mark.parametrize("case", SCOPE_CASES)
    def test_scope(case, county, client):
        org = resolve(organization, county)
        request = (method, resolve(url, county), resolve(data, county))
        if case == "anonymous":
            response = _send(client, *request)
            if request[1].startswith("/api/"):
                assert response.status_code == 401, response.status_code
            else:
                assert response.status_code == 302 and "login" in response["Location"], response.status_code
        elif case == "no grants":
            client.force_login(make_user("scope-nobody"))
            refused_or_hidden(_send(client, *request), county, case)
        elif case == "own subtree":
            client.force_login(make_user("scope-own", role, org))
            response = _send(client, *request)
            assert response.status_code in ok, response.status_code
            if hidden is not None and response.status_code == 200:
                assert resolve(hidden, county) in response.content.decode(), "the own object does not show"
        elif case == "sibling subtree":
            client.force_login(make_user("scope-sibling", role, _sibling_of(org)))
            refused_or_hidden(_send(client, *request), county, case)
        else:
            if write is None and method == "get":
                pytest.skip("no write declared for this read-only view")
            attempt = request if write is None else (write.get("method", "post"), resolve(write["url"], county),
                                                     resolve(write.get("data"), county))
            client.force_login(make_user("scope-reader", read_only_role, org))
            response = _send(client, *attempt)
            assert response.status_code in (403, 404), response.status_code

    return test_scope

"""The demo data: seed counts reproduced exactly, valid and consistent records, one seed one dataset."""
import datetime
import hashlib
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F
from django.test import override_settings

from kernel.accounts.models import Grant, Profile
from kernel.core import idcard
from kernel.core.models import ChangeRecord
from kernel.core.text import pinyin_initials, simplified
from kernel.orgs.models import Organization
from kernel.people.counters import recount
from kernel.people.models import Member, Person, Post
from kernel.people.selectors import name_filter
from mechanisms.firstsec.models import Dispatch

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
REFERENCE_DATE = datetime.date(2026, 6, 30)


def run(*args, **options) -> str:
    out = io.StringIO()
    with override_settings(PASSWORD_HASHERS=FAST_HASHER):
        call_command("demo_data", *args, stdout=out, **options)
    return out.getvalue()


@pytest.fixture(scope="module")
def county_output(django_db_setup, django_db_blocker):
    """Seed 000's county, generated once for the module and wiped afterwards."""
    with django_db_blocker.unblock():
        output = run(scale="county", seed=7)
        yield output
        call_command("flush", interactive=False, verbosity=0)


def active(qs):
    return qs.filter(status="active")


def counter_rows():
    return list(Organization.objects.order_by("pk").values_list(
        "pk", "member_count", "subtree_member_count", "subtree_org_count", "child_count"))


def dataset_digest() -> str:
    digest = hashlib.sha256()
    for row in Organization.objects.order_by("path").values_list("path", "code", "name", "org_type", "domain"):
        digest.update(repr(row).encode())
    for row in Person.objects.order_by("org_path", "id_number", "name").values_list(
            "org_path", "name", "gender", "birth_date", "id_number", "occupation", "phone", "stage"):
        digest.update(repr(row).encode())
    for row in Member.objects.order_by("person__id_number", "person__name").values_list(
            "person__id_number", "category", "applied_on", "joined_on", "full_on", "status", "holds_post"):
        digest.update(repr(row).encode())
    for row in Post.objects.order_by("org_path", "title", "person__id_number", "person__name", "started_on").values_list(
            "org_path", "title", "person__id_number", "person__name", "started_on", "ended_on"):
        digest.update(repr(row).encode())
    return digest.hexdigest()


def test_county_reproduces_seed_000(county_output, db):
    committees = active(Organization.objects.filter(org_type="party_committee"))
    branches = active(Organization.objects.filter(org_type="branch"))
    members = Member.objects.filter(status="active")
    assert committees.count() == 27
    assert committees.filter(domain="rural").count() == 15
    assert branches.count() == 389
    assert branches.filter(domain="rural").count() == 168
    assert members.count() == 7760
    assert members.filter(person__occupation="farmer").count() == 4973
    root = Organization.objects.get(parent=None)
    assert root.org_type == "committee"
    assert (root.subtree_member_count, root.subtree_org_count) == (7760, Organization.objects.filter(
        status="active").count())
    # every member's record sits in a branch
    assert not members.exclude(person__organization__org_type="branch").exists()


def test_counters_equal_a_recount(county_output, db):
    before = counter_rows()
    recount()
    assert counter_rows() == before


def test_id_numbers_are_valid_and_match_birth_date_and_gender(county_output, db):
    people = list(Person.objects.values_list("id_number", "birth_date", "gender"))
    assert len(people) > 7760
    for number, birth, gender in people:
        assert idcard.parse(number) == (birth, gender)
    assert Person.objects.filter(id_number__startswith="430530").count() > 0.8 * len(people)


def test_membership_dates_are_in_order(county_output, db):
    rows = Member.objects.values_list("person__birth_date", "applied_on", "joined_on", "full_on", "category", "status",
                                      "status_changed_on")
    for birth, applied, joined, full, category, status, changed in rows:
        assert birth < applied < joined <= REFERENCE_DATE
        assert (birth.year + 18, birth.month, birth.day) <= (applied.year, applied.month, applied.day)
        if category == "probationary":
            assert full is None
            assert (REFERENCE_DATE - joined).days < 366
        else:
            assert joined < full <= REFERENCE_DATE
        assert (changed is None) == (status == "active")
    assert Member.objects.filter(category="probationary", status="active").exists()
    assert Member.objects.exclude(status="active").exists()


def test_posts_cadres_and_classification(county_output, db):
    branches = active(Organization.objects.filter(org_type="branch"))
    current = Post.objects.filter(ended_on__isnull=True)
    assert set(current.filter(title="secretary", organization__org_type="branch").values_list(
        "organization", flat=True)) == set(branches.values_list("pk", flat=True))
    assert current.filter(title="deputy_secretary").exists() and current.filter(title="organization_member").exists()
    directors = current.filter(title="village_director")
    assert directors.count() == 168
    member_directors = directors.filter(person__membership__isnull=False).count()
    assert member_directors == round(0.344 * 168)  # seed 000: 34.4% of village directors are members
    one_shoulder = directors.filter(person__posts__title="secretary", person__posts__organization=F("organization"),
                                   person__posts__ended_on__isnull=True)
    assert 0 < one_shoulder.count() < member_directors
    # cadres who are not members are people without a membership
    assert Person.objects.filter(posts__isnull=False, membership__isnull=True).exists()
    # 任职 follows current posts; the others carry one of the four no-post classes in villages
    holders = set(Post.objects.current().values_list("person_id", flat=True))  # a dispatched term ends later
    assert set(Member.objects.filter(holds_post=True).values_list("person_id", flat=True)) == holders & set(
        Member.objects.values_list("person_id", flat=True))
    classes = set(Member.objects.filter(person__organization__domain="rural", holds_post=False, status="active").values_list(
        "no_post_class", flat=True))
    assert classes == {"farming", "wealthy", "poor", "migrant", "elderly"}
    assert set(Person.objects.values_list("stage", flat=True)) >= {"member", "applicant", "activist", "masses"}


def test_names_search_across_scripts(county_output, db):
    traditional = Person.objects.filter(name__startswith="陳").first()
    assert traditional is not None
    found = Person.objects.filter(name_filter("陈" + traditional.name[1:]))
    assert traditional in found
    for person in Person.objects.order_by("?")[:300]:
        assert person.name_search == simplified(person.name)
        assert person.name_initials == pinyin_initials(person.name)
    for org in Organization.objects.order_by("?")[:100]:
        assert (org.name_search, org.name_initials) == (simplified(org.name), pinyin_initials(org.name))


def test_demo_users_hold_their_roles(county_output, db):
    users = {u.username: u for u in get_user_model().objects.all()}
    assert users["admin"].is_superuser
    root = Organization.objects.get(parent=None)
    grants = {g.user.username: g for g in Grant.objects.select_related("user", "organization")}
    assert (grants["county"].role, grants["county"].organization) == ("county_admin", root)
    assert (grants["leader"].role, grants["leader"].organization) == ("leader", root)
    township, inspected = grants["township"].organization, grants["inspector"].organization
    assert grants["township"].role == "township_admin" and township.parent == root and township.domain == "rural"
    assert grants["inspector"].role == "inspector" and inspected.parent == root and inspected != township
    branch = grants["branch"].organization
    assert grants["branch"].role == "branch_secretary" and branch.parent == township and branch.domain == "rural"
    assert (grants["member"].role, grants["member"].organization) == ("member", branch)
    member_person = Profile.objects.get(user__username="member").person
    assert member_person.organization == branch and member_person.membership.status == "active"
    assert Profile.objects.get(user__username="branch").person.posts.filter(
        organization=branch, title="secretary", ended_on__isnull=True).exists()
    assert users["county"].check_password("jiceng-demo")
    secretary = Profile.objects.get(user__username="firstsec").person
    dispatch = Dispatch.objects.get(person=secretary, status="in_post")
    assert (grants["firstsec"].role, grants["firstsec"].organization) == (
        "member", dispatch.village)
    for name in ("admin", "county", "township", "branch", "inspector", "leader", "member", "firstsec"):
        assert f"  {name} " in county_output
    assert "jiceng-demo" in county_output


def test_one_change_record_per_root(county_output, db):
    records = ChangeRecord.objects.filter(source="command:demo_data")
    assert records.count() == 1
    assert "7,760 members" in records.get().message


def test_non_empty_database_is_refused_unless_flushed(county_output, db):
    with pytest.raises(CommandError):
        run(scale="county")
    output = run(scale="county", if_empty=True)
    assert "county_admin" in output
    assert Organization.objects.filter(parent=None).count() == 1


def test_same_seed_same_data_other_seed_other_data(county_output, db):
    # the registries alone: the mechanisms' demos move people too (first secretaries, elected committees)
    run(scale="county", seed=7, flush=True, registries_only=True)
    first = dataset_digest()
    run(scale="county", seed=7, flush=True, registries_only=True)
    assert dataset_digest() == first
    run(scale="county", seed=8, flush=True, registries_only=True)
    assert dataset_digest() != first
    assert Member.objects.filter(status="active").count() == 7760


def test_city_reproduces_wugang(county_output, db):
    run(scale="city", seed=1, flush=True, registries_only=True)
    orgs = active(Organization.objects.all())
    assert orgs.count() == 898
    assert Member.objects.filter(status="active").count() == 30568
    assert orgs.filter(org_type="branch", domain="rural").count() == 485
    assert orgs.filter(org_type="branch", domain="community").count() == 16
    root = Organization.objects.get(parent=None)
    assert (root.subtree_org_count, root.subtree_member_count) == (898, 30568)
    merged = Organization.objects.filter(status="merged")
    assert merged.exists() and not merged.filter(merged_into__isnull=True).exists()
    assert Post.objects.filter(title="first_secretary").count() == 224
    before = counter_rows()
    recount()
    assert counter_rows() == before


def test_county_demo_fills_every_mechanism(county_output, db):
    """A newcomer sees each capability working: campaigns named, meetings held, duties owed and discharged."""
    from engines.duties.models import Obligation
    from engines.standards.models import Sheet, TitleAward
    from mechanisms.campaigns.models import Campaign
    from mechanisms.liaison.models import LiaisonPoint
    from mechanisms.orglife.models import Meeting
    from mechanisms.reporting.models import SupervisionNotice

    assert Campaign.objects.count() >= 2
    assert Sheet.objects.exclude(tier="").exists()
    assert TitleAward.objects.filter(status="active").exists()
    assert TitleAward.objects.filter(status="revoked").exists()
    assert Meeting.objects.exists()
    states = set(Obligation.objects.values_list("state", flat=True).distinct())
    assert {"done", "late", "missed"} <= states
    assert SupervisionNotice.objects.exists()
    assert LiaisonPoint.objects.exists()


def _figure_on_page(client, url: str) -> str:
    """The figure the page at ``url`` shows: the ``data-value`` of its element ``data-figure`` named by the
    fragment, or the list's count (``data-total``) when there is no fragment."""
    import html
    import re

    path, _hash, key = url.partition("#")
    response = client.get(html.unescape(path))
    assert response.status_code == 200, url
    page = response.content.decode()
    if key:
        tags = re.findall(r'<[^<>]*\bdata-figure="' + re.escape(key) + r'"[^<>]*>', page)
        found = [value for tag in tags for value in re.findall(r'\bdata-value="([^"]*)"', tag)]
    else:
        found = re.findall(r'\bdata-total="([^"]*)"', page)
    assert len(found) == 1, f"{url}: {len(found)} elements carry the figure"
    return found[0]


def _same_number(shown: str, on_page: str) -> bool:
    from decimal import Decimal

    return Decimal(shown.rstrip("%")) == Decimal(on_page or "0")


def test_work_report_figures_equal_their_pages(county_output, db):
    """Drafted over HTTP for the county of the demo, every figure of the work report equals the figure of the page
    it links to, and the report carries the seed's kinds of figures: standards reached, members developed, training."""
    import html
    import re

    from kernel.core import clock
    from tests.scenario import api, log_in

    client = log_in("county", "jiceng-demo")
    year = clock.today().year
    county_id = api(client, "get", "/orgs").json()["items"][0]["id"]
    response = client.post("/workreport/", {"organization": county_id, "year": year})
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response["Location"]).content.decode()
    links = [(html.unescape(label), html.unescape(href))
             for href, label in re.findall(r'<a href="([^"]*)" class="report-figure">([^<]*)</a>', page)]
    assert len(links) >= 6
    headings = " ".join(re.findall(r'<h2 class="h6 mt-3 report-heading">([^<]*)</h2>', page))
    for expected in ("乡村领导班子", "创建达标", "党员队伍", "发展党员", "培训"):
        assert expected in headings, headings
    for shown, url in links:
        assert _same_number(shown, _figure_on_page(client, url)), (shown, url)
    # a hand-made change is kept until the user confirms drafting again
    report = response["Location"].rstrip("/").split("/")[-1]
    detail = api(client, "get", f"/workreport/reports/{report}").json()
    edited = api(client, "put", f"/workreport/reports/{report}",
                 {"title": detail["title"], "body": detail["body"] + "\n\n另有说明。"})
    assert edited.status_code == 200
    again = api(client, "post", f"/workreport/reports/{report}/redraft", {})
    assert again.status_code == 409 and "另有说明" in again.json()["current"]
    assert "另有说明" not in again.json()["draft"]
    assert "另有说明" in api(client, "get", f"/workreport/reports/{report}").json()["body"]
    # the PDF prints
    pdf = client.get(f"/workreport/{report}/report.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content[:4] == b"%PDF"

"""Properties of the organization tree under random sequences of the services' writes.

Whatever users do — create, move, merge, dissolve organizations; register, transfer and
change members — the tree stays well-formed and the counters kept step by step equal the
ones rebuilt from scratch.
"""
import datetime
import itertools

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from kernel.accounts.models import Grant
from kernel.accounts.roles import Role
from kernel.core import idcard
from kernel.core.tree import SEGMENT_WIDTH, in_subtree, minimal_roots, subtree_bounds, subtree_q
from kernel.orgs.models import Organization, OrgStatus, OrgType
from kernel.orgs.services import ALLOWED_PARENTS, org_create, org_move, org_update
from kernel.people.choices import MemberStatus
from kernel.people.counters import recount
from kernel.people.models import Member, Person, Post
from kernel.people.restructure import org_dissolve, org_merge
from kernel.people.services import member_create, member_update, person_create, person_transfer, post_create

COUNTERS = ("member_count", "subtree_member_count", "subtree_org_count", "child_count")
OPERATIONS = ["create_org", "create_org", "member", "member", "move", "merge", "merge", "dissolve", "status",
              "status", "transfer", "post", "grant", "grant", "retype"]
STEADY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class TreeBuilder:
    """Draws operations and applies them through the services, as the system or as a member of staff.

    The staff account's grants change along the way; it is read afresh for every operation, as each
    request would.
    """

    def __init__(self, data):
        self.data = data
        self.numbers = itertools.count(1)
        self.root = org_create(user=None, parent=None, code="ROOT", name="县委", org_type=OrgType.COMMITTEE)
        self.staff = get_user_model().objects.create_user("staff")
        self.actor = None

    def pick(self, queryset):
        rows = list(queryset.order_by("pk"))
        return self.data.draw(st.sampled_from(rows)) if rows else None

    def run(self, operation):
        self.actor = get_user_model().objects.get(pk=self.staff.pk) if self.data.draw(st.booleans()) else None
        try:
            getattr(self, operation)()
        except (ValidationError, PermissionDenied):
            event(f"{operation} refused")  # a legitimate outcome; the transaction rolled back
        else:
            event(f"{operation} done")

    def grant(self):
        org = self.pick(Organization.objects.filter(status=OrgStatus.ACTIVE))
        if org is None:
            return
        Grant.objects.get_or_create(user=self.staff, role=self.data.draw(st.sampled_from(list(Role))), organization=org)

    def retype(self):
        org = self.pick(Organization.objects.all())
        org_update(user=self.actor, org=org, org_type=self.data.draw(st.sampled_from(list(OrgType))))

    def create_org(self):
        parent = self.pick(Organization.objects.filter(status=OrgStatus.ACTIVE))
        if parent is None:
            return
        allowed = [t for t in OrgType if parent.org_type in ALLOWED_PARENTS[t]]
        if not allowed:
            return
        n = next(self.numbers)
        org_create(user=self.actor, parent=parent, code=f"O{n}", name=f"第{n}党支部",
                   org_type=self.data.draw(st.sampled_from(allowed)), domain="rural")

    def member(self):
        org = self.pick(Organization.objects.filter(status=OrgStatus.ACTIVE))
        if org is None:
            return
        n = next(self.numbers)
        birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=n * 37)
        person = person_create(user=self.actor, organization=org, name=f"张{n}", gender="male",
                               id_number=idcard.make("430581", birth, n % 500, "male"))
        member_create(user=self.actor, person=person, category="full", applied_on=datetime.date(2000, 1, 1),
                      joined_on=datetime.date(2001, 1, 1), full_on=datetime.date(2002, 1, 1),
                      status=self.data.draw(st.sampled_from(MemberStatus.values)))

    def move(self):
        org = self.pick(Organization.objects.exclude(parent=None))
        new_parent = self.pick(Organization.objects.all())
        if org is not None:
            org_move(user=self.actor, org=org, new_parent=new_parent)

    def merge(self):
        source = self.pick(Organization.objects.exclude(parent=None))
        if source is None:
            return
        # mostly like with like (two villages), sometimes anything at all
        candidates = Organization.objects.exclude(pk=source.pk)
        if self.data.draw(st.booleans()):
            candidates = candidates.filter(org_type=source.org_type, status=OrgStatus.ACTIVE)
        target = self.pick(candidates)
        if target is None:
            return
        org_merge(user=self.actor, source=source, target=target, on=datetime.date(2024, 1, 1))

    def dissolve(self):
        org_dissolve(user=self.actor, org=self.pick(Organization.objects.all()), on=datetime.date(2024, 1, 1))

    def status(self):
        member = self.pick(Member.objects.all())
        if member is not None:
            member_update(user=self.actor, member=member, status=self.data.draw(st.sampled_from(MemberStatus.values)),
                          status_changed_on=datetime.date(2024, 1, 1))

    def transfer(self):
        person = self.pick(Person.objects.all())
        if person is not None:
            person_transfer(user=self.actor, person=person, organization=self.pick(Organization.objects.all()))

    def post(self):
        person = self.pick(Person.objects.all())
        if person is not None:
            post_create(user=self.actor, person=person, organization=self.pick(Organization.objects.all()),
                        title="secretary", started_on=datetime.date(2020, 1, 1))


def counter_table():
    return {row[0]: row[1:] for row in Organization.objects.values_list("pk", *COUNTERS)}


class TreePropertyTests(TestCase):
    def build(self, data):
        builder = TreeBuilder(data)
        for operation in data.draw(st.lists(st.sampled_from(OPERATIONS), min_size=5, max_size=30)):
            builder.run(operation)
        return builder

    @STEADY
    @given(st.data())
    def test_counters_kept_by_the_services_equal_a_full_recount(self, data):
        builder = self.build(data)
        kept = counter_table()
        recount()
        self.assertEqual(counter_table(), kept)
        subtree_root = builder.pick(Organization.objects.all())
        recount(subtree_root)
        self.assertEqual(counter_table(), kept)


    @STEADY
    @given(st.data())
    def test_tree_shape(self, data):
        self.build(data)
        orgs = list(Organization.objects.values("pk", "path", "depth", "parent_id", "status", "org_type"))
        by_pk = {o["pk"]: o for o in orgs}
        paths = [o["path"] for o in orgs]
        self.assertEqual(len(paths), len(set(paths)))
        for org in orgs:
            self.assertEqual(len(org["path"]) % SEGMENT_WIDTH, 0)
            self.assertEqual(org["depth"], len(org["path"]) // SEGMENT_WIDTH)
            if org["parent_id"] is None:
                self.assertEqual(org["depth"], 1)
                continue
            parent = by_pk[org["parent_id"]]
            # under its parent, hence never under its own subtree
            self.assertEqual(parent["path"], org["path"][:-SEGMENT_WIDTH])
            if org["status"] == OrgStatus.ACTIVE:
                self.assertEqual(parent["status"], OrgStatus.ACTIVE)
                self.assertIn(parent["org_type"], ALLOWED_PARENTS[OrgType(org["org_type"])])
        for org in orgs:  # walking up the parents ends at a root
            seen, current = set(), org
            while current["parent_id"] is not None:
                self.assertNotIn(current["pk"], seen)
                seen.add(current["pk"])
                current = by_pk[current["parent_id"]]


    @STEADY
    @given(st.data())
    def test_copied_paths_follow_their_organization(self, data):
        self.build(data)
        for person in Person.objects.select_related("organization"):
            self.assertEqual(person.org_path, person.organization.path)
        for member in Member.objects.select_related("person"):
            self.assertEqual(member.org_path, member.person.org_path)
        for post in Post.objects.select_related("organization"):
            self.assertEqual(post.org_path, post.organization.path)
        self.assertFalse(Person.objects.filter(organization__status=OrgStatus.MERGED).exists())


    @STEADY
    @given(st.data())
    def test_subtree_queries_select_exactly_the_path_prefix(self, data):
        self.build(data)
        paths = list(Organization.objects.values_list("path", flat=True))
        roots = data.draw(st.lists(st.sampled_from(paths), max_size=3))
        expected = {p for p in paths if any(p.startswith(r) for r in roots)}
        self.assertEqual(set(Organization.objects.filter(subtree_q("path", roots)).values_list("path", flat=True)),
                         expected)
        for root in roots:
            lo, hi = subtree_bounds(root)
            selected = set(Organization.objects.filter(path__gte=lo, path__lt=hi).values_list("path", flat=True))
            self.assertEqual(selected, {p for p in paths if p.startswith(root)})
            people = set(Person.objects.filter(org_path__gte=lo, org_path__lt=hi).values_list("pk", flat=True))
            self.assertEqual(people, {pk for pk, p in Person.objects.values_list("pk", "org_path")
                                      if p.startswith(root)})



def test_subtree_q_of_nothing_selects_nothing(db):
    org_create(user=None, parent=None, code="R", name="县委", org_type=OrgType.COMMITTEE)
    assert not Organization.objects.filter(subtree_q("path", [])).exists()


segments = st.integers(1, 99998).map(lambda n: str(n).zfill(SEGMENT_WIDTH))
tree_paths = st.lists(segments, min_size=1, max_size=4).map("".join)


def related_path(data, paths):
    """A path near the given ones: one of them, an ancestor, a descendant, a sibling, or anything."""
    base = data.draw(st.sampled_from(paths)) if paths else data.draw(tree_paths)
    depth = len(base) // SEGMENT_WIDTH
    cut = base[: SEGMENT_WIDTH * data.draw(st.integers(1, depth))]
    return data.draw(st.sampled_from([
        base, cut, base + data.draw(tree_paths), cut[:-SEGMENT_WIDTH] + data.draw(segments), data.draw(tree_paths),
    ]))


@given(root=tree_paths, data=st.data())
def test_subtree_bounds_are_exactly_the_prefix(root, data):
    other = related_path(data, [root])
    lo, hi = subtree_bounds(root)
    assert (lo <= other < hi) == other.startswith(root)


@given(data=st.data())
def test_minimal_roots_cover_the_same_subtrees(data):
    paths = data.draw(st.lists(tree_paths, max_size=3))
    paths += [related_path(data, paths) for _ in range(data.draw(st.integers(0, 3)))]
    probe = related_path(data, paths)
    roots = minimal_roots(paths)
    assert set(roots) <= set(paths)
    assert not any(a != b and b.startswith(a) for a in roots for b in roots)
    assert in_subtree(probe, roots) == any(probe.startswith(p) for p in paths)

"""Generates a demo dataset: plan the tree, write organizations, then each unit's people, set-based."""
import multiprocessing
import random
import time
from dataclasses import dataclass, field

from django.db import transaction

from kernel.core.bulkwrite import first_free_id, make_writer
from kernel.core.changelog import record_change
from kernel.core.models import ChangeRecord
from kernel.orgs.models import Organization
from kernel.people.counters import recount
from kernel.people.models import Member, Person, Post

from .names import SearchKeys
from .people import MEMBER_COLUMNS, PERSON_COLUMNS, POST_COLUMNS, PeopleFactory
from .plan import Tree, compute_counters
from .scales import SCALES

ORG_COLUMNS = ("id", "code", "name", "short_name", "org_type", "domain", "parent_id", "path", "depth", "place",
               "founded_on", "status", "ended_on", "merged_into_id", "name_search", "name_initials",
               "last_child_segment", "member_count", "subtree_member_count", "subtree_org_count", "child_count")


@dataclass
class Result:
    roots: list = field(default_factory=list)
    tree: Tree | None = None
    rows: dict = field(default_factory=dict)
    seconds: float = 0.0


def _org_rows(tree: Tree) -> list[tuple]:
    counters = compute_counters(tree)
    keys = SearchKeys()
    rows = []
    for n in tree.nodes:
        direct, members, orgs, children = counters[n.id]
        rows.append((
            n.id, n.code, n.name, n.short_name, n.org_type, n.domain, n.parent.id if n.parent else None, n.path,
            len(n.path) // 5, n.place, n.founded_on, n.status, n.ended_on, n.merged_into.id if n.merged_into else None,
            *keys(n.name, 120, 60), tree.last_child_segment(n),
            direct, members, orgs, children,
        ))
    return rows


_work: dict = {}  # what forked workers need: set before the pool starts, inherited by fork


def _unit_rows(index: int):
    unit = _work["tree"].units[index]
    return _work["factory"].unit_rows(unit, random.Random(f"{_work['seed']}:{index}"))


def _units_in_order(tree: Tree, seed: int):
    """Each unit's rows, in unit order; two worker processes make them when there are many units."""
    _work.update(tree=tree, seed=seed, factory=PeopleFactory())
    indexes = range(len(tree.units))
    if len(tree.units) < 4 or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(_unit_rows, indexes)
        return
    with multiprocessing.get_context("fork").Pool(2) as pool:
        yield from pool.imap(_unit_rows, indexes, chunksize=1)


def generate(scale: str, seed: int, progress=lambda message: None) -> Result:
    """Writes a whole dataset in one transaction. Counters are written from the plan, then rebuilt by recount
    wherever that is cheap, so they are right either way; change records: one per root (see ``_record``)."""
    started = time.monotonic()
    rng = random.Random(seed)
    last_root = Organization.objects.filter(depth=1).order_by("-path").values_list("path", flat=True).first()
    tree = Tree(first_id=first_free_id(Organization), first_root_segment=int(last_root) + 1 if last_root else 1)
    build = SCALES[scale]
    if scale == "province":
        build(rng, tree, progress)
    else:
        build(rng, tree)
    progress(f"planned {len(tree.nodes):,} organizations in {len(tree.units)} units")
    writer = make_writer()
    person_base, member_base, post_base = (first_free_id(m) - 1 for m in (Person, Member, Post))
    with transaction.atomic():
        writer.write(Organization, ORG_COLUMNS, _org_rows(tree))
        progress(f"wrote {len(tree.nodes):,} organizations")
        bulk = hasattr(writer, "without_indexes") and len(tree.nodes) > 5000
        if bulk:
            writer.without_indexes([Person, Member, Post])
        for i, (persons, members, posts) in enumerate(_units_in_order(tree, seed), 1):
            writer.write(Person, PERSON_COLUMNS, [(r[0] + person_base, *r[1:]) for r in persons])
            writer.write(Member, MEMBER_COLUMNS, [(r[0] + member_base, r[1] + person_base, *r[2:]) for r in members])
            writer.write(Post, POST_COLUMNS, [(r[0] + post_base, r[1] + person_base, *r[2:]) for r in posts])
            person_base += len(persons)
            member_base += len(members)
            post_base += len(posts)
            if len(tree.units) > 1 and (i % 10 == 0 or i == len(tree.units)):
                progress(f"people of {i}/{len(tree.units)} units: {writer.written.get('people.Person', 0):,} people")
        if bulk:
            writer.restore_indexes(progress)
        writer.finish()
        roots = [n for n in tree.nodes if n.parent is None]
        if len(tree.nodes) < 20000:  # a full recount of a province takes longer than it is worth
            for root in roots:
                recount(Organization.objects.get(pk=root.id))
        _record(roots, tree, writer.written)
    progress("done")
    return Result(roots=[Organization.objects.get(pk=r.id) for r in roots], tree=tree, rows=dict(writer.written),
                  seconds=time.monotonic() - started)


def _record(roots, tree: Tree, written: dict) -> None:
    """One change record per root: writing one per generated row (millions at province scale) would
    drown the change log; the summary names the counts instead."""
    for node in roots:
        root = Organization.objects.get(pk=node.id)
        message = (f"demo_data: {root.subtree_org_count:,} organizations, {root.subtree_member_count:,} members, "
                   f"{written.get('people.Person', 0):,} people, {written.get('people.Post', 0):,} posts")
        record_change(root, ChangeRecord.Action.CREATE, message=message)

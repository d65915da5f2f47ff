"""The tree's counters (members and organizations of each subtree), kept by the services that change them.

``adjust_ancestors`` moves the counts of every ancestor of a path; the registries' services (orgs, people,
imports) call it. ``kernel.people.counters.recount`` rebuilds them all from the registries.
"""
from django.db import connection
from django.db.models import F

from kernel.core.tree import ancestor_paths

from .models import Organization


def adjust_ancestors(path: str, *, members: int = 0, orgs: int = 0) -> None:
    """Adds ``members`` and ``orgs`` to the subtree counts of ``path`` and every organization above it."""
    if members or orgs:
        Organization.objects.filter(path__in=ancestor_paths(path)).update(
            subtree_member_count=F("subtree_member_count") + members,
            subtree_org_count=F("subtree_org_count") + orgs,
        )


def _chunks(items, size):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _chunk_size() -> int:
    return 20_000 if connection.vendor == "postgresql" else 900


def move_member_counts(deltas: dict) -> None:
    """Moves the member counters by the change of active members per organization id, set-based."""
    deltas = {org: delta for org, delta in deltas.items() if delta}
    if not deltas:
        return
    paths = dict(Organization.objects.filter(pk__in=list(deltas)).values_list("id", "path"))
    subtree: dict[str, int] = {}
    for org_id, delta in deltas.items():
        for path in ancestor_paths(paths[org_id]):
            subtree[path] = subtree.get(path, 0) + delta
    for field, keys, lookup in (("member_count", deltas, "pk__in"), ("subtree_member_count", subtree, "path__in")):
        by_step: dict[int, list] = {}
        for key, delta in keys.items():
            if delta:
                by_step.setdefault(delta, []).append(key)
        for delta, group in by_step.items():
            for chunk in _chunks(group, _chunk_size()):
                Organization.objects.filter(**{lookup: chunk}).update(**{field: F(field) + delta})

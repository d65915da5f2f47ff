"""Rebuilding the tree's counters from the registries (the services keep them as they go: kernel.orgs.counters)."""
from django.db import transaction
from django.db.models import Count

from kernel.core.tree import ancestor_paths, subtree_bounds
from kernel.orgs import stats
from kernel.orgs.models import Organization, OrgStatus

from .models import Member


def recount(root: Organization | None = None) -> int:
    """Rebuilds every counter of the subtree from the registries, set-based; returns organizations updated."""
    orgs = Organization.objects.all()
    members = Member.objects.filter(status="active")
    if root is not None:
        lo, hi = subtree_bounds(root.path)
        orgs = orgs.filter(path__gte=lo, path__lt=hi)
        members = members.filter(org_path__gte=lo, org_path__lt=hi)
    direct = dict(members.values_list("person__organization_id").annotate(n=Count("id")).values_list("person__organization_id", "n"))
    rows = list(orgs.values_list("id", "path", "status", "parent_id"))
    by_path = {}
    for pk, path, status, _parent in rows:
        by_path[path] = [pk, status, direct.get(pk, 0), 0, 0, 0]  # id, status, direct, subtree members, subtree orgs, children
    id_to_path = {pk: path for pk, path, _s, _p in rows}
    for pk, path, status, parent_id in rows:
        active = status == OrgStatus.ACTIVE
        count = direct.get(pk, 0)
        for ancestor in ancestor_paths(path):
            entry = by_path.get(ancestor)
            if entry is not None:
                entry[3] += count
                entry[4] += 1 if active else 0
        if active and parent_id in id_to_path and id_to_path[parent_id] in by_path:
            by_path[id_to_path[parent_id]][5] += 1
    updates = [
        Organization(pk=pk, member_count=d, subtree_member_count=m, subtree_org_count=o, child_count=c)
        for pk, _status, d, m, o, c in by_path.values()
    ]
    with transaction.atomic():
        Organization.objects.bulk_update(
            updates, ["member_count", "subtree_member_count", "subtree_org_count", "child_count"], batch_size=2000
        )
        stats.refresh(root)
    return len(updates)

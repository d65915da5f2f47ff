"""Merging and dissolving organizations: they move or end people, members and posts, so they sit above both
registries (kernel.orgs.services moves organizations, kernel.people.services people)."""
import datetime

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from kernel.core import clock
from kernel.core.changelog import record_change, snapshot
from kernel.core.models import ChangeRecord
from kernel.core.services import refuse, require_in_scope
from kernel.core.tree import SEGMENT_WIDTH
from kernel.orgs.counters import adjust_ancestors
from kernel.orgs.models import Organization, OrgStatus
from kernel.orgs.services import org_move

from .models import Member, Person, Post
from .services import refresh_holds_post


def _end_posts(org: Organization, on: datetime.date) -> None:
    """Ends the organization's current posts on ``on``; their holders' 任职 follows."""
    posts = Post.objects.filter(organization=org).current(on)
    holders = list(posts.values_list("person_id", flat=True).distinct())
    posts.update(ended_on=on)
    refresh_holds_post(holders)


@transaction.atomic
def org_merge(*, user, source: Organization, target: Organization, on: datetime.date | None = None) -> Organization:
    """Merges ``source`` into ``target``: its members, people, posts' holders and sub-organizations move over.

    The source stays in the tree, marked merged, with its history and a link to the target.
    """
    on = on or clock.today()
    source = Organization.objects.select_for_update().get(pk=source.pk)
    target = Organization.objects.select_for_update().get(pk=target.pk)
    require_in_scope(user, source.path, realm="org")
    require_in_scope(user, target.path, realm="org")
    if source.pk == target.pk:
        refuse(_("An organization cannot be merged into itself."), field="target")
    if not source.is_active or not target.is_active:
        refuse(_("Only active organizations can be merged."), field="target")
    if target.path.startswith(source.path):
        refuse(_("An organization cannot be merged into one of its own sub-organizations."), field="target")
    before = snapshot(source)
    for child in Organization.objects.filter(parent=source, status=OrgStatus.ACTIVE).order_by("path"):
        org_move(user=user, org=child, new_parent=target)
    source.refresh_from_db()
    moved = source.member_count
    people = Person.objects.filter(organization=source)
    people.update(organization=target, org_path=target.path)
    Member.objects.filter(person__organization=target, org_path=source.path).update(org_path=target.path)
    _end_posts(source, on)
    adjust_ancestors(source.path, members=-moved, orgs=-1)
    adjust_ancestors(target.path, members=moved)
    Organization.objects.filter(pk=target.pk).update(member_count=F("member_count") + moved)
    Organization.objects.filter(pk=source.parent_id).update(child_count=F("child_count") - 1)
    Organization.objects.filter(pk=source.pk).update(
        status=OrgStatus.MERGED, ended_on=on, merged_into=target, member_count=0, subtree_member_count=0,
        subtree_org_count=0, child_count=0,
    )
    source.refresh_from_db()
    record_change(source, ChangeRecord.Action.MERGE, before=before,
                  message=_("Merged into %(target)s") % {"target": target.name})
    return source


@transaction.atomic
def org_dissolve(*, user, org: Organization, on: datetime.date | None = None, reason: str = "") -> Organization:
    on = on or clock.today()
    org = Organization.objects.select_for_update().get(pk=org.pk)
    require_in_scope(user, org.path, realm="org")
    if not org.is_active:
        refuse(_("The organization is not active."))
    if Organization.objects.filter(parent=org, status=OrgStatus.ACTIVE).exists():
        refuse(_("Move, merge or dissolve its sub-organizations first."))
    if Person.objects.filter(organization=org, membership__status="active").exists():
        refuse(_("Transfer its members to another organization first."))
    before = snapshot(org)
    _end_posts(org, on)
    adjust_ancestors(org.path[:-SEGMENT_WIDTH], orgs=-1)
    Organization.objects.filter(pk=org.parent_id).update(child_count=F("child_count") - 1)
    Organization.objects.filter(pk=org.pk).update(status=OrgStatus.DISSOLVED, ended_on=on, subtree_org_count=0)
    org.refresh_from_db()
    record_change(org, ChangeRecord.Action.DISSOLVE, before=before, message=reason)
    return org

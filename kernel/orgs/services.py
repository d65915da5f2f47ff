"""Writes to the organization tree. Every function runs atomically and records its change."""
import datetime

from django.apps import apps
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from kernel.core.changelog import record_change, snapshot
from kernel.core.models import ChangeRecord
from kernel.core.services import refuse, require_in_scope
from kernel.core.text import pinyin_initials, simplified
from kernel.core.tree import SEGMENT_WIDTH, depth_of, segment, subtree_bounds

from .counters import adjust_ancestors
from .models import Domain, Organization, OrgStatus, OrgType

# Which types may sit under which: the county committee at the top, groups at the bottom.
ALLOWED_PARENTS = {
    OrgType.COMMITTEE: {None, OrgType.COMMITTEE},
    OrgType.PARTY_COMMITTEE: {OrgType.COMMITTEE, OrgType.PARTY_COMMITTEE},
    OrgType.GENERAL_BRANCH: {OrgType.COMMITTEE, OrgType.PARTY_COMMITTEE},
    OrgType.BRANCH: {OrgType.COMMITTEE, OrgType.PARTY_COMMITTEE, OrgType.GENERAL_BRANCH},
    OrgType.GROUP: {OrgType.BRANCH, OrgType.GENERAL_BRANCH},
}

EDITABLE_FIELDS = ("code", "name", "short_name", "org_type", "domain", "place", "founded_on")


def _check_placement(org_type: str, parent: Organization | None) -> None:
    parent_type = parent.org_type if parent else None
    if parent_type not in ALLOWED_PARENTS[OrgType(org_type)]:
        refuse(_("A %(child)s cannot be placed under a %(parent)s.") % {
            "child": OrgType(org_type).label,
            "parent": OrgType(parent_type).label if parent_type else _("nothing (top level)"),
        }, field="parent")
    if parent is not None and not parent.is_active:
        refuse(_("The parent organization is no longer active."), field="parent")


def _check_children_fit(org: Organization, org_type: str) -> None:
    child_types = Organization.objects.filter(parent=org, status=OrgStatus.ACTIVE).values_list("org_type", flat=True)
    if any(org_type not in ALLOWED_PARENTS[OrgType(t)] for t in set(child_types)):
        refuse(_("Its sub-organizations cannot be placed under a %(type)s.") % {"type": OrgType(org_type).label},
               field="org_type")


def _next_path(parent: Organization | None) -> str:
    if parent is None:
        last = (
            Organization.objects.filter(depth=1).order_by("-path").values_list("path", flat=True).first()
        )
        return segment(int(last) + 1 if last else 1)
    parent = Organization.objects.select_for_update().get(pk=parent.pk)
    parent.last_child_segment += 1
    Organization.objects.filter(pk=parent.pk).update(last_child_segment=parent.last_child_segment)
    return parent.path + segment(parent.last_child_segment)


def _set_search_keys(org: Organization) -> None:
    org.name_search = simplified(org.name)[:120]
    org.name_initials = pinyin_initials(org.name)[:60]


def _check_code(code: str, exclude_pk=None) -> None:
    if Organization.objects.filter(code=code).exclude(pk=exclude_pk).exists():
        refuse(_("Another organization already has the code %(code)s.") % {"code": code}, field="code")


@transaction.atomic
def org_create(*, user, parent: Organization | None, code: str, name: str, org_type: str,
               domain: str = "", short_name: str = "", place: str = "",
               founded_on: datetime.date | None = None) -> Organization:
    if parent is None:
        if user is not None and not user.is_superuser:
            refuse(_("Only a system administrator can add a top-level organization."), field="parent")
    else:
        require_in_scope(user, parent.path, realm="org")
    _check_placement(org_type, parent)
    _check_code(code)
    if domain and domain not in Domain.values:
        refuse(_("Unknown domain."), field="domain")
    org = Organization(
        code=code, name=name, short_name=short_name, org_type=org_type, domain=domain,
        parent=parent, place=place, founded_on=founded_on,
    )
    org.path = _next_path(parent)
    org.depth = depth_of(org.path)
    _set_search_keys(org)
    org.save()
    if parent is not None:
        Organization.objects.filter(pk=parent.pk).update(child_count=F("child_count") + 1)
        adjust_ancestors(parent.path, orgs=1)
    record_change(org, ChangeRecord.Action.CREATE)
    return org


@transaction.atomic
def org_update(*, user, org: Organization, **changes) -> Organization:
    org = Organization.objects.select_for_update().get(pk=org.pk)
    require_in_scope(user, org.path, realm="org")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    before = snapshot(org)
    if "code" in changes:
        _check_code(changes["code"], exclude_pk=org.pk)
    if "org_type" in changes:
        _check_placement(changes["org_type"], org.parent)
        _check_children_fit(org, changes["org_type"])
    for name, value in changes.items():
        setattr(org, name, value)
    _set_search_keys(org)
    org.save()
    record_change(org, ChangeRecord.Action.UPDATE, before=before)
    return org


def _path_copies():
    """Every model that keeps a copy of an organization's path to be scoped by it (kernel.core.scope)."""
    for model in apps.get_models():
        field = getattr(model, "scope_path_field", None)
        if model is not Organization and field and "__" not in field:
            yield model, field


def _rewrite_paths(old: str, new: str) -> None:
    """Replaces the prefix ``old`` with ``new`` on every row of the subtree, in one statement per table."""
    lo, hi = subtree_bounds(old)
    delta = depth_of(new) - depth_of(old)
    tail = Substr("path", len(old) + 1)
    Organization.objects.filter(path__gte=lo, path__lt=hi).update(
        path=Concat(Value(new), tail), depth=F("depth") + delta
    )
    for model, field in _path_copies():
        model._default_manager.filter(**{f"{field}__gte": lo, f"{field}__lt": hi}).update(
            **{field: Concat(Value(new), Substr(field, len(old) + 1))}
        )


@transaction.atomic
def org_move(*, user, org: Organization, new_parent: Organization) -> Organization:
    org = Organization.objects.select_for_update().get(pk=org.pk)
    new_parent = Organization.objects.select_for_update().get(pk=new_parent.pk)
    require_in_scope(user, org.path, realm="org")
    require_in_scope(user, new_parent.path, realm="org")
    if org.parent_id is None:
        refuse(_("A top-level organization cannot be moved."), field="parent")
    if new_parent.path.startswith(org.path):
        refuse(_("An organization cannot be moved under itself or one of its own sub-organizations."), field="parent")
    if new_parent.pk == org.parent_id:
        refuse(_("The organization is already under %(parent)s.") % {"parent": new_parent.name}, field="parent")
    if not org.is_active:
        refuse(_("Only an active organization can be moved."))
    _check_placement(org.org_type, new_parent)
    before = snapshot(org)
    old_parent_id, old_path = org.parent_id, org.path
    adjust_ancestors(old_path[:-SEGMENT_WIDTH], members=-org.subtree_member_count, orgs=-org.subtree_org_count)
    Organization.objects.filter(pk=old_parent_id).update(child_count=F("child_count") - 1)
    new_path = _next_path(new_parent)
    _rewrite_paths(old_path, new_path)
    Organization.objects.filter(pk=org.pk).update(parent=new_parent)
    Organization.objects.filter(pk=new_parent.pk).update(child_count=F("child_count") + 1)
    adjust_ancestors(new_parent.path, members=org.subtree_member_count, orgs=org.subtree_org_count)
    org.refresh_from_db()
    require_in_scope(user, org.path, realm="org")
    record_change(org, ChangeRecord.Action.MOVE, before=before,
                  message=_("Moved from %(old)s to %(new)s") % {
                      "old": Organization.objects.get(pk=old_parent_id).name, "new": new_parent.name})
    return org

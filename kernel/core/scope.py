"""Every query that returns organization data goes through ``restrict``.

A model that belongs to an organization declares where its path lives
(``scope_path_field``) and which realm it belongs to: organization data
(``org``) or personal data (``people``). The user's scope says which subtrees
each realm and action covers; it is computed by the resolver named in the
``SCOPE_RESOLVER`` setting (the accounts app), so this module knows nothing of
roles. No user, no scope: the answer is empty.
"""
from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.module_loading import import_string

from .tree import ancestor_paths, in_subtree, minimal_roots, subtree_q

VIEW = "view"
CHANGE = "change"
SENSITIVE = "sensitive"


@dataclass(frozen=True)
class Scope:
    """The subtrees a user may reach, per realm and action, plus the user's own person."""

    everything: bool = False
    paths: dict = field(default_factory=dict)  # (realm, action) -> tuple of root paths
    self_person_id: int | None = None

    def roots(self, realm: str, action: str) -> list[str]:
        return minimal_roots(self.paths.get((realm, action), ()))

    def covers(self, path: str, *, realm: str = "org", action: str = VIEW) -> bool:
        return self.everything or in_subtree(path, self.roots(realm, action))

    def is_empty(self) -> bool:
        return not self.everything and not any(self.paths.values()) and self.self_person_id is None


NO_SCOPE = Scope()


@cache
def _resolver():
    return import_string(settings.SCOPE_RESOLVER)


def scope_for(user) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_SCOPE
    cached = getattr(user, "_jiceng_scope", None)
    if cached is None:
        cached = _resolver()(user)
        user._jiceng_scope = cached
    return cached


class ScopedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = VIEW):
        model = self.model
        scope = scope_for(user)
        if scope.everything:
            return self
        realm = getattr(model, "scope_realm", "org")
        condition = subtree_q(model.scope_path_field, scope.roots(realm, action))
        self_field = getattr(model, "scope_self_field", None)
        if self_field and scope.self_person_id is not None and action in (VIEW, SENSITIVE):
            condition |= Q(**{self_field: scope.self_person_id})
        return self.filter(condition)


class OwnedQuerySet(ScopedQuerySet):
    """Things an organization owns and those below it work under (a standard, a duty rule, a workflow, a
    campaign, a county's training class): seen in the owner's subtree and from below it (a township sees the
    county's standard it is assessed by); changed only by those whose subtree holds the owner."""

    def restrict(self, user, action: str = VIEW):
        scope = scope_for(user)
        if scope.everything:
            return self
        field_name = self.model.scope_path_field
        roots = scope.roots("org", action)
        condition = subtree_q(field_name, roots)
        if action == VIEW:
            condition |= Q(**{f"{field_name}__in": {path for root in roots for path in ancestor_paths(root)}})
        return self.filter(condition)


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):
    pass

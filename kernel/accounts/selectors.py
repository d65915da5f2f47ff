"""Whose accounts and grants an administrator sees and manages (the rules: accounts/roles.py)."""
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from kernel.core.tree import in_subtree, minimal_roots, subtree_q

from .models import Grant, Profile
from .roles import ADMIN_ROLES, RANK
from .scope import role_grants


def admin_grants(user) -> list[tuple[str, str]]:
    """(role, organization path) of the user's administrator grants on active organizations."""
    if user is None or not getattr(user, "is_active", False):
        return []
    return [(role, path) for role, path in role_grants(user) if role in ADMIN_ROLES]


def admin_roots(user) -> list[str]:
    return minimal_roots(path for _role, path in admin_grants(user))


def is_account_admin(user) -> bool:
    """Whether the user manages accounts at all: a superuser or an administrator."""
    return bool(user is not None and getattr(user, "is_active", False)
                and (user.is_superuser or admin_grants(user)))


def highest_rank_on(user, path: str) -> int:
    """The highest rank of the user's administrator grants covering ``path`` (0: none covers it)."""
    return max((RANK[role] for role, root in admin_grants(user) if in_subtree(path, [root])), default=0)


def visible_users(user) -> QuerySet:
    """Accounts with a grant or their home in the user's administrator subtrees (all of them for a superuser)."""
    User = get_user_model()
    if user is None or not getattr(user, "is_active", False):
        return User.objects.none()
    if user.is_superuser:
        return User.objects.all()
    roots = admin_roots(user)
    if not roots:
        return User.objects.none()
    by_grant = Grant.objects.filter(subtree_q("organization__path", roots)).values("user_id")
    by_home = Profile.objects.filter(subtree_q("home_path", roots)).values("user_id")
    return User.objects.filter(Q(pk__in=by_grant) | Q(pk__in=by_home)).exclude(is_superuser=True)


def _uncovered_grants(user) -> QuerySet:
    """Grants the user could not have granted: outside every administrator grant, or ranked above it."""
    covered = Q(pk__in=[])
    for role, root in admin_grants(user):
        ranked_lower = [code for code, rank in RANK.items() if rank <= RANK[role]]
        covered |= subtree_q("organization__path", [root]) & Q(role__in=ranked_lower)
    return Grant.objects.exclude(covered)


def manageable_users(user) -> QuerySet:
    """Visible accounts every grant of which the user could have granted; without grants, by their home."""
    users = visible_users(user)
    if user is None or user.is_superuser:
        return users
    return users.exclude(pk__in=_uncovered_grants(user).values("user_id"))


def visible_grants(user) -> QuerySet:
    """Grants on organizations inside the user's administrator subtrees: a grant elsewhere is not shown."""
    if user is None or not getattr(user, "is_active", False):
        return Grant.objects.none()
    if user.is_superuser:
        return Grant.objects.all()
    return Grant.objects.filter(subtree_q("organization__path", admin_roots(user)))

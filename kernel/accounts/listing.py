"""The account list and its export: the accounts an administrator sees (kernel.accounts.selectors), filtered.

An account's grants are shown only where they lie inside the administrator's subtrees (visible_grants); a
grant elsewhere is neither listed nor exported.
"""
from collections.abc import Iterator

from django.db.models import Prefetch, Q
from django.utils import timezone

from kernel.core.tree import subtree_q

from .roles import Role
from .selectors import visible_grants, visible_users

EXPORT_HEADER = ["用户名", "姓名", "手机号", "组织代码", "组织", "角色", "所属组织", "状态", "需改密码", "最近登录",
                 "创建时间"]


def account_list(user, *, q: str = "", organization=None, role: str = "", state: str = "active"):
    """Visible accounts matching the filters, by user name, each with ``shown_grants`` (its visible grants)."""
    accounts = visible_users(user)
    grants = visible_grants(user)
    if q:
        accounts = accounts.filter(Q(username__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q)
                                   | Q(profile__phone__icontains=q))
    if organization is not None:
        in_subtree = grants.filter(subtree_q("organization__path", [organization.path]))
        accounts = accounts.filter(Q(pk__in=in_subtree.values("user_id"))
                                   | subtree_q("profile__home_path", [organization.path]))
    if role:
        with_role = grants.filter(role=role)
        if organization is not None:
            with_role = with_role.filter(subtree_q("organization__path", [organization.path]))
        accounts = accounts.filter(pk__in=with_role.values("user_id"))
    if state == "active":
        accounts = accounts.filter(is_active=True)
    elif state == "inactive":
        accounts = accounts.filter(is_active=False)
    shown = grants.select_related("organization").order_by("organization__path", "role")
    return (accounts.select_related("profile__home", "profile__person")
            .prefetch_related(Prefetch("grants", queryset=shown, to_attr="shown_grants"))
            .order_by("username"))


def export_rows(accounts) -> Iterator[list]:
    """One row per visible grant (one without a role for an account without any), so that the file, trimmed to
    its first five columns, imports back."""
    roles = dict(Role.choices)
    for account in accounts.iterator(chunk_size=500):
        profile = getattr(account, "profile", None)
        home = profile.home.name if profile is not None and profile.home_id else ""
        common = [account.get_username(), account.get_full_name(), profile.phone if profile else ""]
        tail = [home, "正常" if account.is_active else "停用",
                "是" if profile is not None and profile.must_change_password else "",
                _local(account.last_login), _local(account.date_joined)]
        grants = account.shown_grants or [None]
        for grant in grants:
            if grant is None:
                yield [*common, "", "", "", *tail]
            else:
                yield [*common, grant.organization.code, grant.organization.name, str(roles[grant.role]), *tail]


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None

from django import template

from kernel.accounts.selectors import is_account_admin

register = template.Library()


@register.filter
def manages_accounts(user) -> bool:
    """Whether the navigation offers the account pages: administrators only (once per request)."""
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_jiceng_manages_accounts", None)
    if cached is None:
        cached = user._jiceng_manages_accounts = is_account_admin(user)
    return cached

from django.utils.translation import gettext_lazy as _

from kernel.core.registry import JicengApp, Nav


class AccountsConfig(JicengApp):
    name = "kernel.accounts"
    label = "accounts"
    verbose_name = _("Accounts")
    url_prefix = "accounts/"
    # The import first: the accounts router's /users/{user_id} would otherwise take /users/import.
    api = [("", "kernel.accounts.api_import.router"), ("", "kernel.accounts.api.router")]
    nav = [Nav("end", _("Accounts"), "accounts:user_list", "bi-person-gear", order=20,
               visible="kernel.accounts.templatetags.accounts_nav.manages_accounts", element_id="nav-accounts")]

    def connect(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import copy_mark_at_login

        user_logged_in.connect(copy_mark_at_login, dispatch_uid="accounts.copy_mark_at_login")

from django.utils.translation import gettext_lazy as _

from core.registry import JicengApp, Nav


class AccountsConfig(JicengApp):
    name = "accounts"
    verbose_name = _("Accounts")
    url_prefix = "accounts/"
    # The import first: the accounts router's /users/{user_id} would otherwise take /users/import.
    api = [("", "accounts.api_import.router"), ("", "accounts.api.router")]
    nav = [Nav("end", _("Accounts"), "accounts:user_list", "bi-person-gear", order=20,
               visible="accounts.templatetags.accounts_nav.manages_accounts", element_id="nav-accounts")]

    def connect(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import copy_mark_at_login

        user_logged_in.connect(copy_mark_at_login, dispatch_uid="accounts.copy_mark_at_login")

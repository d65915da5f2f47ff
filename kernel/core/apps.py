from django.utils.translation import gettext_lazy as _

from kernel.core.registry import JicengApp, Nav


class CoreConfig(JicengApp):
    name = "kernel.core"
    label = "core"
    verbose_name = _("Core")
    url_prefix = ""
    nav = [Nav("top", _("Home"), "core:home", "bi-house", order=10)]

    def connect(self):
        from django.core import checks

        from .checks import check_view_scopes

        checks.register(check_view_scopes, checks.Tags.security, checks.Tags.urls)

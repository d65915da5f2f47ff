from django.utils.translation import gettext_lazy as _

from kernel.core.registry import JicengApp


class FundsConfig(JicengApp):
    name = "mechanisms.funds"
    label = "funds"
    verbose_name = _("Village funds")
